"""Orders move the catalog's stock exactly once, and every shop follows the catalog.

Orders are given to ``order_apply`` as the connectors return them (plain RemoteOrder data); the stock push
runs against the Shopee simulator.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from marketplace_connectors import selectors, sync
from marketplace_connectors.base import OrderStatus, RemoteOrder, RemoteOrderLine
from marketplace_connectors.models import (
    ListingStatus,
    ListingStatusChange,
    Order,
    OrderStatusChange,
    VariantBinding,
)
from sme.catalog.models import StockMovement, StockReason, Variant
from sme.catalog.stock import stock_adjust

from .factories import AccountFactory, BusinessFactory, make_product, map_rice, owner_membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def growth_plan(settings):
    """Automatic stock sync comes with paid plans; without Stripe every business runs on DEFAULT_PLAN."""
    settings.DEFAULT_PLAN = "growth"


def remote(order_id="240001", *, lines, status=OrderStatus.PENDING, minutes=0, created=None, line_status=None):
    now = timezone.now()
    return RemoteOrder(
        external_id=order_id, status=status, marketplace_status=str(status).upper(),
        created_at=created or now - dt.timedelta(minutes=5), updated_at=now + dt.timedelta(minutes=minutes),
        lines=tuple(RemoteOrderLine(sku=sku, quantity=q, unit_price_vnd=50_000, status=line_status or status, name=sku)
                    for sku, q in lines),
    )


def stock(sku: str) -> int:
    return Variant.objects.get(sku=sku).stock


@pytest.fixture
def account(db):
    account = AccountFactory(connected_at=timezone.now() - dt.timedelta(days=1))
    make_product(account.business, n=1, image=False)  # GAO-0001-1: 20 units, GAO-0001-2: 21
    return account


def test_an_order_takes_its_units_once_however_often_it_is_imported(account):
    order, changed = sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 3)]))
    assert changed and stock("GAO-0001-1") == 17
    # the same order again (a repeated push, an overlapping import)
    _order, changed_again = sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 3)]))
    assert not changed_again and stock("GAO-0001-1") == 17
    assert Order.objects.count() == 1
    movement = StockMovement.objects.get(variant__sku="GAO-0001-1", reason=StockReason.ORDER)
    assert movement.delta == -3 and "shopee #240001" in movement.reference
    assert order.lines.get().stock_held == 3 and not order.oversold


def test_a_cancellation_gives_the_units_back_once(account):
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 3), ("GAO-0001-2", 1)]))
    cancelled = remote(lines=[("GAO-0001-1", 3), ("GAO-0001-2", 1)], status=OrderStatus.CANCELLED, minutes=1)
    order, _ = sync.order_apply(account=account, remote=cancelled)
    sync.order_apply(account=account, remote=cancelled)
    assert (stock("GAO-0001-1"), stock("GAO-0001-2")) == (20, 21)
    assert order.status == OrderStatus.CANCELLED
    assert list(order.status_changes.values_list("status", flat=True)) == ["pending", "cancelled"]
    assert StockMovement.objects.filter(reason=StockReason.RETURN).count() == 2


def test_a_return_gives_back_only_the_returned_line(account):
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 2), ("GAO-0001-2", 1)]))
    now = timezone.now()
    partly_returned = RemoteOrder(
        external_id="240001", status=OrderStatus.DELIVERED, marketplace_status="delivered,returned",
        created_at=now - dt.timedelta(minutes=5), updated_at=now + dt.timedelta(minutes=2),
        lines=(RemoteOrderLine(sku="GAO-0001-1", quantity=2, unit_price_vnd=50_000, status=OrderStatus.DELIVERED),
               RemoteOrderLine(sku="GAO-0001-2", quantity=1, unit_price_vnd=100_000, status=OrderStatus.RETURNED)))
    sync.order_apply(account=account, remote=partly_returned)
    assert (stock("GAO-0001-1"), stock("GAO-0001-2")) == (18, 21)


def test_an_older_version_of_an_order_is_ignored(account):
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 1)], status=OrderStatus.CANCELLED, minutes=5))
    # the "pending" state arrives late (an import overlapping a push)
    order, changed = sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 1)], minutes=1))
    assert not changed and order.status == OrderStatus.CANCELLED and stock("GAO-0001-1") == 20


def test_the_second_order_for_the_last_unit_is_flagged_oversold_and_stock_stays_at_zero(account):
    stock_adjust(variant=Variant.objects.get(sku="GAO-0001-1"), new_quantity=1, reason=StockReason.MANUAL, actor=None)
    first, _ = sync.order_apply(account=account, remote=remote("A-1", lines=[("GAO-0001-1", 1)]))
    lazada = AccountFactory(business=account.business, marketplace="lazada", external_shop_id="200001")
    second, _ = sync.order_apply(account=lazada, remote=remote("B-1", lines=[("GAO-0001-1", 1)]))
    assert stock("GAO-0001-1") == 0
    assert not first.oversold and second.oversold
    assert second.lines.get().short == 1 and second.lines.get().stock_held == 0
    # cancelling the oversold order gives back nothing it never took
    sync.order_apply(account=lazada, remote=remote("B-1", lines=[("GAO-0001-1", 1)], status=OrderStatus.CANCELLED, minutes=1))
    second.refresh_from_db()
    assert stock("GAO-0001-1") == 0 and not second.oversold


@pytest.mark.django_db(transaction=True)
def test_two_orders_racing_for_the_last_unit_take_it_once():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables; CI runs this race on PostgreSQL")
    account = AccountFactory(connected_at=timezone.now() - dt.timedelta(days=1))
    make_product(account.business, n=1, image=False)
    stock_adjust(variant=Variant.objects.get(sku="GAO-0001-1"), new_quantity=1, reason=StockReason.MANUAL, actor=None)
    lazada = AccountFactory(business=account.business, marketplace="lazada", external_shop_id="200001")
    barrier = threading.Barrier(2)
    errors = []

    def buy(acc, order_id):
        try:
            barrier.wait(timeout=10)
            sync.order_apply(account=acc, remote=remote(order_id, lines=[("GAO-0001-1", 1)]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(account, "A-9")), threading.Thread(target=buy, args=(lazada, "B-9"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert stock("GAO-0001-1") == 0
    assert sorted(Order.objects.values_list("oversold", flat=True)) == [False, True]
    assert StockMovement.objects.filter(reason=StockReason.ORDER).count() == 1


def test_orders_placed_before_the_shop_was_connected_do_not_move_stock(account):
    old = remote("OLD-1", lines=[("GAO-0001-1", 4)], created=account.connected_at - dt.timedelta(days=3),
                 status=OrderStatus.DELIVERED)
    order, _ = sync.order_apply(account=account, remote=old)
    assert not order.moves_stock and stock("GAO-0001-1") == 20
    assert order.lines.get().quantity == 4


def test_a_line_whose_sku_is_not_in_the_catalog_is_kept_without_moving_stock(account):
    order, _ = sync.order_apply(account=account, remote=remote(lines=[("NOT-OURS", 2), ("GAO-0001-1", 1)]))
    unknown = order.lines.get(sku="NOT-OURS")
    assert unknown.variant is None and unknown.stock_held == 0 and not order.oversold
    assert stock("GAO-0001-1") == 19


def test_another_businesss_sku_is_never_touched(account):
    other = BusinessFactory()
    make_product(other, n=1, image=False)  # the same SKUs, another business
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 2)]))
    assert Variant.objects.get(business=other, sku="GAO-0001-1").stock == 20
    assert Variant.objects.get(business=account.business, sku="GAO-0001-1").stock == 18


def test_order_history_is_recorded_with_marketplace_times(account):
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 1)]))
    sync.order_apply(account=account, remote=remote(lines=[("GAO-0001-1", 1)], status=OrderStatus.SHIPPED, minutes=30))
    statuses = list(OrderStatusChange.objects.order_by("changed_at").values_list("status", flat=True))
    assert statuses == ["pending", "shipped"]


# --- one stock across shops ------------------------------------------------------------------------
def publish(account, products, capture):
    with capture(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[p.pk for p in products])


def shopee_stock(shopee, sku):
    return next(m.stock for item in shopee.items() for m in item.models if m.model_sku == sku)


def test_an_order_on_another_marketplace_lowers_the_stock_on_shopee(connected, shopee, django_capture_on_commit_callbacks):
    connected.connected_at = timezone.now() - dt.timedelta(days=1)
    connected.save()
    map_rice(connected)
    product = make_product(connected.business, n=7)
    publish(connected, [product], django_capture_on_commit_callbacks)
    assert shopee_stock(shopee, "GAO-0007-1") == 20
    lazada = AccountFactory(business=connected.business, marketplace="lazada", external_shop_id="200001")
    with django_capture_on_commit_callbacks(execute=True):
        sync.order_apply(account=lazada, remote=remote("LZ-1", lines=[("GAO-0007-1", 5)]))
    assert shopee_stock(shopee, "GAO-0007-1") == 15
    assert VariantBinding.objects.get(variant__sku="GAO-0007-1").last_stock == 15


def test_the_stock_push_sends_only_differences_and_respects_the_buffer(connected, shopee, django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=8)
    publish(connected, [product], django_capture_on_commit_callbacks)
    calls = len(shopee.calls)
    assert sync.stock_push_account(account_id=connected.pk)["pushed"] == 0
    assert len(shopee.calls) == calls  # nothing differs: no call at all
    connected.stock_buffer = 5
    connected.save()
    stock_adjust(variant=Variant.objects.get(sku="GAO-0008-2"), new_quantity=3, reason=StockReason.MANUAL, actor=None)
    assert selectors.accounts_out_of_step() == [connected.pk]
    result = sync.stock_push_account(account_id=connected.pk)
    assert result["pushed"] == 2 and result["failed"] == 0
    assert (shopee_stock(shopee, "GAO-0008-1"), shopee_stock(shopee, "GAO-0008-2")) == (15, 0)
    assert selectors.accounts_out_of_step() == []


def test_a_push_asked_for_while_one_runs_is_not_lost(connected, shopee, django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=9)
    publish(connected, [product], django_capture_on_commit_callbacks)
    # another worker holds the shop's push
    type(connected).objects.filter(pk=connected.pk).update(stock_push_started_at=timezone.now())
    stock_adjust(variant=Variant.objects.get(sku="GAO-0009-1"), new_quantity=2, reason=StockReason.MANUAL, actor=None)
    assert sync.stock_push_account(account_id=connected.pk)["skipped"] == 1
    connected.refresh_from_db()
    assert connected.stock_push_requested


def test_listing_status_history_is_kept(connected, shopee, django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=10)
    publish(connected, [product], django_capture_on_commit_callbacks)
    binding = connected.listings.get()
    sync.listing_pause(binding=binding, paused=True)
    sync.listing_pause(binding=binding, paused=False)
    publish(connected, [product], django_capture_on_commit_callbacks)  # unchanged: no new entry
    assert list(ListingStatusChange.objects.filter(listing=binding).values_list("new_status", flat=True)) == [
        ListingStatus.LIVE, ListingStatus.PAUSED, ListingStatus.LIVE]


# --- owner's pages -----------------------------------------------------------------------------------
def test_owners_see_their_orders_and_not_others(client, account):
    membership = owner_membership(account.business)
    order, _ = sync.order_apply(account=account, remote=remote("MINE-1", lines=[("GAO-0001-1", 2)]))
    stranger_account = AccountFactory(external_shop_id="999")
    make_product(stranger_account.business, n=3, image=False)
    theirs, _ = sync.order_apply(account=stranger_account, remote=remote("THEIRS-1", lines=[("GAO-0003-1", 1)]))
    client.force_login(membership.user)
    page = client.get(reverse("marketplaces:order_list")).content.decode()
    assert "#MINE-1" in page and "THEIRS-1" not in page
    assert client.get(reverse("marketplaces:order_detail", args=[order.pk])).status_code == 200
    assert client.get(reverse("marketplaces:order_detail", args=[theirs.pk])).status_code == 404


def test_the_orders_list_warns_about_oversold_orders(client, account):
    membership = owner_membership(account.business)
    stock_adjust(variant=Variant.objects.get(sku="GAO-0001-1"), new_quantity=0, reason=StockReason.MANUAL, actor=None)
    sync.order_apply(account=account, remote=remote("OV-1", lines=[("GAO-0001-1", 1)]))
    client.force_login(membership.user)
    page = client.get(reverse("marketplaces:order_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="oversold-alert"' in page


def test_the_stock_buffer_is_set_per_shop_and_only_by_its_owner(client, account):
    membership = owner_membership(account.business)
    client.force_login(membership.user)
    response = client.post(reverse("marketplaces:account_settings", args=[account.pk]), {"stock_buffer": "3"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.stock_buffer == 3
    assert client.post(reverse("marketplaces:account_settings", args=[account.pk]), {"stock_buffer": "-1"}).status_code == 200
    account.refresh_from_db()
    assert account.stock_buffer == 3
    stranger = AccountFactory(external_shop_id="777")
    assert client.post(reverse("marketplaces:account_settings", args=[stranger.pk]), {"stock_buffer": "9"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.stock_buffer == 0


def test_push_stock_now_is_for_owners(client, account):
    membership = owner_membership(account.business)
    client.force_login(membership.user)
    response = client.post(reverse("marketplaces:stock_push_now"), {"next": "/marketplaces/orders/"})
    assert response.status_code == 302 and response["Location"] == "/marketplaces/orders/"
    client.logout()
    assert client.post(reverse("marketplaces:stock_push_now")).status_code == 302  # to the login page
    assert "login" in client.post(reverse("marketplaces:stock_push_now"))["Location"]


def test_the_owner_picks_the_shipping_channel_of_new_listings(client, connected, shopee,
                                                              django_capture_on_commit_callbacks):
    from django.utils import translation

    from marketplace_connectors.sync import metadata

    membership = owner_membership(connected.business)
    client.force_login(membership.user)
    settings_url = reverse("marketplaces:account_settings", args=[connected.pk])
    loading_url = reverse("marketplaces:account_settings_loading", args=[connected.pk])
    calls = len(shopee.calls)
    # when the owner opens the shop's settings before its shipping channels were fetched
    with django_capture_on_commit_callbacks() as queued, translation.override("vi"):
        page = client.get(settings_url, HTTP_ACCEPT_LANGUAGE="vi")
        again = client.get(settings_url, HTTP_ACCEPT_LANGUAGE="vi")
    # then the page answers at once without asking Shopee, says the channels are loading, and one task is queued
    body = page.content.decode()
    assert page.status_code == 200 and len(shopee.calls) == calls
    assert "Đang tải các đơn vị vận chuyển của Shopee… Trang này tự cập nhật." in body
    assert f'data-pending-url="{loading_url}"' in body and 'name="logistics_channel_id"' not in body
    assert again.status_code == 200 and len(queued) == 1
    assert client.get(loading_url).json() == {"pending": True}
    # and the stock buffer can be changed meanwhile, the channel chosen at connection kept
    client.post(settings_url, {"stock_buffer": "2"})
    connected.refresh_from_db()
    assert connected.stock_buffer == 2 and connected.logistics_channel_id == "50011"
    # when the worker has fetched them
    queued[0]()
    assert client.get(loading_url).json() == {"pending": False}
    channels = metadata.shipping_channel_choices(account=connected)
    assert len(channels) >= 2
    other = next(cid for cid, _name in channels if cid != connected.logistics_channel_id)
    # then the page lists them, read from the cache without asking Shopee again
    calls = len(shopee.calls)
    with django_capture_on_commit_callbacks() as queued_again:
        page = client.get(settings_url).content.decode()
    assert all(name in page for _cid, name in channels) and "data-pending-url" not in page
    assert len(shopee.calls) == calls and queued_again == []
    client.post(settings_url, {"stock_buffer": "0", "logistics_channel_id": other})
    connected.refresh_from_db()
    assert connected.logistics_channel_id == other
    # a channel the shop does not have is refused
    client.post(settings_url, {"stock_buffer": "0", "logistics_channel_id": "424242"})
    connected.refresh_from_db()
    assert connected.logistics_channel_id == other
    # and another business's shop answers 404 on the poll too
    stranger = AccountFactory(external_shop_id="778")
    assert client.get(reverse("marketplaces:account_settings_loading", args=[stranger.pk])).status_code == 404


def test_on_the_free_plan_stock_follows_only_when_the_owner_pushes(settings, client, connected, shopee,
                                                                   django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=11)
    publish(connected, [product], django_capture_on_commit_callbacks)
    settings.DEFAULT_PLAN = "free"
    lazada = AccountFactory(business=connected.business, marketplace="lazada", external_shop_id="200002")
    with django_capture_on_commit_callbacks(execute=True):
        sync.order_apply(account=lazada, remote=remote("LZ-F", lines=[("GAO-0011-1", 4)]))
    assert Variant.objects.get(sku="GAO-0011-1").stock == 16
    assert shopee_stock(shopee, "GAO-0011-1") == 20  # Free syncs by hand
    membership = owner_membership(connected.business)
    client.force_login(membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("marketplaces:stock_push_now"))
    assert shopee_stock(shopee, "GAO-0011-1") == 16


def test_the_scheduled_import_finds_orders_once_and_keeps_a_watermark(connected, shopee, django_capture_on_commit_callbacks):
    from marketplace_connectors import tasks

    map_rice(connected)
    product = make_product(connected.business, n=12)
    publish(connected, [product], django_capture_on_commit_callbacks)
    order_sn = shopee.create_order(shop_id=connected.external_shop_id, items=[("GAO-0012-2", 2)])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.orders_import_due_task() == 1
    order = Order.objects.get(marketplace="shopee", external_id=order_sn)
    assert order.lines.get().stock_held == 2 and Variant.objects.get(sku="GAO-0012-2").stock == 19
    connected.refresh_from_db()
    assert connected.orders_synced_until is not None
    # the next run overlaps the watermark and finds the same order: nothing moves twice
    with django_capture_on_commit_callbacks(execute=True):
        tasks.orders_import_due_task()
    assert Variant.objects.get(sku="GAO-0012-2").stock == 19
    assert StockMovement.objects.filter(reason=StockReason.ORDER).count() == 1
    # a cancellation on the marketplace is found by the next import and gives the units back once
    shopee.set_order_status(order_id=order_sn, status=OrderStatus.CANCELLED)
    time.sleep(1.1)  # Shopee's times are whole seconds: let the change's second pass
    with django_capture_on_commit_callbacks(execute=True):
        tasks.orders_import_due_task()
        tasks.orders_import_due_task()
    assert Variant.objects.get(sku="GAO-0012-2").stock == 21
