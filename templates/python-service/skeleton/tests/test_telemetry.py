import importlib.util
import unittest

from app.log import Logger
from app.telemetry import start_telemetry, trace_id_from



def _have_sdk() -> bool:
    try:
        return importlib.util.find_spec("opentelemetry.sdk") is not None
    except ModuleNotFoundError:
        return False


HAVE_SDK = _have_sdk()


class TelemetryTest(unittest.TestCase):
    def setUp(self):
        self.lines = []
        self.logger = Logger("t", "debug", self.lines.append)

    def test_disabled_cleanly_without_endpoint(self):
        telemetry = start_telemetry(None, "x", self.logger)
        self.assertFalse(telemetry.enabled)
        with telemetry.server_span("GET /", {}):
            pass
        telemetry.shutdown()
        self.assertIn("OTEL_EXPORTER_OTLP_ENDPOINT is not set", self.lines[0])

    @unittest.skipIf(HAVE_SDK, "the OpenTelemetry SDK is installed")
    def test_disabled_with_a_warning_when_the_sdk_is_missing(self):
        telemetry = start_telemetry("http://collector:4318", "x", self.logger)
        self.assertFalse(telemetry.enabled)
        self.assertIn("not installed", self.lines[0])

    @unittest.skipUnless(HAVE_SDK, "the OpenTelemetry SDK (telemetry extra) is not installed")
    def test_enabled_with_the_sdk(self):
        telemetry = start_telemetry("http://127.0.0.1:9", "x", self.logger)
        self.assertTrue(telemetry.enabled)
        with telemetry.server_span("GET /api/hello", {}):
            pass

    def test_trace_id_from_traceparent(self):
        header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        self.assertEqual(trace_id_from({"traceparent": header}), "4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertIsNone(trace_id_from({}))
        self.assertIsNone(trace_id_from({"traceparent": "garbage"}))
        self.assertIsNone(trace_id_from({"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"}))


if __name__ == "__main__":
    unittest.main()
