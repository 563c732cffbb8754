import json
import threading
import unittest
import urllib.error
import urllib.request

from app.log import silent_logger
from app.metrics import Metrics
from app.server import App, make_server


class ServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.app = App("test-service", Metrics(process_metrics=False), silent_logger())
        cls.server = make_server(cls.app, 0, host="127.0.0.1")
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def request(self, path, method="GET"):
        req = urllib.request.Request(self.base + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status, dict(res.headers), res.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def test_healthz(self):
        status, _, body = self.request("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"status": "ok"})

    def test_readyz_fails_once_shutdown_begins_while_healthz_stays_up(self):
        self.assertEqual(self.request("/readyz")[0], 200)
        self.app.ready = False
        try:
            self.assertEqual(self.request("/readyz")[0], 503)
            self.assertEqual(self.request("/healthz")[0], 200)
        finally:
            self.app.ready = True

    def test_example_route(self):
        status, _, body = self.request("/api/hello?name=Fernhill")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"message": "Hello, Fernhill!", "service": "test-service"})
        self.assertEqual(self.request("/api/hello?name=")[0], 400)

    def test_404_and_405(self):
        self.assertEqual(self.request("/nope")[0], 404)
        status, headers, _ = self.request("/api/hello", method="POST")
        self.assertEqual(status, 405)
        self.assertEqual(headers.get("Allow"), "GET")

    def test_metrics_count_measured_routes_only(self):
        self.request("/api/hello")
        self.request("/nope")
        status, headers, body = self.request("/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertRegex(
            body,
            r'http_server_request_duration_seconds_count\{http_request_method="GET",http_route="/api/hello",'
            r'http_response_status_code="200"\} [1-9]',
        )
        self.assertIn('http_route="unmatched",http_response_status_code="404"', body)
        self.assertNotIn('http_route="/healthz"', body)
        self.assertIn("# TYPE http_server_active_requests gauge", body)
        self.assertRegex(body, r"example_greetings_total [1-9]")


if __name__ == "__main__":
    unittest.main()
