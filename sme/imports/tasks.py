from celery import shared_task

from .services import (
    import_job_mark_failed,
    import_job_preview,
    import_job_preview_failed,
    import_job_run,
    import_uploads_sweep,
)


@shared_task(bind=True, acks_late=True, max_retries=0)
def import_job_preview_task(self, job_id: int) -> None:
    """Check an uploaded sheet and build its preview (services.import_job_preview); a second delivery is a no-op."""
    try:
        import_job_preview(job_id=job_id)
    except Exception:
        # The job must not stay "checking" forever: it is refused with a message and its upload removed.
        import_job_preview_failed(job_id=job_id)
        raise


@shared_task(bind=True, acks_late=True, max_retries=0)
def import_job_run_task(self, job_id: int) -> None:
    """Run a confirmed catalog import (services.import_job_run); a second delivery is a no-op."""
    try:
        import_job_run(job_id=job_id)
    except Exception as exc:
        # The job must not stay "running" forever; the import's transaction has already rolled back.
        import_job_mark_failed(job_id=job_id, error_code=type(exc).__name__)
        raise


@shared_task
def import_uploads_sweep_task() -> None:
    """Hourly: delete uploads older than IMPORTS_UPLOAD_RETENTION_DAYS and refuse checks a worker lost."""
    import_uploads_sweep()
