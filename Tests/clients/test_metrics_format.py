"""The gateway's /metrics read by the official Prometheus Python client's parser.

Run by the Swift integration test `MetricsTests`, which starts a gateway, drives traffic
(success, stream, failover, hedge) and passes the scrape URL in SWITCHYARD_METRICS_URL.
"""

import math
import os
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

METRICS_URL = os.environ["SWITCHYARD_METRICS_URL"]

# SPEC §5: name -> type.
SPEC = {
    "switchyard_requests_total": "counter",
    "switchyard_request_duration_seconds": "histogram",
    "switchyard_ttft_seconds": "histogram",
    "switchyard_upstream_attempts_total": "counter",
    "switchyard_fallbacks_total": "counter",
    "switchyard_hedges_total": "counter",
    "switchyard_provider_healthy": "gauge",
    "switchyard_provider_latency_seconds": "gauge",
    "switchyard_provider_error_rate": "gauge",
    "switchyard_in_flight_requests": "gauge",
    "switchyard_tokens_total": "counter",
    "switchyard_spend_usd_total": "counter",
    "switchyard_probe_total": "counter",
}

LABELS = {
    "switchyard_requests_total": {"route", "model", "provider", "status"},
    "switchyard_request_duration_seconds": {"route", "provider"},
    "switchyard_ttft_seconds": {"route", "provider"},
    "switchyard_upstream_attempts_total": {"provider", "outcome"},
    "switchyard_fallbacks_total": {"route", "from_provider", "to_provider"},
    "switchyard_hedges_total": {"route", "outcome"},
    "switchyard_provider_healthy": {"provider"},
    "switchyard_provider_latency_seconds": {"provider", "quantile"},
    "switchyard_provider_error_rate": {"provider"},
    "switchyard_in_flight_requests": {"provider"},
    "switchyard_tokens_total": {"provider", "model", "direction"},
    "switchyard_spend_usd_total": {"provider", "model"},
    "switchyard_probe_total": {"provider", "outcome"},
}


def scrape():
    with urllib.request.urlopen(METRICS_URL, timeout=10) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/plain")
        return response.read().decode("utf-8")


def families():
    found = {}
    for family in text_string_to_metric_families(scrape()):
        # The parser drops a counter's `_total` from the family name.
        name = family.name + "_total" if family.type == "counter" else family.name
        found[name] = family
    return found


def test_every_spec_metric_has_its_type_and_labels():
    found = families()
    for name, kind in SPEC.items():
        assert name in found, f"{name} missing"
        family = found[name]
        assert family.type == kind, f"{name} is {family.type}, SPEC says {kind}"
        assert family.samples, f"{name} has no samples"
        for sample in family.samples:
            labels = set(sample.labels) - {"le"}
            assert labels == LABELS[name], f"{sample.name} has labels {sorted(labels)}"


def test_histograms_are_cumulative_and_end_in_inf():
    found = families()
    for name in ("switchyard_request_duration_seconds", "switchyard_ttft_seconds"):
        series = {}
        for sample in found[name].samples:
            if sample.name == name + "_bucket":
                key = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
                series.setdefault(key, []).append((float(sample.labels["le"]), sample.value))
        assert series, f"{name} has no buckets"
        for buckets in series.values():
            buckets.sort()
            assert math.isinf(buckets[-1][0])
            counts = [count for _, count in buckets]
            assert counts == sorted(counts), f"{name} buckets are not cumulative"
        bounds = sorted({bound for buckets in series.values() for bound, _ in buckets if not math.isinf(bound)})
        if name == "switchyard_request_duration_seconds":
            assert bounds[0] == 0.01 and bounds[-1] == 60.0
        else:
            assert bounds[0] == 0.005 and bounds[-1] == 10.0


def test_counters_moved():
    found = families()

    def total(name, **labels):
        return sum(
            s.value
            for s in found[name].samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )

    assert total("switchyard_fallbacks_total", route="failover", from_provider="bad", to_provider="good") == 1
    assert total("switchyard_hedges_total", route="hedged", outcome="won") == 1
    assert total("switchyard_tokens_total", provider="good", direction="output") > 0
    assert total("switchyard_spend_usd_total", provider="good") > 0
