"""The one way stock changes: every change writes a StockMovement (who, how much, why, reference).

Marketplace sync and orders read the ledger (selectors.stock_movement_list_*) instead of guessing.
Concurrency: a relative change is a conditional ``UPDATE ... WHERE stock >= -delta`` so two orders can never
take stock below zero; setting an absolute quantity locks the row first (``SELECT ... FOR UPDATE``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import StockMovement, StockReason, Variant


class InsufficientStock(Exception):
    """Raised when a decrease would take a variant's stock below zero; nothing was changed."""

    def __init__(self, variant: Variant, requested: int):
        self.variant = variant
        self.requested = requested
        super().__init__(_("Not enough stock for %(sku)s.") % {"sku": variant.sku})


@dataclass(frozen=True)
class StockSet:
    """Set ``variant``'s stock to ``quantity`` (used by stock_set_many)."""

    variant: Variant
    quantity: int


def stock_adjust(
    *,
    variant: Variant,
    reason: StockReason | str,
    actor: User | None,
    delta: int | None = None,
    new_quantity: int | None = None,
    reference: str = "",
) -> StockMovement | None:
    """Change ``variant``'s stock by ``delta`` or to ``new_quantity`` (exactly one) and record the movement.

    Returns the movement, or None when nothing changed (delta 0 / same quantity: idempotent, no ledger row).
    Raises InsufficientStock (nothing changed) when the result would be negative, ValueError on bad arguments.
    ``variant.stock`` is refreshed in place.
    """
    if (delta is None) == (new_quantity is None):
        raise ValueError("Give exactly one of delta or new_quantity")
    if new_quantity is not None and new_quantity < 0:
        raise ValueError("new_quantity must not be negative")
    with transaction.atomic():
        if new_quantity is not None:
            current = Variant.objects.select_for_update().values_list("stock", flat=True).get(pk=variant.pk)
            delta = new_quantity - current
        if delta == 0:
            variant.stock = Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)
            return None
        updated = Variant.objects.filter(pk=variant.pk, stock__gte=-delta).update(stock=F("stock") + delta)
        if not updated:
            raise InsufficientStock(variant, -delta)
        variant.stock = Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)
        return StockMovement.objects.create(
            business_id=variant.business_id,
            variant=variant,
            delta=delta,
            quantity_after=variant.stock,
            reason=reason,
            reference=reference[:120],
            actor=actor,
        )


def stock_set_many(
    *, changes: Sequence[StockSet], reason: StockReason | str, actor: User | None, reference: str = ""
) -> list[StockMovement]:
    """Set many variants' stock at once (imports): rows are locked, changed ones updated, one movement each.

    Unchanged quantities write nothing (idempotent). Returns the movements written.
    """
    if any(change.quantity < 0 for change in changes):
        raise ValueError("Quantities must not be negative")
    movements: list[StockMovement] = []
    wanted = {change.variant.pk: change for change in changes}
    ids = list(wanted)
    with transaction.atomic():
        current: dict[int, int] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            current.update(
                Variant.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", "stock")
            )
        by_quantity: dict[int, list[int]] = {}
        for pk in ids:
            change = wanted[pk]
            delta = change.quantity - current[pk]
            change.variant.stock = change.quantity
            if delta == 0:
                continue
            by_quantity.setdefault(change.quantity, []).append(pk)
            movements.append(
                StockMovement(
                    business_id=change.variant.business_id,
                    variant_id=pk,
                    delta=delta,
                    quantity_after=change.quantity,
                    reason=reason,
                    reference=reference[:120],
                    actor=actor,
                )
            )
        # One plain UPDATE per distinct quantity (rows are locked above): far cheaper than a CASE per row.
        for quantity, pks in by_quantity.items():
            for start in range(0, len(pks), 900):
                Variant.objects.filter(pk__in=pks[start : start + 900]).update(stock=quantity)
        StockMovement.objects.bulk_create(movements, batch_size=1000)
    return movements


def stock_take_available(
    *, variant: Variant, quantity: int, reason: StockReason | str, reference: str = "", actor: User | None = None
) -> int:
    """Take up to ``quantity`` units, as many as there are, and record the movement. Returns how many were
    taken (0..quantity); the caller decides what to do with the rest (an order flags itself oversold).

    Compare-and-swap on the exact current quantity, repeated when another change got in between, so two
    orders for the last unit never take it twice, on any database.
    """
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    for _attempt in range(20):
        current = Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)
        take = min(current, quantity)
        if take == 0:
            variant.stock = current
            return 0
        with transaction.atomic():
            if not Variant.objects.filter(pk=variant.pk, stock=current).update(stock=F("stock") - take):
                continue
            variant.stock = current - take
            StockMovement.objects.create(
                business_id=variant.business_id, variant=variant, delta=-take, quantity_after=variant.stock,
                reason=reason, reference=reference[:120], actor=actor,
            )
        return take
    raise InsufficientStock(variant, quantity)
