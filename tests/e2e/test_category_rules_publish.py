"""A product with variants published to Shopee and Lazada through the stricter sandboxes (issue 16), in the
browser: the owner answers what each category asks (Shopee: origin and a net weight with its unit; Lazada:
origin and a per-variant shelf life), picks a Shopee shipping channel that is priced by parcel size, and
publishes. What reaches each sandbox is what the marketplaces' references require: GTINs per model, the
quantity's unit, the parcel size, the standardised tiers; Lazada's brand_id, its standard sale property and
the SKU-level attribute (docs/marketplaces/shopee.md and lazada.md)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace_connectors import crypto
from marketplace_connectors.models import ListingBinding, ListingStatus
from marketplace_connectors.registry import connector_get, registry_reset
from marketplace_sandbox.sandbox import sandbox_start
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create
from tests.factories import DEFAULT_PASSWORD
from tests.marketplace_connectors.factories import (
    LONG_DESCRIPTION,
    AccountFactory,
    owner_membership,
    png_bytes,
    rice_category,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EAN = ("4006381333931", "8934588012228")


@pytest.fixture
def sandboxes(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    started = {}
    for code in ("shopee", "lazada"):
        registry_reset()
        sandbox = sandbox_start(code)
        for key, value in sandbox.settings.items():
            setattr(settings, key, value)
        started[code] = sandbox
    registry_reset()
    crypto._fernet.cache_clear()
    yield started
    for sandbox in started.values():
        sandbox.simulator.stop()


def connect(code, sandbox, business):
    tokens = sandbox.connect(connector_get(code))
    account = AccountFactory(business=business, marketplace=code, external_shop_id=tokens.shop_id,
                             shop_name=tokens.shop_name or code, logistics_channel_id=sandbox.shipping_channel_id,
                             access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return account


def coffee(business):
    sides = {"length_cm": Decimal(20), "width_cm": Decimal(10), "height_cm": Decimal(6)}
    rows = [VariantInput(sku=f"CF-{n}", price=price, option1_value=option, stock=8, weight_g=weight, barcode=barcode,
                         **sides)
            for n, (option, price, weight, barcode) in enumerate(
                (("250 g", 85_000, 300, EAN[0]), ("500 g", 160_000, 550, EAN[1])))]
    product = product_create(business=business, data=ProductInput(
        name="Cà phê rang xay Đồng Tháp", description=LONG_DESCRIPTION, category=rice_category(),
        option1_name="Khối lượng", key="CF", status="active"), variants=rows, actor=None)
    image_add(product=product, data=png_bytes(), name="ca-phe.png")
    return product


def choose_category(page, base, account, marketplace, label):
    page.goto(f"{base}/marketplaces/{account.pk}/categories/")
    page.get_by_role("link", name="Chọn").first.click()
    page.get_by_label(f"Danh mục {marketplace}").select_option(label=label)
    page.get_by_role("button", name=f"Xem các thông tin {marketplace} yêu cầu").click()


def test_a_product_with_variants_reaches_shopee_and_lazada_as_their_references_require(live_server, page, sandboxes,
                                                                                       settings):
    # given an owner with a coffee in two sizes (barcodes and parcel sizes entered), and both shops connected
    settings.DEFAULT_PLAN = "pro"
    membership = owner_membership(preferred_language="vi")
    product = coffee(membership.business)
    shopee_account = connect("shopee", sandboxes["shopee"], membership.business)
    lazada_account = connect("lazada", sandboxes["lazada"], membership.business)
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", membership.user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they answer what Shopee's "Cà phê" asks: its origin, and the net weight with its unit
    choose_category(page, base, shopee_account, "Shopee", "Thực phẩm và đồ uống › Cà phê")
    page.get_by_label("Xuất xứ").select_option(label="Việt Nam")
    page.get_by_label("Khối lượng tịnh (g, kg)").fill("500 g")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu danh mục")
    # and pick the big-parcel channel in its "Lớn" size (a SIZE_SELECTION channel: the size is part of the choice)
    page.goto(f"{base}/marketplaces/{shopee_account.pk}/settings/")
    page.get_by_label("Đơn vị vận chuyển").select_option(label="Hàng cồng kềnh — Lớn (dưới 120 cm)")
    page.get_by_role("button", name="Lưu").click()
    # and what Lazada's "Cà phê" asks: its origin and each variant's shelf life (a SKU-level attribute)
    choose_category(page, base, lazada_account, "Lazada", "Thực phẩm & Đồ uống › Cà phê")
    page.get_by_label("Xuất xứ").select_option(label="Việt Nam")
    page.get_by_label("Hạn sử dụng (ngày)").fill("365")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu danh mục")

    # and publish on each shop
    for account in (shopee_account, lazada_account):
        page.goto(f"{base}/marketplaces/{account.pk}/")
        page.locator(f"#product-{product.pk}").check()
        page.get_by_role("button", name="Đăng các sản phẩm đã chọn").click()
        page.wait_for_url(re.compile(r".*/marketplaces/\d+/runs/\d+/$"))
        expect(page.locator("#run")).to_have_attribute("data-finished", "1")
        expect(page.locator("#run-succeeded")).to_have_text("1")

    # then both listings are live
    assert sorted(ListingBinding.objects.values_list("account__marketplace", "status")) == [
        ("lazada", ListingStatus.LIVE), ("shopee", ListingStatus.LIVE)]
    # Shopee got a GTIN per model, the unit of the net weight, the parcel size and the standardised tiers
    item = sandboxes["shopee"].simulator.items()[0]
    assert [(m.model_sku, m.gtin_code) for m in item.models] == [("CF-0", EAN[0]), ("CF-1", EAN[1])]
    weight = next(a for a in item.attribute_list if a["attribute_id"] == 701)
    assert weight["attribute_value_list"] == [{"value_id": 0, "original_value_name": "500", "value_unit": "g"}]
    assert item.logistic_info == [{"logistic_id": 50013, "enabled": True, "size_id": 2}]
    assert item.tier_structure == "standardise_tier_variation"
    # Lazada got brand_id, the category's standard sale property "size" in each SKU and the shelf life
    listed = sandboxes["lazada"].simulator.live_products()[0]
    assert listed.attributes["brand_id"] == "30039" and "brand" not in listed.attributes
    assert listed.attributes["origin"] == "Vietnam"  # the option's en_name, chosen by its Vietnamese label
    assert [(s.seller_sku, s.sale_prop, s.attributes) for s in listed.skus] == [
        ("CF-0", {"size": "250g"}, {"expiry_days": "365"}), ("CF-1", {"size": "500g"}, {"expiry_days": "365"})]
