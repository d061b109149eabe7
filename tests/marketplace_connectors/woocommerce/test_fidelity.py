"""The WooCommerce connector against the sandbox as WooCommerce's own source behaves
(docs/marketplaces/woocommerce.md findings 3, 4, 11): the ``sku`` filter finds variations too; a variation
whose attribute the product does not vary by is created without it, selling as "any option"; a webhook
WooCommerce disabled after failed deliveries is switched on again."""

import datetime as dt

import pytest

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.errors import PermanentError
from tests.marketplace_sandbox.receiver import PushReceiver

from .conftest import CK, CS
from .drafts import simple_draft, variable_draft
from .test_connector import publish

connector = WooCommerceConnector()


def test_a_variations_sku_finds_its_product_never_the_variation_as_a_listing(creds, woo):
    # given a variable product with two variations on the shop
    result = publish(creds, variable_draft())
    # when its second variation's SKU is looked up (WooCommerce answers the variation itself)
    found = connector.find_by_sku(credentials=creds, sku="BPT-1-2")
    # then the listing is the product, with every variation's id
    assert [(f.external_id, f.variant_ids_by_sku) for f in found] == [(result.external_id, result.variant_ids_by_sku)]


def test_a_product_whose_sku_a_variation_of_another_holds_is_refused_not_merged_into_it(creds, woo):
    # given a variable product whose variation holds the SKU "MTS-1-V"
    holder = woo._product_create({"name": "Mứt", "type": "variable", "sku": "MUT",
                                  "attributes": [{"name": "Loại", "variation": True, "options": ["A"]}]})
    woo._batch({"create": [{"sku": "MTS-1-V", "regular_price": "1000",
                            "attributes": [{"name": "Loại", "option": "A"}]}]}, parent=woo.products[holder["id"]])
    # when a simple product with that SKU is published
    with pytest.raises(PermanentError) as refused:
        publish(creds, simple_draft())
    # then it is refused (the SKU is taken), and the other product's variation is left alone
    assert refused.value.code.endswith("product_invalid_sku")
    [variation] = [v for v in woo.variations.values() if v["sku"] == "MTS-1-V"]
    assert variation["regular_price"] == "1000" and variation["parent_id"] == holder["id"]


def test_a_variation_created_without_its_option_is_removed_and_the_owner_told(creds, woo):
    # given the product on the shop, whose variation attribute the seller renamed in WordPress
    result = publish(creds, variable_draft(variants=2))
    product = woo.products[int(result.external_id)]
    product["attributes"][0]["name"] = "Trọng lượng"
    # when a third variant is added (WooCommerce skips the unknown "Khối lượng" without an error)
    with pytest.raises(PermanentError) as refused:
        connector.update(credentials=creds, external_id=result.external_id, draft=variable_draft(variants=3),
                         variant_ids_by_sku=result.variant_ids_by_sku, uploaded_images={}, push_item=False)
    # then no variation selling "any option" is left, and the owner reads which variant and why
    assert "BPT-1-3" in refused.value.message and "Khối lượng" in refused.value.message
    assert [woo.variations[i]["sku"] for i in product["variations"]] == ["BPT-1-1", "BPT-1-2"]


def test_a_webhook_woocommerce_disabled_after_failed_deliveries_is_switched_on_by_the_order_import(
        woo, key_creds, settings):
    # given the platform's push address, down (every delivery answered 500), and the shop connected
    receiver = PushReceiver(answers=[(500, b"")])
    try:
        settings.MARKETPLACE_PUSH_BASE_URL = receiver.url("")
        connector.connect_with_keys(shop_url=woo.url, key=CK, secret=CS)
        assert len(woo.pings) == 3  # WooCommerce pings each new webhook's delivery URL
        woo._product_create({"name": "Mứt sen", "type": "simple", "sku": "MS-1", "regular_price": "1000",
                             "manage_stock": True, "stock_quantity": 50})
        # when seven orders in a row cannot be delivered (each tried 1 + 2 times by the sandbox's retries)
        for _ in range(3):
            woo.create_order(items=[("MS-1", 1)])
        woo.wait_for_deliveries()
        created = next(w for w in woo.webhooks.values() if w["topic"] == "order.created")
        assert created["status"] == "disabled"
        # then the next scheduled order import sets it active again, and checks once an hour only
        calls = woo.count(path="/wp-json/wc/v3/webhooks")
        connector.orders_updated_since(credentials=key_creds, since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        assert created["status"] == "active"
        connector.orders_updated_since(credentials=key_creds, since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        assert woo.count(path="/wp-json/wc/v3/webhooks") == calls + 1
    finally:
        receiver.stop()



def test_delisting_on_a_shop_without_trash_takes_the_product_off_sale_as_a_draft(creds, woo):
    # S-crud delete_item: 501 woocommerce_rest_trash_not_supported where the site's trash is off
    result = publish(creds, simple_draft())
    woo.trash_supported = False
    connector.delist(credentials=creds, external_id=result.external_id)
    product = woo.products[int(result.external_id)]
    assert product["status"] == "draft"  # off the shop, nothing sold; the owner's texts and photos kept
    assert woo.count(path=f"/wp-json/wc/v3/products/{result.external_id}", code="woocommerce_rest_trash_not_supported") == 1
