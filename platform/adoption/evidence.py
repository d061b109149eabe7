"""Evidence that a business traded online on day D. Every read the indicator makes about activity is here.

A business is **trading online on D** when at least one of these holds:

1. **Live listing (verified).** At some moment of D it had a listing live on a marketplace shop connected
   through the platform (``marketplace_connectors.ListingBinding``). ``listing_evidence``.
2. **Recent order (verified).** It received at least one marketplace order (``marketplace_connectors.Order``,
   whatever its status now: a cancelled or returned order was still placed by a buyer) placed
   (``ordered_at``) in the window ``[D - 90 days, D]`` (both ends included: an order 90 days before D
   counts, 91 days before does not). The order counts for the marketplace it came from. ``order_evidence``.
3. **Approved declaration (declared).** An officer approved, on or before D, its declaration of a shop on
   a channel without an API (Postmart, Voso, Sendo, social shops, its own web shop), the approval had not
   expired by D (``DeclaredShop.valid_until``) and it was not withdrawn before D (a declaration withdrawn
   during D still counts on D). ``declared_evidence``.

Each piece of evidence names its channel; ``adoption.channels`` says which channels are marketplaces. The
indicator's headline counts (1), (2) and (3) on marketplaces only; own web shops (WooCommerce included) and
social selling are separate lines.

Days are calendar days in Asia/Ho_Chi_Minh; "on D" means at any moment of D (00:00 to 23:59:59): a
listing published at 20:00 on D counts, and so does one delisted at 08:00 on D; one delisted at 23:30 the
day before (or at 00:00:00 on D itself) does not.

**History of listings.** marketplace_connectors logs every change of a listing's status
(``ListingStatusChange``: listing, old status, new status, changed_at; the intermediate "publishing" and
"waiting" states are not logged). A listing's status at a moment is the new status of its last change at or
before that moment, so each "live" change opens a live stretch that the listing's next change (whatever it
is) closes. The listing is live at some moment of D when one of its live stretches overlaps D: a change to
"live" before the end of D whose next change, if any, came after the start of D. A listing paused on D-3 and
resumed on D+1 is not live on D; one delisted at 08:00 on D, or live only from 22:00 on D, is.

The log began after the first listings were published, so two fallbacks cover what it cannot see:

- *Before a listing's first logged change*, it counts as live from its first publication (``published_at``)
  if that came earlier: a listing published before the log existed was live until its first logged change
  (a later price or stock update logs "live" again, a pause logs "paused"). What this cannot see: a listing
  delisted and later republished, both before the log existed.
- *A listing with no logged change at all* is reconstructed from its fields: live on D when it was published
  (``published_at``, or ``created_at`` when it was linked without one) by the end of D and either it is live
  now, or it has left "live" since (status delisted/paused/failed/rejected with ``published_at`` set) and
  that change, taken as its last update (``updated_at``), happened on or after the start of D.

**Disconnected shops.** A shop disconnected (``MarketplaceAccount.disconnected_at``) before the start of D no
longer vouches for its listings on D, whatever they show; one disconnected during D still does. A shop
reconnected since is taken as connected throughout (the platform keeps no log of connections). Orders stay
evidence whatever became of the shop: they were received.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import Lead, RowNumber

from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    ListingStatusChange,
    Order,
)

from .channels import ChannelKind, channel_kind
from .models import DeclarationStatus, DeclaredShop

ORDER_WINDOW_DAYS = 90

LISTING_HISTORY_NOTE = (
    "Listing history is exact from marketplace_connectors' status-change log (ListingStatusChange): a listing "
    "is live on D when a change to live before the end of D is followed by no other change until after the "
    "start of D. Before a listing's first logged change it counts as live from published_at; a listing with "
    "no logged change is reconstructed from published_at/status/updated_at. A shop disconnected "
    "(disconnected_at) before D no longer vouches for its listings."
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
    """Business id -> marketplaces on which it had a listing live at some moment of ``day``. See the module
    docstring for the rule and its fallbacks. Two set-based queries (listings with a log, listings without
    one), each one pass over its tables whatever the number of listings."""
    start, end = day_start(day), day_end(day)
    ids = list(business_ids) if business_ids is not None else None
    # One pass over the log: each change with the time of the listing's next change (its stretch ends there)
    # and whether it is the listing's first (before it, the listing is judged by its publication).
    order = [F("changed_at").asc(), F("pk").asc()]
    log = ListingStatusChange.objects.annotate(
        next_at=Window(Lead("changed_at"), partition_by=[F("listing_id")], order_by=order),
        position=Window(RowNumber(), partition_by=[F("listing_id")], order_by=order),
        published_at=F("listing__published_at"),
    )
    if ids is not None:
        log = log.filter(listing__account__business_id__in=ids)
    live_on_day = log.filter(
        Q(new_status=ListingStatus.LIVE, changed_at__lt=end) & (Q(next_at__isnull=True) | Q(next_at__gt=start))
        | Q(position=1, changed_at__gt=start, published_at__lt=end) & Q(published_at__lt=F("changed_at"))
    ).values("listing_id")
    from_log = ListingBinding.objects.filter(pk__in=live_on_day)
    # No log at all: reconstructed from the listing's own fields.
    without_log = ListingBinding.objects.filter(
        ~Exists(ListingStatusChange.objects.filter(listing_id=OuterRef("pk"))),
        Q(published_at__lt=end) | Q(published_at__isnull=True, created_at__lt=end),
        Q(status=ListingStatus.LIVE) | Q(published_at__isnull=False, updated_at__gte=start),
    )
    result: dict[int, set[str]] = defaultdict(set)
    for qs in (from_log, without_log):
        qs = qs.exclude(_disconnected_before(start, prefix="account__"))
        if ids is not None:
            qs = qs.filter(account__business_id__in=ids)
        for business_id, marketplace in qs.order_by().values_list("account__business_id",
                                                                   "account__marketplace").distinct():
            result[business_id].add(marketplace)
    return dict(result)


def _disconnected_before(moment: datetime.datetime, *, prefix: str = "") -> Q:
    """Shops disconnected before ``moment``. A shop marked disconnected without a date (not through the
    platform's service, which always sets it) is taken as disconnected at its last update."""
    return Q(**{f"{prefix}disconnected_at__lt": moment}) | Q(**{
        f"{prefix}status": AccountStatus.DISCONNECTED, f"{prefix}disconnected_at__isnull": True,
        f"{prefix}updated_at__lt": moment})


def order_evidence(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Business id -> marketplaces of its orders placed in ``order_window(day)`` (one query)."""
    start, end = order_window(day)
    qs = Order.objects.filter(ordered_at__gte=start, ordered_at__lt=end)
    if business_ids is not None:
        qs = qs.filter(business_id__in=list(business_ids))
    result: dict[int, set[str]] = defaultdict(set)
    for business_id, marketplace in qs.order_by().values_list("business_id", "marketplace").distinct():
        result[business_id].add(marketplace)
    return dict(result)


def declared_evidence(*, day: datetime.date, business_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Business id -> channels of its shop declarations approved by the end of ``day``, still valid on
    ``day`` and not withdrawn before it (one query)."""
    qs = DeclaredShop.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=day_start(day)),
        status__in=[DeclarationStatus.APPROVED, DeclarationStatus.WITHDRAWN], decided_at__lt=day_end(day))
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
    """The three kinds of evidence for one day, by business id. Every question takes the ids of the
    businesses that count for one member (an enterprise's own and its branches')."""

    def __init__(self, *, listings: dict[int, set[str]], orders: dict[int, set[str]],
                 declared: dict[int, set[str]]):
        self.listings = listings
        self.orders = orders
        self.declared = declared
        self._kinds: dict[str, str] = {}

    def kind(self, channel: str) -> str:
        if channel not in self._kinds:
            self._kinds[channel] = channel_kind(channel)
        return self._kinds[channel]

    def channels(self, business_ids: Iterable[int]) -> tuple[set[str], set[str]]:
        """(channels with a live listing or a recent order, channels with a valid approved declaration)."""
        verified: set[str] = set()
        declared: set[str] = set()
        for business_id in business_ids:
            verified |= self.listings.get(business_id, set()) | self.orders.get(business_id, set())
            declared |= self.declared.get(business_id, set())
        return verified, declared

    def standing(self, business_ids: Iterable[int]) -> Standing:
        verified, declared = self.channels(business_ids)
        kinds_verified = {self.kind(c) for c in verified}
        kinds_any = kinds_verified | {self.kind(c) for c in declared}
        return Standing(
            verified=ChannelKind.MARKETPLACE in kinds_verified, online=ChannelKind.MARKETPLACE in kinds_any,
            own_web_shop=ChannelKind.OWN_WEB_SHOP in kinds_any, social=ChannelKind.SOCIAL in kinds_any,
            other_site=ChannelKind.OTHER in kinds_any, sells_through_platform=bool(verified),
            verified_channels=frozenset(verified), declared_channels=frozenset(declared))

    def has_recent_order(self, business_ids: Iterable[int]) -> bool:
        return any(business_id in self.orders for business_id in business_ids)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one member sells on the day. ``verified``: a live listing or a recent order on a marketplace;
    ``online``: that or a valid approved declaration of a marketplace shop (the headline). The other flags
    are the separate lines (any evidence, verified or declared, of that kind of channel)."""

    verified: bool
    online: bool
    own_web_shop: bool
    social: bool
    other_site: bool
    sells_through_platform: bool  # a live listing or a recent order on any connected channel
    verified_channels: frozenset[str]
    declared_channels: frozenset[str]


NOWHERE = Standing(verified=False, online=False, own_web_shop=False, social=False, other_site=False,
                   sells_through_platform=False, verified_channels=frozenset(), declared_channels=frozenset())
