"""Periodic work of the businesses area."""

from celery import shared_task

from .ownership import ownership_documents_expire


@shared_task
def ownership_documents_expire_task() -> None:
    """Hourly: delete ownership documents decided more than OWNERSHIP_DOCUMENT_RETENTION_DAYS ago."""
    ownership_documents_expire()
