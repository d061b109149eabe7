"""An owner picks Growth, pays on (fake) Stripe Checkout, and sees the plan active once the signed webhook
arrives: the return page polls until then (on a phone-sized screen, in Vietnamese)."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from sme.billing.models import BusinessSubscription, CheckoutSession
from sme.billing.services import plans_sync_to_stripe
from tests.factories import DEFAULT_PASSWORD
from tests.sme.billing.factories import business_with_owner, ensure_plans
from tests.sme.billing.fake_stripe import fake_stripe, sign, stripe_on  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deliver(live_server, event: dict) -> int:
    payload = json.dumps(event)
    request = urllib.request.Request(
        live_server.url + "/billing/webhook/", data=payload.encode(), method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback live server)
        return response.status


def test_owner_buys_growth_and_sees_it_active_after_the_webhook(live_server, page, stripe_on):  # noqa: F811
    # given the plans are in (fake) Stripe and an owner signed in
    ensure_plans()
    plans_sync_to_stripe()
    business, owner = business_with_owner(language="vi")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")

    # when they open Plan and billing: Free now
    page.goto(live_server.url + "/billing/")
    expect(page.get_by_test_id("current-plan")).to_have_text("Miễn phí")

    # and pick Growth, monthly: Stripe's (fake) checkout takes the payment and redirects back
    page.get_by_test_id("choose-growth-month").click()
    page.wait_for_url("**/billing/checkout/cs_test_*/")
    state = page.get_by_test_id("checkout-state")

    # then the return page waits: the redirect alone activates nothing
    expect(state).to_have_attribute("data-state", "pending")
    checkout = CheckoutSession.objects.get(business=business)
    assert BusinessSubscription.objects.get(business=business).plan is None

    # when Stripe's signed webhook arrives
    session = stripe_on._public_session(stripe_on.sessions[checkout.stripe_session_id])
    assert session["status"] == "complete"
    assert _deliver(live_server, stripe_on.event("checkout.session.completed", session)) == 200

    # then the page (polling) shows the plan active, without a reload
    expect(state).to_have_attribute("data-state", "active", timeout=15_000)
    expect(state).to_contain_text("Tăng trưởng")
    assert page.url.endswith(f"/billing/checkout/{checkout.stripe_session_id}/")

    # and Plan and billing shows Growth with its limits
    page.goto(live_server.url + "/billing/")
    expect(page.get_by_test_id("current-plan")).to_have_text("Tăng trưởng")
    expect(page.get_by_test_id("portal")).to_be_visible()
