"""An import that stops moving: its page says "slower than usual" after a minute, the watchdog turns it into an
error with a "Try again" button after the time limit, and trying again imports the sheet."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.tasks import jobs_fail_stalled
from sme.catalog.models import Product, Variant
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.services import import_job_create
from tests.sme.catalog.factories import member

from .sheets import sample_rows, upload, xlsx_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    membership = member()
    client.force_login(membership.user)
    return membership


def _stuck_job(owner, *, seconds: float) -> ImportJob:
    """A confirmed import whose worker took it and then went silent ``seconds`` ago."""
    job = import_job_create(business=owner.business, actor=owner.user,
                            sheet=upload(xlsx_from_template(sample_rows()[2:]), "sen.xlsx"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, stage="checking", total_rows=1,
                                               started_at=timezone.now() - timedelta(seconds=seconds),
                                               updated_at=timezone.now() - timedelta(seconds=seconds))
    return job


def test_the_page_says_slower_than_usual_after_a_minute_without_progress(client, owner):
    quick = _stuck_job(owner, seconds=10)
    slow = _stuck_job(owner, seconds=61)

    assert client.get(reverse("imports:job_status", args=[quick.pk])).json()["slow"] is False
    assert client.get(reverse("imports:job_status", args=[slow.pk])).json()["slow"] is True
    page = client.get(reverse("imports:job_detail", args=[slow.pk])).content.decode()
    assert "Việc nhập đang chậm hơn bình thường" in page
    assert "data-import-slow hidden" not in page
    assert "data-import-slow hidden" in client.get(reverse("imports:job_detail", args=[quick.pk])).content.decode()


def test_a_job_past_its_time_limit_becomes_an_error_the_owner_sees_and_can_retry(
        client, owner, settings, django_capture_on_commit_callbacks):
    # given one import silent for longer than the limit and one that is merely slow
    settings.JOB_STALL_SECONDS = 1860
    stuck = _stuck_job(owner, seconds=1861)
    slow = _stuck_job(owner, seconds=120)

    # when the scheduled watchdog runs (twice: it is idempotent)
    assert jobs_fail_stalled()["sme.imports.services.import_jobs_fail_stalled"] == 1
    assert jobs_fail_stalled()["sme.imports.services.import_jobs_fail_stalled"] == 0

    # then the stuck one failed with "timed out" and nothing changed in the catalog; the slow one still runs
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error_code) == (ImportStatus.FAILED, "timed_out")
    assert ImportJob.objects.get(pk=slow.pk).status == ImportStatus.RUNNING
    assert Product.objects.count() == 0
    page = client.get(reverse("imports:job_detail", args=[stuck.pk])).content.decode()
    assert "Việc nhập mất quá nhiều thời gian nên đã dừng" in page
    assert reverse("imports:job_retry", args=[stuck.pk]) in page

    # when the owner presses "Try again"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job_retry", args=[stuck.pk]))

    # then the sheet is imported
    assert response.url == reverse("imports:job_detail", args=[stuck.pk])
    assert ImportJob.objects.get(pk=stuck.pk).status == ImportStatus.SUCCEEDED
    assert Variant.objects.get(business=owner.business).sku == "TTS-100"


def test_retry_refuses_a_job_that_did_not_fail_and_a_stranger_s_job(client, owner):
    running = _stuck_job(owner, seconds=5)
    stranger = _stuck_job(member(), seconds=5000)
    ImportJob.objects.filter(pk=stranger.pk).update(status=ImportStatus.FAILED, error_code="timed_out")

    client.post(reverse("imports:job_retry", args=[running.pk]))
    assert client.post(reverse("imports:job_retry", args=[stranger.pk])).status_code == 404

    assert ImportJob.objects.get(pk=running.pk).status == ImportStatus.RUNNING
    assert ImportJob.objects.get(pk=stranger.pk).status == ImportStatus.FAILED
