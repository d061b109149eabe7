"""Targets with history, the nightly task, the backfill command, trends."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from adoption.indicator import target_current, trend
from adoption.models import AdoptionTarget, SnapshotRun
from adoption.tasks import snapshot_nightly_task

from .conftest import D
from .factories import officer

pytestmark = pytest.mark.django_db


def test_the_provinces_55_percent_target_is_seeded_with_its_history():
    target = AdoptionTarget.objects.get()
    assert (target.percent, target.deadline) == (Decimal("55"), datetime.date(2025, 12, 31))
    assert target.versions.count() == 1


def test_officer_edits_a_target_and_the_old_value_stays_in_history(client):
    # given
    target = AdoptionTarget.objects.get()
    client.force_login(officer())

    # when
    response = client.post(reverse("adoption:target_edit", args=[target.pk]), {
        "name": target.name, "percent": "60", "deadline": "2030-12-31", "legal_basis": "KH 315/KH-UBND",
        "is_active": "on"})

    # then
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.percent, target.deadline) == (Decimal("60"), datetime.date(2030, 12, 31))
    assert [v.percent for v in target.versions.order_by("changed_at", "pk")] == [Decimal("55"), Decimal("60")]


def test_a_target_above_100_percent_is_refused(client):
    client.force_login(officer())
    response = client.post(reverse("adoption:targets"), {"name": "x", "percent": "120", "deadline": "2030-01-01",
                                                          "is_active": "on"})
    assert response.status_code == 200
    assert AdoptionTarget.objects.count() == 1


def test_current_target_is_the_next_deadline_else_the_last_one():
    later = AdoptionTarget.objects.create(name="2030", percent=70, deadline=datetime.date(2030, 12, 31))
    assert target_current(day=datetime.date(2025, 6, 1)).percent == 55
    assert target_current(day=datetime.date(2027, 1, 1)) == later
    assert target_current(day=datetime.date(2031, 1, 1)) == later


def test_nightly_task_is_scheduled_after_midnight_in_ho_chi_minh_time():
    entry = settings.CELERY_BEAT_SCHEDULE["adoption-nightly-snapshot"]
    assert entry["task"] == "adoption.tasks.snapshot_nightly_task"
    assert entry["schedule"].hour == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


def test_nightly_task_stores_yesterday_and_today():
    snapshot_nightly_task()
    today = timezone.localdate()
    assert set(SnapshotRun.objects.values_list("day", flat=True)) == {today, today - datetime.timedelta(days=1)}


def test_backfill_command_stores_every_day_and_is_idempotent(province):
    # when
    out = io.StringIO()
    call_command("adoption_backfill", "--from", "2026-06-01", "--to", "2026-06-30", stdout=out)
    call_command("adoption_backfill", "--from", "2026-06-14", "--to", "2026-06-16", stdout=io.StringIO())

    # then
    assert SnapshotRun.objects.count() == 30
    daily = {p.day: (p.denominator, p.verified, p.online) for p in trend(granularity="daily")}
    assert daily[D] == (7, 1, 2)
    # B's listing was live from D-30 until 23:30 on D-1; A's from D-10; F's declaration approved on D-2
    assert daily[D - datetime.timedelta(days=11)] == (7, 1, 1)
    assert daily[D - datetime.timedelta(days=3)] == (7, 2, 2)
    assert daily[D - datetime.timedelta(days=2)] == (7, 2, 3)
    assert daily[D - datetime.timedelta(days=1)] == (7, 2, 3)
    monthly = trend(granularity="monthly")
    assert [p.day for p in monthly] == [datetime.date(2026, 6, 30)]


def test_current_share_for_the_home_page_reads_the_latest_snapshot(province):
    from adoption.indicator import snapshot_store
    from adoption.report import current_share

    assert current_share() is None
    snapshot_store(day=D)
    assert current_share() == {"percent": 28.6, "as_of": D}
