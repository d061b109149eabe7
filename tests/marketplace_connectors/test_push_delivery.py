"""Push notifications through our endpoint, for every registered marketplace that pushes (Capability.PUSH).

Each marketplace's simulator sells from a connected shop with a live listing and sends its signed push to a
stand-in receiver, which records the exact bytes and headers; the test hands them to
``/marketplaces/push/<code>/`` as the marketplace would. Marketplaces deliver at least once, so a push may
come twice; a forged or altered one must change nothing. Pushes that carry only an order id make our
endpoint fetch the order from the simulator, which keeps running for that.

A marketplace added to settings.MARKETPLACE_CONNECTORS with Capability.PUSH is covered here automatically.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse

from marketplace_connectors import crypto, sync
from marketplace_connectors.base import Capability, OrderStatus
from marketplace_connectors.models import (
    CategoryMapping,
    ListingBinding,
    ListingStatus,
    MarketplaceAccount,
    PushReceipt,
    SyncKind,
)
from marketplace_connectors.registry import connector_get, connector_list, registry_reset
from marketplace_connectors.selectors import order_list
from marketplace_sandbox.sandbox import sandbox_start
from sme.catalog.models import Product, StockReason
from sme.catalog.selectors import stock_movement_list_for_business, variant_list_for_product

from .factories import AccountFactory, rice_category
from .lazada.factories import lazada_product


def _push_codes() -> list[str]:
    registry_reset()
    try:
        return [c.code for c in connector_list() if c.supports(Capability.PUSH)]
    finally:
        registry_reset()


PUSH_CODES = _push_codes()
# Headers that describe the transport, not the push: the test client sets them itself.
TRANSPORT_HEADERS = {"content-length", "content-type", "connection", "transfer-encoding"}
PLAIN_HTTP_HEADERS = TRANSPORT_HEADERS | {"host", "user-agent", "accept-encoding", "accept"}


@dataclass(frozen=True)
class Push:
    """One push as it arrived at the receiver: every header (as sent) and the raw body."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Shop:
    """A connected shop with one live product (two variants, 20 and 21 in stock) on a running simulator."""

    code: str
    sim: Any
    account: MarketplaceAccount
    product: Product
    received: list[Push]

    @property
    def skus(self) -> list[str]:
        return [v.sku for v in variant_list_for_product(product=self.product)]

    def pushes_after(self, action: Callable[[], str | None]) -> tuple[str | None, list[Push]]:
        """Do ``action`` on the marketplace; what it returned and the pushes it sent, once delivered."""
        seen = len(self.received)
        result = action()
        self.sim.wait_for_deliveries(timeout=10)
        return result, self.received[seen:]

    def stock(self) -> dict[str, int]:
        """The catalog's stock per SKU, as the owner's product page shows it."""
        return {v.sku: v.stock for v in variant_list_for_product(product=self.product)}

    def movements(self) -> list[tuple[str, int, str]]:
        """The business's stock ledger, oldest first: (SKU, change, reason)."""
        ledger = stock_movement_list_for_business(business=self.account.business)
        return [(m.variant.sku, m.delta, m.reason) for m in reversed(ledger)]

    def orders(self) -> list[tuple[str, str, list[tuple[str, int]]]]:
        """The owner's order list: (marketplace order id, status, [(SKU, quantity)])."""
        return [(o.external_id, o.status, [(line.sku, line.quantity) for line in o.lines.all()])
                for o in order_list(business=self.account.business)]


@pytest.fixture
def receiver():
    """Stands in for our public push address: records each POST (headers as sent, raw body), answers 200
    with no body (what Shopee requires for an acknowledgement)."""
    received: list[Push] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(Push(headers=dict(self.headers.items()), body=body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


@pytest.fixture(params=PUSH_CODES)
def shop(request, settings, db, media, receiver, django_capture_on_commit_callbacks):
    """The marketplace's sandbox simulator with the connector pointed at it, a shop connected with tokens
    (or keys) it issued, our rice category mapped, one product published and live, and the simulator's
    push address set to the receiver under our endpoint's path (Shopee signs the URL)."""
    code = request.param
    registry_reset()
    sandbox = sandbox_start(code)
    try:
        for key, value in sandbox.settings.items():
            setattr(settings, key, value)
        settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
        settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)
        settings.MARKETPLACE_PUSH_BASE_URL = ""  # our endpoint signs for the URL it was called at
        settings.DEFAULT_PLAN = "growth"  # stock follows orders automatically on paid plans
        registry_reset()
        crypto._fernet.cache_clear()
        connector = connector_get(code)
        tokens = sandbox.connect(connector)
        account = AccountFactory(
            marketplace=code, external_shop_id=tokens.shop_id, shop_name=tokens.shop_name or code,
            logistics_channel_id=sandbox.shipping_channel_id, access_expires_at=tokens.access_expires_at,
            refresh_expires_at=tokens.refresh_expires_at)
        account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        account.save()
        CategoryMapping.objects.create(account=account, category=rice_category(),
                                       external_category_id=sandbox.category_id,
                                       attribute_values=sandbox.attribute_values)
        # package sizes and a name long enough for every marketplace
        product = lazada_product(account.business, n=1, name="Gạo ST25 Đồng Tháp túi hút chân không 1")
        with django_capture_on_commit_callbacks(execute=True):
            sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[product.pk])
        listing = ListingBinding.objects.get(account=account, product=product)
        if listing.status == ListingStatus.UNDER_REVIEW:  # the marketplace's reviewers approve it
            sandbox.decide_review(listing.external_id, True, "")
            with django_capture_on_commit_callbacks(execute=True):
                sync.listing_review_check(binding_id=listing.pk)
            listing.refresh_from_db()
        assert listing.status == ListingStatus.LIVE, listing.last_error
        port, received = receiver
        path = reverse("marketplaces:push_receive", args=[code])
        sandbox.simulator.push_url = f"http://127.0.0.1:{port}{path}"
        yield Shop(code=code, sim=sandbox.simulator, account=account, product=product, received=received)
    finally:
        sandbox.simulator.stop()
        registry_reset()


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """POST a push to our endpoint with its exact body and headers (the Host too: Shopee signs the URL),
    running what the endpoint queues (the order import, the stock push) as the workers would."""

    def post(code: str, push: Push, *, body: bytes | None = None, headers: dict[str, str] | None = None):
        headers = push.headers if headers is None else headers
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        forwarded = {k: v for k, v in headers.items() if k.lower() not in TRANSPORT_HEADERS}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("marketplaces:push_receive", args=[code]),
                               data=push.body if body is None else body,
                               content_type=content_type or "application/json", headers=forwarded)

    return post


def one_byte_changed(body: bytes, order_id: str) -> bytes:
    """The body naming another order: the last character of the order id's first occurrence changed."""
    at = body.index(order_id.encode()) + len(order_id) - 1
    old = body[at:at + 1]
    new = b"0" if old != b"0" and old.isdigit() else b"1" if old.isdigit() else b"X" if old != b"X" else b"Y"
    return body[:at] + new + body[at + 1:]


def test_every_marketplace_that_pushes_is_covered():
    assert {"shopee", "lazada", "tiktok", "woocommerce"} <= set(PUSH_CODES)


def test_a_push_delivered_twice_imports_the_order_once_and_moves_stock_once(shop, deliver):
    # given a buyer's order of 2 units of the first variant on the marketplace, and what it pushed
    first, second = shop.skus
    ledger = shop.movements()
    order_id, pushes = shop.pushes_after(lambda: shop.sim.create_order(shop_id=shop.account.external_shop_id,
                                                                       items=[(first, 2)]))
    assert pushes and all(order_id.encode() in p.body for p in pushes)
    # when every push reaches our endpoint twice
    answers = [deliver(shop.code, push).status_code for push in pushes for _ in range(2)]
    # then each delivery is acknowledged, and the order is there once and took its units once
    assert all(200 <= status < 300 for status in answers), answers
    [(external_id, status, lines)] = shop.orders()
    assert (external_id, lines) == (order_id, [(first, 2)]) and OrderStatus(status).holds_stock
    assert shop.stock() == {first: 18, second: 21}
    assert shop.movements()[len(ledger):] == [(first, -2, StockReason.ORDER)]
    assert PushReceipt.objects.filter(marketplace=shop.code).count() == len({p.body for p in pushes})
    # and the marketplace was told the same stock
    assert shop.sim.stock_of(shop_id=shop.account.external_shop_id, sku=first) == 18


def test_a_tampered_or_wrongly_signed_push_is_refused_and_changes_nothing(shop, deliver):
    # given two buyers' orders on the marketplace, and what each pushed (nothing has reached us yet)
    first, second = shop.skus
    shop_id = shop.account.external_shop_id
    order_a, pushes_a = shop.pushes_after(lambda: shop.sim.create_order(shop_id=shop_id, items=[(first, 2)]))
    _order_b, pushes_b = shop.pushes_after(lambda: shop.sim.create_order(shop_id=shop_id, items=[(second, 1)]))
    assert pushes_a and pushes_b
    a, b = pushes_a[0], pushes_b[0]
    ledger = shop.movements()
    tampered = one_byte_changed(a.body, order_a)
    assert len(tampered) == len(a.body) and sum(x != y for x, y in zip(tampered, a.body, strict=True)) == 1
    unsigned = {k: v for k, v in a.headers.items() if k.lower() in PLAIN_HTTP_HEADERS}
    # when pushes reach our endpoint with a byte of the body changed, another push's signature, or none
    answers = [
        deliver(shop.code, a, body=tampered).status_code,
        deliver(shop.code, a, headers=b.headers).status_code,
        deliver(shop.code, b, headers=a.headers).status_code,
        deliver(shop.code, a, headers=unsigned).status_code,
    ]
    # then each is refused and nothing changed: no order, no receipt, the same stock and ledger
    assert answers == [401, 401, 401, 401]
    assert shop.orders() == []
    assert PushReceipt.objects.count() == 0
    assert shop.stock() == {first: 20, second: 21}
    assert shop.movements() == ledger
    # and the genuine push with the same body is still accepted (the refusals were the signature's doing)
    assert deliver(shop.code, a).status_code == 200
    assert [(o[0], o[2]) for o in shop.orders()] == [(order_a, [(first, 2)])]
    assert shop.stock() == {first: 18, second: 21}


def test_a_cancellation_push_delivered_twice_gives_the_stock_back_once(shop, deliver):
    # given an order of 3 units imported from its push
    first, second = shop.skus
    ledger = shop.movements()
    order_id, created = shop.pushes_after(lambda: shop.sim.create_order(shop_id=shop.account.external_shop_id,
                                                                        items=[(first, 3)]))
    assert all(deliver(shop.code, push).status_code == 200 for push in created)
    assert shop.stock() == {first: 17, second: 21}
    # when the buyer cancels it and the marketplace pushes that twice, and the old push comes late once more
    _, cancelled = shop.pushes_after(
        lambda: shop.sim.set_order_status(order_id=order_id, status=OrderStatus.CANCELLED))
    assert cancelled and all(order_id.encode() in p.body for p in cancelled)
    answers = [deliver(shop.code, push).status_code for push in cancelled for _ in range(2)]
    answers += [deliver(shop.code, push).status_code for push in created]
    # then the order is cancelled and its 3 units came back exactly once
    assert all(200 <= status < 300 for status in answers), answers
    assert shop.orders() == [(order_id, OrderStatus.CANCELLED, [(first, 3)])]
    assert shop.stock() == {first: 20, second: 21}
    assert shop.movements()[len(ledger):] == [(first, -3, StockReason.ORDER), (first, 3, StockReason.RETURN)]
    assert shop.sim.stock_of(shop_id=shop.account.external_shop_id, sku=first) == 20
