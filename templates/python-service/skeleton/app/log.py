"""One JSON object per line on stdout, so the cluster's log shipper can parse it."""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime, timezone
from typing import Any, Callable

_ORDER = {"debug": 10, "info": 20, "warn": 30, "error": 40}


class Logger:
    def __init__(self, service: str, minimum: str = "info", write: Callable[[str], None] | None = None):
        self._service = service
        self._minimum = _ORDER[minimum]
        self._write = write or self._stdout
        self._lock = threading.Lock()

    @staticmethod
    def _stdout(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def _emit(self, level: str, message: str, fields: dict[str, Any]) -> None:
        if _ORDER[level] < self._minimum:
            return
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "service": self._service,
            "message": message,
            **fields,
        }
        with self._lock:
            self._write(json.dumps(entry, default=str))

    def debug(self, message: str, **fields: Any) -> None:
        self._emit("debug", message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._emit("info", message, fields)

    def warn(self, message: str, **fields: Any) -> None:
        self._emit("warn", message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._emit("error", message, fields)


def silent_logger() -> Logger:
    """A logger that drops everything (tests)."""
    return Logger("test", "error", lambda _line: None)
