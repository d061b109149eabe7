"""Prometheus metrics: requests and Celery tasks (the marketplace calls and rate-limit waits are defined in
marketplace_connectors.metrics; the queue and the workers' heartbeats are read at scrape time by
config.metrics_view), served at ``/metrics``.

``/metrics`` answers only a scraper holding ``METRICS_TOKEN`` (``Authorization: Bearer <token>``); without a
token it is 404. Web and worker processes of one host share their counts through PROMETHEUS_MULTIPROC_DIR
(prometheus-client's multiprocess mode; the folder is emptied when the services start); without it each
process serves only its own.
"""

from __future__ import annotations

import time

from django.urls import Resolver404, resolve
from prometheus_client import (
    Counter,
    Histogram,
)

HTTP_REQUESTS = Counter("http_requests_total", "Requests answered, by view and status class",
                        ["view", "method", "status"])
HTTP_SECONDS = Histogram("http_request_duration_seconds", "Time to answer a request, by view", ["view"],
                         buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10))
TASKS = Counter("celery_tasks_total", "Celery tasks finished, by task and state (success, failure, retry)",
                ["task", "state"])
TASK_SECONDS = Histogram("celery_task_duration_seconds", "Run time of a Celery task", ["task"],
                         buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800))
JOBS_TIMED_OUT = Counter("jobs_timed_out_total", "Long jobs the watchdog turned into errors", ["sweeper"])
TASK_WAIT_SECONDS = Histogram("celery_task_queue_wait_seconds", "Time a task waited in the queue", ["task"],
                              buckets=(0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800))


class MetricsMiddleware:
    """Counts and times every request under its URL pattern's name (never the raw path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        HTTP_SECONDS.labels(view).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(view, request.method if request.method in _METHODS else "other",
                             f"{response.status_code // 100}xx").inc()
        return response


_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "not_found"
    return match.view_name or "unnamed"


# --- Celery: what a worker records about each task -------------------------------------------------
_started: dict[str, float] = {}


def task_started(task_id=None, task=None, **_kwargs):
    _started[task_id] = time.perf_counter()
    enqueued = getattr(getattr(task, "request", None), "enqueued_at", None)
    if enqueued:
        TASK_WAIT_SECONDS.labels(task.name).observe(max(0.0, time.time() - float(enqueued)))


def task_finished(task_id=None, task=None, state=None, **_kwargs):
    begun = _started.pop(task_id, None)
    if task is None:
        return
    if begun is not None:
        TASK_SECONDS.labels(task.name).observe(time.perf_counter() - begun)
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "", (state or "").lower())
    TASKS.labels(task.name, outcome or "unknown").inc()
