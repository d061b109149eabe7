"""The stock synchronizer: one stock across every marketplace.

The catalog is the master of stock. Any change (an order, an edit, an import) reaches every marketplace by
``stock_push_account``: it compares what each live variant binding last told the marketplace with the
catalog's stock minus the shop's buffer, and sends only the differences, batched as the connector allows.
It runs right after an order is imported and on a short schedule for every other change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sme.billing.selectors import business_plan_limits
from sme.businesses.models import Business

from ..base import Capability, PriceStockUpdate
from ..errors import AuthError
from ..models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount, VariantBinding
from ..selectors import listings_sellable_after_push, stock_out_of_step
from .owner_text import listing_status_record, marketplace_name, owner_language
from .session import ShopSession, account_mark_needs_reauth

logger = logging.getLogger(__name__)

# One call to the connector carries at most this many updates; the connector splits them further by its
# API's batch size. Bounds the memory of one round and how much is redone after a crash.
PUSH_ROUND = 500


def _claim_push(account_id: int) -> bool:
    stale = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS)
    claimed = MarketplaceAccount.objects.filter(
        Q(stock_push_started_at__isnull=True) | Q(stock_push_started_at__lt=stale), pk=account_id,
        status=AccountStatus.ACTIVE,
    ).update(stock_push_started_at=timezone.now(), stock_push_requested=False)
    if not claimed:
        MarketplaceAccount.objects.filter(pk=account_id).update(stock_push_requested=True)
    return bool(claimed)


def _rounds(rows: list[tuple]) -> Iterable[list[tuple]]:
    """Split (binding pk, listing id, variant id, wanted, last pushed) rows into calls in which every variant id occurs
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
            session = ShopSession(account)
            if account.status != AccountStatus.ACTIVE or not session.connector.supports(Capability.PRICE_STOCK):
                break
            rows = list(stock_out_of_step(account=account)
                        .values_list("pk", "listing__external_id", "external_id", "wanted", "last_stock"))
            for batch in _rounds(rows):
                ok, bad = _push_round(session, batch)
                pushed += ok
                failed += bad
            again = MarketplaceAccount.objects.filter(pk=account_id, stock_push_requested=True).update(
                stock_push_requested=False)
            if not again:
                break
    except AuthError:
        account_mark_needs_reauth(account_id=account_id)
    finally:
        MarketplaceAccount.objects.filter(pk=account_id).update(stock_push_started_at=None,
                                                                last_stock_push_at=timezone.now())
    return {"pushed": pushed, "failed": failed, "skipped": 0}


def _push_round(session: ShopSession, batch: list[tuple[int, str, str, int, int | None]]) -> tuple[int, int]:
    # what was last pushed, and whether the listing may be back on sale, let a marketplace that refuses a
    # stock of 0 (TikTok Shop: it was taken off sale instead) put a restocked listing back on sale
    sellable = listings_sellable_after_push(account=session.account, external_ids=list({row[1] for row in batch}))
    updates = [(listing_id, PriceStockUpdate(external_variant_id=variant_id, stock=wanted, previous_stock=last,
                                             listing_sellable=listing_id in sellable))
               for _pk, listing_id, variant_id, wanted, last in batch]
    outcome = session.update_price_stock_many(updates=updates)
    if outcome.gone:
        listings_mark_gone(account=session.account, external_ids=outcome.gone)
    by_wanted: dict[int, list[int]] = defaultdict(list)
    refused: dict[int, str] = {}
    succeeded = set(outcome.succeeded)
    for pk, _listing_id, variant_id, wanted, _last in batch:
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


def listings_mark_gone(*, account: MarketplaceAccount, external_ids: Iterable[str]) -> int:
    """The marketplace no longer has these listings (deleted on its side): they stop following the
    catalog's stock and their page says so, offering to publish them again. Returns how many changed."""
    bindings = list(ListingBinding.objects.filter(account=account, external_id__in=list(external_ids))
                    .exclude(status__in=(ListingStatus.GONE, ListingStatus.DELISTED)))
    with translation.override(owner_language(account)):
        message = str(_("%(marketplace)s no longer has this product (it was removed there). Publish it again to "
                        "put it back.") % {"marketplace": marketplace_name(account)})
    for binding in bindings:
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.GONE, last_error=message,
                                                            claimed_at=None, last_synced_at=timezone.now())
        listing_status_record(binding_id=binding.pk, status=ListingStatus.GONE, reason=message)
    return len(bindings)
