"""Evidence on day D from orders, the listings' status log and the shops' disconnection dates.

D = 2026-06-15 in Đồng Tháp; "on D" means at any moment from 00:00 to 23:59:59 local time.
"""

import datetime

import pytest

from adoption.evidence import listing_evidence, order_evidence
from adoption.indicator import MARKETPLACE, SME, indicator_compute
from adoption.selectors import drilldown
from marketplace_connectors.models import ListingStatus, MarketplaceAccount, Order, OrderStatus
from marketplace_connectors.services import account_disconnect

from .conftest import D
from .factories import BusinessFactory, history, listing, local, on_register, order, shop

pytestmark = pytest.mark.django_db

LIVE, PAUSED, DELISTED = ListingStatus.LIVE, ListingStatus.PAUSED, ListingStatus.DELISTED
UNDER_REVIEW = ListingStatus.UNDER_REVIEW


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def logged_listing(business, *changes, marketplace="shopee", published=None):
    """A listing published with its first "live" change (unless ``published`` says otherwise) and then
    ``changes`` (status, when)."""
    first_live = next((at for status, at in changes if status == LIVE), None)
    binding = listing(business, published=published or first_live, marketplace=marketplace)
    return history(binding, *changes)


# --- orders -------------------------------------------------------------------------------------------


def test_an_order_90_days_before_d_counts_and_91_days_does_not():
    # given
    ninety = BusinessFactory()
    order(ninety, placed=local(D - days(90), 0, 5), marketplace="lazada")
    ninety_one = BusinessFactory()
    order(ninety_one, placed=local(D - days(91), 23, 55))
    after = BusinessFactory()
    order(after, placed=local(D + days(1), 0, 1))
    on_the_day = BusinessFactory()
    order(on_the_day, placed=local(D, 23, 59))

    # when
    evidence = order_evidence(day=D)

    # then: the marketplace is the order's
    assert evidence == {ninety.pk: {"lazada"}, on_the_day.pk: {"shopee"}}
    # and a day later the 90-day-old order has dropped out
    assert ninety.pk not in order_evidence(day=D + days(1))


def test_a_cancelled_order_and_an_order_of_a_disconnected_shop_still_count():
    # given
    business = BusinessFactory()
    placed = order(business, placed=local(D - days(10)), status=OrderStatus.CANCELLED)
    account_disconnect(account=MarketplaceAccount.objects.get(pk=placed.account_id))

    # then: the order was received; what became of it or of the shop since does not undo that
    assert Order.objects.get(pk=placed.pk).status == OrderStatus.CANCELLED
    assert order_evidence(day=D) == {business.pk: {"shopee"}}


def test_an_order_alone_makes_an_sme_trading_online_verified_on_its_marketplace():
    # given two SMEs on the register, one with a recent Lazada order and nothing else
    buyer_found = BusinessFactory()
    on_register(buyer_found)
    order(buyer_found, placed=local(D - days(90), 9), marketplace="lazada")
    on_register(BusinessFactory())

    # when
    result, _members, _evidence = indicator_compute(day=D)

    # then
    sme = result.total(series=SME)
    assert (sme.denominator, sme.verified, sme.online) == (2, 1, 1)
    lazada = next(c for c in result.cells_for(series=SME, dimension=MARKETPLACE) if c.key == "lazada")
    assert (lazada.denominator, lazada.verified, lazada.online) == (2, 1, 1)


def test_the_drilldown_shows_an_sme_online_through_an_order_with_the_order_as_last_activity():
    # given an SME whose latest sign of life is an order placed on D-2
    business = BusinessFactory()
    on_register(business)
    placed = local(D - days(2), 16)
    order(business, placed=placed, marketplace="lazada")
    type(business).objects.filter(pk=business.pk).update(updated_at=local(D - days(300)))

    # when
    rows = drilldown(day=D, series=SME, dimension=MARKETPLACE, key="lazada")

    # then
    assert [(r.member.business_id, r.verified, r.channels, r.last_activity) for r in rows] == [
        (business.pk, True, "Lazada", placed)]


# --- listings, from the status log ---------------------------------------------------------------------


def test_a_listing_paused_before_d_and_resumed_after_it_is_not_live_on_d():
    # given: live now, so its current status alone would say "live"
    business = BusinessFactory()
    binding = logged_listing(business, (LIVE, local(D - days(30))), (PAUSED, local(D - days(3))),
                             (LIVE, local(D + days(1), 9)))
    assert binding.status == LIVE

    # then
    assert business.pk not in listing_evidence(day=D)
    assert listing_evidence(day=D - days(4)) == {business.pk: {"shopee"}}
    assert listing_evidence(day=D + days(1)) == {business.pk: {"shopee"}}


def test_a_listing_paused_then_resumed_during_d_is_live_on_d():
    # given
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(30))), (PAUSED, local(D - days(3))), (LIVE, local(D, 15)))

    # then
    assert listing_evidence(day=D) == {business.pk: {"shopee"}}
    assert business.pk not in listing_evidence(day=D - days(1))


def test_a_listing_delisted_on_d_is_live_on_d_but_not_after():
    # given
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(10))), (DELISTED, local(D, 8)))

    # then
    assert listing_evidence(day=D) == {business.pk: {"shopee"}}
    assert business.pk not in listing_evidence(day=D + days(1))


def test_a_listing_delisted_at_midnight_starting_d_is_not_live_on_d():
    # given: its last live moment is 23:59:59.999… on D-1
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(10))), (DELISTED, local(D, 0, 0)))

    # then
    assert business.pk not in listing_evidence(day=D)
    assert listing_evidence(day=D - days(1)) == {business.pk: {"shopee"}}


def test_a_listing_live_only_yesterday_is_not_live_on_d():
    # given
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(1), 10)), (DELISTED, local(D - days(1), 18)))

    # then
    assert business.pk not in listing_evidence(day=D)
    assert listing_evidence(day=D - days(1)) == {business.pk: {"shopee"}}
    assert business.pk not in listing_evidence(day=D - days(2))


def test_a_listing_live_from_late_on_d_is_live_on_d():
    # given
    business = BusinessFactory()
    logged_listing(business, (UNDER_REVIEW, local(D - days(2))), (LIVE, local(D, 22)))

    # then: under review is not live
    assert listing_evidence(day=D) == {business.pk: {"shopee"}}
    assert business.pk not in listing_evidence(day=D - days(1))


def test_a_listing_published_before_the_log_began_is_live_until_its_first_logged_change():
    # given: published long ago, first logged change a pause on D+5
    business = BusinessFactory()
    logged_listing(business, (PAUSED, local(D + days(5))), published=local(D - days(200)))
    # and one whose first logged change (a pause) came before D
    paused_earlier = BusinessFactory()
    logged_listing(paused_earlier, (PAUSED, local(D - days(5))), published=local(D - days(200)))

    # then
    assert listing_evidence(day=D) == {business.pk: {"shopee"}}
    assert business.pk not in listing_evidence(day=D + days(6))
    assert listing_evidence(day=D - days(6)) == {business.pk: {"shopee"}, paused_earlier.pk: {"shopee"}}


def test_the_log_wins_over_the_listings_last_update():
    # given: delisted on D-5, and edited on D (which moves updated_at, the reconstruction's only clue)
    business = BusinessFactory()
    binding = logged_listing(business, (LIVE, local(D - days(20))), (DELISTED, local(D - days(5))))
    type(binding).objects.filter(pk=binding.pk).update(updated_at=local(D, 10))

    # then
    assert business.pk not in listing_evidence(day=D)


def test_two_marketplaces_are_each_reported():
    # given
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(3))))
    logged_listing(business, (LIVE, local(D - days(9))), (PAUSED, local(D, 20)), marketplace="lazada")

    # then
    assert listing_evidence(day=D) == {business.pk: {"shopee", "lazada"}}
    assert listing_evidence(day=D + days(1)) == {business.pk: {"shopee"}}


def test_listing_evidence_is_two_queries_whatever_the_number_of_listings(django_assert_num_queries):
    # given
    for n in range(4):
        logged_listing(BusinessFactory(), (LIVE, local(D - days(n + 1))), (PAUSED, local(D, 10 + n)))
    listing(BusinessFactory(), published=local(D - days(3)))

    # then
    with django_assert_num_queries(2):
        live = listing_evidence(day=D)
    assert len(live) == 5


# --- disconnected shops --------------------------------------------------------------------------------


def _disconnect(business, at: datetime.datetime) -> None:
    account = shop(business)
    account_disconnect(account=account)
    MarketplaceAccount.objects.filter(pk=account.pk).update(disconnected_at=at, updated_at=local(D + days(30)))


def test_a_shop_disconnected_before_d_no_longer_vouches_for_its_listings():
    # given: both shops' listings still show live; both shops were edited after D
    before = BusinessFactory()
    logged_listing(before, (LIVE, local(D - days(20))))
    _disconnect(before, local(D - days(1), 23))
    during = BusinessFactory()
    listing(during, published=local(D - days(20)))
    _disconnect(during, local(D, 9))

    # then
    assert listing_evidence(day=D) == {during.pk: {"shopee"}}
    assert listing_evidence(day=D - days(1)) == {before.pk: {"shopee"}, during.pk: {"shopee"}}
    assert listing_evidence(day=D + days(1)) == {}


def test_a_reconnected_shop_vouches_again():
    # given
    business = BusinessFactory()
    logged_listing(business, (LIVE, local(D - days(20))))
    account = shop(business)
    account_disconnect(account=account)
    assert business.pk not in listing_evidence(day=D + days(400))

    # when the owner connects it again (the connect service clears the date)
    MarketplaceAccount.objects.filter(pk=account.pk).update(status="active", disconnected_at=None)

    # then
    assert listing_evidence(day=D + days(400)) == {business.pk: {"shopee"}}
