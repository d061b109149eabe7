"""The sandbox TikTok Shop's state and fixed data: shops, products and SKUs, orders, the routes it serves
and the categories and attributes it starts with."""

from __future__ import annotations

from dataclasses import dataclass, field

DAY = 24 * 3600
ACCESS_TOKEN_LIFETIME = 7 * DAY
REFRESH_TOKEN_LIFETIME = 180 * DAY  # TikTok: "equivalent to the authorization duration"; not stated
CODE_LIFETIME = 30 * 60
PAST_WINDOW, FUTURE_WINDOW = 300, 30
MAX_SKUS = 100
MAX_IMAGES = 9
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024  # R-file: "Max PDF size: 20 MB"
MAX_CERTIFICATIONS = 10  # R-create: certifications, "Max count: 10"
MAX_IDEMPOTENCY_KEY = 128
MAX_PRODUCT_IDS = 20
MAX_ORDER_IDS = 50
QUANTITY_MIN, QUANTITY_MAX = 1, 99_999
PRICE_MAX = 180_000_000  # R-pricing: VN local sellers, VND
V = "202309"
RATE_LIMIT_CODE = 36009002
SIM_INVALID_GRANT = 36004004  # the simulator's own code: TikTok documents none for a refused code or refresh token

# (method, path pattern) -> (handler name, shop API?); None: ``shop_cipher`` optional (docs/marketplaces/tiktok.md)
ROUTES = [
    ("GET", f"/authorization/{V}/shops", "shops", False),
    ("GET", f"/product/{V}/categories", "categories", True),
    ("GET", f"/product/{V}/categories/{{id}}/attributes", "attributes", True),
    ("GET", f"/product/{V}/categories/{{id}}/rules", "rules", True),
    ("POST", f"/product/{V}/categories/recommend", "category_recommend", None),
    ("GET", f"/logistics/{V}/warehouses", "warehouses", True),
    ("POST", f"/product/{V}/images/upload", "image_upload", False),
    ("POST", f"/product/{V}/files/upload", "file_upload", False),
    ("POST", f"/product/{V}/products", "product_create", True),
    ("DELETE", f"/product/{V}/products", "product_delete", True),
    ("POST", f"/product/{V}/products/search", "product_search", True),
    ("POST", f"/product/{V}/products/deactivate", "product_deactivate", True),
    ("POST", f"/product/{V}/products/activate", "product_activate", True),
    ("GET", f"/product/{V}/products/{{id}}", "product_get", True),
    ("PUT", f"/product/{V}/products/{{id}}", "product_edit", True),
    ("POST", f"/product/{V}/products/{{id}}/partial_edit", "product_partial_edit", True),
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
    # docs/marketplaces/tiktok.md D2/P9: a category without cash on delivery; D3/P10: one whose rules require a
    # certification (and one more when the product is sold as organic)
    {"id": "600104", "parent_id": "600001", "local_name": "Rượu & Đồ uống có cồn", "is_leaf": True},
    {"id": "600105", "parent_id": "600001", "local_name": "Thực phẩm chức năng", "is_leaf": True},
]

NO_COD_CATEGORY, CERTIFICATION_CATEGORY = "600104", "600105"
ORGANIC = {"id": "100110", "name": "Hữu cơ", "type": "PRODUCT_PROPERTY", "is_requried": False,
           "is_customizable": False, "is_multiple_selection": False,
           "values": [{"id": "1001101", "name": "Có"}, {"id": "1001102", "name": "Không"}]}
# Get Category Rules' product_certifications (R-rules): one always required, one required when the organic
# attribute is "Có" (requirement_conditions VALUE_ID_MATCH)
CERTIFICATIONS = {
    CERTIFICATION_CATEGORY: [
        {"id": "700101", "name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "is_required": True,
         "document_details": "", "sample_image_url": "", "requirement_conditions": [],
         "expiration_date": {"is_required": True}},
        {"id": "700102", "name": "Chứng nhận hữu cơ", "is_required": False, "document_details": "",
         "sample_image_url": "", "expiration_date": {"is_required": False},
         "requirement_conditions": [{"condition_type": "VALUE_ID_MATCH", "attribute_id": "100110",
                                     "attribute_value_id": "1001101"}]},
    ],
}
COD_UNSUPPORTED = {NO_COD_CATEGORY}
# R-attrs: not is_requried, yet required when "Hữu cơ" is "Có" (requirement_conditions, VALUE_ID_MATCH)
ORGANIC_CERTIFIER = {"id": "100111", "name": "Tổ chức chứng nhận hữu cơ", "type": "PRODUCT_PROPERTY",
                     "is_requried": False, "is_customizable": True, "is_multiple_selection": False, "values": [],
                     "requirement_conditions": [{"condition_type": "VALUE_ID_MATCH", "attribute_id": "100110",
                                                 "attribute_value_id": "1001101"}]}

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
    "600104": [ORIGIN],
    "600105": [ORIGIN, ORGANIC, ORGANIC_CERTIFIER],
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
    warehouses: list[str]  # sales warehouses, the first the default
    #: R-warehouses: the returns warehouse (the same place has another id as a return warehouse) and sales
    #: warehouses switched off (holiday or order-limit mode) – neither holds stock for sale
    return_warehouse: str = ""
    disabled_warehouses: set[str] = field(default_factory=set)
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
