"""An owner's first listing on a phone (390×844, Vietnamese), following only what the pages say: sign up,
confirm the email, register the business, add a product with a photo, connect the sandbox Shopee shop, get the
product ready in the publish step (Shopee's recommended category, the checklist's links) and publish it once.
Every page load and form submission is counted (docs/benchmarks.md, "First listing on a phone"), and so are
the attempts a page refused.

Each step is taken from the page the owner is on: the journey's next-step card after sign-in, registering
and saving, the shop's own links and the notes that say what to fix. Nothing is typed into the address bar
but the site's address and the link of the confirmation email.
"""

import json
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from cms.demo import seed_journey
from marketplace_connectors.models import ListingBinding, ListingStatus
from tests.e2e.first_listing_steps import (
    first_product_add,
    follow_next_step,
    shopee_connect_start,
    shopee_consent_approve,
    shopee_publish,
)
from tests.e2e.test_owner_pages_a11y import BLOCKING
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "xoai-cat-hoa-loc-2026"


class Interactions:
    """Counts what the owner does: page loads they start (a redirect is part of the action that caused it)
    and form submissions, in the main frame, on our site and on the marketplace's consent page."""

    def __init__(self, page):
        self.page, self.loads, self.submissions, self.log = page, 0, 0, []
        page.on("request", self._seen)

    def _seen(self, request):
        if not request.is_navigation_request() or request.frame != self.page.main_frame:
            return
        if request.redirected_from is not None:
            return
        if request.method == "POST":
            self.submissions += 1
        else:
            self.loads += 1
        self.log.append(f"{request.method} {request.url}")

    @property
    def total(self) -> int:
        return self.loads + self.submissions


def test_first_listing_on_a_phone_following_only_what_the_pages_say(live_server, page, shopee):  # noqa: F811
    seed_journey()
    base = live_server.url
    done = Interactions(page)
    refused = {"sign-up": 0, "registration": 0, "product": 0, "publish": 0}

    # the province's home page: "Đăng ký doanh nghiệp"
    page.goto(base + "/")
    page.get_by_role("link", name="Đăng ký doanh nghiệp").first.click()
    page.fill("input[name=email]", "lan@example.test")
    page.fill("input[name=full_name]", "Trần Thị Lan")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    for box in page.locator("main form input[type=checkbox]").all():
        box.check()  # consent, when the sign-up page asks for it
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(base + link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    page.fill("input[name=login]", "lan@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # the account page says what comes next: register the business
    expect(page.locator("[data-next-step] h2")).to_have_text("Đăng ký cơ sở kinh doanh")
    follow_next_step(page)
    page.select_option("select[name=legal_form]", "household")
    page.fill("input[name=legal_name]", "Hộ kinh doanh Trần Thị Lan")
    page.fill("input[name=identifier]", "087186001239")
    page.select_option("select[name=main_sector]", "A")
    page.fill("input[name=street]", "Ấp Tân Thạnh")
    page.get_by_label("Gõ vài chữ trong tên để tìm nhanh").fill("lai vung")  # one match: it is chosen
    page.fill("input[name=phone]", "0918 123 456")
    page.fill("input[name=email]", "lan.laivung@example.test")
    page.check("input[name=accept_privacy]")
    page.get_by_role("button", name="Đăng ký cơ sở").click()
    page.wait_for_load_state()
    if page.locator("[data-error-summary]").count():
        refused["registration"] += 1

    # the business page says what comes next: a product with a photo; the product page: connect a shop
    refused["product"] += first_product_add(page)
    shopee_connect_start(page, shopee)
    # the sandbox's consent page fits the phone and passes the same accessibility check as ours
    consent_problems = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    consent_width = page.evaluate("document.documentElement.scrollWidth")
    shopee_consent_approve(page)

    # the shop's page: get the product ready and publish it
    for step, count in shopee_publish(page).items():
        refused[step] += count

    # live on Shopee, once
    binding = ListingBinding.objects.get()
    assert binding.status == ListingStatus.LIVE
    assert [item.item_id for item in shopee.items()] == [int(binding.external_id)]

    print(f"\nfirst listing: {done.loads} page loads + {done.submissions} form submissions = {done.total}; "
          f"refused: {refused}\n  " + "\n  ".join(done.log))
    if report := os.environ.get("FIRST_LISTING_REPORT"):  # benchmarks/bench_first_listing.py reads it
        with open(report, "w") as out:
            json.dump({"loads": done.loads, "submissions": done.submissions, "refused": refused, "log": done.log}, out)
    # Measured before issue 18 on the same path: 16 + 14 = 30, with a refused registration (the missing
    # e-mail's message off-screen), a refused product (a blank second variant row) and a refused publish;
    # 24 with one refused publish before the "ready to publish" checklist (issue 18 item 1).
    assert consent_problems == [] and consent_width <= 390
    assert refused["sign-up"] == refused["registration"] == refused["product"] == 0
    assert refused["publish"] == 0
    assert done.total <= 25
