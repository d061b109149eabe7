"""The indicator on hand-built cases with known answers (see conftest.province)."""

import datetime

import pytest
from django.utils import timezone

from adoption.evidence import listing_evidence, order_window
from adoption.indicator import (
    HOUSEHOLD,
    MARKETPLACE,
    OLD_DISTRICT,
    SIZE,
    SME,
    UNRESOLVED_WARD,
    WARD,
    gap_to_target,
    indicator_compute,
    indicator_read,
    share,
    snapshot_store,
)
from adoption.models import SnapshotRow
from marketplace_connectors.models import ListingStatus

from .conftest import D
from .factories import BusinessFactory, HouseholdFactory, listing, local

pytestmark = pytest.mark.django_db


def _cell(result, *, series=SME, dimension="total", key=""):
    return next(c for c in result.cells if c.series == series and c.dimension == dimension and c.key == key)


def test_headline_counts_on_hand_built_province(province):
    # when
    result, _members, _evidence = indicator_compute(day=province.day)

    # then
    sme = result.total(series=SME)
    assert (sme.denominator, sme.verified, sme.online) == (7, 1, 2)
    assert (sme.verified_share, sme.online_share) == (14.3, 28.6)
    household = result.total(series=HOUSEHOLD)
    assert (household.denominator, household.verified, household.online) == (1, 1, 1)
    assert result.denominator_source == "register"


def test_wards_old_districts_sizes_and_marketplaces(province):
    # when
    result, _members, _evidence = indicator_compute(day=province.day)

    # then: Lai Vung holds A, B, J (C dissolved, D household, G off-register, K large)
    lai_vung = _cell(result, dimension=WARD, key="30226")
    assert (lai_vung.denominator, lai_vung.verified, lai_vung.online) == (3, 1, 1)
    assert lai_vung.label == "Xã Lai Vung"
    sa_dec = _cell(result, dimension=WARD, key="29905")
    assert (sa_dec.denominator, sa_dec.verified, sa_dec.online) == (3, 0, 1)
    unresolved = _cell(result, dimension=WARD, key=UNRESOLVED_WARD)
    assert unresolved.denominator == 1
    # the entry with an old address keeps its old district for the continuity view
    assert _cell(result, dimension=OLD_DISTRICT, key="867").denominator >= 1
    assert _cell(result, dimension=SIZE, key="micro").denominator == 1
    shopee = _cell(result, dimension=MARKETPLACE, key="shopee")
    assert (shopee.denominator, shopee.verified, shopee.online) == (7, 1, 1)
    postmart = _cell(result, dimension=MARKETPLACE, key="postmart")
    assert (postmart.verified, postmart.online) == (0, 1)
    assert _cell(result, series=HOUSEHOLD, dimension=MARKETPLACE, key="lazada").verified == 1


def test_listing_delisted_the_day_before_is_not_live_but_delisted_on_the_day_is(db):
    # given
    before = BusinessFactory()
    listing(before, published=local(D - datetime.timedelta(days=9)), status=ListingStatus.DELISTED,
            changed=local(D - datetime.timedelta(days=1), 23, 59))
    same_day = BusinessFactory()
    listing(same_day, published=local(D - datetime.timedelta(days=9)), status=ListingStatus.DELISTED,
            changed=local(D, 0, 1))

    # when
    live = listing_evidence(day=D)

    # then
    assert before.pk not in live
    assert live[same_day.pk] == {"shopee"}


def test_order_window_takes_90_days_before_d_and_not_91():
    # when
    start, end = order_window(D)

    # then
    ninety = local(D - datetime.timedelta(days=90), 0, 0)
    ninety_one_late = local(D - datetime.timedelta(days=91), 23, 59)
    assert start <= ninety < end
    assert not (start <= ninety_one_late < end)
    assert not (start <= local(D + datetime.timedelta(days=1), 0, 0) < end)


def test_without_register_the_denominator_is_the_platform(db):
    # given: two enterprises and a household on the platform, one enterprise live
    today = timezone.localdate()
    live = BusinessFactory()
    listing(live, published=local(today, 0, 0))
    BusinessFactory()
    HouseholdFactory()

    # when
    result, _members, _evidence = indicator_compute(day=today)
    before_they_registered, _m, _e = indicator_compute(day=today - datetime.timedelta(days=1))

    # then
    assert result.denominator_source == "platform"
    sme = result.total()
    assert (sme.denominator, sme.verified, sme.online) == (2, 1, 1)
    assert result.total(series=HOUSEHOLD).denominator == 1
    assert before_they_registered.total().denominator == 0


def test_snapshot_stores_the_same_numbers_and_recomputing_gives_the_same_rows(province):
    # when
    snapshot_store(day=province.day)
    first = list(SnapshotRow.objects.filter(day=province.day).order_by("series", "dimension", "key").values_list(
        "series", "dimension", "key", "denominator", "verified", "online"))
    snapshot_store(day=province.day)
    second = list(SnapshotRow.objects.filter(day=province.day).order_by("series", "dimension", "key").values_list(
        "series", "dimension", "key", "denominator", "verified", "online"))

    # then
    assert first == second
    stored = indicator_read(day=province.day)
    assert stored.stored
    assert (stored.total().denominator, stored.total().verified, stored.total().online) == (7, 1, 2)


def test_share_and_gap_arithmetic():
    assert share(1, 3) == 33.3
    assert share(2, 3) == 66.7
    assert share(0, 0) is None
    # 55% of 7 is 3.85: 4 businesses needed, 2 online -> 2 more
    assert gap_to_target(online=2, denominator=7, percent=55) == 2
    assert gap_to_target(online=5, denominator=7, percent=55) == 0
    assert gap_to_target(online=55, denominator=100, percent=55) == 0
