"""Pure mapping between drafts and Tiki's payloads and answers."""

from django.utils import translation

from marketplace_connectors.backends.tiki import mappers
from marketplace_connectors.base import AttributeSpec, OrderStatus

from .factories import certificate, draft

ORIGIN = AttributeSpec(external_id="origin", name="Xuất xứ", mandatory=True, input_type="text")


def test_request_body_has_options_variants_warehouse_stock_and_certificates():
    body = mappers.request_body(draft(), image_urls=["https://m/a.jpg", "https://m/b.jpg"], attributes=[ORIGIN],
                                certificates=[("7", "https://m/attp.pdf")], warehouse_ids=["1034"])
    assert (body["category_id"], body["image"], body["images"]) == (4423, "https://m/a.jpg", ["https://m/b.jpg"])
    assert body["option_attributes"] == ["Khối lượng"]
    assert body["variants"][1] == {"sku": "SEN-1-2", "price": 55_000, "inventory_type": "dropship", "option1": "500 g",
                                   "warehouse_quantities": [{"warehouse_id": 1034, "qty_available": 11}]}
    assert body["attributes"] == {"brand": "OEM", "bulky": 0, "product_weight_kg": 0.6, "product_length": 20,
                                  "product_width": 15, "product_height": 5, "origin": "Việt Nam"}
    assert body["certificate_files"] == [{"type": "url", "url": "https://m/attp.pdf", "document_id": 7}]
    assert body["description"] == "<p>Mứt sen làm từ hạt sen Tháp Mười.</p><p>Không chất bảo quản.</p>"


def test_a_single_variant_has_no_option_and_stock_as_quantity_without_warehouses():
    body = mappers.request_body(draft(variants=1), image_urls=["https://m/a.jpg"], attributes=[])
    assert body["option_attributes"] == [] and body["variants"] == [
        {"sku": "SEN-1-1", "price": 45_000, "inventory_type": "dropship", "quantity": 10}]
    assert "certificate_files" not in body


def test_order_statuses_map_to_ours_and_unknown_ones_hold_stock():
    assert mappers.ORDER_STATUSES["queueing"] == OrderStatus.PENDING
    assert mappers.ORDER_STATUSES["handover_to_partner"] == OrderStatus.SHIPPED
    assert mappers.ORDER_STATUSES["canceled"] == OrderStatus.CANCELLED
    order = mappers.remote_order({"code": "9", "status": "something_new", "created_at": "2024-05-01 10:00:00",
                                  "updated_at": "2024-05-01 11:00:00", "items": []})
    assert order.status == OrderStatus.PENDING and order.status.holds_stock
    assert order.updated_at.isoformat() == "2024-05-01T11:00:00+07:00"


def test_approved_ids_take_the_shared_parent_or_the_single_product():
    products = [{"product_id": 11, "original_sku": "A-1", "super_id": 10}, {"product_id": 12, "original_sku": "A-2", "super_id": 10}]
    assert mappers.approved_ids(products) == ("10", {"A-1": "11", "A-2": "12"})
    assert mappers.approved_ids([{"product_id": 11, "original_sku": "A-1", "super_id": 0}]) == ("11", {"A-1": "11"})


def test_failed_updates_read_per_item_failures():
    entries = [{"product_id": 1}, {"product_id": 2}]
    answer = {"data": [{"product_id": 1, "success": True}, {"product_id": 2, "success": False, "errors": ["price"]}]}
    assert mappers.failed_updates(answer, entries) == {"2": "price"}


def test_validate_speaks_vietnamese_and_accepts_a_complete_draft(tiki_locale, settings):
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(tiki_locale)]
    rules = {"required_documents": [{"kind": "food_safety_certificate", "document_id": "7", "name": "Giấy ATTP"}]}
    assert mappers.validate(draft(documents=(certificate(),)), attributes=[ORIGIN], rules=rules) == []
    with translation.override("vi"):
        problems = mappers.validate(draft(price=0, name="x" * 256), attributes=[ORIGIN], rules=rules)
    assert [p.field for p in problems] == ["name", "documents", "price"]
    assert problems[0].message == "Tên có 256 ký tự; Tiki cho phép tối đa 255."


def test_a_rejections_reasons_are_read_from_reasons_and_reason():
    # G-requests: request records carry "reasons" (null in the examples; items' shape U); tracking "reason"
    assert mappers.request_reasons({"reasons": ["Ảnh mờ", {"message": "Thiếu giấy ATTP"}], "reason": "Ảnh mờ"}) == \
        "Ảnh mờ; Thiếu giấy ATTP"
    assert mappers.request_reasons({"reasons": "Sai danh mục"}) == "Sai danh mục"
    assert mappers.request_reasons({"reasons": None, "reason": None}) == ""
