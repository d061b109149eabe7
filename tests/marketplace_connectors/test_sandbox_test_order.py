"""The sandbox's "place a test order" page (issue 18 item 6), with the platform behind it: on each of the five
sandbox marketplaces a buyer orders a listed product on the page, the marketplace tells the platform as it
does (a signed push; Tiki: the next scheduled import), the order shows in the owner's orders and the stock
moves in the catalog and on the owner's other marketplace. The shop page links to the page only for a shop
on a sandbox marketplace."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from marketplace_connectors import crypto, tasks
from marketplace_connectors.base import Capability
from marketplace_connectors.models import CategoryMapping, ListingBinding, ListingStatus, Order
from marketplace_connectors.registry import connector_codes, connector_get, registry_reset
from marketplace_sandbox.buyer_orders import BUYER_ORDER_PATH
from marketplace_sandbox.sandbox import sandbox_start
from sme.catalog.models import Variant
from tests.sme.billing.factories import ensure_plans

from .factories import AccountFactory, owner_membership, rice_category
from .lazada.factories import lazada_product

pytestmark = pytest.mark.django_db(transaction=True)

CODES = connector_codes()


@pytest.fixture(autouse=True)
def growth_plan(settings):
    """Automatic stock sync comes with paid plans; without Stripe every business runs on DEFAULT_PLAN. The
    plans (a data migration) are restored after an earlier transactional test flushed the tables."""
    settings.DEFAULT_PLAN = "growth"
    ensure_plans()


def start(codes, settings, tmp_path, live_server):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    settings.MARKETPLACE_PUSH_BASE_URL = live_server.url
    started = {}
    for code in codes:
        registry_reset()
        sandbox = sandbox_start(code)
        for key, value in sandbox.settings.items():
            setattr(settings, key, value)
        started[code] = sandbox
    settings.MARKETPLACE_SANDBOX_ORDER_PAGES = {code: s.simulator.url + BUYER_ORDER_PATH for code, s in started.items()}
    registry_reset()
    crypto._fernet.cache_clear()
    return started


def connect(code, sandbox, business):
    connector = connector_get(code)
    if connector.supports(Capability.KEYS):
        tokens = connector.connect_with_keys(**sandbox.callback_params())
    else:
        tokens = connector.exchange_code(params=sandbox.callback_params())
    account = AccountFactory(business=business, marketplace=code, external_shop_id=tokens.shop_id,
                             shop_name=tokens.shop_name or code, logistics_channel_id=sandbox.shipping_channel_id,
                             access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=sandbox.category_id,
                                   attribute_values=sandbox.attribute_values)
    return account


def publish_live(client, account, product, sandbox):
    """Publish through the owner's shop page; a marketplace that reviews new listings approves it."""
    client.post(reverse("marketplaces:listing_publish", args=[account.pk]), {"product": [product.pk]})
    binding = ListingBinding.objects.get(account=account, product=product)
    if binding.status == ListingStatus.UNDER_REVIEW:
        sandbox.decide_review(binding.external_id, True, "")
        tasks.listings_review_poll_task()
        binding.refresh_from_db()
    assert binding.status == ListingStatus.LIVE, (account.marketplace, binding.status, binding.last_error)


def fetch(url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.mark.parametrize("code", CODES)
def test_a_test_order_placed_on_the_sandbox_page_reaches_the_owner_and_moves_stock_everywhere(
        code, settings, tmp_path, live_server, client):
    # given an owner whose product is live on the sandbox marketplace and on a second one
    other = "lazada" if code != "lazada" else "shopee"
    sandboxes = start([code, other], settings, tmp_path, live_server)
    membership = owner_membership(preferred_language="vi")
    client.force_login(membership.user)
    product = lazada_product(membership.business, n=1, name="Gạo ST25 Đồng Tháp túi hút chân không")
    accounts = {c: connect(c, sandboxes[c], membership.business) for c in (code, other)}
    for c in (code, other):
        publish_live(client, accounts[c], product, sandboxes[c])
    # pushes reach the platform from now on (an audit's push meeting the publish would lock SQLite's tables)
    for c in (code, other):
        sandboxes[c].simulator.push_url = live_server.url + reverse("marketplaces:push_receive", args=[c])
    variant = Variant.objects.get(sku="LZ-0001-1")
    sim, other_sim = sandboxes[code].simulator, sandboxes[other].simulator
    assert variant.stock == 20 and other_sim.stock_of(shop_id=accounts[other].external_shop_id, sku=variant.sku) == 20

    # when the trainer opens the test-order page the shop page links to
    shop_page = client.get(reverse("marketplaces:listing_list", args=[accounts[code].pk])).content.decode()
    link = f'{sim.url}{BUYER_ORDER_PATH}?{urllib.parse.urlencode({"shop": accounts[code].external_shop_id, "lang": "vi"})}'
    assert f'href="{link.replace("&", "&amp;")}"' in shop_page
    status, page = fetch(link)
    assert status == 200 and 'name="viewport"' in page and "Đặt đơn thử" in page
    assert "LZ-0001-1" in page and "còn 20" in page
    # a quantity above the stock is refused with a clear message and changes nothing
    status, page = fetch(sim.url + BUYER_ORDER_PATH, {"shop": accounts[code].external_shop_id, "sku": "LZ-0001-1",
                                                      "quantity": "21", "lang": "vi"})
    assert status == 400 and "Số lượng phải từ 1 đến 20." in page
    assert sim.stock_of(shop_id=accounts[code].external_shop_id, sku="LZ-0001-1") == 20
    # and places an order of 2 bags
    status, page = fetch(sim.url + BUYER_ORDER_PATH, {"shop": accounts[code].external_shop_id, "sku": "LZ-0001-1",
                                                      "quantity": "2", "lang": "vi"})
    assert status == 200 and "Đã đặt đơn" in page
    if code == "tiki":  # Tiki sends no notification: the scheduled import finds the order
        assert "không gửi thông báo" in page
        tasks.orders_import_due_task()
    else:
        assert "đã gửi thông báo đơn mới tới nền tảng" in page

    # then the order is the owner's, the catalog's stock went down, and so did the other marketplace's
    assert wait_until(lambda: Order.objects.filter(account=accounts[code]).exists()), sim.deliveries
    order = Order.objects.get(account=accounts[code])
    assert order.lines.get().quantity == 2
    assert order.external_id in client.get(reverse("marketplaces:order_list")).content.decode()
    assert wait_until(lambda: Variant.objects.get(pk=variant.pk).stock == 18)
    assert wait_until(lambda: other_sim.stock_of(shop_id=accounts[other].external_shop_id, sku=variant.sku) == 18)
    assert sim.stock_of(shop_id=accounts[code].external_shop_id, sku="LZ-0001-1") == 18
    for sandbox in sandboxes.values():
        sandbox.simulator.stop()


def test_the_shop_page_links_to_the_test_order_page_only_for_a_shop_on_a_sandbox_marketplace(settings, client):
    # given an owner with a connected Shopee shop, and a demo shop that was never connected (no token)
    membership = owner_membership(preferred_language="vi")
    client.force_login(membership.user)
    connected = AccountFactory(business=membership.business, marketplace="shopee", external_shop_id="14701711")
    connected.set_tokens(access_token="a", refresh_token="r")
    connected.save()
    demo = AccountFactory(business=membership.business, marketplace="lazada", external_shop_id="demo-1")
    web_shop = AccountFactory(business=membership.business, marketplace="woocommerce",
                              external_shop_id="https://shop.example.vn")
    web_shop.set_tokens(access_token="ck", refresh_token="cs")
    web_shop.save()

    def page(account):
        return client.get(reverse("marketplaces:listing_list", args=[account.pk])).content.decode()

    # on a real marketplace (no sandbox pages): no link
    settings.MARKETPLACE_SANDBOX_ORDER_PAGES = {}
    assert "Đặt đơn thử với vai người mua" not in page(connected)
    # make run's sandboxes: the connected shop links to its sandbox page; the demo shop and a web shop that is
    # not the sandbox's own do not
    settings.MARKETPLACE_SANDBOX_ORDER_PAGES = {
        "shopee": "http://127.0.0.1:8701" + BUYER_ORDER_PATH, "lazada": "http://127.0.0.1:8702" + BUYER_ORDER_PATH,
        "woocommerce": "http://127.0.0.1:8705" + BUYER_ORDER_PATH}
    assert f'href="http://127.0.0.1:8701{BUYER_ORDER_PATH}?shop=14701711&amp;lang=vi"' in page(connected)
    assert "Đặt đơn thử với vai người mua" in page(connected)
    assert BUYER_ORDER_PATH not in page(demo)
    assert BUYER_ORDER_PATH not in page(web_shop)
