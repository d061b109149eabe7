"""Reads for the owner's screens and for other floors (journey progress, adoption indicator).

Every function taking an id also takes the business, so another business's id is a 404.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import F, Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sme.businesses.models import Business
from sme.catalog.models import Product

from .base import Capability
from .models import (
    AccountStatus,
    ListingBinding,
    ListingMatch,
    ListingStatus,
    MarketplaceAccount,
    Order,
    OrderStatus,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)
from .registry import connector_list

# Statuses whose listings follow our stock (a paused listing too: it shows the right stock when resumed).
STOCK_FOLLOWING = (ListingStatus.LIVE, ListingStatus.PAUSED)


def account_list_for_business(*, business: Business) -> QuerySet[MarketplaceAccount]:
    return MarketplaceAccount.objects.filter(business=business).exclude(status=AccountStatus.DISCONNECTED)


def account_get(*, business: Business, account_id: int) -> MarketplaceAccount:
    """The business's account; Http404 for anyone else's."""
    return get_object_or_404(MarketplaceAccount, business=business, pk=account_id)


def account_needing_reauth(*, business: Business) -> QuerySet[MarketplaceAccount]:
    return MarketplaceAccount.objects.filter(business=business, status=AccountStatus.NEEDS_REAUTH)


def account_sandbox_order_page(*, account: MarketplaceAccount, language: str = "vi") -> str:
    """The address of the "place a test order" page of the sandbox marketplace this shop lives on ("" for a
    shop on a real marketplace). Only ``make run``'s sandbox marketplaces have one
    (MARKETPLACE_SANDBOX_ORDER_PAGES, set by the dev settings); a shop that holds no token (the demo data's)
    was never connected to it, and a web shop (its id is its address) must be the sandbox's own."""
    page = settings.MARKETPLACE_SANDBOX_ORDER_PAGES.get(account.marketplace, "")
    if not page or not account.access_token_encrypted:
        return ""
    shop = account.external_shop_id
    if "://" in shop and urlsplit(shop)[:2] != urlsplit(page)[:2]:
        return ""
    return f"{page}?{urlencode({'shop': shop, 'lang': 'en' if language.startswith('en') else 'vi'})}"


def listing_rows(*, account: MarketplaceAccount) -> list[tuple[Product, ListingBinding | None]]:
    """Every product of the business with its listing on ``account`` (None when never published)."""
    bindings = {b.product_id: b for b in ListingBinding.objects.filter(account=account)}
    products = (
        Product.objects.filter(business=account.business)
        .select_related("category")
        .prefetch_related(Prefetch("variants"))
        .order_by("name", "pk")
    )
    return [(p, bindings.get(p.pk)) for p in products]


def listing_actions_pending(*, account: MarketplaceAccount) -> int:
    """How many of the shop's listings have a delist, pause or resume still under way (one query)."""
    return ListingBinding.objects.filter(account=account).exclude(pending_action="").count()


def run_list(*, account: MarketplaceAccount) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(account=account).select_related("started_by")[:50]


def run_get(*, account: MarketplaceAccount, run_id: int) -> SyncRun:
    return get_object_or_404(SyncRun, account=account, pk=run_id)


def run_listings(*, run: SyncRun) -> QuerySet[ListingBinding]:
    return ListingBinding.objects.filter(sync_run=run).select_related("product").order_by("product__name", "pk")


def match_list(*, account: MarketplaceAccount) -> QuerySet[ListingMatch]:
    return ListingMatch.objects.filter(account=account).select_related("product")


def business_has_connected_marketplace(*, business: Business) -> bool:
    """For the journey: the business has connected at least one shop (and not disconnected it)."""
    return account_list_for_business(business=business).exists()


def business_has_live_listing(*, business: Business) -> bool:
    """For the journey and the indicator: at least one listing is live on a marketplace."""
    return ListingBinding.objects.filter(account__business=business, status=ListingStatus.LIVE).exists()


def live_listing_count(*, business: Business) -> int:
    return ListingBinding.objects.filter(account__business=business, status=ListingStatus.LIVE).count()


# --- orders ---------------------------------------------------------------------------------------
def order_list(*, business: Business, marketplace: str = "", status: str = "", oversold: bool = False) -> QuerySet[Order]:
    """The business's orders across marketplaces, newest first, with their lines and shops."""
    orders = Order.objects.filter(business=business).select_related("account").prefetch_related("lines")
    if marketplace:
        orders = orders.filter(marketplace=marketplace)
    if status:
        orders = orders.filter(status=status)
    if oversold:
        orders = orders.filter(oversold=True)
    return orders.order_by("-ordered_at", "-pk")


def order_get(*, business: Business, order_id: int) -> Order:
    """The business's order; Http404 for anyone else's."""
    return get_object_or_404(Order.objects.select_related("account"), business=business, pk=order_id)


def order_oversold_count(*, business: Business) -> int:
    """Live orders the catalog could not fully cover: the owner must act on them."""
    return Order.objects.filter(business=business, oversold=True).exclude(
        status__in=(OrderStatus.CANCELLED, OrderStatus.RETURNED)).count()


def business_has_order(*, business: Business) -> bool:
    """For the journey: the business has received at least one marketplace order."""
    return Order.objects.filter(business=business).exists()


def business_order_dates(*, business_ids: list[int] | None = None) -> QuerySet:
    """(business id, newest order date) pairs, for the adoption indicator's "order in the last 90 days"."""
    orders = Order.objects.all() if business_ids is None else Order.objects.filter(business_id__in=business_ids)
    return orders.values("business_id").annotate(last_ordered_at=Max("ordered_at"))


def run_is_slow(*, run: SyncRun) -> bool:
    """Running, and no listing of it moved for JOB_SLOW_SECONDS: its page says it is slower than usual."""
    if run.status != SyncRunStatus.RUNNING:
        return False
    since = timezone.now() - timedelta(seconds=settings.JOB_SLOW_SECONDS)
    return run.started_at < since and not run.listings.filter(updated_at__gte=since).exists()


# --- the scheduled work lists ---------------------------------------------------------------------
def accounts_with_orders() -> list[int]:
    """Active shops whose marketplace has an order API (the scheduled import's work list). A shop that holds
    no token was never connected through the marketplace (the demo data's shops, which only feed the
    officers' indicator): asking for its orders could only fail, every minute, so it is left out."""
    codes = [c.code for c in connector_list() if c.supports(Capability.ORDERS)]
    return list(MarketplaceAccount.objects.filter(status=AccountStatus.ACTIVE, marketplace__in=codes)
                .exclude(access_token_encrypted="").values_list("pk", flat=True))


def stock_out_of_step(*, account: MarketplaceAccount) -> QuerySet[VariantBinding]:
    """Variant bindings of ``account`` whose marketplace stock differs from the catalog's stock minus the
    buffer, annotated with ``wanted``."""
    wanted = Greatest(F("variant__stock") - Value(account.stock_buffer), Value(0))
    return (VariantBinding.objects.filter(account=account, listing__status__in=STOCK_FOLLOWING)
            .exclude(listing__external_id="")
            .annotate(wanted=wanted)
            .filter(Q(last_stock__isnull=True) | ~Q(last_stock=F("wanted"))))


def listings_sellable_after_push(*, account: MarketplaceAccount, external_ids: list[str]) -> set[str]:
    """Of the listings ``external_ids`` of ``account``, those on sale on our side (live, not paused for the
    plan) none of whose variants is sold out once the catalog's stock minus the buffer is pushed: a
    marketplace that took one off sale when it sold out may put it back (PriceStockUpdate.listing_sellable).
    One query."""
    wanted = Greatest(F("variant__stock") - Value(account.stock_buffer), Value(0))
    sold_out = set(VariantBinding.objects.filter(account=account, listing__external_id__in=external_ids)
                   .annotate(wanted=wanted).filter(wanted__lte=0)
                   .values_list("listing__external_id", flat=True))
    live = ListingBinding.objects.filter(account=account, external_id__in=external_ids, status=ListingStatus.LIVE,
                                         paused_for_plan=False).values_list("external_id", flat=True)
    return set(live) - sold_out


def accounts_out_of_step() -> list[int]:
    """Active shops with at least one variant whose marketplace stock differs from the catalog's (minus
    the shop's buffer), and no stock push running. One query for the whole platform."""
    wanted = Greatest(F("variant__stock") - F("account__stock_buffer"), Value(0))
    return list(VariantBinding.objects.filter(account__status=AccountStatus.ACTIVE,
                                              account__stock_push_started_at__isnull=True,
                                              listing__status__in=STOCK_FOLLOWING)
                .exclude(listing__external_id="")
                .annotate(wanted=wanted)
                .filter(Q(last_stock__isnull=True) | ~Q(last_stock=F("wanted")))
                .order_by().values_list("account_id", flat=True).distinct())


def listings_under_review() -> list[int]:
    """Listings waiting for a marketplace's audit, least recently checked first (the poll's work list)."""
    return list(ListingBinding.objects.filter(status=ListingStatus.UNDER_REVIEW, account__status=AccountStatus.ACTIVE)
                .order_by(F("last_synced_at").asc(nulls_first=True)).values_list("pk", flat=True)[:500])


def businesses_with_listings() -> list[int]:
    """Businesses with a live listing or one paused for their plan (the enforcement's work list)."""
    return list(ListingBinding.objects.filter(account__status=AccountStatus.ACTIVE)
                .filter(Q(status=ListingStatus.LIVE) | Q(paused_for_plan=True))
                .order_by().values_list("account__business_id", flat=True).distinct())


def accounts_with_tokens_due() -> list[int]:
    """Active shops whose access token expires within the refresh margin (the scheduled refresh's list)."""
    due = timezone.now() + timedelta(seconds=settings.MARKETPLACE_TOKEN_REFRESH_MARGIN)
    return list(MarketplaceAccount.objects.filter(status=AccountStatus.ACTIVE, access_expires_at__lte=due)
                .values_list("pk", flat=True))
