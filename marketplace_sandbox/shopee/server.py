"""A local Shopee Open Platform v2, written from Shopee's documentation as recorded in docs/marketplaces/shopee.md.

Built on ``marketplace_sandbox.base`` (server, clock, faults, rate-limit window, call log,
pushes): a real HTTP server (threaded, loopback only) so that the connector's HTTP code, timeouts and
retries are exercised for real. It enforces what the documentation says: the signature per API type
(Public: partner_id+path+timestamp; Shop: + access_token + shop_id), the 5-minute timestamp window, the
envelope ``{request_id, error, message, warning, response}``, token lifetimes (access 4 h, refresh 30 d
and single-use, code 10 min and single-use, old access token valid 5 min after a refresh), list limits
(50 per price/stock batch, 100 per page), mandatory category attributes, leaf-only categories, integer
VND prices and multipart image upload with per-image errors. Orders (get_order_list: update/create time
windows of at most 15 days, 100 per page, cursor pagination; get_order_detail: 1 to 50 order numbers,
``item_list`` only when asked for) and signed push notifications (code 3 on every order change, signed
``url|body``, retried unless answered 2xx with an empty body).

Where Shopee documents nothing (HTTP status of errors, rate limits) the simulator is configurable:
errors come with HTTP 400 (server errors 5xx), an optional per-partner limit answers HTTP 429 with
``error_system_busy``, and ``Faults`` injects latency, 5xx, 429s and timeouts per test.

Nothing here imports the connector: the conformance tests check this server against the documentation."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import time
import uuid

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Call, Request, Response

from .auth import ShopeeAuth
from .orders import ShopeeOrders
from .products import ShopeeProducts
from .state import (
    CATEGORY_LIMITS,
    DEFAULT_ATTRIBUTES,
    DEFAULT_CATEGORIES,
    DEFAULT_CHANNELS,
    DEFAULT_ITEM_LIMIT,
    DEFAULT_VARIATIONS,
    PUBLIC_PATHS,
    SHOP_PATHS,
    TIMESTAMP_WINDOW,
    ApiError,
    Shop,
    _answer,
    _error,
)


class ShopeeSimulator(ShopeeProducts, ShopeeOrders, ShopeeAuth, SimulatorServer):
    """Start with ``.start()``; ``.url`` is the host to give the connector. Thread-safe.

    Faults (``set_faults(share_429=, share_5xx=, timeout_share=, latency=, paths=, seed=, ...)``) strike after
    the partner, signature, token and rate-limit checks, never on the consent page; ``after_call`` is called
    with ``(path, status)``; ``calls`` unpack as ``(path, status, error)``."""
    name = "shopee"

    faults_in_handle = True

    # Push notifications: POSTed to push_url (when set) on every order change, signed url|body, by one sender
    # so they leave in the order the changes happened, as Shopee's would.
    push_in_order = True

    def __init__(self, *, partner_id: int = 2001887, partner_key: str = "test_partner_key",
                 host: str = "127.0.0.1", port: int = 0, rate_limit_per_second: float | None = None,
                 shops: dict[int, str] | None = None, reject_repeated_items: bool = True,
                 main_accounts: dict[int, list[int]] | None = None, new_item_status: str | None = None) -> None:
        # four attempts, 0.05 s, 0.1 s and 0.15 s apart
        super().__init__(host=host, port=port, push_retry_delays=(0.05, 0.1, 0.15), push_timeout=5.0)
        self.partner_id = partner_id
        self.partner_key = partner_key
        self.rate_limit_per_second = rate_limit_per_second
        self.reject_repeated_items = reject_repeated_items
        self.categories = [dict(c) for c in DEFAULT_CATEGORIES]
        self.attributes = {k: json.loads(json.dumps(v)) for k, v in DEFAULT_ATTRIBUTES.items()}
        self.channels = json.loads(json.dumps(DEFAULT_CHANNELS))
        self.item_limit = json.loads(json.dumps(DEFAULT_ITEM_LIMIT))
        #: get_item_limit per category, over ``item_limit`` (GTIN rule, weight and dimension flags)
        self.category_limits = {cid: json.loads(json.dumps(v)) for cid, v in CATEGORY_LIMITS.items()}
        self.variations = {cid: json.loads(json.dumps(v)) for cid, v in DEFAULT_VARIATIONS.items()}
        #: "REVIEWING": new items wait in review, as Shopee may hold them (get_item_list then lists them so)
        self.new_item_status = new_item_status
        self.shops: dict[int, Shop] = {
            sid: Shop(shop_id=sid, shop_name=name)
            for sid, name in (shops or {14701711: "Shop thử nghiệm Đồng Tháp"}).items()
        }
        self.codes: dict[str, tuple[int, float]] = {}  # code -> (shop_id, issued_at)
        self.used_codes: set[str] = set()
        self.access_tokens: dict[str, tuple[int, float]] = {}  # token -> (shop_id, expires_at)
        self.refresh_tokens: dict[str, tuple[int, float]] = {}  # live refresh tokens only
        self.spent_refresh_tokens: set[str] = set()
        self.images: dict[str, int] = {}  # image_id -> size
        self.image_scenes: dict[str, str] = {}  # image_id -> the upload's scene (normal / desc)
        # main accounts (docs/marketplaces/shopee.md, authorisation): id -> the shops it may authorise
        self.main_accounts: dict[int, list[int]] = main_accounts if main_accounts is not None else {
            90001: list(self.shops)}
        self.main_codes: dict[str, tuple[int, float]] = {}  # code -> (main_account_id, issued_at)
        self.shared_access_tokens: dict[str, tuple[frozenset[int], float]] = {}  # main account's token -> shops
        self.shared_refresh_tokens: dict[str, tuple[set[int], float]] = {}  # -> shops not refreshed yet
        self._sn_rng = random.Random(11)  # noqa: S311 - order numbers for tests, not security
        self._ids = itertools.count(800000001)

    def expected_sign(self, path: str, timestamp: str, access_token: str = "", shop_id: str = "") -> str:
        base = f"{self.partner_id}{path}{timestamp}{access_token}{shop_id}"
        return hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()

    def handle(self, request: Request) -> Response:
        path, query = request.path, request.query
        if path == "/sandbox/authorize" and request.method == "POST":
            return self._consent_submit(request.body)
        request_id = uuid.uuid4().hex[:20]
        try:
            if path not in PUBLIC_PATHS and path not in SHOP_PATHS:
                raise ApiError("error_not_found", "Invalid API path.", 404)
            shop_id = self._check_common(path, query)
            self.inject_faults(request)
            if path == "/api/v2/shop/auth_partner":
                return self._consent_page(query)
            payload = self._dispatch(request.method, path, query, request.headers, request.body, shop_id)
            envelope = {"request_id": request_id, "error": "", "message": "", "warning": "", "response": payload}
            if isinstance(payload, dict) and payload.pop("_top_level", False):
                envelope = {"request_id": request_id, "error": "", "message": "", **payload}
            if isinstance(payload, dict) and payload.get("_warning"):
                envelope["warning"] = payload.pop("_warning")
            return _answer(envelope, 200)
        except ApiError as exc:
            return _error(exc, request_id)

    def faultable(self, request: Request) -> bool:
        return request.path != "/api/v2/shop/auth_partner"

    def fault_response(self, kind: str, request: Request) -> Response:
        if kind == "timeout":  # hung before acting: whatever comes after the client gave up
            return Response(body=b"{}")
        if kind == "429":
            return _error(ApiError("error_system_busy", "Too many requests, please try again later", 429))
        return _error(ApiError("error_server", "Something wrong. Please try later.", self.faults.status_code_5xx))

    def logged(self, request: Request, response: Response | None) -> bool:
        # the API calls; not the consent page and form the seller's browser sees
        return response is None or response.content_type == "application/json"

    def call_answered(self, request: Request, response: Response, call: Call) -> None:
        if self.after_call is not None:
            self.after_call(call.path, call.status)

    def _check_common(self, path: str, query: dict) -> int | None:
        def q(name: str) -> str:
            return query.get(name, [""])[0]

        if not q("partner_id"):
            raise ApiError("error_param", "There is no partner_id in query.")
        if q("partner_id") != str(self.partner_id):
            raise ApiError("error_param", "Invalid partner_id.")
        if self.rate_limit_per_second and self.rate_limit_exceeded("partner", limit=self.rate_limit_per_second):
            raise ApiError("error_system_busy", "Too many requests, please try again later", 429)
        if not q("timestamp"):
            raise ApiError("error_param", "no timestamp")
        if not q("sign"):
            raise ApiError("error_param", "There is no sign in query.")
        try:
            timestamp = int(q("timestamp"))
        except ValueError:
            raise ApiError("error_param", "Invalid timestamp") from None
        if abs(time.time() - timestamp) > TIMESTAMP_WINDOW:
            raise ApiError("error_param", "Invalid timestamp")
        if path in PUBLIC_PATHS:
            expected = self.expected_sign(path, q("timestamp"))
            if not hmac.compare_digest(expected, q("sign")):
                raise ApiError("error_sign", "Wrong sign.")
            return None
        if not q("access_token"):
            raise ApiError("error_param", "There is no access_token in query.")
        if not q("shop_id"):
            raise ApiError("error_auth", "Invalid partner_id or shopid.")
        expected = self.expected_sign(path, q("timestamp"), q("access_token"), q("shop_id"))
        if not hmac.compare_digest(expected, q("sign")):
            raise ApiError("error_sign", "Wrong sign.")
        with self.lock:
            token = self.access_tokens.get(q("access_token"))
            try:
                shop_id = int(q("shop_id"))
            except ValueError:
                raise ApiError("error_auth", "Invalid partner_id or shopid.") from None
            if shop_id not in self.shops:
                raise ApiError("error_auth", "Invalid partner_id or shopid.")
            shared = self.shared_access_tokens.get(q("access_token"))
            if shared is not None and shop_id in shared[0]:  # a main account's token works for all its shops
                token = (shop_id, shared[1])
            if token is None or token[0] != shop_id or token[1] <= self.now():
                raise ApiError("error_auth", "Invalid access_token.", 403)
        return shop_id

    def _dispatch(self, method, path, query, headers, body, shop_id):
        name = path.rsplit("/", 1)[-1]
        expects_post = name in {"token", "get"} and "/auth/" in path or name in {
            "add_item", "update_item", "init_tier_variation", "add_model", "update_model", "update_tier_variation",
            "update_price", "update_stock", "unlist_item",
            "delete_item", "upload_image"}
        if expects_post and method != "POST":
            raise ApiError("error_param", "Wrong parameters, detail: method not allowed.")
        if not expects_post and method != "GET":
            raise ApiError("error_param", "Wrong parameters, detail: method not allowed.")
        if name == "upload_image":
            return self._upload_image(headers, body)
        data = {}
        if method == "POST":
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                raise ApiError("error_param", "Wrong parameters, detail: body is not JSON.") from None
            if not isinstance(data, dict):
                raise ApiError("error_param", "Wrong parameters, detail: body must be an object.")
        if path == "/api/v2/auth/token/get":
            return self._token_get(data)
        if path == "/api/v2/auth/access_token/get":
            return self._token_refresh(data)
        with self.lock:
            shop = self.shops[shop_id]
            handler = getattr(self, f"_api_{name}")
            return handler(shop, query, data)

    def _api_get_shop_info(self, shop: Shop, query, data) -> dict:
        return {"_top_level": True, "shop_name": shop.shop_name, "region": "VN", "status": "NORMAL"}
