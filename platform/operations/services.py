"""Writes of the workers' heartbeats."""

from datetime import datetime

from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, pid: int, started_at: datetime | None = None) -> None:
    """Record that worker ``hostname`` is alive now (idempotent: one row per worker node name)."""
    now = timezone.now()
    fields = {"pid": pid, "last_seen_at": now, "stopped_at": None}
    if started_at is not None:
        fields["started_at"] = started_at
    if not WorkerHeartbeat.objects.filter(hostname=hostname).update(**fields):
        WorkerHeartbeat.objects.update_or_create(hostname=hostname,
                                                 defaults={**fields, "started_at": started_at or now})


def worker_stopped(*, hostname: str) -> None:
    """A worker that shuts down cleanly says so: it is no longer expected to beat."""
    WorkerHeartbeat.objects.filter(hostname=hostname).update(stopped_at=timezone.now())
