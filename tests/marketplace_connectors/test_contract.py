"""The contract every registered connector keeps, run against each connector's own simulator.

Adding a marketplace to settings.MARKETPLACE_CONNECTORS adds it here automatically.
"""

import pytest
from django.conf import settings as django_settings

from marketplace_connectors import crypto
from marketplace_connectors.base import (
    Capability,
    Connector,
    Credentials,
    ImageDraft,
    ListingDraft,
    PriceStockUpdate,
    VariantDraft,
)
from marketplace_connectors.errors import AuthError
from marketplace_connectors.registry import connector_get, connector_list, registry_reset

from .factories import png_bytes

CODES = [path.rsplit(".", 1)[-1] for path in django_settings.MARKETPLACE_CONNECTORS]


@pytest.fixture(params=django_settings.MARKETPLACE_CONNECTORS, ids=CODES)
def harness(request, settings):
    registry_reset()
    crypto._fernet.cache_clear()
    from django.utils.module_loading import import_string

    connector = import_string(request.param)()
    sandbox = connector.sandbox()
    for key, value in sandbox.settings.items():
        setattr(settings, key, value)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    yield connector, sandbox
    sandbox.simulator.stop()


def draft(sandbox, sku="CT-1") -> ListingDraft:
    return ListingDraft(
        product_id=1, sku=sku, name="Bánh phồng tôm Sa Đéc loại đặc biệt",
        description="Bánh phồng tôm làm thủ công ở Sa Đéc, tôm tươi, không chất bảo quản, đóng gói hút chân không, "
                    "bảo quản nơi khô ráo, dùng trong sáu tháng.",
        variants=(VariantDraft(variant_id=1, sku=f"{sku}-200", option_name="200 g", price_vnd=45_000, stock=10, weight_grams=250,
                              length_cm=20, width_cm=15, height_cm=6),
                  VariantDraft(variant_id=2, sku=f"{sku}-500", option_name="500 g", price_vnd=79_000, stock=5, weight_grams=550,
                              length_cm=25, width_cm=18, height_cm=8)),
        images=(ImageDraft(key="img-1", filename="banh.png", size_bytes=len(png_bytes()), content=png_bytes()),),
        category_id=sandbox.category_id, attributes=sandbox.attribute_values, variation_name="Khối lượng",
        shipping_channel_id=sandbox.shipping_channel_id,
    )


@pytest.mark.django_db
def test_every_registered_connector_is_registered_once_with_a_code():
    registry_reset()
    codes = [c.code for c in connector_list()]
    assert len(codes) == len(set(codes)) == len(django_settings.MARKETPLACE_CONNECTORS)
    for connector in connector_list():
        assert isinstance(connector, Connector) and connector_get(connector.code) is connector
        assert connector.capabilities <= set(Capability) and str(connector.display_name)


@pytest.mark.django_db
def test_connector_contract_against_its_simulator(harness):
    connector, sandbox = harness
    # authorisation
    tokens = connector.exchange_code(params=sandbox.callback_params())
    assert tokens.access_token and tokens.refresh_token and tokens.shop_id
    creds = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    refreshed = connector.refresh(credentials=creds)
    assert refreshed.refresh_token != tokens.refresh_token
    with pytest.raises(AuthError):
        connector.refresh(credentials=creds)  # a spent refresh token is refused
    creds = Credentials(shop_id=tokens.shop_id, access_token=refreshed.access_token, refresh_token=refreshed.refresh_token)
    # metadata and validation
    assert any(node.external_id == sandbox.category_id and node.is_leaf for node in connector.categories(credentials=creds))
    attributes = connector.category_attributes(credentials=creds, category_id=sandbox.category_id)
    rules = connector.listing_rules(credentials=creds, category_id=sandbox.category_id)
    assert any(ch.external_id == sandbox.shipping_channel_id for ch in connector.shipping_channels(credentials=creds))
    good = draft(sandbox)
    assert connector.validate(draft=good, attributes=attributes, rules=rules) == []
    bad = ListingDraft(product_id=2, sku="X", name="", description="", variants=(), images=())
    assert {p.field for p in connector.validate(draft=bad, attributes=attributes, rules=rules)} >= {"images", "variants"}
    assert connector.fingerprint(draft=good, attributes=attributes) == connector.fingerprint(draft=draft(sandbox), attributes=attributes)
    # listings
    if not connector.supports(Capability.LISTINGS):
        return
    created = []
    uploaded: dict[str, str] = {}
    result = connector.publish(credentials=creds, draft=good, uploaded_images=uploaded, on_created=created.append,
                               attributes=attributes)
    assert created == [result.external_id] and set(uploaded) == {"img-1"}
    assert set(result.variant_ids_by_sku) == {"CT-1-200", "CT-1-500"}
    # by the product's SKU where the marketplace keeps one (Shopee's item_sku), otherwise by a variant's
    # SKU (Lazada keeps SellerSku per variant only; its publish looks every variant SKU up before creating)
    found = connector.find_by_sku(credentials=creds, sku="CT-1") or connector.find_by_sku(credentials=creds,
                                                                                          sku="CT-1-200")
    assert [f.external_id for f in found] == [result.external_id]
    assert found[0].variant_ids_by_sku == result.variant_ids_by_sku
    again = connector.update(credentials=creds, external_id=result.external_id, draft=good, variant_ids_by_sku={},
                             uploaded_images=uploaded, attributes=attributes)
    assert again.variant_ids_by_sku == result.variant_ids_by_sku
    if connector.supports(Capability.PRICE_STOCK):
        ids = list(result.variant_ids_by_sku.values())
        outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
            PriceStockUpdate(external_variant_id=ids[0], price_vnd=47_000, stock=3),
            PriceStockUpdate(external_variant_id="999999", stock=1)])
        assert outcome.succeeded == (ids[0],) and set(outcome.failed) == {"999999"}
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)
    connector.pause(credentials=creds, external_id=result.external_id, paused=False)
    connector.delist(credentials=creds, external_id=result.external_id)
    connector.delist(credentials=creds, external_id=result.external_id)  # idempotent
    assert connector.find_by_sku(credentials=creds, sku="CT-1") == []
