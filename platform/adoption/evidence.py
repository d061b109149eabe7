"""Evidence that a business traded online on day D. Every read the indicator makes about activity is here.

A business is **trading online on D** when at least one of these holds:

1. **Live listing (verified).** On D it had at least one listing live on a marketplace shop connected
   through the platform (``marketplace_connectors.ListingBinding``). ``listing_evidence``.
2. **Recent order (verified).** It received at least one marketplace order placed in the window
   ``[D - 90 days, D]`` (both ends included: an order 90 days before D counts, 91 days before does not).
   ``order_evidence``. *Pending:* orders arrive with issue 5; until an order model exists this returns
   nothing. It finds the order table the same way the journey does (``cms.milestones._order_source``),
   so adding orders needs no change here beyond, at most, this one function.
3. **Approved declaration (declared).** An officer approved, on or before D, its declaration of a shop on
   a channel without an API (Postmart, Voso, Sendo, social shops, its own web shop). ``declared_evidence``.

Verified = (1) or (2); declared = (3). "Trading online (verified + declared)" = (1) or (2) or (3).

Days are calendar days in Asia/Ho_Chi_Minh; "on D" means at any moment of D (00:00 to 23:59:59): a
listing published at 20:00 on D counts, and so does one delisted at 08:00 on D; one delisted at 23:30 the
day before does not.

**History of listings.** marketplace_connectors keeps no log of status changes yet, so a listing's past is
reconstructed from the fields it has: a listing counts as live on D when it was published (``published_at``,
or ``created_at`` when it was linked without one) by the end of D and either it is live now, or it has
left "live" since (status delisted/paused/failed/rejected with ``published_at`` set) and that change,
taken as its last update (``updated_at``), happened on or after the start of D. A listing delisted the day before D is
therefore not live on D. What this cannot see: a listing that went off and back on again between D and
now, or any later edit of a delisted listing (which moves ``updated_at``). A status-change log
(listing, from, to, changed_at) in marketplace_connectors would make the past exact; see
``LISTING_HISTORY_NOTE``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce

from marketplace_connectors.models import AccountStatus, ListingBinding, ListingStatus

from .models import DeclarationStatus, DeclaredShop

ORDER_WINDOW_DAYS = 90

LISTING_HISTORY_NOTE = (
    "Listing history is reconstructed from published_at/status/updated_at; a status-change log in "
    "marketplace_connectors (ListingStatusChange: listing, old status, new status, changed_at) is needed "
    "for exact history."
)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the province's time zone (exclusive upper bound)."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=local_zone())


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


def order_window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the orders that count for ``day``: from the start of D-90 to the end of D."""
    return day_start(day - datetime.timedelta(days=ORDER_WINDOW_DAYS)), day_end(day)


def listing_evidence(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Business id -> marketplaces on which it had a live listing on ``day`` (one query)."""
    start, end = day_start(day), day_end(day)
    qs = (
        ListingBinding.objects.annotate(live_from=Coalesce("published_at", "created_at"))
        .filter(live_from__lt=end)
        .filter(Q(status=ListingStatus.LIVE) | Q(published_at__isnull=False, updated_at__gte=start))
        # A shop disconnected before D began no longer vouches for its listings.
        .exclude(account__status=AccountStatus.DISCONNECTED, account__updated_at__lt=start)
    )
    if business_ids is not None:
        qs = qs.filter(account__business_id__in=list(business_ids))
    result: dict[int, set[str]] = defaultdict(set)
    for business_id, marketplace in qs.order_by().values_list("account__business_id", "account__marketplace").distinct():
        result[business_id].add(marketplace)
    return dict(result)


def order_evidence(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Business id -> marketplaces with an order placed in ``order_window(day)``.

    PENDING (issue 5): returns {} while no order model exists. When one does (found like the journey finds
    it), the read below applies; a marketplace is taken from the order's account when it has one.
    """
    from cms.milestones import _has_path, _order_source

    source = _order_source()
    if source is None:
        return {}
    model, business_field, date_field = source
    start, end = order_window(day)
    qs = model.objects.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
    if business_ids is not None:
        qs = qs.filter(**{f"{business_field}__in": list(business_ids)})
    marketplace_path = "account__marketplace" if _has_path(model, "account__marketplace") else None
    result: dict[int, set[str]] = defaultdict(set)
    if marketplace_path:
        rows = qs.order_by().values_list(business_field, marketplace_path).distinct()
    else:
        rows = ((b, "") for b in qs.order_by().values_list(business_field, flat=True).distinct())
    for business_id, marketplace in rows:
        result[business_id].add(marketplace or "")
    return dict(result)


def declared_evidence(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Business id -> channels of its shop declarations approved by the end of ``day`` (one query)."""
    qs = DeclaredShop.objects.filter(status=DeclarationStatus.APPROVED, decided_at__lt=day_end(day))
    if business_ids is not None:
        qs = qs.filter(business_id__in=list(business_ids))
    result: dict[int, set[str]] = defaultdict(set)
    for business_id, channel in qs.order_by().values_list("business_id", "channel").distinct():
        result[business_id].add(channel)
    return dict(result)


def evidence_for_day(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> Evidence:
    ids = list(business_ids) if business_ids is not None else None
    return Evidence(
        listings=listing_evidence(day=day, business_ids=ids),
        orders=order_evidence(day=day, business_ids=ids),
        declared=declared_evidence(day=day, business_ids=ids),
    )


class Evidence:
    """The three kinds of evidence for one day, by business id."""

    def __init__(self, *, listings: dict[int, set[str]], orders: dict[int, set[str]],
                 declared: dict[int, set[str]]):
        self.listings = listings
        self.orders = orders
        self.declared = declared

    def verified(self, business_id: int | None) -> bool:
        return business_id is not None and (business_id in self.listings or business_id in self.orders)

    def online(self, business_id: int | None) -> bool:
        return self.verified(business_id) or (business_id is not None and business_id in self.declared)

    def channels(self, business_id: int | None) -> tuple[set[str], set[str]]:
        """(verified marketplaces, declared channels) of a business."""
        if business_id is None:
            return set(), set()
        verified = set(self.listings.get(business_id, ())) | {m for m in self.orders.get(business_id, ()) if m}
        return verified, set(self.declared.get(business_id, ()))
