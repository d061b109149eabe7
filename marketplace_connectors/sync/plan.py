"""The plan synchronizer: a business's listings follow what its plan covers (a lapsed payment pauses the
listings beyond its limits; paying again resumes them). Nothing is deleted or delisted."""

from __future__ import annotations

import logging

from django.db.models import F, Q

from sme.billing.selectors import business_plan_limits
from sme.businesses.models import Business

from ..errors import AuthError, PermanentError, RetryableError
from ..models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount
from .listings import listing_pause

logger = logging.getLogger(__name__)


def listings_enforce_plan(*, business_id: int) -> dict[str, int]:
    """Pause the business's live listings its plan no longer covers, and resume those paused for that
    reason once it does again. Nothing is deleted or delisted. Shops are kept in the order they were
    connected and products in the order they were first published: the earliest stay live.

    Returns how many listings were paused and resumed; a listing the marketplace could not reach now is
    left for the next run."""
    business = Business.objects.get(pk=business_id)
    limits = business_plan_limits(business=business)
    accounts = list(MarketplaceAccount.objects.filter(business=business, status=AccountStatus.ACTIVE)
                    .order_by(F("connected_at").asc(nulls_last=True), "pk"))
    kept_accounts = {a.pk for a in (accounts if limits.max_marketplaces is None else accounts[:limits.max_marketplaces])}
    bindings = list(ListingBinding.objects.filter(account__in=accounts)
                    .filter(Q(status=ListingStatus.LIVE) | Q(paused_for_plan=True))
                    .select_related("account").order_by(F("published_at").asc(nulls_last=True), "pk"))
    kept_products: list[int] = []
    for binding in bindings:
        if binding.account_id in kept_accounts and binding.product_id not in kept_products:
            kept_products.append(binding.product_id)
    if limits.max_active_products is not None:
        kept_products = kept_products[:limits.max_active_products]
    paused = resumed = 0
    for binding in bindings:
        covered = binding.account_id in kept_accounts and binding.product_id in kept_products
        try:
            if not covered and binding.status == ListingStatus.LIVE:
                listing_pause(binding=binding, paused=True)
                ListingBinding.objects.filter(pk=binding.pk).update(paused_for_plan=True)
                paused += 1
            elif covered and binding.paused_for_plan:
                if binding.status == ListingStatus.PAUSED:
                    listing_pause(binding=binding, paused=False)
                ListingBinding.objects.filter(pk=binding.pk).update(paused_for_plan=False)
                resumed += 1
        except (RetryableError, AuthError, PermanentError) as exc:
            logger.warning("plan enforcement: listing %s left for the next run (%s)", binding.pk, exc)
    return {"paused": paused, "resumed": resumed}
