"""The WooCommerce connector against the WooCommerce simulator: connecting with keys, products, batches,
orders. Every request is real HTTP to the simulator on loopback."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.backends.woocommerce.mappers import webhook_secret
from marketplace_connectors.base import Capability, Credentials, OrderStatus, PriceStockUpdate
from marketplace_connectors.errors import AmbiguousResultError, AuthError, PermanentError
from marketplace_sandbox.sandbox import sandbox_start

from .conftest import APP_PASSWORD, CK, CS, USER, WEBHOOK_KEY
from .drafts import simple_draft, variable_draft

PRODUCTS = "/wp-json/wc/v3/products"
connector = WooCommerceConnector()


def publish(creds, draft, uploaded=None, created=None):
    uploaded = {} if uploaded is None else uploaded
    created = [] if created is None else created
    # the synchronizer's three steps, noting the listing's id in ``created`` as soon as it exists
    plan = connector.publish_prepare(credentials=creds, draft=draft, uploaded_images=uploaded)
    listing = plan.existing or connector.publish_create(credentials=creds, draft=draft, plan=plan)
    created.append(listing.external_id)
    return connector.publish_complete(credentials=creds, draft=draft, plan=plan, created=listing,
                                      uploaded_images=uploaded)


def test_it_declares_keys_listings_price_stock_orders_and_push():
    assert connector.code == "woocommerce" and str(connector.display_name) == "WooCommerce"
    assert connector.capabilities == {Capability.KEYS, Capability.LISTINGS, Capability.PRICE_STOCK,
                                      Capability.ORDERS, Capability.PUSH}


# --- connecting ----------------------------------------------------------------------------------------
def test_connecting_with_keys_returns_the_shop_url_and_keys_that_never_expire(woo):
    tokens = connector.connect_with_keys(shop_url=f" {woo.url}/wp-admin/ ", key=CK, secret=CS)
    assert (tokens.shop_id, tokens.access_token, tokens.refresh_token) == (woo.url, CK, CS)
    assert tokens.shop_name == "Đặc sản Sen Hồng Đồng Tháp"
    assert tokens.access_expires_at - timezone.now() > dt.timedelta(days=365 * 50) and tokens.refresh_expires_at is None
    assert woo.webhooks == {}  # no public push address configured


def test_wrong_keys_are_refused_with_a_message_for_the_owner(woo):
    with pytest.raises(AuthError) as refused:
        connector.connect_with_keys(shop_url=woo.url, key=CK, secret="cs_wrong")
    assert "Read/Write" in refused.value.message and refused.value.code == "woocommerce_rest_authentication_error"


def test_plain_http_to_a_shop_that_is_not_loopback_is_refused_before_any_request(woo):
    with pytest.raises(PermanentError) as refused:
        connector.connect_with_keys(shop_url="http://myshop.vn", key=CK, secret=CS)
    assert refused.value.code == "https_required" and "https://" in refused.value.message
    assert "WooCommerce ignores the keys" in refused.value.message  # S-auth: Basic is ignored over HTTP
    assert woo.calls == []
    with translation.override("vi"), pytest.raises(PermanentError) as in_vietnamese:
        connector.connect_with_keys(shop_url="http://myshop.vn", key=CK, secret=CS)
    assert "WooCommerce bỏ qua khóa" in in_vietnamese.value.message


def test_a_shop_selling_in_another_currency_is_refused(woo):
    woo.currency = "USD"
    with pytest.raises(PermanentError) as refused:
        connector.connect_with_keys(shop_url=woo.url, key=CK, secret=CS)
    assert refused.value.code == "currency_not_vnd" and "USD" in refused.value.message


def test_a_wordpress_without_woocommerce_is_refused(woo):
    woo._index = lambda: {"name": "Blog", "namespaces": ["wp/v2"]}
    with pytest.raises(PermanentError) as refused:
        connector.connect_with_keys(shop_url=woo.url, key=CK, secret=CS)
    assert refused.value.code == "no_woocommerce"


def test_connecting_registers_signed_order_webhooks_once(woo, settings):
    # given the platform has a public push address
    settings.MARKETPLACE_PUSH_BASE_URL = "https://sme.example.vn"
    # when the owner connects twice (reconnecting after changing the keys, say)
    connector.connect_with_keys(shop_url=woo.url, key=CK, secret=CS)
    connector.connect_with_keys(shop_url=woo.url, key=CK, secret=CS)
    # then one active webhook per order topic, with the shop's derived secret
    hooks = sorted(woo.webhooks.values(), key=lambda w: w["topic"])
    assert [(w["topic"], w["status"]) for w in hooks] == [
        ("order.created", "active"), ("order.deleted", "active"), ("order.updated", "active")]
    assert {w["delivery_url"] for w in hooks} == {"https://sme.example.vn/marketplaces/push/woocommerce/"}
    assert {w["secret"] for w in hooks} == {webhook_secret(key=WEBHOOK_KEY, shop_url=woo.url)}


def test_read_only_keys_are_refused_when_webhooks_must_be_registered(woo, settings):
    settings.MARKETPLACE_PUSH_BASE_URL = "https://sme.example.vn"
    woo.consumer_keys["ck_read"] = ("cs_read", "read")
    with pytest.raises(AuthError) as refused:
        connector.connect_with_keys(shop_url=woo.url, key="ck_read", secret="cs_read")
    assert "Read/Write" in refused.value.message and woo.webhooks == {}


def test_there_is_no_oauth_flow_and_refresh_keeps_the_keys(woo):
    assert not hasattr(connector, "authorization_url") and not hasattr(connector, "exchange_code")
    creds = Credentials(shop_id=woo.url, access_token=CK, refresh_token=CS)
    refreshed = connector.refresh(credentials=creds)
    assert (refreshed.access_token, refreshed.refresh_token) == (CK, CS) and woo.calls == []


# --- products ------------------------------------------------------------------------------------------
def test_publishing_a_product_with_variants_creates_a_variable_product_and_its_variations(creds, woo):
    uploaded, created = {}, []
    result = publish(creds, variable_draft(), uploaded, created)
    product = woo.products[int(result.external_id)]
    assert created == [result.external_id]
    assert (product["type"], product["sku"], product["status"], product["categories"]) == (
        "variable", "BPT-1", "publish", [{"id": 23}])
    variations = {woo.variations[v]["sku"]: woo.variations[v] for v in product["variations"]}
    assert result.variant_ids_by_sku == {sku: str(v["id"]) for sku, v in variations.items()}
    assert [(v["regular_price"], v["stock_quantity"], v["weight"]) for v in variations.values()] == [
        ("45000", 10, "0.25"), ("55000", 11, "0.5")]
    # the photo went to the media library once, referenced by id
    assert list(uploaded) == ["img-1"] and product["images"][0]["id"] == int(uploaded["img-1"])
    assert woo.media[int(uploaded["img-1"])]["source_url"].endswith("/banh-phong.png")


def test_publishing_a_product_without_variants_creates_a_simple_product(creds, woo):
    result = publish(creds, simple_draft())
    product = woo.products[int(result.external_id)]
    assert (product["type"], product["sku"], product["regular_price"], product["stock_quantity"]) == (
        "simple", "MTS-1-V", "120000", 7)
    assert result.variant_ids_by_sku == {"MTS-1-V": result.external_id}


def test_with_consumer_keys_a_photo_cannot_be_uploaded_and_nothing_is_created(key_creds, woo):
    with pytest.raises(PermanentError) as refused:
        publish(key_creds, variable_draft())
    assert refused.value.code == "media_upload_refused" and "Application Password" in refused.value.message
    assert woo.products == {}


def test_a_retry_after_a_timeout_finishes_the_product_instead_of_creating_a_second(creds, woo, settings):
    # given creating the product acts, then answers after our read timeout
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)

    def arm(request, response):  # after the SKU look-up, the next request to /products (the create) hangs
        if request.method == "GET" and request.path == PRODUCTS:
            woo.after_call = None
            woo.set_faults(timeouts=1, hang_seconds=0.6, paths=frozenset({PRODUCTS}))

    woo.after_call = arm
    uploaded, created = {}, []
    with pytest.raises(AmbiguousResultError):
        publish(creds, variable_draft(), uploaded, created)
    assert created == [] and len(woo.products) == 1
    # when the worker tries again
    result = publish(creds, variable_draft(), uploaded, created)
    # then the same product was found by its SKU and completed
    assert list(woo.products) == [int(result.external_id)] and created == [result.external_id]
    assert set(result.variant_ids_by_sku) == {"BPT-1-1", "BPT-1-2"}
    assert len(woo.products[int(result.external_id)]["variations"]) == 2
    assert len(woo.media) == 1  # the photo was not uploaded again


def test_a_create_refused_as_a_duplicate_sku_links_the_product_holding_it(creds, woo):
    # given another worker creates the product between our look-up and our create
    existing = {}

    def race(request, response):
        if request.method == "GET" and request.path == PRODUCTS and not existing:
            existing.update(woo._product_create({"name": "Mứt sen", "type": "simple", "sku": "MTS-1-V",
                                                 "regular_price": "1"}))

    woo.after_call = race
    # when
    result = publish(creds, simple_draft())
    # then
    assert result.external_id == str(existing["id"]) and len(woo.products) == 1
    assert woo.count(path=PRODUCTS, code="product_invalid_sku") == 1


def test_update_restores_missing_variations_and_returns_every_id(creds, woo):
    result = publish(creds, variable_draft(variants=2))
    again = connector.update(credentials=creds, external_id=result.external_id, draft=variable_draft(variants=3),
                             variant_ids_by_sku={}, uploaded_images={})
    assert set(again.variant_ids_by_sku) == {"BPT-1-1", "BPT-1-2", "BPT-1-3"}
    assert {k: v for k, v in again.variant_ids_by_sku.items() if k != "BPT-1-3"} == result.variant_ids_by_sku
    assert woo.products[int(result.external_id)]["attributes"][0]["options"] == ["100 g", "200 g", "300 g"]


def test_price_and_stock_go_in_batches_of_at_most_100_with_failures_per_variant(creds, woo):
    # given 120 simple products and one variable product
    simple = woo._batch({"create": [{"name": f"P{i}", "sku": f"S-{i}", "regular_price": "1000"} for i in range(100)]},
                        parent=None)["create"] + woo._batch(
        {"create": [{"name": f"P{i}", "sku": f"S-{i}", "regular_price": "1000"} for i in range(100, 120)]},
        parent=None)["create"]
    variable = publish(creds, variable_draft())
    woo.batch_sizes.clear()
    updates = [(str(p["id"]), PriceStockUpdate(external_variant_id=str(p["id"]), price_vnd=2000, stock=5)) for p in simple]
    first_variation = variable.variant_ids_by_sku["BPT-1-1"]
    updates += [(variable.external_id, PriceStockUpdate(external_variant_id=first_variation, stock=0)),
                (variable.external_id, PriceStockUpdate(external_variant_id="999999", stock=1)),
                ("888888", PriceStockUpdate(external_variant_id="888888", price_vnd=1))]
    # when
    outcome = connector.update_price_stock_many(credentials=creds, updates=updates)
    # then
    assert sorted(woo.batch_sizes) == [2, 21, 100]
    assert set(outcome.failed) == {"999999", "888888"}
    assert len(outcome.succeeded) == 121 and first_variation in outcome.succeeded
    assert {(p["regular_price"], p["stock_quantity"]) for p in woo.products.values() if p["type"] == "simple"} == {("2000", 5)}
    assert woo.stock_of(sku="BPT-1-1") == 0 and woo.stock_of(sku="BPT-1-2") == 11


def test_pause_drafts_the_product_and_delist_trashes_it_idempotently(creds, woo):
    result = publish(creds, variable_draft())
    product = woo.products[int(result.external_id)]
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)
    assert product["status"] == "draft"
    connector.pause(credentials=creds, external_id=result.external_id, paused=False)
    assert product["status"] == "publish"
    connector.delist(credentials=creds, external_id=result.external_id)
    connector.delist(credentials=creds, external_id=result.external_id)
    assert product["status"] == "trash"
    assert connector.find_by_sku(credentials=creds, sku="BPT-1") == []


def test_find_by_sku_and_remote_listings_page_through_the_shop(creds, woo):
    result = publish(creds, variable_draft())
    for start in (0, 100):
        woo._batch({"create": [{"name": f"P{i}", "sku": f"S-{i}", "regular_price": "1000"}
                               for i in range(start, start + 100)]}, parent=None)
    found = connector.find_by_sku(credentials=creds, sku="BPT-1")
    assert [(f.external_id, f.variant_ids_by_sku) for f in found] == [(result.external_id, result.variant_ids_by_sku)]
    assert connector.find_by_sku(credentials=creds, sku="BPT-1", since=timezone.now() + dt.timedelta(hours=1)) == []
    listings = connector.remote_listings(credentials=creds)
    assert len(listings) == 201 and woo.count(path=PRODUCTS) >= 3
    by_sku = {listing.sku: listing for listing in listings}
    assert by_sku["S-150"].variant_ids_by_sku == {"S-150": by_sku["S-150"].external_id}


def test_categories_are_the_shops_flat_tree(creds, woo):
    nodes = {n.external_id: n for n in connector.categories(credentials=creds)}
    assert (nodes["23"].parent_id, nodes["23"].is_leaf, nodes["21"].is_leaf, nodes["21"].parent_id) == ("21", True, False, "")
    assert connector.category_attributes(credentials=creds, category_id="23") == []
    assert connector.listing_rules(credentials=creds, category_id="23")["currency"] == "VND"


# --- orders ----------------------------------------------------------------------------------------------
def test_orders_updated_since_pages_through_changes_oldest_first(creds, woo):
    publish(creds, simple_draft())
    woo._product_update(next(iter(woo.products.values())), {"stock_quantity": 1000})
    since = timezone.now()
    ids = [woo.create_order(items=[("MTS-1-V", 1)]) for _ in range(105)]
    woo.advance(5)
    woo.set_order_status(order_id=ids[0], status=OrderStatus.CANCELLED)
    orders = connector.orders_updated_since(credentials=creds, since=since)
    assert len(orders) == 105 and orders[-1].external_id == ids[0]
    assert orders[-1].status == OrderStatus.CANCELLED and orders[-1].marketplace_status == "cancelled"
    assert [o.updated_at for o in orders] == sorted(o.updated_at for o in orders)
    assert orders[0].lines[0].sku == "MTS-1-V" and orders[0].lines[0].unit_price_vnd == 120_000
    assert connector.orders_updated_since(credentials=creds, since=timezone.now() + dt.timedelta(minutes=1)) == []


def test_order_get_returns_none_for_an_unknown_order(creds, woo):
    publish(creds, simple_draft())
    order_id = woo.create_order(items=[("MTS-1-V", 2)])
    order = connector.order_get(credentials=creds, external_id=order_id)
    assert (order.status, order.lines[0].quantity, order.total_vnd) == (OrderStatus.READY_TO_SHIP, 2, 240_000)
    assert connector.order_get(credentials=creds, external_id="424242") is None
    assert woo.stock_of(sku="MTS-1-V") == 5


# --- the contract, as a KEYS connector keeps it ------------------------------------------------------------
def test_the_contract_sequence_with_keys(settings):
    """test_contract.py's sequence with the connect step a KEYS connector has (see the report)."""
    sandbox = sandbox_start("woocommerce")
    try:
        for key, value in sandbox.settings.items():
            setattr(settings, key, value)
        settings.WOOCOMMERCE_RATE_LIMIT = 0
        tokens = connector.connect_with_keys(**sandbox.callback_params())
        assert (tokens.shop_id, tokens.access_token, tokens.refresh_token) == (sandbox.simulator.url, USER, APP_PASSWORD)
        creds = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        assert connector.refresh(credentials=creds).refresh_token == tokens.refresh_token  # keys do not rotate
        assert any(n.external_id == sandbox.category_id and n.is_leaf for n in connector.categories(credentials=creds))
        draft = variable_draft("CT-1", category_id=sandbox.category_id)
        assert connector.validate(draft=draft, rules=connector.listing_rules(credentials=creds,
                                                                             category_id=sandbox.category_id)) == []
        result = publish(creds, draft)
        assert [f.external_id for f in connector.find_by_sku(credentials=creds, sku="CT-1")] == [result.external_id]
        ids = list(result.variant_ids_by_sku.values())
        outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
            PriceStockUpdate(external_variant_id=ids[0], price_vnd=47_000, stock=3),
            PriceStockUpdate(external_variant_id="999999", stock=1)])
        assert outcome.succeeded == (ids[0],) and set(outcome.failed) == {"999999"}
        assert sandbox.simulator.stock_of(shop_id=tokens.shop_id, sku="CT-1-1") == 3
    finally:
        sandbox.simulator.stop()


def test_the_sandbox_demo_credentials_connect(woo):
    assert connector.connect_with_keys(shop_url=woo.url, key=USER, secret=APP_PASSWORD).shop_id == woo.url


def test_the_owner_reads_the_https_refusal_in_vietnamese(settings, tmp_path):
    # given the backend's catalog on LOCALE_PATHS (the lead adds backends/woocommerce/locale there)
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils import translation
    from django.utils.translation import trans_real

    po = Path(__file__).resolve().parents[3] / "marketplace_connectors/backends/woocommerce/locale/vi/LC_MESSAGES/django.po"
    target = tmp_path / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with po.open("rb") as source, (target / "django.mo").open("wb") as mo:
        write_mo(mo, read_po(source, locale="vi"))
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(tmp_path)]
    trans_real._translations = {}
    try:
        # when
        with translation.override("vi"), pytest.raises(PermanentError) as refused:
            connector.connect_with_keys(shop_url="http://myshop.vn", key=CK, secret=CS)
    finally:
        trans_real._translations = {}
    # then
    assert refused.value.message.startswith("Địa chỉ cửa hàng phải bắt đầu bằng https://")
