"""One stock across marketplaces, in the browser: an owner with sandbox Shopee and Lazada shops publishes a
product to both; a buyer orders on Lazada; the order shows in the owner's orders list, the Shopee shop's
stock goes down with the catalog's, and the journey's "first order" step turns done (phone, Vietnamese)."""

import re
import time

import pytest
from playwright.sync_api import expect

from cms.demo import seed_journey
from cms.models import OnboardingStepPage
from marketplace_connectors.backends.lazada.connector import LazadaConnector
from marketplace_connectors.backends.shopee.connector import ShopeeConnector
from marketplace_connectors.models import ListingBinding, ListingStatus, Order
from sme.catalog.models import Variant
from tests.factories import DEFAULT_PASSWORD
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401
from tests.marketplace_connectors.factories import AccountFactory, map_rice, owner_membership
from tests.marketplace_connectors.lazada.conftest import lazada, lazada_locale  # noqa: F401
from tests.marketplace_connectors.lazada.factories import lazada_product
from tests.marketplace_connectors.lazada.factories import map_rice as map_rice_lazada

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def growth_plan(settings):
    """Automatic stock sync comes with paid plans; without Stripe every business runs on DEFAULT_PLAN."""
    settings.DEFAULT_PLAN = "growth"


def connect(connector, params, business, **fields):
    tokens = connector.exchange_code(params=params)
    account = AccountFactory(business=business, external_shop_id=tokens.shop_id, shop_name=tokens.shop_name or "",
                             access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at,
                             **fields)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return account


def publish_in_browser(page, base, account, product):
    page.goto(f"{base}/marketplaces/{account.pk}/")
    page.check(f"#product-{product.pk}")
    page.get_by_role("button", name="Đăng các sản phẩm đã chọn").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/runs/\d+/$"))
    expect(page.locator("#run")).to_have_attribute("data-finished", "1")
    expect(page.locator("#run-succeeded")).to_have_text("1")


def wait_until(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_an_order_on_lazada_moves_the_stock_on_shopee_and_shows_in_the_orders_list(
        live_server, page, shopee, lazada):  # noqa: F811
    # given the journey, an owner with one rice product (20 + 21 units), and sandbox Shopee and Lazada shops
    seed_journey()
    membership = owner_membership(preferred_language="vi")
    business = membership.business
    product = lazada_product(business, n=1)  # with the package sizes Lazada requires
    code, shop_id = shopee.issue_code()
    shopee_shop = connect(ShopeeConnector(), {"code": code, "shop_id": str(shop_id)}, business)
    lazada_code, _seller = lazada.issue_code("200100300")
    lazada_shop = connect(LazadaConnector(), {"code": lazada_code}, business, marketplace="lazada",
                          logistics_channel_id="lazada")
    map_rice(shopee_shop)
    map_rice_lazada(lazada_shop)
    base = live_server.url
    shopee.push_url = f"{base}/marketplaces/push/shopee/"
    lazada.push_url = f"{base}/marketplaces/push/lazada/"
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", membership.user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when the owner publishes the product to both shops
    publish_in_browser(page, base, shopee_shop, product)
    publish_in_browser(page, base, lazada_shop, product)
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert shopee.stock_of(shop_id=shopee_shop.external_shop_id, sku="LZ-0001-2") == 21
    assert lazada.stock_of(shop_id=lazada_shop.external_shop_id, sku="LZ-0001-2") == 21

    # and a buyer orders 3 bags of the 2 kg size on Lazada
    order_id = lazada.create_order(shop_id=lazada_shop.external_shop_id, items=[("LZ-0001-2", 3)])

    # then the catalog and the Shopee shop follow (Lazada's push imports the order at once)
    assert wait_until(lambda: shopee.stock_of(shop_id=shopee_shop.external_shop_id, sku="LZ-0001-2") == 18)
    assert Variant.objects.get(sku="LZ-0001-2").stock == 18
    assert Order.objects.get(external_id=str(order_id)).marketplace == "lazada"

    # and the order shows in the owner's orders list
    page.goto(base + "/marketplaces/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Đơn hàng").first.click()
    row = page.locator(f"tr[data-order='{order_id}']")
    expect(row).to_contain_text("Lazada")
    expect(row).to_contain_text("3 ×")
    row.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(str(order_id))

    # and the journey's "first order" step is done
    step = OnboardingStepPage.objects.get(milestone="first_order_received", locale__language_code="vi")
    page.goto(base + "/getting-started/")
    expect(page.locator(f"[data-step='{step.translation_key}'] .cms-status")).to_have_attribute(
        "data-status", "done_automatic")
