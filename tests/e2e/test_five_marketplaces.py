"""One product on all five sandbox marketplaces, in the browser: the owner connects their WooCommerce web
shop with its keys, publishes the product to Shopee, Lazada, TikTok Shop, Tiki and WooCommerce, and sees
each status: live at once on three, a TikTok Shop audit rejection with its reason, and a Tiki request
waiting for approval that later goes live (phone, Vietnamese)."""

import re

import pytest
from playwright.sync_api import expect

from marketplace_connectors import crypto, tasks
from marketplace_connectors.base import Capability
from marketplace_connectors.models import CategoryMapping, ListingBinding, ListingStatus, MarketplaceAccount
from marketplace_connectors.registry import connector_codes, connector_get, registry_reset
from marketplace_sandbox.sandbox import sandbox_start
from tests.factories import DEFAULT_PASSWORD
from tests.marketplace_connectors.factories import AccountFactory, owner_membership, rice_category
from tests.marketplace_connectors.lazada.factories import lazada_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = connector_codes()


@pytest.fixture
def sandboxes(settings, tmp_path):
    """Every marketplace's simulator, with the settings pointing its connector at it."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    started = {}
    for code in CODES:
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
    connector = connector_get(code)
    tokens = sandbox.connect(connector)
    account = AccountFactory(business=business, marketplace=code, external_shop_id=tokens.shop_id,
                             shop_name=tokens.shop_name or code, logistics_channel_id=sandbox.shipping_channel_id,
                             access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return account


def map_category(account, sandbox):
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=sandbox.category_id,
                                   attribute_values=sandbox.attribute_values)


def test_one_product_on_five_marketplaces_with_an_audit_rejection_and_a_request_waiting(live_server, page, sandboxes, settings):
    # given an owner with one product, and sandbox shops on four marketplaces (TikTok Shop and Tiki review
    # new listings by hand in this test)
    settings.DEFAULT_PLAN = "pro"
    membership = owner_membership(preferred_language="vi")
    business = membership.business
    product = lazada_product(business, n=1, name="Gạo ST25 Đồng Tháp túi hút chân không")
    sandboxes["tiktok"].simulator.audit_seconds = None
    base = live_server.url
    sandboxes["tiktok"].simulator.push_url = f"{base}/marketplaces/push/tiktok/"
    accounts = {code: connect(code, sandboxes[code], business) for code in CODES if code != "woocommerce"}
    for code, account in accounts.items():
        map_category(account, sandboxes[code])
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", membership.user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they connect their WooCommerce web shop with its address and keys
    woo = sandboxes["woocommerce"]
    assert connector_get("woocommerce").supports(Capability.KEYS)
    page.goto(base + "/marketplaces/")
    page.get_by_role("button", name="Kết nối shop WooCommerce").click()
    page.wait_for_url("**/connect/woocommerce/keys/")
    params = woo.callback_params()
    page.get_by_label("Địa chỉ cửa hàng").fill(params["shop_url"])
    page.get_by_label("Consumer key (khóa)").fill(params["key"])
    page.get_by_label("Consumer secret (mã bí mật)").fill(params["secret"])
    page.get_by_role("button", name="Kiểm tra và kết nối").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/$"))
    accounts["woocommerce"] = MarketplaceAccount.objects.get(marketplace="woocommerce")
    map_category(accounts["woocommerce"], woo)

    # and publish the product on each shop
    for code in CODES:
        page.goto(f"{base}/marketplaces/{accounts[code].pk}/")
        page.check(f"#product-{product.pk}")
        page.get_by_role("button", name="Đăng các sản phẩm đã chọn").click()
        page.wait_for_load_state()
        assert "/runs/" in page.url, (code, list(ListingBinding.objects.filter(account=accounts[code])
                                                 .values_list("last_error", flat=True)))
        expect(page.locator("#run")).to_have_attribute("data-finished", "1")

    # then it is live on Shopee, Lazada and WooCommerce, and waits for TikTok Shop's and Tiki's reviewers
    def status(code):
        return ListingBinding.objects.get(account=accounts[code], product=product).status

    assert {code: status(code) for code in CODES} == {
        "shopee": ListingStatus.LIVE, "lazada": ListingStatus.LIVE, "woocommerce": ListingStatus.LIVE,
        "tiktok": ListingStatus.UNDER_REVIEW, "tiki": ListingStatus.UNDER_REVIEW}
    page.goto(f"{base}/marketplaces/{accounts['tiki'].pk}/")
    expect(page.locator(f"tr[data-product='{product.pk}'] .badge")).to_have_text("Sàn đang duyệt")

    # when TikTok Shop's reviewers reject it (their decision reaches us as a signed push) ...
    tiktok_listing = ListingBinding.objects.get(account=accounts["tiktok"], product=product)
    sandboxes["tiktok"].simulator.decide_audit(tiktok_listing.external_id, False, "Ảnh bìa có chữ quảng cáo")
    sandboxes["tiktok"].simulator.wait_for_deliveries()
    # ... and Tiki's approve the request (found by the scheduled check)
    tiki_listing = ListingBinding.objects.get(account=accounts["tiki"], product=product)
    request_id = tiki_listing.external_id
    sandboxes["tiki"].simulator.decide_request(request_id.split(":", 1)[-1], True)
    tasks.listings_review_poll_task()

    # then the owner sees the rejection with its reason, and the Tiki listing live under its product id
    page.goto(f"{base}/marketplaces/{accounts['tiktok'].pk}/")
    row = page.locator(f"tr[data-product='{product.pk}']")
    expect(row.locator(".mkt-error")).to_contain_text("Ảnh bìa có chữ quảng cáo")
    tiki_listing.refresh_from_db()
    assert tiki_listing.status == ListingStatus.LIVE and tiki_listing.external_id != request_id
    page.goto(f"{base}/marketplaces/{accounts['tiki'].pk}/")
    expect(page.locator(f"tr[data-product='{product.pk}'] .mkt-external-id")).to_have_text(tiki_listing.external_id)
