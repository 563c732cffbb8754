import unittest

from app.config import load_config


class LoadConfigTest(unittest.TestCase):
    def test_safe_defaults(self):
        config = load_config({})
        self.assertEqual(config.port, 8080)
        self.assertEqual(config.service_name, "${{ values.name }}")
        self.assertIsNone(config.otlp_endpoint)
        self.assertEqual(config.log_level, "info")
        self.assertEqual(config.shutdown_delay, 5.0)

    def test_reads_the_environment(self):
        config = load_config(
            {
                "PORT": "9000",
                "OTEL_SERVICE_NAME": "other",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
                "LOG_LEVEL": "debug",
                "DEPLOYMENT_ENVIRONMENT": "staging",
                "SHUTDOWN_DELAY_MS": "250",
            }
        )
        self.assertEqual(config.port, 9000)
        self.assertEqual(config.service_name, "other")
        self.assertEqual(config.otlp_endpoint, "http://collector:4318")
        self.assertEqual(config.environment, "staging")
        self.assertEqual(config.shutdown_delay, 0.25)

    def test_rejects_bad_values(self):
        with self.assertRaisesRegex(ValueError, "PORT"):
            load_config({"PORT": "eighty"})
        with self.assertRaisesRegex(ValueError, "LOG_LEVEL"):
            load_config({"LOG_LEVEL": "loud"})


if __name__ == "__main__":
    unittest.main()
