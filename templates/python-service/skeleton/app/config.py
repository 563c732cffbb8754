"""Runtime settings, all from the environment (twelve-factor)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

LOG_LEVELS = ("debug", "info", "warn", "error")


@dataclass(frozen=True)
class Config:
    port: int
    """Port the HTTP server listens on (0 picks a free one)."""
    service_name: str
    """Service name for logs, metrics and traces."""
    environment: str
    """dev, staging, production or local."""
    otlp_endpoint: str | None
    """OTLP endpoint; tracing is off when unset."""
    shutdown_delay: float
    """Seconds to keep serving after SIGTERM while endpoints are removed."""
    log_level: str


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "")
    if value == "":
        return default
    if not value.isdigit():
        raise ValueError(f'{name} must be a non-negative integer, got "{value}"')
    return int(value)


def load_config(env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    log_level = env.get("LOG_LEVEL", "info")
    if log_level not in LOG_LEVELS:
        raise ValueError(f'LOG_LEVEL must be one of {", ".join(LOG_LEVELS)}, got "{log_level}"')
    return Config(
        port=_integer(env, "PORT", 8080),
        service_name=env.get("OTEL_SERVICE_NAME") or "${{ values.name }}",
        environment=env.get("DEPLOYMENT_ENVIRONMENT") or "local",
        otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
        shutdown_delay=_integer(env, "SHUTDOWN_DELAY_MS", 5000) / 1000,
        log_level=log_level,
    )
