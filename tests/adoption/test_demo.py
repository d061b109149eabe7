"""seed_demo's adoption data: a small register and a year of daily history, idempotent."""

import datetime

import pytest
from django.utils import timezone

from accounts.demo import seed_users
from adoption.demo import DAILY_DAYS, HISTORY_DAYS, seed_adoption
from adoption.indicator import indicator_read, trend
from adoption.models import DeclaredShop, RegisterEntry, SnapshotRun

pytestmark = pytest.mark.django_db


def test_demo_register_and_a_year_of_rising_history():
    # given
    seed_users()

    # when
    seed_adoption()
    first = indicator_read(day=timezone.localdate()).total()
    seed_adoption()

    # then
    today = timezone.localdate()
    assert RegisterEntry.objects.count() == 33
    assert SnapshotRun.objects.filter(day__gte=today - datetime.timedelta(days=DAILY_DAYS)).count() == DAILY_DAYS + 1
    assert SnapshotRun.objects.order_by("day").first().day == today - datetime.timedelta(days=HISTORY_DAYS - 1)
    again = indicator_read(day=today).total()
    assert (again.denominator, again.verified, again.online) == (first.denominator, first.verified, first.online)
    monthly = trend(granularity="monthly")
    assert len(monthly) >= 12
    assert monthly[0].online < monthly[-1].online
    assert DeclaredShop.objects.filter(status="pending").count() == 1
