"""The sandbox Shopee's state and its fixed data: shops, items, models, orders, the category tree and
item limits it starts with, and how it answers (the envelope and its errors)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.exchange import Response

ACCESS_TOKEN_LIFETIME = 4 * 3600
REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
CODE_LIFETIME = 600
OLD_ACCESS_GRACE = 300
TIMESTAMP_WINDOW = 300
AUTH_LINK_LIFETIME = 300
MAX_IMAGE_BYTES = 10 * 1024 * 1024
ORDER_WINDOW = 15 * 24 * 3600

# get_item_list's item_status (docs/marketplaces/shopee.md, get_item_list); the last three since 2024-01-19.
ITEM_STATUSES = {"NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"}
DELETED_STATUSES = {"SELLER_DELETE", "SHOPEE_DELETE"}

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
    "/api/v2/product/category_recommend",
    "/api/v2/logistics/get_channel_list",
    "/api/v2/product/add_item",
    "/api/v2/product/update_item",
    "/api/v2/product/init_tier_variation",
    "/api/v2/product/get_model_list",
    "/api/v2/product/add_model",
    "/api/v2/product/update_model",
    "/api/v2/product/get_variation_tree",
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
    {"category_id": 100104, "parent_category_id": 100001, "original_category_name": "Coffee",
     "display_category_name": "Cà phê", "has_children": False},
    {"category_id": 100105, "parent_category_id": 100001, "original_category_name": "Fish sauce",
     "display_category_name": "Nước mắm", "has_children": False},
    {"category_id": 100002, "parent_category_id": 0, "original_category_name": "Home & Living",
     "display_category_name": "Nhà cửa và đời sống", "has_children": True},
    {"category_id": 100201, "parent_category_id": 100002, "original_category_name": "Handicrafts",
     "display_category_name": "Đồ thủ công mỹ nghệ", "has_children": False},
]

def _attribute(attribute_id: int, name: str, display: str, *, mandatory: bool, input_type: int,
               values: tuple[tuple[int, str, str], ...] = (), format_type: int = 1, units: tuple[str, ...] = (),
               validation: int = 0, max_value_count: int = 1) -> dict:
    """One attribute of get_attribute_tree (docs/marketplaces/shopee.md, get_attribute_tree: ``attribute_info``
    with ``input_type``, ``input_validation_type``, ``format_type`` 2 = quantitative with a unit from
    ``attribute_unit_list``)."""
    return {"attribute_id": attribute_id, "original_attribute_name": name, "display_attribute_name": display,
            "mandatory": mandatory, "input_type": input_type, "input_validation_type": validation,
            "format_type": format_type, "date_format_type": 0, "attribute_unit_list": list(units),
            "max_value_count": max_value_count,
            "attribute_value_list": [{"value_id": vid, "original_value_name": original, "display_value_name": shown}
                                     for vid, original, shown in values]}


ORIGIN = {"mandatory": True, "input_type": 1, "values": ((5011, "Vietnam", "Việt Nam"), (5012, "Thailand", "Thái Lan"))}

DEFAULT_ATTRIBUTES = {
    100101: [
        _attribute(501, "Origin", "Xuất xứ", **ORIGIN),
        _attribute(502, "Shelf life", "Hạn sử dụng", mandatory=True, input_type=3),
        _attribute(503, "Rice type", "Loại gạo", mandatory=False, input_type=3),
    ],
    100102: [_attribute(501, "Origin", "Xuất xứ", mandatory=True, input_type=1, values=((5011, "Vietnam", "Việt Nam"),))],
    100103: [],
    100201: [_attribute(601, "Material", "Chất liệu", mandatory=True, input_type=3)],
    # Mandatory GTIN, a quantitative attribute (format_type 2: a custom value needs its unit)
    100104: [
        _attribute(501, "Origin", "Xuất xứ", **ORIGIN),
        _attribute(701, "Net weight", "Khối lượng tịnh", mandatory=True, input_type=2, format_type=2,
                   units=("g", "kg"), validation=3, values=((7011, "250g", "250 g"),)),
    ],
    # Flexible GTIN: a GTIN or "00"
    100105: [
        _attribute(501, "Origin", "Xuất xứ", **ORIGIN),
        _attribute(801, "Volume", "Dung tích", mandatory=True, input_type=2, format_type=2, units=("ml", "L"),
                   validation=3),
    ],
}

# get_item_limit per category (docs/marketplaces/shopee.md, get_item_limit: weight and dimension answers are
# flags, ``gtin_limit.gtin_validation_rule`` is Mandatory / Flexible / Optional, no model_count_limit).
CATEGORY_LIMITS = {
    100104: {"gtin_limit": {"gtin_validation_rule": "Mandatory"},
             "dimension_limit": {"dimension_mandatory": True}},
    100105: {"gtin_limit": {"gtin_validation_rule": "Flexible"}},
}

# get_channel_list: one channel of each fee type, a disabled one and a fulfilment channel under a checkout
# channel (``mask_channel_id`` ≠ 0: not usable for a product).
DEFAULT_CHANNELS = [
    {"logistics_channel_id": 50011, "logistics_channel_name": "VNPost Nhanh", "enabled": True, "mask_channel_id": 0,
     "fee_type": "FIXED_DEFAULT_PRICE", "size_list": [], "cod_enabled": True,
     "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01},
     "item_max_dimension": {"length": 100, "width": 100, "height": 100, "unit": "cm", "dimension_sum": 200}},
    {"logistics_channel_id": 50012, "logistics_channel_name": "Giao Hàng Tiết Kiệm", "enabled": True,
     "mask_channel_id": 0, "fee_type": "SIZE_INPUT", "size_list": [], "cod_enabled": True,
     "weight_limit": {"item_max_weight": 20, "item_min_weight": 0.01},
     "item_max_dimension": {"length": 80, "width": 80, "height": 80, "unit": "cm", "dimension_sum": 180}},
    {"logistics_channel_id": 50013, "logistics_channel_name": "Hàng cồng kềnh", "enabled": True,
     "mask_channel_id": 0, "fee_type": "SIZE_SELECTION", "cod_enabled": False,
     "size_list": [{"size_id": "1", "name": "Nhỏ (dưới 60 cm)", "default_price": 30000},
                   {"size_id": "2", "name": "Lớn (dưới 120 cm)", "default_price": 60000}],
     "weight_limit": {"item_max_weight": 50, "item_min_weight": 0.01}, "item_max_dimension": {}},
    {"logistics_channel_id": 50014, "logistics_channel_name": "Người bán tự giao", "enabled": True,
     "mask_channel_id": 0, "fee_type": "CUSTOM_PRICE", "size_list": [], "cod_enabled": False,
     "weight_limit": {"item_max_weight": 0, "item_min_weight": 0}, "item_max_dimension": {}},
    {"logistics_channel_id": 50015, "logistics_channel_name": "Kênh đã tắt", "enabled": False, "mask_channel_id": 0,
     "fee_type": "FIXED_DEFAULT_PRICE", "size_list": [], "cod_enabled": False,
     "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01}, "item_max_dimension": {}},
    {"logistics_channel_id": 50016, "logistics_channel_name": "VNPost Nhanh (kho)", "enabled": True,
     "mask_channel_id": 50011, "fee_type": "FIXED_DEFAULT_PRICE", "size_list": [], "cod_enabled": True,
     "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01}, "item_max_dimension": {}},
]

DEFAULT_ITEM_LIMIT = {
    "price_limit": {"min_limit": 1000, "max_limit": 120000000},
    "stock_limit": {"min_limit": 0, "max_limit": 999999},
    "item_name_length_limit": {"min_limit": 10, "max_limit": 120},
    "item_image_count_limit": {"min_limit": 1, "max_limit": 9},
    "item_description_length_limit": {"min_limit": 100, "max_limit": 3000},
    "tier_variation_name_length_limit": {"min_limit": 1, "max_limit": 14},
    "tier_variation_option_length_limit": {"min_limit": 1, "max_limit": 30},
    "item_count_limit": {"max_limit": 10000},
    "weight_limit": {"weight_mandatory": True},
    "dimension_limit": {"dimension_mandatory": False},
    "gtin_limit": {"gtin_validation_rule": "Optional"},
}

MAX_MODELS = 50  # G-variants: at most 50 models (the reference also says 20 in two messages; 50 by default)
MAX_TIERS = 2

# get_variation_tree: standard variations of a category (variation_id ≠ 0 in standardise_tier_variation)
DEFAULT_VARIATIONS = {
    100104: [{"variation_id": 9001, "variation_name": "Khối lượng", "variation_group_list": [
        {"variation_group_id": 0, "variation_group_name": "", "variation_option_list": [
            {"variation_option_id": 90011, "variation_option_name": "250 g"},
            {"variation_option_id": 90012, "variation_option_name": "500 g"}]}]}],
}


@dataclass
class Model:
    model_id: int
    tier_index: list[int]
    model_sku: str
    original_price: int
    stock: int
    reserved: int = 0
    gtin_code: str = ""
    weight: float | None = None
    dimension: dict | None = None


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
    gtin_code: str = ""
    #: the tier structure a client sent last: "standardise_tier_variation" or the deprecated "tier_variation"
    tier_structure: str = ""
    standardise_tier_variation: list = field(default_factory=list)


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
    return {"model_id": m.model_id, "tier_index": m.tier_index, "model_sku": m.model_sku, "gtin_code": m.gtin_code,
            "model_status": "MODEL_NORMAL",
            "price_info": [{"original_price": m.original_price, "current_price": m.original_price}],
            "stock_info_v2": {"summary_info": {"total_reserved_stock": m.reserved, "total_available_stock": m.stock},
                              "seller_stock": [{"stock": m.stock}]}}


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
