"""The Lazada connector's orders and push notifications against the simulator."""

import datetime as dt
import hashlib
import json

import pytest

from marketplace_connectors.backends.lazada.connector import LazadaConnector
from marketplace_connectors.base import Capability, Credentials, OrderStatus, PushRejected
from tests.marketplace_sandbox.receiver import PushReceiver

from .conftest import SELLER

VECTOR_BODY = b'{"seller_id":"1234567","message_type":0,"data":{},"timestamp":1603766859530,"site":"lazada_vn"}'
VECTOR_SIGNATURE = "ef9b5af9ada60dd20a7e017c42eae344e026430b9f41f0f320b54ef15fd04e72"
URL = "https://example.vn/marketplaces/push/lazada/"


@pytest.fixture
def creds(lazada, db) -> Credentials:
    tokens = LazadaConnector().exchange_code(params={"code": lazada.issue_code(SELLER)[0]})
    return Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)


def test_lazada_declares_orders_and_push():
    assert LazadaConnector().supports(Capability.ORDERS) and LazadaConnector().supports(Capability.PUSH)


def test_orders_updated_since_pages_past_100_orders(lazada, creds):
    product = lazada.seed_products(count=1, skus_per_product=1)[0]
    lazada.sku(product.skus[0].seller_sku).quantity = 500
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    made = [lazada.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 2)]) for _ in range(120)]
    # when
    orders = LazadaConnector().orders_updated_since(credentials=creds, since=since)
    # then
    assert sorted(o.external_id for o in orders) == sorted(made)
    assert lazada.count(path="/orders/get") == 2
    assert {(o.lines[0].quantity, o.lines[0].unit_price_vnd, o.total_vnd) for o in orders} == {(2, 50_000, 100_000)}
    assert lazada.stock_of(shop_id=SELLER, sku=product.skus[0].seller_sku) == 500 - 240


def test_a_partial_cancellation_comes_as_two_lines_and_the_order_goes_on(lazada, creds):
    product = lazada.seed_products(count=1, skus_per_product=1)[0]
    sku = product.skus[0].seller_sku
    order_id = lazada.create_order(shop_id=SELLER, items=[(sku, 3)])
    unit = lazada.orders[int(order_id)].items[0].order_item_id
    lazada.set_order_status(order_id=order_id, status=OrderStatus.CANCELLED, order_item_ids=[unit])
    lazada.set_order_status(order_id=order_id, status="packed", order_item_ids=[
        i.order_item_id for i in lazada.orders[int(order_id)].items if i.order_item_id != unit])
    # when
    order = LazadaConnector().order_get(credentials=creds, external_id=order_id)
    # then
    assert (order.status, order.marketplace_status) == (OrderStatus.READY_TO_SHIP, "canceled,packed")
    assert [(ln.sku, ln.quantity, ln.status) for ln in order.lines] == [
        (sku, 2, OrderStatus.READY_TO_SHIP), (sku, 1, OrderStatus.CANCELLED)]
    assert lazada.stock_of(shop_id=SELLER, sku=sku) == 10 - 2


def test_order_get_returns_none_for_an_unknown_order(lazada, creds):
    assert LazadaConnector().order_get(credentials=creds, external_id="123") is None


def test_the_documented_vector_verifies(lazada):
    # given docs/marketplaces/lazada.md, Push notifications (G-push) (app_key 123456, secret test_secret: the fixture's app)
    events = LazadaConnector().verify_push(body=VECTOR_BODY, headers={"Authorization": VECTOR_SIGNATURE}, url=URL)
    # then a trade-order message without an order id names no order
    assert [(e.shop_id, e.kind, e.external_id) for e in events] == [("1234567", "other", "")]
    assert events[0].event_id == hashlib.sha256(VECTOR_BODY).hexdigest()


@pytest.mark.parametrize(("body", "headers"), [
    (VECTOR_BODY, {"Authorization": "0" * 64}),
    (VECTOR_BODY, {}),
    (VECTOR_BODY.replace(b"1234567", b"7654321"), {"Authorization": VECTOR_SIGNATURE}),
])
def test_a_forged_or_unsigned_push_is_rejected(lazada, body, headers):
    with pytest.raises(PushRejected):
        LazadaConnector().verify_push(body=body, headers=headers, url=URL)


def test_a_correctly_signed_body_that_is_not_json_is_rejected(lazada):
    with pytest.raises(PushRejected):
        LazadaConnector().verify_push(body=b"[1", headers={"authorization": lazada.push_signature(b"[1")}, url=URL)


def test_a_trade_order_push_names_the_order_and_its_status(lazada):
    body = json.dumps({"seller_id": SELLER, "message_type": 0, "timestamp": 1, "site": "lazada_vn",
                       "data": {"trade_order_id": "500000000001", "order_status": "canceled"}}).encode()
    # when
    events = LazadaConnector().verify_push(body=body, headers={"Authorization": lazada.push_signature(body)}, url=URL)
    # then
    assert [(e.shop_id, e.kind, e.external_id, e.status) for e in events] == [
        (SELLER, "order", "500000000001", "cancelled")]


def test_a_push_from_the_simulator_verifies_and_leads_to_the_order(lazada, creds):
    receiver = PushReceiver()
    try:
        product = lazada.seed_products(count=1, skus_per_product=1)[0]
        lazada.push_url = receiver.url()
        order_id = lazada.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 1)])
        lazada.set_order_status(order_id=order_id, status=OrderStatus.SHIPPED)
        lazada.wait_for_pushes()
        connector = LazadaConnector()
        # when
        events = [e for r in receiver.received for e in connector.verify_push(body=r.body, headers=r.headers, url=URL)]
        # then
        assert [(e.kind, e.shop_id, e.external_id, e.status) for e in events] == [
            ("order", SELLER, order_id, "pending"), ("order", SELLER, order_id, "shipped")]
        assert connector.order_get(credentials=creds, external_id=order_id).status == OrderStatus.SHIPPED
    finally:
        receiver.stop()
