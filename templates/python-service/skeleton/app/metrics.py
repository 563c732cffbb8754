"""Prometheus metrics in the text exposition format, with the standard library only.

The golden path's services share metric names (the OpenTelemetry HTTP
semantic conventions as Prometheus exposes them), so one dashboard, one set
of alerts and the catalog's `prometheus.io/request-rate-query` annotation
fit every service. The `service` label is added by the ServiceMonitor (it
is the Kubernetes Service name).

Written by hand instead of using prometheus_client so the service needs no
third-party package at all: nothing to pin, audit or install in the image.
"""

from __future__ import annotations

import math
import os
import resource
import threading
import time
from typing import Iterable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    inner = ",".join(f'{name}="{_escape_label(value)}"' for name, value in pairs)
    return f"{{{inner}}}" if inner else ""


class _Metric:
    kind = ""

    def __init__(self, name: str, help_text: str, labelnames: tuple[str, ...] = ()):
        self.name = name
        self.help = help_text
        self.labelnames = labelnames
        self._lock = threading.Lock()

    def _key(self, labels: dict[str, str]) -> tuple[str, ...]:
        if set(labels) != set(self.labelnames):
            raise ValueError(f"{self.name} takes labels {self.labelnames}, got {tuple(labels)}")
        return tuple(str(labels[n]) for n in self.labelnames)

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]

    def samples(self) -> list[str]:
        raise NotImplementedError


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help_text: str, labelnames: tuple[str, ...] = ()):
        super().__init__(name, help_text, labelnames)
        self._values: dict[tuple[str, ...], float] = {} if labelnames else {(): 0.0}

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def samples(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return [f"{self.name}{_labels(zip(self.labelnames, k))} {_number(v)}" for k, v in items]


class Gauge(_Metric):
    kind = "gauge"

    def __init__(self, name: str, help_text: str, labelnames: tuple[str, ...] = ()):
        super().__init__(name, help_text, labelnames)
        self._values: dict[tuple[str, ...], float] = {} if labelnames else {(): 0.0}

    def add(self, amount: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def set(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = value

    def samples(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return [f"{self.name}{_labels(zip(self.labelnames, k))} {_number(v)}" for k, v in items]


class Histogram(_Metric):
    kind = "histogram"

    def __init__(
        self,
        name: str,
        help_text: str,
        labelnames: tuple[str, ...] = (),
        buckets: tuple[float, ...] = DEFAULT_BUCKETS,
    ):
        super().__init__(name, help_text, labelnames)
        self.buckets = tuple(sorted(buckets)) + (math.inf,)
        # per label set: [count per bucket (not cumulative)], sum, count
        self._series: dict[tuple[str, ...], tuple[list[int], list[float]]] = {}

    def observe(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            counts, total = self._series.setdefault(key, ([0] * len(self.buckets), [0.0, 0.0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
                    break
            total[0] += value
            total[1] += 1

    def samples(self) -> list[str]:
        lines = []
        with self._lock:
            items = sorted((k, (list(c), list(t))) for k, (c, t) in self._series.items())
        for key, (counts, (total, count)) in items:
            pairs = list(zip(self.labelnames, key))
            cumulative = 0
            for bound, n in zip(self.buckets, counts):
                cumulative += n
                lines.append(f"{self.name}_bucket{_labels(pairs + [('le', _number(bound))])} {cumulative}")
            lines.append(f"{self.name}_sum{_labels(pairs)} {_number(total)}")
            lines.append(f"{self.name}_count{_labels(pairs)} {_number(count)}")
        return lines


class Registry:
    def __init__(self, process_metrics: bool = True):
        self._metrics: list[_Metric] = []
        self._process_metrics = process_metrics

    def register(self, metric: _Metric) -> _Metric:
        self._metrics.append(metric)
        return metric

    def expose(self) -> str:
        lines: list[str] = []
        if self._process_metrics:
            lines += _process_lines()
        for metric in self._metrics:
            lines += metric.header() + metric.samples()
        return "\n".join(lines) + "\n"


_START_TIME = time.time()


def _process_lines() -> list[str]:
    """The saturation signals of the process (same names as the official clients)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    lines = [
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
        "# TYPE process_cpu_seconds_total counter",
        f"process_cpu_seconds_total {_number(usage.ru_utime + usage.ru_stime)}",
        "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
        "# TYPE process_start_time_seconds gauge",
        f"process_start_time_seconds {_number(round(_START_TIME, 3))}",
    ]
    try:  # Linux only: resident memory and file descriptors from /proc.
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident_pages = int(statm.read().split()[1])
        lines += [
            "# HELP process_resident_memory_bytes Resident memory size in bytes.",
            "# TYPE process_resident_memory_bytes gauge",
            f"process_resident_memory_bytes {resident_pages * os.sysconf('SC_PAGE_SIZE')}",
            "# HELP process_open_fds Number of open file descriptors.",
            "# TYPE process_open_fds gauge",
            f"process_open_fds {len(os.listdir('/proc/self/fd'))}",
            "# HELP process_max_fds Maximum number of open file descriptors.",
            "# TYPE process_max_fds gauge",
            f"process_max_fds {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}",
        ]
    except OSError:
        pass
    return lines


class Metrics:
    """The service's metrics: golden signals plus one example business metric."""

    def __init__(self, process_metrics: bool = True):
        self.registry = Registry(process_metrics)
        self.request_duration = self.registry.register(
            Histogram(
                "http_server_request_duration_seconds",
                "Duration of HTTP server requests.",
                ("http_request_method", "http_route", "http_response_status_code"),
            )
        )
        self.requests_in_flight = self.registry.register(
            Gauge("http_server_active_requests", "Number of HTTP server requests in flight.")
        )
        self.example_greetings = self.registry.register(
            Counter(
                "example_greetings_total",
                "Greetings served by the example route (replace with your own business metrics).",
            )
        )
