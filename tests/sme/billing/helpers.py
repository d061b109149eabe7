"""Shared steps for billing tests."""

import pytest

from sme.billing.models import CheckoutSession, Plan
from sme.billing.services import plans_sync_to_stripe
from tests.sme.billing.factories import ensure_plans


@pytest.fixture
def synced(stripe_on):
    """The plans pushed to the fake Stripe; returns {code: Plan}."""
    ensure_plans()
    plans_sync_to_stripe()
    return {p.code: p for p in Plan.objects.all()}


def start_checkout(client, owner, *, plan: str = "growth", interval: str = "month", voucher_code: str = ""):
    """The owner presses "Pay monthly" on the plans page; returns (response, CheckoutSession or None)."""
    client.force_login(owner)
    before = set(CheckoutSession.objects.values_list("pk", flat=True))
    response = client.post("/billing/checkout/", {"plan": plan, "interval": interval, "voucher_code": voucher_code})
    created = CheckoutSession.objects.exclude(pk__in=before).first()
    return response, created
