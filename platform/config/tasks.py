"""Platform-wide tasks: a ping that proves a worker consumes the queue, and the scheduler's heartbeat."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from .metrics import JOBS_TIMED_OUT

logger = logging.getLogger(__name__)


@shared_task(name="config.tasks.ping")
def ping(payload: str = "pong") -> str:
    """Return ``payload`` unchanged; used by health checks and the worker tests."""
    return payload


@shared_task(name="config.tasks.heartbeat")
def heartbeat() -> str:
    """Record when the scheduler last fired, so an operator can see beat is alive."""
    stamp = timezone.now().isoformat()
    cache.set("beat:last_heartbeat", stamp, timeout=None)
    return stamp


@shared_task(name="config.tasks.jobs_fail_stalled")
def jobs_fail_stalled() -> dict[str, int]:
    """Scheduled: every app's watchdog for its long jobs (settings.STALLED_JOB_SWEEPERS) turns a job that
    stopped moving into an error its owner or officer sees, with a retry. Returns how many each failed."""
    failed = {path: import_string(path)() for path in settings.STALLED_JOB_SWEEPERS}
    for path, count in failed.items():
        if count:
            JOBS_TIMED_OUT.labels(path.rsplit(".", 1)[-1]).inc(count)
            logger.warning("%s: %s job(s) stopped moving and were turned into errors", path, count)
    return failed
