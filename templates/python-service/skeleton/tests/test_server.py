import json
import os
import signal
import subprocess
import sys
import unittest
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerProcessTest(unittest.TestCase):
    """Runs `python -m app` as the container does and stops it with SIGTERM."""

    def test_serves_logs_and_shuts_down_gracefully(self):
        env = {"PATH": os.environ.get("PATH", ""), "PORT": "0", "SHUTDOWN_DELAY_MS": "100", "PYTHONUNBUFFERED": "1"}
        child = subprocess.Popen(
            [sys.executable, "-m", "app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            logs = []
            port = None
            for line in child.stdout:
                entry = json.loads(line)
                logs.append(entry)
                if entry["message"] == "listening":
                    port = entry["port"]
                    break
            self.assertIsNotNone(port, "the server never said it was listening")
            traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/hello?name=x", headers={"traceparent": traceparent})
            with urllib.request.urlopen(req, timeout=5) as res:
                self.assertEqual(res.status, 200)
            child.send_signal(signal.SIGTERM)
            out, _ = child.communicate(timeout=10)
            logs += [json.loads(line) for line in out.splitlines()]
            self.assertEqual(child.returncode, 0)
            messages = [entry["message"] for entry in logs]
            self.assertIn("tracing disabled: OTEL_EXPORTER_OTLP_ENDPOINT is not set", messages)
            self.assertIn("shutting down", messages)
            self.assertEqual(messages[-1], "stopped")
            request_log = next(entry for entry in logs if entry["message"] == "request")
            self.assertEqual(request_log["route"], "/api/hello")
            self.assertEqual(request_log["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736")
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()


if __name__ == "__main__":
    unittest.main()
