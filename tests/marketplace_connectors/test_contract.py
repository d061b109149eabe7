"""The contract every registered connector keeps, run against each connector's own simulator.

Adding a marketplace to settings.MARKETPLACE_CONNECTORS adds it here automatically.
"""

import datetime as dt
import http.server
import threading

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from marketplace_connectors import crypto
from marketplace_connectors.base import (
    Capability,
    Connector,
    Credentials,
    ImageDraft,
    ListingDraft,
    OrderStatus,
    PriceStockUpdate,
    PushRejected,
    ReviewState,
    VariantDraft,
)
from marketplace_connectors.errors import AuthError
from marketplace_connectors.registry import connector_get, connector_list, registry_reset
from marketplace_sandbox.sandbox import sandbox_start

from .factories import png_bytes

CODES = [path.rsplit(".", 1)[-1] for path in django_settings.MARKETPLACE_CONNECTORS]


@pytest.fixture(params=django_settings.MARKETPLACE_CONNECTORS, ids=CODES)
def harness(request, settings):
    registry_reset()
    crypto._fernet.cache_clear()
    from django.utils.module_loading import import_string

    connector = import_string(request.param)()
    sandbox = sandbox_start(connector.code)
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
    if connector.supports(Capability.KEYS):
        tokens = connector.connect_with_keys(**sandbox.callback_params())
        assert tokens.access_token and tokens.refresh_token and tokens.shop_id
        creds = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        with pytest.raises(AuthError):
            connector.connect_with_keys(**{**sandbox.callback_params(), "secret": "wrong-secret"})
    else:
        tokens = connector.exchange_code(params=sandbox.callback_params())
        assert tokens.access_token and tokens.refresh_token and tokens.shop_id
        creds = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        refreshed = connector.refresh(credentials=creds)
        assert refreshed.refresh_token != tokens.refresh_token
        with pytest.raises(AuthError):
            connector.refresh(credentials=creds)  # a spent refresh token is refused
        creds = Credentials(shop_id=tokens.shop_id, access_token=refreshed.access_token,
                            refresh_token=refreshed.refresh_token)
    # metadata and validation
    assert any(node.external_id == sandbox.category_id and node.is_leaf for node in connector.categories(credentials=creds))
    attributes = connector.category_attributes(credentials=creds, category_id=sandbox.category_id)
    rules = connector.listing_rules(credentials=creds, category_id=sandbox.category_id)
    if connector.supports(Capability.SHIPPING_CHANNELS):
        assert any(ch.external_id == sandbox.shipping_channel_id for ch in connector.shipping_channels(credentials=creds))
    else:  # the marketplace chooses the carrier: the connector has no method for it
        assert not hasattr(connector, "shipping_channels") and sandbox.shipping_channel_id == ""
    good = draft(sandbox)
    assert connector.validate(draft=good, attributes=attributes, rules=rules) == []
    bad = ListingDraft(product_id=2, sku="X", name="", description="", variants=(), images=())
    assert {p.field for p in connector.validate(draft=bad, attributes=attributes, rules=rules)} >= {"images", "variants"}
    assert connector.fingerprint(draft=good, attributes=attributes) == connector.fingerprint(draft=draft(sandbox), attributes=attributes)
    # listings
    if not connector.supports(Capability.LISTINGS):
        return
    uploaded: dict[str, str] = {}
    # the synchronizer's three steps: the listing exists (and has its id) before its variants are added
    plan = connector.publish_prepare(credentials=creds, draft=good, uploaded_images=uploaded, attributes=attributes)
    assert plan.existing is None
    created = connector.publish_create(credentials=creds, draft=good, plan=plan)
    result = connector.publish_complete(credentials=creds, draft=good, plan=plan, created=created,
                                        uploaded_images=uploaded, attributes=attributes)
    assert created.external_id == result.external_id and set(uploaded) == {"img-1"}
    if result.review == ReviewState.UNDER_REVIEW:
        # the marketplace audits new listings: it says so until its reviewers decide
        assert connector.supports(Capability.REVIEW) and sandbox.decide_review is not None
        assert connector.review_status(credentials=creds, external_id=result.external_id).state == ReviewState.UNDER_REVIEW
        sandbox.decide_review(result.external_id, True, "")
        decided = connector.review_status(credentials=creds, external_id=result.external_id)
        assert decided.state == ReviewState.LIVE
        if decided.external_id:
            result = type(result)(external_id=decided.external_id,
                                  variant_ids_by_sku=decided.variant_ids_by_sku or result.variant_ids_by_sku,
                                  image_ids=result.image_ids)
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
    if connector.supports(Capability.ORDERS):
        orders_contract(connector, sandbox, creds, shop_id=tokens.shop_id)
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)
    connector.pause(credentials=creds, external_id=result.external_id, paused=False)
    connector.delist(credentials=creds, external_id=result.external_id)
    connector.delist(credentials=creds, external_id=result.external_id)  # idempotent
    assert connector.find_by_sku(credentials=creds, sku="CT-1") == []


class _PushCatcher(http.server.BaseHTTPRequestHandler):
    """Stands in for our push endpoint: records what the simulator sends and answers 200 with no body."""

    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def orders_contract(connector, sandbox, creds, *, shop_id: str) -> None:
    """An order placed on the marketplace is found by the import and by id, with its SKU and quantity, and
    its cancellation is seen; with PUSH, the simulator's push verifies and a tampered one is refused."""
    sim = sandbox.simulator
    catcher = None
    if connector.supports(Capability.PUSH):
        _PushCatcher.received = []
        catcher = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PushCatcher)
        threading.Thread(target=catcher.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        sim.push_url = f"http://127.0.0.1:{catcher.server_address[1]}/marketplaces/push/{connector.code}/"
    try:
        since = timezone.now() - dt.timedelta(minutes=5)
        before = sim.stock_of(shop_id=shop_id, sku="CT-1-500")
        order_id = sim.create_order(shop_id=shop_id, items=[("CT-1-500", 2)])
        assert sim.stock_of(shop_id=shop_id, sku="CT-1-500") == before - 2
        found = [o for o in connector.orders_updated_since(credentials=creds, since=since) if o.external_id == order_id]
        assert len(found) == 1 and found[0].status.holds_stock
        assert [(line.sku, line.quantity) for line in found[0].lines] == [("CT-1-500", 2)]
        sim.set_order_status(order_id=order_id, status=OrderStatus.CANCELLED)
        assert connector.order_get(credentials=creds, external_id=order_id).status == OrderStatus.CANCELLED
        assert sim.stock_of(shop_id=shop_id, sku="CT-1-500") == before
        if catcher is not None:
            deadline = timezone.now() + dt.timedelta(seconds=10)
            while len(_PushCatcher.received) < 2 and timezone.now() < deadline:
                threading.Event().wait(0.05)
            headers, body = _PushCatcher.received[0]
            events = connector.verify_push(body=body, headers=headers, url=sim.push_url)
            assert any(e.kind == "order" and e.external_id == order_id and e.shop_id == shop_id for e in events)
            with pytest.raises(PushRejected):
                connector.verify_push(body=body.replace(order_id.encode(), b"999"), headers=headers, url=sim.push_url)
    finally:
        sim.push_url = None
        if catcher is not None:
            catcher.shutdown()
