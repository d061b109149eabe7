"""Lazada's pure mappers: rules, payloads, Lazada's inconsistent answers, photos. No server, no database."""

import io

import pytest
from django.utils import translation
from PIL import Image

from marketplace_connectors.backends.lazada import mappers
from marketplace_connectors.base import AttributeSpec, ImageDraft, ListingDraft, OrderStatus, VariantDraft

ORIGIN = AttributeSpec(external_id="origin", name="Xuất xứ", mandatory=True, input_type="select",
                       options=(("Việt Nam", "Việt Nam"),))
TASTE = AttributeSpec(external_id="taste", name="Hương vị", mandatory=False, input_type="multi_select")


def variant(n=1, *, price=60_000, stock=5, weight=500, dims=(20, 15, 5), option="500 g", sku=None):
    return VariantDraft(variant_id=n, sku=sku or f"SEN-{n}", option_name=option, price_vnd=price, stock=stock,
                        weight_grams=weight, length_cm=dims[0], width_cm=dims[1], height_cm=dims[2])


def draft(*variants, name="Hạt sen sấy Tháp Mười", images=1, attributes=None, category="10000102") -> ListingDraft:
    return ListingDraft(
        product_id=1, sku="SEN", name=name, description="<p>Hạt sen sấy giòn &amp; thơm</p><p><img src='x'></p>",
        variants=variants or (variant(1), variant(2, price=90_000, option="1 kg")),
        images=tuple(ImageDraft(key=f"i{n}", filename=f"sen{n}.jpg", size_bytes=1000) for n in range(images)),
        category_id=category, attributes=attributes if attributes is not None else {"origin": ["Việt Nam"]},
        variation_name="Khối lượng",
    )


def fields(problems):
    return sorted(p.field for p in problems)


def test_a_draft_within_the_rules_has_no_problem():
    assert mappers.validate(draft(), attributes=[ORIGIN, TASTE]) == []


@pytest.fixture
def lazada_catalog(settings, lazada_locale):
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(lazada_locale)]


def test_each_broken_rule_says_what_to_fix_in_vietnamese(lazada_catalog):
    # given a draft breaking many rules at once
    bad = draft(variant(1, price=9_000, weight=None, dims=(None, 10, 10)), variant(2, price=30_000, option="500 g"),
                name="Sen <loại 1>", images=9, attributes={})
    # when
    with translation.override("vi"):
        messages = [p.message for p in mappers.validate(bad, attributes=[ORIGIN])]
    # then every message is Vietnamese and names the variant where one is at fault
    with translation.override("en"):
        english = [p.message for p in mappers.validate(bad, attributes=[ORIGIN])]
    assert len(messages) == len(english) == 8
    assert messages != english
    assert "Tên có ký tự Lazada không nhận (< >); hãy xóa các ký tự này." in messages
    assert "Hãy điền thuộc tính “Xuất xứ” mà danh mục Lazada bắt buộc." in messages
    assert "Sản phẩm có 9 ảnh; Lazada cần từ 1 đến 8 ảnh." in messages
    assert "Có hai phiên bản trùng giá trị phân loại; hãy đặt mỗi phiên bản một giá trị khác nhau." in messages
    assert "Phiên bản SEN-1: giá phải từ 10.000 đến 999.999.999 đồng." in messages
    assert "Phiên bản SEN-1: hãy nhập cân nặng kiện hàng (gam)." in messages
    assert "Phiên bản SEN-1: hãy nhập chiều dài, chiều rộng và chiều cao kiện hàng (cm); Lazada bắt buộc các thông tin này." in messages
    assert any(m.startswith("Phiên bản rẻ nhất (9.000 VND) có giá thấp hơn 50% giá phiên bản đắt nhất (30.000 VND)")
               for m in messages)


@pytest.mark.parametrize(("low", "high", "ok"), [(50_000, 100_000, True), (49_999, 100_000, False), (80_000, 80_000, True)])
def test_the_cheapest_variant_must_cost_at_least_half_the_dearest(low, high, ok):
    problems = mappers.validate(draft(variant(1, price=low), variant(2, price=high, option="1 kg")), attributes=[ORIGIN])
    assert (problems == []) is ok


def test_the_price_ratio_is_a_rule_the_caller_may_override():
    two = draft(variant(1, price=20_000), variant(2, price=100_000, option="1 kg"))
    assert fields(mappers.validate(two, attributes=[ORIGIN])) == ["price"]
    assert mappers.validate(two, attributes=[ORIGIN], rules={"variant_price_ratio_min": 0.2}) == []


def test_a_product_without_variants_name_or_photo_is_refused():
    empty = ListingDraft(product_id=2, sku="X", name=" ", description="", variants=(), images=())
    assert fields(mappers.validate(empty)) == ["category", "images", "name", "variants"]


def test_the_create_payload_follows_lazadas_shape():
    # when
    body = mappers.product_body(draft(), image_urls=["https://vn-live.slatic.net/p/a.jpg"], attributes=[ORIGIN, TASTE],
                                brand_id="30039")
    # then arrays where Lazada wants arrays, strings for numbers, our description without outside images, and
    # brand_id rather than the deprecated brand (lazada.md finding 4)
    assert body["Images"] == {"Image": ["https://vn-live.slatic.net/p/a.jpg"]}
    assert body["Attributes"] == {"name": "Hạt sen sấy Tháp Mười", "brand_id": "30039", "origin": "Việt Nam",
                                  "description": "<p>Hạt sen sấy giòn &amp; thơm</p>"}
    assert body["variation"]["Variation1"]["options"] == {"option": ["500 g", "1 kg"]}
    assert body["Skus"]["Sku"][1] == {"SellerSku": "SEN-2", "package_weight": "0.50", "package_length": "20",
                                      "package_width": "15", "package_height": "5", "saleProp": {"Khối lượng": "1 kg"},
                                      "price": "90000", "quantity": "5"}


def test_the_update_payload_carries_price_and_stock_only_for_skus_being_added():
    body = mappers.product_body(draft(), image_urls=[], attributes=[], with_price_stock=False, sku_ids={"SEN-1": "11"})
    first, second = body["Skus"]["Sku"]
    assert first["SkuId"] == "11" and "price" not in first and "quantity" not in first
    assert "SkuId" not in second and (second["price"], second["quantity"]) == ("90000", "5")


def test_the_hash_ignores_price_and_stock_but_not_the_name():
    base = mappers.content_hash(draft())
    assert mappers.content_hash(draft(variant(1, price=70_000, stock=1), variant(2, price=90_000, option="1 kg"))) == base
    assert mappers.content_hash(draft(name="Hạt sen sấy Tháp Mười loại 1")) != base


def test_token_answers_with_strings_numbers_and_either_country_field():
    created = {"expires_in": "604800", "refresh_expires_in": "2592000",
               "country_user_info": [{"country": "sg", "seller_id": "1"}, {"country": "vn", "seller_id": "2"}]}
    refreshed = {"expires_in": 604800, "refresh_expires_in": 0, "country_user_info_list": {"vn": {"seller_id": "3"}}}
    assert mappers.token_lifetimes(created) == (604800, 2592000)
    assert mappers.seller_id_from_tokens(created) == "2"
    assert mappers.token_lifetimes(refreshed) == (604800, 0)
    assert mappers.seller_id_from_tokens(refreshed) == "3"


def test_a_501_detail_is_read_per_sku_and_an_unreadable_one_fails_the_batch():
    entries = [{"ItemId": "1", "SkuId": "10", "SellerSku": "A"}, {"ItemId": "1", "SkuId": "11", "SellerSku": "B"}]
    assert mappers.failed_skus([{"seller_sku": "B", "message": "locked stock"}], entries) == {"11": "locked stock"}
    assert mappers.failed_skus([{"sku_id": "10", "field": "Price"}], entries) == {"10": "Price"}
    assert mappers.failed_skus([{"message": "something"}], entries) == {"10": "something", "11": "something"}


def test_order_items_are_grouped_per_sku_with_their_quantity():
    order = {"order_id": 5, "statuses": ["pending"], "created_at": "2026-11-20T09:15:00+07:00",
             "updated_at": "2026-11-20T09:16:00+07:00", "price": "270000.00"}
    items = [{"sku": "SEN-1", "sku_id": 11, "paid_price": "60000.00", "status": "pending"}] * 3 + \
            [{"sku": "SEN-2", "sku_id": 12, "paid_price": "90000.00", "status": "pending"}]
    parsed = mappers.remote_order(order, items)
    assert parsed.external_id == "5" and parsed.status == OrderStatus.PENDING and parsed.created_at.hour == 9
    assert parsed.marketplace_status == "pending" and parsed.total_vnd == 270_000
    assert [(line.sku, line.quantity, line.unit_price_vnd, line.external_variant_id) for line in parsed.lines] == [
        ("SEN-1", 3, 60_000, "11"), ("SEN-2", 1, 90_000, "12")]
    assert mappers.parse_time("2014-10-15 19:12:15 +0800").utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(("lazada_status", "ours"), [
    ("unpaid", OrderStatus.UNPAID), ("pending", OrderStatus.PENDING), ("topack", OrderStatus.PENDING),
    ("packed", OrderStatus.READY_TO_SHIP), ("ready_to_ship", OrderStatus.READY_TO_SHIP),
    ("toship", OrderStatus.READY_TO_SHIP), ("shipped", OrderStatus.SHIPPED), ("shipping", OrderStatus.SHIPPED),
    ("delivered", OrderStatus.DELIVERED), ("canceled", OrderStatus.CANCELLED), ("returned", OrderStatus.RETURNED),
    ("failed", OrderStatus.RETURNED), ("lost", OrderStatus.SHIPPED), ("something_new", OrderStatus.PENDING),
])
def test_lazada_item_statuses_map_to_ours(lazada_status, ours):
    assert mappers.item_status(lazada_status) == ours


def _units(*statuses):
    return [{"sku": "SEN-1", "sku_id": 11, "paid_price": "60000.00", "status": s} for s in statuses]


@pytest.mark.parametrize(("statuses", "order_status"), [
    (("canceled", "pending", "pending"), OrderStatus.PENDING),  # a partly cancelled order goes on
    (("pending", "packed"), OrderStatus.READY_TO_SHIP),  # the most advanced item
    (("canceled", "shipped"), OrderStatus.SHIPPED),
    (("canceled", "canceled"), OrderStatus.CANCELLED),
    (("delivered", "returned"), OrderStatus.DELIVERED),
    (("returned", "canceled"), OrderStatus.RETURNED),
    (("failed",), OrderStatus.RETURNED),
])
def test_the_order_status_comes_from_its_items(statuses, order_status):
    order = {"order_id": 6, "statuses": sorted(set(statuses)), "created_at": "2026-11-20T09:15:00+07:00",
             "updated_at": "2026-11-20T09:16:00+07:00"}
    assert mappers.remote_order(order, _units(*statuses)).status == order_status


def test_a_partial_cancellation_keeps_a_line_per_status_and_joins_lazadas_words():
    order = {"order_id": 7, "statuses": ["canceled", "pending"], "created_at": "2026-11-20T09:15:00+07:00",
             "updated_at": "2026-11-20T10:00:00+07:00", "price": "180000.00"}
    parsed = mappers.remote_order(order, _units("pending", "canceled", "pending"))
    assert parsed.marketplace_status == "canceled,pending"
    assert [(line.sku, line.quantity, line.status) for line in parsed.lines] == [
        ("SEN-1", 2, OrderStatus.PENDING), ("SEN-1", 1, OrderStatus.CANCELLED)]
    assert parsed.total_vnd == 180_000


def _png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def test_a_small_photo_is_centred_on_a_white_square_of_330_px():
    content, changed = mappers.fit_image(_png(300, 200), max_bytes=1024 * 1024)
    with Image.open(io.BytesIO(content)) as pic:
        assert changed and pic.format == "JPEG" and pic.size == (330, 330)
        assert pic.getpixel((2, 2)) == (255, 255, 255)


def test_a_photo_over_the_size_limit_is_re_encoded_below_it_and_a_fitting_one_is_kept():
    noisy = io.BytesIO()
    Image.effect_noise((1800, 1800), 120).convert("RGB").save(noisy, format="PNG")
    content, changed = mappers.fit_image(noisy.getvalue(), max_bytes=1024 * 1024)
    assert changed and len(content) <= 1024 * 1024
    fitting = _png(400, 400)
    assert mappers.fit_image(fitting, max_bytes=1024 * 1024) == (fitting, False)
