"""The shop session: one connected shop, ready to talk to its marketplace.

Every synchronizer takes a ``ShopSession``. It owns the account, the marketplace's connector and the shop's
decrypted credentials, and makes every remote call: when the marketplace refuses the access token
(``AccessTokenExpired``), it refreshes the tokens once under the shop's row lock and repeats the call once;
refused again, the shop needs reconnecting (``AuthError``). Nothing outside this module refreshes a token
for a call, and no remote call travels as a lambda: each method hands the connector's method of the same
name to one private helper.

Token refresh stores the new pair in the transaction that took the lock, so a spent refresh token is never
used twice by us.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sme.businesses.models import MemberRole, Membership

from ..base import (
    AttributeSpec,
    BatchOutcome,
    CategoryNode,
    Connector,
    CreatedListing,
    Credentials,
    ListingDraft,
    LogisticsChannel,
    PriceStockUpdate,
    PublishPlan,
    PublishResult,
    RemoteListing,
    RemoteOrder,
    ReviewStatus,
    TokenSet,
)
from ..errors import AccessTokenExpired, AuthError, MarketplaceNotConfigured
from ..models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount, SyncRun, SyncRunStatus
from ..registry import connector_get

logger = logging.getLogger(__name__)
T = TypeVar("T")


def account_credentials(*, account: MarketplaceAccount) -> Credentials:
    """The shop's credentials, decrypted (plaintext only in memory)."""
    return Credentials(
        shop_id=account.external_shop_id, access_token=account.access_token, refresh_token=account.refresh_token,
        access_expires_at=account.access_expires_at,
    )


def account_connector(*, account: MarketplaceAccount) -> Connector:
    return connector_get(account.marketplace)


class ShopSession:
    """One connected shop and its marketplace, for the synchronizers.

    Each remote method takes the same arguments as the connector's method of that name, minus
    ``credentials``, and raises what the connector raises (``RetryableError``, ``PermanentError``...),
    except that an access token refused twice becomes ``AuthError`` with the shop marked for reconnecting,
    and a shop that is not active raises ``AuthError`` before any call.
    """

    def __init__(self, account: MarketplaceAccount):
        self.account = account
        self.connector = account_connector(account=account)
        #: the shop's cached metadata as read during this session (a task run, a page), by cache key, so each
        #: key is read from the database once however many products the run looks at (see ``sync.metadata``)
        self.metadata_read: dict[str, object] = {}

    @property
    def display_name(self) -> str:
        return str(self.connector.display_name)

    def _call(self, method: Callable[..., T], **kwargs) -> T:
        """``method(credentials=…, **kwargs)`` for this shop: ``method`` is one of ``self.connector``'s."""
        try:
            return self._call_refreshing(method, kwargs)
        except ImproperlyConfigured as exc:  # the marketplace's app keys were removed from this server
            raise MarketplaceNotConfigured(str(exc), code="not_configured") from exc

    def _call_refreshing(self, method: Callable[..., T], kwargs: dict) -> T:
        if self.account.status != AccountStatus.ACTIVE:
            raise AuthError("account is not active", code="inactive")
        credentials = account_credentials(account=self.account)
        try:
            return method(credentials=credentials, **kwargs)
        except AccessTokenExpired:
            refreshed = account_refresh_tokens(account_id=self.account.pk, failed_access_token=credentials.access_token)
            self.account.refresh_from_db()
            if refreshed.status != AccountStatus.ACTIVE:
                raise AuthError("refresh refused", code="needs_reauth") from None
        try:
            return method(credentials=account_credentials(account=self.account), **kwargs)
        except AccessTokenExpired as exc:
            account_mark_needs_reauth(account_id=self.account.pk)
            raise AuthError(exc.message, code=exc.code) from exc

    # --- catalog metadata ----------------------------------------------------------------------
    def categories(self) -> list[CategoryNode]:
        return self._call(self.connector.categories)

    def category_attributes(self, *, category_id: str) -> list[AttributeSpec]:
        return self._call(self.connector.category_attributes, category_id=category_id)

    def category_recommend(self, *, name: str) -> list[str]:
        return self._call(self.connector.category_recommend, name=name)

    def listing_rules(self, *, category_id: str) -> dict:
        return self._call(self.connector.listing_rules, category_id=category_id)

    def shipping_channels(self) -> list[LogisticsChannel]:
        return self._call(self.connector.shipping_channels)

    # --- listings ------------------------------------------------------------------------------
    def find_by_sku(self, *, sku: str, since: datetime | None = None) -> list[RemoteListing]:
        return self._call(self.connector.find_by_sku, sku=sku, since=since)

    def remote_listings(self) -> list[RemoteListing]:
        return self._call(self.connector.remote_listings)

    # A new listing is made in three steps the listings synchronizer drives (see ``Connector.publish_prepare``),
    # each repeated alone after a token refresh: a refused create created nothing, and a listing that exists
    # is only ever completed.
    def publish_prepare(self, *, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        return self._call(self.connector.publish_prepare, draft=draft, uploaded_images=uploaded_images,
                          attributes=attributes)

    def publish_create(self, *, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        return self._call(self.connector.publish_create, draft=draft, plan=plan)

    def publish_complete(self, *, draft: ListingDraft, plan: PublishPlan, created: CreatedListing,
                         uploaded_images: dict[str, str], attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        return self._call(self.connector.publish_complete, draft=draft, plan=plan, created=created,
                          uploaded_images=uploaded_images, attributes=attributes)

    def update(self, *, external_id: str, draft: ListingDraft, variant_ids_by_sku: dict[str, str],
               uploaded_images: dict[str, str], attributes: Sequence[AttributeSpec] = (),
               push_item: bool = True) -> PublishResult:
        return self._call(self.connector.update, external_id=external_id, draft=draft,
                          variant_ids_by_sku=variant_ids_by_sku, uploaded_images=uploaded_images,
                          attributes=attributes, push_item=push_item)

    def update_price_stock(self, *, external_id: str, updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        return self._call(self.connector.update_price_stock, external_id=external_id, updates=updates)

    def update_price_stock_many(self, *, updates: Sequence[tuple[str, PriceStockUpdate]]) -> BatchOutcome:
        return self._call(self.connector.update_price_stock_many, updates=updates)

    def delist(self, *, external_id: str) -> None:
        self._call(self.connector.delist, external_id=external_id)

    def pause(self, *, external_id: str, paused: bool) -> None:
        self._call(self.connector.pause, external_id=external_id, paused=paused)

    def review_status(self, *, external_id: str) -> ReviewStatus:
        return self._call(self.connector.review_status, external_id=external_id)

    # --- orders --------------------------------------------------------------------------------
    def orders_updated_since(self, *, since: datetime) -> list[RemoteOrder]:
        return self._call(self.connector.orders_updated_since, since=since)

    def order_get(self, *, external_id: str) -> RemoteOrder | None:
        return self._call(self.connector.order_get, external_id=external_id)


# --- tokens -------------------------------------------------------------------------------------
def tokens_store(account: MarketplaceAccount, tokens: TokenSet) -> None:
    """Put ``tokens`` on ``account`` (encrypted; the caller saves)."""
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.access_expires_at = tokens.access_expires_at
    account.refresh_expires_at = tokens.refresh_expires_at
    account.token_refreshed_at = timezone.now()


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
        tokens_store(account, tokens)
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
    """The shop's authorisation ended: pause its work and tell its owners once. Idempotent."""
    with transaction.atomic():
        account = MarketplaceAccount.objects.select_for_update().get(pk=account_id)
        if account.status == AccountStatus.ACTIVE:
            _needs_reauth(account, reason=reason or _("The shop's authorisation has ended. Reconnect the shop."))


def account_mark_authorization_expiring(*, account_id: int, expires_at: dt.datetime) -> None:
    """The marketplace says the shop's authorisation ends at ``expires_at`` (TikTok Shop's type-7 webhook,
    repeated daily): record it so the shop's page asks the owner to reconnect before then. The shop keeps
    working; reconnecting clears it. Idempotent."""
    MarketplaceAccount.objects.filter(pk=account_id, status=AccountStatus.ACTIVE).update(
        authorization_expires_at=expires_at, updated_at=timezone.now())


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
