from celery import shared_task

from .services import import_job_mark_failed, import_job_run


@shared_task(bind=True, acks_late=True, max_retries=0)
def import_job_run_task(self, job_id: int) -> None:
    """Run a confirmed catalog import (services.import_job_run); a second delivery is a no-op."""
    try:
        import_job_run(job_id=job_id)
    except Exception as exc:
        # The job must not stay "running" forever; the import's transaction has already rolled back.
        import_job_mark_failed(job_id=job_id, error_code=type(exc).__name__)
        raise
