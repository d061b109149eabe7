"""Zalo Notification Service (ZNS): a template message from the Official Account to a phone number's Zalo.

The one module that speaks ZNS's HTTP API. Request and answers as documented (docs/outreach/providers.md):
``POST {api}/message/template`` with the OA's access token in the ``access_token`` header and a JSON body
``{phone, template_id, template_data, tracking_id}``; the answer is HTTP 200 with ``{"error": 0, "message",
"data": {"msg_id", ...}}`` on success and a negative ``error`` otherwise.

The access token expires (Z-token-life); ``ZaloOAuthClient`` speaks Zalo's OAuth v4 token endpoint to get a new
one with the refresh token (Z-refresh), and a ``TokenSource`` (``zalo_tokens.StoredZaloTokens``: encrypted in
the database, one refresh at a time) hands the provider a current token and refreshes it when Zalo says it
is invalid or expired.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import requests

from .base import (
    AmbiguousSendError,
    AuthorizationRefused,
    PermanentSendError,
    ProviderNotConfigured,
    RetryableSendError,
    SendResult,
)
from .conf import setting
from .phones import mobile_number
from .transport import post_form, post_json

CODE = "zalo_zns"
SEND_PATH = "/message/template"
TRACKING_ID = re.compile(r"^[A-Za-z0-9_-]{1,48}$")  # Z-send: at most 48 characters, no special characters
# Z-errors: "-100 Unknown error ... vui lòng thử lại sau" (try again later) is the one ZNS error worth retrying.
RETRYABLE_ERRORS = frozenset({-100})
# Z-token: what ZNS answers to an access token that is invalid or expired (-124 on ZNS; -216 on the OA API,
# S) and HTTP 401 (S): the provider refreshes the token once and sends again.
TOKEN_INVALID_ERRORS = frozenset({-124, -216})
TOKEN_PATH = "/v4/oa/access_token"  # Z-refresh
# Z-token-life: an access token lives about 25 hours; used when an answer carries no ``expires_in``.
DEFAULT_EXPIRES_IN = 90000


@dataclass(frozen=True)
class TokenGrant:
    """What a refresh gave: a new access token, its lifetime in seconds, and the next (single-use) refresh
    token, which replaces the one sent."""

    access_token: str
    refresh_token: str
    expires_in: int

    def __repr__(self) -> str:  # never print a credential
        return f"TokenGrant(expires_in={self.expires_in})"


class TokenSource(Protocol):
    """Where the provider gets the Official Account's access token: an extension point.

    ``access_token()`` returns a token believed current (a source that knows the expiry refreshes first
    when it is about to expire). ``refresh(stale=...)`` is called when Zalo refused ``stale``: it returns a
    newer token (refreshing it unless someone else already has). Both raise ``ProviderNotConfigured`` when
    no token can be had without an operator (no token, the refresh token refused) and ``RetryableSendError``
    when Zalo's token endpoint is unreachable or another process is refreshing; nothing was sent then."""

    def access_token(self) -> str: ...

    def refresh(self, *, stale: str) -> str: ...


class StaticToken:
    """An access token from the environment and nothing to refresh it with (OUTREACH_ZALO_ZNS_ACCESS_TOKEN
    without the OAuth app's settings): when Zalo refuses it, an operator sets a new one."""

    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self) -> str:
        if not self._token:
            raise ProviderNotConfigured("Zalo ZNS chưa có access token.", code="not_configured", provider=CODE)
        return self._token

    def refresh(self, *, stale: str) -> str:
        raise ProviderNotConfigured("Access token Zalo ZNS không hợp lệ hoặc đã hết hạn, và chưa cấu hình "
                                    "OUTREACH_ZALO_APP_ID / OUTREACH_ZALO_APP_SECRET_KEY để làm mới.",
                                    code="access_token_invalid", provider=CODE)


class ZaloOAuthClient:
    """Zalo's OAuth v4 token endpoint for an Official Account's app (Z-refresh): the one place that sends the
    app's secret key and the refresh token."""

    def __init__(self, *, oauth_url: str | None = None, app_id: str | None = None, secret_key: str | None = None,
                 session: requests.Session | None = None) -> None:
        self.oauth_url = (oauth_url if oauth_url is not None else setting("OUTREACH_ZALO_OAUTH_URL")).rstrip("/")
        self.app_id = app_id if app_id is not None else setting("OUTREACH_ZALO_APP_ID")
        self.secret_key = secret_key if secret_key is not None else setting("OUTREACH_ZALO_APP_SECRET_KEY")
        self._session = session

    @property
    def configured(self) -> bool:
        return bool(self.oauth_url and self.app_id and self.secret_key)

    def refresh(self, *, refresh_token: str) -> TokenGrant:
        """Trade ``refresh_token`` for a new access token and the next refresh token. Not idempotent: Zalo
        takes a refresh token once, so the caller stores the grant before anything else uses it.

        Raises ``ProviderNotConfigured`` when the app is not configured, ``AuthorizationRefused`` (one of
        them) when Zalo refuses the request (the refresh token used, expired or revoked, a wrong app id or
        secret key: an operator re-authorizes the app); ``RetryableSendError`` when Zalo is unreachable or busy, or did not answer (the refresh token
        may then be spent: the next try says so)."""
        if not self.configured or not refresh_token:
            raise ProviderNotConfigured("Chưa cấu hình ứng dụng Zalo để làm mới access token "
                                        "(OUTREACH_ZALO_APP_ID, OUTREACH_ZALO_APP_SECRET_KEY, refresh token).",
                                        code="not_configured", provider=CODE)
        try:
            response = post_form(provider=CODE, name="Zalo OAuth", url=self.oauth_url + TOKEN_PATH,
                                 fields={"refresh_token": refresh_token, "app_id": self.app_id,
                                         "grant_type": "refresh_token"},
                                 headers={"secret_key": self.secret_key}, session=self._session)
        except AmbiguousSendError as exc:
            # For a refresh "may have happened" is not "may have sent a message": nothing was sent.
            raise RetryableSendError(exc.message, code=f"token_{exc.code}", provider=CODE) from exc
        return _grant(response)


def _grant(response: requests.Response) -> TokenGrant:
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableSendError(f"Zalo OAuth đang bận (HTTP {response.status_code}).",
                                 code=f"token_http_{response.status_code}", provider=CODE)
    try:
        payload = response.json()
        error = int(payload.get("error") or 0)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ProviderNotConfigured(f"Zalo OAuth trả lời không đúng định dạng (HTTP {response.status_code}).",
                                    code="token_bad_answer", provider=CODE) from exc
    access, refresh = payload.get("access_token"), payload.get("refresh_token")
    if error or not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        words = payload.get("error_description") or payload.get("error_name") or payload.get("message") or ""
        raise AuthorizationRefused(f"Zalo từ chối làm mới access token ({error}: {words}). Cần cấp quyền lại "
                                   "cho ứng dụng và đặt refresh token mới.", code=f"token_{error or 'refused'}",
                                   provider=CODE)
    try:
        expires_in = int(payload.get("expires_in") or DEFAULT_EXPIRES_IN)  # Zalo writes it as a string
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    return TokenGrant(access_token=access, refresh_token=refresh, expires_in=max(expires_in, 0))


class ZaloZnsProvider:
    """ZNS through the Official Account configured in the environment (``conf.py``). Template messages only:
    ``template_id`` (default: OUTREACH_ZALO_ZNS_TEMPLATE_ID) and ``params`` (the template's data)."""

    code = CODE
    channel = "zalo"
    # ZNS stores tracking_id for reconciliation but documents no refusal of a repeated one (providers.md).
    deduplicates = False

    def __init__(self, *, api_url: str | None = None, access_token: str | None = None,
                 template_id: str | None = None, tokens: TokenSource | None = None,
                 refreshable: bool = False, session: requests.Session | None = None) -> None:
        """``tokens`` gives the access token (default: ``access_token``, or OUTREACH_ZALO_ZNS_ACCESS_TOKEN,
        never refreshed); ``refreshable`` says the source can get a new one (the OAuth app is configured)."""
        self.api_url = (api_url if api_url is not None else setting("OUTREACH_ZALO_ZNS_API_URL")).rstrip("/")
        self.access_token = access_token if access_token is not None else setting("OUTREACH_ZALO_ZNS_ACCESS_TOKEN")
        self.template_id = template_id if template_id is not None else setting("OUTREACH_ZALO_ZNS_TEMPLATE_ID")
        self.tokens: TokenSource = tokens if tokens is not None else StaticToken(self.access_token)
        self.refreshable = refreshable
        self._session = session

    @property
    def configured(self) -> bool:
        return bool((self.access_token or self.refreshable) and self.template_id and self.api_url)

    def send(self, *, phone: str, tracking_id: str, text: str = "", template_id: str = "",
             params: Mapping[str, str] | None = None) -> SendResult:
        """See ``MessageProvider.send``. ``text`` is refused: ZNS sends approved templates only."""
        if not (self.access_token or self.refreshable) or not (template_id or self.template_id):
            raise ProviderNotConfigured("Zalo ZNS chưa được cấu hình (OUTREACH_ZALO_ZNS_ACCESS_TOKEN hoặc "
                                        "OUTREACH_ZALO_APP_ID, OUTREACH_ZALO_APP_SECRET_KEY, "
                                        "OUTREACH_ZALO_ZNS_REFRESH_TOKEN; OUTREACH_ZALO_ZNS_TEMPLATE_ID).",
                                        code="not_configured", provider=CODE)
        if text:
            raise PermanentSendError("Zalo ZNS chỉ gửi tin theo mẫu đã duyệt, không gửi văn bản tự do.",
                                     code="text_unsupported", provider=CODE)
        if not TRACKING_ID.match(tracking_id or ""):
            raise PermanentSendError(f"Mã theo dõi không hợp lệ: {tracking_id!r}.", code="tracking_id_invalid",
                                     provider=CODE)
        if not params:
            raise PermanentSendError("Tin ZNS thiếu dữ liệu mẫu.", code="template_data_empty", provider=CODE)
        number = mobile_number(value=phone, style="84", provider=CODE)
        body = {"phone": number, "template_id": str(template_id or self.template_id),
                "template_data": {str(k): str(v) for k, v in params.items()}, "tracking_id": tracking_id}
        token = self.tokens.access_token()
        response = self._post(body, token)
        if _token_refused(response):
            # Zalo refused the token, so nothing was sent: a new token, and the same message once more.
            response = self._post(body, self.tokens.refresh(stale=token))
        return _result(response, number)

    def _post(self, body: dict, token: str) -> requests.Response:
        return post_json(provider=CODE, name="Zalo ZNS", url=self.api_url + SEND_PATH, body=body,
                         headers={"access_token": token}, session=self._session)


def _token_refused(response: requests.Response) -> bool:
    """Whether Zalo answered that the access token is invalid or expired (Z-token)."""
    if response.status_code == 401:
        return True
    try:
        return int(response.json().get("error")) in TOKEN_INVALID_ERRORS
    except (ValueError, TypeError, AttributeError):
        return False


def _result(response: requests.Response, number: str) -> SendResult:
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableSendError(f"Zalo ZNS đang bận (HTTP {response.status_code}).",
                                 code=f"http_{response.status_code}", provider=CODE)
    try:
        payload = response.json()
        error = int(payload["error"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PermanentSendError(f"Zalo ZNS trả lời không đúng định dạng (HTTP {response.status_code}).",
                                 code="bad_answer", provider=CODE) from exc
    if error == 0:
        data = payload.get("data") or {}
        return SendResult(provider=CODE, provider_message_id=str(data.get("msg_id") or ""), phone=number)
    message = f"Zalo ZNS từ chối tin ({error}: {payload.get('message') or ''})."
    if error in RETRYABLE_ERRORS:
        raise RetryableSendError(message, code=str(error), provider=CODE)
    raise PermanentSendError(message, code=str(error), provider=CODE)
