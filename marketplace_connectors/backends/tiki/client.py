"""Tiki Open API HTTP client: the only code that speaks HTTP to Tiki.

OAuth 2.0 (docs/marketplaces/tiki.md, Hosts and authentication; R-authcode https://open.tiki.vn/docs/docs/current/oauth-2-0/auth-flows/authorization-code-flow/): the seller approves on ``/sc/oauth2/auth``; the code is exchanged, and
tokens refreshed, at ``/sc/oauth2/token`` with a form-encoded body, the client authenticated by HTTP Basic
(``client_secret_basic``) or by ``client_id``/``client_secret`` in the body (``client_secret_post``), as
chosen at app registration. Token errors follow RFC 6749 (``{"error": "invalid_grant", ...}``): Tiki's
pages do not show them, so any refusal of the token endpoint is an AuthError.

The seller API takes ``Authorization: Bearer <token>`` and JSON. Failures are ``{"errors": [...]}`` with
the HTTP status deciding (Tiki's common exceptions): 401 token missing, expired or not linked to a
seller -> AccessTokenExpired; 403 missing scope or inactive seller -> AuthError; 429 (200 requests per
second per seller) and 5xx -> RetryableError; other 4xx -> PermanentError ("Please DO NOT RETRY on 4xx").
Waits for the shared rate limiter (TIKI_SELLER_RATE_LIMIT per seller) before every call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from django.utils.translation import gettext as _

from marketplace_connectors import http
from marketplace_connectors.errors import (
    AccessTokenExpired,
    AmbiguousResultError,
    AuthError,
    PermanentError,
    RetryableError,
)
from marketplace_connectors.ratelimit import rate_limit_wait

from .._common import json_payload, transport_errors
from .conf import SCOPES, TikiConfig

logger = logging.getLogger(__name__)


class TikiError(PermanentError):
    """A 4xx refusal; ``status`` is the HTTP status and ``errors`` Tiki's list of explanations."""

    def __init__(self, message: str = "", *, code: str = "", status: int = 0, errors: list | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.errors = errors or []


class IntegrationPaused(AuthError):
    """The seller paused the connection in Tiki Seller Center: Tiki answers 2xx with ``msg`` /
    ``integration_status`` and none of the data asked for (docs/marketplaces/tiki.md finding 3). Nothing was
    done; the shop stops syncing until the seller resumes the connection and reconnects."""


def _paused(payload: Any) -> str:
    """Tiki's message when ``payload`` is the paused-connection answer, else ""."""
    if not isinstance(payload, dict) or not payload.get("msg"):
        return ""
    if "integration_status" in payload or not set(payload) - {"msg", "integration_status"}:
        return str(payload["msg"])
    return ""


def _errors(payload: Any) -> list[str]:
    if isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list):
            return [str(e.get("message") if isinstance(e, dict) else e) for e in errors]
        for key in ("error_description", "message", "error", "msg"):
            if payload.get(key):
                return [str(payload[key])]
    return []


def data_list(payload: Any) -> list:
    """Tiki answers lists bare or as ``{"data": [...]}`` depending on the API."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get("data"), list):
        return payload["data"]
    return []


class TikiClient:
    """One client per (app, seller). ``calls`` counts requests sent (for reports and benchmarks)."""

    def __init__(self, config: TikiConfig, *, seller_id: str = "", access_token: str = "",
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.seller_id = str(seller_id)
        self.access_token = access_token
        self.session = session or http.session_create(marketplace="tiki")
        self.calls = 0

    # --- authorisation -------------------------------------------------------------------------
    def authorization_url(self, *, redirect_url: str, state: str) -> str:
        """The consent page; ``state`` must have at least 8 characters (Tiki's rule)."""
        params = {"response_type": "code", "client_id": self.config.client_id, "redirect_uri": redirect_url,
                  "scope": SCOPES, "state": state}
        return requests.Request("GET", self.config.authorize_url, params=params).prepare().url

    def token(self, form: dict[str, str]) -> dict:
        """POST the token endpoint, form-encoded; a refusal (any 4xx) is an AuthError: the code is spent
        or the refresh token used or revoked, and only the owner can grant access again."""
        data = dict(form)
        auth = None
        if self.config.token_auth_method == "client_secret_basic":
            auth = (self.config.client_id, self.config.client_secret)
            data["client_id"] = self.config.client_id
        else:
            data.update(client_id=self.config.client_id, client_secret=self.config.client_secret)
        self.calls += 1
        try:
            response = self.session.post(self.config.token_url, data=data, auth=auth)
        except requests.ConnectTimeout as exc:
            raise RetryableError("connect timeout on the token endpoint", code="connect_timeout") from exc
        except (requests.ReadTimeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise AmbiguousResultError("no answer from Tiki's token endpoint", code="read_timeout") from exc
        payload = json_payload(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableError(f"HTTP {response.status_code} on the token endpoint", code=f"http_{response.status_code}")
        if response.status_code >= 400 or not isinstance(payload, dict) or not payload.get("access_token"):
            code = str(payload.get("error") or "") if isinstance(payload, dict) else ""
            message = "; ".join(_errors(payload)) or f"HTTP {response.status_code}"
            logger.info("tiki token endpoint -> HTTP %s %s", response.status_code, code)
            raise AuthError(message, code=code or f"http_{response.status_code}")
        return payload

    def token_create(self, *, code: str, redirect_url: str) -> dict:
        return self.token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_url})

    def token_refresh(self, *, refresh_token: str) -> dict:
        return self.token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    # --- transport -----------------------------------------------------------------------------
    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             json: Any = None, allow_404: bool = False) -> Any:
        """One authenticated request; returns the decoded JSON (None for an allowed 404)."""
        if self.seller_id:
            rate_limit_wait(key=f"tiki:seller:{self.seller_id}", rate_per_second=self.config.seller_rate_limit)
        self.calls += 1
        headers = {"Authorization": f"Bearer {self.access_token}"}
        with transport_errors(path, marketplace="Tiki"):
            response = self.session.request(method, self.config.api_host + path, params=params, json=json,
                                            headers=headers)
        return self._answer(path, response, allow_404=allow_404)

    def _answer(self, path: str, response: requests.Response, *, allow_404: bool) -> Any:
        payload = json_payload(response)
        status = response.status_code
        if status < 400:
            paused = _paused(payload)
            if paused:
                logger.info("tiki %s -> HTTP %s, connection paused by the seller (%s)", path, status, paused)
                raise IntegrationPaused(
                    _("The connection was paused in Tiki Seller Center (Tiki says: “%(msg)s”). Resume it there, "
                      "then reconnect the shop.") % {"msg": paused}, code="integration_paused")
            return payload
        if status == 404 and allow_404:
            return None
        errors = _errors(payload)
        message = "; ".join(errors) or f"HTTP {status}"
        logger.info("tiki %s -> HTTP %s (%s)", path, status, message)
        if status == 429 or status >= 500:
            raise RetryableError(message, code=f"http_{status}")
        if status == 401:
            raise AccessTokenExpired(message, code="http_401")
        if status == 403 and "not active" in message.lower():
            # R-errors: the seller's account is inactive at Tiki; reconnecting does not help
            raise AuthError(_("Tiki says the seller account is not active (Tiki: “%(msg)s”). Contact Tiki's seller "
                              "support, then reconnect the shop.") % {"msg": message}, code="seller_inactive")
        if status == 403:  # R-errors: the app was not granted a scope it needs
            raise AuthError(_("Tiki refused: the connection lacks a permission (Tiki: “%(msg)s”). Reconnect the shop "
                              "and allow every permission asked for.") % {"msg": message}, code="http_403")
        raise TikiError(message, code=f"http_{status}", status=status, errors=errors)

    # --- seller and catalog metadata ------------------------------------------------------------
    def get_seller(self) -> dict:
        return self.call("GET", "/integration/v2/sellers/me") or {}

    def get_seller_warehouses(self) -> list[dict]:
        return data_list(self.call("GET", "/integration/v2/sellers/me/warehouses"))

    def get_categories(self) -> list[dict]:
        return data_list(self.call("GET", "/integration/v2/categories"))

    def get_category_attributes(self, *, category_id: str) -> list[dict]:
        return data_list(self.call("GET", f"/integration/v2/categories/{category_id}/attributes"))

    def get_required_documents(self, *, category_id: str) -> list[dict]:
        path = self.config.required_documents_path.format(category_id=category_id)
        return data_list(self.call("GET", path))

    # --- product requests ----------------------------------------------------------------------
    def create_request(self, body: dict) -> dict:
        """Create a product request (asynchronous): ``{"track_id", "state": "queuing"}``. Not idempotent."""
        return self.call("POST", "/integration/v2.1/requests", json=body) or {}

    def get_tracking(self, *, track_id: str) -> dict | None:
        """A request's current state by track id; None once the track id is unknown (it expires after 30 days)."""
        return self.call("GET", f"/integration/v2/tracking/{track_id}", allow_404=True)

    def latest_trackings(self, *, page: int = 1, limit: int = 20) -> dict:
        """The latest requests' tracking records, newest first, ``{"data": [...], "paging": {...}}``."""
        answer = self.call("GET", "/integration/v2/tracking", params={"page": page, "limit": limit})
        return answer if isinstance(answer, dict) else {"data": data_list(answer)}

    def get_request(self, *, request_id: str) -> dict | None:
        return self.call("GET", f"/integration/v2/requests/{request_id}", allow_404=True)

    def delete_request(self, *, request_id: str) -> None:
        self.call("DELETE", f"/integration/v2/requests/{request_id}", allow_404=True)

    # --- products ------------------------------------------------------------------------------
    def product_by_sku(self, *, original_sku: str) -> dict | None:
        """Get a product by original (seller) SKU; None when the shop has none."""
        answer = self.call("GET", "/integration/v2/products/findBy", params={"original_sku": original_sku},
                           allow_404=True)
        if isinstance(answer, dict) and isinstance(answer.get("data"), dict):
            return answer["data"]
        if isinstance(answer, list):
            return answer[0] if answer else None
        return answer or None

    def get_product(self, *, product_id: str) -> dict | None:
        return self.call("GET", f"/integration/v2/products/{product_id}", allow_404=True)

    def get_products(self, *, page: int = 1, limit: int = 50, updated_from_date: str = "") -> dict:
        params: dict[str, Any] = {"page": page, "limit": limit}
        if updated_from_date:
            params["updated_from_date"] = updated_from_date
        answer = self.call("GET", "/integration/v2/products", params=params)
        return answer if isinstance(answer, dict) else {"data": data_list(answer)}

    def update_skus(self, entries: list[dict]) -> Any:
        """Batch update price, stock and status (``{"data": [...]}``); auto-approved."""
        return self.call("PUT", "/integration/v2.1/products/updateSkus", json={"data": entries})

    # --- orders --------------------------------------------------------------------------------
    def get_orders(self, *, page: int = 1, limit: int = 50, updated_from_date: str = "") -> dict:
        params: dict[str, Any] = {"page": page, "limit": limit, "include": "items"}
        if updated_from_date:
            params["updated_from_date"] = updated_from_date
        answer = self.call("GET", "/integration/v2/orders", params=params)
        return answer if isinstance(answer, dict) else {"data": data_list(answer)}

    def get_order(self, *, code: str) -> dict | None:
        return self.call("GET", f"/integration/v2/orders/{code}", params={"include": "items"}, allow_404=True)
