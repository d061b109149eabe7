"""``/metrics``: the Prometheus exposition of config.metrics and marketplace_connectors.metrics, plus what is
read at scrape time (queue depth, the oldest message's age, the workers' heartbeats). Only for a scraper
holding METRICS_TOKEN; see config.metrics."""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from operations.selectors import workers_seen

from .celery_app import app
from .queues import queue_state


class _QueueAndWorkersCollector:
    """Read at scrape time: messages waiting and the oldest one's age, seconds since the last heartbeat of
    each worker seen today."""

    def collect(self):
        waiting = GaugeMetricFamily("celery_queue_waiting", "Messages waiting in the queue", labels=["queue"])
        oldest = GaugeMetricFamily("celery_queue_oldest_waiting_seconds", "Age of the oldest waiting message",
                                   labels=["queue"])
        up = GaugeMetricFamily("celery_broker_up", "1 when the broker answered the last scrape")
        queue = app.conf.task_default_queue
        try:
            state = queue_state(app)
        except Exception:  # noqa: BLE001 - any broker failure is reported as the broker being down
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            if state.waiting is not None:
                waiting.add_metric([queue], state.waiting)
            oldest.add_metric([queue], state.oldest_waiting_seconds or 0.0)
        yield from (waiting, oldest, up)
        silence = GaugeMetricFamily("celery_worker_heartbeat_age_seconds",
                                    "Seconds since each worker's last heartbeat", labels=["worker"])
        now = time.time()
        for worker in workers_seen():
            if worker.stopped_at is None:
                silence.add_metric([worker.hostname], now - worker.last_seen_at.timestamp())
        yield silence


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(_QueueAndWorkersCollector())
    return registry


class _Default:
    def collect(self):
        yield from REGISTRY.collect()


@never_cache
def metrics_view(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


