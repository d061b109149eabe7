"""Reads of the workers' heartbeats."""

from datetime import timedelta

from django.utils import timezone

from .models import WorkerHeartbeat


def workers_seen(*, within_days: int = 1) -> list[WorkerHeartbeat]:
    """Workers seen in the last ``within_days`` days, most recent first."""
    since = timezone.now() - timedelta(days=within_days)
    return list(WorkerHeartbeat.objects.filter(last_seen_at__gte=since).order_by("-last_seen_at"))


def worker_last_seen_seconds(*, workers: list[WorkerHeartbeat]) -> float | None:
    """Seconds since the most recent heartbeat of any running worker, or None when none ever beat."""
    running = [w for w in workers if w.stopped_at is None]
    if not running:
        return None
    return (timezone.now() - max(w.last_seen_at for w in running)).total_seconds()
