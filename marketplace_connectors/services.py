"""Writes about connected shops: connecting, tokens, disconnecting, metadata caches, notifying owners.

Every function is keyword-only. Token refresh runs under a per-shop row lock and stores the new pair in
the same transaction, so a spent refresh token is never used twice by us.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from sme.billing.models import Feature
from sme.billing.services import entitlement_check
from sme.businesses.models import Business, MemberRole, Membership

from .base import AttributeSpec, Capability, CategoryNode, Connector, Credentials, TokenSet
from .errors import AccessTokenExpired, AuthError, PermanentError
from .models import (
    AccountStatus,
    CategoryCache,
    CategoryMapping,
    ListingBinding,
    ListingStatus,
    MarketplaceAccount,
    SyncRun,
    SyncRunStatus,
)
from .registry import connector_get

logger = logging.getLogger(__name__)
T = TypeVar("T")

STATE_SESSION_KEY = "marketplace_connect_state"
STATE_LIFETIME = dt.timedelta(minutes=15)
CACHE_LIFETIME = dt.timedelta(hours=24)


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
        secrets.compare_digest(str(saved.get("state")), state)
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
    tokens = connector.exchange_code(params=params)
    return account_connect_store(business=business, user=user, marketplace=marketplace, tokens=tokens)


def account_connect_with_keys(*, business: Business, user: User, marketplace: str, shop_url: str, key: str,
                              secret: str) -> MarketplaceAccount:
    """Connect a shop the owner reaches with API keys (``Capability.KEYS``, e.g. WooCommerce): the connector
    proves the keys with one call before anything is stored. Raises as ``account_connect_complete``, and
    PermanentError when the URL is refused (not HTTPS)."""
    connector = connector_get(marketplace)
    if not connector.supports(Capability.KEYS):
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
        _store_tokens(account, tokens)
        if tokens.shop_name:
            account.shop_name = tokens.shop_name
        account.save()
    from .tasks import account_after_connect_task

    transaction.on_commit(lambda: account_after_connect_task.delay(account.pk))
    return account


def account_connect_check_plan(*, business: Business) -> None:
    """Raise ``EntitlementError`` when ``business``'s plan allows no further connected shop."""
    connected = MarketplaceAccount.objects.filter(business=business).exclude(status=AccountStatus.DISCONNECTED).count()
    entitlement_check(business=business, feature=Feature.MARKETPLACE, current_count=connected)


def _store_tokens(account: MarketplaceAccount, tokens: TokenSet) -> None:
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.access_expires_at = tokens.access_expires_at
    account.refresh_expires_at = tokens.refresh_expires_at
    account.token_refreshed_at = timezone.now()


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


def account_credentials(*, account: MarketplaceAccount) -> Credentials:
    return Credentials(
        shop_id=account.external_shop_id, access_token=account.access_token, refresh_token=account.refresh_token,
        access_expires_at=account.access_expires_at,
    )


def account_connector(*, account: MarketplaceAccount) -> Connector:
    return connector_get(account.marketplace)


# --- tokens -------------------------------------------------------------------------------------
def account_refresh_tokens(*, account_id: int, failed_access_token: str = "", force: bool = False) -> MarketplaceAccount:
    """Refresh the shop's tokens when they expire within the margin (or ``force``), under a per-shop lock.

    ``failed_access_token``: the token a call was refused with; when the stored token is already another
    one, a concurrent refresh won and nothing is done. On AuthError the account needs re-authorisation
    (owner told once, nothing retried). RetryableError propagates with nothing written.
    """
    margin = dt.timedelta(seconds=settings.MARKETPLACE_TOKEN_REFRESH_MARGIN)
    with transaction.atomic():
        account = MarketplaceAccount.objects.select_for_update().get(pk=account_id)
        if account.status != AccountStatus.ACTIVE:
            return account
        if failed_access_token and account.access_token != failed_access_token:
            return account  # someone refreshed meanwhile
        due = account.access_expires_at is None or account.access_expires_at <= timezone.now() + margin
        if not (force or failed_access_token or due):
            return account
        connector = account_connector(account=account)
        try:
            tokens = connector.refresh(credentials=account_credentials(account=account))
        except AuthError as exc:
            _needs_reauth(account, reason=_("%(marketplace)s no longer accepts this shop's authorisation. Reconnect the "
                                            "shop.") % {"marketplace": connector.display_name})
            logger.warning("refresh refused for account %s: %s", account.pk, exc.code)
            return account
        _store_tokens(account, tokens)
        account.save()
        return account


def _needs_reauth(account: MarketplaceAccount, *, reason: str) -> None:
    """Inside a transaction: mark the account, pause its runs, release claims, email the owners on commit."""
    already = account.status == AccountStatus.NEEDS_REAUTH
    account.status = AccountStatus.NEEDS_REAUTH
    account.status_reason = reason
    account.save(update_fields=["status", "status_reason", "updated_at"])
    SyncRun.objects.filter(account=account, status=SyncRunStatus.RUNNING).update(status=SyncRunStatus.PAUSED)
    ListingBinding.objects.filter(account=account, status=ListingStatus.PUBLISHING).update(
        status=ListingStatus.PENDING, claimed_at=None
    )
    if not already:
        transaction.on_commit(lambda: account_notify_needs_reauth(account_id=account.pk))


def account_mark_needs_reauth(*, account_id: int, reason: str = "") -> None:
    with transaction.atomic():
        account = MarketplaceAccount.objects.select_for_update().get(pk=account_id)
        if account.status == AccountStatus.ACTIVE:
            _needs_reauth(account, reason=reason or _("The shop's authorisation has ended. Reconnect the shop."))


def account_notify_needs_reauth(*, account_id: int) -> int:
    """Email each owner of the business, in their language, with the reconnect link. Returns emails sent."""
    account = MarketplaceAccount.objects.select_related("business").get(pk=account_id)
    owners = Membership.objects.filter(business=account.business, role=MemberRole.OWNER).select_related("user")
    sent = 0
    for membership in owners:
        user = membership.user
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "user": user, "account": account, "marketplace": account_connector(account=account).display_name,
                "reconnect_url": settings.SITE_URL.rstrip("/") + reverse("marketplaces:account_list"),
            }
            subject = _("Reconnect your %(marketplace)s shop %(shop)s") % {
                "marketplace": context["marketplace"], "shop": account.shop_name or account.external_shop_id}
            body = render_to_string("marketplace_connectors/email/needs_reauth.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def with_fresh_token(*, account: MarketplaceAccount, call: Callable[[Credentials], T]) -> T:
    """Run ``call`` with the shop's credentials; when the access token is refused, refresh once and retry.

    Raises AuthError when the shop needs re-authorisation.
    """
    if account.status != AccountStatus.ACTIVE:
        raise AuthError("account is not active", code="inactive")
    credentials = account_credentials(account=account)
    try:
        return call(credentials)
    except AccessTokenExpired:
        refreshed = account_refresh_tokens(account_id=account.pk, failed_access_token=credentials.access_token)
        account.refresh_from_db()
        if refreshed.status != AccountStatus.ACTIVE:
            raise AuthError("refresh refused", code="needs_reauth") from None
        try:
            return call(account_credentials(account=account))
        except AccessTokenExpired as exc:
            account_mark_needs_reauth(account_id=account.pk)
            raise AuthError(exc.message, code=exc.code) from exc


# --- metadata caches ----------------------------------------------------------------------------
def _cached(account: MarketplaceAccount, key: str, fetch: Callable[[Credentials], object], *, refresh: bool = False):
    entry = CategoryCache.objects.filter(account=account, key=key).first()
    if entry and not refresh and entry.fetched_at >= timezone.now() - CACHE_LIFETIME:
        return entry.data
    data = with_fresh_token(account=account, call=fetch)
    CategoryCache.objects.update_or_create(account=account, key=key, defaults={"data": data, "fetched_at": timezone.now()})
    return data


def category_tree(*, account: MarketplaceAccount, refresh: bool = False) -> list[CategoryNode]:
    connector = account_connector(account=account)
    data = _cached(account, "tree", lambda c: [n.__dict__ for n in connector.categories(credentials=c)], refresh=refresh)
    return [CategoryNode(**n) for n in data]


def category_attributes(*, account: MarketplaceAccount, category_id: str) -> list[AttributeSpec]:
    if not category_id:
        return []
    connector = account_connector(account=account)

    def fetch(c: Credentials):
        return [{**a.__dict__, "options": [list(o) for o in a.options]}
                for a in connector.category_attributes(credentials=c, category_id=category_id)]

    data = _cached(account, f"attributes:{category_id}", fetch)
    return [AttributeSpec(**{**a, "options": tuple(tuple(o) for o in a["options"])}) for a in data]


def listing_rules(*, account: MarketplaceAccount, category_id: str) -> dict:
    if not category_id:
        return {}
    connector = account_connector(account=account)
    return _cached(account, f"rules:{category_id}", lambda c: connector.listing_rules(credentials=c, category_id=category_id))


def shipping_channels_refresh(*, account: MarketplaceAccount) -> None:
    """Fetch the shop's shipping channels; pick the first enabled one when none is chosen yet."""
    connector = account_connector(account=account)
    data = _cached(account, "logistics", lambda c: [ch.__dict__ for ch in connector.shipping_channels(credentials=c)],
                   refresh=True)
    if not account.logistics_channel_id:
        first = next((ch for ch in data if ch["enabled"]), None)
        if first:
            account.logistics_channel_id = first["external_id"]
            account.save(update_fields=["logistics_channel_id", "updated_at"])


def shipping_channel_choices(*, account: MarketplaceAccount) -> list[tuple[str, str]]:
    """The shop's enabled shipping channels as (id, name), from the cache (fetched when missing)."""
    entry = CategoryCache.objects.filter(account=account, key="logistics").first()
    data = entry.data if entry else []
    if entry is None and account.status == AccountStatus.ACTIVE:
        connector = account_connector(account=account)
        data = _cached(account, "logistics", lambda c: [ch.__dict__ for ch in connector.shipping_channels(credentials=c)])
    return [(ch["external_id"], ch["name"]) for ch in data if ch.get("enabled")]


def category_mapping_set(*, account: MarketplaceAccount, category, external_category_id: str,
                         attribute_values: dict[str, list[str]]) -> CategoryMapping:
    """Map our ``category`` to a leaf marketplace category with the attribute values the owner gave."""
    tree = {n.external_id: n for n in category_tree(account=account)}
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
    from . import crypto

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
    from .order_sync import stock_push_business_soon

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
