"""Lazada Open Platform (LazOP) HTTP client: the only code that speaks HTTP to Lazada.

Signs every call as documented (docs/marketplaces/lazada.md, Signing: G-sign, Lazada's "Signature algorithm" guide, docId 108068): every parameter except ``sign`` and files, sorted
by name, concatenated ``key + value`` after the API path, ``HMAC-SHA256(app_secret)``, UPPER-case hex;
timestamps in milliseconds; ``sign_method=sha256``. GET parameters go in the query, POST parameters
form-encoded in the body (multipart when a file is attached), as the official SDK does. Business data
goes in one ``payload`` parameter holding JSON.

Lazada answers failures with HTTP 200 and ``code != "0"`` (§2.4): the body decides, the HTTP status is
only a fallback. Waits for the shared rate limiter before every call: the whole app, the seller per API,
and the documented 50 calls per second per seller on the inventory API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import requests

from marketplace_connectors import http
from marketplace_connectors.errors import (
    AccessTokenExpired,
    AuthError,
    PermanentError,
    RetryableError,
)
from marketplace_connectors.ratelimit import rate_limit_wait

from .._common import json_object, transport_errors
from .conf import LazadaConfig

logger = logging.getLogger(__name__)

# Platform and business codes where trying again later may succeed (§2.4, API error lists).
RETRYABLE_CODES = {
    "ApiCallLimit", "ServiceTimeout", "ServiceUnavailable", "TRAFFIC_CONTROL", "OPEN_API_CALL_EXCEED_LIMIT",
    "BIZ_DEGRADATION_ERROR", "998", "901", "E901", "6", "E006", "513", "1000", "4135", "4147",
}
TOKEN_CODES = {"IllegalAccessToken"}
AUTH_CODES = {"InvalidCode", "IllegalRefreshToken", "AUTH_TYPE_UNSUPPORTED"}
SELLER_SKU_DUPLICATE_CODES = {"4105", "4126", "4141"}
INVENTORY_PATHS = {"/product/price_quantity/update", "/product/stock/sellable/update", "/product/stock/sellable/adjust"}


def lazada_sign(*, app_secret: str, path: str, params: Mapping[str, Any]) -> str:
    """The documented signature over ``path`` and every parameter but ``sign`` (files are never passed)."""
    base = path + "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    return hmac.new(app_secret.encode(), base.encode(), hashlib.sha256).hexdigest().upper()


def lazada_push_signature(*, app_key: str, app_secret: str, raw_body: bytes) -> str:
    """The Authorization header of Lazada's pushes (§2.5): hex(HMAC-SHA256(app_secret, app_key + body))."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()


def _stringify(value: Any) -> str:
    """Lazada signs strings: booleans as ``true``/``false`` (never Python's ``True``), JSON for structures."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class LazadaError(PermanentError):
    """A refusal with Lazada's ``detail`` list (per-SKU reasons of a batch) kept for the caller."""

    def __init__(self, message: str = "", *, code: str = "", request_id: str = "", detail: list | None = None) -> None:
        super().__init__(message, code=code, request_id=request_id)
        self.detail = detail or []


class LazadaClient:
    """One client per (app, seller). ``calls`` counts requests sent (for reports and benchmarks)."""

    def __init__(self, config: LazadaConfig, *, seller_id: str = "", access_token: str = "",
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.seller_id = str(seller_id)
        self.access_token = access_token
        self.session = session or http.session_create(marketplace="lazada")
        self.calls = 0

    # --- signing -------------------------------------------------------------------------------
    def signed_params(self, path: str, params: Mapping[str, Any] | None = None, *, with_token: bool = True) -> dict[str, str]:
        """System parameters plus ``params`` (empty values dropped: the SDKs disagree on them), signed."""
        out = {"app_key": self.config.app_key, "timestamp": str(int(time.time() * 1000)), "sign_method": "sha256"}
        if with_token:
            out["access_token"] = self.access_token
        for key, value in (params or {}).items():
            if value is None or value == "":
                continue
            out[key] = _stringify(value)
        out["sign"] = lazada_sign(app_secret=self.config.app_secret, path=path, params=out)
        return out

    def authorization_url(self, *, redirect_url: str, state: str = "") -> str:
        """The seller's consent page; Lazada returns to ``redirect_url`` with ``code`` (30 min, single use)."""
        params = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_url,
                  "client_id": self.config.app_key}
        if state:
            params["state"] = state
        return requests.Request("GET", self.config.authorize_url, params=params).prepare().url

    # --- transport -----------------------------------------------------------------------------
    def _wait_for_slot(self, path: str) -> None:
        rate_limit_wait(key=f"lazada:app:{self.config.app_key}", rate_per_second=self.config.rate_limit)
        if not self.seller_id:
            return
        if path in INVENTORY_PATHS:
            rate_limit_wait(key=f"lazada:seller:{self.seller_id}:inventory",
                            rate_per_second=self.config.inventory_rate_limit)
        else:
            rate_limit_wait(key=f"lazada:seller:{self.seller_id}:{path}", rate_per_second=self.config.seller_rate_limit)

    def call(self, method: str, path: str, params: Mapping[str, Any] | None = None, *, auth: bool = False,
             files: dict | None = None) -> dict:
        """Send one signed request and return the envelope; raises the errors.py kinds.

        ``auth`` sends it to the authorisation gateway without an access token (token create/refresh)."""
        host = self.config.auth_host if auth else self.config.api_host
        signed = self.signed_params(path, params, with_token=not auth)
        self._wait_for_slot(path)
        self.calls += 1
        url = host + path
        with transport_errors(path, marketplace="Lazada"):
            if method == "GET":
                response = self.session.get(url, params=signed)
            else:
                response = self.session.post(url, data=signed, files=files)
        return self._envelope(path, response)

    def _envelope(self, path: str, response: requests.Response) -> dict:
        payload = json_object(path, response)
        code = str(payload.get("code", ""))
        message = str(payload.get("message") or "")
        request_id = str(payload.get("request_id") or "")
        if code == "0" and response.status_code < 400:
            return payload
        logger.info("lazada %s -> HTTP %s code=%s (%s) request_id=%s", path, response.status_code, code, message,
                    request_id)
        if response.status_code == 429 or response.status_code >= 500 or code in RETRYABLE_CODES:
            raise RetryableError(message, code=code or f"http_{response.status_code}", request_id=request_id)
        if code in TOKEN_CODES:
            raise AccessTokenExpired(message, code=code, request_id=request_id)
        if code in AUTH_CODES:
            raise AuthError(message, code=code, request_id=request_id)
        detail = payload.get("detail")
        raise LazadaError(message, code=code or f"http_{response.status_code}", request_id=request_id,
                          detail=detail if isinstance(detail, list) else [])

    @staticmethod
    def _payload(product: dict) -> dict[str, str]:
        return {"payload": json.dumps({"Request": {"Product": product}}, ensure_ascii=False, separators=(",", ":"))}

    # --- authorisation -------------------------------------------------------------------------
    def token_create(self, *, code: str) -> dict:
        """Exchange the callback's code (single use, 30 min) for tokens. A refusal is an AuthError."""
        try:
            return self.call("POST", "/auth/token/create", {"code": code}, auth=True)
        except (AccessTokenExpired, PermanentError) as exc:
            raise AuthError(exc.message, code=exc.code) from exc

    def token_refresh(self, *, refresh_token: str) -> dict:
        """A new pair for ``refresh_token``. A refusal means the owner must reconnect."""
        try:
            return self.call("POST", "/auth/token/refresh", {"refresh_token": refresh_token}, auth=True)
        except (AccessTokenExpired, PermanentError) as exc:
            raise AuthError(exc.message, code=exc.code) from exc

    # --- seller and catalog metadata ------------------------------------------------------------
    def get_seller(self) -> dict:
        return self.call("GET", "/seller/get").get("data") or {}

    def get_category_tree(self, *, language_code: str = "vi_VN") -> list[dict]:
        return self.call("GET", "/category/tree/get", {"language_code": language_code}).get("data") or []

    def category_suggestions(self, *, product_name: str) -> list[dict]:
        """GetCategorySuggestion (docs/marketplaces/lazada.md): ``categorySuggestions``, best first."""
        answer = self.call("GET", "/product/category/suggestion/get", {"product_name": product_name})
        return list((answer.get("data") or {}).get("categorySuggestions") or [])

    def get_category_attributes(self, *, category_id: str, language_code: str = "vi_VN") -> list[dict]:
        params = {"primary_category_id": category_id, "language_code": language_code}
        return self.call("GET", "/category/attributes/get", params).get("data") or []

    # --- images --------------------------------------------------------------------------------
    def upload_image(self, *, filename: str, content: bytes) -> str:
        """UploadImage (multipart ``image``, not signed); returns the Lazada-hosted URL."""
        data = self.call("POST", "/image/upload", files={"image": (filename, content)}).get("data") or {}
        url = (data.get("image") or {}).get("url")
        if not url:
            raise PermanentError("UploadImage returned no url", code="no_image_url")
        return url

    def migrate_image(self, *, url: str) -> str:
        """MigrateImage: Lazada downloads one external URL (port 80/443, no IP literal); its hosted URL."""
        payload = json.dumps({"Request": {"Image": {"Url": url}}}, separators=(",", ":"))
        data = self.call("POST", "/image/migrate", {"payload": payload}).get("data") or {}
        hosted = (data.get("image") or {}).get("url")
        if not hosted:
            raise PermanentError("MigrateImage returned no url", code="no_image_url")
        return hosted

    def migrate_images(self, *, urls: list[str]) -> str:
        """MigrateImages: up to 8 URLs, asynchronous; returns the batch id for ``image_response``."""
        payload = json.dumps({"Request": {"Images": {"Url": urls}}}, separators=(",", ":"))
        return str(self.call("POST", "/images/migrate", {"payload": payload}).get("batch_id") or "")

    def image_response(self, *, batch_id: str) -> dict:
        """GetResponse of a MigrateImages batch: ``images`` [{url, hash_code}] and ``errors`` per URL."""
        return self.call("GET", "/image/response/get", {"batch_id": batch_id}).get("data") or {}

    # --- products ------------------------------------------------------------------------------
    def create_product(self, product: dict) -> dict:
        return self.call("POST", "/product/create", self._payload(product)).get("data") or {}

    def update_product(self, product: dict) -> dict:
        return self.call("POST", "/product/update", self._payload(product)).get("data") or {}

    def get_product_item(self, *, item_id: str) -> dict:
        return self.call("GET", "/product/item/get", {"item_id": item_id}).get("data") or {}

    def get_products(self, *, filter: str = "all", limit: int = 50, offset: int = 0,  # noqa: A002 - Lazada's name
                     update_after: str = "", sku_seller_list: list[str] | None = None) -> dict:
        params: dict[str, Any] = {"filter": filter, "limit": limit, "offset": offset, "update_after": update_after}
        if sku_seller_list:
            params["sku_seller_list"] = list(sku_seller_list)
        return self.call("GET", "/products/get", params).get("data") or {}

    def update_price_quantity(self, skus: list[dict]) -> dict:
        """UpdatePriceQuantity for up to 50 SKUs. A mixed batch answers code 501 with a per-SKU ``detail``:
        it comes back as the envelope (``code`` "501") instead of an exception, so the caller can tell
        which SKUs failed."""
        try:
            return self.call("POST", "/product/price_quantity/update", self._payload({"Skus": {"Sku": skus}}))
        except LazadaError as exc:
            if exc.code == "501" and exc.detail:
                return {"code": "501", "detail": exc.detail, "request_id": exc.request_id}
            raise

    def update_sellable_quantity(self, skus: list[dict]) -> dict:
        """UpdateSellableQuantity for up to 50 SKUs ``{ItemId, SkuId, SellableQuantity}``: sets what buyers may
        buy now, leaving units of unpaid and paid orders alone (docs/marketplaces/lazada.md, finding 1). The
        payload is XML, the only format documented for this API. A mixed batch comes back as the envelope
        (``code`` "501" with ``detail``), as for UpdatePriceQuantity."""
        entries = "".join(
            "<Sku>" + "".join(f"<{key}>{xml_escape(str(value))}</{key}>" for key, value in sku.items()) + "</Sku>"
            for sku in skus)
        payload = f"<Request><Product><Skus>{entries}</Skus></Product></Request>"
        try:
            return self.call("POST", "/product/stock/sellable/update", {"payload": payload})
        except LazadaError as exc:
            if exc.code == "501" and exc.detail:
                return {"code": "501", "detail": exc.detail, "request_id": exc.request_id}
            raise

    def get_brands(self, *, start_row: int = 0, page_size: int = 200) -> dict:
        """GetBrandByPages: one page of the country's brands (ids differ per country), at most 200."""
        return self.call("GET", "/category/brands/query", {"startRow": start_row, "pageSize": page_size}).get("data") or {}

    def deactivate_product(self, *, item_id: str) -> dict:
        body = json.dumps({"Request": {"Product": {"ItemId": item_id}}}, separators=(",", ":"))
        return self.call("POST", "/product/deactivate", {"apiRequestBody": body})

    def remove_product(self, *, sku_ids: list[str]) -> dict:
        """RemoveProduct by SkuId (``SkuId_<item>_<sku>``), at most 50 per call."""
        return self.call("POST", "/product/remove", {"sku_id_list": sku_ids})

    # --- orders (for the order import) ----------------------------------------------------------
    def get_orders(self, *, update_after: str = "", created_after: str = "", status: str = "", offset: int = 0,
                   limit: int = 100, sort_by: str = "updated_at", sort_direction: str = "ASC") -> dict:
        """GetOrders: ``update_after`` or ``created_after`` (ISO 8601) is mandatory; at most 100 per page."""
        params = {"update_after": update_after, "created_after": created_after, "status": status, "offset": offset,
                  "limit": limit, "sort_by": sort_by, "sort_direction": sort_direction}
        return self.call("GET", "/orders/get", params).get("data") or {}

    def get_order(self, *, order_id: str) -> dict:
        """GetOrder: one order (``statuses``, ``price``, times); an unknown id is refused with code 16."""
        return self.call("GET", "/order/get", {"order_id": order_id}).get("data") or {}

    def get_order_items(self, *, order_id: str) -> list[dict]:
        return self.call("GET", "/order/items/get", {"order_id": order_id}).get("data") or []
