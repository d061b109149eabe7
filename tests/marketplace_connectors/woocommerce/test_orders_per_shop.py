"""Tenant isolation on marketplace ids (ASVS V4): an order id, a push's event id, is unique within one shop,
never across a marketplace. WooCommerce numbers each shop's orders with its own small integers, so two
businesses' shops both have an order #103: each must land in its own business and take its own stock.

Two WooCommerce shop simulators on loopback, two businesses, every request real HTTP.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from marketplace_connectors import sync
from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.backends.woocommerce.mappers import webhook_secret
from marketplace_connectors.base import PushEvent
from marketplace_connectors.models import MarketplaceAccount, Order, PushReceipt
from marketplace_connectors.selectors import order_list
from marketplace_sandbox.woocommerce import WooCommerceSimulator
from sme.catalog.models import Variant

from ..factories import AccountFactory, make_product
from .conftest import APP_PASSWORD, USER, WEBHOOK_KEY

SKU = "GAO-0001-1"  # make_product(n=1, variants=1): 20 in stock


def lower(headers: dict) -> dict:
    return {k.lower(): v for k, v in headers.items()}


@pytest.fixture
def receiver():
    """Stands in for our public push address: records each delivery (headers, raw body), answers 200."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/marketplaces/push/woocommerce/", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def second_woo(woo):
    """Another business's WooCommerce shop: its own simulator, so its own order numbers."""
    sim = WooCommerceSimulator(
        push_secret=lambda shop_url: webhook_secret(key=WEBHOOK_KEY, shop_url=shop_url.rstrip("/")),
        push_retry_delays=(0.05, 0.1),
    ).start()
    yield sim
    sim.stop()


def connect(sim: WooCommerceSimulator) -> MarketplaceAccount:
    """A business with our product (SKU GAO-0001-1, 20 in stock), the same SKU on its shop, and the shop
    connected with the keys the shop accepts."""
    tokens = WooCommerceConnector().connect_with_keys(shop_url=sim.url, key=USER, secret=APP_PASSWORD)
    account = AccountFactory(marketplace="woocommerce", external_shop_id=tokens.shop_id, shop_name=tokens.shop_name,
                             logistics_channel_id="woocommerce", access_expires_at=tokens.access_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    make_product(account.business, n=1, variants=1, image=False)
    sim._product_create({"name": "Gạo ST25", "sku": SKU, "regular_price": "50000", "manage_stock": True,
                         "stock_quantity": 20})
    return account


def stock(account: MarketplaceAccount) -> int:
    return Variant.objects.get(business=account.business, sku=SKU).stock


def orders(account: MarketplaceAccount) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """The owner's order list: (order number, shop, [(SKU, quantity)])."""
    return [(o.external_id, o.account_id, [(line.sku, line.quantity) for line in o.lines.all()])
            for o in order_list(business=account.business)]


@pytest.mark.django_db
def test_two_shops_with_the_same_order_number_each_get_their_order_and_take_their_stock(woo, second_woo):
    # given two businesses, each with its own WooCommerce shop
    shop_a, shop_b = connect(woo), connect(second_woo)
    assert shop_a.business_id != shop_b.business_id
    # when a buyer orders 2 on shop A and another buyer 3 on shop B, both numbered alike by their shops
    order_a = woo.create_order(items=[(SKU, 2)])
    order_b = second_woo.create_order(items=[(SKU, 3)])
    assert order_a == order_b
    # and both shops' orders are imported
    sync.orders_import(account_id=shop_a.pk)
    sync.orders_import(account_id=shop_b.pk)
    # then each business sees its own order only, and each took its own stock
    assert orders(shop_a) == [(order_a, shop_a.pk, [(SKU, 2)])]
    assert orders(shop_b) == [(order_b, shop_b.pk, [(SKU, 3)])]
    assert (stock(shop_a), stock(shop_b)) == (18, 17)
    assert not Order.objects.filter(oversold=True).exists()
    # and importing again changes nothing
    sync.orders_import(account_id=shop_a.pk)
    sync.orders_import(account_id=shop_b.pk)
    assert Order.objects.count() == 2 and (stock(shop_a), stock(shop_b)) == (18, 17)


@pytest.mark.django_db
def test_pushes_from_two_shops_with_the_same_order_number_and_delivery_id_each_import_their_order(
        woo, second_woo, receiver, client, django_capture_on_commit_callbacks):
    # given two businesses' shops pushing to our endpoint
    shop_a, shop_b = connect(woo), connect(second_woo)
    url, received = receiver
    woo.push_url = second_woo.push_url = url
    # when each shop's buyer places an order, numbered alike, and each shop pushes it in the same second
    order_a = woo.create_order(items=[(SKU, 2)])
    order_b = second_woo.create_order(items=[(SKU, 3)])
    woo.wait_for_deliveries()
    second_woo.wait_for_deliveries()
    assert order_a == order_b and len(received) == 2
    pushes = sorted(received, key=lambda p: lower(p[0])["x-wc-webhook-source"] != woo.home_url)
    deliveries = {lower(h)["x-wc-webhook-delivery-id"] for h, _body in pushes}
    # and both pushes reach our endpoint (as WooCommerce sends them)
    for headers, body in pushes:
        wc_headers = {k: v for k, v in headers.items() if k.lower().startswith("x-wc-")}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("marketplaces:push_receive", args=["woocommerce"]), data=body,
                                   content_type="application/json", headers=wc_headers)
        assert response.status_code == 200
    # then each shop's order is in its own business, and each took its stock
    assert orders(shop_a) == [(order_a, shop_a.pk, [(SKU, 2)])]
    assert orders(shop_b) == [(order_b, shop_b.pk, [(SKU, 3)])]
    assert (stock(shop_a), stock(shop_b)) == (18, 17)
    assert sorted(PushReceipt.objects.values_list("account_id", flat=True)) == sorted([shop_a.pk, shop_b.pk])
    assert len(deliveries) in (1, 2)  # the same id when both were sent within one second (wp_hash of id + time)


@pytest.mark.django_db
def test_a_push_for_one_shop_is_not_a_repeat_of_another_shops_push_with_the_same_event_id(
        woo, second_woo, django_capture_on_commit_callbacks):
    # given two businesses' shops, each with an order numbered alike, not imported yet
    shop_a, shop_b = connect(woo), connect(second_woo)
    order_a = woo.create_order(items=[(SKU, 2)])
    order_b = second_woo.create_order(items=[(SKU, 3)])
    # when verified pushes with one event id arrive for shop A, then for shop B, then A's again
    def accept(account: MarketplaceAccount, order_id: str) -> int:
        event = PushEvent(shop_id=account.external_shop_id, kind="order", event_id="delivery-7f3a",
                          external_id=order_id, status="processing")
        with django_capture_on_commit_callbacks(execute=True):
            return sync.push_events_accept(marketplace="woocommerce", events=[event])

    accepted = [accept(shop_a, order_a), accept(shop_b, order_b), accept(shop_a, order_a)]
    # then B's push is new (A's repeat is not), and each order is imported for its own business
    assert accepted == [1, 1, 0]
    assert orders(shop_a) == [(order_a, shop_a.pk, [(SKU, 2)])]
    assert orders(shop_b) == [(order_b, shop_b.pk, [(SKU, 3)])]
    assert (stock(shop_a), stock(shop_b)) == (18, 17)


@pytest.mark.django_db
def test_a_verified_push_for_a_shop_nobody_connected_is_not_recorded_and_changes_nothing(woo):
    event = PushEvent(shop_id="https://nobody.example.vn", kind="order", event_id="e1", external_id="103")
    assert sync.push_events_accept(marketplace="woocommerce", events=[event]) == 0
    assert PushReceipt.objects.count() == 0 and Order.objects.count() == 0


@pytest.mark.django_db
def test_when_a_shop_moves_to_another_business_its_earlier_orders_stay_with_the_first_and_move_none_of_its_stock(
        woo, settings):
    # given business A's shop with an order of 2 imported (A's stock 20 -> 18)
    settings.DEFAULT_PLAN = "growth"
    shop = connect(woo)
    first_business = shop.business
    order_id = woo.create_order(items=[(SKU, 2)])
    sync.orders_import(account_id=shop.pk)
    assert stock(shop) == 18
    # when A disconnects it and business B connects the same shop (B has the same SKU, 20 in stock)
    from marketplace_connectors import services

    from ..factories import owner_membership

    services.account_disconnect(account=shop)
    membership = owner_membership()
    make_product(membership.business, n=1, variants=1, image=False)
    tokens = WooCommerceConnector().connect_with_keys(shop_url=woo.url, key=USER, secret=APP_PASSWORD)
    moved = services.account_connect_store(business=membership.business, user=membership.user,
                                           marketplace="woocommerce", tokens=tokens)
    assert moved.pk == shop.pk and moved.business_id == membership.business_id
    # and the old order is cancelled on the shop, then imported
    woo.set_order_status(order_id=order_id, status="cancelled")
    sync.orders_import(account_id=moved.pk)
    # then the order stays A's as it was, A's stock is not given back by B's shop, B's stock is untouched
    order = Order.objects.get(account=moved, external_id=order_id)
    assert order.business_id == first_business.pk and order.status != "cancelled"
    assert Variant.objects.get(business=first_business, sku=SKU).stock == 18
    assert Variant.objects.get(business=membership.business, sku=SKU).stock == 20
    assert order_list(business=membership.business).count() == 0
