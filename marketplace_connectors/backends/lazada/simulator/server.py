"""A local Lazada Open Platform (LazOP), written from the documentation in shared/marketplaces.md §2.

Built on ``marketplace_connectors.simulator_base`` (server, clock, faults, call log, pushes): a real HTTP
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
the connector: the conformance tests check this server against the documentation.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import hashlib
import hmac
import html
import ipaddress
import itertools
import json
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET  # noqa: N817, S405 - parses our own test payloads only
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlencode, urlsplit

from marketplace_connectors.base import OrderStatus
from marketplace_connectors.simulator_base import Call, Faults, Request, Response, SimulatorServer

__all__ = ["Faults", "LazadaSimulator"]

DAY = 24 * 3600
TOKEN_LIFETIMES = {"test": (7 * DAY, 30 * DAY), "online": (30 * DAY, 180 * DAY)}
CODE_LIFETIME = 30 * 60
TIMESTAMP_WINDOW = 7200
MAX_PRICE_QUANTITY_SKUS = 50
MAX_MIGRATE_URLS = 8
MAX_IMAGES = 8
FORBIDDEN_CHARS = '"^~<>|'
VN_OFFSET = dt.timezone(dt.timedelta(hours=7))
CDN = "https://vn-live.slatic.net/p/"
ORDER_STATUSES = {"unpaid", "pending", "packed", "canceled", "ready_to_ship", "delivered", "returned", "shipped",
                  "failed", "topack", "toship", "shipping", "lost"}
# Item statuses in which the unit is no longer sold: entering one puts the stock back.
STOCK_RELEASED = {"canceled", "returned", "failed"}
# The protocol's statuses as Lazada words (what a test asking for "shipped" means on Lazada).
LAZADA_WORD = {
    OrderStatus.UNPAID: "unpaid", OrderStatus.PENDING: "pending", OrderStatus.READY_TO_SHIP: "ready_to_ship",
    OrderStatus.SHIPPED: "shipped", OrderStatus.DELIVERED: "delivered", OrderStatus.CANCELLED: "canceled",
    OrderStatus.RETURNED: "returned",
}
PRODUCT_FILTERS = {"all", "live", "inactive", "deleted", "pending", "rejected", "sold-out"}
INVENTORY_PATHS = {"/product/price_quantity/update"}

AUTH_PATHS = {"/auth/token/create", "/auth/token/refresh"}
# path -> allowed methods
API_PATHS = {
    "/auth/token/create": {"GET", "POST"},
    "/auth/token/refresh": {"GET", "POST"},
    "/seller/get": {"GET"},
    "/category/tree/get": {"GET"},
    "/category/attributes/get": {"GET"},
    "/image/upload": {"POST"},
    "/image/migrate": {"POST"},
    "/images/migrate": {"POST"},
    "/image/response/get": {"GET"},
    "/product/create": {"POST"},
    "/product/update": {"POST"},
    "/product/item/get": {"GET"},
    "/products/get": {"GET"},
    "/product/price_quantity/update": {"POST"},
    "/product/deactivate": {"POST"},
    "/product/remove": {"POST"},
    "/orders/get": {"GET"},
    "/order/get": {"GET"},
    "/order/items/get": {"GET"},
}

DEFAULT_CATEGORIES = [
    {"category_id": 10000001, "name": "Thực phẩm & Đồ uống", "leaf": False, "var": False, "children": [
        {"category_id": 10000101, "name": "Gạo & Ngũ cốc", "leaf": True, "var": True, "children": []},
        {"category_id": 10000102, "name": "Trái cây sấy", "leaf": True, "var": True, "children": []},
        {"category_id": 10000103, "name": "Bánh kẹo", "leaf": True, "var": True, "children": []},
    ]},
    {"category_id": 10000002, "name": "Nhà cửa & Đời sống", "leaf": False, "var": False, "children": [
        {"category_id": 10000201, "name": "Đồ thủ công mỹ nghệ", "leaf": True, "var": True, "children": []},
    ]},
]


def _attr(attr_id, name, label, *, mandatory=False, input_type="text", options=(), attribute_type="normal",
          sale_prop=False):
    return {"id": attr_id, "name": name, "label": label, "is_mandatory": int(mandatory), "input_type": input_type,
            "attribute_type": attribute_type, "is_sale_prop": int(sale_prop),
            "options": [{"id": i, "name": o, "en_name": o} for i, o in enumerate(options, start=1)],
            "advanced": {"is_key_prop": 0}}


SYSTEM_ATTRIBUTES = [
    _attr(1, "name", "Tên sản phẩm", mandatory=True),
    _attr(2, "description", "Mô tả", input_type="richText"),
    _attr(3, "short_description", "Mô tả ngắn", input_type="richText"),
    _attr(4, "brand", "Thương hiệu", mandatory=True, input_type="singleSelect", options=("No Brand",)),
    _attr(5, "SellerSku", "SKU người bán", mandatory=True, attribute_type="sku"),
    _attr(6, "price", "Giá", mandatory=True, input_type="numeric", attribute_type="sku"),
    _attr(7, "quantity", "Số lượng", input_type="numeric", attribute_type="sku"),
    _attr(8, "package_weight", "Khối lượng gói hàng (kg)", mandatory=True, input_type="numeric", attribute_type="sku"),
    _attr(9, "package_length", "Chiều dài gói hàng (cm)", mandatory=True, input_type="numeric", attribute_type="sku"),
    _attr(10, "package_width", "Chiều rộng gói hàng (cm)", mandatory=True, input_type="numeric", attribute_type="sku"),
    _attr(11, "package_height", "Chiều cao gói hàng (cm)", mandatory=True, input_type="numeric", attribute_type="sku"),
]
DEFAULT_ATTRIBUTES = {
    10000101: [
        _attr(101, "origin", "Xuất xứ", mandatory=True, input_type="singleSelect", options=("Việt Nam", "Thái Lan")),
        _attr(102, "shelf_life", "Hạn sử dụng", mandatory=True),
        _attr(103, "rice_type", "Loại gạo"),
    ],
    10000102: [_attr(101, "origin", "Xuất xứ", mandatory=True, input_type="singleSelect", options=("Việt Nam",))],
    10000103: [],
    10000201: [_attr(201, "material", "Chất liệu", mandatory=True)],
}


@dataclass
class Sku:
    sku_id: int
    seller_sku: str
    price: int
    quantity: int
    package: dict
    sale_prop: dict
    status: str = "active"
    reserved: int = 0
    deleted: bool = False


@dataclass
class Product:
    item_id: int
    seller_id: str
    primary_category: int
    attributes: dict
    images: list[str]
    skus: list[Sku]
    variation: dict
    status: str
    created_ms: int
    updated_ms: int

    def live_skus(self) -> list[Sku]:
        return [s for s in self.skus if not s.deleted]


@dataclass
class OrderItem:
    order_item_id: int
    sku: str
    sku_id: int
    item_id: int
    name: str
    price: int
    status: str


@dataclass
class Order:
    order_id: int
    seller_id: str
    created: dt.datetime
    updated: dt.datetime
    items: list[OrderItem] = field(default_factory=list)


@dataclass
class Seller:
    seller_id: str
    name: str
    user_id: str


class ApiError(Exception):
    def __init__(self, code: str, message: str, *, type_: str = "ISV", status: int = 200, detail: list | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.type, self.status, self.detail = code, message, type_, status, detail


def _ms(moment: float) -> int:
    return int(moment * 1000)


class LazadaSimulator(SimulatorServer):
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
        self.api_rate_limits = {"/product/price_quantity/update": 50.0, **(api_rate_limits or {})}
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

    # --- test helpers ----------------------------------------------------------------------------
    def set_faults(self, *, share_rate_limit: float = 0.0, **kwargs) -> Faults:
        """``Faults`` fields as keywords; ``share_rate_limit`` is Lazada's ``share_429``: that share of calls
        is answered ``ApiCallLimit``."""
        if share_rate_limit:
            kwargs["share_429"] = share_rate_limit
        return super().set_faults(**kwargs)

    def issue_code(self, seller_id: str | None = None) -> tuple[str, str]:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            seller_id = seller_id or next(iter(self.sellers))
            code = f"0_{self.app_key}_{uuid.uuid4().hex}"
            self.codes[code] = (seller_id, self.now())
            return code, seller_id

    def expire_access_tokens(self, seller_id: str) -> None:
        with self.lock:
            for token, (seller, _exp) in list(self.access_tokens.items()):
                if seller == seller_id:
                    self.access_tokens[token] = (seller, self.now() - 1)

    def revoke_refresh_tokens(self, seller_id: str) -> None:
        with self.lock:
            for token, (seller, _exp) in list(self.refresh_tokens.items()):
                if seller == seller_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def live_products(self, seller_id: str | None = None) -> list[Product]:
        seller_id = seller_id or next(iter(self.sellers))
        with self.lock:
            return [p for p in self.products.values() if p.seller_id == seller_id and p.status != "Deleted"]

    def products_by_seller_sku(self, seller_id: str | None = None) -> dict[str, list[Product]]:
        found: dict[str, list[Product]] = collections.defaultdict(list)
        for product in self.live_products(seller_id):
            for sku in product.live_skus():
                found[sku.seller_sku].append(product)
        return dict(found)

    def sku(self, seller_sku: str, seller_id: str | None = None) -> Sku:
        return next(s for p in self.live_products(seller_id) for s in p.live_skus() if s.seller_sku == seller_sku)

    def host_image(self, content: bytes = b"") -> str:
        """Register an image as if uploaded; its Lazada-hosted URL."""
        digest = hashlib.md5(content or uuid.uuid4().bytes, usedforsecurity=False).hexdigest()
        url = f"{CDN}{digest}{uuid.uuid4().hex[:6]}.jpg"
        with self.lock:
            self.images[url] = len(content)
        return url

    def seed_products(self, *, count: int, skus_per_product: int = 2, seller_id: str | None = None,
                      prefix: str = "SEED") -> list[Product]:
        """Products already on the shop (benchmarks, linking tests), created without any API call."""
        seller_id = seller_id or next(iter(self.sellers))
        image = self.host_image(b"seed")
        made = []
        with self.lock:
            now = _ms(self.now())
            for n in range(count):
                skus = [Sku(sku_id=next(self._sku_ids), seller_sku=f"{prefix}-{n:05d}-{k + 1}", price=50_000,
                            quantity=10, package={"package_weight": "1.00", "package_length": "10",
                                                  "package_width": "10", "package_height": "10"},
                            sale_prop={"Phân loại": f"{k + 1}"} if skus_per_product > 1 else {})
                        for k in range(skus_per_product)]
                variation = {"Variation1": {"name": "Phân loại", "hasImage": False, "customize": True,
                                            "options": [s.sale_prop["Phân loại"] for s in skus]}} if skus_per_product > 1 else {}
                product = Product(item_id=next(self._item_ids), seller_id=seller_id, primary_category=10000103,
                                  attributes={"name": f"Sản phẩm có sẵn {n}", "brand": "No Brand"}, images=[image],
                                  skus=skus, variation=variation, status="Active", created_ms=now, updated_ms=now)
                self.products[product.item_id] = self._index(product)
                made.append(product)
        return made

    def create_order(self, *, shop_id: str | None = None, items: Sequence[tuple[str, int]],
                     status: OrderStatus | str = OrderStatus.PENDING) -> str:
        """A buyer's order of ``(seller_sku, quantity)`` on seller ``shop_id``: stock goes down by the
        quantity (ValueError when a SKU is unknown or short, and nothing changes); one order item per unit,
        as Lazada lists them. Returns the order id."""
        seller_id = shop_id or next(iter(self.sellers))
        word = _lazada_word(status)
        with self.lock:
            picked = []
            for seller_sku, quantity in items:
                try:
                    product, sku = self._find_sku(seller_id, seller_sku=seller_sku)
                except KeyError:
                    raise ValueError(f"no SKU {seller_sku} on seller {seller_id}") from None
                if quantity < 1 or sku.quantity < quantity:
                    raise ValueError(f"only {sku.quantity} of {seller_sku} in stock")
                picked.append((product, sku, quantity))
            now = dt.datetime.fromtimestamp(self.now(), VN_OFFSET).replace(microsecond=0)
            order = Order(order_id=next(self._order_ids), seller_id=seller_id, created=now, updated=now)
            for product, sku, quantity in picked:
                sku.quantity -= quantity
                for _ in range(quantity):
                    order.items.append(OrderItem(order_item_id=next(self._order_item_ids), sku=sku.seller_sku,
                                                 sku_id=sku.sku_id, item_id=product.item_id,
                                                 name=str(product.attributes.get("name")), price=sku.price, status=word))
            self.orders[order.order_id] = order
            self._push_order(order, word)
            return str(order.order_id)

    def set_order_status(self, *, order_id: str | int, status: OrderStatus | str,
                         order_item_ids: Sequence[int] | None = None, seconds_later: float = 1.0) -> None:
        """Move the order's items (only ``order_item_ids`` when given: Lazada cancels single items) to
        ``status``, ours (OrderStatus) or a Lazada word such as "packed". An item entering canceled,
        returned or failed puts its unit back in stock."""
        word = _lazada_word(status)
        with self.lock:
            order = self.orders[int(order_id)]
            chosen = [i for i in order.items if order_item_ids is None or i.order_item_id in set(order_item_ids)]
            if not chosen:
                raise ValueError(f"order {order_id} has none of the items {order_item_ids}")
            for item in chosen:
                if item.status in STOCK_RELEASED and word not in STOCK_RELEASED:
                    raise ValueError(f"order item {item.order_item_id} is {item.status}: it cannot move on")
            for item in chosen:
                if word in STOCK_RELEASED and item.status not in STOCK_RELEASED:
                    try:
                        _product, sku = self._find_sku(order.seller_id, sku_id=item.sku_id)
                        sku.quantity += 1
                    except KeyError:
                        pass  # the listing is gone: nothing to put back
                item.status = word
            later = order.updated + dt.timedelta(seconds=seconds_later)
            order.updated = max(later, dt.datetime.fromtimestamp(self.now(), VN_OFFSET).replace(microsecond=0))
            self._push_order(order, word, line=chosen[0])

    def stock_of(self, *, shop_id: str | None = None, sku: str) -> int | None:
        with self.lock:
            try:
                _product, found = self._find_sku(shop_id or next(iter(self.sellers)), seller_sku=sku)
            except KeyError:
                return None
            return found.quantity

    def push_signature(self, body: bytes) -> str:
        """marketplaces.md §2.5: hex(HMAC-SHA256(app_secret, app_key + raw body))."""
        return hmac.new(self.app_secret.encode(), self.app_key.encode() + body, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        return {"Authorization": self.push_signature(body)}

    def _push_order(self, order: Order, word: str, *, line: OrderItem | None = None) -> None:
        if not self.push_url or not self.push_url.startswith(("http://", "https://")):
            return
        line = line or order.items[0]
        self.push(json.dumps({
            "seller_id": order.seller_id, "message_type": 0,
            "data": {"order_status": word, "trade_order_id": str(order.order_id),
                     "trade_order_line_id": str(line.order_item_id), "status_update_time": int(order.updated.timestamp())},
            "timestamp": _ms(self.now()), "site": "lazada_vn"}, separators=(",", ":")).encode())

    # --- signing (the documented algorithm) -------------------------------------------------------
    def expected_sign(self, path: str, params: dict[str, str]) -> str:
        base = path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")
        return hmac.new(self.app_secret.encode(), base.encode(), hashlib.sha256).hexdigest().upper()

    # --- request handling -----------------------------------------------------------------------
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

    # --- consent (sandbox only: the real page is Lazada's seller login) ---------------------------
    def _consent_page(self, query: dict) -> Response:
        def q(name: str) -> str:
            return query.get(name, [""])[0]

        problem = ""
        if q("response_type") != "code":
            problem = "response_type must be code"
        elif q("client_id") != self.app_key:
            problem = "client_id is not this app's app_key"
        elif not q("redirect_uri").startswith(("http://", "https://")):
            problem = "redirect_uri is missing"
        elif self.registered_redirect_uri and q("redirect_uri") != self.registered_redirect_uri:
            problem = "redirect_uri is not the callback registered for the app"
        elif "uuid" in query:
            problem = "uuid must not be sent"
        if problem:
            return Response(status=400, body=problem.encode(), content_type="text/plain; charset=utf-8")
        options = "".join(f'<option value="{html.escape(s.seller_id)}">{html.escape(s.name)} ({html.escape(s.seller_id)})</option>'
                          for s in self.sellers.values())
        page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Lazada Sandbox – Ủy quyền</title></head>
<body><main><h1>Lazada Sandbox</h1>
<p>Ứng dụng (app key {html.escape(self.app_key)}) xin quyền quản lý sản phẩm và đơn hàng của shop.</p>
<p>Đây là môi trường thử nghiệm cục bộ, không phải Lazada thật.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="redirect_uri" value="{html.escape(q("redirect_uri"))}">
<input type="hidden" name="state" value="{html.escape(q("state"))}">
<label for="seller_id">Shop</label> <select id="seller_id" name="seller_id">{options}</select>
<button type="submit" name="decision" value="approve">Đồng ý ủy quyền</button>
<button type="submit" name="decision" value="deny">Từ chối</button>
</form></main></body></html>"""
        return Response(body=page.encode(), content_type="text/html; charset=utf-8")

    def _consent_submit(self, body: bytes) -> Response:
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        redirect = form.get("redirect_uri", "")
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect_uri", content_type="text/plain")
        answer = {"state": form["state"]} if form.get("state") else {}
        if form.get("decision") != "approve":
            answer = {"error": "access_denied", **answer}
        else:
            code, _seller = self.issue_code(form.get("seller_id") if form.get("seller_id") in self.sellers else None)
            answer = {"code": code, **answer}
        sep = "&" if "?" in redirect else "?"
        return Response(status=302, content_type="text/plain", headers={"Location": f"{redirect}{sep}{urlencode(answer)}"})

    # --- dispatch ---------------------------------------------------------------------------------
    def _dispatch(self, path: str, params: dict[str, str], files: dict[str, bytes], seller_id: str | None):
        if path == "/auth/token/create":
            return self._token_create(params)
        if path == "/auth/token/refresh":
            return self._token_refresh(params)
        handler = getattr(self, "_api_" + path.strip("/").replace("/", "_"))
        return handler(seller_id, params, files)

    def _new_tokens(self, seller_id: str, *, refresh_expires_at: float | None = None) -> tuple[str, str, int, int]:
        access_life, refresh_life = TOKEN_LIFETIMES[self.app_status]
        access, refresh = "50000" + uuid.uuid4().hex + uuid.uuid4().hex[:8], "50001" + uuid.uuid4().hex + uuid.uuid4().hex[:8]
        now = self.now()
        refresh_expires_at = refresh_expires_at or now + refresh_life
        self.access_tokens[access] = (seller_id, now + access_life)
        self.refresh_tokens[refresh] = (seller_id, refresh_expires_at)
        return access, refresh, access_life, max(0, int(refresh_expires_at - now))

    def _token_body(self, seller_id: str, access: str, refresh: str, expires: int, refresh_expires: int, *,
                    info_key: str, as_strings: bool) -> dict:
        seller = self.sellers[seller_id]
        return {
            "_top_level": True, "access_token": access, "refresh_token": refresh,
            # documented as numbers; Lazada's own samples show strings (create): both are served
            "expires_in": str(expires) if as_strings else expires,
            "refresh_expires_in": str(refresh_expires) if as_strings else refresh_expires,
            "country": "vn", "account_platform": "seller_center", "account": f"shop{seller_id}@example.vn",
            info_key: [{"country": "vn", "seller_id": seller_id, "user_id": seller.user_id,
                        "short_code": f"VN{seller_id[-5:]}"}],
        }

    def _token_create(self, params: dict) -> dict:
        code = params.get("code", "")
        issued = self.codes.pop(code, None)
        if issued is None or code in self.used_codes or self.now() - issued[1] > CODE_LIFETIME:
            self.used_codes.add(code)
            raise ApiError("InvalidCode", "Invalid authorization code")
        self.used_codes.add(code)
        seller_id = issued[0]
        access, refresh, expires, refresh_expires = self._new_tokens(seller_id)
        return self._token_body(seller_id, access, refresh, expires, refresh_expires, info_key="country_user_info",
                                as_strings=True)

    def _token_refresh(self, params: dict) -> dict:
        token = params.get("refresh_token", "")
        entry = self.refresh_tokens.get(token)
        if entry is None or entry[1] <= self.now():
            raise ApiError("IllegalRefreshToken", "The specified refresh token is invalid or expired")
        if self.refresh_single_use:
            del self.refresh_tokens[token]
            self.spent_refresh_tokens.add(token)
        seller_id, refresh_expires_at = entry
        # the access token's life starts again; the refresh token's does not
        access, refresh, expires, refresh_expires = self._new_tokens(seller_id, refresh_expires_at=refresh_expires_at)
        return self._token_body(seller_id, access, refresh, expires, refresh_expires, info_key="country_user_info_list",
                                as_strings=False)

    # --- seller and categories --------------------------------------------------------------------
    def _api_seller_get(self, seller_id, params, files) -> dict:
        seller = self.sellers[seller_id]
        return {"seller_id": int(seller.seller_id), "name": seller.name, "name_company": seller.name,
                "short_code": f"VN{seller.seller_id[-5:]}", "email": f"shop{seller.seller_id}@example.vn",
                "cb": False, "location": "Đồng Tháp", "status": "ACTIVE", "verified": True}

    def _api_category_tree_get(self, seller_id, params, files) -> list:
        return self.categories

    def _leaves(self) -> set[int]:
        found: set[int] = set()

        def walk(nodes):
            for node in nodes:
                if node.get("leaf"):
                    found.add(int(node["category_id"]))
                walk(node.get("children") or [])

        walk(self.categories)
        return found

    def _all_categories(self) -> set[int]:
        found: set[int] = set()

        def walk(nodes):
            for node in nodes:
                found.add(int(node["category_id"]))
                walk(node.get("children") or [])

        walk(self.categories)
        return found

    def _api_category_attributes_get(self, seller_id, params, files) -> list:
        category = _int(params.get("primary_category_id"))
        if category is None:
            raise ApiError("1", "E001: Parameter primary_category_id is mandatory")
        if category not in self.attributes:
            raise ApiError("201", f"E201: {category} Invalid CategoryId")
        return SYSTEM_ATTRIBUTES + self.attributes[category]

    # --- images -----------------------------------------------------------------------------------
    def _check_image(self, content: bytes) -> str:
        """'' when Lazada would take the image, else the error code."""
        if len(content) > self.image_max_bytes:
            return "303"
        size = _image_size(content)
        if size is None:
            return "300"
        if max(size) > 5000:
            return "303"
        if min(size) < 330:
            return "300"
        return ""

    def _api_image_upload(self, seller_id, params, files) -> dict:
        if "image" not in files:
            if params.get("image"):
                raise ApiError("302", "Not supported URL: the image field should be passed in as a stream")
            raise ApiError("30", "E030: Empty Request")
        content = files["image"]
        problem = self._check_image(content)
        if problem == "303":
            raise ApiError("303", "E303: The image is too large")
        if problem:
            raise ApiError("300", "E300: Upload Image Failed")
        url = self.host_image(content)
        return {"image": {"url": url, "hash_code": url.rsplit("/", 1)[-1][:32]}}

    def _fetch(self, url: str) -> bytes:
        if self.image_fetcher is not None:
            return self.image_fetcher(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.port not in (None, 80, 443)):
            raise ValueError("port")
        try:
            ipaddress.ip_address(parts.hostname or "")
        except ValueError:
            pass  # a host name, as Lazada requires
        else:
            raise ValueError("Lazada does not download from IP literals")
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - scheme checked above
            return response.read(self.image_max_bytes * 4)

    def _migrate_one(self, url: str) -> tuple[dict | None, dict | None]:
        try:
            content = self._fetch(url)
        except Exception:  # noqa: BLE001 - any download failure is Lazada's "Not supported URL"
            return None, {"field": url, "msg": "Not supported URL", "original_url": url, "code": "302"}
        problem = self._check_image(content)
        if problem:
            return None, {"field": url, "msg": "The image is too large" if problem == "303" else "Migrate Image Failed",
                          "original_url": url, "code": problem}
        hosted = self.host_image(content)
        return {"url": hosted, "hash_code": hosted.rsplit("/", 1)[-1][:32]}, None

    def _api_image_migrate(self, seller_id, params, files) -> dict:
        request = _payload(params, "payload").get("Request") or {}
        url = (request.get("Image") or {}).get("Url")
        if not url:
            raise ApiError("30", "E030: Empty Request")
        image, error = self._migrate_one(str(url))
        if error:
            raise ApiError(error["code"], f"E{error['code']}: {error['msg']}")
        return {"image": image}

    def _api_images_migrate(self, seller_id, params, files) -> dict:
        request = _payload(params, "payload").get("Request") or {}
        urls = _as_list((request.get("Images") or {}).get("Url"))
        if not urls:
            raise ApiError("30", "E030: Empty Request")
        if len(urls) > MAX_MIGRATE_URLS:
            raise ApiError("5", f"E005: Invalid Request Format: at most {MAX_MIGRATE_URLS} images per call")
        images, errors = [], []
        for url in urls:
            image, error = self._migrate_one(str(url))
            (images if image else errors).append(image or {k: v for k, v in error.items() if k != "code"})
        batch_id = uuid.uuid4().hex[:26]
        self.migrations[batch_id] = {"images": images, "errors": errors}
        return {"_top_level": True, "batch_id": batch_id}

    def _api_image_response_get(self, seller_id, params, files) -> dict:
        found = self.migrations.get(params.get("batch_id", ""))
        if found is None:
            raise ApiError("5", "E005: Invalid Request Format: unknown batch_id")
        return found

    # --- products -----------------------------------------------------------------------------------
    def _product(self, seller_id: str, item_id) -> Product:
        product = self.products.get(_int(item_id) or -1)
        if product is None or product.status == "Deleted":
            raise ApiError("208", "E208: Item not exist")
        if product.seller_id != seller_id:
            raise ApiError("EDIT_ITEM_NOT_BELONG_SELLER", "You are not authorized to edit the item.")
        return product

    def _index(self, product: Product) -> Product:
        for sku in product.skus:
            self._by_sku_id[sku.sku_id] = (product, sku)
        return product

    def _find_sku(self, seller_id: str, *, sku_id=None, seller_sku=None, item_id=None) -> tuple[Product, Sku]:
        if sku_id not in (None, ""):  # the hot path of price/quantity updates: by id, through the index
            product, sku = self._by_sku_id.get(_int(sku_id) or -1, (None, None))
            if product is None or sku.deleted or product.seller_id != seller_id or product.status == "Deleted" or \
                    (item_id not in (None, "") and _int(item_id) != product.item_id):
                raise KeyError(sku_id)
            return product, sku
        for product in self.products.values():
            if product.seller_id != seller_id or product.status == "Deleted":
                continue
            if item_id not in (None, "") and _int(item_id) != product.item_id:
                continue
            for sku in product.live_skus():
                if (sku_id not in (None, "") and _int(sku_id) == sku.sku_id) or \
                        (sku_id in (None, "") and seller_sku and sku.seller_sku == seller_sku):
                    return product, sku
        raise KeyError(sku_id or seller_sku)

    def _seller_skus(self, seller_id: str, *, exclude_item: int | None = None) -> set[str]:
        return {s.seller_sku for p in self.products.values() if p.seller_id == seller_id and p.status != "Deleted"
                and p.item_id != exclude_item for s in p.live_skus()}

    def _check_price(self, raw, *, field_name: str = "price") -> int:
        try:
            value = float(str(raw))
        except (TypeError, ValueError):
            raise ApiError("5", f"E005: Invalid Request Format: {field_name}") from None
        if not value.is_integer():
            raise ApiError("4104", "BIZ_CHECK_PRICE_PRECISION_INVALID: VND prices have no decimals")
        if value <= 0:
            raise ApiError("4118", "BIZ_CHECK_PRICE_IS_ZERO")
        if not self.price_min <= value <= self.price_max:
            raise ApiError("500", "E500: Create product failed", detail=[
                {"field": field_name, "message": f"price must be between {self.price_min} and {self.price_max}"}])
        return int(value)

    def _check_package(self, sku: dict) -> dict:
        package = {}
        for name in ("package_weight", "package_length", "package_width", "package_height"):
            raw = sku.get(name)
            if raw in (None, ""):
                raise ApiError("4108", f"CHK_BASIC_REQUIRED: {name} is mandatory")
            try:
                value = float(str(raw))
            except ValueError:
                raise ApiError("5", f"E005: Invalid Request Format: {name}") from None
            if value <= 0 or round(value, 2) != value:
                raise ApiError("500", "E500: Create product failed",
                               detail=[{"field": name, "message": "must be positive with at most two decimals"}])
            package[name] = str(raw)
        return package

    def _check_images(self, images_node, *, json_payload: bool) -> list[str]:
        if images_node in (None, ""):
            return []
        raw = images_node.get("Image") if isinstance(images_node, dict) else None
        if json_payload and raw is not None and not isinstance(raw, list):
            raise ApiError("5", "E005: Invalid Request Format: Images.Image must be an array")
        urls = [str(u) for u in _as_list(raw)]
        if len(urls) > MAX_IMAGES:
            raise ApiError("5", f"E005: Invalid Request Format: at most {MAX_IMAGES} images")
        for url in urls:
            if url not in self.images:
                raise ApiError("4138", "BIZ_CHECK_EXIST_OUTER_IMAGE: only Lazada image URLs are allowed")
        return urls

    def _check_text(self, value: str, name: str) -> None:
        bad = sorted({c for c in value if c in FORBIDDEN_CHARS})
        if bad:
            raise ApiError("4129", f"BIZ_CHECK_PROP_SPECIAL_CHAR: {name} contains {' '.join(bad)}")

    def _variation_names(self, variation: dict) -> dict[str, list[str]]:
        out = {}
        for key in ("Variation1", "Variation2", "Variation3", "Variation4"):
            node = variation.get(key)
            if isinstance(node, dict) and node.get("name"):
                options = node.get("options")
                if isinstance(options, dict):
                    options = options.get("option")
                out[str(node["name"])] = [str(o) for o in _as_list(options)]
        return out

    def _new_sku(self, seller_id: str, raw: dict, *, variations: dict[str, list[str]], taken: set[str], multi: bool) -> Sku:
        seller_sku = str(raw.get("SellerSku") or "")
        if not seller_sku:
            raise ApiError("4108", "CHK_BASIC_REQUIRED: SellerSku is mandatory")
        self._check_text(seller_sku, "SellerSku")
        if seller_sku in taken:
            raise ApiError("4105", f"BIZ_CHECK_SELLER_SKU_DUPLICATE: SellerSku {seller_sku} repeat")
        if raw.get("price") in (None, ""):
            raise ApiError("4108", "CHK_BASIC_REQUIRED: price is mandatory")
        price = self._check_price(raw.get("price"))
        quantity = _int(raw.get("quantity", 0))
        if quantity is None or quantity < 0:
            raise ApiError("500", "E500: Create product failed", detail=[{"field": "quantity", "message": "invalid quantity"}])
        package = self._check_package(raw)
        sale_prop = raw.get("saleProp") or {}
        if multi or variations:
            if not isinstance(sale_prop, dict) or not sale_prop:
                raise ApiError("4144", "BIZ_CHECK_SKU_NOT_CONTAIN_SALEPROP: the sku does not contain the saleProp tag")
            for key, value in sale_prop.items():
                if key not in variations:
                    raise ApiError("4143", f"BIZ_CHECK_SALEPROP_ATTRIBUTE_INVALID: {key} is not defined in the variation")
                if str(value) not in variations[key]:
                    raise ApiError("4109", f"CHK_SKU_PROPS_NOT_MATCH_SALE_PROP: {value} is not an option of {key}")
        taken.add(seller_sku)
        return Sku(sku_id=next(self._sku_ids), seller_sku=seller_sku, price=price, quantity=quantity, package=package,
                   sale_prop={str(k): str(v) for k, v in sale_prop.items()},
                   status=str(raw.get("Status") or "active").lower())

    def _check_ratio(self, skus: list[Sku]) -> None:
        prices = [s.price for s in skus]
        if self.variant_price_ratio_min and len(prices) > 1 and min(prices) < max(prices) * self.variant_price_ratio_min:
            raise ApiError("500", "E500: Create product failed", detail=[
                {"field": "price", "message": "The price difference between the SKUs of this product is too large"}])

    def _check_attributes(self, category: int, attributes: dict) -> None:
        for spec in SYSTEM_ATTRIBUTES + self.attributes.get(category, []):
            if spec["attribute_type"] == "sku" or not spec["is_mandatory"]:
                continue
            if spec["name"] == "brand":
                if not (attributes.get("brand") or attributes.get("brand_id")):
                    raise ApiError("4108", "CHK_BASIC_REQUIRED: brand_id is mandatory")
                continue
            if spec["name"] == "name":
                continue
            if not str(attributes.get(spec["name"]) or "").strip():
                raise ApiError("4110", f"BIZ_CHECK_CAT_PROP_MANDATORY: {spec['name']} is mandatory")
            if spec["input_type"] == "singleSelect" and \
                    str(attributes[spec["name"]]) not in {o["name"] for o in spec["options"]}:
                raise ApiError("4115", f"CHK_CATPROP_CPV_NOT_ENUM: {spec['name']}")

    def _check_basics(self, attributes: dict) -> None:
        name = str(attributes.get("name") or "")
        if not name.strip():
            raise ApiError("4108", "CHK_BASIC_REQUIRED: name is mandatory")
        if len(name) > 255:
            raise ApiError("500", "E500: Create product failed", detail=[{"field": "name", "message": "at most 255 characters"}])
        self._check_text(name, "name")
        if len(str(attributes.get("description") or "")) > 25_000:
            raise ApiError("500", "E500: Create product failed",
                           detail=[{"field": "description", "message": "at most 25000 characters"}])

    def _api_product_create(self, seller_id, params, files) -> dict:
        payload, json_payload = _payload(params, "payload"), _is_json(params.get("payload", ""))
        product = (payload.get("Request") or {}).get("Product")
        if not isinstance(product, dict):
            raise ApiError("5", "E005: Invalid Request Format")
        if not product.get("PrimaryCategory"):
            raise ApiError("1", "E001: Parameter PrimaryCategory is mandatory")
        category = _int(product["PrimaryCategory"])
        if category not in self._all_categories():
            raise ApiError("201", f"E201: {product['PrimaryCategory']} Invalid CategoryId")
        if category not in self._leaves():
            raise ApiError("4134", "Please select the last level category.")
        images = self._check_images(product.get("Images"), json_payload=json_payload)
        if not images:
            raise ApiError("4139", "BIZ_CHECK_MAIN_IMAGE_REQUIRE: Main image is require")
        attributes = product.get("Attributes") or {}
        self._check_basics(attributes)
        self._check_attributes(category, attributes)
        skus_node = product.get("Skus") or {}
        raw_skus = skus_node.get("Sku") if isinstance(skus_node, dict) else None
        if json_payload and raw_skus is not None and not isinstance(raw_skus, list):
            raise ApiError("5", "E005: Invalid Request Format: Skus.Sku must be an array")
        raw_skus = _as_list(raw_skus)
        if not raw_skus:
            raise ApiError("1", "E001: Parameter Skus is mandatory")
        variation = product.get("variation") or {}
        variations = self._variation_names(variation)
        taken = self._seller_skus(seller_id)
        skus = [self._new_sku(seller_id, raw, variations=variations, taken=taken, multi=len(raw_skus) > 1) for raw in raw_skus]
        combos = [tuple(sorted(s.sale_prop.items())) for s in skus]
        if len(set(combos)) != len(combos):
            raise ApiError("4112", "CHK_SKU_PROPS_DUPLICATE: duplicate sku attributes")
        self._check_ratio(skus)
        now = _ms(self.now())
        item = Product(item_id=next(self._item_ids), seller_id=seller_id, primary_category=category,
                       attributes=dict(attributes), images=images, skus=skus,
                       variation={k: {"name": n, "options": o} for k, (n, o) in
                                  zip(("Variation1", "Variation2", "Variation3", "Variation4"), variations.items(), strict=False)},
                       status=self.qc_status, created_ms=now, updated_ms=now)
        self.products[item.item_id] = self._index(item)
        return {"item_id": item.item_id, "item_status": item.status,
                "sku_list": [{"seller_sku": s.seller_sku, "shop_sku": f"{item.item_id}_VNAMZ-{s.sku_id}", "sku_id": s.sku_id}
                             for s in skus]}

    def _api_product_update(self, seller_id, params, files) -> dict:
        payload, json_payload = _payload(params, "payload"), _is_json(params.get("payload", ""))
        node = (payload.get("Request") or {}).get("Product")
        if not isinstance(node, dict):
            raise ApiError("5", "E005: Invalid Request Format")
        if not node.get("ItemId"):
            raise ApiError("1", "E001: Parameter ItemId is mandatory")
        product = self._product(seller_id, node["ItemId"])
        category = product.primary_category
        if node.get("PrimaryCategory"):
            category = _int(node["PrimaryCategory"])
            if category not in self._all_categories():
                raise ApiError("201", f"E201: {node['PrimaryCategory']} Invalid CategoryId")
            if category not in self._leaves():
                raise ApiError("4134", "CHK_CATEGORY_ID_NOT_LEAF_CATEGORY: The category Id is Invalid")
        images = self._check_images(node.get("Images"), json_payload=json_payload) if node.get("Images") else None
        attributes = {**product.attributes, **(node.get("Attributes") or {})}
        if node.get("Attributes"):
            self._check_basics(attributes)
            self._check_attributes(category, attributes)
        variations = self._variation_names(node.get("variation") or {}) or \
            {v["name"]: list(v["options"]) for v in product.variation.values()}
        raw_skus = _as_list((node.get("Skus") or {}).get("Sku")) if isinstance(node.get("Skus"), dict) else []
        taken = self._seller_skus(seller_id, exclude_item=product.item_id)
        taken_here = {s.seller_sku for s in product.live_skus()}
        updates, added = [], []
        for raw in raw_skus:
            if raw.get("SkuId") not in (None, ""):
                sku = next((s for s in product.live_skus() if s.sku_id == _int(raw["SkuId"])), None)
                if sku is None:
                    raise ApiError("4136", f"SELLER_SKU_NOT_FOUND: SkuId {raw['SkuId']}")
                updates.append((sku, raw))
            elif raw.get("SellerSku") in taken_here:
                updates.append((next(s for s in product.live_skus() if s.seller_sku == raw["SellerSku"]), raw))
            else:
                added.append(self._new_sku(seller_id, raw, variations=variations, taken=taken | taken_here, multi=True))
        changes = []
        for sku, raw in updates:
            change = {}
            if any(raw.get(k) not in (None, "") for k in ("package_weight", "package_length", "package_width", "package_height")):
                change["package"] = self._check_package({**sku.package, **{k: v for k, v in raw.items() if k.startswith("package_")}})
            if raw.get("price") not in (None, ""):
                change["price"] = self._check_price(raw["price"])
            if raw.get("quantity") not in (None, ""):
                change["quantity"] = max(0, _int(raw["quantity"]) or 0)
            if raw.get("Status"):
                change["status"] = str(raw["Status"]).lower()
            if raw.get("saleProp"):
                change["sale_prop"] = {str(k): str(v) for k, v in raw["saleProp"].items()}
            changes.append((sku, change))
        # everything checked: apply
        for sku, change in changes:
            for key, value in change.items():
                setattr(sku, key, value)
        product.skus.extend(added)
        self._index(product)
        product.primary_category = category
        product.attributes = attributes
        if images is not None:
            product.images = images
        product.variation = {k: {"name": n, "options": o} for k, (n, o) in
                             zip(("Variation1", "Variation2", "Variation3", "Variation4"), variations.items(), strict=False)}
        if any(s.status == "active" for s in product.live_skus()) and product.status == "InActive":
            product.status = "Active"
        product.updated_ms = _ms(self.now())
        return {}

    def _product_json(self, product: Product) -> dict:
        return {
            "item_id": product.item_id, "primary_category": product.primary_category,
            "attributes": product.attributes, "images": product.images, "status": product.status,
            "created_time": str(product.created_ms), "updated_time": str(product.updated_ms),
            "variation": product.variation,
            "skus": [{"SkuId": s.sku_id, "SellerSku": s.seller_sku, "ShopSku": f"{product.item_id}_VNAMZ-{s.sku_id}",
                      "Status": s.status, "quantity": s.quantity, "price": float(s.price), "special_price": 0.0,
                      "saleProp": s.sale_prop, **s.package, "Available": s.quantity - s.reserved}
                     for s in product.live_skus()],
        }

    def _api_product_item_get(self, seller_id, params, files) -> dict:
        if params.get("item_id"):
            return self._product_json(self._product(seller_id, params["item_id"]))
        if params.get("seller_sku"):
            try:
                product, _sku = self._find_sku(seller_id, seller_sku=params["seller_sku"])
            except KeyError:
                raise ApiError("207", "E207: SKU not exist") from None
            return self._product_json(product)
        raise ApiError("200", "E200: Empty SellerSku")

    def _api_products_get(self, seller_id, params, files) -> dict:
        status_filter = params.get("filter", "")
        if status_filter not in PRODUCT_FILTERS:
            raise ApiError("36", "E036: Invalid status filter")
        limit = _int(params.get("limit", "10"))
        if limit is None or not 1 <= limit <= self.products_limit_max:
            raise ApiError("19", f"Invalid Limit: should not exceed a maximum of {self.products_limit_max}")
        offset = _int(params.get("offset", "0"))
        if offset is None or not 0 <= offset <= 10_000:
            raise ApiError("14", "E014: Invalid Offset")
        after = _parse_iso(params["update_after"]) if params.get("update_after") else None
        if params.get("update_after") and after is None:
            raise ApiError("17", "E017: Invalid Date Format")
        wanted = None
        if params.get("sku_seller_list"):
            try:
                wanted = json.loads(params["sku_seller_list"])
            except ValueError:
                raise ApiError("70", "E070: You have corrupt data in your sku seller list.") from None
            if not isinstance(wanted, list) or len(wanted) > 100:
                raise ApiError("70", "E070: You have corrupt data in your sku seller list.")
            wanted = {str(s) for s in wanted}

        def keep(product: Product) -> bool:
            if product.seller_id != seller_id:
                return False
            if after is not None and product.updated_ms < after * 1000:
                return False
            if wanted is not None and not wanted & {s.seller_sku for s in product.live_skus()}:
                return False
            live_qty = sum(s.quantity for s in product.live_skus())
            return {
                "all": product.status != "Deleted", "deleted": product.status == "Deleted",
                "live": product.status == "Active" and live_qty > 0, "sold-out": product.status == "Active" and live_qty == 0,
                "inactive": product.status == "InActive", "pending": product.status == "Pending QC",
                "rejected": product.status == "Rejected",
            }[status_filter]

        found = [p for p in sorted(self.products.values(), key=lambda p: p.item_id) if keep(p)]
        return {"total_products": len(found), "products": [self._product_json(p) for p in found[offset:offset + limit]]}

    def _api_product_price_quantity_update(self, seller_id, params, files) -> dict:
        payload = _payload(params, "payload")
        node = ((payload.get("Request") or {}).get("Product") or {}).get("Skus") or {}
        raw_skus = _as_list(node.get("Sku") if isinstance(node, dict) else None)
        if not raw_skus:
            raise ApiError("30", "E030: Empty Request")
        if len(raw_skus) > MAX_PRICE_QUANTITY_SKUS:
            raise ApiError("4171", "The updated SKU quantity exceeds the maximum number 50, please do not update more "
                                   "than 50 SKUs at once")
        detail = []
        now = _ms(self.now())
        for raw in raw_skus:
            ident = {"seller_sku": str(raw.get("SellerSku") or ""), "sku_id": str(raw.get("SkuId") or "")}
            try:
                product, sku = self._find_sku(seller_id, sku_id=raw.get("SkuId"), seller_sku=raw.get("SellerSku"),
                                              item_id=raw.get("ItemId"))
            except KeyError:
                detail.append({**ident, "field": "SkuId", "message": "SKU not exist", "code": "207"})
                continue
            try:
                price = self._check_price(raw["Price"], field_name="Price") if raw.get("Price") not in (None, "") else None
            except ApiError as exc:
                reason = exc.detail[0]["message"] if exc.detail else exc.message
                detail.append({**ident, "field": "Price", "message": reason, "code": exc.code})
                continue
            quantity = None
            if raw.get("Quantity") not in (None, ""):
                quantity = _int(raw["Quantity"])
                if quantity is None or quantity < 0:
                    detail.append({**ident, "field": "Quantity", "message": "Quantity must be a whole number of 0 or more",
                                   "code": "500"})
                    continue
                if quantity < sku.reserved:
                    detail.append({**ident, "field": "Quantity", "message": "Quantity cannot be less than the locked stock",
                                   "code": "500"})
                    continue
            if price is not None:
                sku.price = price
            if quantity is not None:
                sku.quantity = quantity
            product.updated_ms = now
        if detail:
            raise ApiError("501", "E501: Update product failed", detail=detail)
        return {}

    def _api_product_deactivate(self, seller_id, params, files) -> dict:
        payload = _payload(params, "apiRequestBody")
        node = (payload.get("Request") or {}).get("Product") or {}
        if not node.get("ItemId"):
            raise ApiError("1", "E001: Parameter ItemId is mandatory")
        product = self._product(seller_id, node["ItemId"])
        sku_ids = {_int(s) for s in _as_list((node.get("Skus") or {}).get("SkuId"))} if isinstance(node.get("Skus"), dict) else set()
        for sku in product.live_skus():
            if not sku_ids or sku.sku_id in sku_ids:
                sku.status = "inactive"
        if all(s.status == "inactive" for s in product.live_skus()):
            product.status = "InActive"
        product.updated_ms = _ms(self.now())
        return {}

    def _api_product_remove(self, seller_id, params, files) -> dict:
        targets = []
        for key in ("sku_id_list", "seller_sku_list"):
            if params.get(key):
                try:
                    values = json.loads(params[key])
                except ValueError:
                    raise ApiError("5", "E005: Invalid Request Format") from None
                if not isinstance(values, list) or len(values) > 50:
                    raise ApiError("5", "E005: Invalid Request Format: at most 50 SKUs")
                targets = [(key, str(v)) for v in values]
                break
        if not targets:
            raise ApiError("1", "E001: Parameter sku_id_list is mandatory")
        for key, value in targets:
            try:
                if key == "sku_id_list":
                    _prefix, item_id, sku_id = value.split("_", 2)
                    product, sku = self._find_sku(seller_id, sku_id=sku_id, item_id=item_id)
                else:
                    product, sku = self._find_sku(seller_id, seller_sku=value)
            except (KeyError, ValueError):
                raise ApiError("207", f"E207: SKU not exist: {value}") from None
            sku.deleted = True
            if not product.live_skus():
                product.status = "Deleted"
            product.updated_ms = _ms(self.now())
        return {}

    # --- orders -------------------------------------------------------------------------------------
    def _order_json(self, order: Order) -> dict:
        return {"order_id": order.order_id, "order_number": order.order_id,
                "created_at": order.created.isoformat(), "updated_at": order.updated.isoformat(),
                "price": f"{sum(i.price for i in order.items):.2f}", "items_count": len(order.items),
                "statuses": sorted({i.status for i in order.items}), "payment_method": "COD"}

    def _api_orders_get(self, seller_id, params, files) -> dict:
        after, created_after = params.get("update_after"), params.get("created_after")
        if not after and not created_after:
            raise ApiError("1", "E001: Parameter update_after or created_after is mandatory")
        after_t = _parse_iso(after) if after else None
        created_t = _parse_iso(created_after) if created_after else None
        if (after and after_t is None) or (created_after and created_t is None):
            raise ApiError("17", "E017: Invalid Date Format")
        limit = _int(params.get("limit", "10"))
        if limit is None or not 1 <= limit <= 100:
            raise ApiError("19", "E019: Invalid Limit")
        offset = _int(params.get("offset", "0"))
        if offset is None or offset < 0:
            raise ApiError("14", "E014: Invalid Offset")
        status = params.get("status", "")
        if status and status not in ORDER_STATUSES:
            raise ApiError("36", "E036: Invalid status filter")
        sort_by = params.get("sort_by", "created_at")
        if sort_by not in ("created_at", "updated_at"):
            raise ApiError("75", "E075: Invalid sort filter.")
        direction = params.get("sort_direction", "DESC")
        if direction not in ("ASC", "DESC"):
            raise ApiError("74", "E074: Invalid sort direction.")
        found = [o for o in self.orders.values() if o.seller_id == seller_id
                 and (after_t is None or o.updated.timestamp() >= after_t)
                 and (created_t is None or o.created.timestamp() >= created_t)
                 and (not status or status in {i.status for i in o.items})]
        found.sort(key=lambda o: (getattr(o, "updated" if sort_by == "updated_at" else "created"), o.order_id),
                   reverse=direction == "DESC")
        page = found[offset:offset + limit]
        return {"count": len(page), "countTotal": len(found), "orders": [self._order_json(o) for o in page]}

    def _api_order_get(self, seller_id, params, files) -> dict:
        order = self.orders.get(_int(params.get("order_id")) or -1)
        if order is None or order.seller_id != seller_id:
            raise ApiError("16", "E016: Invalid Order ID")
        return self._order_json(order)

    def _api_order_items_get(self, seller_id, params, files) -> list:
        order = self.orders.get(_int(params.get("order_id")) or -1)
        if order is None or order.seller_id != seller_id:
            raise ApiError("16", "E016: Invalid Order ID")
        stamp = order.updated.strftime("%Y-%m-%d %H:%M:%S %z")
        return [{"order_item_id": i.order_item_id, "order_id": order.order_id, "sku": i.sku, "sku_id": i.sku_id,
                 "product_id": i.item_id, "name": i.name, "item_price": f"{i.price:.2f}", "paid_price": f"{i.price:.2f}",
                 "status": i.status, "currency": "VND", "shop_id": self.sellers[seller_id].name,
                 "created_at": order.created.strftime("%Y-%m-%d %H:%M:%S %z"), "updated_at": stamp}
                for i in order.items]


# --- helpers ---------------------------------------------------------------------------------------------
def _lazada_word(status: OrderStatus | str) -> str:
    if isinstance(status, OrderStatus):
        return LAZADA_WORD[status]
    word = str(status).lower()
    if word not in ORDER_STATUSES:
        raise ValueError(f"unknown Lazada order status {status}")
    return word


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _is_json(text: str) -> bool:
    return text.lstrip().startswith("{")


def _xml_to_dict(element) -> object:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict = {}
    for child in children:
        value = _xml_to_dict(child)
        if child.tag in out:
            out[child.tag] = _as_list(out[child.tag]) + [value]
        else:
            out[child.tag] = value
    return out


def _payload(params: dict, name: str) -> dict:
    """The business payload: JSON, or XML as the older documentation shows it."""
    text = params.get(name, "")
    if not text:
        raise ApiError("1", f"E001: Parameter {name} is mandatory")
    try:
        if _is_json(text):
            data = json.loads(text)
        else:
            root = ET.fromstring(text)  # noqa: S314 - loopback test server
            data = {root.tag: _xml_to_dict(root)}
    except (ValueError, ET.ParseError):
        raise ApiError("5", "E005: Invalid Request Format") from None
    if not isinstance(data, dict):
        raise ApiError("5", "E005: Invalid Request Format")
    return data


def _parse_timestamp(raw: str) -> float | None:
    """Milliseconds (``1517886554000``) or ISO 8601 (``2017-11-11T12:00:00Z``), both documented."""
    if raw.isdigit():
        return int(raw) / 1000
    return _parse_iso(raw)


def _parse_iso(raw: str) -> float | None:
    text = raw.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0800 -> +08:00
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_OFFSET)
    return moment.timestamp()


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a JPG or PNG, read from its header; None for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker = content[i + 1]
            length = int.from_bytes(content[i + 2:i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return int.from_bytes(content[i + 7:i + 9], "big"), int.from_bytes(content[i + 5:i + 7], "big")
            i += 2 + length
    return None


def _answer(envelope: dict, status: int) -> Response:
    """The envelope as Lazada sends it; its ``code`` goes into the call log."""
    return Response(status=status, body=json.dumps(envelope, ensure_ascii=False).encode(), code=envelope["code"])


def _error(exc: ApiError, request_id: str = "") -> Response:
    envelope = {"type": exc.type, "code": exc.code, "message": exc.message,
                "request_id": request_id or uuid.uuid4().hex[:13]}
    if exc.detail is not None:
        envelope["detail"] = exc.detail
    return _answer(envelope, exc.status)
