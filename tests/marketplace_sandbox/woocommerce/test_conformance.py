"""The WooCommerce simulator against the documentation (docs/marketplaces/woocommerce.md, Sandbox test cases; WooCommerce core),
spoken to with plain HTTP: nothing here goes through the connector."""

import base64
import hashlib
import hmac
import json

import pytest
import requests

from marketplace_sandbox.woocommerce import WooCommerceSimulator
from marketplace_sandbox.woocommerce.state import SANDBOX_APP_PASSWORD as APP_PASSWORD
from marketplace_sandbox.woocommerce.state import SANDBOX_CONSUMER_KEY as CK
from marketplace_sandbox.woocommerce.state import SANDBOX_CONSUMER_SECRET as CS
from marketplace_sandbox.woocommerce.state import SANDBOX_USERNAME as USER
from tests.marketplace_sandbox.receiver import PushReceiver

API = "/wp-json/wc/v3"


@pytest.fixture
def shop():
    sim = WooCommerceSimulator(push_secret="push-secret", push_retry_delays=(0.05,)).start()
    yield sim
    sim.stop()


def call(shop, method, path, *, auth=(CK, CS), **kwargs):
    return requests.request(method, f"{shop.url}{API}{path}", auth=auth, timeout=5, **kwargs)


def simple(sku, **extra):
    return {"name": f"Sản phẩm {sku}", "type": "simple", "sku": sku, "regular_price": "10000", **extra}


def test_wrong_basic_credentials_are_refused_with_401_in_wordpress_envelope(shop):
    wrong_key = call(shop, "GET", "/products", auth=("ck_wrong", CS))
    wrong_secret = call(shop, "GET", "/products", auth=(CK, "cs_wrong"))
    anonymous = call(shop, "GET", "/products", auth=None)
    # K2: an unknown key over Basic is no error of its own (S-auth): the endpoint refuses the anonymous request
    assert (wrong_key.status_code, wrong_key.json()["code"]) == (401, "woocommerce_rest_cannot_view")
    assert (wrong_secret.status_code, wrong_secret.json()["message"]) == (401, "Consumer secret is invalid.")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "woocommerce_rest_cannot_view")


def test_k5_over_plain_http_basic_credentials_are_ignored_and_the_request_is_unauthenticated():
    plain = WooCommerceSimulator(https=False).start()
    try:
        keys = call(plain, "GET", "/products")
        app_password = call(plain, "POST", "/products", auth=(USER, APP_PASSWORD), json=simple("H-1"))
        media = requests.post(f"{plain.url}/wp-json/wp/v2/media", data=b"PNG", auth=(USER, APP_PASSWORD), timeout=5,
                              headers={"Content-Disposition": 'attachment; filename="a.png"', "Content-Type": "image/png"})
    finally:
        plain.stop()
    assert (keys.status_code, keys.json()["code"]) == (401, "woocommerce_rest_cannot_view")
    assert (app_password.status_code, app_password.json()["code"]) == (401, "woocommerce_rest_cannot_create")
    assert (media.status_code, media.json()["code"]) == (401, "rest_cannot_create")
    assert plain.products == {} and plain.media == {}


def test_a_read_only_key_cannot_write(shop):
    shop.consumer_keys["ck_read"] = ("cs_read", "read")
    assert call(shop, "GET", "/products", auth=("ck_read", "cs_read")).status_code == 200
    refused = call(shop, "POST", "/products", auth=("ck_read", "cs_read"), json=simple("R-1"))
    assert refused.status_code == 401 and "write permissions" in refused.json()["message"]
    assert shop.products == {}


def test_consumer_keys_do_not_reach_the_media_library_but_an_application_password_does(shop):
    headers = {"Content-Disposition": 'attachment; filename="a.png"', "Content-Type": "image/png"}
    with_keys = requests.post(f"{shop.url}/wp-json/wp/v2/media", data=b"PNG", headers=headers, auth=(CK, CS), timeout=5)
    with_app_password = requests.post(f"{shop.url}/wp-json/wp/v2/media", data=b"PNG", headers=headers,
                                      auth=(USER, APP_PASSWORD), timeout=5)
    assert (with_keys.status_code, with_keys.json()["code"]) == (401, "invalid_username")  # M1, app passwords in use
    assert with_app_password.status_code == 201 and with_app_password.json()["id"] in shop.media
    # and the Application Password works on WooCommerce's routes too
    assert call(shop, "GET", "/products", auth=(USER, APP_PASSWORD)).status_code == 200


def test_per_page_above_100_is_refused(shop):
    answer = call(shop, "GET", "/products", params={"per_page": 101})
    assert (answer.status_code, answer.json()["code"]) == (400, "rest_invalid_param")


def test_lists_are_paged_with_wordpress_headers(shop):
    created = call(shop, "POST", "/products/batch", json={"create": [simple(f"P-{i}") for i in range(25)]})
    assert created.status_code == 200
    first = call(shop, "GET", "/products", params={"per_page": 10})
    last = call(shop, "GET", "/products", params={"per_page": 10, "page": 3})
    assert (first.headers["X-WP-Total"], first.headers["X-WP-TotalPages"]) == ("25", "3")
    assert 'rel="next"' in first.headers["Link"] and len(first.json()) == 10
    assert len(last.json()) == 5 and 'rel="next"' not in last.headers["Link"]
    assert len(call(shop, "GET", "/products").json()) == 10  # default per_page


def test_p12_a_page_past_the_last_is_an_empty_list_with_the_paging_headers(shop):
    assert call(shop, "POST", "/products/batch", json={"create": [simple(f"E-{i}") for i in range(3)]}).status_code == 200
    past = call(shop, "GET", "/products", params={"per_page": 2, "page": 5})
    assert (past.status_code, past.json()) == (200, [])
    assert (past.headers["X-WP-Total"], past.headers["X-WP-TotalPages"]) == ("3", "2")
    assert 'rel="next"' not in past.headers["Link"] and "page=2>; rel=\"prev\"" in past.headers["Link"]


def test_a_batch_of_101_objects_is_refused_with_413(shop):
    answer = call(shop, "POST", "/products/batch", json={"create": [simple(f"B-{i}") for i in range(60)],
                                                         "update": [{"id": 1, "regular_price": "1"}] * 41})
    assert (answer.status_code, answer.json()["code"]) == (413, "woocommerce_rest_request_entity_too_large")
    assert shop.products == {}


def test_a_duplicate_sku_on_create_is_refused_naming_the_holder(shop):
    first = call(shop, "POST", "/products", json=simple("DUP-1")).json()
    again = call(shop, "POST", "/products", json=simple("DUP-1"))
    assert again.status_code == 400
    assert again.json() == {"code": "product_invalid_sku", "message": "Invalid or duplicated SKU.",
                            "data": {"status": 400, "resource_id": first["id"], "unique_sku": "DUP-1"}}


def test_a_duplicate_sku_inside_a_batch_fails_that_item_only(shop):
    call(shop, "POST", "/products", json=simple("TAKEN"))
    answer = call(shop, "POST", "/products/batch", json={"create": [simple("NEW-1"), simple("TAKEN"), simple("NEW-2")]})
    rows = answer.json()["create"]
    assert answer.status_code == 200
    assert [r.get("sku") for r in rows] == ["NEW-1", None, "NEW-2"]
    assert rows[1]["id"] == 0 and rows[1]["error"]["code"] == "product_invalid_sku"


def test_p1_p2_skus_are_unique_across_variations_and_the_sku_filter_finds_variations_too(shop):
    parent = call(shop, "POST", "/products", json={
        "name": "Gạo", "type": "variable", "sku": "GAO",
        "attributes": [{"name": "Khối lượng", "variation": True, "options": ["1 kg", "2 kg"]}]}).json()
    batch = call(shop, "POST", f"/products/{parent['id']}/variations/batch", json={"create": [
        {"sku": "GAO-1", "regular_price": "30000", "attributes": [{"name": "Khối lượng", "option": "1 kg"}]},
        {"sku": "GAO-1", "regular_price": "50000", "attributes": [{"name": "Khối lượng", "option": "2 kg"}]}]}).json()
    assert batch["create"][0]["sku"] == "GAO-1" and batch["create"][1]["error"]["code"] == "product_invalid_sku"
    assert call(shop, "POST", "/products", json=simple("GAO-1")).json()["code"] == "product_invalid_sku"
    assert [p["id"] for p in call(shop, "GET", "/products", params={"sku": "GAO"}).json()] == [parent["id"]]
    # S-products: with sku the query covers product_variation posts, answered as type "variation"
    [found] = call(shop, "GET", "/products", params={"sku": "GAO-1"}).json()
    assert (found["id"], found["type"], found["parent_id"]) == (batch["create"][0]["id"], "variation", parent["id"])


def test_p8_p9_a_variation_keeps_only_attributes_its_parent_varies_by_and_any_option(shop):
    # S-variations: an attribute the parent lacks is skipped without an error; the option is not checked
    parent = call(shop, "POST", "/products", json={
        "name": "Gạo", "type": "variable", "sku": "GAO",
        "attributes": [{"name": "Khối lượng", "variation": True, "options": ["1 kg", "2 kg"]}]}).json()
    created = call(shop, "POST", f"/products/{parent['id']}/variations/batch", json={"create": [
        {"sku": "GAO-X", "regular_price": "30000", "attributes": [{"name": "Trọng lượng", "option": "1 kg"}]},
        {"sku": "GAO-5", "regular_price": "90000", "attributes": [{"name": "Khối lượng", "option": "5 kg"}]}]}).json()
    unknown, other_option = created["create"]
    assert "error" not in unknown and unknown["attributes"] == []  # P8: 201, without that attribute
    assert other_option["attributes"] == [{"id": 0, "name": "Khối lượng", "option": "5 kg"}]  # P9: stored as given


def test_trash_frees_the_sku_and_a_second_delete_answers_410(shop):
    product = call(shop, "POST", "/products", json=simple("T-1")).json()
    trashed = call(shop, "DELETE", f"/products/{product['id']}")
    again = call(shop, "DELETE", f"/products/{product['id']}")
    assert trashed.json()["status"] == "trash"
    assert (again.status_code, again.json()["code"]) == (410, "woocommerce_rest_already_trashed")
    assert call(shop, "GET", "/products", params={"sku": "T-1"}).json() == []
    assert call(shop, "POST", "/products", json=simple("T-1")).status_code == 201


def test_injected_overload_answers_bare_html_like_a_shared_host(shop):
    shop.set_faults(status_429=1, status_5xx=1)
    first, second = call(shop, "GET", "/products"), call(shop, "GET", "/products")
    assert (first.status_code, second.status_code) == (429, 503)
    assert first.headers["Content-Type"] == "text/html" and not first.text.startswith("{")
    assert call(shop, "GET", "/products").status_code == 200


def test_orders_are_listed_by_modification_after_a_gmt_date(shop):
    call(shop, "POST", "/products", json=simple("O-1", manage_stock=True, stock_quantity=9))
    first = shop.create_order(items=[("O-1", 2)])
    shop.advance(10)
    second = shop.create_order(items=[("O-1", 1)])
    shop.advance(10)
    shop.set_order_status(order_id=first, status="cancelled")
    since = shop.orders[int(second)]["date_modified_gmt"]
    rows = call(shop, "GET", "/orders", params={"modified_after": shop.orders[int(first)]["date_created_gmt"],
                                                 "dates_are_gmt": "true", "orderby": "modified", "order": "asc"}).json()
    assert [str(r["id"]) for r in rows] == [second, first]
    later = call(shop, "GET", "/orders", params={"modified_after": since, "dates_are_gmt": "true"}).json()
    assert [str(r["id"]) for r in later] == [first]
    assert shop.stock_of(sku="O-1") == 8  # 9 - 2 - 1, then the cancelled order's 2 came back


def test_webhook_deliveries_carry_woocommerces_headers_and_signature(shop):
    hook = call(shop, "POST", "/webhooks", json={"topic": "order.created", "delivery_url": "http://127.0.0.1:9/hook",
                                                 "secret": "s3cret"}).json()
    assert "secret" not in hook
    call(shop, "POST", "/products", json=simple("W-1"))
    shop.create_order(items=[("W-1", 1)])
    delivery = shop.deliveries[0]
    expected = base64.b64encode(hmac.new(b"s3cret", delivery.body, hashlib.sha256).digest()).decode()
    assert delivery.url == "http://127.0.0.1:9/hook"
    assert delivery.headers["X-WC-Webhook-Signature"] == expected
    assert delivery.headers["X-WC-Webhook-Topic"] == "order.created"
    assert delivery.headers["X-WC-Webhook-Source"] == shop.url + "/"
    assert delivery.headers["X-WC-Webhook-ID"] == str(hook["id"])
    assert json.loads(delivery.body)["line_items"][0]["sku"] == "W-1"


def test_w3_w4_creating_a_webhook_pings_its_delivery_url_and_an_unknown_id_is_400(shop):
    # S-webhooks-api create_item: deliver_ping before the answer (form body, unsigned); update_item: 400
    receiver = PushReceiver()
    try:
        hook = call(shop, "POST", "/webhooks", json={"topic": "order.created", "delivery_url": receiver.url("/hook")})
        assert hook.status_code == 201
        [ping] = receiver.received  # already there: sent while the webhook was created
        assert ping.body == f"webhook_id={hook.json()['id']}".encode()
        assert not any(name.lower().startswith("x-wc-") for name in ping.headers)
        assert shop.pings == [(receiver.url("/hook"), 200)]
    finally:
        receiver.stop()
    unknown = call(shop, "PUT", "/webhooks/999999", json={"status": "active"})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["message"]) == (
        400, "woocommerce_rest_webhook_invalid_id", "ID is invalid.")


def test_w6_the_seventh_failed_delivery_in_a_row_disables_the_webhook():
    # S-webhook failed_delivery: a failure while the count is above 5 disables it; a success resets the count
    receiver = PushReceiver(answers=[(500, b"")])
    shop = WooCommerceSimulator(push_retry_delays=()).start()
    try:
        hook = call(shop, "POST", "/webhooks", json={"topic": "order.created",
                                                     "delivery_url": receiver.url("/hook")}).json()
        call(shop, "POST", "/products", json=simple("W-7", manage_stock=True, stock_quantity=50))

        def orders(n):
            for _ in range(n):
                shop.create_order(items=[("W-7", 1)])
            shop.wait_for_deliveries()
            return call(shop, "GET", "/webhooks").json()[0]["status"]

        assert orders(6) == "active"  # six failures: the count is 6, not above 5 when each came
        assert orders(1) == "disabled"
        assert orders(1) == "disabled" and len(receiver.received) == 1 + 7  # the ping, then nothing after
        assert call(shop, "PUT", f"/webhooks/{hook['id']}", json={"status": "active"}).json()["status"] == "active"
    finally:
        shop.stop()
        receiver.stop()


def test_p5_a_site_without_trash_answers_501_to_a_delete_without_force(shop):
    product = call(shop, "POST", "/products", json=simple("T-1")).json()
    shop.trash_supported = False
    answer = call(shop, "DELETE", f"/products/{product['id']}")
    assert (answer.status_code, answer.json()["code"]) == (501, "woocommerce_rest_trash_not_supported")
    assert shop.products[product["id"]]["status"] == "publish"


def test_p3_p10_update_of_a_missing_id_is_400_and_stock_needs_stock_management(shop):
    assert call(shop, "GET", "/products/999999").status_code == 404
    updated = call(shop, "PUT", "/products/999999", json={"regular_price": "1"})
    assert (updated.status_code, updated.json()["code"]) == (400, "woocommerce_rest_product_invalid_id")
    # S-products / S-variations: a quantity without manage_stock is not kept
    product = call(shop, "POST", "/products", json=simple("Q-1", stock_quantity=9)).json()
    assert product["stock_quantity"] is None
    managed = call(shop, "PUT", f"/products/{product['id']}", json={"manage_stock": True, "stock_quantity": 9}).json()
    assert managed["stock_quantity"] == 9
