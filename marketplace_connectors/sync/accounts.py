"""The accounts synchronizer: what happens to a shop once it is connected (its shipping channels, its
category tree, its existing listings linked to our products by SKU)."""

from __future__ import annotations

from django.db import transaction

from sme.catalog.models import Product

from ..base import RemoteListing
from ..errors import AuthError
from ..models import AccountStatus, ListingBinding, ListingMatch, MarketplaceAccount
from . import metadata
from .listings import listing_link
from .session import ShopSession, account_mark_needs_reauth


def account_after_connect(*, account_id: int) -> dict[str, int]:
    """After connecting: fetch shipping channels and the category tree, link existing listings by SKU.
    Raises RetryableError to be retried; a refused authorisation marks the shop for reconnecting."""
    account = MarketplaceAccount.objects.get(pk=account_id)
    if account.status != AccountStatus.ACTIVE:
        return {}
    session = ShopSession(account)
    try:
        metadata.shipping_channels_refresh(session=session)
        metadata.category_tree(session=session, refresh=True)
        return account_link_existing(session=session)
    except AuthError:
        account_mark_needs_reauth(account_id=account_id)
        return {}


def account_link_existing(*, session: ShopSession) -> dict[str, int]:
    """Link listings already on the shop to our products by SKU. A unique match becomes a live binding;
    several candidates are kept as ListingMatch rows for the owner to choose. Returns counts."""
    account = session.account
    remote = session.remote_listings()
    bound_external = set(ListingBinding.objects.filter(account=account).exclude(external_id="").values_list("external_id", flat=True))
    remote = [r for r in remote if r.external_id not in bound_external]
    products = Product.objects.filter(business=account.business).prefetch_related("variants")
    bound_products = set(ListingBinding.objects.filter(account=account).exclude(external_id="").values_list("product_id", flat=True))
    candidates: dict[int, list[RemoteListing]] = {}
    claimed_by: dict[str, list[int]] = {}
    for product in products:
        if product.pk in bound_products:
            continue
        skus = {v.sku for v in product.variants.all()} | {product.key}
        found = [r for r in remote if r.sku in skus or skus & set(r.variant_ids_by_sku)]
        if found:
            candidates[product.pk] = found
            for r in found:
                claimed_by.setdefault(r.external_id, []).append(product.pk)
    linked = ambiguous = 0
    with transaction.atomic():
        for product_id, found in candidates.items():
            ListingMatch.objects.filter(account=account, product_id=product_id).delete()
            if len(found) == 1 and len(claimed_by[found[0].external_id]) == 1:
                listing_link(account=account, product_id=product_id, remote=found[0])
                linked += 1
            else:
                for r in found:
                    ListingMatch.objects.create(account=account, product_id=product_id, external_id=r.external_id,
                                                external_sku=r.sku, external_name=r.name,
                                                variant_ids_by_sku=r.variant_ids_by_sku)
                ambiguous += 1
    return {"linked": linked, "ambiguous": ambiguous}


