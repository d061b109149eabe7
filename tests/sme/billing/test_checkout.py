"""Owners choose a plan -> Stripe Checkout -> a return page that waits for the webhook; the Customer Portal."""

import pytest
from django.utils import translation

from sme.billing.models import BusinessSubscription, CheckoutSession, CheckoutStatus, SubscriptionStatus
from tests.sme.billing.factories import business_with_owner, ensure_plans, staff_member, subscription
from tests.sme.billing.helpers import start_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_choosing_growth_opens_a_stripe_checkout_in_subscription_mode(client, synced, stripe_on):
    # given
    business, owner = business_with_owner()

    # when
    response, checkout = start_checkout(client, owner, plan="growth", interval="year")

    # then the owner is sent to Stripe's page for a new session
    session = stripe_on.sessions[checkout.stripe_session_id]
    assert response.status_code == 302 and response["Location"] == session["url"]
    assert (checkout.business, checkout.plan.code, checkout.interval, checkout.status) == (
        business, "growth", "year", CheckoutStatus.OPEN)
    # and Stripe was asked for a subscription at the yearly Growth price, for this business's customer
    _, _, params = stripe_on.calls("POST", "/v1/checkout/sessions")[0]
    assert params["mode"] == "subscription"
    assert params["line_items"] == [{"price": synced["growth"].stripe_price_yearly_id, "quantity": "1"}]
    assert params["success_url"] == "http://testserver/billing/checkout/{CHECKOUT_SESSION_ID}/"
    assert params["cancel_url"] == "http://testserver/billing/?canceled=1"
    assert params["metadata"] == {"business_id": str(business.pk), "plan_code": "growth", "interval": "year"}
    assert params["allow_promotion_codes"] == "true"
    record = BusinessSubscription.objects.get(business=business)
    assert params["customer"] == record.stripe_customer_id
    assert stripe_on.customers[record.stripe_customer_id]["metadata"] == {"business_id": str(business.pk)}
    # and the redirect alone changes no plan: it waits for Stripe's webhook
    assert record.status == SubscriptionStatus.NONE and record.plan is None


def test_a_second_checkout_reuses_the_stripe_customer(client, synced, stripe_on):
    business, owner = business_with_owner()

    start_checkout(client, owner)
    start_checkout(client, owner, interval="year")

    assert len(stripe_on.customers) == 1
    assert CheckoutSession.objects.filter(business=business).count() == 2


def test_the_return_page_waits_for_the_webhook_and_polls_a_status_json(client, synced, stripe_on):
    # given the owner paid on Stripe's page and came back (the redirect)
    business, owner = business_with_owner()
    _, checkout = start_checkout(client, owner)
    stripe_on.complete_checkout(checkout.stripe_session_id)

    # when
    page = client.get(f"/billing/checkout/{checkout.stripe_session_id}/")
    status = client.get(f"/billing/checkout/{checkout.stripe_session_id}/status.json")

    # then nothing is trusted yet: it waits, with the polling script loaded from a static file
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting for the payment confirmation from Stripe" in html
    assert 'src="/static/billing/checkout_return.js"' in html and "<script>" not in html
    assert status.json() == {"status": "pending", "plan": "Growth",
                             "message": "Waiting for the payment confirmation from Stripe…"}


def test_a_staff_member_cannot_see_or_buy_plans(client, synced, stripe_on):
    business, _ = business_with_owner()
    staff = staff_member(business)
    client.force_login(staff)

    assert client.get("/billing/").status_code == 404
    response = client.post("/billing/checkout/", {"plan": "growth", "interval": "month"})

    assert response.status_code == 404
    assert stripe_on.calls("POST", "/v1/checkout/sessions") == [] and not CheckoutSession.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(client, synced):
    response = client.get("/billing/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_business_with_a_live_subscription_cannot_open_another_checkout(client, synced, stripe_on):
    business, owner = business_with_owner()
    subscription(business, synced["growth"])

    response, checkout = start_checkout(client, owner, plan="pro")

    assert response.status_code == 302 and response["Location"] == "/billing/"
    assert checkout is None and stripe_on.calls("POST", "/v1/checkout/sessions") == []
    assert "already has a subscription" in _messages(response)[0]


def test_the_free_plan_or_an_unknown_plan_cannot_be_bought(client, synced, stripe_on):
    _, owner = business_with_owner()

    for plan in ("free", "gold"):
        response, checkout = start_checkout(client, owner, plan=plan)
        assert response["Location"] == "/billing/" and checkout is None

    assert stripe_on.calls("POST", "/v1/checkout/sessions") == []


def test_a_plan_not_yet_pushed_to_stripe_cannot_be_bought(client, stripe_on):
    ensure_plans()
    _, owner = business_with_owner()

    response, checkout = start_checkout(client, owner)

    assert checkout is None and "cannot be bought online yet" in _messages(response)[0]
    assert stripe_on.requests == []


def test_when_stripe_is_down_the_owner_is_told_and_nothing_is_recorded(client, synced, stripe_on):
    _, owner = business_with_owner()
    stripe_on.fail_next = [500]

    response, checkout = start_checkout(client, owner)

    assert response["Location"] == "/billing/" and checkout is None
    assert "Nothing was charged" in _messages(response)[0]


def test_another_business_cannot_see_a_checkout_session(client, synced, stripe_on):
    # given a checkout of business A
    _, owner_a = business_with_owner()
    _, checkout = start_checkout(client, owner_a)
    _, owner_b = business_with_owner()
    client.force_login(owner_b)

    # then B gets 404 on every URL that takes its id
    assert client.get(f"/billing/checkout/{checkout.stripe_session_id}/").status_code == 404
    assert client.get(f"/billing/checkout/{checkout.stripe_session_id}/status.json").status_code == 404
    assert client.get("/billing/checkout/cs_test_unknown/").status_code == 404


def test_the_portal_link_opens_a_stripe_portal_session_for_the_business(client, synced, stripe_on):
    business, owner = business_with_owner()
    start_checkout(client, owner)
    record = BusinessSubscription.objects.get(business=business)

    response = client.post("/billing/portal/")

    portal = next(iter(stripe_on.portal_sessions.values()))
    assert response.status_code == 302 and response["Location"] == portal["url"]
    assert portal["customer"] == record.stripe_customer_id
    assert portal["return_url"] == "http://testserver/billing/"


def test_the_portal_needs_a_customer_first(client, synced, stripe_on):
    _, owner = business_with_owner()
    client.force_login(owner)

    response = client.post("/billing/portal/")

    assert response["Location"] == "/billing/" and stripe_on.portal_sessions == {}
    assert "choose a plan first" in _messages(response)[0]


def test_the_plans_page_lists_prices_in_dong_and_the_current_plan(client, synced):
    _, owner = business_with_owner()
    client.force_login(owner)

    html = client.get("/billing/").content.decode()

    assert "₫199,000 a month" in html and "₫1,990,000 a year" in html and "₫4,990,000 a year" in html
    assert 'data-testid="current-plan">Free<' in html
    assert 'data-testid="choose-growth-month"' in html and 'data-testid="choose-free-month"' not in html
    assert "not set up" not in html


# --- Without Stripe ---------------------------------------------------------------------------------------------

@pytest.fixture
def no_stripe(settings):
    ensure_plans()
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""


def test_without_stripe_the_plans_page_says_payments_are_not_set_up(client, no_stripe, settings):
    settings.DEFAULT_PLAN = "growth"
    _, owner = business_with_owner()
    client.force_login(owner)

    response = client.get("/billing/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Online payments are not set up on this platform yet. Every business uses the Growth plan" in html
    assert 'data-testid="current-plan">Growth<' in html and "choose-growth-month" not in html


def test_without_stripe_checkout_portal_and_webhook_do_not_crash(client, no_stripe):
    business, owner = business_with_owner()
    client.force_login(owner)

    checkout = client.post("/billing/checkout/", {"plan": "growth", "interval": "month"})
    portal = client.post("/billing/portal/")
    webhook = client.post("/billing/webhook/", data="{}", content_type="application/json")

    assert checkout.status_code == portal.status_code == 302
    assert "not set up" in _messages(checkout)[0]
    assert webhook.status_code == 404
    assert not BusinessSubscription.objects.exists() and not CheckoutSession.objects.exists()
