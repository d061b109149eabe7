"""Uploads deleted with what they belong to: a job deleted with its business, and a user's erasure."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sme.businesses.models import ErasureRequest, ErasureStatus

from .models import ImportJob
from .services import import_job_files_delete_on_commit, import_uploads_delete_for_user


@receiver(post_delete, sender=ImportJob, dispatch_uid="imports_job_files_delete")
def _job_deleted(sender, instance: ImportJob, **kwargs) -> None:
    import_job_files_delete_on_commit(job=instance)


@receiver(post_save, sender=ErasureRequest, dispatch_uid="imports_uploads_erased")
def _erasure_saved(sender, instance: ErasureRequest, **kwargs) -> None:
    # erasure_request_confirm marks the request completed inside its transaction.
    if instance.status == ErasureStatus.COMPLETED:
        import_uploads_delete_for_user(user=instance.user)
