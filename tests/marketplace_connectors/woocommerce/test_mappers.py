"""Pure mapping between our drafts/statuses and WooCommerce's payloads."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from marketplace_connectors.backends.woocommerce import mappers
from marketplace_connectors.base import ListingDraft, OrderStatus

from .drafts import simple_draft, variable_draft


@pytest.mark.parametrize(("typed", "normalised"), [
    ("myshop.vn", "https://myshop.vn"),
    ("  HTTPS://MyShop.VN/ ", "https://myshop.vn"),
    ("https://myshop.vn:443/cua-hang/", "https://myshop.vn/cua-hang"),
    ("https://myshop.vn/wp-admin/admin.php?page=wc-settings", "https://myshop.vn"),
    ("https://myshop.vn/wp-json/wc/v3", "https://myshop.vn"),
    ("http://127.0.0.1:8703/", "http://127.0.0.1:8703"),
    ("http://[::1]:80/shop#top", "http://[::1]/shop"),
])
def test_shop_urls_are_normalised(typed, normalised):
    assert mappers.normalise_shop_url(typed) == normalised


@pytest.mark.parametrize("typed", ["", "ftp://myshop.vn", "https://"])
def test_what_is_not_a_web_address_is_refused(typed):
    with pytest.raises(ValueError):
        mappers.normalise_shop_url(typed)


@pytest.mark.parametrize(("url", "needs"), [
    ("http://myshop.vn", True), ("http://192.168.1.10", True), ("http://127.0.0.1:8000", False),
    ("http://127.8.9.10", False), ("http://localhost:8080", False), ("http://[::1]:8080", False),
    ("https://myshop.vn", False),
])
def test_plain_http_is_only_for_loopback(url, needs):
    assert mappers.needs_https(url) is needs


def test_a_product_with_variants_is_variable_with_one_attribute_and_no_price_of_its_own():
    body = mappers.product_body(variable_draft(), images=[{"id": 7}], weight_unit="g", dimension_unit="mm")
    assert body["type"] == "variable" and body["sku"] == "BPT-1" and body["categories"] == [{"id": 23}]
    assert body["attributes"] == [{"name": "Khối lượng", "position": 0, "visible": True, "variation": True,
                                   "options": ["100 g", "200 g"]}]
    assert "regular_price" not in body and "stock_quantity" not in body
    assert body["description"] == "<p>Bánh phồng tôm làm thủ công ở Sa Đéc.</p><p>Tôm tươi, không chất bảo quản.</p>"


def test_a_variation_carries_its_option_price_stock_and_the_shops_units():
    draft = variable_draft()
    body = mappers.variation_body(draft, draft.variants[1], weight_unit="kg", dimension_unit="mm")
    assert body == {"sku": "BPT-1-2", "status": "publish", "attributes": [{"name": "Khối lượng", "option": "200 g"}],
                    "weight": "0.5", "dimensions": {"length": "200", "width": "150", "height": "60"},
                    "regular_price": "55000", "manage_stock": True, "stock_quantity": 11}


def test_a_product_without_variants_is_simple_with_its_variants_sku_price_and_stock():
    body = mappers.product_body(simple_draft(), images=[], weight_unit="kg")
    assert (body["type"], body["sku"], body["regular_price"], body["stock_quantity"]) == ("simple", "MTS-1-V", "120000", 7)
    assert body["weight"] == "0.55" and body["dimensions"]["length"] == ""
    assert body["description"] == "<p>Mứt sen <b>ngon</b></p>"  # HTML kept; WordPress sanitises it


def test_the_fingerprint_ignores_price_and_stock_but_not_the_name():
    draft = variable_draft()
    cheaper = ListingDraft(**{**draft.__dict__, "variants": tuple(
        v.__class__(**{**v.__dict__, "price_vnd": 1_000, "stock": 0}) for v in draft.variants)})
    renamed = ListingDraft(**{**draft.__dict__, "name": "Bánh phồng tôm khác"})
    assert mappers.content_hash(cheaper) == mappers.content_hash(draft) != mappers.content_hash(renamed)


@pytest.mark.parametrize(("wc", "ours"), [
    ("pending", OrderStatus.UNPAID), ("on-hold", OrderStatus.UNPAID), ("processing", OrderStatus.READY_TO_SHIP),
    ("completed", OrderStatus.DELIVERED), ("cancelled", OrderStatus.CANCELLED), ("failed", OrderStatus.CANCELLED),
    ("trash", OrderStatus.CANCELLED), ("refunded", OrderStatus.RETURNED), ("wc-processing", OrderStatus.READY_TO_SHIP),
    ("some-plugin-status", OrderStatus.PENDING),
])
def test_order_statuses_map_to_ours(wc, ours):
    assert mappers.order_status(wc) == ours


def test_an_order_maps_lines_to_variations_or_simple_products():
    order = mappers.remote_order({
        "id": 501, "status": "processing", "total": "165000.00", "date_created_gmt": "2025-03-01T02:03:04",
        "date_modified_gmt": "2025-03-01T02:05:00",
        "line_items": [{"sku": "BPT-1-2", "quantity": 2, "price": 55000, "product_id": 10, "variation_id": 12,
                        "name": "Bánh phồng tôm - 200 g"},
                       {"sku": "MTS-1-V", "quantity": 1, "price": "", "total": "55000.00", "product_id": 20,
                        "variation_id": 0, "name": "Mứt sen"}]})
    assert (order.external_id, order.status, order.marketplace_status, order.total_vnd) == (
        "501", OrderStatus.READY_TO_SHIP, "processing", 165_000)
    assert order.created_at == dt.datetime(2025, 3, 1, 2, 3, 4, tzinfo=dt.UTC)
    assert [(line.sku, line.quantity, line.unit_price_vnd, line.external_variant_id) for line in order.lines] == [
        ("BPT-1-2", 2, 55_000, "12"), ("MTS-1-V", 1, 55_000, "20")]


def test_the_webhook_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = '{"id":1,"status":"processing","note":"Đồng Tháp"}'.encode()
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert mappers.webhook_signature(secret="secret", body=body) == expected


def test_each_shop_gets_its_own_webhook_secret():
    one = mappers.webhook_secret(key="k", shop_url="https://a.vn")
    assert one == mappers.webhook_secret(key="k", shop_url="https://a.vn")
    assert one != mappers.webhook_secret(key="k", shop_url="https://b.vn")
    assert one != mappers.webhook_secret(key="other", shop_url="https://a.vn")


def test_validation_names_what_to_fix():
    bad = ListingDraft(product_id=2, sku="X", name="", description="", variants=(), images=())
    assert {p.field for p in mappers.validate(bad)} == {"name", "images", "variants"}
    assert mappers.validate(variable_draft()) == []
    same_sku = ListingDraft(**{**variable_draft().__dict__, "sku": "BPT-1-1"})
    assert [p.field for p in mappers.validate(same_sku)] == ["sku"]
    assert [p.field for p in mappers.validate(variable_draft(), rules={"currency": "USD"})] == ["price"]
