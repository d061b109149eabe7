"""An owner connects the sandbox Shopee shop, sees what to fix before publishing, fixes it, publishes 5
products, watches the progress and sees them live with their Shopee ids (phone screen, Vietnamese)."""

import re

import pytest
from playwright.sync_api import expect

from marketplace_connectors.models import ListingBinding, ListingStatus, MarketplaceAccount
from tests.factories import DEFAULT_PASSWORD
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401
from tests.marketplace_connectors.factories import make_product, owner_membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_connects_shopee_fixes_a_problem_and_publishes_five_products(live_server, page, shopee):  # noqa: F811
    # given an owner whose catalog has 5 rice products, not yet mapped to a Shopee category
    membership = owner_membership(preferred_language="vi")
    products = [make_product(membership.business, n=n) for n in range(1, 6)]
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", membership.user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they connect the sandbox Shopee shop and approve on its consent page
    page.goto(base + "/marketplaces/")
    page.get_by_role("button", name="Kết nối shop Shopee").click()
    page.wait_for_url(re.compile(re.escape(shopee.url) + r"/api/v2/shop/auth_partner.*"))
    page.get_by_role("button", name="Đồng ý ủy quyền").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/$"))
    expect(page.locator(".messages")).to_have_text("“Shop thử nghiệm Đồng Tháp” đã được kết nối.")
    account = MarketplaceAccount.objects.get()

    # and try to publish all five: the run's page says what to fix for each, and nothing is sent to Shopee
    for product in products:
        page.check(f"#product-{product.pk}")
    page.get_by_role("button", name="Đăng các sản phẩm đã chọn").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/runs/\d+/$"))
    row = page.locator(f"tr[data-product='{products[0].pk}']")
    expect(row.locator(".mkt-error")).to_contain_text("Hãy chọn danh mục Shopee")
    assert shopee.count(path="/api/v2/product/add_item") == 0

    # then they fix it: choose Shopee's "Gạo" for their rice category and fill what Shopee requires
    page.get_by_role("link", name="Danh mục", exact=True).click()
    page.get_by_role("link", name="Chọn").click()
    page.get_by_label("Danh mục Shopee").select_option(label="Thực phẩm và đồ uống › Gạo")
    page.get_by_role("button", name="Xem các thông tin Shopee yêu cầu").click()
    page.get_by_label("Xuất xứ").select_option(label="Việt Nam")
    page.get_by_label("Hạn sử dụng").fill("12 tháng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu danh mục")

    # and publish the five again, watching the progress page
    page.get_by_role("link", name="Sản phẩm trên sàn").first.click()
    for product in products:
        page.check(f"#product-{product.pk}")
    page.get_by_role("button", name="Đăng các sản phẩm đã chọn").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/runs/\d+/$"))
    expect(page.locator("#run")).to_have_attribute("data-finished", "1")
    expect(page.locator("#run-succeeded")).to_have_text("5")
    expect(page.locator("#run-progress")).to_have_attribute("value", "100")

    # then all five are live on Shopee, once each, with their Shopee ids on the page
    bindings = ListingBinding.objects.filter(account=account)
    assert sorted(bindings.values_list("status", flat=True)) == [ListingStatus.LIVE] * 5
    assert sorted(shopee.items_by_sku()) == sorted(p.key for p in products)
    for binding in bindings:
        expect(page.locator(f"#listing-{binding.pk} [data-field=external_id]")).to_have_text(binding.external_id)
        expect(page.locator(f"#listing-{binding.pk} [data-field=status]")).to_have_text("Đang bán trên sàn")
