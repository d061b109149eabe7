"""Accounts (connected shops), bindings (our product/variant <-> the marketplace's ids), sync history.

Follows the OCA connector pattern: a MarketplaceAccount is the "backend", ListingBinding and
VariantBinding are the bindings (unique per account on both sides), SyncRun/SyncAttempt the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import crypto


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Connected")
    NEEDS_REAUTH = "needs_reauth", _("Needs reconnecting")
    DISCONNECTED = "disconnected", _("Disconnected")


class MarketplaceAccount(models.Model):
    """One marketplace shop connected by one business. Tokens are encrypted at rest (see crypto.py).

    A shop belongs to at most one business at a time: reconnecting it elsewhere is refused while it is
    connected here.
    """

    business = models.ForeignKey(
        "businesses.Business", on_delete=models.CASCADE, related_name="marketplace_accounts"
    )
    marketplace = models.CharField(_("marketplace"), max_length=32)
    # A marketplace's shop id, or the normalised shop URL for key-based shops (WooCommerce).
    external_shop_id = models.CharField(_("shop id"), max_length=255)
    shop_name = models.CharField(_("shop name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    access_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    refresh_expires_at = models.DateTimeField(_("refresh token expires"), null=True, blank=True)
    token_refreshed_at = models.DateTimeField(null=True, blank=True)
    # The marketplace said the shop's authorisation ends then (TikTok Shop's type-7 webhook): the shop works
    # until then, and the owner is asked to reconnect before. Cleared when the shop is connected again.
    authorization_expires_at = models.DateTimeField(_("authorisation ends"), null=True, blank=True)
    # Shown to the owner in their language when the account needs them (reconnect reason).
    status_reason = models.TextField(blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    logistics_channel_id = models.CharField(_("shipping channel"), max_length=64, blank=True)
    disconnected_at = models.DateTimeField(_("disconnected"), null=True, blank=True)
    # The marketplace is shown our stock minus this many units, so a sale elsewhere during the seconds
    # before the next sync cannot oversell the last units.
    stock_buffer = models.PositiveIntegerField(
        _("stock buffer"), default=0,
        help_text=_("Show this many units fewer on this shop than you have, as a guard against overselling."),
    )
    # Orders changed up to this time have been imported (the next import starts a little before it).
    orders_synced_until = models.DateTimeField(null=True, blank=True)
    # A stock push for this shop is running since this time (claimed with a conditional UPDATE), and
    # another push was asked for while it ran: the running push goes round once more.
    stock_push_started_at = models.DateTimeField(null=True, blank=True)
    stock_push_requested = models.BooleanField(default=False)
    last_stock_push_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["marketplace", "shop_name"]
        verbose_name = _("marketplace shop")
        verbose_name_plural = _("marketplace shops")
        # The one external id unique per marketplace: the shop's own id is the marketplace's name for the
        # shop itself (a WooCommerce shop's normalised URL), and a shop belongs to one business at a time.
        # Every other marketplace id (listings, variants, orders, pushes) is unique per shop account.
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "external_shop_id"], name="uniq_marketplace_account_shop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace}:{self.shop_name or self.external_shop_id}"

    @property
    def access_token(self) -> str:
        return crypto.token_decrypt(self.access_token_encrypted)

    @property
    def refresh_token(self) -> str:
        return crypto.token_decrypt(self.refresh_token_encrypted)

    def set_tokens(self, *, access_token: str, refresh_token: str) -> None:
        self.access_token_encrypted = crypto.token_encrypt(access_token)
        self.refresh_token_encrypted = crypto.token_encrypt(refresh_token)

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE


class CategoryCache(models.Model):
    """The marketplace's category tree and per-category attributes, fetched through its API."""

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="category_caches")
    # "tree" for the category tree, "attributes:<category id>" for one category's attributes,
    # "logistics" for shipping channels.
    key = models.CharField(max_length=80)
    data = models.JSONField(default=list)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "key"]
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="uniq_category_cache_key")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class CategoryMapping(models.Model):
    """Our catalog category -> the shop's marketplace category, with the attribute values it requires."""

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="category_mappings")
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    external_category_id = models.CharField(_("marketplace category"), max_length=64)
    external_category_name = models.CharField(max_length=255, blank=True)
    attribute_values = models.JSONField(default=dict, blank=True)  # attribute id -> [value ids or text]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "category"]
        constraints = [
            models.UniqueConstraint(fields=["account", "category"], name="uniq_category_mapping_account_category")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} -> {self.external_category_id}"


class RateLimitState(models.Model):
    """The shared rate limiter's state when no Redis is configured: the next free slot per key."""

    key = models.CharField(max_length=120)
    next_slot = models.FloatField(default=0.0)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="uniq_rate_limit_key")]

    def __str__(self) -> str:
        return self.key


class SyncKind(models.TextChoices):
    PUBLISH = "publish", pgettext_lazy("marketplace sync", "Publish")
    SYNC = "sync", pgettext_lazy("marketplace sync", "Sync")
    PRICE_STOCK = "price_stock", pgettext_lazy("marketplace sync", "Price and stock")
    LINK = "link", pgettext_lazy("marketplace sync", "Link existing listings")
    DELIST = "delist", pgettext_lazy("marketplace sync", "Delist")
    PAUSE = "pause", pgettext_lazy("marketplace sync", "Pause")


class SyncRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    DONE_WITH_ERRORS = "done_with_errors", _("Done with errors")
    PAUSED = "paused", _("Paused: shop needs reconnecting")


class SyncRun(models.Model):
    """One batch of work the owner (or the scheduler) started; counts drive the live progress bar."""

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(max_length=16, choices=SyncKind.choices)
    status = models.CharField(max_length=20, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING)
    total = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def done(self) -> int:
        return self.succeeded + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))


class ListingStatus(models.TextChoices):
    """Where a product stands on one marketplace shop (docs/statuses.md). The labels have their own
    translation context: "Live" here is "on sale on the marketplace", not a CMS page's or a product's state."""

    PENDING = "pending", pgettext_lazy("listing status", "Waiting")
    PUBLISHING = "publishing", pgettext_lazy("listing status", "Publishing")
    LIVE = "live", pgettext_lazy("listing status", "Live")
    UNDER_REVIEW = "under_review", pgettext_lazy("listing status", "Under review")
    REJECTED = "rejected", pgettext_lazy("listing status", "Rejected")
    FAILED = "failed", pgettext_lazy("listing status", "Failed")
    PAUSED = "paused", pgettext_lazy("listing status", "Paused")
    DELISTED = "delisted", pgettext_lazy("listing status", "Delisted")
    GONE = "gone", pgettext_lazy("listing status", "No longer on the marketplace")


class ListingAction(models.TextChoices):
    """What the owner asked to be done to a live listing, done by a task (never inside the request). The
    labels say it is under way: the listing shows them until the marketplace has answered."""

    DELIST = "delist", pgettext_lazy("listing action under way", "Removing from the marketplace…")
    PAUSE = "pause", pgettext_lazy("listing action under way", "Hiding…")
    RESUME = "resume", pgettext_lazy("listing action under way", "Putting back on sale…")


class ListingBinding(models.Model):
    """Our product <-> one listing (Shopee item) on one shop. At most one per product and shop.

    ``attempt_started_at`` is set when a create request may have left for the marketplace and cleared
    once the outcome is stored; when it is set, the next attempt looks the listing up by SKU first.
    """

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="listings")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="marketplace_listings")
    external_id = models.CharField(_("marketplace id"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    external_category_id = models.CharField(_("marketplace category"), max_length=64, blank=True)
    attribute_values = models.JSONField(default=dict, blank=True)
    payload_hash = models.CharField(max_length=64, blank=True)
    image_ids = models.JSONField(default=dict, blank=True)  # our image key -> marketplace image id
    last_error = models.TextField(_("last error"), blank=True)
    # What the marketplace said it saved differently from what was sent, at the last content push (TikTok
    # Shop's warnings: a brand it cleared), in the owner's language; shown on the listing until the next one.
    marketplace_warnings = models.JSONField(_("marketplace warnings"), default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Paused by us because the business's plan no longer covers it (a lapsed payment): resumed by us when
    # the plan covers it again. A listing the owner paused is never resumed automatically.
    paused_for_plan = models.BooleanField(default=False)
    # The owner's delist / pause / resume while its task has not finished; cleared with the outcome.
    pending_action = models.CharField(max_length=8, choices=ListingAction.choices, blank=True)
    sync_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="listings")
    published_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "product"]
        constraints = [
            models.UniqueConstraint(fields=["account", "product"], name="uniq_listing_account_product"),
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="uniq_listing_account_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} / {self.product_id} -> {self.external_id or '-'}"


class VariantBinding(models.Model):
    """Our variant <-> one model (Shopee model id) of a listing."""

    listing = models.ForeignKey(ListingBinding, on_delete=models.CASCADE, related_name="variants")
    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="variant_bindings")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="marketplace_variants")
    external_id = models.CharField(_("marketplace variant id"), max_length=64)
    last_price_vnd = models.PositiveBigIntegerField(null=True, blank=True)
    last_stock = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["listing", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["account", "variant"], name="uniq_variant_binding_account_variant"),
            models.UniqueConstraint(
                fields=["listing", "external_id"], name="uniq_variant_binding_listing_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} -> {self.external_id}"


class ListingMatch(models.Model):
    """A listing already on the shop that could be one of our products (same SKU) when the match is not
    unique: the owner chooses which listing is the product's, or none."""

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="listing_matches")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=64)
    external_sku = models.CharField(max_length=120, blank=True)
    external_name = models.CharField(max_length=255, blank=True)
    variant_ids_by_sku = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "product", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "product", "external_id"], name="uniq_listing_match_account_product_external"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ?= {self.external_id}"


class SyncAttempt(models.Model):
    """One try at one piece of work (a listing publish, a batch update), kept for the history screen."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        RETRY = "retry", _("Will retry")
        FAILED = "failed", _("Failed")
        AUTH = "auth", _("Shop needs reconnecting")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, null=True, blank=True, related_name="attempts")
    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="sync_attempts")
    listing = models.ForeignKey(
        ListingBinding, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_attempts"
    )
    kind = models.CharField(max_length=16, choices=SyncKind.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    message = models.TextField(blank=True)
    calls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"


class ListingStatusChange(models.Model):
    """A listing's status history (live, paused, delisted...), for the owner's history and for officers
    who count "has a live listing" on a past date. Intermediate "publishing" states are not recorded."""

    listing = models.ForeignKey(ListingBinding, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=ListingStatus.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=ListingStatus.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["listing", "changed_at", "pk"]
        indexes = [models.Index(fields=["listing", "-changed_at"], name="listingstatus_listing_changed")]

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.old_status or '-'} -> {self.new_status}"


class OrderStatus(models.TextChoices):
    """Our order statuses (base.OrderStatus), with their names for owners."""

    UNPAID = "unpaid", _("Awaiting payment")
    PENDING = "pending", _("New")
    READY_TO_SHIP = "ready_to_ship", _("Ready to ship")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


class Order(models.Model):
    """One marketplace order, imported once (unique by shop and order id) and kept up to date.

    Order ids are unique within one shop only: WooCommerce numbers every shop's orders with its own small
    integers, so two businesses' shops both have an order #1002. Never look an order up by marketplace.

    Its lines hold stock from our catalog while the order is live; ``moves_stock`` is False for orders
    placed before the shop was connected (the owner's stock count already reflects them).
    """

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, related_name="orders")
    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="marketplace_orders")
    marketplace = models.CharField(_("marketplace"), max_length=32)
    external_id = models.CharField(_("order number"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices)
    marketplace_status = models.CharField(_("status on the marketplace"), max_length=64, blank=True)
    ordered_at = models.DateTimeField(_("ordered"))
    remote_updated_at = models.DateTimeField()
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"), default=0)
    moves_stock = models.BooleanField(default=True)
    oversold = models.BooleanField(
        _("oversold"), default=False,
        help_text=_("Some units were not in stock when the order arrived."),
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ordered_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="uniq_order_account_external_id"),
        ]
        indexes = [
            models.Index(fields=["business", "-ordered_at"], name="order_business_ordered"),
            models.Index(fields=["account", "-ordered_at"], name="order_account_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace} #{self.external_id}"


class OrderLine(models.Model):
    """One SKU of an order. ``stock_held`` units are taken from the catalog for it now; ``short`` units
    could not be (the catalog had none left): the order is oversold by that many."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=120)
    name = models.CharField(_("name"), max_length=255, blank=True)
    variant = models.ForeignKey("catalog.Variant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_live = models.PositiveIntegerField(default=0)  # units not cancelled or returned
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (VND)"), default=0)
    stock_held = models.PositiveIntegerField(default=0)
    short = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "sku"]
        constraints = [models.UniqueConstraint(fields=["order", "sku"], name="uniq_order_line_order_sku")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.sku} x{self.quantity}"


class OrderStatusChange(models.Model):
    """An order's status history as imported (``changed_at`` is the marketplace's time)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=OrderStatus.choices)
    marketplace_status = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


class PushReceipt(models.Model):
    """A push notification already acted on for one shop: a repeated delivery (same shop and event id) is
    ignored. Event ids are unique within a shop only (a WooCommerce delivery id is a hash of the shop's own
    webhook id and the second), so another shop's push with the same id is a new push.

    Receipts stored before receipts were per shop have no ``account``; they no longer match any push.
    """

    account = models.ForeignKey(MarketplaceAccount, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="push_receipts")
    marketplace = models.CharField(max_length=32)
    event_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=16, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "event_id"], name="uniq_push_receipt_account_event"),
        ]

    def __str__(self) -> str:
        return f"{self.marketplace}:{self.account_id}:{self.event_id}"
