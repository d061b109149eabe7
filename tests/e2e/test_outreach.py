"""An officer's campaign in the browser, followed by the invited owner from the e-mail to a first live listing
on the Shopee sandbox and a first order; the campaign's funnel moves at each step.

The officer builds the campaign from the selection (count and sample before sending) and starts it; the
e-mail arrives (the eager worker sends it once the launch commits); the owner signs in, follows the personal
link, finds the registration form filled in from the register and registers. The owner then goes on as the
pages lead (the steps of test_first_listing.py, tests/e2e/first_listing_steps.py): a product with a photo,
the Shopee sandbox shop connected, the product published there; a buyer orders on the sandbox's test-order
page, Shopee's push brings the order in, and the officer's page shows each step.
"""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from cms.demo import seed_journey
from marketplace_connectors.models import ListingBinding, ListingStatus, Order
from marketplace_sandbox.buyer_orders import BUYER_ORDER_PATH
from sme.businesses.models import Business, OwnershipStatus
from tests.adoption.factories import RegisterEntryFactory
from tests.e2e.first_listing_steps import (
    SKU,
    first_product_add,
    shopee_connect_start,
    shopee_consent_approve,
    shopee_publish,
)
from tests.e2e.test_sandbox_sell_restock import wait_until
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401
from tests.sme.businesses.factories import _tax_code, ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPOUTREACHE2ETESTS"


def current_code() -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def sign_in(page, base: str, email: str, *, next_url: str = "", code: bool = False) -> None:
    page.goto(base + "/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    if code:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.fill("input[name=code]", current_code())
        page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()


def test_an_invitation_from_the_e_mail_to_a_first_live_listing_and_order_and_the_funnel_moves(
        live_server, page, browser, settings, shopee):  # noqa: F811
    # given: a business on the register only, with its contact e-mail; an officer; the owner's account
    settings.OUTREACH_SENDING_HOURS = (0, 24)
    settings.SITE_URL = live_server.url
    settings.MARKETPLACE_PUSH_BASE_URL = live_server.url
    settings.MARKETPLACE_SANDBOX_ORDER_PAGES = {"shopee": shopee.url + BUYER_ORDER_PATH}
    seed_journey()
    identifier = _tax_code(777)
    RegisterEntryFactory(identifier=identifier, name="Công ty TNHH Bánh Phồng Sa Đéc", ward=ward("30226"),
                         contact_email="lienhe@banh-phong.example")
    officer = UserFactory(roles=[Role.TRADE_OFFICER], preferred_language="vi")
    TOTP.activate(officer, SECRET)
    owner = UserFactory(roles=[Role.BUSINESS_MEMBER], preferred_language="vi")
    base = live_server.url

    # when the officer builds the campaign: the count and a sample first, then saves and starts it
    sign_in(page, base, officer.email, code=True)
    page.goto(base + "/outreach/campaigns/new/")
    page.fill("input[name=name]", "Lai Vung tháng 12")
    page.select_option("select[name=wards]", "30226")
    page.get_by_role("button", name="Xem trước lựa chọn").click()
    expect(page.locator("[data-figure=selected]")).to_contain_text("1 doanh nghiệp được chọn.")
    expect(page.locator("#preview")).to_contain_text("Công ty TNHH Bánh Phồng Sa Đéc")
    page.get_by_role("button", name="Lưu chiến dịch").click()
    page.get_by_role("button", name="Bắt đầu gửi").click()
    page.wait_for_load_state()
    campaign_url = page.url
    expect(page.locator('[data-group="total:"] [data-step="sent"]')).to_have_text("1")

    # then the e-mail went to the register's address, Vietnamese first, with the personal link
    [invitation] = [m for m in mail.outbox if m.to == ["lienhe@banh-phong.example"]]
    assert invitation.subject.startswith("[Đồng Tháp SME] Thư mời")
    link = re.search(r"https?://\S+(/outreach/i/\S+/)", invitation.body).group(1)

    # when the owner opens the link: nothing about the business shows before it is used
    owner_page = browser.new_page()
    owner_page.goto(base + link)
    expect(owner_page.locator("main")).not_to_contain_text("Bánh Phồng")
    sign_in(owner_page, base, owner.email, next_url=link)
    owner_page.get_by_role("button", name="Dùng thư mời này").click()
    owner_page.wait_for_load_state()

    # then the registration form is filled in from the register ("enter data once")
    expect(owner_page.locator("input[name=legal_name]")).to_have_value("Công ty TNHH Bánh Phồng Sa Đéc")
    expect(owner_page.locator("input[name=identifier]")).to_have_value(identifier)
    owner_page.fill("input[name=street]", "Ấp Tân Thạnh")
    owner_page.fill("input[name=phone]", "0918 123 456")
    owner_page.fill("input[name=email]", "lienhe@banh-phong.example")
    owner_page.check("input[name=accept_privacy]")
    owner_page.locator("main form button[type=submit]").last.click()
    owner_page.wait_for_load_state()
    business = Business.objects.get(identifier=identifier)
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    expect(owner_page.locator("main")).to_contain_text("xác nhận thuộc về Quý vị")

    # and the officer's funnel moves: opened, signed up, confirmed; nothing live yet
    page.goto(campaign_url)
    expect(page.locator('[data-group="total:"] [data-step="opened"]')).to_contain_text("1")
    expect(page.locator('[data-group="total:"] [data-step="confirmed"]')).to_contain_text("1")
    expect(page.locator('[data-group="total:"] [data-step="first_live_listing"]')).to_contain_text("0")

    # when the owner goes on as the pages lead: a product, the Shopee sandbox shop, the product published there
    assert first_product_add(owner_page) == 0
    shopee_connect_start(owner_page, shopee)
    shopee_consent_approve(owner_page)
    assert shopee_publish(owner_page) == {"product": 0, "publish": 0}
    binding = ListingBinding.objects.get(product__business=business)
    assert binding.status == ListingStatus.LIVE
    assert [item.item_id for item in shopee.items()] == [int(binding.external_id)]

    # then the officer's funnel shows the first live listing, and no order yet
    page.reload()
    expect(page.locator('[data-group="total:"] [data-step="first_live_listing"]')).to_contain_text("1")
    expect(page.locator('[data-group="total:"] [data-step="first_order"]')).to_contain_text("0")

    # when a buyer orders on the sandbox's test-order page the shop page links to (Shopee pushes the order)
    shopee.push_url = base + reverse("marketplaces:push_receive", args=["shopee"])
    owner_page.goto(f"{base}/marketplaces/{binding.account_id}/")
    test_order = owner_page.get_by_role("link", name="Đặt đơn thử với vai người mua")
    expect(test_order).to_be_visible()
    owner_page.goto(test_order.get_attribute("href"))
    owner_page.get_by_label("Sản phẩm").select_option(SKU)
    owner_page.get_by_label("Số lượng").fill("1")
    owner_page.get_by_role("button", name="Đặt đơn thử").click()
    expect(owner_page.get_by_role("status")).to_contain_text("Đã đặt đơn")
    assert wait_until(lambda: Order.objects.filter(account_id=binding.account_id).exists())

    # then the officer's funnel reaches the first order, in the total and in the business's ward
    page.reload()
    expect(page.locator('[data-group="total:"] [data-step="first_order"]')).to_contain_text("1")
    expect(page.locator('[data-group="ward:30226"] [data-step="first_live_listing"]')).to_contain_text("1")
    expect(page.locator('[data-group="ward:30226"] [data-step="first_order"]')).to_contain_text("1")
    owner_page.close()
