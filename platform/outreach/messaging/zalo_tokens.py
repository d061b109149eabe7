"""The Zalo Official Account's tokens, stored encrypted and refreshed one process at a time.

Zalo's refresh token works once (docs/outreach/providers.md, Z-refresh): two workers refreshing with the same
one would leave one of them, and possibly the stored row, with a dead token and the Official Account cut off
until an operator re-authorizes the app. So a refresh is claimed first with a conditional UPDATE (the row's
``generation`` unchanged and nobody refreshing, or a claim older than ``CLAIM_SECONDS`` whose process died),
the new pair is written in the same conditional UPDATE that releases the claim, and a process that finds
another one refreshing waits for its token instead of refreshing again.

A process dying between Zalo's answer and the write loses the new pair: the next refresh is then refused
(the refresh token was spent) and the provider says an operator must re-authorize. Nothing in Zalo's
published material offers a way around it.
"""

from __future__ import annotations

import datetime
import hashlib
import time

from django.db.models import F, Q
from django.utils import timezone

from marketplace_connectors.crypto import token_decrypt, token_encrypt
from outreach.models import ZaloOaToken

from .base import PermanentSendError, ProviderNotConfigured, RetryableSendError
from .conf import setting
from .zalo import CODE, ZaloOAuthClient

# Refresh this long before the stored expiry, so a token does not expire between reading and sending.
EXPIRY_MARGIN = datetime.timedelta(minutes=5)
# A claim older than this belongs to a process that died: another may take it over (a refresh request
# takes at most the platform's HTTP timeouts, far less).
CLAIM_SECONDS = 120
# How long a process waits for another one's refresh before its message goes back to the queue.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


class StoredZaloTokens:
    """A ``zalo.TokenSource`` backed by the ``ZaloOaToken`` row of the configured Zalo app.

    The row is created (or started again) from the environment's refresh token and, when given, access
    token; from then on each refresh replaces both. Raises what ``TokenSource`` says; a refusal of the
    refresh token is recorded on the row (``error_code``) for the operator."""

    def __init__(self, *, oauth: ZaloOAuthClient | None = None, seed_refresh_token: str | None = None,
                 seed_access_token: str | None = None, wait_seconds: float = WAIT_SECONDS) -> None:
        self.oauth = oauth or ZaloOAuthClient()
        self.seed_refresh_token = (seed_refresh_token if seed_refresh_token is not None
                                   else setting("OUTREACH_ZALO_ZNS_REFRESH_TOKEN"))
        self.seed_access_token = (seed_access_token if seed_access_token is not None
                                  else setting("OUTREACH_ZALO_ZNS_ACCESS_TOKEN"))
        self.wait_seconds = wait_seconds

    @property
    def configured(self) -> bool:
        return self.oauth.configured and bool(self.seed_refresh_token)

    def access_token(self) -> str:
        row = self._row()
        token = token_decrypt(row.access_token_encrypted)
        if token and not _expiring(row):
            return token
        return self.refresh(stale=token)

    def refresh(self, *, stale: str) -> str:
        row = self._claim(stale=stale)
        if isinstance(row, str):
            return row  # another process refreshed meanwhile
        try:
            grant = self.oauth.refresh(refresh_token=token_decrypt(row.refresh_token_encrypted))
        except PermanentSendError as exc:
            ZaloOaToken.objects.filter(pk=row.pk, generation=row.generation).update(
                refreshing_since=None, error_code=exc.code[:64], updated_at=timezone.now())
            raise
        except RetryableSendError:
            ZaloOaToken.objects.filter(pk=row.pk, generation=row.generation).update(
                refreshing_since=None, updated_at=timezone.now())
            raise
        now = timezone.now()
        # Conditional on the generation claimed: an operator's re-seeding meanwhile wins (this grant is still
        # good for the message at hand).
        ZaloOaToken.objects.filter(pk=row.pk, generation=row.generation).update(
            access_token_encrypted=token_encrypt(grant.access_token),
            refresh_token_encrypted=token_encrypt(grant.refresh_token),
            access_expires_at=now + datetime.timedelta(seconds=grant.expires_in), generation=F("generation") + 1,
            refreshing_since=None, refreshed_at=now, error_code="", updated_at=now)
        return grant.access_token

    def refusal(self) -> str:
        """The code of Zalo's refusal of the stored refresh token (``token_-14020``...), or "" when the stored
        one has not been refused: new since (the environment's new one, or ``authorize``) or refreshed."""
        return self._row().error_code

    def authorize(self, *, refresh_token: str) -> str:
        """An operator's new refresh token (an OA admin authorized the app again): stored in place of the
        refused one and traded at once for an access token, which is returned. The stored pair is replaced
        whatever it was (a refresh of the old one running meanwhile loses: its write is conditional on the
        generation). Raises what ``refresh`` raises; the new refresh token stays stored when Zalo could not
        be reached (the next message trades it)."""
        refresh_token = refresh_token.strip()
        if not refresh_token:
            raise ProviderNotConfigured("Refresh token Zalo trống.", code="refresh_token_empty", provider=CODE)
        row = self._row()
        ZaloOaToken.objects.filter(pk=row.pk).update(
            access_token_encrypted=token_encrypt(""), refresh_token_encrypted=token_encrypt(refresh_token),
            access_expires_at=None, generation=F("generation") + 1, refreshing_since=None, error_code="",
            updated_at=timezone.now())
        return self.refresh(stale="")

    def _claim(self, *, stale: str) -> ZaloOaToken | str:
        """The row, claimed for a refresh by this process; or the token another process stored since
        ``stale`` was read. Waits up to ``wait_seconds`` for another process's refresh."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            row = self._row()
            current = token_decrypt(row.access_token_encrypted)
            if current and current != stale and not _expiring(row):
                return current
            now = timezone.now()
            claimed = ZaloOaToken.objects.filter(pk=row.pk, generation=row.generation).filter(
                Q(refreshing_since__isnull=True)
                | Q(refreshing_since__lt=now - datetime.timedelta(seconds=CLAIM_SECONDS))).update(
                refreshing_since=now, updated_at=now)
            if claimed:
                return row
            if time.monotonic() >= deadline:
                raise RetryableSendError("Access token Zalo đang được làm mới; tin sẽ được gửi lại sau.",
                                         code="token_refreshing", provider=CODE)
            time.sleep(POLL_SECONDS)

    def _row(self) -> ZaloOaToken:
        if not self.configured:
            raise ProviderNotConfigured("Chưa cấu hình ứng dụng Zalo để làm mới access token "
                                        "(OUTREACH_ZALO_APP_ID, OUTREACH_ZALO_APP_SECRET_KEY, "
                                        "OUTREACH_ZALO_ZNS_REFRESH_TOKEN).", code="not_configured", provider=CODE)
        fingerprint = _fingerprint(self.seed_refresh_token)
        row = ZaloOaToken.objects.filter(app_id=self.oauth.app_id).first()
        if row is not None and row.seed_fingerprint == fingerprint:
            return row
        seeded = {"access_token_encrypted": token_encrypt(self.seed_access_token),
                  "refresh_token_encrypted": token_encrypt(self.seed_refresh_token),
                  "access_expires_at": None, "seed_fingerprint": fingerprint, "refreshing_since": None,
                  "error_code": ""}
        if row is None:
            row, _ = ZaloOaToken.objects.get_or_create(app_id=self.oauth.app_id, defaults=seeded)
            return row
        # A new refresh token in the environment: the operator re-authorized the app.
        ZaloOaToken.objects.filter(pk=row.pk, seed_fingerprint=row.seed_fingerprint).update(
            generation=F("generation") + 1, updated_at=timezone.now(), **seeded)
        return ZaloOaToken.objects.get(pk=row.pk)


def _expiring(row: ZaloOaToken) -> bool:
    return row.access_expires_at is not None and row.access_expires_at - EXPIRY_MARGIN <= timezone.now()
