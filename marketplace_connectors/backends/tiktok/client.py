"""TikTok Shop Partner API (202309 generation) HTTP client: the only code that speaks HTTP to TikTok Shop.

Signs every call as documented (docs/marketplaces/tiktok.md, Signing; G-sign https://partner.tiktokshop.com/docv2/page/678e3a3d4ddec3030b238faf): the query parameters except ``sign`` and
``access_token``, sorted, joined ``key + value``, after the request path, then the raw body unless the
request is multipart, wrapped as ``secret + s + secret``; ``hex(HMAC-SHA256(app_secret))``. The body is
serialised once (UTF-8, not ``\\u``-escaped) and those exact bytes are signed and sent. The access token
travels in the ``x-tts-access-token`` header, the shop in ``shop_cipher``.

TikTok answers ``{code, message, request_id, data}``; ``code != 0`` is a failure (§3.3), HTTP 429 the
documented rate limit. Waits for the shared rate limiter before every call: TikTok limits each API per
(app, shop) to 50 requests per second, so the limiter key is the shop plus the API path with ids removed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

import requests

from marketplace_connectors import http
from marketplace_connectors.errors import (
    AccessTokenExpired,
    AmbiguousResultError,
    AuthError,
    PermanentError,
    RetryableError,
)
from marketplace_connectors.ratelimit import rate_limit_wait

from .._common import json_object, transport_errors
from .conf import TikTokConfig

logger = logging.getLogger(__name__)

VERSION = "202309"
RATE_LIMITED = 36009002
RETRYABLE_CODES = {RATE_LIMITED, 36009003, 36009007}  # too many requests, internal error, timeout
TOKEN_CODES = {105002, 105001, 101000}  # expired / invalid access token, token and shop do not match
INVALID_CREDENTIALS = 36009004  # also bad app_key or timestamp: a token problem only when it says so
SCOPE_CODES = {105005}  # the seller did not grant the scope: reconnecting fixes it
VERSION_RETIRED = 36009014  # G-versions: the API version we call was retired; the operators must move on
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def tiktok_sign(*, app_secret: str, path: str, query: Mapping[str, Any], body: bytes = b"") -> str:
    """The documented signature. ``body`` is the raw request body (pass b"" for multipart requests)."""
    params = "".join(f"{key}{query[key]}" for key in sorted(query) if key not in ("sign", "access_token"))
    message = app_secret.encode() + path.encode() + params.encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def tiktok_push_signature(*, app_key: str, app_secret: str, raw_body: bytes) -> str:
    """The ``Authorization`` header of TikTok's webhooks (§3.4): hex(HMAC-SHA256(app_secret, app_key + body))."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()


def dumps(body: Any) -> bytes:
    """The one serialisation of a request body: compact, UTF-8, diacritics as themselves."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class TikTokError(PermanentError):
    """A refusal with TikTok's numeric ``code`` and the ``data`` that came with it (per-item ``errors``)."""

    def __init__(self, message: str = "", *, code: str = "", request_id: str = "", data: dict | None = None) -> None:
        super().__init__(message, code=code, request_id=request_id)
        self.data = data or {}


class TikTokClient:
    """One client per (app, shop). ``calls`` counts requests sent (for reports and benchmarks)."""

    def __init__(self, config: TikTokConfig, *, shop_id: str = "", shop_cipher: str = "", access_token: str = "",
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.shop_id = str(shop_id)
        self.shop_cipher = shop_cipher
        self.access_token = access_token
        self.session = session or http.session_create(marketplace="tiktok")
        self.calls = 0

    # --- transport -----------------------------------------------------------------------------
    def _wait_for_slot(self, path: str) -> None:
        api = _ID_SEGMENT.sub("/{id}", path)
        rate_limit_wait(key=f"tiktok:{self.config.app_key}:{self.shop_id or '-'}:{api}",
                        rate_per_second=self.config.rate_limit)

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
             files: dict | None = None, shop: bool = True) -> dict:
        """Send one signed request; returns ``data`` of the envelope or raises the errors.py kinds.

        ``shop`` adds ``shop_cipher`` (every shop API); ``files`` sends multipart (the body is then unsigned)."""
        query: dict[str, Any] = {"app_key": self.config.app_key, "timestamp": int(time.time())}
        if shop:
            query["shop_cipher"] = self.shop_cipher
        for key, value in (params or {}).items():
            if value is not None:
                query[key] = str(value).lower() if isinstance(value, bool) else value
        raw = b"" if files is not None or body is None else dumps(body)
        query["sign"] = tiktok_sign(app_secret=self.config.app_secret, path=path, query=query, body=raw)
        headers = {"x-tts-access-token": self.access_token}
        if files is None:
            headers["Content-Type"] = "application/json"
        self._wait_for_slot(path)
        self.calls += 1
        url = self.config.api_host + path
        with transport_errors(path, marketplace="TikTok Shop"):
            response = self.session.request(method, url, params=query, headers=headers,
                                            data=raw if files is None else None, files=files)
        return self._envelope(path, response).get("data") or {}

    def _envelope(self, path: str, response: requests.Response) -> dict:
        payload = json_object(path, response)
        try:
            code = int(payload.get("code", -1))
        except (TypeError, ValueError):
            code = -1
        message = str(payload.get("message") or "")
        request_id = str(payload.get("request_id") or "")
        if code == 0 and response.status_code < 400:
            return payload
        logger.info("tiktok %s -> HTTP %s code=%s (%s) request_id=%s", path, response.status_code, code, message,
                    request_id)
        if response.status_code == 429 or response.status_code >= 500 or code in RETRYABLE_CODES:
            raise RetryableError(message, code=str(code), request_id=request_id)
        if code in TOKEN_CODES or (code == INVALID_CREDENTIALS and "token" in message.lower()):
            raise AccessTokenExpired(message, code=str(code), request_id=request_id)
        if code in SCOPE_CODES:
            raise AuthError(message, code=str(code), request_id=request_id)
        if code == VERSION_RETIRED:  # not the owner's to fix, and no retry helps: an alert for the operators
            logger.error("tiktok retired the API version of %s (36009014): the connector must be updated", path)
        data = payload.get("data")
        raise TikTokError(message, code=str(code), request_id=request_id, data=data if isinstance(data, dict) else {})

    # --- authorisation (auth host: unsigned, app_secret in the query) --------------------------------
    def _token(self, params: dict[str, str]) -> dict:
        query = {"app_key": self.config.app_key, "app_secret": self.config.app_secret, **params}
        self.calls += 1
        path = "/api/v2/token/refresh" if params.get("grant_type") == "refresh_token" else "/api/v2/token/get"
        try:
            response = self.session.get(self.config.auth_host + path, params=query)
        except requests.ConnectTimeout as exc:
            raise RetryableError(f"connect timeout on {path}", code="connect_timeout") from exc
        except requests.RequestException as exc:
            raise AmbiguousResultError(f"no answer from TikTok Shop for {path}", code="read_timeout") from exc
        try:
            return self._envelope(path, response).get("data") or {}
        except (AccessTokenExpired, PermanentError) as exc:
            # a spent or expired code or refresh token: only the seller can grant access again
            raise AuthError(exc.message, code=exc.code, request_id=exc.request_id) from exc

    def token_get(self, *, auth_code: str) -> dict:
        """Exchange the callback's ``code`` (30 min, single use) for tokens; expiries are absolute Unix times."""
        return self._token({"auth_code": auth_code, "grant_type": "authorized_code"})

    def token_refresh(self, *, refresh_token: str) -> dict:
        """A new pair for ``refresh_token``. A refusal means the owner must reconnect."""
        return self._token({"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def authorized_shops(self) -> list[dict]:
        """The shops the seller authorised: ``id``, ``name``, ``region``, ``cipher`` (not a shop API)."""
        return self.call("GET", f"/authorization/{VERSION}/shops", shop=False).get("shops") or []

    # --- catalog metadata ----------------------------------------------------------------------------
    def categories(self, *, locale: str = "vi-VN") -> list[dict]:
        return self.call("GET", f"/product/{VERSION}/categories", params={"locale": locale}).get("categories") or []

    def category_attributes(self, *, category_id: str, locale: str = "vi-VN") -> list[dict]:
        data = self.call("GET", f"/product/{VERSION}/categories/{category_id}/attributes", params={"locale": locale})
        return data.get("attributes") or []

    def category_recommend(self, *, product_title: str) -> str:
        """Recommend Category (docs/marketplaces/tiktok.md): the leaf category id for a title, "" for none."""
        data = self.call("POST", f"/product/{VERSION}/categories/recommend", body={"product_title": product_title})
        return str(data.get("leaf_category_id") or "")

    def category_rules(self, *, category_id: str, locale: str = "vi-VN") -> dict:
        return self.call("GET", f"/product/{VERSION}/categories/{category_id}/rules", params={"locale": locale})

    def warehouses(self) -> list[dict]:
        return self.call("GET", f"/logistics/{VERSION}/warehouses").get("warehouses") or []

    # --- images --------------------------------------------------------------------------------------
    def upload_image(self, *, filename: str, content: bytes, use_case: str = "MAIN_IMAGE") -> str:
        """Upload one image (multipart field ``data``; not a shop API); returns its ``uri``."""
        data = self.call("POST", f"/product/{VERSION}/images/upload", shop=False,
                         files={"data": (filename, content), "use_case": (None, use_case)})
        if not data.get("uri"):
            raise PermanentError("image upload returned no uri", code="no_image_uri")
        return str(data["uri"])

    def upload_file(self, *, name: str, content: bytes) -> str:
        """Upload Product File (R-file; multipart ``data`` and ``name``; not a shop API): a certificate as a
        PDF; returns the file ``id`` a product's ``certifications[].files`` names."""
        data = self.call("POST", f"/product/{VERSION}/files/upload", shop=False,
                         files={"data": (name, content, "application/pdf"), "name": (None, name)})
        if not data.get("id"):
            raise PermanentError("file upload returned no id", code="no_file_id")
        return str(data["id"])

    # --- products ------------------------------------------------------------------------------------
    def create_product(self, body: dict) -> dict:
        return self.call("POST", f"/product/{VERSION}/products", body=body)

    def edit_product(self, *, product_id: str, body: dict) -> dict:
        """Full overwrite: fields left out are cleared, except price and inventory (§3.4)."""
        return self.call("PUT", f"/product/{VERSION}/products/{product_id}", body=body)

    def partial_edit_product(self, *, product_id: str, body: dict) -> dict:
        """Per top-level property: fields left out stay, a field sent replaces the stored one whole; ``skus``
        sent deletes every SKU left out (docs/marketplaces/tiktok.md, Partial Edit Product)."""
        return self.call("POST", f"/product/{VERSION}/products/{product_id}/partial_edit", body=body)

    def get_product(self, *, product_id: str, locale: str = "vi-VN") -> dict:
        return self.call("GET", f"/product/{VERSION}/products/{product_id}", params={"locale": locale})

    def search_products(self, *, page_size: int = 100, page_token: str = "", body: dict | None = None) -> dict:
        params = {"page_size": page_size, "page_token": page_token or None}
        return self.call("POST", f"/product/{VERSION}/products/search", params=params, body=body or {})

    def update_inventory(self, *, product_id: str, skus: list[dict]) -> dict:
        return self.call("POST", f"/product/{VERSION}/products/{product_id}/inventory/update", body={"skus": skus})

    def update_prices(self, *, product_id: str, skus: list[dict]) -> dict:
        return self.call("POST", f"/product/{VERSION}/products/{product_id}/prices/update", body={"skus": skus})

    def deactivate(self, *, product_ids: list[str]) -> dict:
        return self.call("POST", f"/product/{VERSION}/products/deactivate", body={"product_ids": product_ids})

    def activate(self, *, product_ids: list[str]) -> dict:
        return self.call("POST", f"/product/{VERSION}/products/activate", body={"product_ids": product_ids})

    def delete(self, *, product_ids: list[str]) -> dict:
        return self.call("DELETE", f"/product/{VERSION}/products", body={"product_ids": product_ids})

    # --- orders --------------------------------------------------------------------------------------
    def search_orders(self, *, update_time_ge: int, page_size: int = 100, page_token: str = "") -> dict:
        params = {"page_size": page_size, "sort_field": "update_time", "sort_order": "ASC",
                  "page_token": page_token or None}
        return self.call("POST", f"/order/{VERSION}/orders/search", params=params,
                         body={"update_time_ge": update_time_ge})

    def get_orders(self, *, ids: list[str]) -> list[dict]:
        return self.call("GET", f"/order/{VERSION}/orders", params={"ids": ",".join(ids)}).get("orders") or []
