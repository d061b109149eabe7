"""Celery tasks of the adoption area: thin wrappers around services and the indicator."""

import datetime

from celery import shared_task
from django.utils import timezone

from .indicator import PopulationData, snapshot_range, snapshot_store, stale_snapshot_days
from .services import register_import_mark_failed, register_import_run, snapshot_job_run


@shared_task(bind=True, acks_late=True, max_retries=0)
def register_import_run_task(self, job_id: int) -> None:
    """Apply a confirmed register import (services.register_import_run); a second delivery is a no-op."""
    try:
        register_import_run(job_id=job_id)
    except Exception as exc:
        # The import's transaction has rolled back; the job must not stay "running".
        register_import_mark_failed(job_id=job_id, error_code=type(exc).__name__)
        raise


@shared_task(acks_late=True)
def snapshot_day_task(day: str) -> None:
    """Recompute and store the snapshot of one day (ISO date). Idempotent."""
    snapshot_store(day=datetime.date.fromisoformat(day))


@shared_task(acks_late=True)
def snapshot_job_task(day: str) -> None:
    """Compute a day a page or the API asked for (services.snapshot_request); a second delivery is a no-op."""
    snapshot_job_run(day=datetime.date.fromisoformat(day))


@shared_task(acks_late=True)
def snapshot_range_task(start: str, end: str) -> None:
    """Recompute and store every day from ``start`` to ``end`` (ISO dates, inclusive). Idempotent."""
    snapshot_range(start=datetime.date.fromisoformat(start), end=datetime.date.fromisoformat(end))


@shared_task(acks_late=True)
def snapshot_stale_task() -> None:
    """Recompute the stored days computed under older definitions, newest first. Idempotent."""
    data = PopulationData()
    for day in stale_snapshot_days():
        snapshot_store(day=day, data=data)


@shared_task(acks_late=True)
def snapshot_nightly_task() -> None:
    """After midnight (Asia/Ho_Chi_Minh): close yesterday's snapshot and open today's; then bring the days
    stored under older definitions up to date in a task of their own."""
    today = timezone.localdate()
    snapshot_store(day=today - datetime.timedelta(days=1))
    snapshot_store(day=today)
    snapshot_stale_task.delay()
