"""The shop's catalog metadata, cached for a day per shop: the category tree, each category's attributes
and listing rules, the shipping channels. Fetched through the shop session when missing or stale.

Pages read it ``cached_only``: they never call the marketplace. A stale entry is used as it is (the next
task that reads it fetches it again); a missing one raises ``MetadataNotCached``, and the page asks a task
to fetch it (``sync.listings.listing_metadata_request``) and shows that it is loading."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.utils import timezone

from ..base import AttributeSpec, Capability, CategoryNode
from ..errors import PermanentError
from ..models import AccountStatus, CategoryCache, MarketplaceAccount
from .session import ShopSession

CACHE_LIFETIME = dt.timedelta(hours=24)


class MetadataNotCached(Exception):  # noqa: N818 - not an error: the page shows "loading" instead
    """A page read metadata ``cached_only`` and the shop's cache does not hold it yet (``key``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _cached(session: ShopSession, key: str, fetch: Callable[[], object], *, refresh: bool = False,
            cached_only: bool = False):
    if key in session.metadata_read and not refresh:
        return session.metadata_read[key]
    entry = CategoryCache.objects.filter(account=session.account, key=key).first()
    if entry and not refresh and (cached_only or entry.fetched_at >= timezone.now() - CACHE_LIFETIME):
        session.metadata_read[key] = entry.data
        return entry.data
    if cached_only:
        raise MetadataNotCached(key)
    data = fetch()
    CategoryCache.objects.update_or_create(account=session.account, key=key,
                                           defaults={"data": data, "fetched_at": timezone.now()})
    session.metadata_read[key] = data
    return data


def category_tree(*, session: ShopSession, refresh: bool = False, cached_only: bool = False) -> list[CategoryNode]:
    data = _cached(session, "tree", lambda: [n.__dict__ for n in session.categories()], refresh=refresh,
                   cached_only=cached_only)
    return [CategoryNode(**n) for n in data]


def category_attributes(*, session: ShopSession, category_id: str, cached_only: bool = False) -> list[AttributeSpec]:
    if not category_id:
        return []

    def fetch():
        return [{**a.__dict__, "options": [list(o) for o in a.options]}
                for a in session.category_attributes(category_id=category_id)]

    data = _cached(session, f"attributes:{category_id}", fetch, cached_only=cached_only)
    return [AttributeSpec(**{**a, "options": tuple(tuple(o) for o in a["options"]), "units": tuple(a.get("units") or ())})
            for a in data]


def category_recommendation(*, session: ShopSession, name: str, cached_only: bool = False) -> str:
    """The leaf category the shop's marketplace recommends for a product called ``name`` (its first leaf
    suggestion), "" when it has none or no recommendation API. Cached per name like the category tree; a
    marketplace refusing the name (PermanentError) means no recommendation. Raises RetryableError, AuthError."""
    name = name.strip()
    if not name:
        return ""
    key = "recommend:" + hashlib.sha256(name.encode()).hexdigest()[:32]
    try:
        suggested = _cached(session, key, lambda: session.category_recommend(name=name), cached_only=cached_only)
    except PermanentError:
        return ""
    leaves = {n.external_id for n in category_tree(session=session, cached_only=cached_only) if n.is_leaf}
    return next((str(c) for c in suggested if str(c) in leaves), "")


def listing_rules(*, session: ShopSession, category_id: str, cached_only: bool = False) -> dict:
    if not category_id:
        return {}
    return _cached(session, f"rules:{category_id}", lambda: session.listing_rules(category_id=category_id),
                   cached_only=cached_only)


def _channels(session: ShopSession) -> list[dict]:
    return [ch.__dict__ for ch in session.shipping_channels()]


def shipping_channels_refresh(*, session: ShopSession) -> None:
    """Fetch the shop's shipping channels; pick the first enabled one when none is chosen yet. Nothing for
    a marketplace that chooses the carrier itself (no ``ShippingChannels``)."""
    account = session.account
    if not session.connector.supports(Capability.SHIPPING_CHANNELS):
        return
    data = _cached(session, "logistics", lambda: _channels(session), refresh=True)
    if not account.logistics_channel_id:
        first = next((ch for ch in data if ch["enabled"]), None)
        if first:
            account.logistics_channel_id = first["external_id"]
            account.save(update_fields=["logistics_channel_id", "updated_at"])


def shipping_channel_choices(*, account: MarketplaceAccount) -> list[tuple[str, str]]:
    """The shop's enabled shipping channels as (id, name), from the cache only (pages never call the
    marketplace); none for a marketplace that chooses the carrier itself. Raises ``MetadataNotCached`` when an
    active shop's channels are not fetched yet: the page asks a task for them and shows that they load."""
    session = ShopSession(account)
    if not session.connector.supports(Capability.SHIPPING_CHANNELS):
        return []
    entry = CategoryCache.objects.filter(account=account, key="logistics").first()
    if entry is None:
        if account.status == AccountStatus.ACTIVE:
            raise MetadataNotCached("logistics")
        return []
    return [(ch["external_id"], ch["name"]) for ch in entry.data if ch.get("enabled")]


def shipping_channels_cached(*, account: MarketplaceAccount) -> bool:
    """Whether the shop's shipping channels are in its cache (or it has none to choose from)."""
    if not ShopSession(account).connector.supports(Capability.SHIPPING_CHANNELS):
        return True
    return CategoryCache.objects.filter(account=account, key="logistics").exists()
