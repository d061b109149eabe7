"""The WooCommerce simulator against the documentation (marketplaces.md §5 conformance cases, WooCommerce core),
spoken to with plain HTTP: nothing here goes through the connector."""

import base64
import hashlib
import hmac
import json

import pytest
import requests

from marketplace_connectors.backends.woocommerce.simulator import WooCommerceSimulator

from .conftest import APP_PASSWORD, CK, CS, USER

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
    assert (wrong_key.status_code, wrong_key.json()) == (401, {
        "code": "woocommerce_rest_authentication_error", "message": "Consumer key is invalid.", "data": {"status": 401}})
    assert (wrong_secret.status_code, wrong_secret.json()["message"]) == (401, "Consumer secret is invalid.")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "woocommerce_rest_cannot_view")


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
    assert (with_keys.status_code, with_keys.json()["code"]) == (401, "rest_cannot_create")
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


def test_skus_are_unique_across_variations_and_the_sku_filter_finds_products_only(shop):
    parent = call(shop, "POST", "/products", json={
        "name": "Gạo", "type": "variable", "sku": "GAO",
        "attributes": [{"name": "Khối lượng", "variation": True, "options": ["1 kg", "2 kg"]}]}).json()
    batch = call(shop, "POST", f"/products/{parent['id']}/variations/batch", json={"create": [
        {"sku": "GAO-1", "regular_price": "30000", "attributes": [{"name": "Khối lượng", "option": "1 kg"}]},
        {"sku": "GAO-1", "regular_price": "50000", "attributes": [{"name": "Khối lượng", "option": "2 kg"}]}]}).json()
    assert batch["create"][0]["sku"] == "GAO-1" and batch["create"][1]["error"]["code"] == "product_invalid_sku"
    assert call(shop, "POST", "/products", json=simple("GAO-1")).json()["code"] == "product_invalid_sku"
    assert [p["id"] for p in call(shop, "GET", "/products", params={"sku": "GAO"}).json()] == [parent["id"]]
    assert call(shop, "GET", "/products", params={"sku": "GAO-1"}).json() == []


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
