"""Billing test data: businesses with owners (no ward, so they work after a transactional flush too),
the three plans, subscriptions and vouchers."""

import datetime

import factory
from django.utils import timezone

from accounts.roles import Role
from sme.billing.models import (
    BusinessSubscription,
    Interval,
    Plan,
    SubscriptionStatus,
    VoucherProgramme,
)
from sme.businesses.models import Business, LegalForm, MemberRole, Membership
from tests.factories import UserFactory, owner_user

# The plans of 0002_seed_plans; ensure_plans() restores them after a transactional test flushed the table.
DEFAULT_PLANS = [
    ("free", "Miễn phí", 0, 1, 50, False, 0, 0),
    ("growth", "Tăng trưởng", 1, 3, 1000, True, 199_000, 1_990_000),
    ("pro", "Chuyên nghiệp", 2, None, None, True, 499_000, 4_990_000),
]


def ensure_plans() -> dict[str, Plan]:
    for code, name, order, marketplaces, products, auto, monthly, yearly in DEFAULT_PLANS:
        Plan.objects.get_or_create(code=code, defaults={
            "name": name, "sort_order": order, "max_marketplaces": marketplaces, "max_active_products": products,
            "automatic_sync": auto, "price_monthly_vnd": monthly, "price_yearly_vnd": yearly})
    return {p.code: p for p in Plan.objects.all()}


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_form = LegalForm.HOUSEHOLD
    legal_name = factory.Sequence(lambda n: f"Hộ kinh doanh Bánh Phồng Sa Đéc {n}")
    identifier = factory.Sequence(lambda n: f"{87_100_000_000 + n:012d}")
    email = factory.Sequence(lambda n: f"banhphong{n}@example.test")
    created_by = factory.SubFactory(UserFactory)


def business_with_owner(*, language: str = "en", **user_kwargs):
    """(business, owner user). Owners read English unless ``language`` says otherwise, so assertions can
    quote the source strings; Vietnamese has its own tests."""
    owner = owner_user(preferred_language=language, **user_kwargs)
    business = BusinessFactory(created_by=owner)
    Membership.objects.create(business=business, user=owner, role=MemberRole.OWNER)
    return business, owner


def staff_member(business: Business):
    user = owner_user(preferred_language="en")
    Membership.objects.create(business=business, user=user, role=MemberRole.STAFF)
    return user


def officer():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(roles=[Role.TRADE_OFFICER], preferred_language="en")
    TOTP.activate(user, generate_totp_secret())
    return user


def subscription(business: Business, plan: Plan, *, status: str = SubscriptionStatus.ACTIVE, **kwargs):
    defaults = {"stripe_customer_id": f"cus_local{business.pk}", "stripe_subscription_id": f"sub_local{business.pk}",
                "interval": Interval.MONTH, "current_period_end": timezone.now() + datetime.timedelta(days=20)}
    return BusinessSubscription.objects.create(business=business, plan=plan, status=status, **{**defaults, **kwargs})


def voucher(plan: Plan, *, code: str = "OCOP2026", created_by=None, **kwargs) -> VoucherProgramme:
    return VoucherProgramme.objects.create(
        name="6 tháng gói Tăng trưởng miễn phí cho chủ thể OCOP", plan=plan, code=code,
        stripe_coupon_id=f"coupon_{code}", stripe_promotion_code_id=f"promo_{code}",
        created_by=created_by or UserFactory(), **kwargs)
