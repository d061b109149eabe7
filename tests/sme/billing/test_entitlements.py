"""The entitlement API other areas call: business_plan_limits() and entitlement_check()."""

import datetime

import pytest
from django.utils import timezone, translation

from sme.billing.errors import EntitlementError
from sme.billing.models import Feature, Plan, SubscriptionStatus
from sme.billing.selectors import business_plan_limits
from sme.billing.services import entitlement_check
from tests.sme.billing.factories import business_with_owner, ensure_plans, subscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plans():
    return ensure_plans()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Free plan (no subscription) --------------------------------------------------------------------------------

def test_a_business_without_subscription_has_the_free_limits(stripe_on):
    business, _ = business_with_owner()

    limits = business_plan_limits(business=business)

    assert (limits.plan_code, limits.max_marketplaces, limits.max_active_products, limits.automatic_sync) == (
        "free", 1, 50, False)
    assert limits.is_downgraded is False and limits.in_grace is False and limits.payments_enabled is True


def test_free_allows_the_50th_active_product_but_not_the_51st(stripe_on):
    business, _ = business_with_owner()

    entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=49)
    with pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=50)

    assert str(caught.value) == (
        "The Free plan allows 50 active products and this business already has 50. "
        "The Growth plan allows up to 1,000 (see Plan and billing).")
    assert caught.value.upgrade_plan_code == "growth" and caught.value.limit == 50


def test_activating_many_at_once_counts_all_of_them(stripe_on):
    business, _ = business_with_owner()

    with pytest.raises(EntitlementError):
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=40, adding=11)
    entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=40, adding=10)


def test_free_allows_one_marketplace(stripe_on):
    business, _ = business_with_owner()

    entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=0)
    with pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=1)

    assert str(caught.value) == (
        "The Free plan allows 1 connected marketplace and this business already has 1. "
        "The Growth plan allows up to 3 (see Plan and billing).")


def test_free_has_no_automatic_sync_and_names_the_plan_that_has(stripe_on):
    business, _ = business_with_owner()

    with pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.AUTOMATIC_SYNC)

    assert str(caught.value) == ("The Free plan syncs stock by hand only. Automatic stock sync comes with the "
                                 "Growth plan (see Plan and billing).")
    assert caught.value.feature == Feature.AUTOMATIC_SYNC


def test_the_message_is_in_vietnamese_for_vietnamese_users(stripe_on):
    business, _ = business_with_owner()

    with translation.override("vi"), pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=50)

    assert "Miễn phí" in str(caught.value) and "Tăng trưởng" in str(caught.value) and "1.000" in str(caught.value)


# --- Growth and Pro ---------------------------------------------------------------------------------------------

def test_growth_allows_three_marketplaces_1000_products_and_automatic_sync(stripe_on, plans):
    business, _ = business_with_owner()
    subscription(business, plans["growth"])

    entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=2)
    entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=999)
    entitlement_check(business=business, feature=Feature.AUTOMATIC_SYNC)
    with pytest.raises(EntitlementError) as marketplaces:
        entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=3)
    with pytest.raises(EntitlementError) as products:
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=1000)

    assert "The Pro plan has no limit" in str(marketplaces.value)
    assert str(products.value).startswith("The Growth plan allows 1,000 active products")
    assert products.value.upgrade_plan_code == "pro"


def test_pro_is_unlimited(stripe_on, plans):
    business, _ = business_with_owner()
    subscription(business, plans["pro"])

    limits = entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=1_000_000)
    entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=40)

    assert limits.plan_code == "pro" and limits.max_active_products is None and limits.max_marketplaces is None


def test_a_subscription_awaiting_its_first_payment_gives_free_limits(stripe_on, plans):
    business, _ = business_with_owner()
    subscription(business, plans["growth"], status=SubscriptionStatus.INCOMPLETE)

    limits = business_plan_limits(business=business)

    assert limits.plan_code == "free" and limits.is_downgraded is False


def test_when_no_plan_allows_it_the_message_says_so(stripe_on, plans):
    business, _ = business_with_owner()
    Plan.objects.filter(code="pro").update(max_active_products=5000)
    subscription(business, Plan.objects.get(code="pro"))

    with pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=5000)

    assert "No plan allows more" in str(caught.value) and caught.value.upgrade_plan_code == ""


def test_a_count_is_required_for_countable_features(stripe_on):
    business, _ = business_with_owner()

    with pytest.raises(ValueError, match="current_count"):
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT)


# --- Grace period and downgrade ---------------------------------------------------------------------------------

def test_during_the_grace_period_the_paid_limits_still_apply(stripe_on, plans):
    business, _ = business_with_owner()
    grace_until = timezone.now() + datetime.timedelta(days=3)
    subscription(business, plans["growth"], status=SubscriptionStatus.PAST_DUE, grace_until=grace_until)

    limits = entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=900)

    assert limits.plan_code == "growth" and limits.in_grace and limits.grace_until == grace_until
    assert limits.is_downgraded is False


def test_after_the_grace_period_free_limits_apply_and_the_business_is_marked_downgraded(stripe_on, plans):
    business, _ = business_with_owner()
    subscription(business, plans["growth"], status=SubscriptionStatus.PAST_DUE,
                 grace_until=timezone.now() - datetime.timedelta(minutes=1))

    limits = business_plan_limits(business=business)
    with pytest.raises(EntitlementError) as caught:
        entitlement_check(business=business, feature=Feature.AUTOMATIC_SYNC)

    assert limits.plan_code == "free" and limits.is_downgraded is True and limits.max_active_products == 50
    assert "Your paid plan is on hold because a payment did not go through" in str(caught.value)


def test_a_cancelled_paid_subscription_leaves_the_business_downgraded_to_free(stripe_on, plans):
    business, _ = business_with_owner()
    subscription(business, plans["pro"], status=SubscriptionStatus.CANCELED)

    limits = business_plan_limits(business=business)

    assert limits.plan_code == "free" and limits.is_downgraded is True


def test_limits_of_one_business_do_not_leak_to_another(stripe_on, plans):
    paying, _ = business_with_owner()
    other, _ = business_with_owner()
    subscription(paying, plans["pro"])

    assert business_plan_limits(business=paying).plan_code == "pro"
    assert business_plan_limits(business=other).plan_code == "free"


# --- Without Stripe ---------------------------------------------------------------------------------------------

def test_without_stripe_keys_every_business_gets_the_default_plan(settings, plans):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEFAULT_PLAN = "growth"
    business, _ = business_with_owner()
    lapsed, _ = business_with_owner()
    subscription(lapsed, plans["pro"], status=SubscriptionStatus.CANCELED)

    limits = business_plan_limits(business=business)

    assert (limits.plan_code, limits.max_marketplaces, limits.payments_enabled) == ("growth", 3, False)
    assert business_plan_limits(business=lapsed).plan_code == "growth"
    entitlement_check(business=business, feature=Feature.AUTOMATIC_SYNC)


def test_without_stripe_keys_the_default_is_free(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    business, _ = business_with_owner()

    with pytest.raises(EntitlementError):
        entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=1)


def test_an_unknown_default_plan_falls_back_to_free(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEFAULT_PLAN = "gold"
    business, _ = business_with_owner()

    assert business_plan_limits(business=business).plan_code == "free"
