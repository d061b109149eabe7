"""Push notifications: the Shopee simulator POSTs signed pushes to our endpoint, as Shopee would.

A genuine push imports the order at once; a forged one gets 401 and changes nothing; a repeated one is
acknowledged and ignored.
"""

import pytest
from django.urls import reverse

from marketplace_connectors import sync
from marketplace_connectors.models import Order, PushReceipt
from sme.catalog.models import StockMovement, StockReason, Variant

from .factories import make_product, map_rice


@pytest.fixture(autouse=True)
def growth_plan(settings):
    """Automatic stock sync comes with paid plans; without Stripe every business runs on DEFAULT_PLAN."""
    settings.DEFAULT_PLAN = "growth"


def publish(account, products, capture):
    with capture(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[p.pk for p in products])


@pytest.fixture
def live_shop(transactional_db, connected, shopee, live_server, django_capture_on_commit_callbacks):
    """A connected Shopee shop with one live product, pushing to our live server."""
    map_rice(connected)
    product = make_product(connected.business, n=1)
    publish(connected, [product], django_capture_on_commit_callbacks)
    shopee.push_url = live_server.url + reverse("marketplaces:push_receive", args=["shopee"])
    return connected


def test_a_signed_push_imports_the_order_and_moves_stock_once(live_shop, shopee, client):
    order_sn = shopee.create_order(shop_id=live_shop.external_shop_id, items=[("GAO-0001-1", 2)])
    shopee.wait_for_pushes()
    delivery = shopee.push_deliveries[-1]
    assert delivery.acknowledged and delivery.status == 200 and delivery.response_body == b""
    order = Order.objects.get(marketplace="shopee", external_id=order_sn)
    assert order.account == live_shop and order.lines.get().quantity == 2
    assert Variant.objects.get(sku="GAO-0001-1").stock == 18
    assert shopee.stock_of(shop_id=live_shop.external_shop_id, sku="GAO-0001-1") == 18
    # the same push delivered again: acknowledged, nothing happens
    receipts = PushReceipt.objects.count()
    again = client.post(reverse("marketplaces:push_receive", args=["shopee"]), data=delivery.body,
                        content_type="application/json", HTTP_AUTHORIZATION=delivery.signature,
                        SERVER_NAME=live_shop_host(shopee), SERVER_PORT=live_shop_port(shopee))
    assert again.status_code == 200 and again.content == b""
    assert PushReceipt.objects.count() == receipts
    assert StockMovement.objects.filter(reason=StockReason.ORDER).count() == 1


def test_a_cancellation_push_gives_the_stock_back(live_shop, shopee):
    order_sn = shopee.create_order(shop_id=live_shop.external_shop_id, items=[("GAO-0001-2", 3)])
    shopee.wait_for_pushes()
    assert Variant.objects.get(sku="GAO-0001-2").stock == 18
    shopee.set_order_status(order_id=order_sn, status="cancelled")
    shopee.wait_for_pushes()
    assert Variant.objects.get(sku="GAO-0001-2").stock == 21
    assert Order.objects.get(external_id=order_sn).status == "cancelled"


def test_a_forged_push_is_refused_and_changes_nothing(live_shop, shopee, client):
    body = (b'{"code":3,"shop_id":%s,"timestamp":1700000000,"data":{"ordersn":"FAKE1","status":"READY_TO_SHIP"}}'
            % live_shop.external_shop_id.encode())
    for signature in ("", "0" * 64, shopee.push_signature("https://elsewhere.example/push", body)):
        response = client.post(reverse("marketplaces:push_receive", args=["shopee"]), data=body,
                               content_type="application/json", HTTP_AUTHORIZATION=signature)
        assert response.status_code == 401
    assert PushReceipt.objects.count() == 0 and Order.objects.count() == 0


@pytest.mark.django_db
def test_pushes_for_unknown_marketplaces_are_not_found(client):
    assert client.post("/marketplaces/push/nowhere/", data=b"{}", content_type="application/json").status_code == 404
    assert client.get(reverse("marketplaces:push_receive", args=["shopee"])).status_code == 405


def live_shop_host(shopee) -> str:
    """The host the simulator signed for (its push_url), so a replay through the test client matches."""
    return shopee.push_url.split("//", 1)[1].split("/", 1)[0].split(":")[0]


def live_shop_port(shopee) -> str:
    return shopee.push_url.split("//", 1)[1].split("/", 1)[0].split(":")[1]
