"""The Stripe webhook never answers 500 (ASVS V13.1, V5.1), fuzzed with Hypothesis against a business that paid.

- Generated bodies with generated or no Stripe-Signature headers: 401 (400 for a body that is not text), and
  nothing changes: no webhook event stored, the business's subscription as it was.
- Bodies signed with the endpoint secret but of any shape: 200, 400 or 503 (Stripe unreachable), never 500;
  the paying business's subscription never moves (nothing in them names it).
- Without Stripe configured the endpoint does not exist: 404.
"""

import json
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sme.billing.models import BusinessSubscription, CheckoutSession, WebhookEvent
from sme.billing.webhooks import HANDLERS
from tests.sme.billing.factories import business_with_owner
from tests.sme.billing.fake_stripe import post_event, sign
from tests.sme.billing.helpers import start_checkout

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(max_examples=80, deadline=None, database=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
URL = "/billing/webhook/"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
anything = json_values | st.text(max_size=30) | st.integers()
references = st.none() | st.text(max_size=30) | st.fixed_dictionaries({"id": anything}) | json_values
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=160)
signatures = header_text | st.builds(
    lambda t, v1, extra: f"t={t},v1={v1}{extra}",
    st.integers(min_value=int(time.time()) - 600, max_value=int(time.time()) + 600) | st.integers(),
    st.text(alphabet="0123456789abcdef", min_size=0, max_size=64), st.sampled_from(["", ",v0=abc", ",v1=", ","]))
events = st.fixed_dictionaries(
    {"id": anything, "type": st.sampled_from([*HANDLERS, "charge.succeeded"]) | anything, "created": anything},
    optional={"livemode": anything, "object": st.just("event") | anything,
              "data": st.fixed_dictionaries({}, optional={"object": st.fixed_dictionaries(
                  {}, optional={"id": anything, "customer": references, "subscription": references,
                                "metadata": st.dictionaries(st.sampled_from(["business_id", "x"]), anything, max_size=2)
                                | anything, "client_reference_id": anything,
                                "parent": st.fixed_dictionaries({}, optional={"subscription_details": st.fixed_dictionaries(
                                    {}, optional={"subscription": references}) | anything}) | anything})
                  | anything}) | anything},
) | json_values


@pytest.fixture
def paying(client, synced, stripe_on):
    """A business on Growth, paid and recorded (its checkout's webhook received)."""
    business, owner = business_with_owner()
    _, checkout = start_checkout(client, owner, plan="growth", interval="month")
    stripe_on.complete_checkout(checkout.stripe_session_id)
    session = stripe_on.sessions[checkout.stripe_session_id]
    assert post_event(client, stripe_on.event("checkout.session.completed",
                                              stripe_on._public_session(session))).status_code == 200
    return business


def state(business) -> tuple:
    record = BusinessSubscription.objects.get(business=business)
    return (record.plan.code if record.plan else None, record.status, record.stripe_subscription_id,
            record.stripe_customer_id, record.grace_until, record.cancel_at_period_end, record.current_period_end,
            BusinessSubscription.objects.count(), list(CheckoutSession.objects.values_list("status", flat=True)))


def test_generated_deliveries_are_refused_and_change_nothing(client, paying):
    before, stored = state(paying), WebhookEvent.objects.count()

    @FUZZ
    @given(body=st.binary(max_size=400) | events.map(lambda e: json.dumps(e).encode()),
           signature=st.none() | signatures)
    def run(body, signature):
        headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
        response = client.post(URL, data=body, content_type="application/json", **headers)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            assert response.status_code in (400, 401)
        else:
            assert response.status_code == 401, (response.status_code, body[:80], signature)
        assert WebhookEvent.objects.count() == stored and state(paying) == before

    run()


def test_a_genuine_delivery_signed_with_another_secret_or_time_is_refused(client, paying, stripe_on):
    before, stored = state(paying), WebhookEvent.objects.count()

    @FUZZ
    @given(event=events, secret=st.text(min_size=1, max_size=40), skew=st.integers(min_value=301, max_value=10**6))
    def run(event, secret, skew):
        payload = json.dumps(event)
        for signature in (sign(payload, secret="whsec_" + secret), sign(payload, timestamp=int(time.time()) - skew),
                          sign(payload)[:-1]):
            response = client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
            assert response.status_code == 401
        assert WebhookEvent.objects.count() == stored and state(paying) == before

    run()


def test_signed_events_of_any_shape_never_give_a_500(client, paying):
    before = state(paying)

    @FUZZ
    @given(event=events)
    def run(event):
        payload = json.dumps(event)
        response = client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
        assert response.status_code in (200, 400, 503), (response.status_code, payload[:300])
        assert state(paying) == before

    run()


def test_without_stripe_the_webhook_is_not_found_for_any_delivery(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""

    @FUZZ
    @given(body=st.binary(max_size=200), signature=signatures)
    def run(body, signature):
        response = client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
        assert response.status_code == 404
        assert not WebhookEvent.objects.exists()

    run()
