"""The order synchronizer: orders imported from every marketplace, and the push notifications that announce them.

The catalog is the master of stock. An imported order takes its units from the catalog exactly once,
through ``sme.catalog.stock`` (which records why stock moved); a cancellation or return gives them back
once. Each order line remembers how many units it holds (``stock_held``) and how many it could not get
(``short``), so re-importing the same order, in any status, only applies the difference.

An order that moved stock asks every shop of the business to push its stock (``sync.stock``), by task.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sme.catalog.models import StockReason, Variant
from sme.catalog.stock import stock_adjust, stock_take_available

from ..base import Capability, PushEvent, RemoteOrder
from ..base import OrderStatus as RemoteOrderStatus
from ..errors import AuthError
from ..jobs import listing_review_check_enqueue, order_import_one_enqueue, stock_push_business_soon
from ..models import (
    AccountStatus,
    MarketplaceAccount,
    Order,
    OrderLine,
    OrderStatusChange,
    PushReceipt,
    VariantBinding,
)
from .session import ShopSession, account_mark_authorization_expiring, account_mark_needs_reauth

logger = logging.getLogger(__name__)


# --- orders -----------------------------------------------------------------------------------------
def _variant_for(account: MarketplaceAccount, *, sku: str, external_variant_id: str) -> Variant | None:
    """The variant an order line sold: by the marketplace's own variant id through this shop's bindings first
    (a seller's code may be empty or differ from the catalog's SKU: Tiki, docs/marketplaces/tiki.md finding
    1), then by a non-empty SKU."""
    if external_variant_id:
        bindings = list(VariantBinding.objects.filter(account=account, external_id=external_variant_id)
                        .select_related("variant"))
        if len(bindings) == 1:
            return bindings[0].variant
        # an id unique per listing only (Shopee's model id 0 of every item without models): the SKU decides
        found = next((b for b in bindings if sku and b.variant.sku == sku), None)
        if found:
            return found.variant
    if not sku:
        return None
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
        # Order ids are unique within one shop only (WooCommerce numbers each shop's orders from 1).
        order = Order.objects.select_for_update().filter(account=account, external_id=remote.external_id).first()
        if order is not None and order.business_id != account.business_id:
            # The shop moved to another business since: the order stays in its first business's history,
            # and the new business's changes to it never move that business's stock.
            logger.info("order %s of shop %s belongs to the shop's previous business; left as it is",
                        remote.external_id, account.pk)
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
    session = ShopSession(account)
    if account.status != AccountStatus.ACTIVE or not session.connector.supports(Capability.ORDERS):
        return {"imported": 0, "changed": 0}
    started = timezone.now()
    if account.orders_synced_until:
        since = account.orders_synced_until - dt.timedelta(seconds=settings.MARKETPLACE_ORDER_OVERLAP_SECONDS)
    else:
        since = started - dt.timedelta(days=settings.MARKETPLACE_ORDER_HISTORY_DAYS)
    try:
        remote_orders = session.orders_updated_since(since=since)
    except AuthError:
        account_mark_needs_reauth(account_id=account.pk)
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
    session = ShopSession(account)
    if account.status != AccountStatus.ACTIVE or not session.connector.supports(Capability.ORDERS):
        return None
    try:
        remote = session.order_get(external_id=external_id)
    except AuthError:
        account_mark_needs_reauth(account_id=account.pk)
        return None
    if remote is None:
        return None
    order, _changed = order_apply(account=account, remote=remote)
    return order


# --- push notifications -------------------------------------------------------------------------------
def _storable(value: str, limit: int) -> bool:
    """Whether an id from a push fits our columns: at most ``limit`` characters, no NUL (PostgreSQL refuses
    NUL in text). Ids that do not fit match nothing (no shop, no order has them)."""
    return bool(value) and len(value) <= limit and "\x00" not in value


def _receipt_id(event_id: str) -> str:
    """The event id as stored: itself when it fits, else its SHA-256 (still one id per event)."""
    if _storable(event_id, 128):
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()


def push_events_accept(*, marketplace: str, events: Iterable[PushEvent]) -> int:
    """Act on verified push events once each per shop: an event id the same shop sent before is ignored;
    another shop's event with the same id is its own. Events for a shop that is not connected (and active)
    here are dropped without a trace. Returns how many were new. Order events fetch the order at once (in
    a task); "auth" events mark the shop for reconnecting; "auth_expiring" events record when its authorisation
    ends (the owner is asked to reconnect before; the shop works until then); "listing" events check a
    listing's audit."""
    new = 0
    for event in events:
        account = None
        if _storable(event.shop_id, 255):
            account = (MarketplaceAccount.objects.filter(marketplace=marketplace, external_shop_id=event.shop_id,
                                                         status=AccountStatus.ACTIVE).first())
        if account is None:
            logger.info("push from %s for a shop not connected here; ignored", marketplace)
            continue
        try:
            with transaction.atomic():
                PushReceipt.objects.create(account=account, marketplace=marketplace, event_id=_receipt_id(event.event_id),
                                           kind=event.kind[:16])
        except IntegrityError:
            continue  # this shop's push, delivered before
        new += 1
        if event.external_id and not _storable(event.external_id, 64):
            logger.warning("push from %s names an id we cannot store; not acted on", marketplace)
            continue
        if event.kind == "order" and event.external_id:
            order_import_one_enqueue(account_id=account.pk, external_id=event.external_id)
        elif event.kind == "auth":
            account_mark_needs_reauth(account_id=account.pk)
        elif event.kind == "auth_expiring" and event.expires_at is not None:
            account_mark_authorization_expiring(account_id=account.pk, expires_at=event.expires_at)
        elif event.kind == "listing" and event.external_id:
            binding_id = account.listings.filter(external_id=event.external_id).values_list("pk", flat=True).first()
            if binding_id:
                listing_review_check_enqueue(binding_ids=[binding_id])
    return new
