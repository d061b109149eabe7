"""The Shopee connector against the stricter sandbox, one test per defect of issue 16 (docs/marketplaces/shopee.md,
"Findings"): GTIN per the category's rule, quantities with their unit, logistics fee types, a main account's
authorisation, the standardised tier structure, items in review and the errors the owner sees."""

from decimal import Decimal

import pytest

from marketplace_connectors import services, sync
from marketplace_connectors.backends.shopee.connector import ShopeeConnector
from marketplace_connectors.drafts import listing_draft
from marketplace_connectors.models import (
    CategoryMapping,
    ListingBinding,
    ListingStatus,
    MarketplaceAccount,
    SyncKind,
)
from marketplace_connectors.sync.metadata import listing_rules
from marketplace_connectors.sync.session import account_credentials
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create

from ..factories import LONG_DESCRIPTION, owner_membership, png_bytes, rice_category

pytestmark = pytest.mark.django_db

ADD = "/api/v2/product/add_item"
EAN = ("4006381333931", "8934588012228")  # valid EAN-13s


def coffee(business, *, barcodes=("", ""), options=("250 g", "500 g"), sides=None):
    rows = [VariantInput(sku=f"CF-{n}", price=90_000 + n * 10_000, option1_value=option, stock=5, weight_g=300,
                         barcode=barcode, **(sides or {}))
            for n, (option, barcode) in enumerate(zip(options, barcodes, strict=True))]
    product = product_create(business=business, data=ProductInput(
        name="Cà phê rang xay Đồng Tháp", description=LONG_DESCRIPTION, category=rice_category(),
        option1_name="Khối lượng", key="CF", status="active"), variants=rows, actor=None)
    image_add(product=product, data=png_bytes(), name="ca-phe.png")
    return product


def map_to(account, category_id, values):
    return CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=category_id,
                                          external_category_name="x", attribute_values=values)


def publish(account, product, django_capture_on_commit_callbacks, kind=SyncKind.PUBLISH):
    with django_capture_on_commit_callbacks(execute=True):
        return sync.sync_run_start(account=account, kind=kind, product_ids=[product.pk])


MANDATORY = ("100104", {"501": ["5011"], "701": ["500 g"]})
FLEXIBLE = ("100105", {"501": ["5011"], "801": ["1 L"]})


def test_finding_1_mandatory_gtin_is_sent_on_the_item_and_every_model(connected, shopee,
                                                                      django_capture_on_commit_callbacks):
    # given the Mandatory-GTIN category and variants with their barcodes and package sizes
    map_to(connected, *MANDATORY)
    product = coffee(connected.business, barcodes=EAN,
                     sides={"length_cm": Decimal(20), "width_cm": Decimal(10), "height_cm": Decimal(5)})
    # when
    publish(connected, product, django_capture_on_commit_callbacks)
    # then
    item = shopee.items()[0]
    assert ListingBinding.objects.get().status == ListingStatus.LIVE
    assert item.gtin_code == EAN[0]
    assert [(m.model_sku, m.gtin_code) for m in item.models] == [("CF-0", EAN[0]), ("CF-1", EAN[1])]


def test_finding_1_without_a_gtin_the_owner_is_told_before_anything_is_sent(connected, shopee):
    map_to(connected, *MANDATORY)
    product = coffee(connected.business, barcodes=("", "123"))
    rules = listing_rules(session=sync.ShopSession(connected), category_id="100104")
    draft = listing_draft(account=connected, product=product)
    # when
    problems = ShopeeConnector().validate(draft=draft, rules=rules)
    # then
    assert rules["gtin_rule"] == "Mandatory"
    gtin = [p for p in problems if "GTIN" in p.message]
    assert [(p.field, p.variant_id) for p in gtin] == [("barcode", v.variant_id) for v in draft.variants]
    assert shopee.count(path=ADD) == 0


def test_finding_1_flexible_sends_00_when_the_product_has_no_gtin(connected, shopee, django_capture_on_commit_callbacks):
    map_to(connected, *FLEXIBLE)
    product = coffee(connected.business, options=("500 ml", "1 L"))
    # when
    publish(connected, product, django_capture_on_commit_callbacks)
    # then
    item = shopee.items()[0]
    assert item.gtin_code == "00" and [m.gtin_code for m in item.models] == ["00", "00"]


def test_finding_2_a_quantity_goes_with_its_unit(connected, shopee, django_capture_on_commit_callbacks):
    # given the attribute asked as "Khối lượng tịnh (g, kg)" and filled "500 g"
    specs = {s.external_id: s for s in ShopeeConnector().category_attributes(
        credentials=account_credentials(account=connected), category_id="100105")}
    map_to(connected, *FLEXIBLE)
    product = coffee(connected.business, options=("500 ml", "1 L"))
    # when
    publish(connected, product, django_capture_on_commit_callbacks)
    # then
    assert specs["801"].units == ("ml", "L") and specs["801"].input_type == "text"
    volume = next(a for a in shopee.items()[0].attribute_list if a["attribute_id"] == 801)
    assert volume["attribute_value_list"] == [{"value_id": 0, "original_value_name": "1", "value_unit": "L"}]


def test_finding_2_a_quantity_without_a_unit_is_refused_before_publishing(connected, shopee):
    map_to(connected, "100105", {"501": ["5011"], "801": ["một lít"]})
    specs = ShopeeConnector().category_attributes(credentials=account_credentials(account=connected), category_id="100105")
    draft = listing_draft(account=connected, product=coffee(connected.business))
    # when
    problems = ShopeeConnector().validate(draft=draft, attributes=specs)
    # then
    assert any(p.field == "attributes" and "ml, L" in p.message for p in problems)


def test_finding_3_channels_usable_and_a_size_chosen_for_size_selection(connected, shopee,
                                                                        django_capture_on_commit_callbacks):
    channels = ShopeeConnector().shipping_channels(credentials=account_credentials(account=connected))
    # the owner picks the big-parcel channel's "Lớn" size
    MarketplaceAccount.objects.filter(pk=connected.pk).update(logistics_channel_id="50013:2")
    connected.refresh_from_db()
    map_to(connected, *FLEXIBLE)
    publish(connected, coffee(connected.business, options=("500 ml", "1 L")), django_capture_on_commit_callbacks)
    # then disabled, masked and custom-price channels are not offered; each size is a choice of its own
    assert [c.external_id for c in channels] == ["50011", "50012", "50013:1", "50013:2"]
    assert shopee.items()[0].logistic_info == [{"logistic_id": 50013, "enabled": True, "size_id": 2}]


def test_finding_3_a_size_input_channel_without_package_sides_tells_the_owner(connected, shopee,
                                                                               django_capture_on_commit_callbacks):
    MarketplaceAccount.objects.filter(pk=connected.pk).update(logistics_channel_id="50012")
    connected.refresh_from_db()
    map_to(connected, *FLEXIBLE)
    # when
    publish(connected, coffee(connected.business, options=("500 ml", "1 L")), django_capture_on_commit_callbacks)
    # then nothing was created and the listing says what to enter
    binding = ListingBinding.objects.get()
    assert binding.status == ListingStatus.REJECTED and "Giao Hàng Tiết Kiệm" in binding.last_error
    assert shopee.count(path=ADD) == 0


def test_finding_4_a_main_account_connects_each_of_its_shops(shopee, db, settings):
    # given a main account authorising the sandbox's two shops
    shopee.shops[14701712] = type(shopee.shops[14701711])(shop_id=14701712, shop_name="Shop thứ hai")
    shopee.main_accounts[90001] = [14701711, 14701712]
    code, main_account_id = shopee.issue_main_account_code(90001)
    membership = owner_membership()
    settings.DEFAULT_PLAN = "growth"  # a plan with room for both shops
    # when the callback comes back with code and main_account_id (no shop_id)
    account = services.account_connect_complete(business=membership.business, user=membership.user,
                                                marketplace="shopee",
                                                params={"code": code, "main_account_id": str(main_account_id)})
    # then each shop is an account of the business with its own tokens
    accounts = MarketplaceAccount.objects.filter(business=membership.business).order_by("external_shop_id")
    assert [(a.external_shop_id, a.shop_name) for a in accounts] == [
        ("14701711", "Shop thử nghiệm Đồng Tháp"), ("14701712", "Shop thứ hai")]
    assert account.external_shop_id == "14701711"
    tokens = {a.external_shop_id: account_credentials(account=a).access_token for a in accounts}
    assert tokens["14701711"] != tokens["14701712"]
    assert ShopeeConnector().categories(credentials=account_credentials(account=accounts[1]))


def test_finding_5a_tiers_go_out_as_standardise_tier_variation(connected, shopee, django_capture_on_commit_callbacks):
    map_to(connected, *FLEXIBLE)
    publish(connected, coffee(connected.business, options=("500 ml", "1 L")), django_capture_on_commit_callbacks)
    item = shopee.items()[0]
    assert item.tier_structure == "standardise_tier_variation"
    assert item.standardise_tier_variation[0]["variation_id"] == 0
    assert [o["option"] for o in item.tier_variation[0]["option_list"]] == ["500 ml", "1 L"]


def test_finding_5b_an_item_in_review_is_found_before_creating_again(connected, shopee):
    # given an item waiting in review that holds the SKU
    item = shopee.seed_item(sku="GAO-REVIEW", name="Gạo đang chờ duyệt")
    item.item_status = "REVIEWING"
    # when
    found = ShopeeConnector().find_by_sku(credentials=account_credentials(account=connected), sku="GAO-REVIEW")
    # then
    assert [f.external_id for f in found] == [str(item.item_id)]


def test_an_error_the_connector_cannot_map_reaches_the_owner_with_shopees_code_and_message(
        connected, shopee, django_capture_on_commit_callbacks):
    # given a channel whose weight limit the product exceeds (weight ranges are the channel's, not asked here)
    map_to(connected, *FLEXIBLE)
    next(c for c in shopee.channels if c["logistics_channel_id"] == 50011)["weight_limit"]["item_max_weight"] = 0.1
    # when
    publish(connected, coffee(connected.business, options=("500 ml", "1 L")), django_capture_on_commit_callbacks)
    # then
    binding = ListingBinding.objects.get()
    assert binding.status == ListingStatus.REJECTED
    assert "error_param" in binding.last_error and "Invalid Weight." in binding.last_error
