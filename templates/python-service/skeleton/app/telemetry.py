"""Optional OpenTelemetry tracing.

The service runs on the standard library alone, and Debian ships no
OpenTelemetry packages, so tracing is opt-in: install the `telemetry` extra
(`pip install '.[telemetry]'`, see docs/development.md) and set
OTEL_EXPORTER_OTLP_ENDPOINT. Without either, tracing is off and nothing is
imported. Either way the access log carries the W3C `traceparent` trace id
of each request, so logs line up with the callers' traces.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Mapping

from .log import Logger

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def trace_id_from(headers: Mapping[str, str]) -> str | None:
    """The trace id of an incoming W3C `traceparent` header, if valid."""
    match = _TRACEPARENT.match((headers.get("traceparent") or "").strip().lower())
    if not match or match.group(1) == "0" * 32:
        return None
    return match.group(1)


@dataclass
class Telemetry:
    enabled: bool
    _span: Callable[[str, Mapping[str, str]], ContextManager[Any]] | None = None
    _shutdown: Callable[[], Any] = field(default=lambda: None)

    def server_span(self, name: str, headers: Mapping[str, str]) -> ContextManager[Any]:
        """A SERVER span continuing the caller's trace, or a no-op when tracing is off."""
        if self._span is None:
            return contextlib.nullcontext()
        return self._span(name, headers)

    def shutdown(self) -> None:
        """Flushes pending spans."""
        self._shutdown()


def start_telemetry(otlp_endpoint: str | None, service_name: str, logger: Logger) -> Telemetry:
    if not otlp_endpoint:
        logger.info("tracing disabled: OTEL_EXPORTER_OTLP_ENDPOINT is not set")
        return Telemetry(enabled=False)
    try:
        from opentelemetry import propagate, trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warn("tracing disabled: the OpenTelemetry SDK is not installed (the telemetry extra)")
        return Telemetry(enabled=False)

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    tracer = provider.get_tracer("${{ values.name }}")

    def span(name: str, headers: Mapping[str, str]) -> ContextManager[Any]:
        return tracer.start_as_current_span(
            name, context=propagate.extract(dict(headers)), kind=trace.SpanKind.SERVER
        )

    logger.info("tracing enabled", endpoint=otlp_endpoint)
    return Telemetry(enabled=True, _span=span, _shutdown=provider.shutdown)
