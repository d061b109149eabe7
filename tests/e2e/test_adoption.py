"""A trade officer signs in with two-factor authentication, reads the headline, drills into a ward, exports
the breakdown to Excel, approves a declared shop, and sees the headline move (phone-sized, in Vietnamese)."""

import datetime
import io
import time

import openpyxl
import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.adoption.factories import BusinessFactory, declaration, listing, local, on_register, ward
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPADOPTIONE2ETESTS"


def current_code() -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def test_officer_reads_drills_exports_approves_and_the_headline_moves(live_server, page):
    # given: four SMEs on the register in Lai Vung, one live on Shopee, one with a Postmart shop to approve
    officer = UserFactory(roles=[Role.TRADE_OFFICER], preferred_language="vi")
    TOTP.activate(officer, SECRET)
    lai_vung = ward("30226")
    live, declaring = BusinessFactory(ward=lai_vung), BusinessFactory(ward=lai_vung)
    for business in (live, declaring, BusinessFactory(ward=lai_vung), BusinessFactory(ward=lai_vung)):
        on_register(business)
    listing(live, published=local(timezone.localdate() - datetime.timedelta(days=3)))
    declaration(declaring)

    # when the officer signs in with password and authenticator code
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", current_code())
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/me/")

    # then the first visit finds no stored snapshot of today: the page says it is being computed, shows the
    # job's progress and reloads by itself once the job has run; the dashboard then shows 1 of 4 SMEs online
    page.goto(live_server.url + "/officer/")
    expect(page.locator("[data-figure=verified-share]")).to_have_text("25,0%", timeout=20_000)
    expect(page.locator("[data-figure=online-share]")).to_have_text("25,0%")
    expect(page.locator("[data-figure=gap]")).to_contain_text("2")

    # when they drill into Lai Vung's businesses not online
    row = page.locator("table.adoption-breakdown tr[data-key='30226']")
    row.get_by_role("link", name="Xã Lai Vung").click()
    page.wait_for_url("**/officer/businesses/**")
    expect(page.locator("[data-count=businesses]")).to_contain_text("4")
    expect(page.locator("table.adoption-drilldown tbody tr")).to_have_count(4)

    # and export the ward breakdown to Excel
    page.goto(live_server.url + "/officer/")
    href = page.locator("[data-export=breakdown-xlsx]").get_attribute("href")
    download = page.request.get(live_server.url + href)  # the browser's session, the link's URL
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(download.body()))
    sheet = book.worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[2] == "30226"]
    assert rows and rows[0][5:10] == (4, 1, 0.25, 1, 0.25)
    assert sheet.freeze_panes == "A2" and len(book.sheetnames) == 2

    # and approve the Postmart shop
    page.goto(live_server.url + "/officer/declarations/")
    card = page.locator(f"[data-declaration='{declaring.declared_shops.get().pk}']")
    card.get_by_role("button", name="Duyệt").click()
    expect(page.locator(".messages")).to_be_visible()

    # then the headline counts it (declared, not verified)
    page.goto(live_server.url + "/officer/")
    expect(page.locator("[data-figure=online-share]")).to_have_text("50,0%")
    expect(page.locator("[data-figure=verified-share]")).to_have_text("25,0%")
