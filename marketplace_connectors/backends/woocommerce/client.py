"""WooCommerce REST API v3 HTTP client: the only code that speaks HTTP to an owner's web shop.

Authentication is HTTP Basic with the key and secret the owner typed, over HTTPS (plain HTTP only to
loopback addresses: tests and the sandbox). WooCommerce's consumer keys (``ck_``/``cs_``) authenticate the
``/wc/`` routes only (WC_REST_Authentication::is_request_to_rest_api); a WordPress user name with an
Application Password (WordPress 5.6+) authenticates every route, the media library included.

Errors come as ``{"code", "message", "data": {"status"}}`` with the HTTP status: 401/403 mean the keys are
wrong or lack permission (AuthError), 429 and 5xx, also bare ones from shared hosts and CDNs, may pass
(RetryableError), any other 4xx is a refusal (WooCommerceError, a PermanentError with WordPress's code).
Redirects are never followed (http.py): a shop that moved answers 301 (ShopMovedError).

The shop's address is the owner's choice (http.py only lets requests reach public addresses), so nothing
the shop answers reaches an owner's screen: an error's ``message`` is ours (the HTTP status and the path),
its ``code`` is WordPress's only when it is a plain identifier, and the answer's text goes to the log at
most as that code.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import requests

from marketplace_connectors import http
from marketplace_connectors.errors import AuthError, PermanentError, RetryableError
from marketplace_connectors.ratelimit import rate_limit_wait

from .._common import json_payload, transport_errors
from .conf import PER_PAGE_MAX, WooCommerceConfig

logger = logging.getLogger(__name__)

API = "/wp-json/wc/v3"
MEDIA = "/wp-json/wp/v2/media"
#: 5xx answers carrying these WordPress codes are refusals of the request itself (S-media), not outages
ANSWERING_5XX_CODES = frozenset({"rest_upload_sideload_error"})


def is_consumer_key(key: str) -> bool:
    """WooCommerce's REST API keys are ``ck_`` + a random hash (S-keys: WC_Auth::create_keys); anything else the
    owner typed as the key is taken for a WordPress user name (used with an Application Password)."""
    return key.strip().startswith("ck_")


class WooCommerceError(PermanentError):
    """A refusal with WordPress's error ``data`` (e.g. ``resource_id`` of a duplicated SKU) kept."""

    def __init__(self, message: str = "", *, code: str = "", status: int = 0, data: dict | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status
        self.data = data or {}


class ShopMovedError(PermanentError):
    """The shop answered with a redirect (where it points is not kept: it is never followed nor shown)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message, code="redirected")


_CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,79}")


def wordpress_code(value: Any) -> str:
    """WordPress's error code (``woocommerce_rest_invalid_id``) when it is one: a lower-case identifier; else
    empty. Codes decide what the connector does; anything else a shop sends stays out of our errors."""
    text = str(value or "")
    return text if _CODE_RE.fullmatch(text) else ""


def ascii_filename(name: str) -> str:
    """A file name WordPress keeps as is in a Content-Disposition header: ASCII, no quotes or spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")
    return plain or "image.jpg"


class WooCommerceClient:
    """One client per shop. ``calls`` counts requests sent (for reports and benchmarks)."""

    def __init__(self, config: WooCommerceConfig, *, shop_url: str, key: str, secret: str,
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.shop_url = shop_url.rstrip("/")
        self.session = session or http.session_create(marketplace="woocommerce")
        self.session.auth = (key, secret)
        #: True: WooCommerce consumer keys (wc/ routes only); False: a WordPress user with an Application Password
        self.uses_consumer_keys = is_consumer_key(key)
        self.calls = 0
        self._units: tuple[str, str] | None = None

    # --- transport -----------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                data: bytes | None = None, headers: Mapping[str, str] | None = None, auth: bool = True,
                root: str = API) -> requests.Response:
        """Send one request to ``<shop><root><path>``; returns the response of a 2xx, raises the errors.py kinds."""
        url = f"{self.shop_url}{root}{path}"
        shop_key = hashlib.sha256(self.shop_url.encode()).hexdigest()[:24]
        rate_limit_wait(key=f"woocommerce:shop:{shop_key}", rate_per_second=self.config.rate_limit)
        self.calls += 1
        with transport_errors(path, marketplace="the shop"):
            try:
                response = self.session.request(method, url, params=params, json=json, data=data, headers=headers,
                                                auth=None if auth else False)
            except requests.exceptions.SSLError as exc:  # a ConnectionError that trying again will not fix
                raise PermanentError(f"TLS error on {path}: {exc}", code="tls_error") from exc
        if 200 <= response.status_code < 300:
            return response
        self._raise(path, response)
        raise AssertionError("unreachable")

    def _raise(self, path: str, response: requests.Response) -> None:
        status = response.status_code
        payload = json_payload(response)
        body = payload if isinstance(payload, dict) else {}
        code = wordpress_code(body.get("code")) or f"http_{status}"
        message = f"HTTP {status} on {path}"
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        logger.info("woocommerce %s -> HTTP %s code=%s", path, status, code)
        if status in (301, 302, 303, 307, 308):
            raise ShopMovedError(f"the shop answered {status}")
        # 501 with a WordPress code is WooCommerce's answer (woocommerce_rest_trash_not_supported: the site has
        # no trash), which no retry changes; other 5xx are the host's trouble
        # rest_upload_sideload_error (500) is WordPress refusing the file's type or size: no retry changes it
        answered = (status == 501 and body.get("code")) or code in ANSWERING_5XX_CODES
        if status == 429 or (status >= 500 and not answered):
            raise RetryableError(message, code=code)
        if status == 401 or (status == 403 and body.get("code")):
            raise AuthError(message, code=code)
        raise WooCommerceError(message, code=code, status=status, data=data)

    def get(self, path: str, **params) -> Any:
        return self.request("GET", path, params=params).json()

    def paged(self, path: str, **params) -> list[dict]:
        """Every page of a list, 100 per page, following ``X-WP-TotalPages``."""
        out: list[dict] = []
        page = 1
        while True:
            response = self.request("GET", path, params={**params, "per_page": PER_PAGE_MAX, "page": page})
            rows = response.json()
            out.extend(rows if isinstance(rows, list) else [])
            try:
                pages = int(response.headers.get("X-WP-TotalPages") or 1)
            except ValueError:
                pages = 1
            if page >= pages or not rows:
                return out
            page += 1

    # --- the shop ------------------------------------------------------------------------------
    def site_index(self) -> dict:
        """GET /wp-json/ without credentials: the site's name, home URL and REST namespaces."""
        return self.request("GET", "/", root="/wp-json", auth=False).json()

    def setting(self, group: str, setting_id: str) -> dict:
        return self.get(f"/settings/{group}/{setting_id}")

    def units(self) -> tuple[str, str]:
        """The shop's weight and dimension units (one call, remembered by this client)."""
        if self._units is None:
            values = {s.get("id"): s.get("value") for s in self.get("/settings/products") if isinstance(s, dict)}
            self._units = (str(values.get("woocommerce_weight_unit") or "kg"),
                           str(values.get("woocommerce_dimension_unit") or "cm"))
        return self._units

    # --- media ---------------------------------------------------------------------------------
    def upload_media(self, *, filename: str, content: bytes, content_type: str) -> dict:
        """POST /wp-json/wp/v2/media with the raw bytes (WordPress's documented file upload); the attachment."""
        headers = {"Content-Disposition": f'attachment; filename="{ascii_filename(filename)}"',
                   "Content-Type": content_type}
        return self.request("POST", "", data=content, headers=headers, root=MEDIA).json()

    # --- products ------------------------------------------------------------------------------
    def products_by_sku(self, sku: str, *, modified_after: str = "") -> list[dict]:
        params = {"sku": sku}
        if modified_after:
            params.update(modified_after=modified_after, dates_are_gmt="true")
        return self.paged("/products", **params)

    def product(self, product_id: str) -> dict:
        return self.get(f"/products/{product_id}")

    def variations(self, product_id: str) -> list[dict]:
        return self.paged(f"/products/{product_id}/variations")

    def create_product(self, body: dict) -> dict:
        return self.request("POST", "/products", json=body).json()

    def update_product(self, product_id: str, body: dict) -> dict:
        return self.request("PUT", f"/products/{product_id}", json=body).json()

    def trash_product(self, product_id: str) -> dict:
        """DELETE without ``force``: to the trash (restorable for 30 days; its SKUs become free)."""
        return self.request("DELETE", f"/products/{product_id}").json()

    def products_batch(self, body: dict) -> dict:
        return self.request("POST", "/products/batch", json=body).json()

    def variations_batch(self, product_id: str, body: dict) -> dict:
        return self.request("POST", f"/products/{product_id}/variations/batch", json=body).json()

    # --- orders and webhooks -------------------------------------------------------------------
    def orders_modified_after(self, *, modified_after: str) -> list[dict]:
        return self.paged("/orders", modified_after=modified_after, dates_are_gmt="true", orderby="modified",
                          order="asc", status="any")

    def order(self, order_id: str) -> dict:
        return self.get(f"/orders/{order_id}")

    def webhooks(self) -> list[dict]:
        return self.paged("/webhooks")

    def create_webhook(self, body: dict) -> dict:
        return self.request("POST", "/webhooks", json=body).json()

    def update_webhook(self, webhook_id: str, body: dict) -> dict:
        return self.request("PUT", f"/webhooks/{webhook_id}", json=body).json()
