"""The sandbox Tiki's state and fixed data: products, product requests, orders, categories and errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

VN = dt.timezone(dt.timedelta(hours=7))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
RATE_LIMIT_MESSAGE = "You're requesting too many requests! Slow down! Current rate limit is 200 request / per second / per seller"
# R-sc: what Tiki answers (HTTP 200) while the seller has paused the connection
PAUSED_MESSAGE = "Kết nối đang tạm ngưng bởi seller"
PENDING_STATES = ("queuing", "processing", "md_awaiting_approve", "bot_awaiting_approve", "awaiting_approve")

ORDER_WORDS = {"unpaid": "waiting_payment", "pending": "queueing", "ready_to_ship": "ready_to_ship",
               "shipped": "shipping", "delivered": "successful_delivery", "cancelled": "canceled",
               "returned": "returned"}


DEFAULT_CATEGORIES = [
    {"id": 4384, "name": "Bách Hóa Online", "parent_id": 0, "is_primary": 0},
    {"id": 4422, "name": "Đặc sản vùng miền", "parent_id": 4384, "is_primary": 1},
    {"id": 4423, "name": "Bánh kẹo", "parent_id": 4384, "is_primary": 1},
    {"id": 1883, "name": "Nhà Cửa - Đời Sống", "parent_id": 0, "is_primary": 0},
    {"id": 1884, "name": "Đồ thủ công mỹ nghệ", "parent_id": 1883, "is_primary": 1},
]

DEFAULT_ATTRIBUTES = {
    4422: [{"id": 1, "code": "origin", "display_name": "Xuất xứ", "is_required": 1, "input_type": "text"},
           {"id": 2, "code": "expiry_time", "display_name": "Hạn sử dụng", "is_required": 0, "input_type": "text"}],
    4423: [{"id": 1, "code": "origin", "display_name": "Xuất xứ", "is_required": 1, "input_type": "text"}],
    1884: [{"id": 3, "code": "material", "display_name": "Chất liệu", "is_required": 1, "input_type": "text"}],
}

DEFAULT_DOCUMENTS = {  # category -> legal documents required
    4422: [{"id": 7, "code": "food_safety", "name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"}],
}

SANDBOX_CATEGORY = 4423  # a leaf with no legal document: what the contract suite publishes into


@dataclass
class Product:
    product_id: int
    seller_id: str
    original_sku: str
    name: str
    price: int
    quantity: int
    super_id: int
    category_id: int
    active: int = 0
    created: float = 0.0
    updated: float = 0.0


@dataclass
class ProductRequest:
    track_id: str
    request_id: str
    seller_id: str
    body: dict
    state: str
    created: float
    updated: float
    reason: str = ""
    product_ids: list[int] = field(default_factory=list)


@dataclass
class Order:
    code: str
    seller_id: str
    status: str
    created: float
    updated: float
    items: list[tuple[int, str, int, int, str]]  # (product id, sku, quantity, price, name)


class ApiError(Exception):
    def __init__(self, status: int, *errors: str) -> None:
        super().__init__(errors[0] if errors else "")
        self.status, self.errors = status, list(errors)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
