"""A local TikTok Shop Partner API (202309 generation), written from TikTok Shop's documentation as recorded in docs/marketplaces/tiktok.md.

Built on ``marketplace_sandbox.base`` (server, faults, rate-limit windows, call log, pushes). It
enforces what the documentation says (the conformance cases of §3.5):

- the signature (``secret + path + sorted key+value (no sign, no access_token) + body + secret``,
  HMAC-SHA256, lower-case hex; the body is left out of multipart requests): a wrong one answers ``106001``,
  a missing one ``36009004``; the timestamp window [now − 5 min, now + 30 s] (``36009004``, three messages);
- the ``x-tts-access-token`` header: missing or unknown ``36009004``, expired ``105002``; ``shop_cipher``
  missing on a shop API ``106013``, present on a non-shop API ``36009004``, of another shop ``101000``;
- 50 requests per second per (app, shop, API): HTTP 429 with ``36009002``;
- the envelope ``{code, message, request_id, data}``;
- tokens: the code works once and lasts 30 min; expiries are absolute Unix times; access tokens last 7 days;
  the refresh token rotates and a spent one is refused (TikTok documents no code for refused codes and refresh
  tokens: the simulator answers ``36004004``, a code of its own);
- Create Product: ``idempotency_key`` (≤128) returns the first product of the shop for a repeated key and
  creates nothing; more than 100 SKUs ``12052050``; a non-leaf category ``12052024``, an unknown one
  ``12052023``; no main image ``12052028``; a title outside [25, 255] characters, a seller SKU outside 1-50
  characters or with spaces, a missing package weight or mandatory attribute ``12052910``; an inventory
  quantity outside 1-99 999 ``12052055``;
- the audit: a new product is ``PENDING`` until decided (``decide_audit``, or automatically after
  ``audit_seconds``; a title containing ``reject_marker`` is rejected), then ``ACTIVATE`` or ``FAILED`` with
  ``audit_failed_reasons`` in the requested locale, and a type-5 webhook goes to ``push_url``;
- Edit Product is a full overwrite: fields left out are cleared, except price and inventory;
- inventory updates must name every warehouse of a SKU (``12019028``) and the product must be ``ACTIVATE``;
- orders: search by update time, get by ids (at most 50); a type-1 webhook on every status change.

Where the documentation is silent the behaviour is a parameter: ``zero_stock_allowed`` (the documented
inventory range is 1-99 999, yet a sold-out SKU needs 0), ``refresh_single_use``. Nothing here imports the
connector: the conformance tests check this server against the documentation."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import threading
import time
import uuid
from collections.abc import Sequence

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response

from .auth import TikTokAuth
from .orders import TikTokOrders
from .products import TikTokProducts
from .state import (
    COD_UNSUPPORTED,
    DEFAULT_ATTRIBUTES,
    DEFAULT_CATEGORIES,
    FUTURE_WINDOW,
    PAST_WINDOW,
    RATE_LIMIT_CODE,
    ROUTES,
    ApiError,
    Order,
    Product,
    Shop,
    V,
)


class TikTokSimulator(TikTokProducts, TikTokOrders, TikTokAuth, SimulatorServer):
    """Start with ``.start()``; ``.url`` is both the API host and the auth host, the consent page is at
    ``.url + "/open/authorize"``. Thread-safe."""
    name = "tiktok"

    def __init__(self, *, app_key: str = "29a39d", app_secret: str = "e59af819cc",  # noqa: S107 - doc test vector
                 service_id: str = "7100000000000000001", host: str = "127.0.0.1", port: int = 0,
                 shops: dict[str, str] | None = None, rate_limit_per_second: float = 50.0,
                 audit_seconds: float | None = None, reject_marker: str | None = None,
                 zero_stock_allowed: bool = False, refresh_single_use: bool = True,
                 registered_redirect_uri: str = "", push_url: str | None = None,
                 push_retry_delays: Sequence[float] = (0.2, 0.5, 1.0, 2.0)) -> None:
        # four retries after a failed delivery, as TikTok documents (2 min, 30 min, 3 h, 12 h), scaled down
        super().__init__(host=host, port=port, push_url=push_url, push_retry_delays=push_retry_delays)
        self.app_key, self.app_secret, self.service_id = app_key, app_secret, service_id
        self.rate_limit_per_second = rate_limit_per_second
        self.audit_seconds = audit_seconds
        self.reject_marker = reject_marker
        self.zero_stock_allowed = zero_stock_allowed
        self.refresh_single_use = refresh_single_use
        self.registered_redirect_uri = registered_redirect_uri
        self.categories = [dict(c) for c in DEFAULT_CATEGORIES]
        self.attributes = {k: [dict(a) for a in v] for k, v in DEFAULT_ATTRIBUTES.items()}
        self.package_dimensions_required = False
        #: categories whose rules say cod.is_supported false (R-rules)
        self.cod_unsupported = set(COD_UNSUPPORTED)
        self.shops: dict[str, Shop] = {}
        for n, (shop_id, shop_name) in enumerate((shops or {"7494049642642441621": "Đặc sản Sa Đéc"}).items()):
            self.shops[shop_id] = Shop(shop_id=shop_id, name=shop_name, cipher=f"ROW_{secrets.token_hex(8)}",
                                       warehouses=[f"73{n:02d}000000000000001"],
                                       return_warehouse=f"73{n:02d}000000000000009")
        self.codes: dict[str, tuple[str, float]] = {}  # code -> (shop id, issued at)
        self.used_codes: set[str] = set()
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (shop id, expires at)
        self.refresh_tokens: dict[str, tuple[str, float]] = {}  # live refresh token -> (shop id, expires at)
        self.spent_refresh_tokens: set[str] = set()
        self.images: dict[str, int] = {}  # uri -> size
        self.image_use_cases: dict[str, str] = {}  # uri -> use_case it was uploaded with
        self.files: dict[str, str] = {}  # Upload Product File: id -> name
        self.brands: set[str] = {"7082427311584347905"}  # brand ids Get Brands would list
        self.products: dict[str, Product] = {}
        self.orders: dict[str, Order] = {}
        self._ids = itertools.count(1_729_000_000_000_000_001)
        self._sku_ids = itertools.count(1_730_000_000_000_000_001)
        self._order_ids = itertools.count(576_000_000_000_000_001)
        self._timers: list[threading.Timer] = []

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().stop()

    def shop(self, shop_id: str | None = None) -> Shop:
        return self.shops[shop_id] if shop_id else next(iter(self.shops.values()))

    def expected_sign(self, path: str, query: dict[str, str], body: bytes) -> str:
        params = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
        message = self.app_secret.encode() + path.encode() + params.encode() + body + self.app_secret.encode()
        return hmac.new(self.app_secret.encode(), message, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        signature = hmac.new(self.app_secret.encode(), self.app_key.encode() + body, hashlib.sha256).hexdigest()
        return {"Authorization": signature}

    def faultable(self, request: Request) -> bool:
        return request.path != "/open/authorize"

    def fault_response(self, kind: str, request: Request) -> Response:
        if kind == "429":
            return self._envelope_error(ApiError(RATE_LIMIT_CODE, "Too many requests", status=429))
        return self._envelope_error(ApiError(36009003, "Internal error. Please try again.",
                                             status=504 if kind == "timeout" else self.faults.status_code_5xx))

    def handle(self, request: Request) -> Response:
        if request.path == "/open/authorize":
            return self._consent_submit(request) if request.method == "POST" else self._consent_page(request)
        try:
            with self.lock:
                self._settle_audits()
            if request.path in ("/api/v2/token/get", "/api/v2/token/refresh"):
                return self._ok(self._token(request))
            route, ident = self._route(request)
            handler, shop_api = route
            shop = self._check_common(request, shop_api=shop_api)
            key = f"{shop.shop_id if shop else '-'}:{request.method}:{request.path if not ident else request.path.replace(ident, '{id}')}"
            if self.rate_limit_exceeded(key, limit=self.rate_limit_per_second):
                raise ApiError(RATE_LIMIT_CODE, "Too many requests", status=429)
            body = {}
            if request.body and request.content_type == "application/json":
                try:
                    body = request.json() or {}
                except ValueError:
                    raise ApiError(36009022, "Invalid content-type or body: expected JSON") from None
            with self.lock:
                data = getattr(self, f"_api_{handler}")(request, shop, ident, body)
            return self._ok(data)
        except ApiError as exc:
            return self._envelope_error(exc)

    @staticmethod
    def _ok(data: dict) -> Response:
        return Response.json({"code": 0, "message": "Success", "request_id": uuid.uuid4().hex[:24], "data": data})

    @staticmethod
    def _envelope_error(exc: ApiError) -> Response:
        return Response.json({"code": exc.code, "message": exc.message, "request_id": uuid.uuid4().hex[:24],
                              "data": exc.data}, status=exc.status, code=str(exc.code))

    def _route(self, request: Request) -> tuple[tuple[str, bool], str]:
        parts = request.path.rstrip("/").split("/")
        path_found = False
        for method, pattern, handler, shop_api in ROUTES:
            pattern_parts = pattern.split("/")
            if len(pattern_parts) != len(parts):
                continue
            ident = ""
            for have, want in zip(parts, pattern_parts, strict=True):
                if want == "{id}" and have.isdigit():
                    ident = have
                elif have != want:
                    break
            else:
                path_found = True
                if method == request.method:
                    return (handler, shop_api), ident
        if path_found:
            raise ApiError(36009010, f"The method {request.method} is not allowed for this path")
        # G-versions: a path we serve under another version segment is a retired (or unknown) version
        if len(parts) > 2 and parts[2].isdigit() and len(parts[2]) == 6:
            versioned = "/".join([*parts[:2], V, *parts[3:]])
            if any(self._route_matches(versioned, pattern) for _m, pattern, _h, _s in ROUTES):
                raise ApiError(36009014, "The version name is invalid")
        raise ApiError(36009009, "Invalid path", status=404)

    @staticmethod
    def _route_matches(path: str, pattern: str) -> bool:
        have, want = path.split("/"), pattern.split("/")
        return len(have) == len(want) and all(w == "{id}" and h.isdigit() or h == w for h, w in zip(have, want, strict=True))

    def _check_common(self, request: Request, *, shop_api: bool | None) -> Shop | None:
        if not request.param("app_key") or request.param("app_key") != self.app_key:
            raise ApiError(36009004, "Invalid credentials: the app_key is invalid")
        raw_ts = request.param("timestamp")
        try:
            timestamp = int(raw_ts)
        except ValueError:
            raise ApiError(36009004, "Invalid timestamp: timestamp is missing or not a number") from None
        now = time.time()
        if timestamp < 0 or timestamp < now - PAST_WINDOW:
            raise ApiError(36009004, "Invalid timestamp: the timestamp is more than 5 minutes old")
        if timestamp > now + FUTURE_WINDOW:
            raise ApiError(36009004, "Invalid timestamp: the timestamp is more than 30 seconds ahead")
        sign = request.param("sign")
        if not sign:
            raise ApiError(36009004, "Invalid credentials: sign is missing")
        query = {k: v[0] for k, v in request.query.items()}
        signed_body = b"" if request.content_type == "multipart/form-data" else request.body
        if not hmac.compare_digest(self.expected_sign(request.path, query, signed_body), sign):
            raise ApiError(106001, "Invalid sign")
        token = request.header("x-tts-access-token")
        if not token:
            raise ApiError(36009004, "Invalid credentials: the x-tts-access-token header is missing")
        with self.lock:
            entry = self.access_tokens.get(token)
            if entry is None:
                raise ApiError(36009004, "Invalid credentials: the access token is invalid")
            token_shop, expires = entry
            if expires <= self.now():
                raise ApiError(105002, "Expired credentials: the access token is expired")
        cipher = request.param("shop_cipher")
        if shop_api is None and not cipher:  # shop_cipher optional and not sent
            return self.shops[token_shop]
        if shop_api is False:
            if "shop_cipher" in request.query:
                raise ApiError(36009004, "Invalid credentials: this API does not accept shop_cipher")
            return self.shops[token_shop]
        if not cipher:
            raise ApiError(106013, "shop_cipher is missing")
        shop = next((s for s in self.shops.values() if s.cipher == cipher), None)
        if shop is None or shop.shop_id != token_shop:
            raise ApiError(101000, "The access token does not match the shop_cipher")
        return shop
