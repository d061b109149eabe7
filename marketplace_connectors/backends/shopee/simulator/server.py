"""A local Shopee Open Platform v2, written from the documentation in shared/marketplaces.md §1.

Built on ``marketplace_connectors.simulator_base`` (server, clock, faults, rate-limit window, call log,
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

Nothing here imports the connector: the conformance tests check this server against the documentation.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import html
import itertools
import json
import random
import string
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlencode

from marketplace_connectors.base import OrderStatus
from marketplace_connectors.simulator_base import Call, Faults, Request, Response, SimulatorServer

__all__ = ["Faults", "ShopeeSimulator"]

ACCESS_TOKEN_LIFETIME = 4 * 3600
REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
CODE_LIFETIME = 600
OLD_ACCESS_GRACE = 300
TIMESTAMP_WINDOW = 300
AUTH_LINK_LIFETIME = 300
MAX_IMAGE_BYTES = 10 * 1024 * 1024
ORDER_WINDOW = 15 * 24 * 3600
ORDER_STATUSES = {"UNPAID", "PENDING", "READY_TO_SHIP", "PROCESSED", "RETRY_SHIP", "SHIPPED", "TO_CONFIRM_RECEIVE",
                  "IN_CANCEL", "CANCELLED", "INVOICE_PENDING", "TO_RETURN", "COMPLETED"}
# Statuses in which the goods are no longer sold: entering one puts the stock back.
STOCK_RELEASED = {"CANCELLED", "TO_RETURN"}
# The protocol's statuses as Shopee words (what a test asking for "shipped" means on Shopee).
SHOPEE_WORD = {
    OrderStatus.UNPAID: "UNPAID", OrderStatus.PENDING: "READY_TO_SHIP", OrderStatus.READY_TO_SHIP: "PROCESSED",
    OrderStatus.SHIPPED: "SHIPPED", OrderStatus.DELIVERED: "COMPLETED", OrderStatus.CANCELLED: "CANCELLED",
    OrderStatus.RETURNED: "TO_RETURN",
}

PUBLIC_PATHS = {
    "/api/v2/shop/auth_partner",
    "/api/v2/auth/token/get",
    "/api/v2/auth/access_token/get",
    "/api/v2/media_space/upload_image",
}
SHOP_PATHS = {
    "/api/v2/shop/get_shop_info",
    "/api/v2/product/get_category",
    "/api/v2/product/get_attribute_tree",
    "/api/v2/product/get_item_limit",
    "/api/v2/logistics/get_channel_list",
    "/api/v2/product/add_item",
    "/api/v2/product/update_item",
    "/api/v2/product/init_tier_variation",
    "/api/v2/product/get_model_list",
    "/api/v2/product/add_model",
    "/api/v2/product/update_tier_variation",
    "/api/v2/product/update_price",
    "/api/v2/product/update_stock",
    "/api/v2/product/get_item_list",
    "/api/v2/product/get_item_base_info",
    "/api/v2/product/unlist_item",
    "/api/v2/product/delete_item",
    "/api/v2/order/get_order_list",
    "/api/v2/order/get_order_detail",
}

# A small category tree in Vietnamese (leaf categories only are usable) with attributes.
DEFAULT_CATEGORIES = [
    {"category_id": 100001, "parent_category_id": 0, "original_category_name": "Food & Beverages",
     "display_category_name": "Thực phẩm và đồ uống", "has_children": True},
    {"category_id": 100101, "parent_category_id": 100001, "original_category_name": "Rice",
     "display_category_name": "Gạo", "has_children": False},
    {"category_id": 100102, "parent_category_id": 100001, "original_category_name": "Dried fruit",
     "display_category_name": "Trái cây sấy", "has_children": False},
    {"category_id": 100103, "parent_category_id": 100001, "original_category_name": "Snacks",
     "display_category_name": "Bánh kẹo", "has_children": False},
    {"category_id": 100002, "parent_category_id": 0, "original_category_name": "Home & Living",
     "display_category_name": "Nhà cửa và đời sống", "has_children": True},
    {"category_id": 100201, "parent_category_id": 100002, "original_category_name": "Handicrafts",
     "display_category_name": "Đồ thủ công mỹ nghệ", "has_children": False},
]
DEFAULT_ATTRIBUTES = {
    100101: [
        {"attribute_id": 501, "original_attribute_name": "Origin", "display_attribute_name": "Xuất xứ",
         "mandatory": True, "input_type": 1, "attribute_value_list": [
             {"value_id": 5011, "original_value_name": "Vietnam", "display_value_name": "Việt Nam"},
             {"value_id": 5012, "original_value_name": "Thailand", "display_value_name": "Thái Lan"}]},
        {"attribute_id": 502, "original_attribute_name": "Shelf life", "display_attribute_name": "Hạn sử dụng",
         "mandatory": True, "input_type": 3, "attribute_value_list": []},
        {"attribute_id": 503, "original_attribute_name": "Rice type", "display_attribute_name": "Loại gạo",
         "mandatory": False, "input_type": 3, "attribute_value_list": []},
    ],
    100102: [
        {"attribute_id": 501, "original_attribute_name": "Origin", "display_attribute_name": "Xuất xứ",
         "mandatory": True, "input_type": 1, "attribute_value_list": [
             {"value_id": 5011, "original_value_name": "Vietnam", "display_value_name": "Việt Nam"}]},
    ],
    100103: [],
    100201: [
        {"attribute_id": 601, "original_attribute_name": "Material", "display_attribute_name": "Chất liệu",
         "mandatory": True, "input_type": 3, "attribute_value_list": []},
    ],
}
DEFAULT_CHANNELS = [
    {"logistics_channel_id": 50011, "logistics_channel_name": "VNPost Nhanh", "enabled": True,
     "fee_type": "SIZE_INPUT", "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01}},
    {"logistics_channel_id": 50012, "logistics_channel_name": "Giao Hàng Tiết Kiệm", "enabled": True,
     "fee_type": "SIZE_INPUT", "weight_limit": {"item_max_weight": 20, "item_min_weight": 0.01}},
]
DEFAULT_ITEM_LIMIT = {
    "price_limit": {"min_limit": 1000, "max_limit": 120000000},
    "stock_limit": {"min_limit": 0, "max_limit": 999999},
    "item_name_length_limit": {"min_limit": 10, "max_limit": 120},
    "item_image_count_limit": {"min_limit": 1, "max_limit": 9},
    "item_description_length_limit": {"min_limit": 100, "max_limit": 3000},
    "tier_variation_name_length_limit": {"min_limit": 1, "max_limit": 14},
    "tier_variation_option_length_limit": {"min_limit": 1, "max_limit": 30},
    "weight_limit": {"min_limit": 0.01, "max_limit": 30},
    "dimension_limit": {"min_limit": 1, "max_limit": 200},
    "model_count_limit": {"max_limit": 50},
}


@dataclass
class Model:
    model_id: int
    tier_index: list[int]
    model_sku: str
    original_price: int
    stock: int
    reserved: int = 0


@dataclass
class Item:
    item_id: int
    item_sku: str
    item_name: str
    description: str
    original_price: int
    category_id: int
    weight: float
    image_ids: list[str]
    attribute_list: list
    logistic_info: list
    dimension: dict | None
    item_status: str
    stock: int
    create_time: int
    update_time: int
    tier_variation: list = field(default_factory=list)
    models: list[Model] = field(default_factory=list)


@dataclass
class OrderLine:
    item_id: int
    item_name: str
    item_sku: str
    model_id: int  # 0: the item has no models
    model_name: str
    model_sku: str
    quantity: int
    original_price: int
    discounted_price: int


@dataclass
class Order:
    order_sn: str
    shop_id: int
    order_status: str
    create_time: int
    update_time: int
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def total_amount(self) -> int:
        return sum(line.discounted_price * line.quantity for line in self.lines)


@dataclass
class Shop:
    shop_id: int
    shop_name: str
    items: dict[int, Item] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)


class ApiError(Exception):
    def __init__(self, error: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error, self.message, self.status = error, message, status


class ShopeeSimulator(SimulatorServer):
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
                 shops: dict[int, str] | None = None, reject_repeated_items: bool = True) -> None:
        # four attempts, 0.05 s, 0.1 s and 0.15 s apart
        super().__init__(host=host, port=port, push_retry_delays=(0.05, 0.1, 0.15), push_timeout=5.0)
        self.partner_id = partner_id
        self.partner_key = partner_key
        self.rate_limit_per_second = rate_limit_per_second
        self.reject_repeated_items = reject_repeated_items
        self.categories = [dict(c) for c in DEFAULT_CATEGORIES]
        self.attributes = {k: [dict(a) for a in v] for k, v in DEFAULT_ATTRIBUTES.items()}
        self.channels = [dict(c) for c in DEFAULT_CHANNELS]
        self.item_limit = json.loads(json.dumps(DEFAULT_ITEM_LIMIT))
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
        self._sn_rng = random.Random(11)  # noqa: S311 - order numbers for tests, not security
        self._ids = itertools.count(800000001)

    # --- test helpers ----------------------------------------------------------------------------
    def issue_code(self, shop_id: int | None = None) -> tuple[str, int]:
        """What the consent page does when the seller approves: a fresh single-use code."""
        with self.lock:
            shop_id = shop_id or next(iter(self.shops))
            code = uuid.uuid4().hex
            self.codes[code] = (shop_id, self.now())
            return code, shop_id

    def expire_access_tokens(self, shop_id: int) -> None:
        with self.lock:
            for token, (shop, _exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[token] = (shop, self.now() - 1)

    def revoke_refresh_tokens(self, shop_id: int) -> None:
        with self.lock:
            for token, (shop, _exp) in list(self.refresh_tokens.items()):
                if shop == shop_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def items(self, shop_id: int | None = None) -> list[Item]:
        with self.lock:
            shop = self.shops[shop_id or next(iter(self.shops))]
            return [i for i in shop.items.values() if i.item_status != "DELETED"]

    def items_by_sku(self, shop_id: int | None = None) -> dict[str, list[Item]]:
        found: dict[str, list[Item]] = collections.defaultdict(list)
        for item in self.items(shop_id):
            found[item.item_sku].append(item)
        return dict(found)

    def seed_item(self, *, sku: str, name: str = "Sản phẩm có sẵn", price: int = 50_000, stock: int = 10,
                  models: Sequence[tuple[str, int, int]] = (), shop_id: str | int | None = None) -> Item:
        """An item already on the shop, created without any API call (tests, benchmarks): ``models`` are
        ``(model_sku, price, stock)``; without models the item itself has ``price`` and ``stock``."""
        with self.lock:
            shop = self._shop(shop_id)
            now = int(self.now())
            item = Item(item_id=next(self._ids), item_sku=sku, item_name=name, description=name, original_price=price,
                        category_id=100103, weight=0.5, image_ids=[], attribute_list=[], logistic_info=[],
                        dimension=None, item_status="NORMAL", stock=0 if models else stock, create_time=now,
                        update_time=now)
            if models:
                item.tier_variation = [{"name": "Phân loại", "option_list": [{"option": m[0]} for m in models]}]
                item.models = [Model(model_id=next(self._ids), tier_index=[n], model_sku=model_sku,
                                     original_price=model_price, stock=model_stock)
                               for n, (model_sku, model_price, model_stock) in enumerate(models)]
            shop.items[item.item_id] = item
            return item

    # --- orders and pushes (the SandboxSimulator protocol) -----------------------------------------
    def _shop(self, shop_id: str | int | None) -> Shop:
        return self.shops[int(shop_id) if shop_id else next(iter(self.shops))]

    @staticmethod
    def _sellables(shop: Shop, sku: str) -> list[tuple[Item, Model | None]]:
        """What a buyer can order under seller SKU ``sku``: a model with that model_sku, or an item
        without models with that item_sku."""
        found: list[tuple[Item, Model | None]] = []
        for item in shop.items.values():
            if item.item_status in ("DELETED", "BANNED"):
                continue
            if item.models:
                found.extend((item, m) for m in item.models if m.model_sku == sku)
            elif item.item_sku == sku:
                found.append((item, None))
        return found

    def create_order(self, *, shop_id: str | int | None = None, items: Sequence[tuple[str, int]],
                     status: OrderStatus | str = OrderStatus.PENDING) -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs: the stock goes down at once (ValueError when a
        SKU is unknown or short, and nothing changes); returns the order_sn. The order starts
        READY_TO_SHIP (paid, or cash on delivery) unless ``status`` says otherwise."""
        with self.lock:
            shop = self._shop(shop_id)
            picked = []
            for sku, quantity in items:
                found = self._sellables(shop, sku)
                if not found:
                    raise ValueError(f"no listing with SKU {sku} on shop {shop.shop_id}")
                item, model = found[0]
                stock = model.stock if model else item.stock
                if quantity < 1 or stock < quantity:
                    raise ValueError(f"only {stock} of {sku} in stock")
                picked.append((item, model, quantity))
            now = int(self.now())
            order = Order(order_sn=self._order_sn(now), shop_id=shop.shop_id, order_status=_shopee_word(status),
                          create_time=now, update_time=now)
            for item, model, quantity in picked:
                target = model or item
                target.stock -= quantity
                price = model.original_price if model else item.original_price
                order.lines.append(OrderLine(
                    item_id=item.item_id, item_name=item.item_name, item_sku=item.item_sku,
                    model_id=model.model_id if model else 0,
                    model_name=_model_name(item, model), model_sku=model.model_sku if model else "",
                    quantity=quantity, original_price=price, discounted_price=price))
            shop.orders[order.order_sn] = order
            self._push_order(order)
            return order.order_sn

    def _order_sn(self, now: int) -> str:
        """Shopee's form: the date (yymmdd) then 8 upper-case letters and digits, e.g. 2404098R48U37H."""
        alphabet = string.ascii_uppercase + string.digits
        while True:
            sn = time.strftime("%y%m%d", time.gmtime(now)) + "".join(self._sn_rng.choice(alphabet) for _ in range(8))
            if all(sn not in shop.orders for shop in self.shops.values()):
                return sn

    def order(self, order_id: str) -> Order:
        with self.lock:
            return next(shop.orders[order_id] for shop in self.shops.values() if order_id in shop.orders)

    def set_order_status(self, *, order_id: str, status: OrderStatus | str, seconds_later: float = 1.0) -> None:
        """Move the order on; ``status`` is ours (OrderStatus) or a Shopee word such as "IN_CANCEL".
        Entering CANCELLED or TO_RETURN puts the stock back; update_time moves ``seconds_later`` on."""
        with self.lock:
            order = self.order(order_id)
            word = _shopee_word(status)
            if order.order_status in STOCK_RELEASED and word not in STOCK_RELEASED:
                raise ValueError(f"order {order_id} is {order.order_status}: it cannot move on")
            if word in STOCK_RELEASED and order.order_status not in STOCK_RELEASED:
                self._restock(order)
            order.order_status = word
            order.update_time = max(int(self.now()), int(order.update_time + seconds_later))
            self._push_order(order)

    def _restock(self, order: Order) -> None:
        shop = self.shops[order.shop_id]
        for line in order.lines:
            item = shop.items.get(line.item_id)
            if item is None:
                continue
            model = next((m for m in item.models if m.model_id == line.model_id), None)
            target = model or item
            target.stock += line.quantity

    def stock_of(self, *, shop_id: str | int | None = None, sku: str) -> int | None:
        with self.lock:
            found = self._sellables(self._shop(shop_id), sku)
            if not found:
                return None
            item, model = found[0]
            return model.stock if model else item.stock

    def push_signature(self, url: str, body: bytes) -> str:
        """marketplaces.md §1.8: hex(HMAC-SHA256(partner_key, url + "|" + raw body))."""
        return hmac.new(self.partner_key.encode(), url.encode() + b"|" + body, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        return {"Authorization": self.push_signature(self.push_url or "", body)}

    def push_accepted(self, status: int, body: bytes) -> bool:
        # Shopee counts a delivery as received only on 2xx with an empty body (§1.8, §1.9 case 10).
        return 200 <= status < 300 and not body

    def _push_order(self, order: Order) -> None:
        if not self.push_url or not self.push_url.startswith(("http://", "https://")):
            return
        self.push(json.dumps({"code": 3, "shop_id": order.shop_id, "timestamp": int(self.now()),
                              "data": {"ordersn": order.order_sn, "status": order.order_status,
                                       "update_time": order.update_time}}, separators=(",", ":")).encode())

    # --- signing (the documented algorithm) -------------------------------------------------------
    def expected_sign(self, path: str, timestamp: str, access_token: str = "", shop_id: str = "") -> str:
        base = f"{self.partner_id}{path}{timestamp}{access_token}{shop_id}"
        return hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()

    # --- request handling -----------------------------------------------------------------------
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
            if token is None or token[0] != shop_id or token[1] <= self.now():
                raise ApiError("error_auth", "Invalid access_token.", 403)
        return shop_id

    # --- consent (sandbox only: the real page is Shopee's seller login) ---------------------------
    def _consent_page(self, query: dict) -> Response:
        redirect = query.get("redirect", [""])[0]
        if not redirect:
            raise ApiError("error_param", "Wrong parameters, detail: redirect is required.")
        if abs(time.time() - int(query["timestamp"][0])) > AUTH_LINK_LIFETIME:
            raise ApiError("error_param", "Invalid timestamp")
        options = "".join(
            f'<option value="{sid}">{html.escape(shop.shop_name)} ({sid})</option>' for sid, shop in self.shops.items()
        )
        page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shopee Sandbox – Ủy quyền</title></head>
<body><main><h1>Shopee Sandbox</h1>
<p>Ứng dụng (partner {self.partner_id}) xin quyền quản lý sản phẩm và đơn hàng của shop.</p>
<p>Đây là môi trường thử nghiệm cục bộ, không phải Shopee thật.</p>
<form method="post" action="/sandbox/authorize">
<input type="hidden" name="redirect" value="{html.escape(redirect)}">
<label for="shop_id">Shop</label> <select id="shop_id" name="shop_id">{options}</select>
<button type="submit" name="decision" value="approve">Đồng ý ủy quyền</button>
<button type="submit" name="decision" value="deny">Từ chối</button>
</form></main></body></html>"""
        return Response(body=page.encode(), content_type="text/html; charset=utf-8")

    def _consent_submit(self, body: bytes) -> Response:
        form = parse_qs(body.decode())
        redirect = form.get("redirect", [""])[0]
        if not redirect.startswith(("http://", "https://")):
            return Response(status=400, body=b"bad redirect", content_type="text/plain")
        if form.get("decision", [""])[0] != "approve":
            return Response(status=302, content_type="text/plain", headers={"Location": redirect})
        code, shop_id = self.issue_code(int(form.get("shop_id", ["0"])[0] or 0) or None)
        sep = "&" if "?" in redirect else "?"
        location = f"{redirect}{sep}{urlencode({'code': code, 'shop_id': shop_id})}"
        return Response(status=302, content_type="text/plain", headers={"Location": location})

    # --- API endpoints --------------------------------------------------------------------------
    def _dispatch(self, method, path, query, headers, body, shop_id):
        name = path.rsplit("/", 1)[-1]
        expects_post = name in {"token", "get"} and "/auth/" in path or name in {
            "add_item", "update_item", "init_tier_variation", "add_model", "update_tier_variation", "update_price", "update_stock", "unlist_item",
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

    def _new_tokens(self, shop_id: int) -> dict:
        access, refresh = uuid.uuid4().hex, uuid.uuid4().hex
        now = self.now()
        self.access_tokens[access] = (shop_id, now + ACCESS_TOKEN_LIFETIME)
        self.refresh_tokens[refresh] = (shop_id, now + REFRESH_TOKEN_LIFETIME)
        return {"_top_level": True, "access_token": access, "refresh_token": refresh,
                "expire_in": ACCESS_TOKEN_LIFETIME}

    def _token_get(self, data: dict) -> dict:
        with self.lock:
            if str(data.get("partner_id")) != str(self.partner_id):
                raise ApiError("error_param", "Invalid partner_id.")
            code = str(data.get("code", ""))
            issued = self.codes.pop(code, None)
            if issued is None or code in self.used_codes:
                raise ApiError("error_auth", "Invalid code.")
            self.used_codes.add(code)
            shop_id, issued_at = issued
            if self.now() - issued_at > CODE_LIFETIME:
                raise ApiError("error_auth", "Invalid code.")
            if str(data.get("shop_id")) != str(shop_id):
                raise ApiError("error_auth", "Invalid partner_id or shopid.")
            return self._new_tokens(shop_id)

    def _token_refresh(self, data: dict) -> dict:
        with self.lock:
            if str(data.get("partner_id")) != str(self.partner_id):
                raise ApiError("error_param", "Invalid partner_id.")
            token = str(data.get("refresh_token", ""))
            entry = self.refresh_tokens.pop(token, None)
            if entry is None:
                raise ApiError("error_auth", "Invalid refresh_token.")
            self.spent_refresh_tokens.add(token)
            shop_id, expires_at = entry
            if expires_at <= self.now() or str(data.get("shop_id")) != str(shop_id):
                raise ApiError("error_auth", "Invalid refresh_token.")
            # The old access tokens keep working for 5 more minutes.
            for access, (shop, exp) in list(self.access_tokens.items()):
                if shop == shop_id:
                    self.access_tokens[access] = (shop, min(exp, self.now() + OLD_ACCESS_GRACE))
            return self._new_tokens(shop_id)

    def _upload_image(self, headers, body: bytes) -> dict:
        content_type = headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            raise ApiError("error_param", "Wrong parameters, detail: request must be multipart/form-data.")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        files = [part for part in message.iter_parts() if part.get_param("name", header="content-disposition") == "image"]
        if not files:
            raise ApiError("error_param", "Wrong parameters, detail: image is required.")
        results = []
        first_ok = None
        for index, part in enumerate(files):
            content = part.get_payload(decode=True) or b""
            entry = {"id": index, "error": "", "message": "", "image_info": {}}
            if len(content) > MAX_IMAGE_BYTES:
                entry.update(error="error_image_size", message="Image size exceeds 10 MB.")
            elif not (content.startswith(b"\xff\xd8\xff") or content.startswith(b"\x89PNG\r\n\x1a\n")):
                entry.update(error="error_param", message="type of images is invalid")
            else:
                image_id = "vn-" + uuid.uuid4().hex[:24]
                with self.lock:
                    self.images[image_id] = len(content)
                info = {"image_id": image_id, "image_url_list": [
                    {"image_url_region": "VN", "image_url": f"{self.url}/file/{image_id}"}]}
                entry["image_info"] = info
                first_ok = first_ok or info
            results.append(entry)
        response = {"image_info_list": results}
        if first_ok and len(files) == 1:
            response["image_info"] = first_ok
        if any(r["error"] for r in results):
            response["_warning"] = "some images failed, check image_info_list"
        return response

    def _api_get_shop_info(self, shop: Shop, query, data) -> dict:
        return {"_top_level": True, "shop_name": shop.shop_name, "region": "VN", "status": "NORMAL"}

    def _api_get_category(self, shop: Shop, query, data) -> dict:
        return {"category_list": self.categories}

    def _api_get_attribute_tree(self, shop: Shop, query, data) -> dict:
        raw = query.get("category_id_list", [""])
        ids = _parse_id_list(raw)
        if not ids or len(ids) > 20:
            raise ApiError("error_param", "Wrong parameters, detail: category_id_list must hold 1 to 20 ids.")
        lst = []
        for cid in ids:
            attrs = self.attributes.get(cid)
            if attrs is None:
                raise ApiError("error_param", "Invalid category.")
            lst.append({"category_id": cid, "attribute_tree": [
                {"attribute_id": a["attribute_id"], "mandatory": a["mandatory"],
                 "name": a["display_attribute_name"], "attribute_info": {"input_type": a["input_type"]},
                 "attribute_value_list": [{"value_id": v["value_id"], "name": v["display_value_name"]}
                                          for v in a["attribute_value_list"]]}
                for a in attrs]})
        return {"list": lst}

    def _api_get_item_limit(self, shop: Shop, query, data) -> dict:
        return self.item_limit

    def _api_get_channel_list(self, shop: Shop, query, data) -> dict:
        return {"logistics_channel_list": self.channels}

    def _leaf_category(self, category_id) -> int:
        leaves = {c["category_id"] for c in self.categories if not c["has_children"]}
        if category_id not in leaves:
            raise ApiError("error_param", "Invalid category.")
        return category_id

    def _check_attributes(self, category_id: int, attribute_list) -> None:
        given = {a.get("attribute_id") for a in attribute_list or [] if a.get("attribute_value_list")}
        missing = [a for a in self.attributes.get(category_id, []) if a["mandatory"] and a["attribute_id"] not in given]
        if missing:
            names = ", ".join(a["original_attribute_name"] for a in missing)
            raise ApiError("product.error_less_required_attribute", f"Mandatory attribute is missing: {names}")

    def _check_price(self, price) -> int:
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise ApiError("error_param", "Wrong parameters, detail: original_price is required.")
        if isinstance(price, float) and not price.is_integer():
            raise ApiError("product.error_invalid_price", "Price must be an integer in this region.")
        limits = self.item_limit["price_limit"]
        if not limits["min_limit"] <= price <= limits["max_limit"]:
            raise ApiError("product.error_invalid_price", "Price is out of range.")
        return int(price)

    def _api_add_item(self, shop: Shop, query, data) -> dict:
        for required in ("original_price", "description", "weight", "item_name", "logistic_info", "category_id", "image"):
            if data.get(required) in (None, "", [], {}):
                raise ApiError("error_param", f"Wrong parameters, detail: {required} is required.")
        price = self._check_price(data["original_price"])
        category_id = self._leaf_category(data["category_id"])
        name = str(data["item_name"])
        lim = self.item_limit
        if not lim["item_name_length_limit"]["min_limit"] <= len(name) <= lim["item_name_length_limit"]["max_limit"]:
            raise ApiError("product.error_item_name_length", "Item name length is invalid.")
        desc = str(data["description"])
        if not lim["item_description_length_limit"]["min_limit"] <= len(desc) <= lim["item_description_length_limit"]["max_limit"]:
            raise ApiError("product.error_description_length", "Description length is invalid.")
        image_ids = list((data.get("image") or {}).get("image_id_list") or [])
        if not image_ids or len(image_ids) > lim["item_image_count_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: image_id_list must hold 1 to 9 images.")
        for image_id in image_ids:
            if image_id not in self.images:
                raise ApiError("error_param", "Image not exist.")
        self._check_attributes(category_id, data.get("attribute_list"))
        channels = {c["logistics_channel_id"] for c in self.channels if c["enabled"]}
        if not any(li.get("enabled") and li.get("logistic_id") in channels for li in data["logistic_info"]):
            raise ApiError("product.error_logistic_info", "No enabled logistics channel.")
        weight = float(data["weight"])
        if not lim["weight_limit"]["min_limit"] <= weight <= lim["weight_limit"]["max_limit"]:
            raise ApiError("product.error_weight", "Weight is out of range.")
        sku = str(data.get("item_sku", ""))
        if self.reject_repeated_items:
            for item in shop.items.values():
                if item.item_status != "DELETED" and item.item_name == name and item.item_sku == sku \
                        and item.category_id == category_id:
                    raise ApiError("product.error_repeated_mtsku", "A similar product has already been uploaded.")
        stock = sum(int(s.get("stock", 0)) for s in data.get("seller_stock") or [])
        now = int(self.now())
        item = Item(
            item_id=next(self._ids), item_sku=sku, item_name=name, description=desc, original_price=price,
            category_id=category_id, weight=weight, image_ids=image_ids, attribute_list=data.get("attribute_list") or [],
            logistic_info=data["logistic_info"], dimension=data.get("dimension"),
            item_status=data.get("item_status") or "NORMAL", stock=stock, create_time=now, update_time=now,
        )
        shop.items[item.item_id] = item
        return {"item_id": item.item_id, "item_name": name, "item_sku": sku, "item_status": item.item_status,
                "category_id": category_id, "original_price": price, "image": {"image_id_list": image_ids}}

    def _item(self, shop: Shop, item_id) -> Item:
        item = shop.items.get(item_id) if isinstance(item_id, int) else None
        if item is None or item.item_status == "DELETED":
            raise ApiError("error_param", "Wrong parameters, detail: item_id not found.") if item_id else \
                ApiError("error_param", "invalid field ItemId: value must Not Null")
        return item

    def _api_update_item(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        if "original_price" in data:
            raise ApiError("error_param", "Wrong parameters, detail: use update_price to change prices.")
        if "category_id" in data:
            item.category_id = self._leaf_category(data["category_id"])
        if "attribute_list" in data:
            self._check_attributes(item.category_id, data["attribute_list"])
            item.attribute_list = data["attribute_list"]
        if "image" in data:
            ids = list((data["image"] or {}).get("image_id_list") or [])
            if not ids or any(i not in self.images for i in ids):
                raise ApiError("error_param", "Image not exist.")
            item.image_ids = ids
        for key in ("item_name", "description", "weight", "dimension", "item_sku", "logistic_info", "item_status"):
            if key in data:
                setattr(item, key, data[key])
        item.update_time = int(self.now())
        return {"item_id": item.item_id}

    def _api_init_tier_variation(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        if item.tier_variation:
            raise ApiError("product.error_tier_variation_exists", "Tier variation already exists.")
        tiers = data.get("tier_variation") or []
        models = data.get("model") or []
        if not tiers or len(tiers) > 2:
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation must hold 1 or 2 tiers.")
        if not models or len(models) > self.item_limit["model_count_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: model must hold 1 to 50 models.")
        self._check_tiers(tiers)
        created = self._new_models(item, tiers, models, taken=[])
        item.tier_variation = tiers
        item.models = created
        item.update_time = int(self.now())
        return {"item_id": item.item_id, "tier_variation": tiers, "model": [_model_json(m) for m in created]}

    def _check_tiers(self, tiers) -> None:
        if not isinstance(tiers, list) or not 1 <= len(tiers) <= 2:
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation must hold 1 or 2 tiers.")
        name_max = self.item_limit["tier_variation_name_length_limit"]["max_limit"]
        option_max = self.item_limit["tier_variation_option_length_limit"]["max_limit"]
        for tier in tiers:
            options = [str(o.get("option") or "") for o in tier.get("option_list") or []]
            if not 1 <= len(str(tier.get("name") or "")) <= name_max:
                raise ApiError("error_param", "Wrong parameters, detail: tier variation name length is invalid.")
            if not options or any(not 1 <= len(o) <= option_max for o in options):
                raise ApiError("error_param", "Wrong parameters, detail: tier variation option length is invalid.")
            if len(set(options)) != len(options):
                raise ApiError("error_param", "Wrong parameters, detail: tier variation options must be unique.")

    def _new_models(self, item: Item, tiers: list, entries: list, *, taken: list[Model]) -> list[Model]:
        """Models for ``entries`` checked against ``tiers`` and the ``taken`` models: every tier_index points
        at an existing option, no two models share one, model_sku at most 100 characters, at most 50 models."""
        if not entries or len(taken) + len(entries) > self.item_limit["model_count_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: an item holds 1 to 50 models.")
        used = {tuple(m.tier_index) for m in taken}
        created = []
        for entry in entries:
            index = entry.get("tier_index") or []
            if (len(index) != len(tiers) or any(not isinstance(i, int) for i in index)
                    or any(not 0 <= i < len(t.get("option_list") or []) for i, t in zip(index, tiers, strict=False))):
                raise ApiError("error_param", "Wrong parameters, detail: tier_index is invalid.")
            if tuple(index) in used:
                raise ApiError("product.error_model_exists", "Model with this tier_index already exists.")
            used.add(tuple(index))
            sku = str(entry.get("model_sku", ""))
            if len(sku) > 100:
                raise ApiError("error_param", "Wrong parameters, detail: model_sku is too long.")
            stock = sum(int(s.get("stock", 0)) for s in entry.get("seller_stock") or [])
            created.append(Model(model_id=next(self._ids), tier_index=list(index), model_sku=sku,
                                 original_price=self._check_price(entry.get("original_price")), stock=stock))
        return created

    def _api_add_model(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        if not item.tier_variation:
            raise ApiError("error_param", "Wrong parameters, detail: the item has no tier variation.")
        entries = data.get("model_list")
        if not isinstance(entries, list):
            raise ApiError("error_param", "Wrong parameters, detail: model_list is required.")
        created = self._new_models(item, item.tier_variation, entries, taken=item.models)
        item.models.extend(created)
        item.update_time = int(self.now())
        return {"model": [_model_json(m) for m in created]}

    def _api_update_tier_variation(self, shop: Shop, query, data) -> dict:
        """Renames tiers or appends options; existing options keep their index (models point at them), so
        removing or reordering an option that a model uses is refused."""
        item = self._item(shop, data.get("item_id"))
        if not item.tier_variation:
            raise ApiError("error_param", "Wrong parameters, detail: the item has no tier variation.")
        tiers = data.get("tier_variation")
        self._check_tiers(tiers)
        if len(tiers) != len(item.tier_variation):
            raise ApiError("error_param", "Wrong parameters, detail: the number of tiers cannot change.")
        for model in item.models:
            for i, (old, new) in enumerate(zip(item.tier_variation, tiers, strict=True)):
                old_options = old.get("option_list") or []
                new_options = new.get("option_list") or []
                index = model.tier_index[i]
                if index >= len(new_options) or new_options[index].get("option") != old_options[index].get("option"):
                    raise ApiError("error_param", "Wrong parameters, detail: an option used by a model cannot move.")
        item.tier_variation = tiers
        item.update_time = int(self.now())
        return {"item_id": item.item_id, "tier_variation": tiers}

    def _api_get_model_list(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, _int(query.get("item_id", [""])[0]))
        return {"tier_variation": item.tier_variation, "model": [_model_json(m) for m in item.models]}

    def _price_stock_list(self, data, key) -> list:
        entries = data.get(key)
        if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
            raise ApiError("error_param", f"Wrong parameters, detail: {key} must hold 1 to 50 entries.")
        return entries

    def _api_update_price(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        entries = self._price_stock_list(data, "price_list")
        success, failure = [], []
        models = {m.model_id: m for m in item.models}
        for entry in entries:
            model_id = entry.get("model_id", 0)
            price = entry.get("original_price")
            try:
                value = self._check_price(price)
            except ApiError as exc:
                failure.append({"model_id": model_id, "failed_reason": exc.message})
                continue
            if model_id == 0 and not models:
                item.original_price = value
            elif model_id in models:
                models[model_id].original_price = value
            else:
                failure.append({"model_id": model_id, "failed_reason": "model_id not found"})
                continue
            success.append({"model_id": model_id, "original_price": value})
        item.update_time = int(self.now())
        response = {"success_list": success, "failure_list": failure}
        if failure:
            response["_warning"] = "some models failed, check failure_list"
        return response

    def _api_update_stock(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        entries = self._price_stock_list(data, "stock_list")
        success, failure = [], []
        models = {m.model_id: m for m in item.models}
        for entry in entries:
            model_id = entry.get("model_id", 0)
            stock = sum(int(s.get("stock", 0)) for s in entry.get("seller_stock") or [])
            target = models.get(model_id) if models else (item if model_id == 0 else None)
            if target is None:
                failure.append({"model_id": model_id, "failed_reason": "model_id not found"})
                continue
            if stock < getattr(target, "reserved", 0):
                failure.append({"model_id": model_id, "failed_reason": "stock cannot be less than reserved stock"})
                continue
            target.stock = stock
            success.append({"model_id": model_id, "seller_stock": [{"stock": stock}]})
        item.update_time = int(self.now())
        response = {"success_list": success, "failure_list": failure}
        if failure:
            response["_warning"] = "some models failed, check failure_list"
        return response

    def _api_get_item_list(self, shop: Shop, query, data) -> dict:
        statuses = query.get("item_status") or []
        if not statuses:
            raise ApiError("error_param", "Wrong parameters, detail: item_status is required.")
        offset = _int(query.get("offset", ["0"])[0]) or 0
        page_size = _int(query.get("page_size", ["10"])[0]) or 0
        if not 1 <= page_size <= 100:
            raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1 to 100.")
        since = _int(query.get("update_time_from", [""])[0])
        until = _int(query.get("update_time_to", [""])[0])
        items = [i for i in shop.items.values() if i.item_status in statuses
                 and (since is None or i.update_time >= since) and (until is None or i.update_time <= until)]
        page = items[offset:offset + page_size]
        has_next = offset + page_size < len(items)
        return {"item": [{"item_id": i.item_id, "item_status": i.item_status, "update_time": i.update_time} for i in page],
                "total_count": len(items), "has_next_page": has_next, "next_offset": offset + len(page)}

    def _api_get_item_base_info(self, shop: Shop, query, data) -> dict:
        ids = _parse_id_list(query.get("item_id_list", [""]))
        if len(ids) > 50:
            raise ApiError("error_param", "Wrong parameters, detail: item_id_list must hold at most 50 ids.")
        out = []
        for item_id in ids:
            item = shop.items.get(item_id)
            if item is None:
                continue
            entry = {"item_id": item.item_id, "item_sku": item.item_sku, "item_name": item.item_name,
                     "item_status": item.item_status, "category_id": item.category_id,
                     "has_model": bool(item.models), "create_time": item.create_time, "update_time": item.update_time,
                     "image": {"image_id_list": item.image_ids}, "weight": item.weight}
            if not item.models:
                entry["price_info"] = [{"original_price": item.original_price, "current_price": item.original_price}]
                entry["stock_info_v2"] = {"seller_stock": [{"stock": item.stock}]}
            out.append(entry)
        return {"item_list": out}

    def _api_unlist_item(self, shop: Shop, query, data) -> dict:
        entries = data.get("item_list")
        if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
            raise ApiError("error_param", "Wrong parameters, detail: item_list must hold 1 to 50 entries.")
        success, failure = [], []
        for entry in entries:
            item = shop.items.get(entry.get("item_id"))
            if item is None or item.item_status == "DELETED":
                failure.append({"item_id": entry.get("item_id"), "failed_reason": "item not found"})
                continue
            item.item_status = "UNLIST" if entry.get("unlist") else "NORMAL"
            item.update_time = int(self.now())
            success.append({"item_id": item.item_id, "unlist": bool(entry.get("unlist"))})
        return {"success_list": success, "failure_list": failure}

    # --- orders -----------------------------------------------------------------------------------
    def _api_get_order_list(self, shop: Shop, query, data) -> dict:
        def q(name: str) -> str:
            return query.get(name, [""])[0]

        field_name = q("time_range_field")
        if field_name not in ("create_time", "update_time"):
            raise ApiError("error_param", "Wrong parameters, detail: time_range_field must be create_time or update_time.")
        time_from, time_to = _int(q("time_from")), _int(q("time_to"))
        if time_from is None or time_to is None:
            raise ApiError("error_param", "Wrong parameters, detail: time_from and time_to are required.")
        if time_from > time_to:
            raise ApiError("error_param", "Wrong parameters, detail: time_from must be earlier than time_to.")
        if time_to - time_from > ORDER_WINDOW:
            raise ApiError("error_param", "Wrong parameters, detail: the time range should be no more than 15 days.")
        page_size = _int(q("page_size"))
        if page_size is None or not 1 <= page_size <= 100:
            raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1 to 100.")
        wanted_status = q("order_status")
        if wanted_status and wanted_status not in ORDER_STATUSES:
            raise ApiError("error_param", "Wrong parameters, detail: order_status is invalid.")
        offset = _int(q("cursor") or "0")
        if offset is None or offset < 0:
            raise ApiError("error_param", "Wrong parameters, detail: cursor is invalid.")
        found = sorted((o for o in shop.orders.values()
                        if time_from <= getattr(o, field_name) <= time_to
                        and (not wanted_status or o.order_status == wanted_status)),
                       key=lambda o: (getattr(o, field_name), o.order_sn))
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        with_status = "order_status" in q("response_optional_fields").split(",")
        return {"more": more, "next_cursor": str(offset + page_size) if more else "",
                "order_list": [{"order_sn": o.order_sn, **({"order_status": o.order_status} if with_status else {})}
                               for o in page]}

    def _api_get_order_detail(self, shop: Shop, query, data) -> dict:
        raw = ",".join(query.get("order_sn_list", [""]))
        sns = [sn.strip() for sn in raw.strip("[]").split(",") if sn.strip()]
        if not 1 <= len(sns) <= 50:
            raise ApiError("error_param", "Wrong parameters, detail: order_sn_list must hold 1 to 50 order_sn.")
        optional = {f.strip() for f in ",".join(query.get("response_optional_fields", [""])).split(",")}
        found, missing = [], []
        for sn in sns:
            order = shop.orders.get(sn)  # another shop's order is as unknown as a made-up one
            (found if order else missing).append(order or sn)
        if not found:
            raise ApiError("error_not_found", "Wrong parameters, detail: the order is not found.")
        out = []
        for order in found:
            entry = {"order_sn": order.order_sn, "region": "VN", "currency": "VND", "cod": True,
                     "order_status": order.order_status, "create_time": order.create_time,
                     "update_time": order.update_time, "days_to_ship": 2, "message_to_seller": ""}
            if "total_amount" in optional:
                entry["total_amount"] = float(order.total_amount)
            if "item_list" in optional:
                entry["item_list"] = [
                    {"item_id": line.item_id, "item_name": line.item_name, "item_sku": line.item_sku,
                     "model_id": line.model_id, "model_name": line.model_name, "model_sku": line.model_sku,
                     "model_quantity_purchased": line.quantity, "model_original_price": float(line.original_price),
                     "model_discounted_price": float(line.discounted_price), "weight": 0.5}
                    for line in order.lines]
            out.append(entry)
        response: dict = {"order_list": out}
        if missing:
            response["_warning"] = [f"order_sn {sn} is not found" for sn in missing]
        return response

    def _api_delete_item(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        item.item_status = "DELETED"
        item.update_time = int(self.now())
        return {}


def _shopee_word(status: OrderStatus | str) -> str:
    if isinstance(status, OrderStatus):
        return SHOPEE_WORD[status]
    word = str(status).upper()
    if word not in ORDER_STATUSES:
        raise ValueError(f"unknown Shopee order status {status}")
    return word


def _model_name(item: Item, model: Model | None) -> str:
    if model is None or not item.tier_variation:
        return ""
    options = []
    for tier, index in zip(item.tier_variation, model.tier_index, strict=False):
        option_list = tier.get("option_list") or []
        if 0 <= index < len(option_list):
            options.append(str(option_list[index].get("option") or ""))
    return ",".join(options)


def _model_json(m: Model) -> dict:
    return {"model_id": m.model_id, "tier_index": m.tier_index, "model_sku": m.model_sku,
            "price_info": [{"original_price": m.original_price, "current_price": m.original_price}],
            "stock_info_v2": {"seller_stock": [{"stock": m.stock}]}}


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_id_list(raw: list[str]) -> list[int]:
    """Accept both the documented ``[1,2]`` and the practised ``1,2`` (and repeated parameters)."""
    ids: list[int] = []
    for chunk in raw:
        for piece in chunk.strip("[]").split(","):
            value = _int(piece.strip())
            if value is not None:
                ids.append(value)
    return ids


def _answer(envelope: dict, status: int) -> Response:
    """The envelope as Shopee sends it; its ``error`` goes into the call log."""
    return Response(status=status, body=json.dumps(envelope).encode(), code=envelope.get("error", ""))


def _error(exc: ApiError, request_id: str = "") -> Response:
    return _answer({"request_id": request_id or uuid.uuid4().hex[:20], "error": exc.error, "message": exc.message},
                   exc.status)
