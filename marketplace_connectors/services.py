"""Writes about connected shops that the owner asks for: connecting, disconnecting, the shop's settings,
category mappings, re-encrypting tokens. Every function is keyword-only.

What a connected shop then does with its marketplace (tokens, metadata, listings, orders, stock) is the
synchronizers' work, in ``marketplace_connectors.sync``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from sme.billing.errors import EntitlementError
from sme.billing.models import Feature
from sme.billing.services import entitlement_check
from sme.businesses.models import Business

from . import crypto
from .base import KeyConnection, OAuthConnection, TokenSet
from .errors import AuthError, PermanentError
from .jobs import account_after_connect_enqueue, stock_push_business_soon
from .models import AccountStatus, CategoryMapping, MarketplaceAccount, SyncRun, SyncRunStatus
from .registry import connector_get
from .sync.metadata import MetadataNotCached, category_tree
from .sync.session import ShopSession, tokens_store

logger = logging.getLogger(__name__)

STATE_SESSION_KEY = "marketplace_connect_state"
STATE_LIFETIME = dt.timedelta(minutes=15)


class ShopTakenError(PermanentError):
    """The shop is connected to another business on the platform."""


# --- connecting ---------------------------------------------------------------------------------
def connect_state_create(*, session, marketplace: str, business_id: int) -> str:
    """A single-use state bound to this browser session and business, put in the callback URL."""
    state = secrets.token_urlsafe(24)
    session[STATE_SESSION_KEY] = {
        "state": state, "marketplace": marketplace, "business_id": business_id,
        "expires": (timezone.now() + STATE_LIFETIME).timestamp(),
    }
    return state


def connect_state_consume(*, session, state: str, marketplace: str, business_id: int) -> bool:
    """True when ``state`` is the one this session started for this business; it cannot be used again."""
    saved = session.pop(STATE_SESSION_KEY, None)
    if not saved or not state:
        return False
    return (
        crypto.secret_equals(state, str(saved.get("state")))
        and saved.get("marketplace") == marketplace
        and saved.get("business_id") == business_id
        and float(saved.get("expires", 0)) >= timezone.now().timestamp()
    )


def account_connect_complete(*, business: Business, user: User, marketplace: str, params: dict[str, str]) -> MarketplaceAccount:
    """Exchange the callback's code for tokens and store the shop for ``business``.

    Raises AuthError (code refused), ShopTakenError (the shop is connected to another business),
    EntitlementError (the plan allows no more connected shops) or RetryableError. Reconnecting a shop the
    business already had reactivates the same account and does not count against the plan.
    """
    connector = connector_get(marketplace)
    if not isinstance(connector, OAuthConnection):
        raise AuthError("this marketplace connects with keys, not an authorisation code", code="keys_only")
    tokens = connector.exchange_code(params=params)
    account = account_connect_store(business=business, user=user, marketplace=marketplace, tokens=tokens)
    for other in tokens.other_shops:  # one authorisation, several shops (a Shopee main account)
        try:
            account_connect_store(business=business, user=user, marketplace=marketplace, tokens=other)
        except (ShopTakenError, EntitlementError):
            continue  # that shop is another business's, or the plan has no room: the first one is connected
    return account


def account_connect_with_keys(*, business: Business, user: User, marketplace: str, shop_url: str, key: str,
                              secret: str) -> MarketplaceAccount:
    """Connect a shop the owner reaches with API keys (``Capability.KEYS``, e.g. WooCommerce): the connector
    proves the keys with one call before anything is stored. Raises as ``account_connect_complete``, and
    PermanentError when the URL is refused (not HTTPS)."""
    connector = connector_get(marketplace)
    if not isinstance(connector, KeyConnection):
        raise PermanentError("this marketplace connects by authorisation, not keys", code="not_keys")
    account_connect_check_plan(business=business)
    tokens = connector.connect_with_keys(shop_url=shop_url, key=key, secret=secret)
    return account_connect_store(business=business, user=user, marketplace=marketplace, tokens=tokens)


def account_connect_store(*, business: Business, user: User, marketplace: str, tokens: TokenSet) -> MarketplaceAccount:
    """Store a shop's tokens for ``business`` (the end of every way of connecting), then fetch its metadata
    and link its existing listings in the background."""
    with transaction.atomic():
        account = (
            MarketplaceAccount.objects.select_for_update()
            .filter(marketplace=marketplace, external_shop_id=tokens.shop_id)
            .first()
        )
        if account and account.business_id != business.pk and account.status != AccountStatus.DISCONNECTED:
            raise ShopTakenError(_("This shop is already connected to another business."), code="shop_taken")
        reconnecting = (
            account is not None and account.business_id == business.pk and account.status != AccountStatus.DISCONNECTED
        )
        if not reconnecting:
            account_connect_check_plan(business=business)
        if account is None:
            account = MarketplaceAccount(marketplace=marketplace, external_shop_id=tokens.shop_id)
        elif account.business_id != business.pk:
            # A shop that moved to another business starts afresh.
            account.listings.all().delete()
            account.category_mappings.all().delete()
        account.business = business
        account.connected_by = user
        account.connected_at = timezone.now()
        account.status = AccountStatus.ACTIVE
        account.status_reason = ""
        account.disconnected_at = None
        account.authorization_expires_at = None  # a new authorisation: the one ending is replaced
        tokens_store(account, tokens)
        if tokens.shop_name:
            account.shop_name = tokens.shop_name
        account.save()
    account_after_connect_enqueue(account_id=account.pk)
    return account


def account_connect_check_plan(*, business: Business) -> None:
    """Raise ``EntitlementError`` when ``business``'s plan allows no further connected shop."""
    connected = MarketplaceAccount.objects.filter(business=business).exclude(status=AccountStatus.DISCONNECTED).count()
    entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=connected)


def account_disconnect(*, account: MarketplaceAccount) -> MarketplaceAccount:
    """Forget the tokens and stop every sync for the shop. Listings on the marketplace stay as they are."""
    with transaction.atomic():
        account.status = AccountStatus.DISCONNECTED
        account.disconnected_at = timezone.now()
        account.status_reason = ""
        account.set_tokens(access_token="", refresh_token="")
        account.access_expires_at = account.refresh_expires_at = None
        account.save()
        SyncRun.objects.filter(account=account, status=SyncRunStatus.RUNNING).update(
            status=SyncRunStatus.PAUSED, finished_at=timezone.now()
        )
    return account


def category_mapping_set(*, account: MarketplaceAccount, category, external_category_id: str,
                         attribute_values: dict[str, list[str]]) -> CategoryMapping:
    """Map our ``category`` to a leaf marketplace category with the attribute values the owner gave.

    Reads the category tree from the shop's cache only, as the page that posted the form did: a request never
    waits on the marketplace (a stale tree is refreshed by the metadata task, not here)."""
    try:
        tree = {n.external_id: n for n in category_tree(session=ShopSession(account), cached_only=True)}
    except MetadataNotCached:
        raise PermanentError(_("The marketplace's categories are still loading. Try again in a moment."),
                             code="categories_loading") from None
    node = tree.get(external_category_id)
    if node is None or not node.is_leaf:
        raise PermanentError(_("Choose a category that has no sub-categories."), code="not_leaf")
    cleaned = {k: [str(x).strip() for x in v if str(x).strip()] for k, v in attribute_values.items()}
    mapping, _created = CategoryMapping.objects.update_or_create(
        account=account, category=category,
        defaults={"external_category_id": external_category_id, "external_category_name": node.name,
                  "attribute_values": {k: v for k, v in cleaned.items() if v}},
    )
    return mapping


def account_tokens_rotate() -> int:
    """Re-encrypt every account's tokens with the newest key (after adding a key in front). Idempotent."""
    count = 0
    for account in MarketplaceAccount.objects.select_for_update().exclude(access_token_encrypted="", refresh_token_encrypted=""):
        MarketplaceAccount.objects.filter(pk=account.pk).update(
            access_token_encrypted=crypto.token_rotate(account.access_token_encrypted),
            refresh_token_encrypted=crypto.token_rotate(account.refresh_token_encrypted),
        )
        count += 1
    return count


def account_settings_update(*, account: MarketplaceAccount, stock_buffer: int, user: User,
                            logistics_channel_id: str | None = None) -> MarketplaceAccount:
    """Change the shop's stock buffer (the shop's stock follows at once) and, when given, the shipping
    channel new listings use."""
    with transaction.atomic():
        before = account.stock_buffer
        updates = {"stock_buffer": stock_buffer}
        if logistics_channel_id is not None:
            updates["logistics_channel_id"] = logistics_channel_id
            account.logistics_channel_id = logistics_channel_id
        MarketplaceAccount.objects.filter(pk=account.pk).update(**updates)
        account.stock_buffer = stock_buffer
        if before != stock_buffer:
            logger.info("account %s stock buffer %s -> %s by user %s", account.pk, before, stock_buffer, user.pk)
            stock_push_business_soon(business_id=account.business_id, manual=True)  # the owner asked
    return account
