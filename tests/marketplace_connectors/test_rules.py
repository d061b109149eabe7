"""The shared listing rules: one validation over each marketplace's declared limits, worded once. Pure."""

from dataclasses import replace

import pytest
from django.utils import translation

from marketplace_connectors.backends.lazada import mappers as lazada
from marketplace_connectors.backends.shopee import mappers as shopee
from marketplace_connectors.backends.tiki import mappers as tiki
from marketplace_connectors.backends.tiktok import mappers as tiktok
from marketplace_connectors.backends.woocommerce import mappers as woocommerce
from marketplace_connectors.base import ImageDraft, ListingDraft, VariantDraft
from marketplace_connectors.rules import FIELDS, ListingRules, validate

BACKENDS = [shopee, lazada, tiki, tiktok, woocommerce]


def variant(n=1, **kwargs):
    values = {"variant_id": 100 + n, "sku": f"SEN-{n}", "option_name": "500 g" if n == 1 else "1 kg",
              "price_vnd": 60_000, "stock": 5, "weight_grams": 500, "length_cm": 20, "width_cm": 15, "height_cm": 5}
    return VariantDraft(**{**values, **kwargs})


def draft(**kwargs):
    values = {"product_id": 1, "sku": "SEN", "name": "Hạt sen sấy giòn Tháp Mười loại một", "description": "Hạt sen " * 30,
              "variants": (variant(1), variant(2)), "variation_name": "Khối lượng", "category_id": "10",
              "images": (ImageDraft(key="i1", filename="sen.jpg", size_bytes=1000),), "shipping_channel_id": "5"}
    return ListingDraft(**{**values, **kwargs})


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda m: m.RULES.marketplace)
def test_each_marketplace_declares_its_rules_and_a_good_draft_passes_them(backend):
    assert isinstance(backend.RULES, ListingRules)
    assert backend.validate(draft()) == []


def test_one_message_names_each_marketplace_and_its_own_limit():
    # given a name too long for Tiki (255) but not for Lazada's 255 + a photo count over Lazada's 8
    long_name = draft(name="x" * 256, images=tuple(ImageDraft(key=f"i{n}", filename=f"{n}.jpg", size_bytes=1)
                                                      for n in range(9)))
    # when
    with translation.override("vi"):
        tiki_messages = [p.message for p in tiki.validate(long_name) if p.field == "name"]
        lazada_messages = [p.message for p in lazada.validate(long_name) if p.field in ("name", "images")]
    # then the same sentence carries each marketplace's name and number
    assert tiki_messages == ["Tên có 256 ký tự; Tiki cho phép tối đa 255."]
    assert lazada_messages == ["Tên có 256 ký tự; Lazada cho phép tối đa 255.", "Sản phẩm có 9 ảnh; Lazada cần từ 1 đến 8 ảnh."]


def test_a_per_variant_problem_names_the_variant_that_fixes_it():
    bad = draft(variants=(variant(1), variant(2, weight_grams=None)))
    [problem] = shopee.validate(bad)
    assert (problem.field, problem.variant_id) == ("weight", 102)
    assert "SEN-2" in problem.message


def test_problems_come_in_the_order_of_the_form():
    bad = draft(name="", description="", images=(), variants=(variant(1, price_vnd=10, weight_grams=None),))
    fields = [p.field for p in shopee.validate(bad)]
    assert fields == sorted(fields, key=FIELDS.index)
    assert fields[:3] == ["name", "description", "images"] and fields[-1] == "weight"


def test_overrides_from_the_marketplace_replace_the_declared_limits_and_unknown_keys_are_ignored():
    rules = shopee.RULES.updated({"name_max": 20, "weight_min_kg": 5, "images_max": 1})
    assert (rules.name_max, rules.images_max, rules.weight_min_g) == (20, 1, shopee.RULES.weight_min_g)
    assert [p.field for p in validate(draft(), rules=rules)] == ["name"]
    assert shopee.RULES.updated(None) is shopee.RULES


def test_a_marketplace_adds_only_its_own_checks():
    # Lazada's price ratio is Lazada's: the same draft passes Shopee
    far_apart = draft(variants=(variant(1, price_vnd=20_000), variant(2, price_vnd=100_000)))
    assert [p.field for p in lazada.validate(far_apart)] == ["price"]
    assert shopee.validate(far_apart) == []
    # a limit the marketplace does not have is not checked: WooCommerce needs no category
    assert woocommerce.validate(replace(draft(), category_id="")) == []
    assert [p.field for p in tiktok.validate(replace(draft(), category_id=""))] == ["category"]
