"""Writes for billing: entitlement checks, pushing plans to Stripe, checkout, portal, subscription state from
Stripe, vouchers and the grace-period emails. Every Stripe call goes through ``stripe_client``.
"""

import datetime
import logging
import re
from dataclasses import dataclass

import stripe
from babel.numbers import format_decimal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from sme.businesses.models import Business
from sme.jobs import task_enqueue

from .errors import BillingError, EntitlementError, PaymentsNotSetUp
from .models import (
    ENTITLED_STATUSES,
    OVERDUE_STATUSES,
    BusinessSubscription,
    CheckoutSession,
    CheckoutStatus,
    Feature,
    Interval,
    Plan,
    SubscriptionStatus,
    VoucherProgramme,
    VoucherRedemption,
)
from .selectors import (
    PlanLimits,
    business_owner_emails,
    business_plan_limits,
    plan_cheapest_allowing,
    voucher_programme_get_by_code,
)
from .stripe_client import StripeNotConfigured, get_client, stripe_configured

logger = logging.getLogger(__name__)

CURRENCY = "vnd"  # zero-decimal: unit_amount is whole đồng
STRIPE_ID_PREFIX = "dtsme"


def _ts(value: int | None) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def _n(value: int) -> str:
    """A count grouped the way the active language writes it (1.000 in Vietnamese, 1,000 in English)."""
    language = (translation.get_language() or "vi").split("-")[0]
    return format_decimal(value, locale="en_US" if language == "en" else "vi_VN")


def _client():
    try:
        return get_client()
    except StripeNotConfigured as exc:
        raise PaymentsNotSetUp(_("Online payments are not set up on this platform yet.")) from exc


# --- Entitlements ---------------------------------------------------------------------------------------------

def entitlement_check(
    *, business: Business, feature: str, current_count: int | None = None, adding: int = 1,
    limits: PlanLimits | None = None,
) -> PlanLimits:
    """Raise ``EntitlementError`` unless ``business``'s plan allows the action; return the limits otherwise.

    ``feature`` is a ``Feature`` value. For ``MARKETPLACE`` and ``ACTIVE_PRODUCT`` pass ``current_count``
    (how many the business has now, before the action) and ``adding`` (how many the action adds, default 1);
    the caller counts, so billing never imports the areas it gates. ``AUTOMATIC_SYNC`` needs no count.
    The error message (active language) says what the current plan allows and which plan allows it.
    Reads only; safe to call repeatedly.
    """
    limits = limits or business_plan_limits(business=business)
    if feature == Feature.AUTOMATIC_SYNC:
        if limits.automatic_sync:
            return limits
        upgrade = plan_cheapest_allowing(feature=feature)
        message = _("The %(plan)s plan syncs stock by hand only.") % {"plan": limits.plan_name}
        raise EntitlementError(
            " ".join(filter(None, [message, _upgrade_sentence(feature, upgrade), _lapsed_sentence(limits)])),
            feature=feature, limit=None, upgrade_plan_code=upgrade.code if upgrade else "",
        )
    if feature not in (Feature.MARKETPLACE, Feature.ACTIVE_PRODUCT):
        raise ValueError(f"Unknown feature {feature!r}")
    if current_count is None:
        raise ValueError(f"entitlement_check needs current_count for {feature!r}")
    wanted = current_count + adding
    if limits.allows(feature, count=wanted):
        return limits
    limit = limits.limit_for(feature)
    if feature == Feature.MARKETPLACE:
        message = ngettext(
            "The %(plan)s plan allows %(limit)s connected marketplace and this business already has %(count)s.",
            "The %(plan)s plan allows %(limit)s connected marketplaces and this business already has %(count)s.",
            limit,
        )
    else:
        message = ngettext(
            "The %(plan)s plan allows %(limit)s active product and this business already has %(count)s.",
            "The %(plan)s plan allows %(limit)s active products and this business already has %(count)s.",
            limit,
        )
    message = message % {"plan": limits.plan_name, "limit": _n(limit),
                         "count": _n(current_count)}
    upgrade = plan_cheapest_allowing(feature=feature, count=wanted)
    raise EntitlementError(
        " ".join(filter(None, [message, _upgrade_sentence(feature, upgrade), _lapsed_sentence(limits)])),
        feature=feature, limit=limit, upgrade_plan_code=upgrade.code if upgrade else "",
    )


def _upgrade_sentence(feature: str, plan: Plan | None) -> str:
    if plan is None:
        return _("No plan allows more; pause or remove one first.")
    if feature == Feature.AUTOMATIC_SYNC:
        return _("Automatic stock sync comes with the %(plan)s plan (see Plan and billing).") % {
            "plan": plan.display_name}
    limit = plan.max_marketplaces if feature == Feature.MARKETPLACE else plan.max_active_products
    if limit is None:
        return _("The %(plan)s plan has no limit (see Plan and billing).") % {"plan": plan.display_name}
    return _("The %(plan)s plan allows up to %(limit)s (see Plan and billing).") % {
        "plan": plan.display_name, "limit": _n(limit)}


def _lapsed_sentence(limits: PlanLimits) -> str:
    if limits.is_downgraded:
        return _("Your paid plan is on hold because a payment did not go through; paying restores it.")
    return ""


# --- Plans -> Stripe ------------------------------------------------------------------------------------------

def plans_sync_to_stripe() -> list[str]:
    """Create or update each paid plan in Stripe as a Product with a monthly and a yearly Price (VND).

    Idempotent: a product is found by its stored id (or its fixed id ``dtsme_<code>``), a price by its
    stored id (or lookup key ``dtsme_<code>_<interval>``); a price whose amount changed is replaced (Stripe
    prices are immutable) and the old one archived. Returns one line per change for the command's output.
    Raises PaymentsNotSetUp without keys and ``stripe.StripeError`` when Stripe refuses.
    """
    client = _client()
    report: list[str] = []
    for plan in Plan.objects.order_by("sort_order"):
        if not plan.is_paid:
            continue
        product_id = plan.stripe_product_id or f"{STRIPE_ID_PREFIX}_{plan.code}"
        product_params = {"name": f"{plan.name} ({plan.code})", "active": plan.is_active,
                          "metadata": {"plan_code": plan.code}}
        try:
            product = client.v1.products.retrieve(product_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise
            product = client.v1.products.create(params={"id": product_id, **product_params})
            report.append(f"{plan.code}: created product {product.id}")
        else:
            if product.name != product_params["name"] or product.active != plan.is_active:
                client.v1.products.update(product.id, params=product_params)
                report.append(f"{plan.code}: updated product {product.id}")
        plan.stripe_product_id = product.id
        for interval in (Interval.MONTH, Interval.YEAR):
            price_id, line = _price_sync(client, plan=plan, interval=interval)
            if interval == Interval.MONTH:
                plan.stripe_price_monthly_id = price_id
            else:
                plan.stripe_price_yearly_id = price_id
            if line:
                report.append(line)
        plan.stripe_synced_at = timezone.now()
        plan.save(update_fields=["stripe_product_id", "stripe_price_monthly_id", "stripe_price_yearly_id",
                                 "stripe_synced_at", "updated_at"])
    return report


def _price_matches(price, *, product_id: str, amount: int, interval: str) -> bool:
    recurring = price.recurring
    return (price.active and price.product == product_id and price.currency == CURRENCY
            and price.unit_amount == amount and recurring is not None and recurring.interval == interval)


def _price_sync(client, *, plan: Plan, interval: str) -> tuple[str, str]:
    amount = plan.price_for(interval)
    lookup_key = f"{STRIPE_ID_PREFIX}_{plan.code}_{interval}"
    current = None
    stored_id = plan.stripe_price_id_for(interval)
    if stored_id:
        current = client.v1.prices.retrieve(stored_id)
    else:
        found = client.v1.prices.list(params={"lookup_keys": [lookup_key], "limit": 1})
        current = found.data[0] if found.data else None
    if amount == 0:
        if current is not None and current.active:
            client.v1.prices.update(current.id, params={"active": False})
            return "", f"{plan.code}: archived {interval} price {current.id}"
        return "", ""
    if current is not None and _price_matches(current, product_id=plan.stripe_product_id, amount=amount,
                                              interval=interval):
        return current.id, ""
    price = client.v1.prices.create(params={
        "product": plan.stripe_product_id, "currency": CURRENCY, "unit_amount": amount,
        "recurring": {"interval": interval}, "lookup_key": lookup_key, "transfer_lookup_key": True,
        "metadata": {"plan_code": plan.code, "interval": interval},
    })
    line = f"{plan.code}: created {interval} price {price.id} ({amount} VND)"
    if current is not None and current.active:
        client.v1.prices.update(current.id, params={"active": False})
        line += f", archived {current.id}"
    return price.id, line


# --- Checkout and portal --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckoutStart:
    checkout: CheckoutSession
    url: str


def _customer_ensure(client, *, business: Business, user: User) -> BusinessSubscription:
    record, _created = BusinessSubscription.objects.get_or_create(business=business)
    if not record.stripe_customer_id:
        customer = client.v1.customers.create(params={
            "name": business.legal_name[:256],
            "email": business.email or user.email,
            "metadata": {"business_id": str(business.pk)},
            "preferred_locales": [translation.get_language() or "vi"],
        })
        record.stripe_customer_id = customer.id
        record.save(update_fields=["stripe_customer_id", "updated_at"])
    return record


def checkout_session_create(
    *, business: Business, plan: Plan, interval: str, user: User, success_url: str, cancel_url: str,
    voucher_code: str = "",
) -> CheckoutStart:
    """Open a Stripe Checkout session (subscription mode) for ``plan`` billed every ``interval``.

    ``success_url`` must contain ``{CHECKOUT_SESSION_ID}`` (Stripe fills it in). A voucher code is applied
    directly; without one the owner may type a promotion code on Stripe's page. Nothing changes locally
    but the Stripe customer id and the CheckoutSession row: the plan becomes active only when Stripe's
    webhook confirms it. Raises PaymentsNotSetUp, BillingError (plan not for sale, already subscribed,
    bad voucher) or ``stripe.StripeError``.
    """
    client = _client()
    if not plan.is_paid or not plan.is_active or not plan.stripe_price_id_for(interval):
        raise BillingError(_("The %(plan)s plan cannot be bought online yet.") % {"plan": plan.display_name})
    existing = BusinessSubscription.objects.filter(business=business).first()
    if existing is not None and existing.status in ENTITLED_STATUSES | OVERDUE_STATUSES:
        raise BillingError(_("This business already has a subscription. Change plan or cancel it from "
                             "“Manage payment and invoices”."))
    programme = None
    if voucher_code.strip():
        programme = voucher_programme_get_by_code(code=voucher_code)
        if programme is None:
            raise BillingError(_("The voucher code “%(code)s” does not exist or has ended. Check the code.")
                               % {"code": voucher_code.strip()})
        if programme.plan_id != plan.pk:
            raise BillingError(_("The voucher code “%(code)s” is for the %(plan)s plan.")
                               % {"code": programme.code, "plan": programme.plan.display_name})
    record = _customer_ensure(client, business=business, user=user)
    params = {
        "mode": "subscription",
        "customer": record.stripe_customer_id,
        "client_reference_id": str(business.pk),
        "line_items": [{"price": plan.stripe_price_id_for(interval), "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": "vi" if (translation.get_language() or "vi").startswith("vi") else "en",
        "metadata": {"business_id": str(business.pk), "plan_code": plan.code, "interval": interval},
        "subscription_data": {"metadata": {"business_id": str(business.pk), "plan_code": plan.code}},
    }
    if programme is not None:
        params["discounts"] = [{"promotion_code": programme.stripe_promotion_code_id}]
    else:
        params["allow_promotion_codes"] = True
    session = client.v1.checkout.sessions.create(params=params)
    checkout = CheckoutSession.objects.create(
        business=business, stripe_session_id=session.id, plan=plan, interval=interval,
        voucher_programme=programme, created_by=user,
    )
    return CheckoutStart(checkout=checkout, url=session.url)


def portal_session_create(*, business: Business, return_url: str) -> str:
    """The URL of a Stripe Customer Portal session (cards, cancellation, invoices) for ``business``.

    Raises PaymentsNotSetUp, BillingError (no Stripe customer yet) or ``stripe.StripeError``.
    """
    client = _client()
    record = BusinessSubscription.objects.filter(business=business).exclude(stripe_customer_id="").first()
    if record is None:
        raise BillingError(_("This business has not paid for a plan yet; choose a plan first."))
    session = client.v1.billing_portal.sessions.create(params={
        "customer": record.stripe_customer_id, "return_url": return_url,
        "locale": "vi" if (translation.get_language() or "vi").startswith("vi") else "en",
    })
    return session.url


# --- Subscription state from Stripe ---------------------------------------------------------------------------

def _plan_for_price(price_id: str) -> tuple[Plan | None, str]:
    plan = Plan.objects.filter(stripe_price_monthly_id=price_id).first()
    if plan is not None:
        return plan, Interval.MONTH
    plan = Plan.objects.filter(stripe_price_yearly_id=price_id).first()
    return plan, (Interval.YEAR if plan is not None else "")


DEAD_STATUSES = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED})


def subscription_refresh(*, record: BusinessSubscription, stripe_subscription_id: str) -> BusinessSubscription:
    """Fetch the subscription from Stripe and store its current state on ``record`` (locked by the caller).

    Reading the current object, not the event payload, means events arriving late or out of order cannot
    move a subscription backwards. A late event about an older subscription never replaces a newer live one.
    A move into past due/unpaid starts the grace period (once) and emails the owners; a move back to active
    ends it. Records voucher redemptions from the subscription's promotion codes. Raises ``stripe.StripeError``.
    """
    sub = _client().v1.subscriptions.retrieve(stripe_subscription_id, params={"expand": ["discounts"]}).to_dict()
    now = timezone.now()
    status = sub["status"]
    created = _ts(sub.get("created"))
    if record.stripe_subscription_id and record.stripe_subscription_id != sub["id"]:
        tracked_live = record.status not in DEAD_STATUSES and record.status != SubscriptionStatus.NONE
        if status in DEAD_STATUSES and tracked_live:
            logger.info("billing: ignoring ended subscription %s; tracking %s", sub["id"],
                        record.stripe_subscription_id)
            return record
        if tracked_live and record.stripe_subscription_created and created and created < record.stripe_subscription_created:
            logger.info("billing: ignoring older subscription %s", sub["id"])
            return record
    items = (sub.get("items") or {}).get("data") or []
    if items:
        plan, interval = _plan_for_price(items[0]["price"]["id"])
        if plan is None:
            logger.warning("billing: subscription %s has an unknown price %s", sub["id"], items[0]["price"]["id"])
        else:
            record.plan, record.interval = plan, interval
        record.current_period_end = _ts(items[0].get("current_period_end"))
    record.stripe_subscription_id = sub["id"]
    record.stripe_subscription_created = created
    record.status = status if status in SubscriptionStatus.values else SubscriptionStatus.INCOMPLETE
    record.cancel_at_period_end = bool(sub.get("cancel_at_period_end"))
    grace_started = False
    if record.status in OVERDUE_STATUSES:
        if record.grace_until is None:
            record.payment_failed_at = now
            record.grace_until = now + datetime.timedelta(days=settings.BILLING_GRACE_DAYS)
            grace_started = True
    else:
        record.payment_failed_at = record.grace_until = record.downgrade_notified_at = None
    record.stripe_synced_at = now
    record.save()
    for discount in sub.get("discounts") or []:
        if isinstance(discount, dict) and discount.get("promotion_code"):
            promo = discount["promotion_code"]
            promo_id = promo["id"] if isinstance(promo, dict) else promo
            programme = VoucherProgramme.objects.filter(stripe_promotion_code_id=promo_id).first()
            if programme is not None:
                VoucherRedemption.objects.get_or_create(
                    programme=programme, business_id=record.business_id,
                    defaults={"stripe_subscription_id": sub["id"]},
                )
    if grace_started:
        task_enqueue("sme.billing.tasks.billing_payment_failed_email_task", record.pk)
    return record


def subscription_record_for_customer(*, customer_id: str, business_id: str | None = None
                                     ) -> BusinessSubscription | None:
    """The locked record for a Stripe customer (falling back to the business id from metadata)."""
    qs = BusinessSubscription.objects.select_for_update()
    record = qs.filter(stripe_customer_id=customer_id).first() if customer_id else None
    if record is None and business_id and re.fullmatch(r"[0-9]{1,18}", str(business_id)):
        if not Business.objects.filter(pk=int(business_id)).exists():
            return None
        BusinessSubscription.objects.get_or_create(business_id=int(business_id))
        record = qs.get(business_id=int(business_id))
        if customer_id and not record.stripe_customer_id:
            record.stripe_customer_id = customer_id
            record.save(update_fields=["stripe_customer_id", "updated_at"])
    return record


def checkout_session_mark_complete(*, stripe_session_id: str) -> CheckoutSession | None:
    checkout = CheckoutSession.objects.select_for_update().filter(stripe_session_id=stripe_session_id).first()
    if checkout is not None and checkout.status != CheckoutStatus.COMPLETE:
        checkout.status = CheckoutStatus.COMPLETE
        checkout.completed_at = timezone.now()
        checkout.save(update_fields=["status", "completed_at"])
    return checkout


# --- Grace period emails --------------------------------------------------------------------------------------

def _email_owners(*, record: BusinessSubscription, template: str) -> int:
    sent = 0
    for email, language in business_owner_emails(business=record.business):
        with translation.override(language or settings.LANGUAGE_CODE):
            context = {"business": record.business, "record": record,
                       "plan_name": record.plan.display_name if record.plan else "",
                       "billing_url": settings.SITE_URL.rstrip("/") + "/billing/",
                       "grace_days": settings.BILLING_GRACE_DAYS}
            subject = render_to_string(f"billing/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"billing/email/{template}.txt", context)
        sent += send_mail(subject, body, None, [email])
    return sent


def payment_failed_email_send(*, record: BusinessSubscription) -> int:
    """Tell the owners a payment failed and when the grace period ends. Returns the number of emails."""
    if record.grace_until is None:
        return 0
    return _email_owners(record=record, template="payment_failed")


def grace_expired_notify(*, now: datetime.datetime | None = None) -> int:
    """Email the owners of businesses whose grace period ended (once each); nothing is deleted or changed
    but ``downgrade_notified_at``. Free limits already apply through ``business_plan_limits``."""
    from .selectors import subscriptions_grace_expired

    now = now or timezone.now()
    count = 0
    for record in subscriptions_grace_expired(now=now):
        updated = BusinessSubscription.objects.filter(pk=record.pk, downgrade_notified_at__isnull=True).update(
            downgrade_notified_at=now)
        if updated:
            _email_owners(record=record, template="downgraded")
            count += 1
    return count


# --- Vouchers -------------------------------------------------------------------------------------------------

def voucher_programme_create(
    *, name: str, description: str, plan: Plan, code: str, percent_off: int, duration_in_months: int,
    max_redemptions: int | None, expires_on: datetime.date | None, created_by: User,
) -> VoucherProgramme:
    """Create a programme: a Stripe coupon limited to the plan's product, a promotion code owners type at
    checkout, and the local row. Raises PaymentsNotSetUp, ValidationError (bad input, code taken) or
    ``stripe.StripeError``. Not idempotent: each call creates a new coupon.
    """
    client = _client()
    code = code.strip().upper()
    errors = {}
    if VoucherProgramme.objects.filter(code__iexact=code).exists():
        errors["code"] = _("This code is already used by another programme; choose another.")
    if not plan.is_paid or not plan.stripe_product_id:
        errors["plan"] = _("Choose a paid plan that has been set up in Stripe (run billing_sync_plans).")
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = _("The end date must be in the future.")
    if errors:
        raise ValidationError(errors)
    metadata = {"programme": name[:200], "plan_code": plan.code}
    coupon_params = {
        "name": name[:40], "percent_off": percent_off, "duration": "repeating",
        "duration_in_months": duration_in_months, "applies_to": {"products": [plan.stripe_product_id]},
        "metadata": metadata,
    }
    coupon = client.v1.coupons.create(params=coupon_params)
    promo_params = {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": code, "metadata": metadata}
    if max_redemptions:
        promo_params["max_redemptions"] = max_redemptions
    if expires_on is not None:
        end = datetime.datetime.combine(expires_on, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
        promo_params["expires_at"] = int(end.timestamp())
    promo = client.v1.promotion_codes.create(params=promo_params)
    return VoucherProgramme.objects.create(
        name=name, description=description, plan=plan, code=code, percent_off=percent_off,
        duration_in_months=duration_in_months, max_redemptions=max_redemptions, expires_on=expires_on,
        stripe_coupon_id=coupon.id, stripe_promotion_code_id=promo.id, created_by=created_by,
    )


def voucher_programme_deactivate(*, programme: VoucherProgramme) -> VoucherProgramme:
    """Stop new redemptions (the promotion code is deactivated at Stripe); existing discounts run on.
    Idempotent."""
    if not programme.is_active:
        return programme
    _client().v1.promotion_codes.update(programme.stripe_promotion_code_id, params={"active": False})
    programme.is_active = False
    programme.save(update_fields=["is_active", "updated_at"])
    return programme


def payments_enabled() -> bool:
    return stripe_configured()
