"""The Lazada simulator's orders and pushes against the documentation (docs/marketplaces/lazada.md, Signing, Push notifications and Orders, the push
mechanism in §2.5), independent of the connector: requests are built by hand."""

import hashlib
import hmac
import json

import pytest

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.lazada import LazadaSimulator

from ..receiver import PushReceiver
from .test_conformance import APP_KEY, SECRET, SELLER, access, call


@pytest.fixture
def sim():
    with LazadaSimulator(app_key=APP_KEY, app_secret=SECRET, sellers={SELLER: "Sen Đồng Tháp", "999": "Khác"}) as s:
        yield s


@pytest.fixture
def receiver():
    r = PushReceiver()
    yield r
    r.stop()


def test_get_order_needs_a_valid_signature_and_token(sim):
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    order_id = sim.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 1)])
    # when
    forged = call(sim, "GET", "/order/get", {"order_id": order_id}, token=token, signature="A" * 64).json()
    sim.advance(7 * 24 * 3600 + 1)  # a test app's access token lives 7 days
    expired = call(sim, "GET", "/order/get", {"order_id": order_id}, token=token).json()
    # then
    assert forged["code"] == "IncompleteSignature"
    assert expired["code"] == "IllegalAccessToken"


def test_get_order_answers_an_order_of_the_seller_and_refuses_others(sim):
    token = access(sim)
    mine = sim.seed_products(count=1, skus_per_product=1, seller_id=SELLER)[0]
    theirs = sim.seed_products(count=1, skus_per_product=1, seller_id="999", prefix="OTHER")[0]
    order_id = sim.create_order(shop_id=SELLER, items=[(mine.skus[0].seller_sku, 2)])
    other_id = sim.create_order(shop_id="999", items=[(theirs.skus[0].seller_sku, 1)])
    # when
    found = call(sim, "GET", "/order/get", {"order_id": order_id}, token=token).json()
    other = call(sim, "GET", "/order/get", {"order_id": other_id}, token=token).json()
    unknown = call(sim, "GET", "/order/get", {"order_id": "1"}, token=token).json()
    # then
    assert found["code"] == "0"
    assert (str(found["data"]["order_id"]), found["data"]["statuses"], found["data"]["price"]) == (
        order_id, ["pending"], "100000.00")
    assert other["code"] == "16" and unknown["code"] == "16"


def test_cancelling_one_item_gives_its_unit_back_and_the_order_shows_both_statuses(sim):
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    sku = product.skus[0].seller_sku
    order_id = sim.create_order(shop_id=SELLER, items=[(sku, 3)])
    first_unit = sim.orders[int(order_id)].items[0].order_item_id
    # when
    sim.set_order_status(order_id=order_id, status=OrderStatus.CANCELLED, order_item_ids=[first_unit])
    order = call(sim, "GET", "/order/get", {"order_id": order_id}, token=token).json()["data"]
    items = call(sim, "GET", "/order/items/get", {"order_id": order_id}, token=token).json()["data"]
    # then
    assert order["statuses"] == ["canceled", "pending"]
    assert sorted(i["status"] for i in items) == ["canceled", "pending", "pending"]
    assert sim.stock_of(shop_id=SELLER, sku=sku) == 10 - 3 + 1


def test_an_order_over_the_stock_is_refused_and_changes_nothing(sim):
    product = sim.seed_products(count=1, skus_per_product=2)[0]
    a, b = (s.seller_sku for s in product.skus)
    # when
    with pytest.raises(ValueError, match="in stock"):
        sim.create_order(shop_id=SELLER, items=[(a, 1), (b, 11)])
    # then
    assert (sim.stock_of(shop_id=SELLER, sku=a), sim.stock_of(shop_id=SELLER, sku=b)) == (10, 10)
    assert sim.orders == {} and sim.stock_of(shop_id=SELLER, sku="NOPE") is None


def test_the_documented_push_signature_vector(sim):
    # given docs/marketplaces/lazada.md, Push notifications (G-push): app_key 123456, secret test_secret
    body = b'{"seller_id":"1234567","message_type":0,"data":{},"timestamp":1603766859530,"site":"lazada_vn"}'
    # then
    assert sim.push_signature(body) == "ef9b5af9ada60dd20a7e017c42eae344e026430b9f41f0f320b54ef15fd04e72"


def test_order_changes_are_pushed_signed_app_key_and_body(sim, receiver):
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    sim.push_url = receiver.url("/marketplaces/push/lazada/")
    # when
    order_id = sim.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 1)])
    sim.set_order_status(order_id=order_id, status="packed")
    sim.wait_for_pushes()
    # then
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [(b["seller_id"], b["message_type"], b["data"]["trade_order_id"], b["data"]["order_status"], b["site"])
            for b in bodies] == [(SELLER, 0, order_id, "pending", "lazada_vn"), (SELLER, 0, order_id, "packed", "lazada_vn")]
    for r in receiver.received:
        expected = hmac.new(SECRET.encode(), APP_KEY.encode() + r.body, hashlib.sha256).hexdigest()
        assert r.headers["Authorization"] == expected


def test_a_push_is_retried_while_the_receiver_fails(sim, receiver):
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    receiver.answers = [(500, b""), (503, b"busy"), (200, b"ok")]  # Lazada asks only for a 2xx
    sim.push_url = receiver.url()
    # when
    sim.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 1)])
    sim.wait_for_pushes()
    # then
    assert [(d.attempt, d.status, d.acknowledged) for d in sim.push_deliveries] == [
        (1, 500, False), (2, 503, False), (3, 200, True)]
    assert len({r.body for r in receiver.received}) == 1
