"""The Shopee simulator's orders and pushes against the documentation (docs/marketplaces/shopee.md, Push notifications and Orders, and Shopee's
get_order_list / get_order_detail reference), independent of the connector: requests are built by hand."""

import hashlib
import hmac
import json
import time

import pytest

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.shopee import ShopeeSimulator

from ..receiver import PushReceiver
from .test_conformance import KEY, PARTNER_ID, SHOP, shop_call, tokens

LIST = "/api/v2/order/get_order_list"
DETAIL = "/api/v2/order/get_order_detail"
DAY = 24 * 3600


@pytest.fixture
def sim():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY) as s:
        yield s


@pytest.fixture
def receiver():
    r = PushReceiver()
    yield r
    r.stop()


def window(**overrides):
    now = int(time.time())
    return {"time_range_field": "update_time", "time_from": now - DAY, "time_to": now + 60, "page_size": 100,
            **overrides}


def test_order_list_needs_a_valid_signature_and_token(sim):
    token = tokens(sim)["access_token"]
    # when
    forged = shop_call(sim, "GET", LIST, token, params=window(), signature="0" * 64).json()
    sim.advance(14400 + 1)
    expired = shop_call(sim, "GET", LIST, token, params=window()).json()
    # then
    assert (forged["error"], forged["message"]) == ("error_sign", "Wrong sign.")
    assert (expired["error"], expired["message"]) == ("error_auth", "Invalid access_token.")


def test_order_list_refuses_pages_over_100_and_windows_over_15_days(sim):
    token = tokens(sim)["access_token"]
    now = int(time.time())
    # when
    big_page = shop_call(sim, "GET", LIST, token, params=window(page_size=101)).json()
    long_window = shop_call(sim, "GET", LIST, token, params=window(time_from=now - 15 * DAY - 1, time_to=now)).json()
    fifteen_days = shop_call(sim, "GET", LIST, token, params=window(time_from=now - 15 * DAY, time_to=now)).json()
    no_field = shop_call(sim, "GET", LIST, token, params=window(time_range_field="")).json()
    # then
    assert big_page["error"] == "error_param"
    assert long_window["error"] == "error_param" and "15 days" in long_window["message"]
    assert fifteen_days["error"] == "" and fifteen_days["response"]["order_list"] == []
    assert no_field["error"] == "error_param"


def test_order_list_pages_with_more_and_next_cursor(sim):
    token = tokens(sim)["access_token"]
    sim.seed_item(sku="SEN-1", stock=10)
    made = [sim.create_order(shop_id=str(SHOP), items=[("SEN-1", 1)]) for _ in range(3)]
    # when
    first = shop_call(sim, "GET", LIST, token, params=window(page_size=2, response_optional_fields="order_status")).json()
    second = shop_call(sim, "GET", LIST, token, params=window(page_size=2, cursor=first["response"]["next_cursor"])).json()
    # then
    assert first["response"]["more"] is True and first["response"]["next_cursor"]
    assert second["response"]["more"] is False
    listed = first["response"]["order_list"] + second["response"]["order_list"]
    assert sorted(o["order_sn"] for o in listed) == sorted(made)
    assert {o["order_status"] for o in first["response"]["order_list"]} == {"READY_TO_SHIP"}


def test_order_detail_takes_1_to_50_order_numbers(sim):
    token = tokens(sim)["access_token"]
    # when
    too_many = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": ",".join(f"A{n}" for n in range(51))}).json()
    none = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": ""}).json()
    # then
    assert too_many["error"] == "error_param"
    assert none["error"] == "error_param"


def test_order_detail_of_unknown_orders_is_not_found_and_a_mix_warns(sim):
    token = tokens(sim)["access_token"]
    sim.seed_item(sku="SEN-1", stock=10)
    known = sim.create_order(items=[("SEN-1", 2)])
    # when
    unknown = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": "2401019ZZZZZZZ"}).json()
    mixed = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": f"{known},2401019ZZZZZZZ"}).json()
    # then
    assert unknown["error"] == "error_not_found" and "not found" in unknown["message"]
    assert mixed["error"] == ""
    assert [o["order_sn"] for o in mixed["response"]["order_list"]] == [known]
    assert mixed["warning"] == ["order_sn 2401019ZZZZZZZ is not found"]


def test_order_detail_gives_items_only_when_asked(sim):
    token = tokens(sim)["access_token"]
    item = sim.seed_item(sku="BANH", models=[("BANH-200", 45_000, 5), ("BANH-500", 79_000, 5)])
    sn = sim.create_order(items=[("BANH-500", 2)])
    # when
    bare = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": sn}).json()["response"]["order_list"][0]
    full = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": sn,
                                                         "response_optional_fields": "item_list,total_amount"}).json()
    # then
    assert "item_list" not in bare and bare["order_status"] == "READY_TO_SHIP"
    order = full["response"]["order_list"][0]
    assert order["total_amount"] == 158_000
    assert [(i["model_sku"], i["item_sku"], i["model_id"], i["model_quantity_purchased"], i["model_discounted_price"])
            for i in order["item_list"]] == [("BANH-500", "BANH", item.models[1].model_id, 2, 79_000)]


def test_orders_of_another_shop_stay_hidden():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY, shops={SHOP: "A", 999: "B"}) as sim:
        token = tokens(sim)["access_token"]
        sim.seed_item(sku="X", shop_id=999)
        theirs = sim.create_order(shop_id="999", items=[("X", 1)])
        # when
        listed = shop_call(sim, "GET", LIST, token, params=window()).json()["response"]["order_list"]
        detail = shop_call(sim, "GET", DETAIL, token, params={"order_sn_list": theirs}).json()
        # then
        assert listed == [] and detail["error"] == "error_not_found"


def test_an_order_takes_stock_refuses_when_short_and_a_cancellation_gives_it_back(sim):
    sim.seed_item(sku="GAO", stock=3)
    # when
    sn = sim.create_order(items=[("GAO", 2)])
    with pytest.raises(ValueError, match="in stock"):
        sim.create_order(items=[("GAO", 2)])
    after_order = sim.stock_of(shop_id=str(SHOP), sku="GAO")
    sim.set_order_status(order_id=sn, status="IN_CANCEL")
    while_asking = sim.stock_of(shop_id=str(SHOP), sku="GAO")
    sim.set_order_status(order_id=sn, status=OrderStatus.CANCELLED)
    # then
    assert (after_order, while_asking, sim.stock_of(shop_id=str(SHOP), sku="GAO")) == (1, 1, 3)
    assert sim.stock_of(shop_id=str(SHOP), sku="NOPE") is None
    assert len(sim.shops[SHOP].orders) == 1  # the refused order left nothing behind


def test_the_documented_push_signature_vector(sim):
    # given docs/marketplaces/shopee.md, Push notifications (G-push): url, body, key test_partner_key
    body = b'{"code":3,"shop_id":123,"timestamp":1700000000,"data":{}}'
    # then
    assert sim.push_signature("https://example.vn/shopee/push", body) == \
        "45912f0cac600f502f88b2fc869d291aa14d76b154f12cad5118920d63d8b766"


def test_order_changes_are_pushed_signed_url_bar_body(sim, receiver):
    sim.seed_item(sku="SEN-1", stock=10)
    sim.push_url = receiver.url("/marketplaces/push/shopee/")
    # when
    sn = sim.create_order(items=[("SEN-1", 1)])
    sim.set_order_status(order_id=sn, status=OrderStatus.SHIPPED)
    sim.wait_for_pushes()
    # then
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [(b["code"], b["shop_id"], b["data"]["ordersn"], b["data"]["status"]) for b in bodies] == [
        (3, SHOP, sn, "READY_TO_SHIP"), (3, SHOP, sn, "SHIPPED")]
    for r in receiver.received:
        expected = hmac.new(KEY.encode(), sim.push_url.encode() + b"|" + r.body, hashlib.sha256).hexdigest()
        assert r.headers["Authorization"] == expected
    assert [d.acknowledged for d in sim.push_deliveries] == [True, True]


@pytest.mark.parametrize("answer", [(200, b"ok"), (500, b""), (404, b"")])
def test_a_push_is_retried_until_answered_2xx_with_an_empty_body(sim, receiver, answer):
    sim.seed_item(sku="SEN-1", stock=10)
    receiver.answers = [answer, answer, (204, b"")]
    sim.push_url = receiver.url()
    # when
    sim.create_order(items=[("SEN-1", 1)])
    sim.wait_for_pushes()
    # then
    assert [(d.attempt, d.acknowledged) for d in sim.push_deliveries] == [(1, False), (2, False), (3, True)]
    assert len({r.body for r in receiver.received}) == 1  # the same push each time


def test_a_push_nobody_acknowledges_is_given_up_after_a_few_attempts(sim, receiver):
    sim.seed_item(sku="SEN-1", stock=10)
    receiver.answers = [(200, b"thanks")]
    sim.push_url = receiver.url()
    # when
    sim.create_order(items=[("SEN-1", 1)])
    sim.wait_for_pushes()
    # then
    assert len(receiver.received) == sim.push_attempts == 4
    assert not any(d.acknowledged for d in sim.push_deliveries)


def test_no_push_leaves_without_a_push_url(sim, receiver):
    sim.seed_item(sku="SEN-1", stock=10)
    # when
    sim.create_order(items=[("SEN-1", 1)])
    sim.wait_for_pushes()
    # then
    assert sim.push_url is None and receiver.received == [] and sim.push_deliveries == []
