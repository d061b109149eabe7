"""Reads for the owner's screens and for other floors (journey progress, adoption indicator).

Every function taking an id also takes the business, so another business's id is a 404.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from sme.businesses.models import Business
from sme.catalog.models import Product

from .models import (
    AccountStatus,
    ListingBinding,
    ListingMatch,
    ListingStatus,
    MarketplaceAccount,
    Order,
    OrderStatus,
    SyncRun,
)


def account_list_for_business(*, business: Business) -> QuerySet[MarketplaceAccount]:
    return MarketplaceAccount.objects.filter(business=business).exclude(status=AccountStatus.DISCONNECTED)


def account_get(*, business: Business, account_id: int) -> MarketplaceAccount:
    """The business's account; Http404 for anyone else's."""
    return get_object_or_404(MarketplaceAccount, business=business, pk=account_id)


def account_needing_reauth(*, business: Business) -> QuerySet[MarketplaceAccount]:
    return MarketplaceAccount.objects.filter(business=business, status=AccountStatus.NEEDS_REAUTH)


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
    from django.db.models import Max

    orders = Order.objects.all() if business_ids is None else Order.objects.filter(business_id__in=business_ids)
    return orders.values("business_id").annotate(last_ordered_at=Max("ordered_at"))
