"""The Lazada connector against the Lazada simulator, through the synchronizer and the eager Celery tasks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from marketplace_connectors import sync
from marketplace_connectors.backends.lazada.connector import LazadaConnector
from marketplace_connectors.base import Credentials, OrderStatus, PriceStockUpdate
from marketplace_connectors.models import (
    ListingBinding,
    ListingStatus,
    SyncKind,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)
from marketplace_connectors.sync.session import account_credentials
from sme.catalog.models import Product, Variant
from sme.catalog.stock import stock_adjust

from .conftest import SELLER
from .factories import lazada_product, map_rice

pytestmark = pytest.mark.django_db

CREATE = "/product/create"
UPDATE = "/product/update"
PRICE_QUANTITY = "/product/price_quantity/update"
SELLABLE = "/product/stock/sellable/update"


def publish(account, products, capture, kind=SyncKind.PUBLISH):
    with capture(execute=True):
        return sync.sync_run_start(account=account, kind=kind, product_ids=[p.pk for p in products])


def api_calls(lazada, since: int) -> list[str]:
    return [path for path, _status, _code in lazada.calls[since:]]


def test_connecting_stores_the_seller_and_shop_name(connected):
    assert connected.external_shop_id == SELLER and connected.shop_name == "Đặc sản Sen Đồng Tháp"
    # a test app's tokens: access 7 days, refresh 30 days
    assert dt.timedelta(days=6, hours=23) < connected.access_expires_at - timezone.now() <= dt.timedelta(days=7)
    assert dt.timedelta(days=29, hours=23) < connected.refresh_expires_at - timezone.now() <= dt.timedelta(days=30)


def test_the_authorisation_link_carries_our_state_in_lazadas_state_parameter(lazada):
    url = LazadaConnector().authorization_url(redirect_url="https://sme.example/marketplaces/lazada/callback/?state=s1")
    assert url.startswith(f"{lazada.url}/oauth/authorize?")
    assert "redirect_uri=https%3A%2F%2Fsme.example%2Fmarketplaces%2Flazada%2Fcallback%2F&" in url
    assert "state=s1" in url and "client_id=123456" in url and "force_auth=true" in url


def test_publish_creates_the_listing_with_variants_and_images(connected, lazada, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = lazada_product(connected.business, n=1)
    # when
    run = publish(connected, [product], django_capture_on_commit_callbacks)
    # then one listing on Lazada with both SKUs, their prices, stock, package and sale property
    binding = ListingBinding.objects.get(account=connected, product=product)
    listings = lazada.live_products(SELLER)
    assert binding.status == ListingStatus.LIVE and binding.last_error == ""
    assert [str(p.item_id) for p in listings] == [binding.external_id]
    item = listings[0]
    assert item.primary_category == 10000101 and item.attributes["name"] == "Gạo ST25 Đồng Tháp túi 1"
    assert (item.attributes["origin"], item.attributes["shelf_life"]) == ("Việt Nam", "12 tháng")
    assert [(s.seller_sku, s.price, s.quantity, s.sale_prop) for s in item.skus] == [
        ("LZ-0001-1", 60_000, 20, {"Khối lượng": "1 kg"}), ("LZ-0001-2", 80_000, 21, {"Khối lượng": "2 kg"})]
    assert item.skus[1].package == {"package_weight": "2.00", "package_length": "30", "package_width": "20",
                                    "package_height": "6"}
    # the 300 px photo was put on a white 330 px square (Lazada's minimum) and uploaded as a file
    assert len(item.images) == 1 and item.images[0] in lazada.images and lazada.count(path="/image/upload") == 1
    assert dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id")) == {
        s.seller_sku: str(s.sku_id) for s in item.skus}
    run.refresh_from_db()
    assert (run.status, run.total, run.succeeded, run.failed) == (SyncRunStatus.DONE, 1, 1, 0)


def test_a_simple_product_is_published_without_sale_properties(connected, lazada, django_capture_on_commit_callbacks):
    map_rice(connected)
    product = lazada_product(connected.business, n=2, variants=1)
    publish(connected, [product], django_capture_on_commit_callbacks)
    item = lazada.live_products(SELLER)[0]
    assert [(s.seller_sku, s.sale_prop) for s in item.skus] == [("LZ-0002-1", {})]
    assert ListingBinding.objects.get(product=product).status == ListingStatus.LIVE


def test_syncing_again_creates_nothing_and_sends_nothing_unchanged(connected, lazada, django_capture_on_commit_callbacks):
    # given a live listing
    map_rice(connected)
    product = lazada_product(connected.business, n=3)
    publish(connected, [product], django_capture_on_commit_callbacks)
    before = len(lazada.calls)
    # when synced again with nothing changed
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then
    assert len(lazada.live_products(SELLER)) == 1
    assert api_calls(lazada, before) == []


def test_a_stock_change_pushes_only_that_sku(connected, lazada, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = lazada_product(connected.business, n=4)
    publish(connected, [product], django_capture_on_commit_callbacks)
    stock_adjust(variant=Variant.objects.get(sku="LZ-0004-2"), delta=-5, reason="manual", actor=None)
    before = len(lazada.calls)
    # when
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then one sellable-quantity call (lazada.md finding 1: stock never goes through UpdatePriceQuantity's total)
    assert api_calls(lazada, before) == [SELLABLE]
    assert [s.quantity for s in lazada.live_products(SELLER)[0].skus] == [20, 16]


def test_stock_pushed_while_an_order_is_unpaid_is_not_taken_twice(connected, lazada):
    # given a SKU with 20 units and an unpaid order of 2 (Lazada withholds them: sellable 18, total 20)
    product = lazada.seed_products(count=1, skus_per_product=1, seller_id=SELLER)[0]
    sku = product.skus[0]
    sku.quantity = 20
    lazada.create_order(shop_id=SELLER, items=[(sku.seller_sku, 2)], status="unpaid")
    # when we push the 18 our catalog has left after importing that order
    outcome = LazadaConnector().update_price_stock_many(
        credentials=account_credentials(account=connected),
        updates=[(str(product.item_id), PriceStockUpdate(external_variant_id=str(sku.sku_id), stock=18))])
    # then buyers can buy 18 and the 2 withheld stay apart (UpdatePriceQuantity's total would have left 16)
    assert outcome.succeeded == (str(sku.sku_id),)
    assert (sku.quantity, sku.withhold, sku.total) == (18, 2, 20)


def test_a_name_change_updates_the_listing_and_nothing_else(connected, lazada, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = lazada_product(connected.business, n=5)
    publish(connected, [product], django_capture_on_commit_callbacks)
    Product.objects.filter(pk=product.pk).update(name="Gạo ST25 Lấp Vò thơm dẻo")
    before = len(lazada.calls)
    # when
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then the product update went out (the photo was not uploaded again) and no price or stock call
    assert api_calls(lazada, before) == [UPDATE]
    assert lazada.live_products(SELLER)[0].attributes["name"] == "Gạo ST25 Lấp Vò thơm dẻo"
    assert len(lazada.live_products(SELLER)) == 1


def test_a_new_variant_is_added_to_the_existing_listing(connected, lazada, django_capture_on_commit_callbacks):
    # given a live listing with two sizes, then a third size in the catalog
    map_rice(connected)
    product = lazada_product(connected.business, n=6)
    publish(connected, [product], django_capture_on_commit_callbacks)
    Variant.objects.create(product=product, business=product.business, sku="LZ-0006-3", option1_value="3 kg",
                           price=90_000, stock=4, weight_g=3000, length_cm=Decimal(30), width_cm=Decimal(20),
                           height_cm=Decimal(8), position=3)
    # when
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then the same listing has the third SKU, and its binding exists
    item = lazada.live_products(SELLER)[0]
    assert len(lazada.live_products(SELLER)) == 1
    assert [s.seller_sku for s in item.skus] == ["LZ-0006-1", "LZ-0006-2", "LZ-0006-3"]
    assert (item.skus[2].price, item.skus[2].quantity, item.skus[2].sale_prop) == (90_000, 4, {"Khối lượng": "3 kg"})
    binding = ListingBinding.objects.get(product=product)
    assert binding.status == ListingStatus.LIVE
    assert VariantBinding.objects.filter(listing=binding).count() == 3


def test_invalid_product_is_not_sent_and_owner_reads_what_to_fix_in_vietnamese(connected, lazada,
                                                                             django_capture_on_commit_callbacks):
    # given a product without package sizes and with variant prices too far apart
    map_rice(connected)
    product = lazada_product(connected.business, n=7, dims=False, prices=(15_000, 80_000))
    # when
    with translation.override("vi"):
        problems = sync.listing_validate(account=connected, product=product)
    publish(connected, [product], django_capture_on_commit_callbacks)
    # then no call left for the product and the owner is told each thing to fix
    assert lazada.count(path=CREATE) == 0 and lazada.count(path="/image/upload") == 0
    assert sorted(p.field for p in problems) == ["dimension", "dimension", "price"]
    binding = ListingBinding.objects.get(product=product)
    assert binding.status == ListingStatus.FAILED
    assert "Phiên bản LZ-0007-1: hãy nhập chiều dài, chiều rộng và chiều cao kiện hàng (cm)" in binding.last_error
    assert "Phiên bản rẻ nhất (15.000 VND) có giá thấp hơn 50% giá phiên bản đắt nhất (80.000 VND)" in binding.last_error
    assert SyncRun.objects.get().failed == 1


def test_a_price_under_10000_vnd_is_caught_before_any_call(connected, lazada):
    map_rice(connected)
    product = lazada_product(connected.business, n=8, variants=1, prices=(9_000,))
    with translation.override("vi"):
        problems = sync.listing_validate(account=connected, product=product)
    assert [p.message for p in problems] == ["Phiên bản LZ-0008-1: giá phải từ 10.000 đến 999.999.999 đồng."]
    assert lazada.count(path=CREATE) == 0


def test_lazadas_refusal_is_stored_in_the_owners_language(connected, lazada, django_capture_on_commit_callbacks):
    # given the category's attributes were fetched, then Lazada made one more attribute mandatory
    map_rice(connected)
    product = lazada_product(connected.business, n=9)
    sync.draft_for(session=sync.ShopSession(connected), product=product)
    lazada.attributes[10000101].append({**lazada.attributes[10000101][1], "name": "storage", "label": "Bảo quản"})
    # when
    publish(connected, [product], django_capture_on_commit_callbacks)
    # then Lazada refused it (no listing) and the owner reads why in Vietnamese
    binding = ListingBinding.objects.get(product=product)
    assert lazada.count(path=CREATE) == 1 and lazada.live_products(SELLER) == []
    assert binding.status == ListingStatus.REJECTED
    assert "Lazada cần thêm thuộc tính của danh mục: BIZ_CHECK_CAT_PROP_MANDATORY: storage is mandatory" in binding.last_error


def test_batched_price_and_stock_across_listings_with_partial_failures(connected, lazada, settings):
    # given 30 products with two SKUs each already on the shop, and two SKU ids Lazada does not know
    products = lazada.seed_products(count=30, skus_per_product=2, seller_id=SELLER)
    updates = [(str(p.item_id), PriceStockUpdate(external_variant_id=str(s.sku_id), stock=5 + i % 7))
               for i, (p, s) in enumerate((p, s) for p in products for s in p.skus)]
    updates += [(str(products[0].item_id), PriceStockUpdate(external_variant_id="777", stock=1)),
                (str(products[1].item_id), PriceStockUpdate(external_variant_id="888", price_vnd=50_000))]
    before = lazada.count(path=PRICE_QUANTITY), lazada.count(path=SELLABLE)
    # when
    outcome = LazadaConnector().update_price_stock_many(credentials=account_credentials(account=connected),
                                                        updates=updates)
    # then 61 stock entries in two sellable-quantity calls (50 + 11) and one price call; the two unknown SKUs
    # failed, every other one changed
    assert (lazada.count(path=PRICE_QUANTITY) - before[0], lazada.count(path=SELLABLE) - before[1]) == (1, 2)
    assert set(outcome.failed) == {"777", "888"} and len(outcome.succeeded) == 60
    assert [s.quantity for p in lazada.live_products(SELLER) for s in p.skus] == [5 + i % 7 for i in range(60)]


def test_a_smaller_configured_batch_makes_more_calls(connected, lazada, settings):
    settings.LAZADA_PRICE_QUANTITY_BATCH = 20
    products = lazada.seed_products(count=25, skus_per_product=2, seller_id=SELLER)
    updates = [(str(p.item_id), PriceStockUpdate(external_variant_id=str(s.sku_id), stock=3)) for p in products for s in p.skus]
    LazadaConnector().update_price_stock_many(credentials=account_credentials(account=connected), updates=updates)
    assert lazada.count(path=SELLABLE) == 3


def test_existing_listings_are_linked_by_sku(connected, lazada):
    # given the shop already sells our product (same SKUs), and another product of its own
    lazada.seed_products(count=1, skus_per_product=2, seller_id=SELLER, prefix="OTHER")
    existing = lazada.seed_products(count=1, skus_per_product=2, seller_id=SELLER, prefix="LZ")[0]
    for sku, ours in zip(existing.skus, ("LZ-0010-1", "LZ-0010-2"), strict=True):
        sku.seller_sku = ours
    product = lazada_product(connected.business, n=10)
    # when
    counts = sync.account_link_existing(session=sync.ShopSession(connected))
    # then
    assert counts == {"linked": 1, "ambiguous": 0}
    binding = ListingBinding.objects.get(product=product)
    assert binding.external_id == str(existing.item_id) and binding.status == ListingStatus.LIVE
    assert dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id")) == {
        "LZ-0010-1": str(existing.skus[0].sku_id), "LZ-0010-2": str(existing.skus[1].sku_id)}
    assert lazada.count(path=CREATE) == 0


def test_publishing_a_product_whose_skus_are_already_on_the_shop_adopts_that_listing(
        connected, lazada, django_capture_on_commit_callbacks):
    # given the listing exists on Lazada but our binding does not know it (an earlier attempt's answer was lost)
    map_rice(connected)
    product = lazada_product(connected.business, n=11)
    existing = lazada.seed_products(count=1, skus_per_product=2, seller_id=SELLER, prefix="X")[0]
    for sku, ours in zip(existing.skus, ("LZ-0011-1", "LZ-0011-2"), strict=True):
        sku.seller_sku = ours
    # when
    publish(connected, [product], django_capture_on_commit_callbacks)
    # then no second listing: ours is bound to the existing one
    assert lazada.count(path=CREATE) == 0 and len(lazada.live_products(SELLER)) == 1
    assert ListingBinding.objects.get(product=product).external_id == str(existing.item_id)


def test_refresh_returns_a_new_pair_and_keeps_the_refresh_tokens_end(connected, lazada):
    # given tokens issued 10 days ago
    lazada.advance(10 * 24 * 3600)
    credentials = account_credentials(account=connected)
    # when
    tokens = LazadaConnector().refresh(credentials=credentials)
    # then the access token lives 7 days from now, the refresh token ends when it always did (~20 days)
    assert tokens.refresh_token != credentials.refresh_token and tokens.shop_id == SELLER
    assert abs((tokens.refresh_expires_at - connected.refresh_expires_at).total_seconds() + 10 * 24 * 3600) < 30
    assert credentials.refresh_token in lazada.spent_refresh_tokens


def test_pause_delist_and_find_by_sku(connected, lazada, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = lazada_product(connected.business, n=12, variants=1)
    publish(connected, [product], django_capture_on_commit_callbacks)
    connector = LazadaConnector()
    credentials = account_credentials(account=connected)
    item_id = ListingBinding.objects.get(product=product).external_id
    # when / then
    assert [r.external_id for r in connector.find_by_sku(credentials=credentials, sku="LZ-0012-1")] == [item_id]
    connector.pause(credentials=credentials, external_id=item_id, paused=True)
    assert lazada.live_products(SELLER)[0].status == "InActive"
    connector.pause(credentials=credentials, external_id=item_id, paused=False)
    assert lazada.live_products(SELLER)[0].status == "Active"
    connector.delist(credentials=credentials, external_id=item_id)
    connector.delist(credentials=credentials, external_id=item_id)  # idempotent
    assert lazada.live_products(SELLER) == []
    assert connector.find_by_sku(credentials=credentials, sku="LZ-0012-1") == []


def test_orders_changed_since_a_moment_come_with_their_lines(connected, lazada):
    # given two orders, one later cancelled
    product = lazada.seed_products(count=1, skus_per_product=2, seller_id=SELLER)[0]
    since = timezone.now() - dt.timedelta(minutes=1)
    first = lazada.create_order(shop_id=SELLER, items=[(product.skus[0].seller_sku, 2), (product.skus[1].seller_sku, 1)])
    second = lazada.create_order(shop_id=SELLER, items=[(product.skus[1].seller_sku, 1)])
    lazada.set_order_status(order_id=second, status=OrderStatus.CANCELLED)
    # when
    orders = LazadaConnector().orders_updated_since(credentials=account_credentials(account=connected), since=since)
    # then
    by_id = {o.external_id: o for o in orders}
    assert [o.external_id for o in orders] == [first, second]  # oldest change first
    assert [(line.sku, line.quantity, line.unit_price_vnd, line.status) for line in by_id[first].lines] == [
        ("SEED-00000-1", 2, 50_000, OrderStatus.PENDING), ("SEED-00000-2", 1, 50_000, OrderStatus.PENDING)]
    assert by_id[first].lines[0].external_variant_id == str(product.skus[0].sku_id)
    assert (by_id[second].status, by_id[second].marketplace_status) == (OrderStatus.CANCELLED, "canceled")
    assert (by_id[first].status, by_id[first].marketplace_status, by_id[first].total_vnd) == (
        OrderStatus.PENDING, "pending", 150_000)
    assert by_id[first].created_at.utcoffset() == dt.timedelta(hours=7)
    assert lazada.stock_of(shop_id=SELLER, sku="SEED-00000-2") == 9  # the cancelled unit came back


def test_a_contract_run_with_a_draft_lazada_accepts(lazada):
    """The shared contract's steps with a draft that meets Lazada's rules (package sizes, prices)."""
    from marketplace_connectors.base import ImageDraft, ListingDraft, VariantDraft
    from marketplace_connectors.errors import AuthError

    from ..factories import png_bytes

    connector = LazadaConnector()
    tokens = connector.exchange_code(params={"code": lazada.issue_code(SELLER)[0]})
    creds = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    refreshed = connector.refresh(credentials=creds)
    with pytest.raises(AuthError):
        connector.refresh(credentials=creds)
    creds = Credentials(shop_id=tokens.shop_id, access_token=refreshed.access_token, refresh_token=refreshed.refresh_token)
    attributes = connector.category_attributes(credentials=creds, category_id="10000101")
    assert [(a.external_id, a.mandatory) for a in attributes] == [("origin", True), ("shelf_life", True), ("rice_type", False)]
    draft = ListingDraft(
        product_id=1, sku="CT-1", name="Bánh phồng tôm Sa Đéc loại đặc biệt", description="Bánh phồng tôm Sa Đéc.",
        variants=(VariantDraft(variant_id=1, sku="CT-1-200", option_name="200 g", price_vnd=55_000, stock=10,
                               weight_grams=250, length_cm=20, width_cm=15, height_cm=5),
                  VariantDraft(variant_id=2, sku="CT-1-500", option_name="500 g", price_vnd=99_000, stock=5,
                               weight_grams=550, length_cm=25, width_cm=20, height_cm=8)),
        images=(ImageDraft(key="img-1", filename="banh.png", size_bytes=len(png_bytes()), content=png_bytes()),),
        category_id="10000101", attributes={"origin": ["Việt Nam"], "shelf_life": ["12 tháng"]}, variation_name="Khối lượng",
        shipping_channel_id="lazada")
    rules = connector.listing_rules(credentials=creds, category_id="10000101")
    assert connector.validate(draft=draft, attributes=attributes, rules=rules) == []
    uploaded: dict[str, str] = {}
    # the synchronizer's three steps: the listing exists (and has its id) before its variants are added
    plan = connector.publish_prepare(credentials=creds, draft=draft, uploaded_images=uploaded, attributes=attributes)
    assert plan.existing is None
    created = connector.publish_create(credentials=creds, draft=draft, plan=plan)
    result = connector.publish_complete(credentials=creds, draft=draft, plan=plan, created=created,
                                        uploaded_images=uploaded, attributes=attributes)
    assert created.external_id == result.external_id and set(uploaded) == {"img-1"}
    assert set(result.variant_ids_by_sku) == {"CT-1-200", "CT-1-500"}
    again = connector.update(credentials=creds, external_id=result.external_id, draft=draft, variant_ids_by_sku={},
                             uploaded_images=uploaded, attributes=attributes)
    assert again.variant_ids_by_sku == result.variant_ids_by_sku
    ids = list(result.variant_ids_by_sku.values())
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
        PriceStockUpdate(external_variant_id=ids[0], price_vnd=57_000, stock=3),
        PriceStockUpdate(external_variant_id="999999", stock=1)])
    assert outcome.succeeded == (ids[0],) and set(outcome.failed) == {"999999"}
    assert (lazada.sku("CT-1-200").price, lazada.sku("CT-1-200").quantity) == (57_000, 3)
