"""A local Tiki Open API, written from Tiki's documentation (open.tiki.vn) as recorded in docs/marketplaces/tiki.md.

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
records echoing the request's ``variants``, the per-item answer of updateSkus."""

from __future__ import annotations

import copy
import datetime as dt
import itertools

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response

from .auth import TikiAuth
from .orders import TikiOrders
from .products import TikiProducts
from .state import (
    DEFAULT_ATTRIBUTES,
    DEFAULT_CATEGORIES,
    DEFAULT_DOCUMENTS,
    PAUSED_MESSAGE,
    RATE_LIMIT_MESSAGE,
    SANDBOX_CATEGORY,
    TIME_FORMAT,
    VN,
    ApiError,
    Order,
    Product,
    ProductRequest,
)


class TikiSimulator(TikiProducts, TikiOrders, TikiAuth, SimulatorServer):
    """Start with ``.start()``; API at ``.url``, consent page at ``.url + "/sc/oauth2/auth"``."""
    def __init__(self, *, client_id: str = "7590139168389961", client_secret: str = "test_secret",  # noqa: S107
                 host: str = "127.0.0.1", port: int = 0, sellers: dict[str, str] | None = None,
                 auto_approve_after: float | None = None, rate_limit_per_second: float = 200.0,
                 update_skus_max: int = 50, access_lifetime: int = 3600, require_redirect_uri: bool = True,
                 warehouses: tuple[int, ...] = (1034,), returns_warehouse: int | None = 1015,
                 registered_redirect_uris: tuple[str, ...] = ()) -> None:
        super().__init__(host=host, port=port)
        self.client_id, self.client_secret = str(client_id), client_secret
        self.auto_approve_after = auto_approve_after
        self.rate_limit_per_second = rate_limit_per_second
        self.update_skus_max = update_skus_max
        self.access_lifetime = access_lifetime
        self.require_redirect_uri = require_redirect_uri
        #: the app's callbacks registered in the OpenAPI console (empty: any, for tests that do not care)
        self.registered_redirect_uris = tuple(registered_redirect_uris)
        #: the seller's selling (``requisition``) warehouses, the first primary, and the one receiving returns
        #: (``withdrawal``, listed first by Get seller warehouses: docs/marketplaces/tiki.md B8)
        self.warehouses = warehouses
        self.returns_warehouse = returns_warehouse
        #: sellers who paused the connection in Seller Center, and the integration_status Tiki then answers
        self.paused_sellers: set[str] = set()
        self.paused_status = "paused"
        #: sellers Tiki has set inactive
        self.inactive_sellers: set[str] = set()
        #: sellers whose Seller Center does not allow product updates through the API (can_update_product 0)
        self.api_updates_off: set[str] = set()
        #: the next this many order listings answer an empty ``data`` with the right ``paging`` (Tiki has
        #: answered empty lists on occasion, U-131; tiki.md finding 12)
        self.empty_order_pages = 0
        #: ``active`` of a product when its request is approved: 0 as G-create says (approved products start
        #: inactive); 1 plays G-requests' example answer (docs/marketplaces/tiki.md finding 14)
        self.approved_active = 0
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
            if not location:
                return Response(status=400, body=b"redirect_uri is not registered for this client",
                                content_type="text/plain; charset=utf-8")
            return Response(status=302, headers={"Location": location}, content_type="text/plain")
        if path == "/sc/oauth2/token":
            status, payload = self._token(method, headers, request.body)
            return Response.json(payload, status=status, code=str(payload.get("error") or ""))
        try:
            seller_id, scope = self._authenticate(headers)
            if seller_id in self.inactive_sellers:  # R-errors' second 403 (tiki.md B3; wording past "NOT active" U)
                raise ApiError(403, "The seller is NOT active. Please contact the seller and Tiki")
            if (seller_id in self.api_updates_off and method in ("POST", "PUT", "DELETE")
                    and path.startswith(("/integration/v2/products", "/integration/v2.1/products",
                                         "/integration/v2.1/requests", "/integration/v2/requests"))):
                # R-seller: can_update_product 0, the seller "cannot update products via API" (the answer's
                # status and wording are not published, U: a 403 here)
                raise ApiError(403, "The seller can NOT update products via API")
            if seller_id in self.paused_sellers:  # R-sc: HTTP 200, a message and no data; nothing changes
                return Response.json({"msg": PAUSED_MESSAGE, "integration_status": self.paused_status})
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

    def pause_integration(self, seller_id: str | None = None) -> None:
        """Test hook: the seller pauses the connection in Seller Center (docs/marketplaces/tiki.md B6)."""
        with self.lock:
            self.paused_sellers.add(str(seller_id or next(iter(self.sellers))))

    def resume_integration(self, seller_id: str | None = None) -> None:
        with self.lock:
            self.paused_sellers.discard(str(seller_id or next(iter(self.sellers))))

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
