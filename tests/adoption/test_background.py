"""A day without a stored snapshot is never computed inside a web request: the page, the API and the exports
ask for it in the background (one job per day, enqueued once the request commits) and say so; once the job
has run, they serve it."""

import datetime

import pytest
from django.urls import reverse

from adoption.indicator import DEFINITIONS, snapshot_store
from adoption.models import SnapshotJob, SnapshotJobStatus, SnapshotRow, SnapshotRun
from adoption.services import api_token_create

from .conftest import D

pytestmark = pytest.mark.django_db


def test_the_page_and_the_api_compute_nothing_and_say_so_then_serve_the_day_once_the_job_ran(
        client, province, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    # given: the hand-built province (SMEs 7 / 1 / 2 on D) and nothing stored
    _record, token = api_token_create(user=province.officer, name="BI")
    client.force_login(province.officer)
    page_url = reverse("adoption:dashboard") + f"?date={D}"
    api_url = reverse("adoption:api_indicator") + f"?date={D}"

    # when: the page, the API and an export ask for D, twice each
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_max_num_queries(60):
        page = client.get(page_url)
        again = client.get(page_url)
        api = client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {token}")
        export = client.get(reverse("adoption:export", args=["headline", "xlsx"]) + f"?date={D}")

    # then: nothing was computed (no snapshot, no row); each says it is being computed; one job, asked once
    assert not SnapshotRun.objects.exists() and not SnapshotRow.objects.exists()
    assert page.status_code == 200 and again.status_code == 200
    assert "The numbers for 15/06/2026 are being computed" in page.content.decode()
    assert 'data-figure="progress"' in page.content.decode()
    assert (api.status_code, api["Retry-After"]) == (202, "5")
    assert api.json()["status"] == "computing" and api.json()["job_status"] == "queued"
    assert export.status_code == 202 and "being computed" in export.content.decode()
    job = SnapshotJob.objects.get()
    assert (job.day, job.status, job.progress) == (D, SnapshotJobStatus.QUEUED, 0)
    assert len(callbacks) == 1
    status = client.get(reverse("adoption:snapshot_status", args=[D.isoformat()])).json()
    assert (status["finished"], status["percent"]) == (False, 0)

    # when: the worker runs the job
    callbacks[0]()

    # then: stored once, the job is done, and every output serves the day
    job.refresh_from_db()
    assert (job.status, job.progress) == (SnapshotJobStatus.DONE, 100)
    assert SnapshotRun.objects.filter(day=D, definitions=DEFINITIONS).count() == 1
    assert client.get(reverse("adoption:snapshot_status", args=[D.isoformat()])).json()["finished"]
    served = client.get(api_url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert served.status_code == 200 and served.json()["series"]["sme"]["verified_and_declared"] == 2
    assert 'data-figure="online-share">28.6%' in client.get(page_url).content.decode()


def test_a_job_delivered_twice_computes_once_and_a_lost_job_is_asked_again(client, province,
                                                                            django_capture_on_commit_callbacks):
    from adoption.services import SNAPSHOT_JOB_STALE, snapshot_job_run, snapshot_request

    # given: a job asked for and run
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_request(day=D)
    first = SnapshotRun.objects.get(day=D).computed_at

    # when: the same message is delivered again
    assert snapshot_job_run(day=D) is None

    # then: nothing recomputed
    assert SnapshotRun.objects.get(day=D).computed_at == first

    # when: a job waits longer than a worker could take (its message was lost), and it is asked for again
    SnapshotRun.objects.all().delete()
    SnapshotJob.objects.filter(day=D).update(status=SnapshotJobStatus.QUEUED,
                                             requested_at=first - SNAPSHOT_JOB_STALE - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot_request(day=D)
        snapshot_request(day=D)

    # then: enqueued again, once
    assert len(callbacks) == 1


def test_a_day_stored_under_older_definitions_is_not_shown_but_recomputed(client, province,
                                                                           django_capture_on_commit_callbacks):
    # given: D stored, then marked as computed with the previous definitions
    snapshot_store(day=D)
    SnapshotRun.objects.filter(day=D).update(definitions=DEFINITIONS - 1)
    client.force_login(province.officer)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(reverse("adoption:dashboard") + f"?date={D}")

    # then: the old numbers were not shown; the day was recomputed under the current definitions
    assert "being computed" in waiting.content.decode()
    assert SnapshotRun.objects.get(day=D).definitions == DEFINITIONS
    assert "28.6%" in client.get(reverse("adoption:dashboard") + f"?date={D}").content.decode()


def test_the_nightly_task_brings_days_under_older_definitions_up_to_date(province):
    from adoption.tasks import snapshot_stale_task

    snapshot_store(day=D)
    snapshot_store(day=D - datetime.timedelta(days=1))
    SnapshotRun.objects.update(definitions=DEFINITIONS - 1)

    snapshot_stale_task()

    assert set(SnapshotRun.objects.values_list("definitions", flat=True)) == {DEFINITIONS}


def test_a_failed_job_says_so_and_the_next_request_starts_it_again(client, province,
                                                                   django_capture_on_commit_callbacks):
    # given: the last attempt failed
    SnapshotJob.objects.create(day=D, status=SnapshotJobStatus.FAILED, error_code="OperationalError",
                               requested_at=datetime.datetime(2026, 6, 15, tzinfo=datetime.UTC))
    client.force_login(province.officer)

    # when: the page asks for the day again
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get(reverse("adoption:dashboard") + f"?date={D}")

    # then: it says so and the job is queued again, once
    assert "The last attempt failed; it was started again." in page.content.decode()
    assert len(callbacks) == 1
    assert SnapshotJob.objects.get(day=D).status == SnapshotJobStatus.QUEUED

    # when it then succeeds, the failure is forgotten
    callbacks[0]()
    assert SnapshotJob.objects.get(day=D).error_code == ""
