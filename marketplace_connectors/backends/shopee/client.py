"""Shopee Open Platform v2 HTTP client: the only code that speaks HTTP to Shopee.

Signs every call as documented (docs/marketplaces/shopee.md, Signing; G-auth https://open.shopee.com/developer-guide/20): ``hex(HMAC-SHA256(partner_key, base))`` with
base = partner_id + path + timestamp (Public APIs) or + access_token + shop_id (Shop APIs). Waits for the
shared rate limiter before every call. Reads the envelope (§1.4) and turns failures into the error kinds
of ``marketplace_connectors.errors``; the HTTP status is only a fallback, the body decides.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

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
from .conf import ShopeeConfig

logger = logging.getLogger(__name__)

RETRYABLE_ERRORS = {"error_server", "error_network", "error_system_busy", "error_inner", "error_busy"}
AUTH_REFRESH_ERRORS = {"error_auth"}
# GetAccessToken's refusals of a callback (docs/marketplaces/shopee.md, auth/token/get): connect again
TOKEN_GET_AUTH_ERRORS = {"invalid_code", "invalid_shop_id", "invalid_main_acount_id", "invalid_partner_id"}


def error_kind(code: str) -> str:
    """The code without its module prefix: Shopee spells ``product.error_param`` and ``error_param`` for the
    same error (docs/marketplaces/shopee.md, error spelling); the full code stays in the owner's message."""
    return code.rsplit(".", 1)[-1]
# what get_order_detail returns besides its defaults (order_sn, order_status, create/update time)
ORDER_DETAIL_FIELDS = "item_list,total_amount"


def shopee_sign(*, partner_key: str, partner_id: int, path: str, timestamp: int,
                access_token: str = "", shop_id: str | int = "") -> str:
    """The documented signature; ``access_token``/``shop_id`` only for Shop APIs."""
    base = f"{partner_id}{path}{timestamp}{access_token}{shop_id}"
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


class ShopeeClient:
    """One client per (partner, shop). ``calls`` counts requests sent (for reports and benchmarks)."""

    def __init__(self, config: ShopeeConfig, *, shop_id: str = "", access_token: str = "",
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.shop_id = str(shop_id)
        self.access_token = access_token
        self.session = session or http.session_create(marketplace="shopee")
        self.calls = 0

    # --- URLs ----------------------------------------------------------------------------------
    def _common(self, path: str, *, shop: bool) -> dict[str, Any]:
        timestamp = int(time.time())
        params: dict[str, Any] = {"partner_id": self.config.partner_id, "timestamp": timestamp}
        if shop:
            params["access_token"] = self.access_token
            params["shop_id"] = self.shop_id
            params["sign"] = shopee_sign(
                partner_key=self.config.partner_key, partner_id=self.config.partner_id, path=path,
                timestamp=timestamp, access_token=self.access_token, shop_id=self.shop_id,
            )
        else:
            params["sign"] = shopee_sign(
                partner_key=self.config.partner_key, partner_id=self.config.partner_id, path=path, timestamp=timestamp
            )
        return params

    def auth_partner_url(self, *, redirect_url: str) -> str:
        """The signed shop-authorisation link (valid 5 minutes)."""
        path = "/api/v2/shop/auth_partner"
        params = self._common(path, shop=False)
        params["redirect"] = redirect_url
        return requests.Request("GET", self.config.host + path, params=params).prepare().url

    # --- transport -----------------------------------------------------------------------------
    def _wait_for_slot(self) -> None:
        # The shop's slot first, the partner's last: the call goes out at the slot it waited for last, so the
        # partner-wide spacing (every shop's calls together) is the one that holds on the wire. The other
        # way round, a call kept waiting by its busy shop went out long after its partner slot, in the
        # middle of other shops' calls: more than the partner limit in a second.
        if self.shop_id:
            rate_limit_wait(key=f"shopee:shop:{self.shop_id}", rate_per_second=self.config.shop_rate_limit)
        rate_limit_wait(key=f"shopee:partner:{self.config.partner_id}", rate_per_second=self.config.rate_limit)

    def call(self, method: str, path: str, *, shop: bool = True, params: dict | None = None,
             body: dict | None = None, files: dict | None = None) -> dict:
        """Send one signed request and return the envelope; raises the errors.py kinds."""
        query = self._common(path, shop=shop)
        if params:
            query.update(params)
        self._wait_for_slot()
        self.calls += 1
        url = self.config.host + path
        with transport_errors(path, marketplace="Shopee"):
            if method == "GET":
                response = self.session.get(url, params=query)
            elif files is not None:
                response = self.session.post(url, params=query, files=files)
            else:
                response = self.session.post(
                    url, params=query, data=json.dumps(body or {}), headers={"Content-Type": "application/json"}
                )
        return self._envelope(path, response)

    def _envelope(self, path: str, response: requests.Response) -> dict:
        payload = json_object(path, response)
        error = payload.get("error") or ""
        message = payload.get("message") or ""
        request_id = payload.get("request_id") or ""
        if not error and response.status_code < 400:
            return payload
        logger.info("shopee %s -> HTTP %s %s (%s) request_id=%s", path, response.status_code, error, message, request_id)
        kind = error_kind(error)
        if response.status_code == 429 or response.status_code >= 500 or kind in RETRYABLE_ERRORS:
            raise RetryableError(message, code=error or f"http_{response.status_code}", request_id=request_id)
        if kind in AUTH_REFRESH_ERRORS:
            if "access_token" in message.lower():
                raise AccessTokenExpired(message, code=error, request_id=request_id)
            raise AuthError(message, code=error, request_id=request_id)
        raise PermanentError(message, code=error or f"http_{response.status_code}", request_id=request_id)

    # --- authorisation -------------------------------------------------------------------------
    def token_get(self, *, code: str, shop_id: str = "", main_account_id: str = "") -> dict:
        """Exchange the callback's code (single use, 10 min) for tokens: a shop's code with ``shop_id``, a
        main account's with ``main_account_id`` (the answer then lists ``shop_id_list``). A refused code
        means connecting again (AuthError)."""
        body: dict[str, Any] = {"code": code, "partner_id": self.config.partner_id}
        if main_account_id:
            body["main_account_id"] = int(main_account_id)
        else:
            body["shop_id"] = int(shop_id)
        try:
            return self.call("POST", "/api/v2/auth/token/get", shop=False, body=body)
        except AccessTokenExpired as exc:
            raise AuthError(exc.message, code=exc.code) from exc
        except PermanentError as exc:
            if error_kind(exc.code) in TOKEN_GET_AUTH_ERRORS:
                raise AuthError(exc.message, code=exc.code, request_id=exc.request_id) from exc
            raise

    def access_token_get(self, *, refresh_token: str, shop_id: str) -> dict:
        """Spend ``refresh_token`` for a new pair. A refusal means the owner must reconnect."""
        body = {"refresh_token": refresh_token, "partner_id": self.config.partner_id, "shop_id": int(shop_id)}
        try:
            return self.call("POST", "/api/v2/auth/access_token/get", shop=False, body=body)
        except (AccessTokenExpired, PermanentError) as exc:
            raise AuthError(exc.message, code=exc.code) from exc

    # --- shop and catalog metadata -------------------------------------------------------------
    def get_shop_info(self) -> dict:
        return self.call("GET", "/api/v2/shop/get_shop_info")

    def get_category(self, *, language: str = "vi") -> list[dict]:
        return self.call("GET", "/api/v2/product/get_category", params={"language": language})["response"]["category_list"]

    def get_attribute_tree(self, *, category_ids: list[int], language: str = "vn") -> list[dict]:
        params = {"category_id_list": ",".join(str(c) for c in category_ids), "language": language}
        return self.call("GET", "/api/v2/product/get_attribute_tree", params=params)["response"]["list"]

    def category_recommend(self, *, item_name: str) -> list[int]:
        """category_recommend (docs/marketplaces/shopee.md): category ids for an item name, best first."""
        answer = self.call("GET", "/api/v2/product/category_recommend", params={"item_name": item_name})
        return [int(c) for c in (answer.get("response") or {}).get("category_id") or []]

    def get_item_limit(self, *, category_id: int) -> dict:
        return self.call("GET", "/api/v2/product/get_item_limit", params={"category_id": category_id})["response"]

    def get_channel_list(self) -> list[dict]:
        return self.call("GET", "/api/v2/logistics/get_channel_list")["response"]["logistics_channel_list"]

    # --- media ---------------------------------------------------------------------------------
    def upload_image(self, *, filename: str, content: bytes) -> str:
        """Upload one image (Public API, multipart); returns its image_id. Per-image errors are permanent."""
        envelope = self.call(
            "POST", "/api/v2/media_space/upload_image", shop=False,
            files={"image": (filename, content), "scene": (None, "normal")},
        )
        response = envelope.get("response") or {}
        info = response.get("image_info") or {}
        if info.get("image_id"):
            return info["image_id"]
        for entry in response.get("image_info_list") or []:
            if entry.get("error"):
                raise PermanentError(entry.get("message") or entry["error"], code=entry["error"])
        raise PermanentError("upload_image returned no image_id", code="no_image_id")

    # --- items ---------------------------------------------------------------------------------
    def add_item(self, body: dict) -> dict:
        return self.call("POST", "/api/v2/product/add_item", body=body)["response"]

    def update_item(self, body: dict) -> dict:
        return self.call("POST", "/api/v2/product/update_item", body=body)["response"]

    def init_tier_variation(self, body: dict) -> dict:
        return self.call("POST", "/api/v2/product/init_tier_variation", body=body)["response"]

    def add_model(self, *, item_id: int, model_list: list[dict]) -> dict:
        return self.call("POST", "/api/v2/product/add_model", body={"item_id": item_id, "model_list": model_list})["response"]

    def update_tier_variation(self, *, item_id: int, standardise_tier_variation: list[dict]) -> dict:
        return self.call("POST", "/api/v2/product/update_tier_variation",
                         body={"item_id": item_id, "standardise_tier_variation": standardise_tier_variation})["response"]

    def update_model(self, *, item_id: int, models: list[dict]) -> dict:
        """update_model: up to 50 ``{model_id, model_sku, gtin_code?}`` (docs/marketplaces/shopee.md)."""
        return self.call("POST", "/api/v2/product/update_model", body={"item_id": item_id, "model": models})

    def get_model_list(self, *, item_id: int) -> dict:
        return self.call("GET", "/api/v2/product/get_model_list", params={"item_id": item_id})["response"]

    def update_price(self, *, item_id: int, price_list: list[dict]) -> dict:
        return self.call("POST", "/api/v2/product/update_price", body={"item_id": item_id, "price_list": price_list})["response"]

    def update_stock(self, *, item_id: int, stock_list: list[dict]) -> dict:
        return self.call("POST", "/api/v2/product/update_stock", body={"item_id": item_id, "stock_list": stock_list})["response"]

    def get_item_list(self, *, offset: int = 0, page_size: int = 100,
                      statuses: tuple[str, ...] = ("NORMAL", "UNLIST", "REVIEWING", "BANNED"),
                      update_time_from: int | None = None) -> dict:
        params: dict[str, Any] = {"offset": offset, "page_size": page_size, "item_status": list(statuses)}
        if update_time_from is not None:
            params["update_time_from"] = update_time_from
        return self.call("GET", "/api/v2/product/get_item_list", params=params)["response"]

    def get_item_base_info(self, *, item_ids: list[int]) -> list[dict]:
        params = {"item_id_list": ",".join(str(i) for i in item_ids)}
        return self.call("GET", "/api/v2/product/get_item_base_info", params=params)["response"]["item_list"]

    def unlist_item(self, *, item_id: int, unlist: bool) -> dict:
        body = {"item_list": [{"item_id": item_id, "unlist": unlist}]}
        return self.call("POST", "/api/v2/product/unlist_item", body=body)["response"]

    def delete_item(self, *, item_id: int) -> dict:
        return self.call("POST", "/api/v2/product/delete_item", body={"item_id": item_id})

    # --- orders --------------------------------------------------------------------------------
    def get_order_list(self, *, time_from: int, time_to: int, cursor: str = "", page_size: int = 100,
                       time_range_field: str = "update_time") -> dict:
        """One page of order numbers changed (or created) in [time_from, time_to]: at most 15 days apart
        and 100 per page; the next page is asked for with ``next_cursor`` while ``more`` is true."""
        params: dict[str, Any] = {"time_range_field": time_range_field, "time_from": time_from, "time_to": time_to,
                                  "page_size": page_size, "response_optional_fields": "order_status"}
        if cursor:
            params["cursor"] = cursor
        return self.call("GET", "/api/v2/order/get_order_list", params=params).get("response") or {}

    def get_order_detail(self, *, order_sns: list[str]) -> list[dict]:
        """Up to 50 orders with their items and total. Unknown order numbers are left out (Shopee names
        them in ``warning``); when none is known Shopee answers ``error_not_found``."""
        params = {"order_sn_list": ",".join(order_sns), "response_optional_fields": ORDER_DETAIL_FIELDS}
        return (self.call("GET", "/api/v2/order/get_order_detail", params=params).get("response") or {}).get(
            "order_list") or []


def shopee_push_signature(*, partner_key: str, url: str, raw_body: bytes) -> str:
    """The Authorization header of Shopee's pushes (docs/marketplaces/shopee.md, Push notifications; G-push https://open.shopee.com/developer-guide/18): the callback URL as registered,
    ``|``, then the raw body (never a re-serialised one)."""
    return hmac.new(partner_key.encode(), url.encode() + b"|" + raw_body, hashlib.sha256).hexdigest()
