"""The Stripe webhook: signature first, each event id once, never backwards, grace period and downgrade."""

import datetime
import json
import time

import pytest
from django.core import mail
from django.utils import timezone

from sme.billing.models import (
    BusinessSubscription,
    CheckoutSession,
    CheckoutStatus,
    SubscriptionStatus,
    WebhookEvent,
    WebhookOutcome,
)
from sme.billing.selectors import business_plan_limits
from sme.billing.services import grace_expired_notify
from sme.catalog.models import Product, ProductStatus
from tests.sme.billing.factories import business_with_owner
from tests.sme.billing.fake_stripe import post_event, sign
from tests.sme.billing.helpers import start_checkout

pytestmark = pytest.mark.django_db


def _record(business) -> BusinessSubscription:
    return BusinessSubscription.objects.get(business=business)


def _state(business) -> tuple:
    r = _record(business)
    return (r.plan.code if r.plan else None, r.status, r.stripe_subscription_id, r.grace_until,
            r.payment_failed_at, r.cancel_at_period_end, r.current_period_end)


@pytest.fixture
def paid(client, synced, stripe_on):
    """A business whose owner paid for Growth at Stripe (the webhook not yet received)."""
    business, owner = business_with_owner()
    _, checkout = start_checkout(client, owner, plan="growth", interval="month")
    sub = stripe_on.complete_checkout(checkout.stripe_session_id)
    return business, owner, checkout, sub


def _completed(client, stripe_on, checkout, **kwargs):
    session = stripe_on.sessions[checkout.stripe_session_id]
    return post_event(client, stripe_on.event("checkout.session.completed", stripe_on._public_session(session)),
                      **kwargs)


# --- Each handled event ------------------------------------------------------------------------------------------

def test_checkout_session_completed_activates_the_plan(client, stripe_on, paid):
    business, owner, checkout, sub = paid

    response = _completed(client, stripe_on, checkout)

    assert response.status_code == 200
    record = _record(business)
    assert (record.plan.code, record.interval, record.status, record.stripe_subscription_id) == (
        "growth", "month", SubscriptionStatus.ACTIVE, sub["id"])
    assert record.current_period_end == datetime.datetime.fromtimestamp(
        sub["items"]["data"][0]["current_period_end"], tz=datetime.UTC)
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.COMPLETE
    assert business_plan_limits(business=business).plan_code == "growth"
    # the return page's status JSON now reports the plan active
    client.force_login(owner)
    status = client.get(f"/billing/checkout/{checkout.stripe_session_id}/status.json").json()
    assert status == {"status": "active", "plan": "Growth", "message": "Your Growth plan is active."}
    event = WebhookEvent.objects.get()
    assert (event.type, event.object_id, event.outcome) == (
        "checkout.session.completed", checkout.stripe_session_id, WebhookOutcome.PROCESSED)


def test_customer_subscription_created_activates_the_plan(client, stripe_on, paid):
    business, _, _, sub = paid

    response = post_event(client, stripe_on.event("customer.subscription.created", sub))

    assert response.status_code == 200
    assert _record(business).status == SubscriptionStatus.ACTIVE
    assert business_plan_limits(business=business).plan_code == "growth"


def test_customer_subscription_updated_follows_a_plan_change_and_a_pending_cancellation(
        client, stripe_on, paid, synced):
    # given an active Growth subscription
    business, _, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    # when the owner switches to Pro yearly and asks to cancel at period end (in the portal)
    pro_yearly = stripe_on.prices[synced["pro"].stripe_price_yearly_id]
    sub["items"]["data"][0]["price"] = pro_yearly
    stripe_on.update_subscription(sub["id"], cancel_at_period_end=True)
    response = post_event(client, stripe_on.event("customer.subscription.updated", sub))

    # then
    assert response.status_code == 200
    record = _record(business)
    assert (record.plan.code, record.interval, record.cancel_at_period_end) == ("pro", "year", True)
    assert business_plan_limits(business=business).max_active_products is None


def test_customer_subscription_deleted_moves_to_free_without_deleting_anything(client, stripe_on, paid):
    # given an active Growth subscription and 60 active products
    business, _, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    Product.objects.bulk_create([Product(business=business, key=f"p{i}", name=f"Bánh phồng {i}",
                                         status=ProductStatus.ACTIVE) for i in range(60)])

    # when Stripe ends the subscription
    stripe_on.update_subscription(sub["id"], status="canceled", canceled_at=int(time.time()))
    response = post_event(client, stripe_on.event("customer.subscription.deleted", stripe_on.subscriptions[sub["id"]]))

    # then Free limits apply, marked downgraded (so connectors pause extra listings); nothing was deleted
    assert response.status_code == 200
    limits = business_plan_limits(business=business)
    assert (limits.plan_code, limits.is_downgraded, limits.max_active_products) == ("free", True, 50)
    assert _record(business).status == SubscriptionStatus.CANCELED
    assert Product.objects.filter(business=business, status=ProductStatus.ACTIVE).count() == 60
    assert CheckoutSession.objects.filter(business=business).count() == 1


def test_invoice_payment_failed_starts_a_seven_day_grace_period_with_an_email(
        client, stripe_on, paid, django_capture_on_commit_callbacks):
    # given an active subscription whose renewal payment fails
    business, owner, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    stripe_on.update_subscription(sub["id"], status="past_due")
    before = timezone.now()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False)))

    # then the paid limits stay for 7 days, with a banner and an email to the owner
    assert response.status_code == 200
    record = _record(business)
    assert record.status == SubscriptionStatus.PAST_DUE
    assert before + datetime.timedelta(days=7) <= record.grace_until <= timezone.now() + datetime.timedelta(days=7)
    limits = business_plan_limits(business=business)
    assert (limits.plan_code, limits.in_grace, limits.is_downgraded) == ("growth", True, False)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    assert "Payment failed" in mail.outbox[0].subject
    assert timezone.localtime(record.grace_until).strftime("%d/%m/%Y") in mail.outbox[0].body
    client.force_login(owner)
    assert 'data-testid="billing-grace"' in client.get("/billing/").content.decode()


def test_a_retry_that_fails_again_does_not_extend_the_grace_period_or_email_again(
        client, stripe_on, paid, django_capture_on_commit_callbacks):
    business, _, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    stripe_on.update_subscription(sub["id"], status="past_due")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False)))
    first_grace = _record(business).grace_until

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False)))

    assert _record(business).grace_until == first_grace
    assert len(mail.outbox) == 1


def test_invoice_paid_after_a_failure_ends_the_grace_period(client, stripe_on, paid):
    business, _, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    stripe_on.update_subscription(sub["id"], status="past_due")
    post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False)))

    stripe_on.update_subscription(sub["id"], status="active")
    response = post_event(client, stripe_on.event("invoice.paid", stripe_on.invoice(sub["id"], paid=True)))

    assert response.status_code == 200
    record = _record(business)
    assert (record.status, record.grace_until, record.payment_failed_at) == (SubscriptionStatus.ACTIVE, None, None)
    limits = business_plan_limits(business=business)
    assert (limits.plan_code, limits.in_grace, limits.is_downgraded) == ("growth", False, False)


def test_after_the_grace_period_free_limits_apply_listings_stay_and_paying_resumes_the_plan(
        client, stripe_on, paid, django_capture_on_commit_callbacks):
    # given a failed payment and 200 active products on Growth
    business, owner, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    Product.objects.bulk_create([Product(business=business, key=f"p{i}", name=f"Khô cá lóc {i}",
                                         status=ProductStatus.ACTIVE) for i in range(200)])
    stripe_on.update_subscription(sub["id"], status="past_due")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False)))
    mail.outbox.clear()

    # when the 7 days pass
    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    limits = business_plan_limits(business=business, now=later)
    notified = grace_expired_notify(now=later)
    notified_again = grace_expired_notify(now=later)

    # then Free limits apply, flagged downgraded; the owner is told once; no product was touched
    assert (limits.plan_code, limits.max_active_products, limits.is_downgraded) == ("free", 50, True)
    assert (notified, notified_again) == (1, 0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    assert "now uses the Free limits" in mail.outbox[0].subject
    assert Product.objects.filter(business=business, status=ProductStatus.ACTIVE).count() == 200

    # when the payment finally succeeds
    stripe_on.update_subscription(sub["id"], status="active")
    post_event(client, stripe_on.event("invoice.paid", stripe_on.invoice(sub["id"], paid=True)))

    # then the plan is back and nothing is downgraded any more
    limits = business_plan_limits(business=business, now=later)
    assert (limits.plan_code, limits.is_downgraded, limits.max_active_products) == ("growth", False, 1000)
    assert _record(business).downgrade_notified_at is None


# --- Redelivery and order --------------------------------------------------------------------------------------

def test_a_redelivered_event_is_a_no_op(client, stripe_on, paid):
    # given the checkout event was handled
    business, _, checkout, sub = paid
    event = stripe_on.event("checkout.session.completed",
                            stripe_on._public_session(stripe_on.sessions[checkout.stripe_session_id]))
    post_event(client, event)
    state = _state(business)
    reads = len(stripe_on.calls("GET", "/v1/subscriptions"))
    # and meanwhile Stripe's subscription changed
    stripe_on.update_subscription(sub["id"], status="canceled")

    # when Stripe delivers the same event again
    response = post_event(client, event)

    # then it is acknowledged and nothing is read or changed
    assert response.status_code == 200
    assert _state(business) == state
    assert len(stripe_on.calls("GET", "/v1/subscriptions")) == reads
    assert WebhookEvent.objects.filter(stripe_event_id=event["id"]).count() == 1


def test_an_older_event_arriving_late_does_not_move_the_subscription_backwards(client, stripe_on, paid):
    # given Stripe sent "created" (incomplete) then "updated" (active), delivered in the opposite order
    business, _, _, sub = paid
    old_snapshot = {**sub, "status": "incomplete"}
    created_event = stripe_on.event("customer.subscription.created", old_snapshot, created=int(time.time()) - 60)
    updated_event = stripe_on.event("customer.subscription.updated", sub)

    # when
    post_event(client, updated_event)
    response = post_event(client, created_event)

    # then it stays active
    assert response.status_code == 200
    assert _record(business).status == SubscriptionStatus.ACTIVE
    assert business_plan_limits(business=business).plan_code == "growth"


def test_a_late_update_after_deletion_does_not_revive_the_subscription(client, stripe_on, paid):
    business, _, _, sub = paid
    active_snapshot = dict(sub)
    stripe_on.update_subscription(sub["id"], status="canceled")

    post_event(client, stripe_on.event("customer.subscription.deleted", stripe_on.subscriptions[sub["id"]]))
    post_event(client, stripe_on.event("customer.subscription.updated", active_snapshot,
                                       created=int(time.time()) - 30))

    assert _record(business).status == SubscriptionStatus.CANCELED
    assert business_plan_limits(business=business).plan_code == "free"


def test_a_late_event_about_an_old_subscription_does_not_replace_the_new_one(client, stripe_on, paid, synced):
    # given the first subscription ended and the owner subscribed again (Pro)
    business, owner, checkout, first = paid
    _completed(client, stripe_on, checkout)
    stripe_on.update_subscription(first["id"], status="canceled")
    post_event(client, stripe_on.event("customer.subscription.deleted", stripe_on.subscriptions[first["id"]]))
    _, second_checkout = start_checkout(client, owner, plan="pro")
    second = stripe_on.complete_checkout(second_checkout.stripe_session_id)
    _completed(client, stripe_on, second_checkout)
    assert _record(business).stripe_subscription_id == second["id"]

    # when a late "deleted" for the first subscription is delivered again under a new event id
    post_event(client, stripe_on.event("customer.subscription.deleted", stripe_on.subscriptions[first["id"]]))

    # then the new subscription stays
    record = _record(business)
    assert (record.stripe_subscription_id, record.plan.code, record.status) == (
        second["id"], "pro", SubscriptionStatus.ACTIVE)


def test_a_late_payment_failure_after_the_retry_succeeded_starts_no_grace(client, stripe_on, paid):
    business, _, checkout, sub = paid
    _completed(client, stripe_on, checkout)
    # the retry already succeeded at Stripe (active); the older failure arrives after invoice.paid
    post_event(client, stripe_on.event("invoice.paid", stripe_on.invoice(sub["id"], paid=True)))
    post_event(client, stripe_on.event("invoice.payment_failed", stripe_on.invoice(sub["id"], paid=False),
                                       created=int(time.time()) - 120))

    record = _record(business)
    assert (record.status, record.grace_until) == (SubscriptionStatus.ACTIVE, None)
    assert mail.outbox == []


# --- Signatures ---------------------------------------------------------------------------------------------------

def _assert_nothing_changed(business, before):
    assert WebhookEvent.objects.count() == 0
    assert _state(business) == before


def test_a_forged_signature_gets_401_and_changes_nothing(client, stripe_on, paid):
    business, _, checkout, _ = paid
    before = _state(business)

    response = _completed(client, stripe_on, checkout, secret="whsec_someone_else")

    assert response.status_code == 401
    _assert_nothing_changed(business, before)


def test_a_tampered_body_gets_401(client, stripe_on, paid):
    business, _, checkout, _ = paid
    before = _state(business)
    event = stripe_on.event("checkout.session.completed",
                            stripe_on._public_session(stripe_on.sessions[checkout.stripe_session_id]))
    signature = sign(json.dumps(event))
    event["data"]["object"]["metadata"]["business_id"] = "999"

    response = client.post("/billing/webhook/", data=json.dumps(event), content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature)

    assert response.status_code == 401
    _assert_nothing_changed(business, before)


def test_a_missing_signature_gets_401(client, stripe_on, paid):
    business, _, checkout, _ = paid
    before = _state(business)
    event = stripe_on.event("checkout.session.completed",
                            stripe_on._public_session(stripe_on.sessions[checkout.stripe_session_id]))

    response = client.post("/billing/webhook/", data=json.dumps(event), content_type="application/json")

    assert response.status_code == 401
    _assert_nothing_changed(business, before)


def test_a_stale_timestamp_gets_401(client, stripe_on, paid):
    business, _, checkout, _ = paid
    before = _state(business)

    response = _completed(client, stripe_on, checkout, timestamp=int(time.time()) - 3600)

    assert response.status_code == 401
    _assert_nothing_changed(business, before)


def test_the_webhook_only_accepts_post(client, stripe_on):
    assert client.get("/billing/webhook/").status_code == 405


# --- Other events and failures ----------------------------------------------------------------------------------

def test_an_unhandled_event_type_is_logged_and_acknowledged(client, stripe_on, paid, caplog):
    business, _, _, _ = paid
    before = _state(business)

    response = post_event(client, stripe_on.event("customer.updated", {"id": "cus_x", "object": "customer"}))

    assert response.status_code == 200
    assert _state(business) == before
    assert WebhookEvent.objects.get().outcome == WebhookOutcome.IGNORED
    assert "not handled" in caplog.text


def test_when_stripe_cannot_be_read_the_event_is_not_stored_so_stripe_retries(client, stripe_on, paid):
    business, _, checkout, _ = paid
    before = _state(business)
    event = stripe_on.event("checkout.session.completed",
                            stripe_on._public_session(stripe_on.sessions[checkout.stripe_session_id]))
    stripe_on.fail_next = [503]

    failed = post_event(client, event)
    checkout.refresh_from_db()

    assert failed.status_code == 503
    assert WebhookEvent.objects.count() == 0 and checkout.status == CheckoutStatus.OPEN
    assert _state(business) == before
    # and the redelivery works
    assert post_event(client, event).status_code == 200
    assert _record(business).status == SubscriptionStatus.ACTIVE


def test_an_event_for_an_unknown_customer_is_acknowledged_and_changes_nothing(client, stripe_on, paid):
    business, _, _, sub = paid
    before = _state(business)
    stranger = {**sub, "customer": "cus_unknown", "metadata": {}}

    response = post_event(client, stripe_on.event("customer.subscription.updated", stranger))

    assert response.status_code == 200
    assert _state(business) == before
