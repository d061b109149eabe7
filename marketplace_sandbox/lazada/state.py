"""The sandbox Lazada's state and fixed data: sellers, products and SKUs, orders, the category tree and
attributes it starts with, and how it answers (envelope, errors, parsing of Lazada's parameters)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET  # noqa: N817, S405 - parses our own test payloads only
from dataclasses import dataclass, field

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.exchange import Response

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
INVENTORY_PATHS = {"/product/price_quantity/update", "/product/stock/sellable/update"}
# variation limits (docs/marketplaces/lazada.md, CreateProduct: G-sales error table)
VARIATION_NAME_MAX = 15
VARIATION_OPTION_MAX = 20
VARIATION_OPTIONS_MAX = 50
VARIATIONS_MAX = 2
VARIATION_KEYS = ("Variation1", "Variation2", "Variation3", "Variation4")
# order item statuses by where their units are (G-invcalc): unpaid units are withheld, paid ones occupied
# until they leave the warehouse
WITHHELD_STATUSES = {"unpaid"}
OCCUPIED_STATUSES = {"pending", "packed", "topack", "toship", "ready_to_ship"}
AUTH_PATHS = {"/auth/token/create", "/auth/token/refresh"}

# path -> allowed methods
API_PATHS = {
    "/auth/token/create": {"GET", "POST"},
    "/auth/token/refresh": {"GET", "POST"},
    "/seller/get": {"GET"},
    "/category/tree/get": {"GET"},
    "/category/attributes/get": {"GET"},
    "/product/category/suggestion/get": {"GET"},
    "/image/upload": {"POST"},
    "/image/migrate": {"POST"},
    "/images/migrate": {"POST"},
    "/image/response/get": {"GET"},
    "/product/create": {"POST"},
    "/product/update": {"POST"},
    "/product/item/get": {"GET"},
    "/products/get": {"GET"},
    "/product/price_quantity/update": {"POST"},
    "/product/stock/sellable/update": {"POST"},
    "/category/brands/query": {"GET", "POST"},
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
        {"category_id": 10000104, "name": "Cà phê", "leaf": True, "var": True, "children": []},
    ]},
    {"category_id": 10000002, "name": "Nhà cửa & Đời sống", "leaf": False, "var": False, "children": [
        {"category_id": 10000201, "name": "Đồ thủ công mỹ nghệ", "leaf": True, "var": True, "children": []},
    ]},
]


def _attr(attr_id, name, label, *, mandatory=False, input_type="text", options=(), attribute_type="normal",
          sale_prop=False):
    return {"id": attr_id, "name": name, "label": label, "is_mandatory": int(mandatory), "input_type": input_type,
            "attribute_type": attribute_type, "is_sale_prop": int(sale_prop),
            "options": [{"id": i, "name": o, "en_name": o} if isinstance(o, str) else {"id": i, "name": o[0], "en_name": o[1]}
                        for i, o in enumerate(options, start=1)],
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
    # two standard sale properties (is_sale_prop: one of them required once there are several SKUs), and a
    # mandatory SKU-level attribute (docs/marketplaces/lazada.md, findings 2 and 5)
    10000104: [
        _attr(101, "origin", "Xuất xứ", mandatory=True, input_type="singleSelect",
              options=(("Việt Nam", "Vietnam"), ("Thái Lan", "Thailand"))),
        _attr(120, "size", "Khối lượng", input_type="singleSelect", attribute_type="sku", sale_prop=True,
              options=("250g", "500g", "1kg")),
        _attr(121, "color_family", "Nhóm màu", input_type="singleSelect", attribute_type="sku", sale_prop=True,
              options=(("Nâu", "Brown"), ("Đen", "Black"))),
        _attr(122, "expiry_days", "Hạn sử dụng (ngày)", mandatory=True, input_type="numeric", attribute_type="sku"),
    ],
}

# GetBrandByPages for Vietnam: brand ids differ per country, "No Brand" included (G-create §3, G-qa Q3)
DEFAULT_BRANDS = [
    {"brand_id": 30039, "name": "No Brand", "name_en": "No Brand", "global_identifier": "no_brand"},
    {"brand_id": 51201, "name": "Trung Nguyên", "name_en": "Trung Nguyen", "global_identifier": "trung_nguyen"},
    {"brand_id": 51202, "name": "Sa Đéc Foods", "name_en": "Sa Dec Foods", "global_identifier": "sa_dec_foods"},
]


@dataclass
class Sku:
    sku_id: int
    seller_sku: str
    price: int
    quantity: int
    package: dict
    sale_prop: dict
    status: str = "active"
    reserved: int = 0  # campaign lock: part of the sellable stock kept for a campaign
    deleted: bool = False
    withhold: int = 0  # units of unpaid orders
    occupy: int = 0  # units of paid orders not yet shipped
    attributes: dict = field(default_factory=dict)  # SKU-level category attributes

    @property
    def total(self) -> int:
        """The dropshipping warehouse's total: sellable + withheld + occupied (G-invcalc)."""
        return self.quantity + self.withhold + self.occupy


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
