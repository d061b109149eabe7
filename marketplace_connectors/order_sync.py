"""Orders and one stock across every marketplace: the order import and the stock push.

The catalog is the master of stock. An imported order takes its units from the catalog exactly once,
through ``sme.catalog.stock`` (which records why stock moved); a cancellation or return gives them back
once. Each order line remembers how many units it holds (``stock_held``) and how many it could not get
(``short``), so re-importing the same order, in any status, only applies the difference.

Any stock change (an order, an edit, an import) reaches every marketplace by ``stock_push_account``: it
compares what each live variant binding last told the marketplace with the catalog's stock minus the
shop's buffer, and sends only the differences, batched as the connector allows. It runs right after an
order is imported and on a short schedule for every other change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from sme.catalog.models import StockReason, Variant
from sme.catalog.stock import stock_adjust, stock_take_available

from . import services
from .base import Capability, PriceStockUpdate, PushEvent, RemoteOrder
from .base import OrderStatus as RemoteOrderStatus
from .errors import AuthError
from .models import (
    AccountStatus,
    ListingStatus,
    MarketplaceAccount,
    Order,
    OrderLine,
    OrderStatusChange,
    PushReceipt,
    VariantBinding,
)

logger = logging.getLogger(__name__)

# Statuses whose listings follow our stock (a paused listing too: it shows the right stock when resumed).
STOCK_FOLLOWING = (ListingStatus.LIVE, ListingStatus.PAUSED)
# One call to the connector carries at most this many updates; the connector splits them further by its
# API's batch size. Bounds the memory of one round and how much is redone after a crash.
PUSH_ROUND = 500


# --- orders -----------------------------------------------------------------------------------------
def _variant_for(account: MarketplaceAccount, *, sku: str, external_variant_id: str) -> Variant | None:
    if external_variant_id:
        binding = (VariantBinding.objects.filter(account=account, external_id=external_variant_id, variant__sku=sku)
                   .select_related("variant").first())
        if binding:
            return binding.variant
    return Variant.objects.filter(business_id=account.business_id, sku=sku).first()


def _reference(order: Order, what: str) -> str:
    return f"{order.marketplace} #{order.external_id} {what}"


def _settle_line(order: Order, line: OrderLine, *, wanted: int) -> None:
    """Make the line hold ``wanted`` units (as many as the catalog has), taking or giving back the difference."""
    covered = line.stock_held + line.short
    if wanted > covered:
        missing = wanted - covered
        taken = 0
        if line.variant_id is not None:
            taken = stock_take_available(variant=line.variant, quantity=missing, reason=StockReason.ORDER,
                                         reference=_reference(order, "ordered"))
        line.stock_held += taken
        line.short += missing - taken
    elif wanted < covered:
        excess = covered - wanted
        from_short = min(line.short, excess)
        line.short -= from_short
        release = excess - from_short
        if release and line.variant_id is not None:
            what = "returned" if order.status == RemoteOrderStatus.RETURNED else "cancelled"
            stock_adjust(variant=line.variant, delta=release, reason=StockReason.RETURN, actor=None,
                         reference=_reference(order, what))
        line.stock_held -= release


def order_apply(*, account: MarketplaceAccount, remote: RemoteOrder) -> tuple[Order, bool]:
    """Create or bring up to date the order ``remote`` of ``account``, moving stock by the difference only.

    Idempotent: applying the same order twice (a repeated push, an overlapping import) changes nothing the
    second time; an older version of an order than the one stored is ignored. Returns (order, changed).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(marketplace=account.marketplace,
                                                         external_id=remote.external_id).first()
        if order is not None and order.account_id != account.pk:
            logger.warning("order %s:%s belongs to another shop; ignored", account.marketplace, remote.external_id)
            return order, False
        if order is not None and remote.updated_at < order.remote_updated_at:
            return order, False
        created = order is None
        if created:
            connected_at = account.connected_at or account.created_at
            order = Order(account=account, business_id=account.business_id, marketplace=account.marketplace,
                          external_id=remote.external_id, moves_stock=remote.created_at >= connected_at,
                          ordered_at=remote.created_at)
        status_changed = created or order.status != remote.status or order.marketplace_status != remote.marketplace_status
        order.status = remote.status
        order.marketplace_status = remote.marketplace_status[:64]
        order.remote_updated_at = remote.updated_at
        order.total_vnd = max(0, remote.total_vnd) or sum(x.unit_price_vnd * x.quantity for x in remote.lines)
        order.save()
        if status_changed:
            OrderStatusChange.objects.create(order=order, status=order.status, marketplace_status=order.marketplace_status,
                                             changed_at=remote.updated_at)
        lines_changed = _apply_lines(account, order, remote)
        oversold = order.lines.filter(short__gt=0).exists()
        if oversold != order.oversold:
            Order.objects.filter(pk=order.pk).update(oversold=oversold)
            order.oversold = oversold
    if lines_changed:
        stock_push_business_soon(business_id=account.business_id)
    return order, created or status_changed or lines_changed


def _apply_lines(account: MarketplaceAccount, order: Order, remote: RemoteOrder) -> bool:
    """Returns True when stock moved."""
    quantity: dict[str, int] = defaultdict(int)
    live: dict[str, int] = defaultdict(int)
    first: dict[str, object] = {}
    for remote_line in remote.lines:
        quantity[remote_line.sku] += remote_line.quantity
        if remote_line.status.holds_stock and remote.status.holds_stock:
            live[remote_line.sku] += remote_line.quantity
        first.setdefault(remote_line.sku, remote_line)
    existing = {line.sku: line for line in order.lines.select_related("variant")}
    moved = False
    for sku in sorted(set(quantity) | set(existing)):  # a stable order: no deadlock between two imports
        line = existing.get(sku)
        if line is None:
            remote_line = first[sku]
            line = OrderLine(order=order, sku=sku[:120], name=remote_line.name[:255],
                             unit_price_vnd=max(0, remote_line.unit_price_vnd),
                             variant=_variant_for(account, sku=sku, external_variant_id=remote_line.external_variant_id))
        line.quantity = quantity.get(sku, 0)
        line.quantity_live = live.get(sku, 0)
        before = (line.stock_held, line.short)
        # A SKU the catalog does not know holds nothing (and is not "oversold": the page says it is unknown).
        wanted = line.quantity_live if order.moves_stock and line.variant_id is not None else 0
        _settle_line(order, line, wanted=wanted)
        moved = moved or (line.stock_held, line.short) != before
        line.save()
    return moved


def orders_import(*, account_id: int) -> dict[str, int]:
    """Import the shop's orders changed since its watermark (with an overlap, since marketplaces may record
    a change a little after its time). First import: the last MARKETPLACE_ORDER_HISTORY_DAYS days."""
    account = MarketplaceAccount.objects.get(pk=account_id)
    connector = services.account_connector(account=account)
    if account.status != AccountStatus.ACTIVE or not connector.supports(Capability.ORDERS):
        return {"imported": 0, "changed": 0}
    started = timezone.now()
    if account.orders_synced_until:
        since = account.orders_synced_until - dt.timedelta(seconds=settings.MARKETPLACE_ORDER_OVERLAP_SECONDS)
    else:
        since = started - dt.timedelta(days=settings.MARKETPLACE_ORDER_HISTORY_DAYS)
    try:
        remote_orders = services.with_fresh_token(
            account=account, call=lambda c: connector.orders_updated_since(credentials=c, since=since))
    except AuthError:
        services.account_mark_needs_reauth(account_id=account.pk)
        return {"imported": 0, "changed": 0}
    changed = 0
    for remote in remote_orders:
        _order, did_change = order_apply(account=account, remote=remote)
        changed += did_change
    MarketplaceAccount.objects.filter(pk=account.pk).update(orders_synced_until=started)
    return {"imported": len(remote_orders), "changed": changed}


def order_import_one(*, account_id: int, external_id: str) -> Order | None:
    """Fetch and apply one order (after a push notification). None when the shop has no such order."""
    account = MarketplaceAccount.objects.get(pk=account_id)
    connector = services.account_connector(account=account)
    if account.status != AccountStatus.ACTIVE or not connector.supports(Capability.ORDERS):
        return None
    try:
        remote = services.with_fresh_token(
            account=account, call=lambda c: connector.order_get(credentials=c, external_id=external_id))
    except AuthError:
        services.account_mark_needs_reauth(account_id=account.pk)
        return None
    if remote is None:
        return None
    order, _changed = order_apply(account=account, remote=remote)
    return order


# --- push notifications -------------------------------------------------------------------------------
def push_events_accept(*, marketplace: str, events: Iterable[PushEvent]) -> int:
    """Act on verified push events once each: a repeated event id is ignored. Returns how many were new.
    Order events fetch the order at once (in a task); "auth" events mark the shop for reconnecting;
    "listing" events check a listing's audit."""
    from .tasks import listing_review_check_task, order_import_one_task

    new = 0
    for event in events:
        try:
            with transaction.atomic():
                PushReceipt.objects.create(marketplace=marketplace, event_id=event.event_id[:128], kind=event.kind[:16])
        except IntegrityError:
            continue  # delivered before
        new += 1
        account = (MarketplaceAccount.objects.filter(marketplace=marketplace, external_shop_id=event.shop_id,
                                                     status=AccountStatus.ACTIVE).first())
        if account is None:
            continue
        if event.kind == "order" and event.external_id:
            transaction.on_commit(lambda a=account.pk, o=event.external_id: order_import_one_task.delay(a, o))
        elif event.kind == "auth":
            services.account_mark_needs_reauth(account_id=account.pk)
        elif event.kind == "listing" and event.external_id:
            binding_id = account.listings.filter(external_id=event.external_id).values_list("pk", flat=True).first()
            if binding_id:
                transaction.on_commit(lambda b=binding_id: listing_review_check_task.delay(b))
    return new


# --- one stock ----------------------------------------------------------------------------------------
def stock_push_business_soon(*, business_id: int, manual: bool = False) -> None:
    """Ask every active shop of the business to push its stock, after the current transaction commits
    (automatic pushes only on plans with automatic sync; see ``stock_push_account``)."""
    from .tasks import stock_push_account_task

    ids = list(MarketplaceAccount.objects.filter(business_id=business_id, status=AccountStatus.ACTIVE)
               .values_list("pk", flat=True))
    for account_id in ids:
        transaction.on_commit(lambda a=account_id: stock_push_account_task.delay(a, manual))


def stock_out_of_step(*, account: MarketplaceAccount):
    """Variant bindings of ``account`` whose marketplace stock differs from the catalog's stock minus the
    buffer, annotated with ``wanted``."""
    wanted = Greatest(F("variant__stock") - Value(account.stock_buffer), Value(0))
    return (VariantBinding.objects.filter(account=account, listing__status__in=STOCK_FOLLOWING)
            .exclude(listing__external_id="")
            .annotate(wanted=wanted)
            .filter(Q(last_stock__isnull=True) | ~Q(last_stock=F("wanted"))))


def _claim_push(account_id: int) -> bool:
    stale = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS)
    claimed = MarketplaceAccount.objects.filter(
        Q(stock_push_started_at__isnull=True) | Q(stock_push_started_at__lt=stale), pk=account_id,
        status=AccountStatus.ACTIVE,
    ).update(stock_push_started_at=timezone.now(), stock_push_requested=False)
    if not claimed:
        MarketplaceAccount.objects.filter(pk=account_id).update(stock_push_requested=True)
    return bool(claimed)


def _rounds(rows: list[tuple[int, str, str, int]]) -> Iterable[list[tuple[int, str, str, int]]]:
    """Split (binding pk, listing id, variant id, wanted) rows into calls in which every variant id occurs
    once, so a connector's per-variant outcome is never ambiguous (Shopee's model id 0 recurs per item)."""
    pending = rows
    while pending:
        seen: set[str] = set()
        batch, rest = [], []
        for row in pending:
            if row[2] in seen or len(batch) >= PUSH_ROUND:
                rest.append(row)
            else:
                seen.add(row[2])
                batch.append(row)
        yield batch
        pending = rest


def automatic_sync_allowed(*, business_id: int) -> bool:
    """Whether the business's plan includes automatic stock sync (Free syncs by hand: "Push stock now")."""
    from sme.billing.selectors import business_plan_limits
    from sme.businesses.models import Business

    business = Business.objects.filter(pk=business_id).first()
    return business is not None and business_plan_limits(business=business).automatic_sync


def stock_push_account(*, account_id: int, manual: bool = False) -> dict[str, int]:
    """Bring the shop's stock in step with the catalog. Only one push per shop runs at a time; a push
    asked for meanwhile makes the running one go round again. Raises RetryableError to be retried.

    Automatic pushes (after an order, on the schedule) run only when the plan includes automatic sync;
    ``manual`` (the owner pressed "Push stock now") always runs."""
    if not manual:
        business_id = MarketplaceAccount.objects.filter(pk=account_id).values_list("business_id", flat=True).first()
        if business_id is None or not automatic_sync_allowed(business_id=business_id):
            return {"pushed": 0, "failed": 0, "skipped": 1}
    if not _claim_push(account_id):
        return {"pushed": 0, "failed": 0, "skipped": 1}
    pushed = failed = 0
    try:
        while True:
            account = MarketplaceAccount.objects.get(pk=account_id)
            connector = services.account_connector(account=account)
            if account.status != AccountStatus.ACTIVE or not connector.supports(Capability.PRICE_STOCK):
                break
            rows = list(stock_out_of_step(account=account)
                        .values_list("pk", "listing__external_id", "external_id", "wanted"))
            for batch in _rounds(rows):
                ok, bad = _push_round(account, connector, batch)
                pushed += ok
                failed += bad
            again = MarketplaceAccount.objects.filter(pk=account_id, stock_push_requested=True).update(
                stock_push_requested=False)
            if not again:
                break
    except AuthError:
        services.account_mark_needs_reauth(account_id=account_id)
    finally:
        MarketplaceAccount.objects.filter(pk=account_id).update(stock_push_started_at=None,
                                                                last_stock_push_at=timezone.now())
    return {"pushed": pushed, "failed": failed, "skipped": 0}


def _push_round(account: MarketplaceAccount, connector, batch: list[tuple[int, str, str, int]]) -> tuple[int, int]:
    updates = [(listing_id, PriceStockUpdate(external_variant_id=variant_id, stock=wanted))
               for _pk, listing_id, variant_id, wanted in batch]
    outcome = services.with_fresh_token(account=account, call=lambda c: connector.update_price_stock_many(
        credentials=c, updates=updates))
    by_wanted: dict[int, list[int]] = defaultdict(list)
    refused: dict[int, str] = {}
    succeeded = set(outcome.succeeded)
    for pk, _listing_id, variant_id, wanted in batch:
        if variant_id in outcome.failed:
            refused[pk] = outcome.failed[variant_id]
        elif variant_id in succeeded:
            by_wanted[wanted].append(pk)
    with transaction.atomic():
        for wanted, pks in by_wanted.items():
            VariantBinding.objects.filter(pk__in=pks).update(last_stock=wanted, last_error="")
        for pk, reason in refused.items():
            VariantBinding.objects.filter(pk=pk).update(last_error=reason[:2000])
    return sum(len(p) for p in by_wanted.values()), len(refused)


def accounts_with_orders() -> list[int]:
    """Active shops whose marketplace has an order API (the scheduled import's work list)."""
    from .registry import connector_list

    codes = [c.code for c in connector_list() if c.supports(Capability.ORDERS)]
    return list(MarketplaceAccount.objects.filter(status=AccountStatus.ACTIVE, marketplace__in=codes)
                .values_list("pk", flat=True))


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
