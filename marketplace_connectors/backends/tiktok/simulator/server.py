"""A local TikTok Shop Partner API (202309 generation), written from the documentation in shared/marketplaces.md §3.

Built on ``marketplace_connectors.simulator_base`` (server, faults, rate-limit windows, call log, pushes). It
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
connector: the conformance tests check this server against the documentation.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import secrets
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from marketplace_connectors.base import OrderStatus
from marketplace_connectors.simulator_base import Request, Response, SimulatorServer

DAY = 24 * 3600
ACCESS_TOKEN_LIFETIME = 7 * DAY
REFRESH_TOKEN_LIFETIME = 180 * DAY  # TikTok: "equivalent to the authorization duration"; not stated
CODE_LIFETIME = 30 * 60
PAST_WINDOW, FUTURE_WINDOW = 300, 30
MAX_SKUS = 100
MAX_IMAGES = 9
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IDEMPOTENCY_KEY = 128
MAX_PRODUCT_IDS = 20
MAX_ORDER_IDS = 50
QUANTITY_MIN, QUANTITY_MAX = 1, 99_999
V = "202309"
RATE_LIMIT_CODE = 36009002
SIM_INVALID_GRANT = 36004004  # the simulator's own code: TikTok documents none for a refused code or refresh token

# (method, path pattern) -> (handler name, shop API?)
ROUTES = [
    ("GET", f"/authorization/{V}/shops", "shops", False),
    ("GET", f"/product/{V}/categories", "categories", True),
    ("GET", f"/product/{V}/categories/{{id}}/attributes", "attributes", True),
    ("GET", f"/product/{V}/categories/{{id}}/rules", "rules", True),
    ("GET", f"/logistics/{V}/warehouses", "warehouses", True),
    ("POST", f"/product/{V}/images/upload", "image_upload", False),
    ("POST", f"/product/{V}/products", "product_create", True),
    ("DELETE", f"/product/{V}/products", "product_delete", True),
    ("POST", f"/product/{V}/products/search", "product_search", True),
    ("POST", f"/product/{V}/products/deactivate", "product_deactivate", True),
    ("POST", f"/product/{V}/products/activate", "product_activate", True),
    ("GET", f"/product/{V}/products/{{id}}", "product_get", True),
    ("PUT", f"/product/{V}/products/{{id}}", "product_edit", True),
    ("POST", f"/product/{V}/products/{{id}}/inventory/update", "inventory_update", True),
    ("POST", f"/product/{V}/products/{{id}}/prices/update", "price_update", True),
    ("POST", f"/order/{V}/orders/search", "order_search", True),
    ("GET", f"/order/{V}/orders", "order_get", True),
]

DEFAULT_CATEGORIES = [
    {"id": "600001", "parent_id": "0", "local_name": "Thực phẩm & Đồ uống", "is_leaf": False},
    {"id": "600101", "parent_id": "600001", "local_name": "Gạo & Ngũ cốc", "is_leaf": True},
    {"id": "600102", "parent_id": "600001", "local_name": "Trái cây sấy", "is_leaf": True},
    {"id": "600103", "parent_id": "600001", "local_name": "Bánh kẹo & Đồ ăn vặt", "is_leaf": True},
    {"id": "600002", "parent_id": "0", "local_name": "Nhà cửa & Đời sống", "is_leaf": False},
    {"id": "600201", "parent_id": "600002", "local_name": "Đồ thủ công mỹ nghệ", "is_leaf": True},
]
ORIGIN = {"id": "100101", "name": "Xuất xứ", "type": "PRODUCT_PROPERTY", "is_requried": True,
          "is_customizable": False, "is_multiple_selection": False,
          "values": [{"id": "1001011", "name": "Việt Nam"}, {"id": "1001012", "name": "Thái Lan"}]}
SHELF_LIFE = {"id": "100102", "name": "Hạn sử dụng", "type": "PRODUCT_PROPERTY", "is_requried": True,
              "is_customizable": True, "is_multiple_selection": False, "values": []}
WEIGHT_SALES = {"id": "100199", "name": "Khối lượng", "type": "SALES_PROPERTY", "is_requried": False,
                "is_customizable": True, "is_multiple_selection": False, "values": []}
DEFAULT_ATTRIBUTES = {
    "600101": [ORIGIN, SHELF_LIFE, WEIGHT_SALES],
    "600102": [ORIGIN, WEIGHT_SALES],
    "600103": [ORIGIN, WEIGHT_SALES],
    "600201": [{"id": "100201", "name": "Chất liệu", "type": "PRODUCT_PROPERTY", "is_requried": True,
                "is_customizable": True, "is_multiple_selection": False, "values": []}],
}
REJECTION = {"vi-VN": "Tiêu đề sản phẩm vi phạm chính sách đăng bán của TikTok Shop",
             "en-US": "The product title violates TikTok Shop's listing policy"}
REJECTION_SUGGESTION = {"vi-VN": "Sửa tiêu đề cho đúng với sản phẩm rồi gửi duyệt lại",
                        "en-US": "Edit the title to describe the product and submit it again"}


@dataclass
class Shop:
    shop_id: str
    name: str
    cipher: str
    warehouses: list[str]
    region: str = "VN"


@dataclass
class Sku:
    sku_id: str
    seller_sku: str
    price: int
    inventory: dict[str, int]  # warehouse id -> quantity
    sales_attributes: list[dict] = field(default_factory=list)


@dataclass
class Product:
    product_id: str
    shop_id: str
    body: dict  # title, description, category_id, main_images, package..., product_attributes (as last sent)
    skus: list[Sku]
    status: str
    create_time: int
    update_time: int
    idempotency_key: str = ""
    audit_due: float | None = None
    audit_reject: bool = False
    audit_reasons: list[dict] = field(default_factory=list)  # [{position, reasons{locale: text}, suggestions{...}}]
    price_locked: bool = False


@dataclass
class Order:
    order_id: str
    shop_id: str
    status: str
    create_time: int
    update_time: int
    line_items: list[dict]


class ApiError(Exception):
    def __init__(self, code: int, message: str, *, status: int = 200, data: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.data = code, message, status, data


def _image_kind(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content.startswith(b"BM"):
        return "bmp"
    return None


class TikTokSimulator(SimulatorServer):
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
        self.shops: dict[str, Shop] = {}
        for n, (shop_id, shop_name) in enumerate((shops or {"7494049642642441621": "Đặc sản Sa Đéc"}).items()):
            self.shops[shop_id] = Shop(shop_id=shop_id, name=shop_name, cipher=f"ROW_{secrets.token_hex(8)}",
                                       warehouses=[f"73{n:02d}000000000000001"])
        self.codes: dict[str, tuple[str, float]] = {}  # code -> (shop id, issued at)
        self.used_codes: set[str] = set()
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (shop id, expires at)
        self.refresh_tokens: dict[str, tuple[str, float]] = {}  # live refresh token -> (shop id, expires at)
        self.spent_refresh_tokens: set[str] = set()
        self.images: dict[str, int] = {}  # uri -> size
        self.products: dict[str, Product] = {}
        self.orders: dict[str, Order] = {}
        self._ids = itertools.count(1_729_000_000_000_000_001)
        self._sku_ids = itertools.count(1_730_000_000_000_000_001)
        self._order_ids = itertools.count(576_000_000_000_000_001)
        self._timers: list[threading.Timer] = []

    # --- lifecycle ---------------------------------------------------------------------------------
    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().stop()

    # --- test helpers ------------------------------------------------------------------------------
    def shop(self, shop_id: str | None = None) -> Shop:
        return self.shops[shop_id] if shop_id else next(iter(self.shops.values()))

    def issue_code(self, shop_id: str | None = None) -> str:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            code = f"TTP_{secrets.token_urlsafe(24)}"
            self.codes[code] = (self.shop(shop_id).shop_id, self.now())
            return code

    def expire_access_tokens(self, shop_id: str | None = None) -> None:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            for token, (shop, _exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[token] = (shop, self.now() - 1)

    def revoke_refresh_tokens(self, shop_id: str | None = None) -> None:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            for token, (shop, _exp) in list(self.refresh_tokens.items()):
                if shop == shop_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def live_products(self, shop_id: str | None = None) -> list[Product]:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            self._settle_audits()
            return [p for p in self.products.values() if p.shop_id == shop_id and p.status != "DELETED"]

    def product(self, product_id: str) -> Product:
        with self.lock:
            self._settle_audits()
            return self.products[str(product_id)]

    def decide_audit(self, product_id: str, approve: bool, reason: str = "") -> None:
        """The audit team's decision on a PENDING product: ACTIVATE, or FAILED with ``reason`` (used for every
        locale). Sends the type-5 webhook to ``push_url``."""
        with self.lock:
            product = self.products[str(product_id)]
            if product.status != "PENDING":
                raise ValueError(f"product {product_id} is {product.status}, not PENDING")
            self._decide(product, approve=approve, reason=reason)

    # --- SandboxSimulator protocol -------------------------------------------------------------------
    def create_order(self, *, shop_id: str, items: Sequence[tuple[str, int]], status: str = "AWAITING_SHIPMENT") -> str:
        """A buyer's paid order of ``(seller SKU, quantity)``; stock goes down (default warehouse); one line
        item per unit, as TikTok lists them. Sends a type-1 webhook."""
        with self.lock:
            shop = self.shop(shop_id or None)
            now = int(self.now())
            order = Order(order_id=str(next(self._order_ids)), shop_id=shop.shop_id, status=status, create_time=now,
                          update_time=now, line_items=[])
            for seller_sku, quantity in items:
                product, sku = self._find_sku(shop.shop_id, seller_sku)
                warehouse = next(iter(sku.inventory))
                if sku.inventory[warehouse] < quantity:
                    raise ValueError(f"only {sku.inventory[warehouse]} of {seller_sku} in stock")
                sku.inventory[warehouse] -= quantity
                for _ in range(quantity):
                    order.line_items.append({
                        "id": str(next(self._order_ids)), "sku_id": sku.sku_id, "seller_sku": sku.seller_sku,
                        "product_id": product.product_id, "product_name": product.body.get("title", ""),
                        "sale_price": str(sku.price), "original_price": str(sku.price), "currency": "VND",
                        "display_status": status})
            self.orders[order.order_id] = order
            self._order_webhook(order)
            return order.order_id

    def set_order_status(self, *, order_id: str, status: OrderStatus | str) -> None:
        """Move an order on. Our statuses map to TikTok's; RETURNED becomes CANCELLED (TikTok models returns as
        reverse orders, which this simulator does not serve; neither holds stock). Cancelling puts stock back."""
        words = {OrderStatus.UNPAID: "UNPAID", OrderStatus.PENDING: "ON_HOLD",
                 OrderStatus.READY_TO_SHIP: "AWAITING_COLLECTION", OrderStatus.SHIPPED: "IN_TRANSIT",
                 OrderStatus.DELIVERED: "DELIVERED", OrderStatus.CANCELLED: "CANCELLED",
                 OrderStatus.RETURNED: "CANCELLED"}
        word = words[OrderStatus(status)] if status in set(OrderStatus) else str(status)
        with self.lock:
            order = self.orders[str(order_id)]
            if word == "CANCELLED" and order.status != "CANCELLED":
                for item in order.line_items:
                    _product, sku = self._find_sku(order.shop_id, item["seller_sku"])
                    sku.inventory[next(iter(sku.inventory))] += 1
            order.status = word
            for item in order.line_items:
                item["display_status"] = word
            order.update_time = max(int(self.now()), order.update_time + 1)
            self._order_webhook(order)

    def stock_of(self, *, shop_id: str, sku: str) -> int | None:
        with self.lock:
            try:
                _product, found = self._find_sku(self.shop(shop_id or None).shop_id, sku)
            except KeyError:
                return None
            return sum(found.inventory.values())

    # --- signing (the documented algorithms) -----------------------------------------------------------
    def expected_sign(self, path: str, query: dict[str, str], body: bytes) -> str:
        params = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
        message = self.app_secret.encode() + path.encode() + params.encode() + body + self.app_secret.encode()
        return hmac.new(self.app_secret.encode(), message, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        signature = hmac.new(self.app_secret.encode(), self.app_key.encode() + body, hashlib.sha256).hexdigest()
        return {"Authorization": signature}

    # --- simulator_base hooks ---------------------------------------------------------------------------
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

    # --- envelope ----------------------------------------------------------------------------------------
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
        raise ApiError(36009009, "Invalid path", status=404)

    def _check_common(self, request: Request, *, shop_api: bool) -> Shop | None:
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
        if not shop_api:
            if "shop_cipher" in request.query:
                raise ApiError(36009004, "Invalid credentials: this API does not accept shop_cipher")
            return self.shops[token_shop]
        if not cipher:
            raise ApiError(106013, "shop_cipher is missing")
        shop = next((s for s in self.shops.values() if s.cipher == cipher), None)
        if shop is None or shop.shop_id != token_shop:
            raise ApiError(101000, "The access token does not match the shop_cipher")
        return shop

    # --- authorisation -----------------------------------------------------------------------------------
    def _consent_page(self, request: Request) -> Response:
        service_id, state = request.param("service_id"), request.param("state")
        redirect = request.param("redirect_uri") or self.registered_redirect_uri
        if service_id != self.service_id or not redirect:
            return Response(status=400, content_type="text/html; charset=utf-8",
                            body="<p>Liên kết ủy quyền không hợp lệ (service_id hoặc redirect).</p>".encode())
        options = "".join(f'<option value="{html.escape(s.shop_id)}">{html.escape(s.name)}</option>'
                          for s in self.shops.values())
        hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                         for k, v in (("state", state), ("redirect_uri", redirect)))
        page = (f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>TikTok Shop (sandbox)</title>'
                f'<h1>TikTok Shop Seller Center (sandbox)</h1><p>Ứng dụng muốn quản lý sản phẩm và đơn hàng của shop.</p>'
                f'<form method="post" action="/open/authorize">{hidden}<label>Shop <select name="shop_id">{options}'
                f'</select></label> <button name="decision" value="approve">Ủy quyền</button> '
                f'<button name="decision" value="deny">Từ chối</button></form></html>')
        return Response(content_type="text/html; charset=utf-8", body=page.encode())

    def _consent_submit(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        redirect = form.get("redirect_uri") or self.registered_redirect_uri
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect")
        if form.get("decision") == "approve":
            params = {"code": self.issue_code(form.get("shop_id") or None), "state": form.get("state", "")}
        else:
            params = {"code": "null", "error": "auth_denied", "state": form.get("state", "")}
        separator = "&" if "?" in redirect else "?"
        return Response(status=302, body=b"", headers={"Location": f"{redirect}{separator}{urlencode(params)}"})

    def _new_tokens(self, shop_id: str, *, refresh_expires: float | None = None) -> dict:
        now = self.now()
        access, refresh = f"ROW_{secrets.token_urlsafe(24)}", f"TTP_{secrets.token_urlsafe(24)}"
        refresh_expires = refresh_expires or now + REFRESH_TOKEN_LIFETIME
        self.access_tokens[access] = (shop_id, now + ACCESS_TOKEN_LIFETIME)
        self.refresh_tokens[refresh] = (shop_id, refresh_expires)
        return {"access_token": access, "access_token_expire_in": int(now + ACCESS_TOKEN_LIFETIME),
                "refresh_token": refresh, "refresh_token_expire_in": int(refresh_expires),
                "open_id": f"open_{shop_id}", "seller_name": self.shops[shop_id].name, "seller_base_region": "VN",
                "user_type": 0, "granted_scopes": ["seller.product.basic", "seller.order.info"]}

    def _token(self, request: Request) -> dict:
        if request.param("app_key") != self.app_key or request.param("app_secret") != self.app_secret:
            raise ApiError(36009004, "Invalid credentials: app_key or app_secret is invalid")
        grant = request.param("grant_type")
        with self.lock:
            if request.path.endswith("/get"):
                if grant != "authorized_code":
                    raise ApiError(36009004, "grant_type must be authorized_code")
                code = request.param("auth_code")
                entry = self.codes.get(code)
                if entry is None or code in self.used_codes or entry[1] + CODE_LIFETIME < self.now():
                    raise ApiError(SIM_INVALID_GRANT, "[simulator] auth_code is invalid, used or expired")
                self.used_codes.add(code)
                return self._new_tokens(entry[0])
            if grant != "refresh_token":
                raise ApiError(36009004, "grant_type must be refresh_token")
            token = request.param("refresh_token")
            entry = self.refresh_tokens.get(token)
            if entry is None or entry[1] <= self.now():
                raise ApiError(SIM_INVALID_GRANT, "[simulator] refresh_token is invalid, spent or expired")
            if self.refresh_single_use:
                del self.refresh_tokens[token]
                self.spent_refresh_tokens.add(token)
            return self._new_tokens(entry[0], refresh_expires=entry[1])

    def _api_shops(self, request, shop, ident, body) -> dict:
        return {"shops": [{"id": shop.shop_id, "name": shop.name, "region": shop.region, "seller_type": "LOCAL",
                           "cipher": shop.cipher, "code": f"VN{shop.shop_id[-6:]}"}]}

    # --- catalog metadata -----------------------------------------------------------------------------------
    def _api_categories(self, request, shop, ident, body) -> dict:
        return {"categories": [{**c, "permission_statuses": ["AVAILABLE"]} for c in self.categories]}

    def _category(self, category_id: str, *, leaf: bool = True) -> dict:
        found = next((c for c in self.categories if c["id"] == str(category_id)), None)
        if found is None:
            raise ApiError(12052023, "Category does not exist")
        if leaf and not found["is_leaf"]:
            raise ApiError(12052024, "Category is not final category")
        return found

    def _api_attributes(self, request, shop, ident, body) -> dict:
        self._category(ident)
        return {"attributes": self.attributes.get(ident, [])}

    def _api_rules(self, request, shop, ident, body) -> dict:
        self._category(ident)
        return {"product_certifications": [], "size_chart": {"is_supported": False, "is_required": False},
                "cod": {"is_supported": True}, "package_dimension": {"is_required": self.package_dimensions_required}}

    def _api_warehouses(self, request, shop, ident, body) -> dict:
        return {"warehouses": [{"id": w, "name": f"Kho {shop.name}", "effect_status": "ENABLED", "type": "SALES_WAREHOUSE",
                                "sub_type": "DOMESTIC_WAREHOUSE", "is_default": n == 0}
                               for n, w in enumerate(shop.warehouses)]}

    def _api_image_upload(self, request, shop, ident, body) -> dict:
        if request.content_type != "multipart/form-data":
            raise ApiError(36009023, "Invalid content-type: expected multipart/form-data")
        fields, files = request.multipart()
        upload = files.get("data")
        if upload is None:
            raise ApiError(12052910, "Invalid input parameters: the image file (data) is missing")
        if len(upload.content) > MAX_IMAGE_BYTES:
            raise ApiError(36009021, "The file is too big: images may have at most 10 MB")
        if _image_kind(upload.content) is None:
            raise ApiError(12052910, "Invalid input parameters: the image must be JPG, JPEG, PNG, WEBP, HEIC or BMP")
        uri = f"tos-alisg-i-{hashlib.md5(upload.content, usedforsecurity=False).hexdigest()[:12]}-{uuid.uuid4().hex[:8]}"
        self.images[uri] = len(upload.content)
        return {"uri": uri, "url": f"https://p16-oec-va.ibyteimg.com/{uri}~tplv-o3syd03w52-origin-jpeg.jpeg",
                "width": 800, "height": 800, "use_case": fields.get("use_case") or "MAIN_IMAGE"}

    # --- products ------------------------------------------------------------------------------------------
    def _check_product_body(self, shop: Shop, body: dict, *, existing: Product | None = None) -> list[Sku]:
        title = str(body.get("title") or "")
        if not 25 <= len(title) <= 255:
            raise ApiError(12052910, "Invalid input parameters: the title must have 25 to 255 characters")
        if len(str(body.get("description") or "")) > 10_000:
            raise ApiError(12052910, "Invalid input parameters: the description may have at most 10000 characters")
        category = self._category(str(body.get("category_id") or ""))
        images = body.get("main_images") or []
        if not images:
            raise ApiError(12052028, "The main image is missing")
        if len(images) > MAX_IMAGES:
            raise ApiError(12052910, "Invalid input parameters: at most 9 main images")
        if any(str((i or {}).get("uri")) not in self.images for i in images):
            raise ApiError(12052910, "Invalid input parameters: unknown image uri")
        weight = body.get("package_weight") or {}
        if not weight.get("value") or weight.get("unit") not in ("KILOGRAM", "POUND"):
            raise ApiError(12052910, "Invalid input parameters: package_weight is required")
        if self.package_dimensions_required and not body.get("package_dimensions"):
            raise ApiError(12052910, "Invalid input parameters: package_dimensions is required for this category")
        given = {str(a.get("id")) for a in body.get("product_attributes") or [] if a.get("values")}
        for attr in self.attributes.get(category["id"], []):
            if attr["type"] == "PRODUCT_PROPERTY" and attr["is_requried"] and attr["id"] not in given:
                raise ApiError(12052910, f"Invalid input parameters: the attribute {attr['name']} is required")
        raw_skus = body.get("skus") or []
        if not raw_skus:
            raise ApiError(12052910, "Invalid input parameters: skus is required")
        if len(raw_skus) > MAX_SKUS:
            raise ApiError(12052050, "The number of SKUs exceeds the limit of 100")
        old = {s.sku_id: s for s in existing.skus} if existing else {}
        skus: list[Sku] = []
        seen: set[str] = set()
        for raw in raw_skus:
            seller_sku = str(raw.get("seller_sku") or "")
            if not 1 <= len(seller_sku) <= 50 or any(c.isspace() for c in seller_sku):
                raise ApiError(12052910, "Invalid input parameters: seller_sku must have 1 to 50 characters, no spaces")
            if seller_sku in seen:
                raise ApiError(12052910, "Invalid input parameters: seller_sku is repeated in the product")
            seen.add(seller_sku)
            sku_id = str(raw.get("id") or "")
            if sku_id and sku_id not in old:
                raise ApiError(12052910, f"Invalid input parameters: SKU {sku_id} does not belong to the product")
            before = old.get(sku_id)
            price = self._price(raw.get("price")) if raw.get("price") or before is None else before.price
            if raw.get("inventory") or before is None:
                inventory = self._inventory(shop, raw.get("inventory"), zero_ok=False)
            else:
                inventory = dict(before.inventory)
            skus.append(Sku(sku_id=sku_id or str(next(self._sku_ids)), seller_sku=seller_sku, price=price,
                            inventory=inventory, sales_attributes=list(raw.get("sales_attributes") or [])))
        shapes = {tuple(sorted(str(a.get("name") or a.get("id")) for a in s.sales_attributes)) for s in skus}
        if len(shapes) > 1:
            raise ApiError(12052910, "Invalid input parameters: every SKU must have the same sales attributes")
        return skus

    def _price(self, price) -> int:
        price = price or {}
        if price.get("currency") != "VND":
            raise ApiError(12052910, "Invalid input parameters: currency must be VND")
        amount = str(price.get("amount") or "")
        if not amount.isdigit() or int(amount) <= 0:
            raise ApiError(12052910, "Invalid input parameters: the price amount must be a whole number of VND")
        return int(amount)

    def _inventory(self, shop: Shop, entries, *, zero_ok: bool) -> dict[str, int]:
        if not entries:
            raise ApiError(12052910, "Invalid input parameters: inventory is required")
        out: dict[str, int] = {}
        for entry in entries:
            warehouse = str(entry.get("warehouse_id") or "")
            if warehouse not in shop.warehouses:
                raise ApiError(12019022, "SKU must contain a valid warehouse.")
            quantity = entry.get("quantity")
            low = 0 if zero_ok else QUANTITY_MIN
            if not isinstance(quantity, int) or not low <= quantity <= QUANTITY_MAX:
                raise ApiError(12052055, "The inventory quantity must be between 1 and 99999")
            out[warehouse] = quantity
        return out

    def _product_of(self, shop: Shop, product_id: str) -> Product:
        product = self.products.get(str(product_id))
        if product is None or product.shop_id != shop.shop_id or product.status == "DELETED":
            raise ApiError(12052032, "The product does not exist")
        return product

    def _api_product_create(self, request, shop, ident, body) -> dict:
        key = str(body.get("idempotency_key") or "")
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise ApiError(12052910, "Invalid input parameters: idempotency_key may have at most 128 characters")
        if key:
            earlier = next((p for p in self.products.values() if p.shop_id == shop.shop_id and p.idempotency_key == key
                            and p.status != "DELETED"), None)
            if earlier is not None:
                return self._create_answer(earlier)
        skus = self._check_product_body(shop, body)
        now = int(self.now())
        kept = {k: v for k, v in body.items() if k not in ("skus", "idempotency_key")}
        product = Product(product_id=str(next(self._ids)), shop_id=shop.shop_id, body=kept, skus=skus,
                          status="DRAFT" if body.get("save_mode") == "AS_DRAFT" else "PENDING",
                          create_time=now, update_time=now, idempotency_key=key)
        self.products[product.product_id] = product
        if product.status == "PENDING":
            self._schedule_audit(product)
        return self._create_answer(product)

    @staticmethod
    def _create_answer(product: Product) -> dict:
        return {"product_id": product.product_id, "warnings": [],
                "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku, "sales_attributes": s.sales_attributes}
                         for s in product.skus]}

    def _api_product_edit(self, request, shop, ident, body) -> dict:
        product = self._product_of(shop, ident)
        if product.status == "FREEZE":
            raise ApiError(12052901, "The product in its current status is not available for this operation")
        product.skus = self._check_product_body(shop, body, existing=product)
        product.body = {k: v for k, v in body.items() if k not in ("skus", "idempotency_key")}  # full overwrite
        product.update_time = int(self.now())
        if product.status in ("PENDING", "FAILED", "DRAFT"):
            product.status = "PENDING"
            product.audit_reasons = []
            self._schedule_audit(product)
        # a live product stays live while the edit is audited; the simulator approves edits at once
        return {"product_id": product.product_id,
                "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku} for s in product.skus]}

    def _product_json(self, product: Product, *, locale: str = "en-US") -> dict:
        out = {"id": product.product_id, "status": product.status, "title": product.body.get("title", ""),
               "description": product.body.get("description", ""),
               "category_chains": [{"id": product.body.get("category_id"), "is_leaf": True}],
               "main_images": [{"uri": i.get("uri")} for i in product.body.get("main_images") or []],
               "package_weight": product.body.get("package_weight"),
               "product_attributes": product.body.get("product_attributes") or [],
               "create_time": product.create_time, "update_time": product.update_time,
               "audit": {"status": {"PENDING": "AUDITING", "FAILED": "FAILED", "ACTIVATE": "APPROVED"}.get(product.status, "NONE")},
               "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku, "sales_attributes": s.sales_attributes,
                         "price": {"amount": str(s.price), "currency": "VND", "sale_price": str(s.price)},
                         "inventory": [{"warehouse_id": w, "quantity": q} for w, q in s.inventory.items()]}
                        for s in product.skus]}
        if product.body.get("package_dimensions"):
            out["package_dimensions"] = product.body["package_dimensions"]
        if product.audit_reasons:
            out["audit_failed_reasons"] = [
                {"position": r["position"], "reasons": [r["reasons"].get(locale) or r["reasons"]["en-US"]],
                 "suggestions": [r["suggestions"].get(locale) or r["suggestions"]["en-US"]] if r["suggestions"] else []}
                for r in product.audit_reasons]
        return out

    def _api_product_get(self, request, shop, ident, body) -> dict:
        product = self.products.get(ident)
        if product is None or product.shop_id != shop.shop_id or product.status in ("DELETED", "FREEZE"):
            raise ApiError(12052032, "The product does not exist")
        return self._product_json(product, locale=request.param("locale") or "en-US")

    def _api_product_search(self, request, shop, ident, body) -> dict:
        try:
            page_size = int(request.param("page_size") or 0)
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= 100:
            raise ApiError(12052910, "Invalid input parameters: page_size must be 1 to 100")
        offset = int(request.param("page_token") or 0) if request.param("page_token").isdigit() else 0
        seller_skus = set(body.get("seller_skus") or [])
        status = body.get("status") or "ALL"
        since, until = body.get("update_time_ge"), body.get("update_time_le")
        found = [p for p in self.products.values() if p.shop_id == shop.shop_id
                 and (status == "ALL" and p.status != "DELETED" or p.status == status)
                 and (not seller_skus or seller_skus & {s.seller_sku for s in p.skus})
                 and (since is None or p.update_time >= int(since)) and (until is None or p.update_time <= int(until))]
        found.sort(key=lambda p: p.product_id)
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        return {"total_count": len(found), "next_page_token": str(offset + page_size) if more else "",
                "products": [{k: v for k, v in self._product_json(p).items()
                              if k in ("id", "title", "status", "skus", "create_time", "update_time", "audit")}
                             for p in page]}

    def _bulk(self, shop: Shop, body: dict, act) -> dict:
        ids = [str(i) for i in body.get("product_ids") or []]
        if not ids:
            raise ApiError(12052910, "Invalid input parameters: product_ids is required")
        if len(ids) > MAX_PRODUCT_IDS:
            raise ApiError(12019120, "The number of provided product IDs exceeds the limit.")
        errors = []
        for product_id in ids:
            product = self.products.get(product_id)
            if product is None or product.shop_id != shop.shop_id or product.status == "DELETED":
                errors.append({"code": 12052032, "message": "The product does not exist",
                               "detail": {"product_id": product_id}})
                continue
            problem = act(product)
            if problem:
                errors.append({"code": 12052901, "message": problem, "detail": {"product_id": product_id}})
            else:
                product.update_time = int(self.now())
        return {"errors": errors} if errors else {}

    def _api_product_deactivate(self, request, shop, ident, body) -> dict:
        def act(product: Product) -> str:
            if product.status in ("ACTIVATE", "SELLER_DEACTIVATED"):
                product.status = "SELLER_DEACTIVATED"
                return ""
            return "The product in its current status is not available for this operation"
        return self._bulk(shop, body, act)

    def _api_product_activate(self, request, shop, ident, body) -> dict:
        def act(product: Product) -> str:
            if product.status in ("ACTIVATE", "SELLER_DEACTIVATED"):
                product.status = "ACTIVATE"
                return ""
            return "The product in its current status is not available for this operation"
        return self._bulk(shop, body, act)

    def _api_product_delete(self, request, shop, ident, body) -> dict:
        def act(product: Product) -> str:
            product.status = "DELETED"
            return ""
        return self._bulk(shop, body, act)

    def _skus_of(self, product: Product, body: dict) -> list[tuple[Sku, dict]]:
        entries = body.get("skus") or []
        if not entries:
            raise ApiError(12052910, "Invalid input parameters: skus is required")
        by_id = {s.sku_id: s for s in product.skus}
        out = []
        for entry in entries:
            sku = by_id.get(str(entry.get("id") or ""))
            if sku is None:
                raise ApiError(12019059, "seller sku is invalid: the SKU does not belong to the product")
            out.append((sku, entry))
        return out

    def _api_inventory_update(self, request, shop, ident, body) -> dict:
        product = self._product_of(shop, ident)
        if product.status != "ACTIVATE":
            raise ApiError(12019113, "product status is invalid: the product must be ACTIVATE")
        changes = []
        for sku, entry in self._skus_of(product, body):
            inventory = self._inventory(shop, entry.get("inventory"), zero_ok=self.zero_stock_allowed)
            if set(inventory) != set(sku.inventory):
                raise ApiError(12019028, "Multiple warehouses detected. Include all warehouse IDs of the SKU.")
            changes.append((sku, inventory))
        for sku, inventory in changes:
            sku.inventory = inventory
        product.update_time = int(self.now())
        return {}

    def _api_price_update(self, request, shop, ident, body) -> dict:
        product = self._product_of(shop, ident)
        if product.status != "ACTIVATE":
            raise ApiError(12019113, "product status is invalid: the product must be ACTIVATE")
        if product.price_locked:
            raise ApiError(12052038, "price is locked: the product is in a promotion")
        changes = [(sku, self._price(entry.get("price"))) for sku, entry in self._skus_of(product, body)]
        for sku, price in changes:
            sku.price = price
        product.update_time = int(self.now())
        return {}

    # --- audit -----------------------------------------------------------------------------------------------
    def _schedule_audit(self, product: Product) -> None:
        reject = bool(self.reject_marker and self.reject_marker in str(product.body.get("title") or ""))
        if self.audit_seconds is None and not reject:
            return  # waits for decide_audit
        delay = self.audit_seconds or 0.0
        product.audit_due, product.audit_reject = self.now() + delay, reject
        if delay <= 0:
            self._decide(product, approve=not reject)
            return
        timer = threading.Timer(delay, self._settle_audits_locked)
        timer.daemon = True
        timer.start()
        self._timers.append(timer)

    def _settle_audits_locked(self) -> None:
        with self.lock:
            self._settle_audits()

    def _settle_audits(self) -> None:
        now = self.now()
        for product in self.products.values():
            if product.status == "PENDING" and product.audit_due is not None and product.audit_due <= now:
                self._decide(product, approve=not product.audit_reject)

    def _decide(self, product: Product, *, approve: bool, reason: str = "") -> None:
        product.audit_due = None
        product.update_time = int(self.now())
        if approve:
            product.status, product.audit_reasons = "ACTIVATE", []
        else:
            reasons = {"vi-VN": reason, "en-US": reason} if reason else dict(REJECTION)
            product.status = "FAILED"
            product.audit_reasons = [{"position": "title", "reasons": reasons,
                                      "suggestions": {} if reason else dict(REJECTION_SUGGESTION)}]
        self.push({"type": 5, "tts_notification_id": str(next(self._ids)), "shop_id": product.shop_id,
                   "timestamp": int(self.now()),
                   "data": {"product_id": product.product_id, "status": product.status,
                            "suspended_reason": "" if approve else (reason or REJECTION["en-US"]),
                            "update_time": product.update_time}})

    # --- orders ----------------------------------------------------------------------------------------------
    def _find_sku(self, shop_id: str, seller_sku: str) -> tuple[Product, Sku]:
        for product in self.products.values():
            if product.shop_id == shop_id and product.status != "DELETED":
                for sku in product.skus:
                    if sku.seller_sku == seller_sku:
                        return product, sku
        raise KeyError(seller_sku)

    def _order_webhook(self, order: Order) -> None:
        self.push({"type": 1, "tts_notification_id": str(next(self._ids)), "shop_id": order.shop_id,
                   "timestamp": int(self.now()),
                   "data": {"order_id": order.order_id, "order_status": order.status, "is_on_hold_order": False,
                            "update_time": order.update_time}})

    def _order_json(self, order: Order) -> dict:
        total = sum(int(i["sale_price"]) for i in order.line_items)
        return {"id": order.order_id, "status": order.status, "create_time": order.create_time,
                "update_time": order.update_time, "line_items": [dict(i) for i in order.line_items],
                "payment": {"currency": "VND", "total_amount": str(total), "sub_total": str(total)}}

    def _api_order_search(self, request, shop, ident, body) -> dict:
        try:
            page_size = int(request.param("page_size") or 0)
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= 100:
            raise ApiError(12052910, "Invalid input parameters: page_size must be 1 to 100")
        field_name = request.param("sort_field") or "create_time"
        if field_name not in ("create_time", "update_time"):
            raise ApiError(12052910, "Invalid input parameters: sort_field")
        offset = int(request.param("page_token")) if request.param("page_token").isdigit() else 0
        bounds = {k: int(body[k]) for k in ("update_time_ge", "update_time_lt", "create_time_ge", "create_time_lt")
                  if body.get(k) is not None}
        found = [o for o in self.orders.values() if o.shop_id == shop.shop_id
                 and o.update_time >= bounds.get("update_time_ge", 0)
                 and o.update_time < bounds.get("update_time_lt", 1 << 62)
                 and o.create_time >= bounds.get("create_time_ge", 0)
                 and o.create_time < bounds.get("create_time_lt", 1 << 62)
                 and (not body.get("order_status") or o.status == body["order_status"])]
        found.sort(key=lambda o: (getattr(o, field_name), o.order_id), reverse=request.param("sort_order") != "ASC")
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        return {"total_count": len(found), "next_page_token": str(offset + page_size) if more else "",
                "orders": [self._order_json(o) for o in page]}

    def _api_order_get(self, request, shop, ident, body) -> dict:
        ids = [i for i in request.param("ids").split(",") if i]
        if not ids or len(ids) > MAX_ORDER_IDS:
            raise ApiError(12052910, "Invalid input parameters: ids must hold 1 to 50 order ids")
        return {"orders": [self._order_json(self.orders[i]) for i in ids
                           if i in self.orders and self.orders[i].shop_id == shop.shop_id]}

