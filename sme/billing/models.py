"""Plans, a business's subscription, Stripe webhook events, checkout sessions and province vouchers.

Stripe is the source of truth for payments; these rows mirror what we learnt from it (webhooks, plus the
subscription fetched from Stripe when an event arrives) and keep the Stripe ids.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanCode(models.TextChoices):
    """The plans the platform knows by name. Their limits and prices are data (``Plan`` rows)."""

    FREE = "free", _("Free")
    GROWTH = "growth", _("Growth")
    PRO = "pro", _("Pro")


class Interval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class Feature(models.TextChoices):
    """What a plan limits; passed to ``sme.billing.services.entitlement_check``."""

    MARKETPLACE = "marketplace", _("connected marketplaces")
    ACTIVE_PRODUCT = "active_product", _("active products")
    AUTOMATIC_SYNC = "automatic_sync", _("automatic stock sync")


class Plan(models.Model):
    """A plan with its limits and VND prices. Defined by the data migration ``0002_seed_plans`` (editable in
    the admin) and pushed to Stripe as a Product with two Prices by ``manage.py billing_sync_plans``.

    A limit of ``None`` means unlimited. Prices are whole đồng (VND is zero-decimal in Stripe: never ×100).
    A plan with both prices 0 is not sold through Stripe.
    """

    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)
    max_marketplaces = models.PositiveIntegerField(
        _("maximum connected marketplaces"), null=True, blank=True, help_text=_("Empty means unlimited."))
    max_active_products = models.PositiveIntegerField(
        _("maximum active products"), null=True, blank=True, help_text=_("Empty means unlimited."))
    automatic_sync = models.BooleanField(_("automatic stock sync"), default=False)
    price_monthly_vnd = models.PositiveBigIntegerField(_("monthly price (VND)"), default=0)
    price_yearly_vnd = models.PositiveBigIntegerField(_("yearly price (VND)"), default=0)
    stripe_product_id = models.CharField(_("Stripe product id"), max_length=64, blank=True)
    stripe_price_monthly_id = models.CharField(_("Stripe monthly price id"), max_length=64, blank=True)
    stripe_price_yearly_id = models.CharField(_("Stripe yearly price id"), max_length=64, blank=True)
    stripe_synced_at = models.DateTimeField(_("pushed to Stripe at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "price_monthly_vnd"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [models.UniqueConstraint(fields=["code"], name="uniq_billing_plan_code")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The translated name for the known plans, the stored name for others."""
        if self.code in PlanCode.values:
            return str(PlanCode(self.code).label)
        return self.name

    @property
    def is_paid(self) -> bool:
        return bool(self.price_monthly_vnd or self.price_yearly_vnd)

    def price_for(self, interval: str) -> int:
        return self.price_yearly_vnd if interval == Interval.YEAR else self.price_monthly_vnd

    def stripe_price_id_for(self, interval: str) -> str:
        return self.stripe_price_yearly_id if interval == Interval.YEAR else self.stripe_price_monthly_id


class SubscriptionStatus(models.TextChoices):
    """Stripe's subscription statuses, plus NONE before any checkout completed."""

    NONE = "none", _("No subscription")
    INCOMPLETE = "incomplete", _("Awaiting first payment")
    INCOMPLETE_EXPIRED = "incomplete_expired", _("First payment never made")
    TRIALING = "trialing", _("Trial")
    ACTIVE = "active", pgettext_lazy("subscription status", "Active")
    PAST_DUE = "past_due", _("Payment overdue")
    UNPAID = "unpaid", _("Unpaid")
    CANCELED = "canceled", _("Cancelled")
    PAUSED = "paused", _("Paused")


# Statuses in which the subscribed plan's limits apply (past due/unpaid only until the grace period ends).
ENTITLED_STATUSES = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})
OVERDUE_STATUSES = frozenset({SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID})
# A paid plan that ended: the business is held to Free limits and extra listings are paused.
LAPSED_STATUSES = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.PAUSED})


class BusinessSubscription(models.Model):
    """One per business that ever started a checkout: its Stripe customer and current subscription.

    Written only from Stripe's data (webhook + the subscription fetched from Stripe), never from the
    checkout redirect. ``grace_until`` is set when a payment fails and cleared when one succeeds.
    """

    business = models.OneToOneField(
        "businesses.Business", on_delete=models.CASCADE, related_name="billing_subscription",
        verbose_name=_("business"),
    )
    stripe_customer_id = models.CharField(_("Stripe customer id"), max_length=64, blank=True)
    stripe_subscription_id = models.CharField(_("Stripe subscription id"), max_length=64, blank=True)
    stripe_subscription_created = models.DateTimeField(_("subscription created at Stripe"), null=True, blank=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions",
        verbose_name=_("plan"),
    )
    interval = models.CharField(_("billing interval"), max_length=8, choices=Interval.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.NONE)
    current_period_end = models.DateTimeField(_("paid until"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    payment_failed_at = models.DateTimeField(_("payment failed at"), null=True, blank=True)
    grace_until = models.DateTimeField(_("grace period ends"), null=True, blank=True)
    downgrade_notified_at = models.DateTimeField(_("downgrade email sent at"), null=True, blank=True)
    stripe_synced_at = models.DateTimeField(_("last read from Stripe"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("business subscription")
        verbose_name_plural = _("business subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"], condition=~models.Q(stripe_customer_id=""),
                name="uniq_billing_subscription_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} {self.plan or '-'} ({self.status})"


class CheckoutStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETE = "complete", _("Complete")
    EXPIRED = "expired", _("Expired")


class CheckoutSession(models.Model):
    """A Stripe Checkout session we opened for a business; the return page polls it by its Stripe id."""

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.CASCADE, related_name="checkout_sessions")
    stripe_session_id = models.CharField(_("Stripe checkout session id"), max_length=255)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    interval = models.CharField(_("billing interval"), max_length=8, choices=Interval.choices)
    status = models.CharField(_("status"), max_length=16, choices=CheckoutStatus.choices,
                              default=CheckoutStatus.OPEN)
    voucher_programme = models.ForeignKey(
        "VoucherProgramme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("checkout session")
        verbose_name_plural = _("checkout sessions")
        constraints = [
            models.UniqueConstraint(fields=["stripe_session_id"], name="uniq_billing_checkout_session"),
        ]

    def __str__(self) -> str:
        return self.stripe_session_id


class WebhookOutcome(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (not handled)")


class WebhookEvent(models.Model):
    """Every Stripe event we accepted, stored (unique id) before it is handled: a redelivery is a no-op.

    Holds no payload (it may carry personal data): only what identifies the event and its object.
    """

    stripe_event_id = models.CharField(_("Stripe event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=255, blank=True)
    stripe_created = models.DateTimeField(_("created at Stripe"))
    livemode = models.BooleanField(_("live mode"), default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=WebhookOutcome.choices,
                               default=WebhookOutcome.PROCESSED)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe webhook event")
        verbose_name_plural = _("Stripe webhook events")
        constraints = [models.UniqueConstraint(fields=["stripe_event_id"], name="uniq_billing_webhook_event")]

    def __str__(self) -> str:
        return f"{self.stripe_event_id} {self.type}"


class VoucherProgramme(models.Model):
    """A province-sponsored discount (for example "6 months of Growth free for OCOP producers"), backed by
    a Stripe coupon and one promotion code that owners enter at checkout."""

    name = models.CharField(_("programme name"), max_length=150)
    description = models.TextField(_("who it is for"), max_length=1000, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="voucher_programmes",
                             verbose_name=_("plan"))
    code = models.CharField(_("promotion code"), max_length=40)
    percent_off = models.PositiveSmallIntegerField(_("discount (%)"), default=100)
    duration_in_months = models.PositiveSmallIntegerField(_("months"), default=6)
    max_redemptions = models.PositiveIntegerField(_("maximum businesses"), null=True, blank=True)
    expires_on = models.DateField(_("code valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    stripe_coupon_id = models.CharField(_("Stripe coupon id"), max_length=64)
    stripe_promotion_code_id = models.CharField(_("Stripe promotion code id"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="uniq_billing_voucher_code"),
            models.UniqueConstraint(fields=["stripe_promotion_code_id"], name="uniq_billing_voucher_promo"),
            models.CheckConstraint(condition=models.Q(percent_off__gte=1, percent_off__lte=100),
                                   name="billing_voucher_percent_1_100"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class VoucherRedemption(models.Model):
    """A business that subscribed with a programme's code (one row per programme and business)."""

    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="redemptions")
    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE,
                                 related_name="voucher_redemptions")
    stripe_subscription_id = models.CharField(_("Stripe subscription id"), max_length=64, blank=True)
    redeemed_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)

    class Meta:
        ordering = ["-redeemed_at"]
        verbose_name = _("voucher redemption")
        verbose_name_plural = _("voucher redemptions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "business"], name="uniq_billing_redemption"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} -> {self.business}"
