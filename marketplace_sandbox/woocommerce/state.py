"""The sandbox WooCommerce shop's fixed data and how it answers (WordPress REST errors, dates, webhook signatures)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.exchange import Response

# The sandbox shop's public demo credentials (documented for `make run`). The WordPress user and Application
# Password work on every REST route, photos included; the WooCommerce consumer key and secret work on /wc/
# routes only, exactly as on a real shop.
SANDBOX_USERNAME = "chu-shop"
SANDBOX_APP_PASSWORD = "SAND BOX0 DEMO PASS WORD 0000"  # noqa: S105 - public sandbox value
SANDBOX_CONSUMER_KEY = "ck_sandbox_0000000000000000000000000000000000"
SANDBOX_CONSUMER_SECRET = "cs_sandbox_0000000000000000000000000000000000"  # noqa: S105 - public sandbox value
SANDBOX_SHOP_NAME = "Đặc sản Sen Hồng Đồng Tháp"
BATCH_LIMIT = 100
PER_PAGE_MAX = 100

DEFAULT_CATEGORIES = [
    {"id": 15, "name": "Uncategorized", "slug": "uncategorized", "parent": 0},
    {"id": 21, "name": "Đặc sản Đồng Tháp", "slug": "dac-san-dong-thap", "parent": 0},
    {"id": 22, "name": "Gạo", "slug": "gao", "parent": 21},
    {"id": 23, "name": "Bánh phồng tôm", "slug": "banh-phong-tom", "parent": 21},
    {"id": 24, "name": "Trái cây sấy", "slug": "trai-cay-say", "parent": 21},
]

LEAF_CATEGORY_ID = "23"

# Our order statuses -> WooCommerce's, for set_order_status (WooCommerce has no "shipped" in core).
WC_STATUS = {
    OrderStatus.UNPAID: "pending", OrderStatus.PENDING: "on-hold", OrderStatus.READY_TO_SHIP: "processing",
    OrderStatus.SHIPPED: "completed", OrderStatus.DELIVERED: "completed", OrderStatus.CANCELLED: "cancelled",
    OrderStatus.RETURNED: "refunded",
}

RELEASES_STOCK = {"cancelled", "refunded", "failed", "trash"}
ORDER_STATUSES = {"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash"}

PRODUCT_FIELDS = ("name", "description", "short_description", "sku", "regular_price", "manage_stock", "stock_quantity",
                  "weight", "dimensions", "status", "type", "categories", "attributes", "images")


class WpError(Exception):
    """An answer in WordPress's error envelope."""

    def __init__(self, code: str, message: str, status: int = 400, **data) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.data = code, message, status, data

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}

    def response(self) -> Response:
        return Response.json(self.body(), status=self.status, code=self.code)


def gmt(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_gmt(text: str) -> float | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def wc_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

# S-webhook failed_delivery: woocommerce_max_webhook_delivery_failures' default; a failure once the count is
# above it disables the webhook
MAX_DELIVERY_FAILURES = 5
