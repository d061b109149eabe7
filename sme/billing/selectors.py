"""Reads about plans, subscriptions and vouchers, and the entitlement API other areas call.

Entitlements, for other areas (sme.catalog, marketplace_connectors):

* ``business_plan_limits(business=...)`` -> ``PlanLimits``: the limits in force now, plus ``is_downgraded``
  (a paid plan lapsed: hold the business to these Free limits and PAUSE what is over them, never delete or
  delist; resume when ``is_downgraded`` turns false).
* ``sme.billing.services.entitlement_check(...)`` raises ``EntitlementError`` before an action the plan
  does not allow.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sme.businesses.models import Business, MemberRole

from .models import (
    ENTITLED_STATUSES,
    LAPSED_STATUSES,
    OVERDUE_STATUSES,
    BusinessSubscription,
    CheckoutSession,
    Feature,
    Plan,
    PlanCode,
    VoucherProgramme,
)
from .stripe_client import stripe_configured


@dataclass(frozen=True)
class PlanLimits:
    """What a business may do right now. ``None`` limits mean unlimited.

    ``is_downgraded``: the business had a paid plan that lapsed (grace period over, or subscription ended),
    so Free limits apply; listings over the limits are to be paused (not delisted) until it pays again.
    ``in_grace``: a payment failed but the paid limits still apply until ``grace_until``.
    ``payments_enabled``: Stripe is configured (otherwise every business runs on DEFAULT_PLAN).
    """

    plan_code: str
    plan_name: str
    max_marketplaces: int | None
    max_active_products: int | None
    automatic_sync: bool
    is_downgraded: bool = False
    in_grace: bool = False
    grace_until: datetime.datetime | None = None
    payments_enabled: bool = False

    def limit_for(self, feature: str) -> int | None:
        """The numeric limit of a countable feature (``None`` = unlimited)."""
        if feature == Feature.MARKETPLACE:
            return self.max_marketplaces
        if feature == Feature.ACTIVE_PRODUCT:
            return self.max_active_products
        raise ValueError(f"{feature!r} is not a countable feature")

    def allows(self, feature: str, *, count: int = 0) -> bool:
        """Whether the business may have ``count`` of ``feature`` (for automatic sync: whether it is on)."""
        if feature == Feature.AUTOMATIC_SYNC:
            return self.automatic_sync
        limit = self.limit_for(feature)
        return limit is None or count <= limit


# Used only if the Free plan row was removed: the platform never runs without limits.
FREE_FALLBACK = PlanLimits(plan_code=PlanCode.FREE, plan_name=str(PlanCode.FREE.label), max_marketplaces=1,
                           max_active_products=50, automatic_sync=False)


def _limits_from(plan: Plan | None, **extra) -> PlanLimits:
    if plan is None:
        return dataclasses.replace(FREE_FALLBACK, plan_name=str(PlanCode.FREE.label), **extra)
    return PlanLimits(plan_code=plan.code, plan_name=plan.display_name, max_marketplaces=plan.max_marketplaces,
                      max_active_products=plan.max_active_products, automatic_sync=plan.automatic_sync, **extra)


def plan_get_by_code(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def business_plan_limits(*, business: Business, now: datetime.datetime | None = None) -> PlanLimits:
    """The limits in force for ``business`` now (one or two queries).

    Without Stripe keys every business gets DEFAULT_PLAN. With Stripe: an active/trialing subscription gives
    its plan; an overdue one keeps its plan until the grace period ends, then Free with ``is_downgraded``;
    a cancelled or paused paid subscription gives Free with ``is_downgraded``; anything else gives Free.
    """
    if not stripe_configured():
        plan = plan_get_by_code(code=settings.DEFAULT_PLAN) or plan_get_by_code(code=PlanCode.FREE)
        return _limits_from(plan)
    now = now or timezone.now()
    sub = BusinessSubscription.objects.select_related("plan").filter(business=business).first()
    if sub is not None and sub.plan is not None:
        if sub.status in ENTITLED_STATUSES:
            return _limits_from(sub.plan, payments_enabled=True)
        if sub.status in OVERDUE_STATUSES:
            if sub.grace_until is None or now < sub.grace_until:
                return _limits_from(sub.plan, payments_enabled=True, in_grace=True, grace_until=sub.grace_until)
            free = plan_get_by_code(code=PlanCode.FREE)
            return _limits_from(free, payments_enabled=True, is_downgraded=True, grace_until=sub.grace_until)
        if sub.status in LAPSED_STATUSES and sub.plan.is_paid:
            free = plan_get_by_code(code=PlanCode.FREE)
            return _limits_from(free, payments_enabled=True, is_downgraded=True)
    free = plan_get_by_code(code=PlanCode.FREE)
    return _limits_from(free, payments_enabled=True)


def plan_list_offered() -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True).order_by("sort_order", "price_monthly_vnd")


def plan_cheapest_allowing(*, feature: str, count: int = 0) -> Plan | None:
    """The first offered plan (by order, then price) that allows ``count`` of ``feature``."""
    for plan in plan_list_offered():
        limits = _limits_from(plan)
        if limits.allows(feature, count=count):
            return plan
    return None


def subscription_for_business(*, business: Business) -> BusinessSubscription | None:
    return BusinessSubscription.objects.select_related("plan").filter(business=business).first()


def checkout_session_get_for_business(*, business: Business, stripe_session_id: str) -> CheckoutSession:
    """Raises Http404 for another business's session (or an unknown id)."""
    return get_object_or_404(CheckoutSession.objects.select_related("plan"), business=business,
                             stripe_session_id=stripe_session_id)


def business_owner_emails(*, business: Business) -> list[tuple[str, str]]:
    """(email, preferred language) of the business's owners."""
    return list(business.memberships.filter(role=MemberRole.OWNER).values_list(
        "user__email", "user__preferred_language"))


def voucher_programme_list() -> QuerySet[VoucherProgramme]:
    return VoucherProgramme.objects.select_related("plan").annotate(redemption_count=Count("redemptions"))


def voucher_programme_get(*, pk: int) -> VoucherProgramme:
    return get_object_or_404(VoucherProgramme.objects.select_related("plan", "created_by"), pk=pk)


def voucher_programme_get_by_code(*, code: str) -> VoucherProgramme | None:
    return VoucherProgramme.objects.select_related("plan").filter(code__iexact=code.strip(), is_active=True).first()


def subscriptions_grace_expired(*, now: datetime.datetime) -> QuerySet[BusinessSubscription]:
    """Overdue subscriptions whose grace period ended and whose owners were not yet told."""
    return BusinessSubscription.objects.filter(
        status__in=OVERDUE_STATUSES, grace_until__lte=now, downgrade_notified_at__isnull=True,
    ).select_related("business", "plan")
