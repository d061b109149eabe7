"""A newcomer signs up, verifies their email, logs in and switches language (on a phone-sized screen)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_log_in_and_switch_language(live_server, page):
    # given the home page in Vietnamese
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # when signing up
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", "thu@example.test")
    page.fill("input[name=full_name]", "Phạm Minh Thư")
    page.fill("input[name=password1]", "xoai-cat-hoa-loc-2026")
    page.fill("input[name=password2]", "xoai-cat-hoa-loc-2026")
    page.check("input[name=accept_terms]")
    page.locator("main form button[type=submit]").click()

    # then they are told to verify, and an email with a link arrives
    page.wait_for_url("**/accounts/confirm-email/")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    # when opening the link and confirming
    page.goto(live_server.url + path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")

    # and logging in
    page.fill("input[name=login]", "thu@example.test")
    page.fill("input[name=password]", "xoai-cat-hoa-loc-2026")
    page.locator("main form button[type=submit]").click()

    # then they land on their account page, signed in
    page.wait_for_url("**/me/")
    expect(page.locator("main")).to_contain_text("thu@example.test")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    # when switching to English
    page.get_by_test_id("lang-en").click()
    page.wait_for_url("**/me/")

    # then the page is in English and the choice is saved on the account
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header")).to_contain_text("Sign out")
    assert User.objects.get(email="thu@example.test").preferred_language == "en"

    # and back to Vietnamese
    page.get_by_test_id("lang-vi").click()
    page.wait_for_url("**/me/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("header")).not_to_contain_text("Sign out")
    assert User.objects.get(email="thu@example.test").preferred_language == "vi"
