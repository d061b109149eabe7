"""A local fake of the parts of the Stripe API that billing calls, on 127.0.0.1 (random port).

The official library is pointed at it (settings.STRIPE_API_BASE -> StripeClient base_addresses), so tests
exercise the real request encoding (form-encoded, nested ``a[b][0]=c``) and the real response parsing.
It keeps state in memory, answers with Stripe-shaped JSON, and records every request for assertions.

Also: ``/checkout/<id>`` plays Stripe's hosted Checkout page (it "pays" and redirects to the success URL),
and helpers build and sign webhook events the way Stripe does.
"""

import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_secret_for_tests_only"
API_VERSION = stripe.api_version


class StripeHTTPError(Exception):
    def __init__(self, status: int, message: str, code: str = "resource_missing", param: str = "id"):
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """``line_items[0][price]=p`` -> {"line_items": [{"price": "p"}]} (Stripe's form encoding)."""
    root: dict = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(value):
        if isinstance(value, dict):
            value = {k: listify(v) for k, v in value.items()}
            if value and all(k.isdigit() for k in value):
                return [value[k] for k in sorted(value, key=int)]
        return value

    return listify(root)


def _bool(value) -> bool:
    return value in (True, "true", "True", "1")


class FakeStripe:
    """Start with ``with FakeStripe() as fake:``; ``fake.url`` is the API base."""

    def __init__(self):
        self.lock = threading.RLock()
        self.requests: list[tuple[str, str, dict]] = []
        self.products: dict[str, dict] = {}
        self.prices: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.coupons: dict[str, dict] = {}
        self.promotion_codes: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.discounts: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self.fail_next: list[int] = []  # HTTP statuses to answer the next API calls with
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._dispatch(self, "GET")

            def do_POST(self):
                fake._dispatch(self, "POST")

            def do_DELETE(self):
                fake._dispatch(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # serve_forever polls for shutdown every poll_interval: 0.5 s by default, paid by every test that stops it
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- plumbing ---------------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def calls(self, method: str | None = None, path: str | None = None) -> list[tuple[str, str, dict]]:
        """Recorded API requests, optionally filtered (``path`` may be a prefix)."""
        return [r for r in self.requests if (method is None or r[0] == method)
                and (path is None or r[1] == path or r[1].startswith(path.rstrip("/") + "/"))]

    def _dispatch(self, handler, method: str) -> None:
        split = urlsplit(handler.path)
        path = split.path
        if method == "GET" and path.startswith(("/checkout/", "/portal/")):
            return self._hosted_page(handler, path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = decode_form(parse_qsl(split.query if method == "GET" else body, keep_blank_values=True))
        with self.lock:
            self.requests.append((method, path, params))
            try:
                if self.fail_next:
                    status = self.fail_next.pop(0)
                    raise StripeHTTPError(status, "Simulated failure", code="api_error", param="")
                if handler.headers.get("Authorization", "") != "Bearer sk_test_fake":
                    raise StripeHTTPError(401, "Invalid API Key provided", code="", param="")
                status, payload = 200, self._route(method, path, params)
            except StripeHTTPError as exc:
                kind = "api_error" if exc.status >= 500 else "invalid_request_error"
                status, payload = exc.status, {"error": {"type": kind, "code": exc.code, "message": exc.message,
                                                         "param": exc.param}}
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{next(self._ids)}")
        handler.end_headers()
        handler.wfile.write(data)

    def _hosted_page(self, handler, path: str) -> None:
        """Stripe's hosted pages: /checkout/<id> pays and redirects to the success URL; /portal/<id> is HTML."""
        kind, _, object_id = path.strip("/").partition("/")
        with self.lock:
            if kind == "checkout" and object_id in self.sessions:
                self.complete_checkout(object_id)
                session = self.sessions[object_id]
                location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", object_id)
                handler.send_response(303)
                handler.send_header("Location", location)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            if kind == "portal" and object_id in self.portal_sessions:
                data = b"<!doctype html><title>Fake Stripe portal</title><h1>Customer portal</h1>"
                handler.send_response(200)
                handler.send_header("Content-Type", "text/html")
                handler.send_header("Content-Length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data)
                return
        handler.send_response(404)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _get(self, store: dict, object_id: str, what: str) -> dict:
        if object_id not in store:
            raise StripeHTTPError(404, f"No such {what}: '{object_id}'")
        return store[object_id]

    # --- the API ----------------------------------------------------------------------------------------

    def _route(self, method: str, path: str, p: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[0] != "v1":
            raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path})")
        parts = parts[1:]
        resource, rest = parts[0], parts[1:]
        if resource == "checkout" and rest[:1] == ["sessions"]:
            resource, rest = "checkout/sessions", rest[1:]
        if resource == "billing_portal" and rest[:1] == ["sessions"]:
            resource, rest = "billing_portal/sessions", rest[1:]
        handler = getattr(self, f"_{resource.replace('/', '_')}", None)
        if handler is None:
            raise StripeHTTPError(404, f"Unrecognized request URL ({method}: {path})")
        return handler(method, rest[0] if rest else None, p)

    def _products(self, method, object_id, p):
        if method == "POST" and object_id is None:
            product_id = p.get("id") or self.new_id("prod")
            if product_id in self.products:
                raise StripeHTTPError(400, f"Product already exists with ID {product_id}",
                                      code="resource_already_exists")
            self.products[product_id] = {
                "id": product_id, "object": "product", "name": p["name"], "active": _bool(p.get("active", "true")),
                "metadata": p.get("metadata") or {}, "created": int(time.time()), "livemode": False,
            }
            return self.products[product_id]
        product = self._get(self.products, object_id, "product")
        if method == "POST":
            for key in ("name", "metadata"):
                if key in p:
                    product[key] = p[key]
            if "active" in p:
                product["active"] = _bool(p["active"])
        return product

    def _prices(self, method, object_id, p):
        if method == "GET" and object_id is None:
            data = list(self.prices.values())
            if p.get("lookup_keys"):
                data = [x for x in data if x["lookup_key"] in p["lookup_keys"]]
            return {"object": "list", "url": "/v1/prices", "has_more": False, "data": data}
        if method == "POST" and object_id is None:
            self._get(self.products, p["product"], "product")
            if p.get("lookup_key"):
                for other in self.prices.values():
                    if other["lookup_key"] == p["lookup_key"]:
                        if not _bool(p.get("transfer_lookup_key")):
                            raise StripeHTTPError(400, "A price with this lookup key already exists",
                                                  code="lookup_key_exists", param="lookup_key")
                        other["lookup_key"] = None
            price_id = self.new_id("price")
            self.prices[price_id] = {
                "id": price_id, "object": "price", "product": p["product"], "currency": p["currency"],
                "unit_amount": int(p["unit_amount"]), "active": True, "type": "recurring",
                "recurring": {"interval": p["recurring"]["interval"], "interval_count": 1, "usage_type": "licensed"},
                "lookup_key": p.get("lookup_key"), "metadata": p.get("metadata") or {}, "livemode": False,
                "created": int(time.time()),
            }
            return self.prices[price_id]
        price = self._get(self.prices, object_id, "price")
        if method == "POST" and "active" in p:
            price["active"] = _bool(p["active"])
        return price

    def _customers(self, method, object_id, p):
        if method == "POST" and object_id is None:
            customer_id = self.new_id("cus")
            self.customers[customer_id] = {
                "id": customer_id, "object": "customer", "name": p.get("name"), "email": p.get("email"),
                "metadata": p.get("metadata") or {}, "preferred_locales": p.get("preferred_locales") or [],
                "created": int(time.time()), "livemode": False,
            }
            return self.customers[customer_id]
        return self._get(self.customers, object_id, "customer")

    def _checkout_sessions(self, method, object_id, p):
        if method == "POST" and object_id is None:
            self._get(self.customers, p["customer"], "customer")
            for item in p["line_items"]:
                price = self._get(self.prices, item["price"], "price")
                if not price["active"]:
                    raise StripeHTTPError(400, "The price specified is inactive.", code="", param="line_items")
            for discount in p.get("discounts") or []:
                promo = self._get(self.promotion_codes, discount["promotion_code"], "promotion code")
                if not promo["active"]:
                    raise StripeHTTPError(400, "This promotion code is inactive.", code="", param="discounts")
            session_id = "cs_test_" + self.new_id("a")
            self.sessions[session_id] = {
                "id": session_id, "object": "checkout.session", "mode": p["mode"], "customer": p["customer"],
                "client_reference_id": p.get("client_reference_id"), "metadata": p.get("metadata") or {},
                "success_url": p["success_url"], "cancel_url": p.get("cancel_url"), "status": "open",
                "payment_status": "unpaid", "subscription": None, "url": f"{self.url}/checkout/{session_id}",
                "allow_promotion_codes": _bool(p.get("allow_promotion_codes")), "locale": p.get("locale"),
                "discounts": p.get("discounts") or [], "line_items_data": p["line_items"],
                "subscription_data": p.get("subscription_data") or {}, "currency": "vnd", "livemode": False,
                "created": int(time.time()),
            }
            return self._public_session(self.sessions[session_id])
        return self._public_session(self._get(self.sessions, object_id, "checkout session"))

    @staticmethod
    def _public_session(session: dict) -> dict:
        return {k: v for k, v in session.items() if k not in ("line_items_data", "subscription_data")}

    def _billing_portal_sessions(self, method, object_id, p):
        self._get(self.customers, p["customer"], "customer")
        session_id = self.new_id("bps")
        self.portal_sessions[session_id] = {
            "id": session_id, "object": "billing_portal.session", "customer": p["customer"],
            "return_url": p.get("return_url"), "url": f"{self.url}/portal/{session_id}", "livemode": False,
            "created": int(time.time()),
        }
        return self.portal_sessions[session_id]

    def _coupons(self, method, object_id, p):
        if method == "POST" and object_id is None:
            coupon_id = self.new_id("coupon")
            self.coupons[coupon_id] = {
                "id": coupon_id, "object": "coupon", "name": p.get("name"),
                "percent_off": float(p["percent_off"]) if p.get("percent_off") else None,
                "duration": p.get("duration", "once"),
                "duration_in_months": int(p["duration_in_months"]) if p.get("duration_in_months") else None,
                "applies_to": p.get("applies_to"), "metadata": p.get("metadata") or {}, "valid": True,
                "times_redeemed": 0, "livemode": False, "created": int(time.time()),
            }
            return self.coupons[coupon_id]
        return self._get(self.coupons, object_id, "coupon")

    def _promotion_codes(self, method, object_id, p):
        if method == "POST" and object_id is None:
            coupon_id = p["promotion"]["coupon"]
            self._get(self.coupons, coupon_id, "coupon")
            code = p.get("code") or self.new_id("CODE")
            if any(x["code"].lower() == code.lower() and x["active"] for x in self.promotion_codes.values()):
                raise StripeHTTPError(400, "An active promotion code with `code` already exists.",
                                      code="", param="code")
            promo_id = self.new_id("promo")
            self.promotion_codes[promo_id] = {
                "id": promo_id, "object": "promotion_code", "code": code, "active": True,
                "promotion": {"type": "coupon", "coupon": coupon_id},
                "max_redemptions": int(p["max_redemptions"]) if p.get("max_redemptions") else None,
                "expires_at": int(p["expires_at"]) if p.get("expires_at") else None, "times_redeemed": 0,
                "metadata": p.get("metadata") or {}, "livemode": False, "created": int(time.time()),
            }
            return self.promotion_codes[promo_id]
        promo = self._get(self.promotion_codes, object_id, "promotion code")
        if method == "POST" and "active" in p:
            promo["active"] = _bool(p["active"])
        return promo

    def _subscriptions(self, method, object_id, p):
        subscription = self._get(self.subscriptions, object_id, "subscription")
        result = json.loads(json.dumps(subscription))
        if "discounts" in (p.get("expand") or []):
            result["discounts"] = [self.discounts[d] for d in subscription["discounts"]]
        return result

    # --- what Stripe does on its side -------------------------------------------------------------------

    def complete_checkout(self, session_id: str, *, status: str = "active") -> dict:
        """The customer pays on the hosted page: a subscription is created and the session completes."""
        with self.lock:
            session = self.sessions[session_id]
            if session["subscription"]:
                return self.subscriptions[session["subscription"]]
            now = int(time.time())
            sub_id = self.new_id("sub")
            price = self.prices[session["line_items_data"][0]["price"]]
            discount_ids = []
            for entry in session["discounts"]:
                promo = self.promotion_codes[entry["promotion_code"]]
                promo["times_redeemed"] += 1
                discount_id = self.new_id("di")
                self.discounts[discount_id] = {
                    "id": discount_id, "object": "discount", "promotion_code": promo["id"],
                    "source": {"type": "coupon", "coupon": promo["promotion"]["coupon"]},
                    "subscription": sub_id, "customer": session["customer"], "start": now, "end": None,
                }
                discount_ids.append(discount_id)
            period = 365 * 86400 if price["recurring"]["interval"] == "year" else 30 * 86400
            self.subscriptions[sub_id] = {
                "id": sub_id, "object": "subscription", "customer": session["customer"], "status": status,
                "created": now, "start_date": now, "cancel_at_period_end": False, "canceled_at": None,
                "currency": "vnd", "livemode": False, "discounts": discount_ids,
                "metadata": session["subscription_data"].get("metadata") or {},
                "items": {"object": "list", "has_more": False, "data": [{
                    "id": self.new_id("si"), "object": "subscription_item", "price": price, "quantity": 1,
                    "current_period_start": now, "current_period_end": now + period,
                }]},
            }
            session.update(status="complete", payment_status="paid", subscription=sub_id)
            return self.subscriptions[sub_id]

    def update_subscription(self, sub_id: str, **changes) -> dict:
        with self.lock:
            self.subscriptions[sub_id].update(changes)
            return self.subscriptions[sub_id]

    def invoice(self, sub_id: str, *, paid: bool) -> dict:
        sub = self.subscriptions[sub_id]
        return {
            "id": self.new_id("in"), "object": "invoice", "customer": sub["customer"], "currency": "vnd",
            "status": "paid" if paid else "open", "amount_due": sub["items"]["data"][0]["price"]["unit_amount"],
            "amount_paid": sub["items"]["data"][0]["price"]["unit_amount"] if paid else 0,
            "parent": {"type": "subscription_details", "quote_details": None,
                       "subscription_details": {"subscription": sub_id, "metadata": sub["metadata"]}},
            "livemode": False, "created": int(time.time()),
        }

    def event(self, event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
        """A Stripe event envelope around a snapshot of ``obj``."""
        return {
            "id": event_id or self.new_id("evt"), "object": "event", "api_version": API_VERSION,
            "created": created or int(time.time()), "type": event_type, "livemode": False,
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "data": {"object": json.loads(json.dumps(obj))},
        }


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for ``payload``, made by the library's own helper."""
    ts = int(time.time()) if timestamp is None else timestamp
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=ts)


def post_event(client, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
               url: str = "/billing/webhook/"):
    """Deliver ``event`` to our webhook with the Django test client, signed like Stripe does."""
    payload = json.dumps(event)
    return client.post(url, data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=sign(payload, secret=secret, timestamp=timestamp))


@pytest.fixture
def fake_stripe():
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def stripe_on(settings, fake_stripe):
    """Payments configured, every Stripe call going to the local fake."""
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return fake_stripe
