"""A local Tiki Open API, written from the documentation in shared/marketplaces.md §4 (open.tiki.vn).

A real HTTP server (threaded, loopback only), so the connector's HTTP code, timeouts and retries run for
real. What it enforces, from the documentation:

- OAuth 2.0 authorisation code flow: ``/sc/oauth2/auth`` (consent page; ``state`` of at least 8
  characters, the registered ``redirect_uri``), ``/sc/oauth2/token`` form-encoded only, client
  authentication by HTTP Basic or by ``client_id``/``client_secret`` in the body; codes single-use; the
  refresh token rotated on every refresh, the old one refused; errors as RFC 6749 ``{"error", ...}``;
- the seller API with ``Authorization: Bearer``: 401 when the token is missing, unknown or expired, 403
  when a scope is missing (``product``/``order``/``inventory``), 405 for a wrong method, 429 above 200
  requests per second per seller (Tiki's message), errors as ``{"errors": [...]}``;
- product requests are asynchronous: the create answers ``{"track_id", "state": "queuing"}``; requests
  then wait in ``awaiting_approve`` (``md_awaiting_approve`` when the category needs legal documents) until
  the test hook ``decide_request`` or the ``auto_approve_after`` option decides them; an approved request
  makes one product per variant, inactive (``active=0``); a rejected request stays rejected;
- requests breaking the documented rules are rejected with a reason: more than 2 option attributes,
  variants without their options ("variants option1 missing"), ``price <= 0`` ("variants should have price
  > 0"), no image ("product media is empty"), a category's legal document missing ("Category legal
  document is missing document_id = N : name");
- ``updateSkus`` batches of at most ``update_skus_max`` items (Tiki states no number: configurable) with a
  per-item answer.

Undocumented shapes the simulator had to choose (the connector reads them defensively): the required
documents endpoint and its entries, ``certificate_files`` entries ``{type, url, document_id}``, tracking
records echoing the request's ``variants``, the per-item answer of updateSkus.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import html
import itertools
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from marketplace_connectors.simulator_base import Faults, Request, Response, SimulatorServer

__all__ = ["Faults", "TikiSimulator"]

VN = dt.timezone(dt.timedelta(hours=7))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
RATE_LIMIT_MESSAGE = "You're requesting too many requests! Slow down! Current rate limit is 200 request / per second / per seller"
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


class TikiSimulator(SimulatorServer):
    """Start with ``.start()``; API at ``.url``, consent page at ``.url + "/sc/oauth2/auth"``."""

    def __init__(self, *, client_id: str = "7590139168389961", client_secret: str = "test_secret",  # noqa: S107
                 host: str = "127.0.0.1", port: int = 0, sellers: dict[str, str] | None = None,
                 auto_approve_after: float | None = None, rate_limit_per_second: float = 200.0,
                 update_skus_max: int = 50, access_lifetime: int = 3600, require_redirect_uri: bool = True,
                 warehouses: tuple[int, ...] = (1034,)) -> None:
        super().__init__(host=host, port=port)
        self.client_id, self.client_secret = str(client_id), client_secret
        self.auto_approve_after = auto_approve_after
        self.rate_limit_per_second = rate_limit_per_second
        self.update_skus_max = update_skus_max
        self.access_lifetime = access_lifetime
        self.require_redirect_uri = require_redirect_uri
        self.warehouses = warehouses
        self.sellers = dict(sellers or {"5678": "Đặc sản Sen Đồng Tháp"})
        self.categories = copy.deepcopy(DEFAULT_CATEGORIES)
        self.attributes = copy.deepcopy(DEFAULT_ATTRIBUTES)
        self.documents = copy.deepcopy(DEFAULT_DOCUMENTS)
        self.sandbox_category_id = SANDBOX_CATEGORY
        self.codes: dict[str, tuple[str, str, float, str]] = {}  # code -> (seller, redirect_uri, issued, scope)
        self.access_tokens: dict[str, tuple[str, float, str]] = {}  # token -> (seller, expires, scope)
        self.refresh_tokens: dict[str, tuple[str, str]] = {}  # live refresh token -> (seller, scope)
        self.spent_refresh_tokens: set[str] = set()
        self.requests: dict[str, ProductRequest] = {}  # track id -> request
        self.products: dict[int, Product] = {}
        self.parents: dict[int, tuple[str, str]] = {}  # configurable parent id -> (seller, name)
        self.orders: dict[str, Order] = {}
        self.bodies: list[tuple[str, str, object]] = []  # (method, path, JSON body) of every API write
        self._ids = itertools.count(70_000_001)
        self._request_ids = itertools.count(1_121_408_707_461_600_001)
        self._order_codes = itertools.count(745_467_462)
        self._lock = self.lock
        # Tiki pushes nothing (its event queue is pulled): push_url stays None, kept for the protocol.

    # --- test hooks ------------------------------------------------------------------------------
    def issue_code(self, seller_id: str | None = None, *, redirect_uri: str = "",
                   scope: str = "offline product order inventory") -> tuple[str, str]:
        """What the consent page does when the seller approves: a single-use code."""
        with self._lock:
            seller_id = seller_id or next(iter(self.sellers))
            code = uuid.uuid4().hex
            self.codes[code] = (seller_id, redirect_uri, self.now(), scope)
            return code, seller_id

    def expire_access_tokens(self, seller_id: str | None = None) -> None:
        with self._lock:
            for token, (seller, _exp, scope) in list(self.access_tokens.items()):
                if seller_id is None or seller == seller_id:
                    self.access_tokens[token] = (seller, self.now() - 1, scope)

    def revoke_refresh_tokens(self, seller_id: str | None = None) -> None:
        with self._lock:
            for token, (seller, _scope) in list(self.refresh_tokens.items()):
                if seller_id is None or seller == seller_id:
                    del self.refresh_tokens[token]
                    self.spent_refresh_tokens.add(token)

    def _find_request(self, request_or_track_id: str) -> ProductRequest:
        key = str(request_or_track_id)
        found = self.requests.get(key) or next((r for r in self.requests.values() if r.request_id == key), None)
        if found is None:
            raise KeyError(key)
        return found

    def decide_request(self, request_id: str, approve: bool, reason: str = "") -> list[int]:
        """Tiki's reviewers decide a pending request (by request id or track id); returns the product ids
        made. A decided request cannot be decided again (a rejected one is never approved)."""
        with self._lock:
            request = self._find_request(request_id)
            if request.state not in PENDING_STATES:
                raise ValueError(f"request {request_id} is already {request.state}")
            if approve:
                self._approve(request)
            else:
                request.state, request.reason, request.updated = "rejected", reason or "rejected", self.now()
            return list(request.product_ids)

    def pending_requests(self) -> list[ProductRequest]:
        with self._lock:
            return [r for r in self.requests.values() if r.state in PENDING_STATES]

    def product_by_sku(self, sku: str, seller_id: str | None = None) -> Product | None:
        seller_id = seller_id or next(iter(self.sellers))
        with self._lock:
            return next((p for p in self.products.values() if p.seller_id == seller_id and p.original_sku == sku), None)

    # --- SandboxSimulator protocol ----------------------------------------------------------------
    def create_order(self, *, shop_id: str, items) -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs; stock goes down. The order starts ``queueing``."""
        with self._lock:
            lines = []
            for sku, quantity in items:
                product = self.product_by_sku(sku, shop_id)
                if product is None:
                    raise ValueError(f"no product {sku} on shop {shop_id}")
                if product.quantity < quantity:
                    raise ValueError(f"only {product.quantity} of {sku} in stock")
                lines.append((product, quantity))
            for product, quantity in lines:
                product.quantity -= quantity
            now = self.now()
            code = str(next(self._order_codes))
            self.orders[code] = Order(code=code, seller_id=str(shop_id), status="queueing", created=now, updated=now,
                                      items=[(p.product_id, p.original_sku, q, p.price, p.name) for p, q in lines])
            return code

    def set_order_status(self, *, order_id: str, status) -> None:
        """Move an order on (ours or Tiki's word); cancelling or returning it puts the stock back."""
        word = ORDER_WORDS.get(str(getattr(status, "value", status)), str(getattr(status, "value", status)))
        with self._lock:
            order = self.orders[str(order_id)]
            restock = word in ("canceled", "returned") and order.status not in ("canceled", "returned")
            if restock:
                for product_id, _sku, quantity, _price, _name in order.items:
                    if product_id in self.products:
                        self.products[product_id].quantity += quantity
            order.status, order.updated = word, self.now() + 1

    def stock_of(self, *, shop_id: str, sku: str) -> int | None:
        product = self.product_by_sku(sku, shop_id)
        return None if product is None else product.quantity

    # --- HTTP entry --------------------------------------------------------------------------------
    def faultable(self, request: Request) -> bool:
        return not request.path.startswith("/sc/oauth2/auth")  # the consent page is the seller's browser

    def fault_response(self, kind: str, request: Request) -> Response:
        """Tiki's own answers: ``{"errors": [...]}`` with the documented messages."""
        if kind == "429":
            return Response.json({"errors": [RATE_LIMIT_MESSAGE]}, status=429, code="429")
        status = self.faults.status_code_5xx if kind == "5xx" else 504
        return Response.json({"errors": ["Service Unavailable — We're temporarily offline for maintenance."]},
                             status=status, code=str(status))

    def handle(self, request: Request) -> Response:
        method, path = request.method, request.path
        query = {k: v[-1] for k, v in request.query.items()}
        headers = {"Authorization": request.header("Authorization"), "Content-Type": request.header("Content-Type")}
        if path == "/sc/oauth2/auth" and method == "GET":
            status, content_type, body = self._consent_page(query)
            return Response(status=status, body=body, content_type=content_type)
        if path == "/sc/oauth2/auth" and method == "POST":
            location = self._consent_submit(request.body)
            return Response(status=302, headers={"Location": location}, content_type="text/plain")
        if path == "/sc/oauth2/token":
            status, payload = self._token(method, headers, request.body)
            return Response.json(payload, status=status, code=str(payload.get("error") or ""))
        try:
            seller_id, scope = self._authenticate(headers)
            if self.rate_limit_exceeded(f"seller:{seller_id}", limit=self.rate_limit_per_second):
                raise ApiError(429, RATE_LIMIT_MESSAGE)
            try:
                payload_in = request.json()
            except ValueError as exc:
                raise ApiError(400, "Invalid JSON body") from exc
            with self.lock:
                status, payload = self._route(method, path, query, payload_in, seller_id, scope)
                if method in ("POST", "PUT", "DELETE"):
                    self.bodies.append((method, path, payload_in))
        except ApiError as exc:
            return Response.json({"errors": exc.errors}, status=exc.status, code=str(exc.status))
        return Response.json(payload, status=status)

    # --- OAuth 2.0 ---------------------------------------------------------------------------------
    def _consent_page(self, query: dict):
        def q(name: str) -> str:
            return html.escape(query.get(name, ""))

        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if query.get("client_id") != self.client_id:
            problems.append("unknown client_id")
        if len(query.get("state", "")) < 8:
            problems.append("state must have at least 8 characters")
        if not query.get("redirect_uri"):
            problems.append("redirect_uri is required")
        if problems:
            return 400, "text/plain; charset=utf-8", "; ".join(problems).encode()
        options = "".join(f'<option value="{html.escape(s)}">{html.escape(n)}</option>' for s, n in self.sellers.items())
        page = (f"<!doctype html><meta charset=utf-8><title>Tiki sandbox</title><h1>Tiki sandbox</h1>"
                f"<p>Cho phép ứng dụng truy cập gian hàng ({q('scope')})?</p>"
                f'<form method=post action="/sc/oauth2/auth"><select name=seller>{options}</select>'
                f'<input type=hidden name=redirect_uri value="{q("redirect_uri")}">'
                f'<input type=hidden name=state value="{q("state")}"><input type=hidden name=scope value="{q("scope")}">'
                f"<button>Đồng ý</button></form>")
        return 200, "text/html; charset=utf-8", page.encode()

    def _consent_submit(self, body: bytes) -> str:
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        code, _seller = self.issue_code(form.get("seller"), redirect_uri=form.get("redirect_uri", ""),
                                        scope=form.get("scope") or "offline product order inventory")
        target = form.get("redirect_uri", "")
        separator = "&" if "?" in target else "?"
        return f"{target}{separator}{urlencode({'code': code, 'state': form.get('state', ''), 'scope': form.get('scope', '')})}"

    def _client_auth(self, headers, form: dict) -> bool:
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            return client_id == self.client_id and secret == self.client_secret
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _new_tokens(self, seller_id: str, scope: str) -> dict:
        access, refresh = uuid.uuid4().hex + uuid.uuid4().hex, uuid.uuid4().hex
        self.access_tokens[access] = (seller_id, self.now() + self.access_lifetime, scope)
        self.refresh_tokens[refresh] = (seller_id, scope)
        return {"access_token": access, "expires_in": self.access_lifetime, "refresh_token": refresh,
                "scope": scope, "token_type": "bearer"}

    def _token(self, method: str, headers, body: bytes) -> tuple[int, dict]:
        if method != "POST":
            return 405, {"error": "invalid_request", "error_description": "POST only"}
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 400, {"error": "invalid_request", "error_description": "the body must be form-encoded"}
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if not self._client_auth(headers, form):
            return 401, {"error": "invalid_client", "error_description": "client authentication failed"}
        with self._lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                entry = self.codes.pop(form.get("code", ""), None)
                if entry is None or self.now() - entry[2] > 600:
                    return 400, {"error": "invalid_grant", "error_description": "the code is invalid, used or expired"}
                seller_id, redirect_uri, _issued, scope = entry
                if self.require_redirect_uri and redirect_uri and form.get("redirect_uri") != redirect_uri:
                    return 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
                return 200, self._new_tokens(seller_id, scope)
            if grant == "refresh_token":
                token = form.get("refresh_token", "")
                entry = self.refresh_tokens.pop(token, None)
                if entry is None:
                    return 400, {"error": "invalid_grant", "error_description": "the refresh token is invalid or was used"}
                self.spent_refresh_tokens.add(token)
                return 200, self._new_tokens(*entry)
        return 400, {"error": "unsupported_grant_type", "error_description": str(grant)}

    # --- seller API plumbing -------------------------------------------------------------------------
    def _authenticate(self, headers) -> tuple[str, str]:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            raise ApiError(401, "The authorization (token) is missing or expired")
        with self._lock:
            entry = self.access_tokens.get(auth[7:])
            if entry is None or entry[1] < self.now():
                raise ApiError(401, "The authorization (token) is missing or expired")
            return entry[0], entry[2]

    @staticmethod
    def _need(scope: str, word: str) -> None:
        if word not in scope.split():
            raise ApiError(403, "The client is NOT granted enough permissions to perform the action")

    def _route(self, method: str, path: str, query: dict, body, seller_id: str, scope: str) -> tuple[int, object]:
        segments = path.strip("/").split("/")
        if segments[:1] != ["integration"] or len(segments) < 3:
            raise ApiError(404, "Not found")
        version, rest = segments[1], segments[2:]
        routes = [
            ("GET", "v2", ["sellers", "me"], self._seller, None),
            ("GET", "v2", ["sellers", "me", "warehouses"], self._warehouses, None),
            ("GET", "v2", ["categories"], self._categories, "product"),
            ("GET", "v2", ["categories", "*", "attributes"], self._category_attributes, "product"),
            ("GET", "v2", ["categories", "*", "required-documents"], self._required_documents, "product"),
            ("POST", "v2.1", ["requests"], self._create_request, "product"),
            ("GET", "v2", ["tracking"], self._trackings, "product"),
            ("GET", "v2", ["tracking", "*"], self._tracking, "product"),
            ("GET", "v2", ["requests", "*"], self._request_get, "product"),
            ("DELETE", "v2", ["requests", "*"], self._request_delete, "product"),
            ("GET", "v2", ["products"], self._products, "product"),
            ("GET", "v2", ["products", "findBy"], self._product_find, "product"),
            ("GET", "v2", ["products", "*"], self._product_get, "product"),
            ("PUT", "v2.1", ["products", "updateSkus"], self._update_skus, "inventory"),
            ("GET", "v2", ["orders"], self._orders, "order"),
            ("GET", "v2", ["orders", "*"], self._order_get, "order"),
        ]
        matched_path = False
        for route_method, route_version, pattern, handler, needed in routes:
            if route_version != version or len(pattern) != len(rest):
                continue
            if not all(p == "*" or p == r for p, r in zip(pattern, rest, strict=True)):
                continue
            if pattern[-1] == "*" and rest[-1] in ("findBy", "updateSkus"):
                continue
            matched_path = True
            if route_method != method:
                continue
            if needed:
                self._need(scope, needed)
            args = [r for p, r in zip(pattern, rest, strict=True) if p == "*"]
            return 200, handler(seller_id, query, body, *args)
        raise ApiError(405 if matched_path else 404, "Method Not Allowed" if matched_path else "Not found")

    @staticmethod
    def _time(moment: float) -> str:
        return dt.datetime.fromtimestamp(moment, VN).strftime(TIME_FORMAT)

    @staticmethod
    def _parse_time(text: str) -> float:
        try:
            return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=VN).timestamp()
        except ValueError as exc:
            raise ApiError(400, "Invalid query parameters: use yyyy-MM-dd HH:mm:ss") from exc

    @staticmethod
    def _page(items: list, query: dict, default_limit: int = 20) -> dict:
        try:
            page, limit = int(query.get("page") or 1), int(query.get("limit") or default_limit)
        except ValueError as exc:
            raise ApiError(400, "Invalid query parameters") from exc
        if page < 1 or not 1 <= limit <= 100:
            raise ApiError(400, "Invalid query parameters: limit must be 1 to 100")
        start = (page - 1) * limit
        last = max(1, -(-len(items) // limit))
        return {"data": items[start:start + limit],
                "paging": {"total": len(items), "current_page": page, "per_page": limit, "last_page": last,
                           "from": start, "to": min(start + limit, len(items))}}

    # --- seller and catalog ----------------------------------------------------------------------------
    def _seller(self, seller_id, query, body):
        return {"id": int(seller_id) if seller_id.isdigit() else seller_id, "name": self.sellers[seller_id],
                "active": 1, "operation_models": ["dropship"], "can_update_product": 1,
                "registration_status": "completed"}

    def _warehouses(self, seller_id, query, body):
        return {"data": [{"id": w, "name": f"Kho {w}", "status": 1} for w in self.warehouses]}

    def _categories(self, seller_id, query, body):
        return {"data": copy.deepcopy(self.categories)}

    def _category(self, raw: str) -> dict:
        category = next((c for c in self.categories if str(c["id"]) == raw), None)
        if category is None:
            raise ApiError(404, f"category {raw} not found")
        return category

    def _category_attributes(self, seller_id, query, body, category_id):
        return {"data": copy.deepcopy(self.attributes.get(self._category(category_id)["id"], []))}

    def _required_documents(self, seller_id, query, body, category_id):
        return {"data": copy.deepcopy(self.documents.get(self._category(category_id)["id"], []))}

    # --- product requests ---------------------------------------------------------------------------
    def _create_request(self, seller_id, query, body, *args):
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid request body")
        missing = [k for k in ("category_id", "name", "variants") if not body.get(k)]
        if missing:
            raise ApiError(400, *(f"{k} is required" for k in missing))
        now = self.now()
        request = ProductRequest(track_id=uuid.uuid4().hex, request_id=str(next(self._request_ids)), seller_id=seller_id,
                          body=copy.deepcopy(body), state="queuing", created=now, updated=now)
        reason = self._auto_check(seller_id, body)
        if reason:
            request.state, request.reason = "rejected", reason
        else:
            needs_documents = bool(self.documents.get(_int(body.get("category_id"))))
            request.state = "md_awaiting_approve" if needs_documents else "awaiting_approve"
        self.requests[request.track_id] = request
        return {"track_id": request.track_id, "state": "queuing"}

    def _auto_check(self, seller_id: str, body: dict) -> str:
        """Tiki's automatic checks (processing, bot review): the first reason to reject, or ""."""
        category = next((c for c in self.categories if str(c["id"]) == str(body.get("category_id"))), None)
        if category is None or not category.get("is_primary"):
            return "category is not a primary category"
        if not body.get("image"):
            return "product media is empty"
        options = body.get("option_attributes") or []
        if len(options) > 2:
            return "option_attributes: max 2 option attributes"
        attributes = body.get("attributes") or {}
        for attr in self.attributes.get(category["id"], []):
            if attr.get("is_required") and not str(attributes.get(attr["code"], "")).strip():
                return f"attribute {attr['code']} is required"
        taken = {p.original_sku for p in self.products.values() if p.seller_id == seller_id}
        taken |= {str(v.get("sku")) for r in self.requests.values() if r.seller_id == seller_id
                  and r.state in PENDING_STATES for v in r.body.get("variants") or []}
        for variant in body.get("variants") or []:
            if _int(variant.get("price")) is None or _int(variant.get("price")) <= 0:
                return "variants should have price > 0"
            for n in range(1, len(options) + 1):
                if not str(variant.get(f"option{n}") or "").strip():
                    return f"variants option{n} missing"
            if str(variant.get("sku")) in taken:
                return f"original_sku {variant.get('sku')} already exists"
        given = {_int(c.get("document_id")) for c in body.get("certificate_files") or []
                 if isinstance(c, dict) and str(c.get("url", "")).startswith(("http://", "https://"))}
        for document in self.documents.get(category["id"], []):
            if document["id"] not in given:
                return f"Category legal document is missing document_id = {document['id']} : {document['name']}"
        return ""

    def _approve(self, request: ProductRequest) -> None:
        body = request.body
        variants = body.get("variants") or []
        parent = next(self._ids) if len(variants) > 1 else 0
        if parent:
            self.parents[parent] = (request.seller_id, str(body.get("name")))
        now = self.now()
        for variant in variants:
            quantity = _int(variant.get("quantity"))
            if quantity is None:
                quantity = sum(_int(w.get("qty_available")) or 0 for w in variant.get("warehouse_quantities") or [])
            options = " ".join(str(variant.get(f"option{n}")) for n in (1, 2) if variant.get(f"option{n}"))
            product = Product(product_id=next(self._ids), seller_id=request.seller_id, original_sku=str(variant["sku"]),
                              name=f"{body.get('name')} {options}".strip(), price=_int(variant.get("price")) or 0,
                              quantity=quantity, super_id=parent, category_id=_int(body.get("category_id")) or 0,
                              active=0, created=now, updated=now)
            self.products[product.product_id] = product
            request.product_ids.append(product.product_id)
        request.state, request.updated = "approved", now

    def _tick(self, request: ProductRequest) -> None:
        if self.auto_approve_after is not None and request.state in PENDING_STATES \
                and self.now() - request.created >= self.auto_approve_after:
            self._approve(request)

    def _request_json(self, request: ProductRequest) -> dict:
        self._tick(request)
        out = {"track_id": request.track_id, "request_id": request.request_id, "state": request.state,
               "reason": request.reason or None, "kind": "create_product",
               "created_at": self._time(request.created), "updated_at": self._time(request.updated),
               "variants": [{"sku": v.get("sku")} for v in request.body.get("variants") or []], "products": []}
        if request.state == "approved":
            out["approved_at"] = self._time(request.updated)
            out["products"] = [self._product_json(self.products[pid]) for pid in request.product_ids if pid in self.products]
        return out

    def _owned_request(self, seller_id: str, key: str) -> ProductRequest:
        try:
            request = self._find_request(key)
        except KeyError as exc:
            raise ApiError(404, "request not found") from exc
        if request.seller_id != seller_id:
            raise ApiError(404, "request not found")
        return request

    def _trackings(self, seller_id, query, body):
        mine = sorted((r for r in self.requests.values() if r.seller_id == seller_id and self.now() - r.created < 30 * 86400),
                      key=lambda r: r.created, reverse=True)
        return self._page([self._request_json(r) for r in mine], query)

    def _tracking(self, seller_id, query, body, track_id):
        request = self._owned_request(seller_id, track_id)
        if self.now() - request.created >= 30 * 86400:
            raise ApiError(404, "track_id expired")
        return self._request_json(request)

    def _request_get(self, seller_id, query, body, request_id):
        return self._request_json(self._owned_request(seller_id, request_id))

    def _request_delete(self, seller_id, query, body, request_id):
        request = self._owned_request(seller_id, request_id)
        if request.state in PENDING_STATES:
            request.state, request.updated = "deleted", self.now()
        return {"request_id": request.request_id, "state": request.state}

    # --- products ------------------------------------------------------------------------------------
    def _product_json(self, product: Product) -> dict:
        return {"product_id": product.product_id, "id": product.product_id, "sku": str(8_900_000_000_000 + product.product_id),
                "original_sku": product.original_sku, "name": product.name, "price": product.price,
                "market_price": product.price, "active": product.active, "super_id": product.super_id,
                "type": "simple", "entity_type": "seller_simple", "is_hidden": False,
                "created_at": self._time(product.created), "updated_at": self._time(product.updated),
                "inventory": {"quantity": product.quantity}}

    def _products(self, seller_id, query, body):
        items = [p for p in self.products.values() if p.seller_id == seller_id]
        if query.get("updated_from_date"):
            since = self._parse_time(query["updated_from_date"])
            items = [p for p in items if p.updated >= since]
        if query.get("active") in ("0", "1"):
            items = [p for p in items if p.active == int(query["active"])]
        items.sort(key=lambda p: p.created, reverse=True)
        return self._page([self._product_json(p) for p in items], query)

    def _product_find(self, seller_id, query, body):
        if not query.get("original_sku"):
            raise ApiError(400, "original_sku is required")
        product = self.product_by_sku(query["original_sku"], seller_id)
        if product is None:
            raise ApiError(404, "product not found")
        return self._product_json(product)

    def _product_get(self, seller_id, query, body, product_id):
        key = _int(product_id)
        product = self.products.get(key)
        if product is not None and product.seller_id == seller_id:
            return self._product_json(product)
        if key in self.parents and self.parents[key][0] == seller_id:
            return {"product_id": key, "id": key, "type": "configurable", "super_id": 0, "name": self.parents[key][1],
                    "active": 1}
        raise ApiError(404, "product not found")

    def _update_skus(self, seller_id, query, body):
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise ApiError(400, "data is required")
        if len(items) > self.update_skus_max:
            raise ApiError(400, f"data: at most {self.update_skus_max} items per request")
        results = []
        for item in items:
            product = self.products.get(_int(item.get("product_id")))
            if product is None and item.get("original_sku"):
                product = self.product_by_sku(str(item["original_sku"]), seller_id)
            if product is None or product.seller_id != seller_id:
                results.append({"product_id": item.get("product_id"), "original_sku": item.get("original_sku"),
                                "success": False, "errors": ["product not found"]})
                continue
            price = item.get("price")
            if price is not None and (_int(price) is None or _int(price) <= 0):
                results.append({"product_id": product.product_id, "success": False, "errors": ["price should be > 0"]})
                continue
            if price is not None:
                product.price = _int(price)
            if "warehouse_quantities" in item:
                product.quantity = sum(_int(w.get("qty_available")) or 0 for w in item["warehouse_quantities"])
            elif "quantity" in item:
                product.quantity = _int(item["quantity"]) or 0
            if "status" in item:
                product.active = 1 if _int(item["status"]) == 1 else 0
            elif "active" in item:
                product.active = 1 if _int(item["active"]) == 1 else 0
            product.updated = self.now()
            results.append({"product_id": product.product_id, "original_sku": product.original_sku, "success": True})
        return {"data": results}

    # --- orders --------------------------------------------------------------------------------------
    def _order_json(self, order: Order) -> dict:
        return {"code": order.code, "status": order.status, "fulfillment_type": "dropship",
                "created_at": self._time(order.created), "updated_at": self._time(order.updated),
                "invoice": {"grand_total": sum(q * p for _i, _s, q, p, _n in order.items)},
                "items": [{"id": n, "product": {"id": pid, "seller_product_code": sku, "name": name, "price": price},
                           "invoice": {"price": price, "quantity": q, "subtotal": price * q}}
                          for n, (pid, sku, q, price, name) in enumerate(order.items, start=1)]}

    def _orders(self, seller_id, query, body):
        items = [o for o in self.orders.values() if o.seller_id == seller_id]
        if query.get("updated_from_date"):
            since = self._parse_time(query["updated_from_date"])
            items = [o for o in items if o.updated >= since]
        items.sort(key=lambda o: o.created, reverse=True)
        return self._page([self._order_json(o) for o in items], query)

    def _order_get(self, seller_id, query, body, code):
        order = self.orders.get(code)
        if order is None or order.seller_id != seller_id:
            raise ApiError(404, "order not found")
        return self._order_json(order)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
