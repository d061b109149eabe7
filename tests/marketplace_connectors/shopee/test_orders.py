"""The Shopee connector's orders and push notifications, against the simulator (and pure mapping tests)."""

import datetime as dt
import hashlib
import json

import pytest

from marketplace_connectors.backends.shopee import mappers
from marketplace_connectors.backends.shopee.connector import ShopeeConnector
from marketplace_connectors.base import Capability, Credentials, OrderStatus, PushRejected
from tests.marketplace_sandbox.receiver import PushReceiver

PUSH_URL = "https://example.vn/shopee/push"
VECTOR_BODY = b'{"code":3,"shop_id":123,"timestamp":1700000000,"data":{}}'
VECTOR_SIGNATURE = "45912f0cac600f502f88b2fc869d291aa14d76b154f12cad5118920d63d8b766"
DAY = 24 * 3600


@pytest.fixture
def creds(shopee, db) -> Credentials:
    code, shop_id = shopee.issue_code()
    tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
    return Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- mapping ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("shopee_status", "ours"), [
    ("UNPAID", OrderStatus.UNPAID),
    ("READY_TO_SHIP", OrderStatus.PENDING),
    ("PROCESSED", OrderStatus.READY_TO_SHIP),
    ("RETRY_SHIP", OrderStatus.READY_TO_SHIP),
    ("SHIPPED", OrderStatus.SHIPPED),
    ("TO_CONFIRM_RECEIVE", OrderStatus.DELIVERED),
    ("COMPLETED", OrderStatus.DELIVERED),
    ("IN_CANCEL", OrderStatus.PENDING),
    ("CANCELLED", OrderStatus.CANCELLED),
    ("TO_RETURN", OrderStatus.RETURNED),
    ("SOMETHING_NEW", OrderStatus.PENDING),
])
def test_shopee_statuses_map_to_ours(shopee_status, ours):
    assert mappers.order_status(shopee_status) == ours


def test_a_buyer_asking_to_cancel_still_holds_stock_until_shopee_cancels():
    assert mappers.order_status("IN_CANCEL").holds_stock is True
    assert mappers.order_status("CANCELLED").holds_stock is False


def test_an_order_detail_maps_to_lines_with_sku_quantity_and_integer_vnd():
    detail = {
        "order_sn": "2404098R48U37H", "order_status": "COMPLETED", "create_time": 1712601591,
        "update_time": 1713139948, "total_amount": 32119.0,
        "item_list": [
            {"item_id": 1, "item_name": "Bánh phồng tôm", "item_sku": "BANH", "model_id": 22, "model_name": "500 g",
             "model_sku": "BANH-500", "model_quantity_purchased": 2, "model_original_price": 300000.0,
             "model_discounted_price": 48000.0},
            {"item_id": 2, "item_name": "Gạo ST25", "item_sku": "GAO", "model_id": 0, "model_name": "",
             "model_sku": "", "model_quantity_purchased": 1, "model_original_price": 150000.0,
             "model_discounted_price": 0.0},  # a bundle deal: Shopee gives no per-item price
        ],
    }
    # when
    order = mappers.remote_order(detail)
    # then
    assert (order.external_id, order.status, order.marketplace_status, order.total_vnd) == (
        "2404098R48U37H", OrderStatus.DELIVERED, "COMPLETED", 32119)
    assert order.created_at == dt.datetime(2024, 4, 8, 18, 39, 51, tzinfo=dt.UTC)
    assert [(ln.sku, ln.quantity, ln.unit_price_vnd, ln.external_variant_id, ln.status, ln.name)
            for ln in order.lines] == [
        ("BANH-500", 2, 48_000, "22", OrderStatus.DELIVERED, "Bánh phồng tôm (500 g)"),
        ("GAO", 1, 150_000, "0", OrderStatus.DELIVERED, "Gạo ST25")]


# --- orders from the simulator -----------------------------------------------------------------------------
def test_shopee_declares_orders_and_push():
    connector = ShopeeConnector()
    assert connector.supports(Capability.ORDERS) and connector.supports(Capability.PUSH)


def test_orders_updated_since_pages_past_100_and_fetches_details_by_50(shopee, creds):
    shopee.seed_item(sku="SEN", models=[("SEN-200", 60_000, 500), ("SEN-500", 120_000, 500)])
    since = now() - dt.timedelta(minutes=1)
    made = [shopee.create_order(items=[("SEN-200", 1), ("SEN-500", 2)]) for _ in range(130)]
    # when
    orders = ShopeeConnector().orders_updated_since(credentials=creds, since=since)
    # then
    assert sorted(o.external_id for o in orders) == sorted(made)
    assert shopee.count(path="/api/v2/order/get_order_list") == 2
    assert shopee.count(path="/api/v2/order/get_order_detail") == 3
    first = orders[0]
    assert first.status == OrderStatus.PENDING and first.marketplace_status == "READY_TO_SHIP"
    assert [(ln.sku, ln.quantity, ln.unit_price_vnd) for ln in first.lines] == [("SEN-200", 1, 60_000),
                                                                               ("SEN-500", 2, 120_000)]
    assert first.total_vnd == 300_000
    assert shopee.stock_of(sku="SEN-500") == 500 - 2 * 130


def test_orders_updated_since_walks_15_day_windows_up_to_now(shopee, creds):
    shopee.seed_item(sku="GAO", stock=10)
    shopee.advance(-40 * DAY)  # the simulator's clock: orders changed 40, 20 and 0 days ago
    old = shopee.create_order(items=[("GAO", 1)])
    shopee.advance(20 * DAY)
    middle = shopee.create_order(items=[("GAO", 1)])
    shopee.advance(20 * DAY)
    recent = shopee.create_order(items=[("GAO", 1)])
    # when
    orders = ShopeeConnector().orders_updated_since(credentials=creds, since=now() - dt.timedelta(days=41))
    # then every window was within Shopee's 15 days (the simulator refuses more) and oldest change comes first
    assert [o.external_id for o in orders] == [old, middle, recent]
    assert shopee.count(path="/api/v2/order/get_order_list") == 3
    assert shopee.count(path="/api/v2/order/get_order_list", status=200) == 3


def test_orders_changed_before_since_are_left_out_and_a_change_brings_one_back(shopee, creds):
    shopee.seed_item(sku="GAO", stock=10)
    shopee.advance(-3600)
    sn = shopee.create_order(items=[("GAO", 4)])
    shopee.advance(3600)
    connector = ShopeeConnector()
    since = now() - dt.timedelta(minutes=5)
    assert connector.orders_updated_since(credentials=creds, since=since) == []
    # when
    shopee.set_order_status(order_id=sn, status=OrderStatus.CANCELLED)
    orders = connector.orders_updated_since(credentials=creds, since=since)
    # then
    assert [(o.external_id, o.status, o.lines[0].status) for o in orders] == [
        (sn, OrderStatus.CANCELLED, OrderStatus.CANCELLED)]
    assert shopee.stock_of(sku="GAO") == 10


def test_order_get_returns_one_order_or_none(shopee, creds):
    shopee.seed_item(sku="GAO", price=150_000, stock=10)
    sn = shopee.create_order(items=[("GAO", 3)])
    connector = ShopeeConnector()
    # when
    found = connector.order_get(credentials=creds, external_id=sn)
    missing = connector.order_get(credentials=creds, external_id="2401019ZZZZZZZ")
    # then
    assert (found.external_id, found.total_vnd, [(ln.sku, ln.quantity) for ln in found.lines]) == (
        sn, 450_000, [("GAO", 3)])
    assert missing is None


# --- push notifications --------------------------------------------------------------------------------
def test_the_documented_vector_verifies(shopee):
    # given docs/marketplaces/shopee.md, Push notifications (G-push), with key test_partner_key (the fixture's partner key)
    events = ShopeeConnector().verify_push(body=VECTOR_BODY, headers={"Authorization": VECTOR_SIGNATURE}, url=PUSH_URL)
    # then
    assert [(e.kind, e.shop_id, e.external_id) for e in events] == [("other", "123", "")]  # code 3 without ordersn
    assert events[0].event_id == hashlib.sha256(VECTOR_BODY).hexdigest()


@pytest.mark.parametrize("headers", [
    {"Authorization": "0" * 64},
    {},
    {"Authorization": VECTOR_SIGNATURE},  # signed for another URL
])
def test_a_forged_or_unsigned_push_is_rejected(shopee, headers):
    url = PUSH_URL if headers.get("Authorization") != VECTOR_SIGNATURE else "https://attacker.example/push"
    with pytest.raises(PushRejected):
        ShopeeConnector().verify_push(body=VECTOR_BODY, headers=headers, url=url)


def test_a_changed_body_with_the_old_signature_is_rejected(shopee):
    tampered = VECTOR_BODY.replace(b"123", b"124")
    with pytest.raises(PushRejected):
        ShopeeConnector().verify_push(body=tampered, headers={"Authorization": VECTOR_SIGNATURE}, url=PUSH_URL)


def test_a_correctly_signed_body_that_is_not_json_is_rejected(shopee):
    body = b"not json"
    signature = shopee.push_signature(PUSH_URL, body)
    with pytest.raises(PushRejected):
        ShopeeConnector().verify_push(body=body, headers={"authorization": signature}, url=PUSH_URL)


@pytest.mark.parametrize(("payload", "kind", "external_id", "status"), [
    ({"code": 3, "shop_id": 7, "timestamp": 1, "data": {"ordersn": "240101AAAA", "status": "SHIPPED",
                                                         "update_time": 1}}, "order", "240101AAAA", "shipped"),
    ({"code": 2, "shop_id": 7, "timestamp": 1, "data": {}}, "auth", "", ""),
    ({"code": 8, "shop_id": 7, "timestamp": 1, "data": {"item_id": 5}}, "other", "", ""),
])
def test_push_codes_become_events(shopee, payload, kind, external_id, status):
    body = json.dumps(payload).encode()
    events = ShopeeConnector().verify_push(body=body, headers={"Authorization": shopee.push_signature(PUSH_URL, body)},
                                           url=PUSH_URL)
    assert [(e.shop_id, e.kind, e.external_id, e.status) for e in events] == [("7", kind, external_id, status)]


def test_a_push_from_the_simulator_verifies_and_names_the_order(shopee, creds):
    receiver = PushReceiver()
    try:
        shopee.seed_item(sku="GAO", stock=10)
        shopee.push_url = receiver.url("/marketplaces/push/shopee/")
        sn = shopee.create_order(items=[("GAO", 1)])
        shopee.set_order_status(order_id=sn, status="IN_CANCEL")
        shopee.wait_for_pushes()
        connector = ShopeeConnector()
        # when
        events = [e for r in receiver.received
                  for e in connector.verify_push(body=r.body, headers=r.headers, url=shopee.push_url)]
        # then
        assert [(e.kind, e.shop_id, e.external_id, e.status) for e in events] == [
            ("order", creds.shop_id, sn, "pending"), ("order", creds.shop_id, sn, "pending")]
        assert len({e.event_id for e in events}) == 2
        assert connector.order_get(credentials=creds, external_id=events[-1].external_id).marketplace_status == "IN_CANCEL"
    finally:
        receiver.stop()
