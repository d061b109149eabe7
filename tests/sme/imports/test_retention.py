"""Uploaded sheets and photo archives are deleted after IMPORTS_UPLOAD_RETENTION_DAYS (the hourly sweep), when
their business is deleted, and when their uploader's personal data is erased (issue 14, item 8). The jobs
themselves (status, counts, problems) stay."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from sme.businesses.services import erasure_request_confirm, erasure_request_create
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.services import import_job_confirm, import_uploads_sweep
from tests.sme.catalog.factories import image_bytes, member

from .sheets import create_job, sample_rows, upload, xlsx_from_template, zip_bytes

pytestmark = pytest.mark.django_db


def files_of(job: ImportJob) -> list[Path]:
    job.refresh_from_db()
    return [Path(f.path) for f in (job.source, job.photos, job.checked_rows) if f and f.name]


def uploaded(owner, *, days_ago: int = 0, confirm: bool = False) -> tuple[ImportJob, list[Path]]:
    job = create_job(business=owner.business, actor=owner.user,
                     sheet=upload(xlsx_from_template(sample_rows()[2:]), "sen.xlsx"),
                     photos=upload(zip_bytes({"sen.jpg": image_bytes("JPEG")}), "anh.zip"))
    assert job.status == ImportStatus.PREVIEW
    if confirm:
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_job_confirm(job=job)
    paths = files_of(job)
    assert paths and all(p.exists() for p in paths)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return job, paths


def test_uploads_older_than_the_retention_period_are_deleted_and_newer_ones_kept(settings):
    # given a 31-day-old finished import, a 31-day-old preview never confirmed, and a 29-day-old preview
    settings.IMPORTS_UPLOAD_RETENTION_DAYS = 30
    owner = member()
    done, done_files = uploaded(owner, days_ago=31, confirm=True)
    stale, stale_files = uploaded(owner, days_ago=31)
    recent, recent_files = uploaded(owner, days_ago=29)
    # when the hourly sweep runs
    result = import_uploads_sweep()
    # then
    assert result["expired"] == 2
    assert not any(p.exists() for p in done_files + stale_files)
    assert all(p.exists() for p in recent_files)
    done.refresh_from_db()
    stale.refresh_from_db()
    assert (done.status, done.summary["created"]) == (ImportStatus.SUCCEEDED, 1)  # the record stays
    assert stale.status == ImportStatus.DISCARDED  # it can no longer be confirmed without its file
    assert not done.source and not done.photos and not stale.source
    # and running it again finds nothing
    assert import_uploads_sweep()["expired"] == 0


def test_the_retention_period_is_a_setting(settings):
    owner = member()
    _job, paths = uploaded(owner, days_ago=8)
    settings.IMPORTS_UPLOAD_RETENTION_DAYS = 10
    import_uploads_sweep()
    assert all(p.exists() for p in paths)
    settings.IMPORTS_UPLOAD_RETENTION_DAYS = 7
    import_uploads_sweep()
    assert not any(p.exists() for p in paths)


def test_a_check_a_worker_lost_is_refused_and_its_upload_removed(django_capture_on_commit_callbacks):
    # given an upload whose check was queued but never ran (the worker died)
    owner = member()
    from sme.imports.services import import_job_create

    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(business=owner.business, actor=owner.user,
                                sheet=upload(xlsx_from_template(sample_rows()[2:]), "sen.xlsx"))
    paths = files_of(job)
    # when the sweep runs within the task time limit nothing happens; after it, the job is refused
    assert import_uploads_sweep()["lost"] == 0
    later = timezone.now() + datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 601)
    assert import_uploads_sweep(now=later)["lost"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED and job.file_problems[0]["code"] == "check_failed"
    assert not any(p.exists() for p in paths)


def test_deleting_a_business_deletes_its_uploads(django_capture_on_commit_callbacks):
    owner = member()
    _job, paths = uploaded(owner, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        owner.business.delete()
    assert not ImportJob.objects.exists()
    assert not any(p.exists() for p in paths)


def test_erasing_the_uploader_deletes_their_uploads_and_keeps_others():
    # given two members of one business, each with an upload
    owner = member()
    colleague = member(business=owner.business, role="staff")
    mine, my_files = uploaded(owner, confirm=True)
    theirs, their_files = uploaded(colleague)
    # when the colleague's erasure is carried out
    erasure_request_confirm(erasure_request=erasure_request_create(user=colleague.user))
    # then their upload is gone (its preview ended), the owner's is kept
    assert not any(p.exists() for p in their_files)
    assert all(p.exists() for p in my_files)
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.DISCARDED
