"""A local WooCommerce shop (WordPress + WooCommerce REST API v3), written from docs/marketplaces/woocommerce.md, the
woocommerce-rest-api-docs and WooCommerce core's behaviour, on marketplace_sandbox.base.SimulatorServer.

What it enforces, as a real shop does:
- authentication: HTTP Basic with a WooCommerce consumer key/secret (``/wc/`` routes only; a read-only key
  cannot write) or a WordPress user with an Application Password (every route). Failures answer 401 in
  WordPress's envelope ``{code, message, data: {status}}``: ``woocommerce_rest_authentication_error`` for a
  wrong key, ``woocommerce_rest_cannot_view``/``_create``/``_edit``/``_delete`` without credentials,
  WordPress's own refusal when consumer keys try the media library (WooCommerce authenticates its keys on
  ``wc/`` routes only): ``invalid_username`` while the site has Application Passwords in use, else
  ``rest_cannot_create`` (docs/marketplaces/woocommerce.md M1); a WordPress user's wrong Application Password
  on any route, the media library included: ``incorrect_password`` (M6). (A real shop takes Basic only over
  HTTPS; the simulator, on loopback, plays a shop behind a TLS proxy unless ``https=False``, where Basic
  credentials are ignored as on a plain-HTTP shop.)
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
change is also delivered there, signed with ``push_secret(shop_url)``). Nothing here imports the connector."""

from __future__ import annotations

import base64
import hmac
import math
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from marketplace_sandbox.base import SimulatorServer
from marketplace_sandbox.exchange import Request, Response

from .orders import WooOrders
from .products import WooProducts
from .state import (
    DEFAULT_CATEGORIES,
    LEAF_CATEGORY_ID,
    PER_PAGE_MAX,
    SANDBOX_APP_PASSWORD,
    SANDBOX_CONSUMER_KEY,
    SANDBOX_CONSUMER_SECRET,
    SANDBOX_USERNAME,
    WpError,
    parse_gmt,
)


def app_password_plain(password: str) -> str:
    return re.sub(r"[^a-z\d]", "", password, flags=re.IGNORECASE)


class WooCommerceSimulator(WooOrders, WooProducts, SimulatorServer):
    """One WooCommerce shop. ``url`` is the shop's address (give it to connect_with_keys). Thread-safe."""
    name = "woocommerce"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, shop_name: str = "Đặc sản Sen Hồng Đồng Tháp",
                 currency: str = "VND", consumer_keys: dict[str, tuple[str, str]] | None = None,
                 app_passwords: dict[str, str] | None = None, media_accepts_consumer_keys: bool = False,
                 push_secret: Callable[[str], str] | str | None = None, rate_limit_per_second: float | None = None,
                 push_url: str | None = None, push_retry_delays: Sequence[float] = (0.2, 0.5, 1.0),
                 https: bool = True) -> None:
        super().__init__(host=host, port=port, push_url=push_url, push_retry_delays=push_retry_delays)
        #: True: the simulator plays a shop behind a TLS proxy (is_ssl()), where HTTP Basic authenticates.
        #: False: a shop served over plain HTTP – WooCommerce reads keys only through OAuth 1.0a there and
        #: WordPress offers Application Passwords only over SSL, so Basic credentials are ignored and the request
        #: is unauthenticated (S-auth; docs/marketplaces/woocommerce.md finding 5, case K5)
        self.https = https
        self.shop_name = shop_name
        self.currency = currency
        self.weight_unit, self.dimension_unit = "kg", "cm"
        #: consumer key -> (secret, permission "read" | "write" | "read_write")
        self.consumer_keys = dict(consumer_keys or {SANDBOX_CONSUMER_KEY: (SANDBOX_CONSUMER_SECRET, "read_write")})
        #: WordPress user -> Application Password; empty: no user of the site has one (Application Passwords
        #: are not "in use", so WordPress never reads Basic credentials as a user name and password)
        self.app_passwords = dict({SANDBOX_USERNAME: SANDBOX_APP_PASSWORD} if app_passwords is None else app_passwords)
        self.media_accepts_consumer_keys = media_accepts_consumer_keys
        #: WordPress users whose role lacks the upload_files capability (a Contributor, a Subscriber)
        self.users_without_upload: set[str] = set()
        #: False: a site whose trash is off (EMPTY_TRASH_DAYS 0): deleting without force answers 501
        self.trash_supported = True
        self.push_secret = push_secret
        self.rate_limit_per_second = rate_limit_per_second
        self.categories = [dict(c) for c in DEFAULT_CATEGORIES]
        self.leaf_category_id = LEAF_CATEGORY_ID
        self.products: dict[int, dict] = {}
        self.variations: dict[int, dict] = {}
        self.media: dict[int, dict] = {}
        self.orders: dict[int, dict] = {}
        self.webhooks: dict[int, dict] = {}
        self.pings: list[tuple[str, int]] = []  # (delivery URL, answer status) of each webhook's creation ping
        self._next_id = 100  # posts share one id sequence, as in wp_posts
        self.batch_sizes: list[int] = []  # objects per batch request, for tests

    @property
    def home_url(self) -> str:
        return self.url + "/"

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

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
        header = request.header("Authorization") if self.https else ""
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
            # U-apppw wp_authenticate_application_password: everything but letters and digits is dropped from the
            # password (spaces group it for reading); no Application Password of the user matches -> 401
            # incorrect_password, on every route (rest_application_password_check_errors), the media library too
            if not hmac.compare_digest(app_password_plain(self.app_passwords[user]), app_password_plain(password)):
                raise WpError("incorrect_password", "The provided password is an invalid application password.", 401)
            if not wc_route and user in self.users_without_upload:
                # WordPress's attachments controller: a user without the upload_files capability (S-media)
                raise WpError("rest_cannot_create", "Sorry, you are not allowed to upload media on this site.", 400)
            return
        if not wc_route and not self.media_accepts_consumer_keys:
            # WooCommerce authenticates its keys on wc/ routes only (S-auth is_request_to_rest_api), so WordPress
            # answers. With Application Passwords in use on the site (WP_Application_Passwords::is_in_use), its
            # check reads the Basic user name, a consumer key, as a user name: no such user, 401 (U-apppw);
            # otherwise the request is unauthenticated and the attachments controller refuses it (S-media).
            if self.app_passwords:
                raise WpError("invalid_username",
                              "<strong>Error</strong>: Unknown username. Check again or try your email address.", 401)
            raise WpError("rest_cannot_create", "Sorry, you are not allowed to create posts as this user.", 401)
        if user not in self.consumer_keys:
            # S-auth perform_basic_authentication: an unknown key is no error of its own; the request goes on
            # unauthenticated and the endpoint refuses it ("Consumer key is invalid." belongs to OAuth 1.0a)
            raise WpError(f"woocommerce_rest_cannot_{action}", "Sorry, you cannot list resources.", 401)
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
                if method in ("PUT", "POST", "PATCH") and int(parts[1]) not in self.products:
                    # S-crud update_item: a missing id is 400 (GET and DELETE answer 404)
                    raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
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
                    created = self._webhook_save(None, self._json(request))
            if len(parts) == 2 and parts[0] == "webhooks" and parts[1].isdigit() and method in ("PUT", "POST"):
                if int(parts[1]) not in self.webhooks:  # S-webhooks-api update_item: 400 "ID is invalid."
                    raise WpError("woocommerce_rest_webhook_invalid_id", "ID is invalid.", 400)
                return Response.json(self._webhook_save(int(parts[1]), self._json(request)))
        if parts == ["webhooks"] and method == "POST":
            self._webhook_ping(created)  # S-webhooks-api create_item: the ping goes out before the answer
            return Response.json(created, status=201)
        raise WpError("rest_no_route", "No route was found matching the URL and request method.", 404)

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
        # S-crud get_items: a page past the last is an empty list with the headers, no error
        # (woocommerce_rest_invalid_page_number is not WooCommerce's)
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        links = []
        base = {k: v[0] for k, v in request.query.items() if k != "page"}
        if page < pages:
            links.append(f'<{self.url}{request.path}?{urlencode({**base, "page": page + 1})}>; rel="next"')
        if page > 1:  # S-crud: past the end, "prev" points at the last page
            previous = min(page - 1, pages) if pages else 1
            links.append(f'<{self.url}{request.path}?{urlencode({**base, "page": previous})}>; rel="prev"')
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
