"""Django admin: plans are edited here (then ``manage.py billing_sync_plans``); Stripe-derived rows are
read-only; voucher programmes are created on /billing/vouchers/ (so a Stripe coupon always backs them)."""

from django.contrib import admin

from .models import (
    BusinessSubscription,
    CheckoutSession,
    Plan,
    VoucherProgramme,
    VoucherRedemption,
    WebhookEvent,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "max_marketplaces", "max_active_products", "automatic_sync",
                    "price_monthly_vnd", "price_yearly_vnd", "is_active", "stripe_synced_at"]
    readonly_fields = ["stripe_product_id", "stripe_price_monthly_id", "stripe_price_yearly_id", "stripe_synced_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessSubscription)
class BusinessSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["business", "plan", "status", "current_period_end", "grace_until", "updated_at"]
    list_filter = ["status", "plan"]
    search_fields = ["business__legal_name", "business__identifier", "stripe_customer_id", "stripe_subscription_id"]


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = ["stripe_session_id", "business", "plan", "interval", "status", "created_at"]
    list_filter = ["status"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "object_id", "outcome", "stripe_created", "received_at"]
    list_filter = ["type", "outcome"]
    search_fields = ["stripe_event_id", "object_id"]


class VoucherRedemptionInline(admin.TabularInline):
    model = VoucherRedemption
    extra = 0
    can_delete = False
    readonly_fields = ["business", "stripe_subscription_id", "redeemed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "plan", "percent_off", "duration_in_months", "is_active", "created_at"]
    list_filter = ["is_active", "plan"]
    readonly_fields = ["plan", "code", "percent_off", "duration_in_months", "max_redemptions", "expires_on",
                       "is_active", "stripe_coupon_id", "stripe_promotion_code_id", "created_by"]
    inlines = [VoucherRedemptionInline]

    def has_add_permission(self, request, obj=None):
        return False
