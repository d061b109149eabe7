"""A new owner's first day: signs up, registers a household business and a company (a wrong check digit is
refused), invites staff who accept in another browser, then adds a product with two variants and a photo,
imports the sample sheet watching its progress, sees the summary and exports the catalog (phone-sized
screen, Vietnamese)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from sme.businesses.models import Business, MemberRole, Membership

from .test_catalog import build_catalog_import_and_export, queued_tasks  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up_and_log_in(page, base_url, *, email, full_name, password):
    page.goto(base_url + "/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=full_name]", full_name)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.check("input[name=accept_terms]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    message = next(m for m in reversed(mail.outbox) if m.to == [email] and "confirm-email" in m.body)
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(base_url + link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")


def fill_business(page, *, legal_form, legal_name, identifier, sector, ward, street, phone, email):
    page.select_option("select[name=legal_form]", legal_form)
    page.fill("input[name=legal_name]", legal_name)
    page.fill("input[name=identifier]", identifier)
    page.select_option("select[name=main_sector]", sector)
    page.fill("input[name=street]", street)
    page.select_option("select[name=ward]", label=ward)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=email]", email)
    page.check("input[name=accept_privacy]")


def test_owner_registers_two_businesses_and_invites_staff(live_server, page, browser, browser_context_args,
                                                          queued_tasks, tmp_path):  # noqa: F811
    base = live_server.url

    # given a new owner who signed up and logged in
    sign_up_and_log_in(page, base, email="hoa@example.test", full_name="Nguyễn Thị Hoa",
                       password="quyt-hong-lai-vung-2026")

    # when they open "my business", they are asked to register one
    page.goto(base + "/business/")
    page.wait_for_url("**/business/register/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # and register a household business with a personal ID and an OCOP product
    fill_business(page, legal_form="household", legal_name="Hộ kinh doanh Nguyễn Thị Hoa",
                  identifier="087 186 001 239", sector="A", ward="Xã Lai Vung", street="Ấp Tân Thạnh",
                  phone="0918 123 456", email="hoa.laivung@example.test")
    page.locator("summary", has_text="OCOP").click()
    page.fill("input[name=ocop-0-name]", "Quýt hồng Lai Vung")
    page.select_option("select[name=ocop-0-stars]", "3")
    page.select_option("select[name=ocop-0-product_group]", "food")
    page.get_by_role("button", name="Đăng ký cơ sở").click()

    # then the business page shows it, with no size class for a household
    page.wait_for_url(re.compile(r".*/business/$"))
    expect(page.locator("h1")).to_have_text("Hộ kinh doanh Nguyễn Thị Hoa")
    expect(page.locator("main")).to_contain_text("087186001239")
    expect(page.locator("main")).to_contain_text("+84918123456")
    expect(page.locator("main")).to_contain_text("Quýt hồng Lai Vung")
    expect(page.locator("main")).to_contain_text("không xác định quy mô")

    # when they register a company with a wrong check digit
    page.get_by_role("link", name="Đăng ký thêm cơ sở khác").click()
    page.wait_for_url("**/business/register/")
    fill_business(page, legal_form="llc_one_member", legal_name="Công ty TNHH Sen Tháp Mười",
                  identifier="1409876543", sector="C", ward="Xã Tháp Mười", street="Quốc lộ 30, khóm 3",
                  phone="0277 3822 468", email="lienhe@sen.example.test")
    page.get_by_role("button", name="Đăng ký cơ sở").click()

    # then it is refused with a message saying the check digit is wrong and which digit fits
    error = page.locator(".field-error", has=page.locator("input[name=identifier]"))
    expect(error).to_contain_text("Chữ số kiểm tra không đúng")
    expect(error).to_contain_text("phải kết thúc bằng 2, không phải 3")
    assert Business.objects.count() == 1

    # when they correct it
    page.fill("input[name=identifier]", "1409876542")
    page.get_by_role("button", name="Đăng ký cơ sở").click()

    # then the company is registered and current
    page.wait_for_url(re.compile(r".*/business/$"))
    expect(page.locator("h1")).to_have_text("Công ty TNHH Sen Tháp Mười")
    expect(page.locator("select[name=business_id]")).to_have_count(1)

    # when they invite a staff member from the team page
    page.get_by_role("link", name="Nhóm làm việc").first.click()
    page.wait_for_url("**/business/team/")
    page.fill("input[name=email]", "lan@example.test")
    page.get_by_role("button", name="Gửi lời mời").click()
    expect(page.locator(".messages")).to_contain_text("lan@example.test")
    invitation = next(m for m in mail.outbox if m.to == ["lan@example.test"])
    invite_path = re.search(r"https?://\S+(/business/invitations/\S+/)", invitation.body).group(1)

    # and the staff member, in another browser, signs up with that address and accepts
    other = browser.new_context(**browser_context_args)
    staff_page = other.new_page()
    staff_page.goto(base + invite_path)
    expect(staff_page.locator("h1")).to_contain_text("Công ty TNHH Sen Tháp Mười")
    sign_up_and_log_in(staff_page, base, email="lan@example.test", full_name="Lê Thị Lan",
                       password="sen-thap-muoi-2026")
    staff_page.goto(base + invite_path)
    staff_page.get_by_role("button", name="Chấp nhận lời mời").click()

    # then the staff member sees the business
    staff_page.wait_for_url(re.compile(r".*/business/$"))
    expect(staff_page.locator("h1")).to_have_text("Công ty TNHH Sen Tháp Mười")
    expect(staff_page.locator("main")).not_to_contain_text("Sửa hồ sơ")
    assert Membership.objects.get(user__email="lan@example.test").role == MemberRole.STAFF

    # and the owner sees them in the team
    page.reload()
    expect(page.locator("main .member-list")).to_contain_text("Lê Thị Lan")
    other.close()

    # and every business page fits a 360 px phone and labels every field
    page.set_viewport_size({"width": 360, "height": 740})
    too_wide, unlabeled = {}, {}
    for path in ["/business/", "/business/register/", "/business/edit/", "/business/size/", "/business/team/",
                 "/business/join/", "/business/privacy/", "/business/my-data/", "/business/my-data/erase/"]:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        names = page.evaluate(
            """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                  .map(el => el.name)"""
        )
        if names:
            unlabeled[path] = names
    assert too_wide == {}
    assert unlabeled == {}

    # and the day goes on in the catalog: a product with two variants and a photo, the sample sheet
    # imported with its progress bar and summary, and the catalog exported
    page.set_viewport_size({"width": 390, "height": 844})
    build_catalog_import_and_export(page, base, Business.objects.get(legal_name="Công ty TNHH Sen Tháp Mười"), tmp_path)
