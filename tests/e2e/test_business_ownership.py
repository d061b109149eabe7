"""On a phone, in Vietnamese: an owner registers a household business the province's register lists, sees no
personal data pre-filled, is asked to prove it is theirs, types the code e-mailed to the register's address and
is confirmed. The ownership page passes axe and fits 360 px (issue 14, item 4)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from adoption.models import RegisterEntry
from sme.businesses.models import AdministrativeUnit, Business, LegalForm, OwnershipStatus
from tests.factories import DEFAULT_PASSWORD, owner_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLD_ID = "087186001239"
CONTACT = "hoa.nguyen@example.vn"


def test_an_owner_proves_a_registered_household_is_theirs_on_a_phone(live_server, page):
    # given a household business on the register, and its owner signed in on a 360 px phone
    RegisterEntry.objects.create(identifier=HOUSEHOLD_ID, name="Hộ kinh doanh Nguyễn Thị Hoa",
                                 legal_form=LegalForm.HOUSEHOLD, main_sector="A", contact_email=CONTACT,
                                 ward=AdministrativeUnit.objects.current().get(code="30226"))
    user = owner_user(preferred_language="vi")
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they open registration with their personal ID
    page.goto(base + f"/business/register/?identifier={HOUSEHOLD_ID}")

    # then the legal form is pre-filled and the household's name (the owner's own) is not
    assert page.input_value("select[name=legal_form]") == LegalForm.HOUSEHOLD
    assert page.input_value("input[name=legal_name]") == ""
    assert "Nguyễn Thị Hoa" not in page.content()

    # when they complete and send the form
    page.fill("input[name=legal_name]", "Hộ kinh doanh Nguyễn Thị Hoa")
    page.fill("input[name=street]", "Ấp Tân Thạnh")
    page.fill("input[name=phone]", "0901 234 567")
    page.fill("input[name=email]", "hoa@example.test")
    page.check("input[name=accept_privacy]")
    page.locator("main form button[type=submit]").last.click()

    # then they are asked to prove it, on a page that fits the phone and passes axe
    page.wait_for_url("**/business/ownership/")
    assert Business.objects.get().ownership_status == OwnershipStatus.UNCONFIRMED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    violations = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert violations == []

    # when they ask for the code and type the one e-mailed to the register's address
    page.get_by_role("button", name="Gửi mã").click()
    page.wait_for_url("**/business/ownership/")
    message = next(m for m in reversed(mail.outbox) if m.to == [CONTACT])
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="Xác nhận").click()

    # then the business is theirs, confirmed
    page.wait_for_url("**/business/")
    assert Business.objects.get().ownership_status == OwnershipStatus.CONFIRMED
    assert "Chứng minh cơ sở là của bạn" not in page.content()
