"""Platform-wide tasks: a ping that proves a worker consumes the queue, and the scheduler's heartbeat."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


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
