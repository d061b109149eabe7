"""A local Lazada Open Platform (LazOP), written from Lazada's documentation as recorded in docs/marketplaces/lazada.md.

Built on ``marketplace_sandbox.base`` (server, clock, faults, call log, pushes): a real HTTP
server (threaded, loopback only), so the connector's HTTP code, timeouts and retries are exercised for real. It enforces what the documentation says:

- the signature (path + sorted ``key+value`` of every parameter but ``sign`` and files, HMAC-SHA256 with
  the app secret, UPPER-case hex), ``app_key``/``timestamp``/``sign`` mandatory (``MissingParameter``),
  a timestamp at most 7,200 s from now (Lazada documents no error code for this one: the simulator
  answers ``SimulatorInvalidTimestamp``, a code of its own), ``IncompleteSignature``,
  ``IllegalAccessToken``;
- the envelope ``{code, type, message, request_id}`` (``code "0"`` and ``data`` on success), always HTTP
  200 except injected 5xx;
- token lifetimes (test app: access 7 d, refresh 30 d; online app: 30 d / 180 d), the code single-use and
  valid 30 min (``InvalidCode``), refresh rotating the pair without extending the refresh token's life,
  the spent refresh token refused (``IllegalRefreshToken``);
- per-API rate limits answered with ``ApiCallLimit`` (the inventory API at Lazada's documented 50 calls
  per second per seller; other limits configurable), followed by the documented one-second ban;
- UpdatePriceQuantity at most 50 SKUs (``4171``), a mixed batch answered ``501`` with a per-SKU
  ``detail`` while the good SKUs are applied; CreateProduct's leaf category (``4134``), mandatory
  attributes (``4110``), SellerSku unique in the shop (``4105``), Lazada-hosted images only (``4138``),
  ``Images.Image`` as an array (``5``), forbidden characters (``4129``), integer VND prices (``4104``);
- GetProducts ``limit`` at most 50 (``19``), ``sku_seller_list`` at most 100 (``70``); MigrateImages at
  most 8 URLs; GetOrders / GetOrder / GetOrderItems (one order item per unit, each with its own status);
- push notifications (message_type 0, trade order) POSTed to ``push_url`` on every order change, signed
  ``hex(HMAC-SHA256(app_secret, app_key + body))`` in ``Authorization``, retried unless answered 2xx.

``Faults`` injects latency, HTTP 5xx, ``ApiCallLimit`` answers and timeouts per test. Nothing here imports
the connector: the conformance tests check this server against the documentation."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Call, Faults, Request, Response

from .auth import LazadaAuth
from .catalog import LazadaCatalog
from .orders import LazadaOrders
from .products import LazadaProducts
from .state import (
    API_PATHS,
    AUTH_PATHS,
    DEFAULT_ATTRIBUTES,
    DEFAULT_BRANDS,
    DEFAULT_CATEGORIES,
    TIMESTAMP_WINDOW,
    ApiError,
    Order,
    Product,
    Seller,
    Sku,
    _answer,
    _error,
    _parse_timestamp,
)


class LazadaSimulator(LazadaProducts, LazadaAuth, LazadaCatalog, LazadaOrders, SimulatorServer):
    """Start with ``.start()``; API gateway at ``.url + "/rest"``, consent page at ``.url + "/oauth/authorize"``.

    Faults (``set_faults(share_rate_limit=, share_5xx=, timeout_share=, latency=, paths=, seed=, ...)``) strike
    after the signature, token and rate-limit checks; ``paths`` and the call log name APIs without ``/rest``;
    ``after_call`` is called with ``(path, status, code)``; ``calls`` unpack as ``(path, status, code)``."""
    name = "lazada"

    path_prefix = "/rest"

    faults_in_handle = True

    # Push notifications: POSTed to push_url (when set) on every order change, signed app_key + body, one
    # after the other so they leave in the order the changes happened.
    push_in_order = True

    def __init__(self, *, app_key: str = "123456", app_secret: str = "test_secret",  # noqa: S107 - doc test vector
                 host: str = "127.0.0.1",
                 port: int = 0, sellers: dict[str, str] | None = None, app_status: str = "test",
                 api_rate_limits: dict[str, float] | None = None, default_api_rate_limit: float | None = None,
                 app_rate_limit: float | None = None, ban_seconds: float = 1.0,
                 registered_redirect_uri: str | None = None, price_min: int = 10_000, price_max: int = 999_999_999,
                 variant_price_ratio_min: float | None = 0.5, image_max_bytes: int = 1024 * 1024,
                 products_limit_max: int = 50, qc_status: str = "Active",
                 refresh_single_use: bool = True) -> None:
        # four attempts, 0.05 s, 0.1 s and 0.15 s apart
        super().__init__(host=host, port=port, push_retry_delays=(0.05, 0.1, 0.15), push_timeout=5.0)
        self.app_key = str(app_key)
        self.app_secret = app_secret
        self.app_status = app_status
        # Per seller and API: Lazada documents 50 calls/s per seller for the inventory API only.
        # inventory APIs: 50 calls per second per seller (G-invapi)
        self.api_rate_limits = {"/product/price_quantity/update": 50.0, "/product/stock/sellable/update": 50.0,
                                **(api_rate_limits or {})}
        self.default_api_rate_limit = default_api_rate_limit
        self.app_rate_limit = app_rate_limit
        self.ban_seconds = ban_seconds
        self.registered_redirect_uri = registered_redirect_uri
        self.price_min, self.price_max = price_min, price_max
        self.variant_price_ratio_min = variant_price_ratio_min
        self.image_max_bytes = image_max_bytes
        self.products_limit_max = products_limit_max
        self.qc_status = qc_status
        self.refresh_single_use = refresh_single_use
        self.categories = copy.deepcopy(DEFAULT_CATEGORIES)
        self.attributes = copy.deepcopy(DEFAULT_ATTRIBUTES)
        self.brands = copy.deepcopy(DEFAULT_BRANDS)
        self.sellers: dict[str, Seller] = {
            sid: Seller(seller_id=sid, name=name, user_id=str(900000 + n))
            for n, (sid, name) in enumerate((sellers or {"200100300": "Đặc sản Sen Đồng Tháp"}).items())
        }
        self.products: dict[int, Product] = {}
        self._by_sku_id: dict[int, tuple[Product, Sku]] = {}
        self.orders: dict[int, Order] = {}
        self.codes: dict[str, tuple[str, float]] = {}  # code -> (seller_id, issued_at)
        self.used_codes: set[str] = set()
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (seller_id, expires_at)
        self.refresh_tokens: dict[str, tuple[str, float]] = {}  # live refresh token -> (seller_id, expires_at)
        self.spent_refresh_tokens: set[str] = set()
        self.images: dict[str, int] = {}  # hosted URL -> size
        self.migrations: dict[str, dict] = {}  # batch id -> {"images": [...], "errors": [...]}
        # url -> bytes for MigrateImage(s); tests replace it. None: download (ports 80/443, no IP literal).
        self.image_fetcher = None
        self._item_ids = itertools.count(3_000_000_001)
        self._sku_ids = itertools.count(15_000_000_001)
        self._order_ids = itertools.count(500_000_000_001)
        self._order_item_ids = itertools.count(700_000_000_001)
        self._bans: dict[str, float] = {}  # rate-limit key -> banned until (monotonic clock)

    def set_faults(self, *, share_rate_limit: float = 0.0, **kwargs) -> Faults:
        """``Faults`` fields as keywords; ``share_rate_limit`` is Lazada's ``share_429``: that share of calls
        is answered ``ApiCallLimit``."""
        if share_rate_limit:
            kwargs["share_429"] = share_rate_limit
        return super().set_faults(**kwargs)

    def expected_sign(self, path: str, params: dict[str, str]) -> str:
        base = path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")
        return hmac.new(self.app_secret.encode(), base.encode(), hashlib.sha256).hexdigest().upper()

    def handle(self, request: Request) -> Response:
        path, method = request.path, request.method  # path_prefix took /rest off
        if path == "/oauth/authorize":
            if method == "POST":
                return self._consent_submit(request.body)
            return self._consent_page(request.query)
        request_id = uuid.uuid4().hex[:13]
        try:
            params, files = self._params(method, request.raw_query, request.headers, request.body)
            if path not in API_PATHS:
                raise ApiError("InvalidApiPath", "The specified API path is invalid", type_="ISV")
            if method not in API_PATHS[path]:
                raise ApiError("InvalidHttpMethod", f"{path} does not accept {method}")
            seller_id = self._check_common(path, params)
            self._rate_limit(path, seller_id)
            self.inject_faults(request)
            with self.lock:
                data = self._dispatch(path, params, files, seller_id)
            envelope = {"code": "0", "request_id": request_id}
            if isinstance(data, dict) and data.pop("_top_level", False):
                envelope.update(data)
            else:
                envelope["data"] = data
            return _answer(envelope, 200)
        except ApiError as exc:
            return _error(exc, request_id)

    def fault_response(self, kind: str, request: Request) -> Response:
        if kind == "timeout":  # hung before acting: whatever comes after the client gave up
            return Response(body=b"{}")
        if kind == "429":
            return _error(ApiError("ApiCallLimit", "Api access frequency exceeds the limit. this ban will last 1 seconds",
                                   type_="ISP"))
        return _error(ApiError("ServiceUnavailable", "Service unavailable, please try again later", type_="SYSTEM",
                               status=self.faults.status_code_5xx))

    def logged(self, request: Request, response: Response | None) -> bool:
        return request.path != "/oauth/authorize"  # the API calls; not the consent page the seller's browser sees

    def call_answered(self, request: Request, response: Response, call: Call) -> None:
        if self.after_call is not None:
            self.after_call(call.path, call.status, call.code)

    def _params(self, method: str, query: str, headers, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        files: dict[str, bytes] = {}
        if method != "POST" or not body:
            return params, files
        content_type = headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename() is not None:
                    files[name] = part.get_payload(decode=True) or b""
                else:
                    params[name] = (part.get_payload(decode=True) or b"").decode()
        else:
            params.update({k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()})
        return params, files

    def _check_common(self, path: str, params: dict[str, str]) -> str | None:
        for name in ("app_key", "timestamp", "sign"):
            if not params.get(name):
                raise ApiError("MissingParameter",
                               f"the input parameter “{name}” that is mandatory for processing this request is not supplied")
        if params["app_key"] != self.app_key:
            raise ApiError("APP_KEY_INVALID", "The specified app key is invalid")
        timestamp = _parse_timestamp(params["timestamp"])
        if timestamp is None or abs(time.time() - timestamp) > TIMESTAMP_WINDOW:
            raise ApiError("SimulatorInvalidTimestamp",
                           "[simulator] timestamp is more than 7200 s away from UTC (Lazada documents no code for this)")
        if params.get("sign_method", "sha256") != "sha256":
            raise ApiError("IncompleteSignature", "The request signature does not conform to lazop standards")
        if not hmac.compare_digest(self.expected_sign(path, params), params["sign"]):
            raise ApiError("IncompleteSignature", "The request signature does not conform to lazop standards")
        if path in AUTH_PATHS:
            return None
        token = params.get("access_token", "")
        if not token:
            raise ApiError("MissingParameter",
                           "the input parameter “access_token” that is mandatory for processing this request is not supplied")
        with self.lock:
            entry = self.access_tokens.get(token)
            if entry is None or entry[1] <= self.now():
                raise ApiError("IllegalAccessToken", "The specified access token is invalid or expired")
            return entry[0]

    def _rate_limit(self, path: str, seller_id: str | None) -> None:
        checks = []
        if self.app_rate_limit:
            checks.append((f"app:{path}", self.app_rate_limit))
        limit = self.api_rate_limits.get(path, self.default_api_rate_limit)
        if limit and seller_id:
            checks.append((f"seller:{seller_id}:{path}", limit))
        if not checks:
            return
        with self.lock:
            now = time.monotonic()
            for key, rate in checks:
                if self._bans.get(key, 0) > now:
                    raise ApiError("ApiCallLimit", "Api access frequency exceeds the limit. this ban will last 1 seconds",
                                   type_="ISP")
                window = self._windows[key]
                while window and window[0] <= now - 1.0:
                    window.popleft()
                if len(window) >= rate:
                    self._bans[key] = now + self.ban_seconds
                    raise ApiError("ApiCallLimit", "Api access frequency exceeds the limit. this ban will last 1 seconds",
                                   type_="ISP")
            for key, _rate in checks:
                self._windows[key].append(now)

    def _dispatch(self, path: str, params: dict[str, str], files: dict[str, bytes], seller_id: str | None):
        if path == "/auth/token/create":
            return self._token_create(params)
        if path == "/auth/token/refresh":
            return self._token_refresh(params)
        handler = getattr(self, "_api_" + path.strip("/").replace("/", "_"))
        return handler(seller_id, params, files)
