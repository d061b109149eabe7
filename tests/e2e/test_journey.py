"""A new owner follows the guided journey on a phone: progress starts at 0%, a checklist saves as it is
ticked (no page reload), adding a product with a photo and connecting the sandbox Shopee shop turn the matching
steps done automatically and move the progress bar, and switching to English shows the translated journey."""

import re

import pytest
from playwright.sync_api import expect

from cms.demo import seed_journey
from tests.cms.factories import owner_of, photo_bytes
from tests.factories import DEFAULT_PASSWORD
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def progress_value(page) -> str:
    return page.locator("#journey-progress").get_attribute("value")


def test_owner_follows_the_journey_and_sees_progress(live_server, page, shopee):  # noqa: F811
    base = live_server.url
    # given the seeded journey and a new company owner, signed in
    seed_journey()
    _business, owner = owner_of()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they open Getting started, the first entry of the header's menu
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Bắt đầu").first.click()
    page.wait_for_url("**/getting-started/")
    # then nothing is done yet: 0 of 10 steps (the household-only tax step does not apply to a company)
    expect(page.locator(".cms-percent")).to_have_text("0%")
    assert progress_value(page) == "0"
    assert page.locator("#journey-progress").get_attribute("max") == "10"
    expect(page.locator(".cms-next-step h2")).to_have_text("Đăng ký kinh doanh và biết quy mô của mình")

    # when they tick the legal checklist: each tick is saved without reloading the page
    page.get_by_role("link", name="Pháp lý cơ bản khi bán hàng online").click()
    page.evaluate("window.__stillSamePage = true")
    boxes = page.locator("form.js-checklist input[type=checkbox]")
    expect(page.locator(".js-checklist-save")).to_be_hidden()
    for index in range(boxes.count()):
        boxes.nth(index).check()
        expect(page.locator(".js-checklist-status")).to_contain_text(f"{index + 1}/{boxes.count()}")
    expect(page.locator(".js-checklist-status")).to_contain_text("Bước đã hoàn thành")
    assert page.evaluate("window.__stillSamePage") is True

    # then the progress bar moved
    page.goto(base + "/getting-started/")
    assert progress_value(page) == "1"
    expect(page.locator(".cms-percent")).to_have_text("10%")

    # when they add a product with a photo
    page.goto(base + "/catalog/new/")
    page.fill("input[name=name]", "Trà tim sen Tháp Mười hộp 100 g")
    page.select_option("select[name=status]", "active")
    page.fill("input[name=option1_name]", "Quy cách")
    page.fill("input[name=variants-0-option1_value]", "Hộp 100 g")
    page.fill("input[name=variants-0-sku]", "TRA-SEN-100")
    page.fill("input[name=variants-0-price]", "85.000")
    page.fill("input[name=variants-1-option1_value]", "Hộp 200 g")
    page.fill("input[name=variants-1-sku]", "TRA-SEN-200")
    page.fill("input[name=variants-1-price]", "160.000")
    page.set_input_files("input[name=photo]", files=[
        {"name": "tra-sen.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/catalog/\d+/\?saved=1$"))

    # then the photo and product steps are done automatically and the bar moved to 3 of 10
    page.goto(base + "/getting-started/")
    assert progress_value(page) == "3"
    expect(page.locator(".cms-percent")).to_have_text("30%")
    photo_step = page.locator(".cms-step", has_text="Chụp ảnh và viết mô tả sản phẩm")
    expect(photo_step.locator(".cms-status")).to_contain_text("Tự động hoàn thành ngày")
    expect(page.locator(".cms-next-step h2")).to_have_text("Đăng ký kinh doanh và biết quy mô của mình")

    # when they follow the "connect" step's button and connect the sandbox Shopee shop
    page.get_by_role("link", name="Kết nối gian hàng trên sàn").click()
    page.get_by_role("link", name="Kết nối gian hàng").click()
    page.wait_for_url("**/marketplaces/")
    page.get_by_role("button", name="Kết nối shop Shopee").click()
    page.wait_for_url(re.compile(re.escape(shopee.url) + r"/api/v2/shop/auth_partner.*"))
    page.get_by_role("button", name="Đồng ý ủy quyền").click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/$"))

    # then the connect step is done and the bar moved to 4 of 10
    page.goto(base + "/getting-started/")
    assert progress_value(page) == "4"
    expect(page.locator(".cms-percent")).to_have_text("40%")
    connect_step = page.locator(".cms-step", has_text="Kết nối gian hàng trên sàn")
    expect(connect_step.locator(".cms-status")).to_contain_text("Tự động hoàn thành ngày")

    # when they switch to English
    page.get_by_test_id("lang-en").click()
    page.wait_for_url("**/getting-started/")
    # then the journey is in English
    expect(page.locator("h1")).to_have_text("Getting started")
    expect(page.locator(".cms-next-step h2")).to_have_text("Register your business and know your size")
    page.get_by_role("link", name="Photograph and describe your products").click()
    expect(page.locator("h1")).to_have_text("Photograph and describe your products")
    expect(page.locator(".cms-translation-notice")).to_have_count(0)
    expect(page.locator(".cms-step-state .cms-status")).to_contain_text("Done automatically on")
