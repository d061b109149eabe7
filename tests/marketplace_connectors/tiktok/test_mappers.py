"""Drafts to TikTok Shop payloads, statuses and orders to our plain data, and the documented rules. Pure."""

import datetime as dt
from dataclasses import replace

from marketplace_connectors.backends.tiktok import mappers
from marketplace_connectors.base import AttributeSpec, OrderStatus, ReviewState

from .conftest import make_draft

ORIGIN = AttributeSpec(external_id="100101", name="Xuất xứ", mandatory=True, input_type="select",
                       options=(("1001011", "Việt Nam"),))
SHELF = AttributeSpec(external_id="100102", name="Hạn sử dụng", mandatory=True, input_type="text")


def test_a_draft_becomes_a_create_product_body():
    draft = make_draft(attributes={"100101": ["Việt Nam"], "100102": ["12 tháng"]})
    body = mappers.product_body(draft, image_uris=["tos-1"], attributes=[ORIGIN, SHELF], warehouse_id="W1")
    assert body["title"] == "Hạt sen sấy Đồng Tháp loại đặc biệt 500 g" and body["category_id"] == "600102"
    assert body["description"] == ("<p>Hạt sen Tháp Mười sấy giòn.</p>"
                                   "<p>Không chất bảo quản, đóng gói hút chân không.</p>")
    assert body["main_images"] == [{"uri": "tos-1"}] and body["save_mode"] == "LISTING"
    assert body["product_attributes"] == [{"id": "100101", "values": [{"id": "1001011"}]},
                                          {"id": "100102", "values": [{"name": "12 tháng"}]}]
    assert body["skus"][1] == {"seller_sku": "SEN-1-2", "sales_attributes": [{"name": "Khối lượng", "value_name": "500 g"}],
                               "price": {"amount": "90000", "currency": "VND"},
                               "inventory": [{"warehouse_id": "W1", "quantity": 12}]}
    # one package per product: the heaviest variant's
    assert body["package_weight"] == {"value": "0.6", "unit": "KILOGRAM"}
    assert body["package_dimensions"] == {"length": "20", "width": "15", "height": "5", "unit": "CENTIMETER"}


def test_an_edit_keeps_known_skus_ids_and_leaves_their_price_and_stock_out():
    body = mappers.product_body(make_draft(), image_uris=["tos-1"], attributes=(), warehouse_id="W1",
                                sku_ids={"SEN-1-1": "111"}, with_price_stock=False)
    assert body["skus"][0] == {"seller_sku": "SEN-1-1", "id": "111",
                               "sales_attributes": [{"name": "Khối lượng", "value_name": "250 g"}]}
    assert "price" in body["skus"][1] and "inventory" in body["skus"][1]  # a new SKU needs both


def test_a_single_variant_product_has_no_sales_attributes():
    draft = make_draft(variants=1)
    draft = replace(draft, variants=(replace(draft.variants[0], option_name=""),))
    body = mappers.product_body(draft, image_uris=["u"], attributes=(), warehouse_id="W")
    assert "sales_attributes" not in body["skus"][0]


def test_the_idempotency_key_is_stable_per_product_and_shop():
    draft = make_draft()
    key = mappers.idempotency_key(app_key="a", shop_id="1", draft=draft)
    assert key == mappers.idempotency_key(app_key="a", shop_id="1", draft=make_draft()) and len(key) == 36
    assert key != mappers.idempotency_key(app_key="a", shop_id="2", draft=draft)
    assert key != mappers.idempotency_key(app_key="a", shop_id="1", draft=draft, attempt=1)


def test_the_fingerprint_ignores_price_and_stock_but_not_the_title():
    base = mappers.content_hash(make_draft())
    cheaper = make_draft()
    cheaper = replace(cheaper, variants=tuple(replace(v, price_vnd=1_000, stock=1) for v in cheaper.variants))
    assert mappers.content_hash(cheaper) == base
    assert mappers.content_hash(make_draft(name="Hạt sen sấy Đồng Tháp loại thường 500 g")) != base


def test_statuses_map_to_ours():
    assert mappers.review_state("PENDING") == ReviewState.UNDER_REVIEW
    assert mappers.review_state("ACTIVATE") == ReviewState.LIVE
    assert mappers.review_state("FAILED") == ReviewState.REJECTED
    assert mappers.order_status("AWAITING_SHIPMENT") == OrderStatus.READY_TO_SHIP
    assert mappers.order_status("IN_TRANSIT") == OrderStatus.SHIPPED
    assert mappers.order_status("COMPLETED") == OrderStatus.DELIVERED
    assert mappers.order_status("CANCELLED") == OrderStatus.CANCELLED


def test_line_items_per_unit_fold_into_lines_with_a_quantity():
    item = {"sku_id": "9", "seller_sku": "A", "sale_price": "45000", "product_name": "Sen"}
    order = mappers.remote_order({"id": "5", "status": "ON_HOLD", "create_time": 100, "update_time": 200,
                                  "line_items": [item, item, {**item, "display_status": "CANCELLED"}],
                                  "payment": {"total_amount": "90000"}})
    assert order.status == OrderStatus.PENDING and order.total_vnd == 90_000
    assert [(line.sku, line.quantity, line.status) for line in order.lines] == [
        ("A", 2, OrderStatus.PENDING), ("A", 1, OrderStatus.CANCELLED)]
    assert order.updated_at.timestamp() == 200


def test_validation_names_each_documented_rule_broken():
    draft = make_draft(name="Sen ngắn", images=(), attributes={}, category_is_leaf=False)
    bad = replace(draft, variants=(replace(draft.variants[0], sku="SEN 1", stock=0, weight_grams=None),))
    fields = [p.field for p in mappers.validate(bad, attributes=[ORIGIN])]
    assert sorted(fields) == ["attributes", "category", "images", "name", "sku", "stock", "weight"]
    assert mappers.validate(make_draft(), attributes=[ORIGIN]) == []
    rules = {"dimensions_required": True}
    flat = make_draft(variants=1)
    flat = replace(flat, variants=(replace(flat.variants[0], height_cm=None),))
    assert [p.field for p in mappers.validate(flat, attributes=[ORIGIN], rules=rules)] == ["dimension"]


def test_webhooks_become_events_with_a_stable_id():
    body = b'{"type":9}'
    [other] = mappers.push_events({"type": 9, "shop_id": "1"}, raw_body=body)
    assert other.kind == "other" and other.event_id == mappers.push_events({"type": 9}, raw_body=body)[0].event_id


def test_create_and_edit_warnings_are_said_in_the_owners_words_and_others_passed_on():
    # R-create / R-edit sample warning, a warning of another shape, and nothing usable
    answer = {"warnings": [
        {"message": "The [brand_id]:123 field is incorrect and has been automatically cleared by the system. "
                    "Reason: [Brand does not exist]. You can edit it later."},
        {"message": "The product will be reviewed again."}, {"message": ""}, "x", None]}
    assert mappers.warning_texts(answer) == (
        "TikTok Shop cleared the brand (123) from the listing: Brand does not exist. Set it again in TikTok Shop's "
        "Seller Center if it is needed.",
        "TikTok Shop warns: The product will be reviewed again.")
    assert mappers.warning_texts({"product_id": "1"}) == ()


def test_the_authorisation_expiry_webhook_says_when_it_ends():
    body = b"{}"
    [event] = mappers.push_events({"type": 7, "tts_notification_id": "7327112393057371910", "shop_id": "749",
                                   "timestamp": 1627500000, "data": {"message": "Authorization of shop_id 749 is "
                                   "expiring in 30 days.", "expiration_time": "1627587506"}}, raw_body=body)
    assert (event.kind, event.shop_id, event.event_id) == ("auth_expiring", "749", "7327112393057371910")
    assert event.expires_at.timestamp() == 1627587506
    # without a readable expiration_time: 30 days after it was sent (G-wh7 sends the first one 30 days before)
    [unreadable] = mappers.push_events({"type": 7, "shop_id": "749", "timestamp": 1627500000,
                                        "data": {"expiration_time": "soon"}}, raw_body=body)
    assert unreadable.expires_at.timestamp() == 1627500000 + 30 * 86_400
    [far] = mappers.push_events({"type": 7, "shop_id": "749", "timestamp": 253402300799, "data": {}}, raw_body=body)
    assert abs(far.expires_at - dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=30)) < dt.timedelta(minutes=1)
