import unittest

from app.metrics import Counter, Gauge, Histogram, Metrics, Registry


class ExpositionTest(unittest.TestCase):
    def test_histogram_buckets_are_cumulative(self):
        registry = Registry(process_metrics=False)
        histogram = registry.register(Histogram("d_seconds", "Durations.", ("route",), buckets=(0.1, 1.0)))
        for value in (0.05, 0.5, 0.5, 3.0):
            histogram.observe(value, route="/a")
        text = registry.expose()
        self.assertIn("# TYPE d_seconds histogram", text)
        self.assertIn('d_seconds_bucket{route="/a",le="0.1"} 1', text)
        self.assertIn('d_seconds_bucket{route="/a",le="1"} 3', text)
        self.assertIn('d_seconds_bucket{route="/a",le="+Inf"} 4', text)
        self.assertIn('d_seconds_sum{route="/a"} 4.05', text)
        self.assertIn('d_seconds_count{route="/a"} 4', text)

    def test_label_values_and_help_are_escaped(self):
        registry = Registry(process_metrics=False)
        counter = registry.register(Counter("c_total", "Line one\nback\\slash", ("path",)))
        counter.inc(path='a"b\\c\nd')
        text = registry.expose()
        self.assertIn("# HELP c_total Line one\\nback\\\\slash", text)
        self.assertIn('c_total{path="a\\"b\\\\c\\nd"} 1', text)

    def test_counters_only_go_up_and_labels_must_match(self):
        counter = Counter("c_total", "c", ("a",))
        with self.assertRaises(ValueError):
            counter.inc(-1, a="x")
        with self.assertRaises(ValueError):
            counter.inc(b="x")

    def test_gauge_and_process_metrics(self):
        registry = Registry(process_metrics=True)
        gauge = registry.register(Gauge("g", "g"))
        gauge.add(2)
        gauge.add(-1)
        text = registry.expose()
        self.assertIn("g 1", text.splitlines())
        self.assertIn("# TYPE process_cpu_seconds_total counter", text)
        self.assertTrue(text.endswith("\n"))

    def test_service_metrics_have_the_shared_names(self):
        text = Metrics(process_metrics=False).registry.expose()
        for name in ("http_server_request_duration_seconds", "http_server_active_requests", "example_greetings_total"):
            self.assertIn(f"# TYPE {name} ", text)


if __name__ == "__main__":
    unittest.main()
