"""The sandbox WooCommerce shop's orders and webhooks, and buyer actions."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from marketplace_connectors.base import OrderStatus
from marketplace_sandbox.exchange import Delivery, Request

from ..buyer_orders import Sellable
from .state import (
    MAX_DELIVERY_FAILURES,
    RELEASES_STOCK,
    WC_STATUS,
    WpError,
    gmt,
    wc_signature,
)


class WooOrders:
    """Orders: the REST routes, the buyer's side (orders placed and moved on, the stock they take and give
    back), webhooks registered by the shop's owner and the deliveries they make."""

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

    # the test-order page (marketplace_sandbox.buyer_orders): the shop's order webhooks tell the platform
    display_name, brand_color, buyer_notice = "WooCommerce", "#720eec", "push"

    def buyer_shops(self) -> list[tuple[str, str]]:
        """One simulator is one web shop; its id is its address (as the platform knows it)."""
        return [(self.url, self.shop_name)]

    def buyer_sellables(self, *, shop_id: str = "") -> list[Sellable]:
        """Published simple products and the variations of published variable products, with a SKU."""
        with self.lock:
            found = []
            for product in self.products.values():
                if product["status"] != "publish":
                    continue
                if product["type"] == "variable":
                    for variation in self.variations.values():
                        if variation["parent_id"] == product["id"] and variation.get("sku"):
                            found.append(Sellable(sku=variation["sku"], name=self._line_name(variation),
                                                  price=int(variation.get("regular_price") or 0),
                                                  stock=int(variation.get("stock_quantity") or 0)))
                elif product.get("sku"):
                    found.append(Sellable(sku=product["sku"], name=product["name"],
                                          price=int(product.get("regular_price") or 0),
                                          stock=int(product.get("stock_quantity") or 0)))
            return found

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
            # SimulatorServer.push() only sends to push_url; a webhook's own delivery URL is queued directly
            self._schedule(delivery, 0.0)

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

    def _webhook_ping(self, webhook: dict) -> None:
        """S-webhook ``deliver_ping``: a form body ``webhook_id=<id>``, no ``X-WC-*`` headers, no signature, to
        the delivery URL; its answer changes nothing (a failed ping does not fail the creation). Recorded in
        ``pings`` as (URL, status)."""
        request = urllib.request.Request(  # noqa: S310 - the delivery URL was checked to be http(s)
            webhook["delivery_url"], data=f"webhook_id={webhook['id']}".encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)"})
        try:
            with urllib.request.urlopen(request, timeout=self.push_timeout) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception:  # noqa: BLE001 - any failure to reach it is a failed ping, which fails nothing
            status = 0
        with self.lock:
            self.pings.append((webhook["delivery_url"], status))

    def _send(self, delivery) -> tuple[int, bytes]:
        """One delivery, and S-webhook's ``log_delivery``: 200-302 resets the webhook's failure count; any other
        answer counts a failure, and one more failure once the count is above 5
        (``woocommerce_max_webhook_delivery_failures``) sets the webhook ``disabled``: the seventh in a row."""
        status, body = super()._send(delivery)
        webhook_id = int(delivery.headers.get("X-WC-Webhook-ID") or 0)
        with self.lock:
            webhook = self.webhooks.get(webhook_id)
            if webhook is not None:
                if 200 <= status < 303:
                    webhook["failure_count"] = 0
                elif webhook.get("failure_count", 0) > MAX_DELIVERY_FAILURES:
                    webhook["status"] = "disabled"
                else:
                    webhook["failure_count"] = webhook.get("failure_count", 0) + 1
        return status, body

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
        return {k: v for k, v in webhook.items() if k not in ("secret", "failure_count")}
