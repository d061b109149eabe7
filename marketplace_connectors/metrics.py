"""Prometheus metrics of the calls to the marketplaces (recorded by http.py and ratelimit.py).

Exposed with the platform's other metrics at /metrics (config.metrics)."""

from prometheus_client import Counter, Histogram

MARKETPLACE_CALLS = Counter(
    "marketplace_calls_total", "HTTP calls to a marketplace, by outcome: 2xx/3xx/4xx/5xx, 429 (rate limited) "
    "or network (no answer)", ["marketplace", "outcome"])
MARKETPLACE_CALL_SECONDS = Histogram(
    "marketplace_call_duration_seconds", "Time until a marketplace answered", ["marketplace"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))
RATE_LIMIT_WAIT_SECONDS = Histogram(
    "marketplace_rate_limit_wait_seconds", "Time a call waited for its slot under the shared rate limiter",
    ["marketplace"], buckets=(0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))


def call_outcome(status: int | None) -> str:
    if status is None:
        return "network"
    if status == 429:
        return "429"
    return f"{status // 100}xx"
