"""``/healthz``: the database, the broker, the Celery workers' heartbeats and the queue; 503 when something
needed is down.

A worker is needed unless tasks run inline (``CELERY_TASK_ALWAYS_EAGER``, the unit tests): then no worker
being seen for ``HEALTHZ_WORKER_SILENCE_SECONDS`` makes the answer 503, as does a worker-less deployment.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu.exceptions import KombuError

from .celery_app import app as celery_app
from .queues import queue_state


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_and_queue() -> tuple[bool, dict]:
    # The embedded broker raises SQLAlchemy's errors, Redis its own ConnectionError (an OSError subclass).
    errors = (KombuError, OSError, *celery_app.connection_for_read().connection_errors)
    try:
        state = queue_state(celery_app)
    except errors:
        return False, {}
    return True, {"waiting": state.waiting, "oldest_waiting_seconds": _round(state.oldest_waiting_seconds)}


def _round(value):
    return None if value is None else round(value, 1)


def _workers() -> tuple[bool, list[dict], float | None]:
    from operations.selectors import worker_last_seen_seconds, workers_seen

    try:
        workers = workers_seen()
    except DatabaseError:
        return False, [], None
    last_seen = worker_last_seen_seconds(workers=workers)
    rows = [{"name": w.hostname, "last_heartbeat": w.last_seen_at.isoformat(),
             "stopped": w.stopped_at is not None} for w in workers]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, rows, last_seen
    return last_seen is not None and last_seen <= settings.HEALTHZ_WORKER_SILENCE_SECONDS, rows, last_seen


@never_cache
def healthz(request):
    database = _database_ok()
    broker, queue = _broker_and_queue()
    workers_ok, workers, last_seen = _workers() if database else (False, [], None)
    healthy = database and broker and workers_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "workers": "ok" if workers_ok else "none seen",
        "worker_last_seen_seconds": _round(last_seen),
        "worker_list": workers,
        "queue": queue,
    }
    return JsonResponse(body, status=200 if healthy else 503)
