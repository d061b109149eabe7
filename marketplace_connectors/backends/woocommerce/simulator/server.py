"""A local WooCommerce shop (WordPress + WooCommerce REST API v3), written from shared/marketplaces.md §5, the
woocommerce-rest-api-docs and WooCommerce core's behaviour, on simulator_base.SimulatorServer.

What it enforces, as a real shop does:
- authentication: HTTP Basic with a WooCommerce consumer key/secret (``/wc/`` routes only; a read-only key
  cannot write) or a WordPress user with an Application Password (every route). Failures answer 401 in
  WordPress's envelope ``{code, message, data: {status}}``: ``woocommerce_rest_authentication_error`` for a
  wrong key, ``woocommerce_rest_cannot_view``/``_create``/``_edit``/``_delete`` without credentials,
  ``rest_cannot_create`` when consumer keys try the media library. (A real shop takes Basic only over
  HTTPS; the simulator, on loopback, plays a shop behind a TLS proxy.)
- products: ``simple`` and ``variable`` with local attributes and variations; SKUs unique across products
  and variations (``product_invalid_sku``, 400, with ``resource_id``), trashed products free theirs;
  ``?sku=`` finds products only, not variations; trash (DELETE), ``force=true`` deletes, a second DELETE
  answers 410 ``woocommerce_rest_already_trashed``.
- batches: ``/products/batch`` and ``/products/<id>/variations/batch`` with create/update/delete, at most
  100 objects in all (413 ``woocommerce_rest_request_entity_too_large``), a result or an error per object.
- lists: ``per_page`` 1..100 (400 ``rest_invalid_param``), ``page``, ``X-WP-Total``/``X-WP-TotalPages``
  and ``Link`` headers; ``modified_after`` with ``dates_are_gmt``; orders ``orderby=modified``.
- webhooks: registered through /webhooks; deliveries carry ``X-WC-Webhook-Source`` (home URL with a
  slash), ``-Topic``, ``-Resource``, ``-Event``, ``-ID``, ``-Delivery-ID`` (wp_hash of webhook id and the
  current second, so it repeats within a second) and ``-Signature`` = base64(HMAC-SHA256(secret, body)).
- injected 429/5xx answer bare HTML, as shared hosts and CDNs do.

The SandboxSimulator protocol: ``create_order``, ``set_order_status``, ``stock_of``, ``push_url`` (every order
change is also delivered there, signed with ``push_secret(shop_url)``). Nothing here imports the connector.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

from marketplace_connectors.base import OrderStatus
from marketplace_connectors.simulator_base import Delivery, Request, Response, SimulatorServer

from ..conf import SANDBOX_APP_PASSWORD, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, SANDBOX_USERNAME

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


class WooCommerceSimulator(SimulatorServer):
    """One WooCommerce shop. ``url`` is the shop's address (give it to connect_with_keys). Thread-safe."""

    name = "woocommerce"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, shop_name: str = "Đặc sản Sen Hồng Đồng Tháp",
                 currency: str = "VND", consumer_keys: dict[str, tuple[str, str]] | None = None,
                 app_passwords: dict[str, str] | None = None, media_accepts_consumer_keys: bool = False,
                 push_secret: Callable[[str], str] | str | None = None, rate_limit_per_second: float | None = None,
                 push_url: str | None = None, push_retry_delays: Sequence[float] = (0.2, 0.5, 1.0)) -> None:
        super().__init__(host=host, port=port, push_url=push_url, push_retry_delays=push_retry_delays)
        self.shop_name = shop_name
        self.currency = currency
        self.weight_unit, self.dimension_unit = "kg", "cm"
        #: consumer key -> (secret, permission "read" | "write" | "read_write")
        self.consumer_keys = dict(consumer_keys or {SANDBOX_CONSUMER_KEY: (SANDBOX_CONSUMER_SECRET, "read_write")})
        #: WordPress user -> Application Password
        self.app_passwords = dict(app_passwords or {SANDBOX_USERNAME: SANDBOX_APP_PASSWORD})
        self.media_accepts_consumer_keys = media_accepts_consumer_keys
        self.push_secret = push_secret
        self.rate_limit_per_second = rate_limit_per_second
        self.categories = [dict(c) for c in DEFAULT_CATEGORIES]
        self.leaf_category_id = LEAF_CATEGORY_ID
        self.products: dict[int, dict] = {}
        self.variations: dict[int, dict] = {}
        self.media: dict[int, dict] = {}
        self.orders: dict[int, dict] = {}
        self.webhooks: dict[int, dict] = {}
        self._next_id = 100  # posts share one id sequence, as in wp_posts
        self.batch_sizes: list[int] = []  # objects per batch request, for tests

    # --- helpers for tests and the sandbox -------------------------------------------------------
    @property
    def home_url(self) -> str:
        return self.url + "/"

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def live_products(self) -> list[dict]:
        with self.lock:
            return [p for p in self.products.values() if p["status"] != "trash"]

    def products_by_sku(self) -> dict[str, list[dict]]:
        """Every SKU held by a product or variation that is not in the trash -> those holding it."""
        out: dict[str, list[dict]] = {}
        with self.lock:
            for product in self.live_products():
                if product["sku"]:
                    out.setdefault(product["sku"], []).append(product)
                for variation_id in product["variations"]:
                    variation = self.variations[variation_id]
                    if variation["sku"]:
                        out.setdefault(variation["sku"], []).append(variation)
        return out

    def stock_of(self, *, shop_id: str = "", sku: str) -> int | None:
        holders = self.products_by_sku().get(sku) or []
        if not holders:
            return None
        return holders[0]["stock_quantity"]

    def create_order(self, *, shop_id: str = "", items: Sequence[tuple[str, int]], status: str = "processing") -> str:
        """A buyer's order of (SKU, quantity) pairs, paid (``processing``): the stock goes down at once."""
        with self.lock:
            holders = self.products_by_sku()
            lines = []
            for sku, quantity in items:
                found = holders.get(sku)
                if not found:
                    raise KeyError(f"no product or variation with SKU {sku}")
                target = found[0]
                is_variation = "parent_id" in target
                price = int(target.get("regular_price") or 0)
                lines.append({"id": self.new_id(), "name": self._line_name(target), "sku": sku, "quantity": quantity,
                              "product_id": target["parent_id"] if is_variation else target["id"],
                              "variation_id": target["id"] if is_variation else 0, "price": price,
                              "subtotal": str(price * quantity), "total": str(price * quantity)})
            order_id = self.new_id()
            now = self.now()
            order = {"id": order_id, "number": str(order_id), "status": status, "currency": self.currency,
                     "date_created_gmt": gmt(now), "date_modified_gmt": gmt(now), "_modified": now,
                     "total": str(sum(int(line["total"]) for line in lines)), "line_items": lines,
                     "_stock_taken": False}
            self.orders[order_id] = order
            self._apply_stock(order)
        self._fire("order.created", self._order_json(order))
        return str(order_id)

    def set_order_status(self, *, order_id: str, status: OrderStatus | str) -> None:
        """Move an order on (cancelled, refunded, failed give the stock back; paid statuses take it)."""
        wc_status = WC_STATUS.get(status, str(status)) if isinstance(status, OrderStatus) else str(status)
        with self.lock:
            order = self.orders[int(order_id)]
            order["status"] = wc_status
            order["_modified"] = max(self.now(), order["_modified"] + 1)
            order["date_modified_gmt"] = gmt(order["_modified"])
            self._apply_stock(order)
        self._fire("order.updated", self._order_json(order))

    def _line_name(self, target: dict) -> str:
        if "parent_id" in target:
            parent = self.products[target["parent_id"]]
            options = ", ".join(a["option"] for a in target["attributes"])
            return f"{parent['name']} - {options}"
        return target["name"]

    def _apply_stock(self, order: dict) -> None:
        """Stock is taken once the order is paid or on hold, and given back when it is cancelled or refunded."""
        take = order["status"] not in RELEASES_STOCK and order["status"] != "pending"
        if take == order["_stock_taken"]:
            return
        holders = self.products_by_sku()
        for line in order["line_items"]:
            for target in holders.get(line["sku"], [])[:1]:
                if target.get("manage_stock"):
                    target["stock_quantity"] += -line["quantity"] if take else line["quantity"]
        order["_stock_taken"] = take

    # --- webhooks out --------------------------------------------------------------------------
    def _fire(self, topic: str, payload: dict) -> None:
        """Deliver ``topic`` to every active webhook for it, and to ``push_url`` (SandboxSimulator protocol)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        resource, event = topic.split(".", 1)
        with self.lock:
            hooks = [w for w in self.webhooks.values() if w["status"] == "active" and w["topic"] == topic]
        targets = [(w["delivery_url"], w["secret"], w["id"]) for w in hooks]
        if self.push_url and all(url != self.push_url for url, _s, _i in targets):
            secret = self.push_secret(self.home_url) if callable(self.push_secret) else (self.push_secret or "")
            targets.append((self.push_url, secret, 0))
        for url, secret, webhook_id in targets:
            second = int(self.now())
            headers = {
                "Content-Type": "application/json", "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
                "X-WC-Webhook-Source": self.home_url, "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
                "X-WC-Webhook-Event": event, "X-WC-Webhook-Signature": wc_signature(secret, body),
                "X-WC-Webhook-ID": str(webhook_id),
                "X-WC-Webhook-Delivery-ID": hashlib.md5(f"{webhook_id}{second}".encode()).hexdigest(),  # noqa: S324 - wp_hash stand-in
            }
            delivery = Delivery(url=url, body=body, headers=headers)
            with self.lock:
                self.deliveries.append(delivery)
            # simulator_base.push() only sends to push_url; a webhook's own delivery URL is queued directly
            self._schedule(delivery, 0.0)

    # --- the HTTP API --------------------------------------------------------------------------
    def fault_response(self, kind: str, request: Request) -> Response:
        """Shared hosts and CDNs answer overload with bare HTML, not WordPress's JSON."""
        status = {"429": 429, "5xx": self.faults.status_code_5xx, "timeout": 504}[kind]
        return Response(status=status, body=f"<html><body><h1>{status}</h1></body></html>".encode(),
                        content_type="text/html", code=f"http_{status}")

    def handle(self, request: Request) -> Response:
        if self.rate_limit_per_second and self.rate_limit_exceeded("shop", limit=self.rate_limit_per_second):
            return self.fault_response("429", request)
        try:
            if request.path in ("/wp-json", "/wp-json/"):
                return Response.json(self._index())
            if request.path.startswith("/wp-json/wp/v2/media"):
                self._authenticate(request, wc_route=False)
                return self._media_upload(request)
            if request.path.startswith("/wp-json/wc/v3/"):
                self._authenticate(request, wc_route=True)
                return self._route(request, request.path.removeprefix("/wp-json/wc/v3").rstrip("/"))
            raise WpError("rest_no_route", "No route was found matching the URL and request method.", 404)
        except WpError as exc:
            return exc.response()

    def _index(self) -> dict:
        return {"name": self.shop_name, "description": "Cửa hàng đặc sản", "url": self.url, "home": self.url,
                "gmt_offset": 7, "timezone_string": "Asia/Ho_Chi_Minh",
                "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3", "wp/v2"]}

    def _authenticate(self, request: Request, *, wc_route: bool) -> None:
        header = request.header("Authorization")
        action = {"GET": "view", "POST": "create", "PUT": "edit", "PATCH": "edit", "DELETE": "delete"}.get(
            request.method, "view")
        if not header.lower().startswith("basic "):
            if wc_route:
                raise WpError(f"woocommerce_rest_cannot_{action}", "Sorry, you cannot list resources.", 401)
            raise WpError("rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", 401)
        try:
            user, _sep, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise WpError("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401) from None
        if user in self.app_passwords:
            if not hmac.compare_digest(self.app_passwords[user].replace(" ", ""), password.replace(" ", "")):
                raise WpError("incorrect_password", "The provided password is an invalid application password.", 401)
            return
        if not wc_route and not self.media_accepts_consumer_keys:
            # WooCommerce authenticates its keys on /wc/ routes only: WordPress sees no user here.
            raise WpError("rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", 401)
        if user not in self.consumer_keys:
            raise WpError("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
        secret, permission = self.consumer_keys[user]
        if not hmac.compare_digest(secret, password):
            raise WpError("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
        if action != "view" and permission == "read":
            raise WpError("woocommerce_rest_authentication_error",
                          "The API key provided does not have write permissions.", 401)
        if action == "view" and permission == "write":
            raise WpError("woocommerce_rest_authentication_error",
                          "The API key provided does not have read permissions.", 401)

    def _json(self, request: Request) -> dict:
        try:
            data = request.json()
        except ValueError:
            raise WpError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise WpError("rest_invalid_param", "Invalid parameter(s): body", 400)
        return data

    def _route(self, request: Request, path: str) -> Response:  # noqa: C901 - one dispatch table
        parts = path.strip("/").split("/")
        method = request.method
        with self.lock:
            if parts == ["settings", "general", "woocommerce_currency"] and method == "GET":
                return Response.json({"id": "woocommerce_currency", "label": "Currency", "type": "select",
                                      "value": self.currency})
            if parts == ["settings", "products"] and method == "GET":
                return Response.json([{"id": "woocommerce_weight_unit", "value": self.weight_unit},
                                      {"id": "woocommerce_dimension_unit", "value": self.dimension_unit}])
            if parts == ["products", "categories"] and method == "GET":
                return self._page(request, self.categories)
            if parts == ["products"]:
                if method == "GET":
                    return self._page(request, self._product_list(request))
                if method == "POST":
                    return Response.json(self._product_create(self._json(request)), status=201)
            if parts == ["products", "batch"] and method in ("POST", "PUT", "PATCH"):
                return Response.json(self._batch(self._json(request), parent=None))
            if len(parts) == 2 and parts[0] == "products" and parts[1].isdigit():
                product = self._product(int(parts[1]))
                if method == "GET":
                    return Response.json(self._product_json(product))
                if method in ("PUT", "POST", "PATCH"):
                    return Response.json(self._product_update(product, self._json(request)))
                if method == "DELETE":
                    return Response.json(self._product_delete(product, force=request.param("force") == "true"))
            if len(parts) >= 3 and parts[0] == "products" and parts[1].isdigit() and parts[2] == "variations":
                parent = self._product(int(parts[1]))
                if parts[3:] == [] and method == "GET":
                    rows = [self._variation_json(self.variations[v]) for v in parent["variations"]]
                    return self._page(request, rows)
                if parts[3:] == ["batch"] and method in ("POST", "PUT", "PATCH"):
                    return Response.json(self._batch(self._json(request), parent=parent))
            if parts == ["orders"] and method == "GET":
                return self._page(request, self._order_list(request))
            if len(parts) == 2 and parts[0] == "orders" and parts[1].isdigit() and method == "GET":
                order = self.orders.get(int(parts[1]))
                if order is None:
                    raise WpError("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
                return Response.json(self._order_json(order))
            if parts == ["webhooks"]:
                if method == "GET":
                    return self._page(request, [self._webhook_json(w) for w in self.webhooks.values()])
                if method == "POST":
                    return Response.json(self._webhook_save(None, self._json(request)), status=201)
            if len(parts) == 2 and parts[0] == "webhooks" and parts[1].isdigit() and method in ("PUT", "POST"):
                if int(parts[1]) not in self.webhooks:
                    raise WpError("woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)
                return Response.json(self._webhook_save(int(parts[1]), self._json(request)))
        raise WpError("rest_no_route", "No route was found matching the URL and request method.", 404)

    # --- lists ---------------------------------------------------------------------------------
    def _page(self, request: Request, rows: list[dict]) -> Response:
        """One page with WordPress's headers; per_page 1..100 (default 10), page from 1."""
        try:
            per_page = int(request.param("per_page", "10"))
            page = int(request.param("page", "1"))
        except ValueError:
            raise WpError("rest_invalid_param", "Invalid parameter(s): per_page", 400) from None
        if not 1 <= per_page <= PER_PAGE_MAX:
            raise WpError("rest_invalid_param", "Invalid parameter(s): per_page", 400,
                          params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"})
        if page < 1:
            raise WpError("rest_invalid_param", "Invalid parameter(s): page", 400)
        total = len(rows)
        pages = max(1, math.ceil(total / per_page)) if total else 0
        if total and page > pages:
            raise WpError("woocommerce_rest_invalid_page_number",
                          "The page number requested is larger than the number of pages available.", 400)
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        links = []
        base = {k: v[0] for k, v in request.query.items() if k != "page"}
        if page < pages:
            links.append(f'<{self.url}{request.path}?{urlencode({**base, "page": page + 1})}>; rel="next"')
        if page > 1:
            links.append(f'<{self.url}{request.path}?{urlencode({**base, "page": page - 1})}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        return Response.json(rows[(page - 1) * per_page: page * per_page], headers=headers)

    def _modified_filter(self, request: Request, rows: list[dict]) -> list[dict]:
        after = request.param("modified_after")
        if not after:
            return rows
        moment = parse_gmt(after)
        if moment is None:
            raise WpError("rest_invalid_param", "Invalid parameter(s): modified_after", 400)
        if request.param("dates_are_gmt") != "true":
            moment -= 7 * 3600  # the site's time zone, Asia/Ho_Chi_Minh
        return [r for r in rows if int(r["_modified"]) > moment]  # WordPress keeps whole seconds

    # --- products ------------------------------------------------------------------------------
    def _product(self, product_id: int) -> dict:
        product = self.products.get(product_id)
        if product is None:
            raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        return product

    def _product_list(self, request: Request) -> list[dict]:
        status = request.param("status", "any")
        rows = [p for p in self.products.values()
                if (p["status"] != "trash" if status == "any" else p["status"] == status)]
        sku = request.param("sku")
        if sku:
            wanted = set(sku.split(","))
            rows = [p for p in rows if p["sku"] in wanted]
        rows = self._modified_filter(request, rows)
        return [self._product_json(p) for p in sorted(rows, key=lambda p: -p["id"])]

    def _sku_taken(self, sku: str, *, exclude: int | None = None) -> int | None:
        for holder in self.products_by_sku().get(sku, []):
            if holder["id"] != exclude:
                return holder["id"]
        return None

    def _check_sku(self, sku: str, *, exclude: int | None = None) -> None:
        if sku:
            holder = self._sku_taken(sku, exclude=exclude)
            if holder is not None:
                raise WpError("product_invalid_sku", "Invalid or duplicated SKU.", 400, resource_id=holder,
                              unique_sku=sku)

    def _touch(self, row: dict) -> None:
        row["_modified"] = max(self.now(), row.get("_modified", 0) + 0.001)
        row["date_modified_gmt"] = gmt(row["_modified"])

    def _images(self, images: list) -> list[dict]:
        out = []
        for position, image in enumerate(images or []):
            if image.get("id"):
                media = self.media.get(int(image["id"]))
                if media is None:
                    raise WpError("woocommerce_product_invalid_image_id", f"#{image['id']} is an invalid image ID.", 400)
                out.append({"id": media["id"], "src": media["source_url"], "position": position})
            elif image.get("src"):
                # WooCommerce downloads the URL into the media library; here the URL is taken as is.
                media_id = self.new_id()
                self.media[media_id] = {"id": media_id, "source_url": image["src"], "size": 0, "mime_type": "image/jpeg"}
                out.append({"id": media_id, "src": image["src"], "position": position})
        return out

    def _check_price(self, value) -> str:
        text = "" if value is None else str(value)
        if text:
            try:
                if float(text) < 0:
                    raise ValueError
            except ValueError:
                raise WpError("rest_invalid_param", "Invalid parameter(s): regular_price", 400) from None
        return text

    def _product_create(self, data: dict) -> dict:
        if data.get("id"):
            raise WpError("woocommerce_rest_product_exists", "Cannot create existing product.", 400)
        kind = data.get("type", "simple")
        if kind not in ("simple", "variable", "grouped", "external"):
            raise WpError("rest_invalid_param", "Invalid parameter(s): type", 400)
        self._check_sku(str(data.get("sku") or ""))
        product_id = self.new_id()
        now = self.now()
        product = {"id": product_id, "name": "", "type": kind, "status": "publish", "sku": "", "description": "",
                   "short_description": "", "regular_price": "", "manage_stock": False, "stock_quantity": None,
                   "weight": "", "dimensions": {"length": "", "width": "", "height": ""}, "categories": [],
                   "attributes": [], "images": [], "variations": [], "date_created_gmt": gmt(now), "_modified": now,
                   "date_modified_gmt": gmt(now)}
        self._apply_product(product, data)
        self.products[product_id] = product
        return self._product_json(product)

    def _apply_product(self, product: dict, data: dict) -> None:
        if "sku" in data:
            self._check_sku(str(data["sku"] or ""), exclude=product["id"])
        if "images" in data:
            product["images"] = self._images(data["images"])
        if "categories" in data:
            ids = {c["id"] for c in self.categories}
            for category in data["categories"] or []:
                if int(category.get("id") or 0) not in ids:
                    raise WpError("woocommerce_rest_invalid_term_id", "Invalid term ID.", 400)
            product["categories"] = [{"id": int(c["id"])} for c in data["categories"] or []]
        if "regular_price" in data:
            product["regular_price"] = self._check_price(data["regular_price"])
        if "status" in data:
            if data["status"] not in ("draft", "pending", "private", "publish"):
                raise WpError("rest_invalid_param", "Invalid parameter(s): status", 400)
            product["status"] = data["status"]
        for key in ("name", "description", "short_description", "sku", "manage_stock", "weight", "type"):
            if key in data:
                product[key] = data[key] if data[key] is not None else ""
        if "dimensions" in data:
            product["dimensions"] = {**product["dimensions"], **(data["dimensions"] or {})}
        if "attributes" in data:
            product["attributes"] = [{"id": 0, "name": a.get("name", ""), "position": a.get("position", 0),
                                      "visible": bool(a.get("visible")), "variation": bool(a.get("variation")),
                                      "options": list(a.get("options") or [])} for a in data["attributes"] or []]
        if "stock_quantity" in data:
            product["stock_quantity"] = None if data["stock_quantity"] is None else int(data["stock_quantity"])
        self._touch(product)

    def _product_update(self, product: dict, data: dict) -> dict:
        if product["status"] == "trash" and data.get("status") not in (None, "publish", "draft"):
            raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        self._apply_product(product, data)
        return self._product_json(product)

    def _product_delete(self, product: dict, *, force: bool) -> dict:
        answer = self._product_json(product)
        if force:
            for variation_id in product["variations"]:
                self.variations.pop(variation_id, None)
            del self.products[product["id"]]
            return answer
        if product["status"] == "trash":
            raise WpError("woocommerce_rest_already_trashed", "The product has already been deleted.", 410)
        product["status"] = "trash"  # its variations go with it (WC_Post_Data::trash_post)
        self._touch(product)
        return self._product_json(product)

    def _product_json(self, product: dict) -> dict:
        out = {k: v for k, v in product.items() if not k.startswith("_")}
        out["price"] = product["regular_price"]
        out["permalink"] = f"{self.url}/product/{product['id']}/"
        out["categories"] = [{"id": c["id"], "name": next((x["name"] for x in self.categories if x["id"] == c["id"]), "")}
                             for c in product["categories"]]
        if product["type"] == "variable":
            out["regular_price"] = out["price"] = ""
            out["stock_quantity"] = None
        return out

    # --- variations and batches ------------------------------------------------------------------
    def _variation_create(self, parent: dict, data: dict) -> dict:
        if parent["type"] != "variable":
            raise WpError("woocommerce_rest_invalid_product_id", "Invalid product ID.", 400)
        self._check_sku(str(data.get("sku") or ""))
        names = {a["name"].lower(): a for a in parent["attributes"] if a["variation"]}
        attributes = []
        for attr in data.get("attributes") or []:
            spec = names.get(str(attr.get("name", "")).lower())
            if spec is None or attr.get("option") not in spec["options"]:
                raise WpError("woocommerce_rest_invalid_variation_attribute", "Invalid variation attribute.", 400)
            attributes.append({"id": 0, "name": spec["name"], "option": attr["option"]})
        variation_id = self.new_id()
        now = self.now()
        variation = {"id": variation_id, "parent_id": parent["id"], "sku": str(data.get("sku") or ""), "status": "publish",
                     "regular_price": self._check_price(data.get("regular_price")), "manage_stock": bool(data.get("manage_stock")),
                     "stock_quantity": data.get("stock_quantity"), "weight": data.get("weight") or "",
                     "dimensions": data.get("dimensions") or {"length": "", "width": "", "height": ""},
                     "attributes": attributes, "_modified": now, "date_modified_gmt": gmt(now)}
        self.variations[variation_id] = variation
        parent["variations"].append(variation_id)
        self._touch(parent)
        return self._variation_json(variation)

    def _variation_update(self, parent: dict, data: dict) -> dict:
        variation = self.variations.get(int(data.get("id") or 0))
        if variation is None or variation["parent_id"] != parent["id"]:
            raise WpError("woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)
        if "sku" in data:
            self._check_sku(str(data["sku"] or ""), exclude=variation["id"])
            variation["sku"] = str(data["sku"] or "")
        if "regular_price" in data:
            variation["regular_price"] = self._check_price(data["regular_price"])
        for key in ("manage_stock", "weight", "dimensions", "status"):
            if key in data:
                variation[key] = data[key]
        if "stock_quantity" in data:
            variation["stock_quantity"] = None if data["stock_quantity"] is None else int(data["stock_quantity"])
        self._touch(variation)
        self._touch(parent)
        return self._variation_json(variation)

    def _variation_json(self, variation: dict) -> dict:
        out = {k: v for k, v in variation.items() if not k.startswith("_")}
        out["price"] = variation["regular_price"]
        return out

    def _batch(self, data: dict, *, parent: dict | None) -> dict:
        """create/update/delete lists, at most BATCH_LIMIT objects together; each object answered on its own."""
        lists = {name: data.get(name) or [] for name in ("create", "update", "delete")}
        total = sum(len(v) for v in lists.values())
        if total > BATCH_LIMIT:
            raise WpError("woocommerce_rest_request_entity_too_large",
                          f"Unable to accept more than {BATCH_LIMIT} items for this request.", 413)
        self.batch_sizes.append(total)
        answer: dict[str, list] = {}
        for name, items in lists.items():
            if not items:
                continue
            rows = answer.setdefault(name, [])
            for item in items:
                try:
                    if name == "create":
                        rows.append(self._variation_create(parent, item) if parent else self._product_create(item))
                    elif name == "update":
                        if parent:
                            rows.append(self._variation_update(parent, item))
                        else:
                            product = self.products.get(int(item.get("id") or 0))
                            if product is None:
                                raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
                            rows.append(self._product_update(product, item))
                    else:
                        item_id = int(item)
                        if parent:
                            if item_id not in parent["variations"]:
                                raise WpError("woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)
                            parent["variations"].remove(item_id)
                            rows.append(self._variation_json(self.variations.pop(item_id)))
                        else:
                            rows.append(self._product_delete(self._product(item_id), force=True))
                except WpError as exc:
                    item_id = item if name == "delete" else (item.get("id", 0) if name == "update" else 0)
                    rows.append({"id": item_id, "error": exc.body()})
        return answer

    # --- media ---------------------------------------------------------------------------------
    def _media_upload(self, request: Request) -> Response:
        if request.method != "POST":
            raise WpError("rest_no_route", "No route was found matching the URL and request method.", 404)
        disposition = request.header("Content-Disposition")
        if "filename=" not in disposition or not request.body:
            raise WpError("rest_upload_no_data", "No data supplied.", 400)
        filename = disposition.split("filename=", 1)[1].strip().strip('"')
        if request.content_type not in ("image/jpeg", "image/png", "image/gif", "image/webp"):
            raise WpError("rest_upload_sideload_error", "Sorry, you are not allowed to upload this file type.", 500)
        with self.lock:
            media_id = self.new_id()
            media = {"id": media_id, "source_url": f"{self.url}/wp-content/uploads/{filename}", "size": len(request.body),
                     "mime_type": request.content_type, "media_type": "image"}
            self.media[media_id] = media
        return Response.json(media, status=201)

    # --- orders and webhooks in ------------------------------------------------------------------
    def _order_list(self, request: Request) -> list[dict]:
        status = request.param("status", "any")
        rows = [o for o in self.orders.values() if (o["status"] != "trash" if status == "any" else o["status"] in
                                                     status.split(","))]
        rows = self._modified_filter(request, rows)
        orderby = request.param("orderby", "date")
        if orderby not in ("date", "id", "include", "title", "slug", "modified"):
            raise WpError("rest_invalid_param", "Invalid parameter(s): orderby", 400)
        key = {"modified": lambda o: (o["_modified"], o["id"]), "id": lambda o: o["id"]}.get(
            orderby, lambda o: (o["date_created_gmt"], o["id"]))
        rows = sorted(rows, key=key, reverse=request.param("order", "desc") != "asc")
        return [self._order_json(o) for o in rows]

    def _order_json(self, order: dict) -> dict:
        return {k: v for k, v in order.items() if not k.startswith("_")}

    def _webhook_save(self, webhook_id: int | None, data: dict) -> dict:
        topic = str(data.get("topic") or (self.webhooks[webhook_id]["topic"] if webhook_id else ""))
        resource, _dot, event = topic.partition(".")
        if resource not in ("order", "product", "customer", "coupon", "action") or not event:
            raise WpError("woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400)
        url = str(data.get("delivery_url") or (self.webhooks[webhook_id]["delivery_url"] if webhook_id else ""))
        if not url.startswith(("http://", "https://")):
            raise WpError("woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL "
                          "starting with http:// or https://.", 400)
        if webhook_id is None:
            webhook_id = self.new_id()
            self.webhooks[webhook_id] = {"id": webhook_id, "secret": "", "status": "active", "name": ""}
        webhook = self.webhooks[webhook_id]
        webhook.update({"topic": topic, "delivery_url": url, "name": data.get("name", webhook["name"]),
                        "status": data.get("status", webhook["status"])})
        if data.get("secret"):
            webhook["secret"] = str(data["secret"])
        return self._webhook_json(webhook)

    def _webhook_json(self, webhook: dict) -> dict:
        return {k: v for k, v in webhook.items() if k != "secret"}
