#!/usr/bin/env python3
"""Writes observability/grafana-dashboard.json of each skeleton.

The golden paths share one dashboard layout (the four golden signals over
the shared metric names); only the runtime panel differs per stack. Edit
here, run `python3 templates/scripts/make-dashboard.py`, commit both files.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
S = "__SERVICE__"
SEL = f'service="{S}"'
DS = {"type": "prometheus", "uid": "${datasource}"}


def timeseries(id_, title, exprs, unit, x, y, desc=""):
    return {
        "id": id_,
        "type": "timeseries",
        "title": title,
        "description": desc,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": 12, "h": 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
        "targets": [{"refId": chr(65 + i), "expr": e, "legendFormat": legend} for i, (e, legend) in enumerate(exprs)],
    }


def stat(id_, title, expr, unit, x, steps):
    return {
        "id": id_,
        "type": "stat",
        "title": title,
        "datasource": DS,
        "gridPos": {"x": x, "y": 1, "w": 6, "h": 4},
        "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
        "targets": [{"refId": "A", "expr": expr}],
    }


def row(id_, title, y):
    return {"id": id_, "type": "row", "title": title, "collapsed": False, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []}


def dashboard(runtime_panel):
    rate = f"sum(rate(http_server_request_duration_seconds_count{{{SEL}}}[$__rate_interval]))"
    errors = (
        f'sum(rate(http_server_request_duration_seconds_count{{{SEL},http_response_status_code=~"5.."}}[$__rate_interval]))'
        f" / {rate}"
    )
    client_errors = (
        f'sum(rate(http_server_request_duration_seconds_count{{{SEL},http_response_status_code=~"4.."}}[$__rate_interval]))'
        f" / {rate}"
    )

    def quantile(q):
        return f"histogram_quantile({q}, sum by (le) (rate(http_server_request_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))"

    def per_pod_ratio(usage, resource):
        pods = f'namespace="$namespace",container="app",pod=~"{S}-.*"'
        return (
            f"sum by (pod) ({usage.format(pods=pods)}) / on (pod) "
            f'sum by (pod) (kube_pod_container_resource_limits{{{pods},resource="{resource}"}})'
        )

    green = [{"color": "green", "value": None}]
    panels = [
        row(1, "Overview", 0),
        stat(2, "Request rate", rate, "reqps", 0, green),
        stat(3, "Error ratio (5xx)", errors, "percentunit", 6, green + [{"color": "orange", "value": 0.01}, {"color": "red", "value": 0.05}]),
        stat(4, "p95 duration", quantile(0.95), "s", 12, green + [{"color": "orange", "value": 0.5}, {"color": "red", "value": 1}]),
        stat(5, "Pods up", f"sum(up{{{SEL}}})", "none", 18, [{"color": "red", "value": None}, {"color": "green", "value": 1}]),
        row(6, "Golden signals", 5),
        timeseries(
            7,
            "Rate: requests per second by route",
            [(f"sum by (http_route) (rate(http_server_request_duration_seconds_count{{{SEL}}}[$__rate_interval]))", "{{http_route}}")],
            "reqps", 0, 6, "Traffic. Probes and scrapes are not counted.",
        ),
        timeseries(8, "Errors: share of responses by status class", [(errors, "5xx"), (client_errors, "4xx")], "percentunit", 12, 6,
                   "5xx are the service's errors; 4xx are callers' mistakes."),
        timeseries(9, "Duration: latency percentiles", [(quantile(0.5), "p50"), (quantile(0.95), "p95"), (quantile(0.99), "p99")], "s", 0, 14),
        timeseries(10, "Saturation: CPU used / limit per pod",
                   [(per_pod_ratio("rate(container_cpu_usage_seconds_total{{{pods}}}[$__rate_interval])", "cpu"), "{{pod}}")],
                   "percentunit", 12, 14),
        timeseries(11, "Saturation: memory used / limit per pod",
                   [(per_pod_ratio("container_memory_working_set_bytes{{{pods}}}", "memory"), "{{pod}}")],
                   "percentunit", 0, 22),
        runtime_panel,
    ]
    return {
        "uid": S,
        "title": f"{S}: golden signals",
        "tags": ["paved", "golden-path", S],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
                {
                    "name": "namespace",
                    "type": "query",
                    "label": "Namespace",
                    "datasource": DS,
                    "query": {"query": f"label_values(up{{{SEL}}}, namespace)", "refId": "namespace"},
                    "refresh": 2,
                },
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


RUNTIME = {
    "typescript-service": timeseries(
        12, "Saturation: in-flight requests and event-loop lag",
        [(f"sum(http_server_active_requests{{{SEL}}})", "in flight"),
         (f"max(nodejs_eventloop_lag_p99_seconds{{{SEL}}})", "event-loop lag p99 (s)")],
        "short", 12, 22,
    ),
    "python-service": timeseries(
        12, "Saturation: in-flight requests and file descriptors",
        [(f"sum(http_server_active_requests{{{SEL}}})", "in flight"),
         (f"max(process_open_fds{{{SEL}}} / process_max_fds{{{SEL}}})", "open fds / limit")],
        "short", 12, 22,
    ),
}

for template, panel in RUNTIME.items():
    text = json.dumps(dashboard(panel), indent=2) + "\n"
    target = os.path.join(HERE, "..", template, "skeleton", "observability", "grafana-dashboard.json")
    with open(target, "w", encoding="utf-8") as out:
        out.write(text.replace(S, "${{ values.name }}"))
    print(f"wrote {os.path.relpath(target)}")
