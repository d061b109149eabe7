"""The sandbox Lazada's order API and buyer actions, with the push each order change sends."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence

from marketplace_connectors.base import OrderStatus

from ..buyer_orders import Sellable
from .state import (
    OCCUPIED_STATUSES,
    ORDER_STATUSES,
    STOCK_RELEASED,
    VN_OFFSET,
    WITHHELD_STATUSES,
    ApiError,
    Order,
    OrderItem,
    _int,
    _lazada_word,
    _ms,
    _parse_iso,
)


class LazadaOrders:
    """The order API and the buyer's side: orders placed and moved on, the stock they take and give back,
    and the signed push sent on every change."""

    def create_order(self, *, shop_id: str | None = None, items: Sequence[tuple[str, int]],
                     status: OrderStatus | str = OrderStatus.PENDING) -> str:
        """A buyer's order of ``(seller_sku, quantity)`` on seller ``shop_id``: stock goes down by the
        quantity (ValueError when a SKU is unknown or short, and nothing changes); one order item per unit,
        as Lazada lists them. Returns the order id."""
        seller_id = shop_id or next(iter(self.sellers))
        word = _lazada_word(status)
        with self.lock:
            picked = []
            for seller_sku, quantity in items:
                try:
                    product, sku = self._find_sku(seller_id, seller_sku=seller_sku)
                except KeyError:
                    raise ValueError(f"no SKU {seller_sku} on seller {seller_id}") from None
                if quantity < 1 or sku.quantity < quantity:
                    raise ValueError(f"only {sku.quantity} of {seller_sku} in stock")
                picked.append((product, sku, quantity))
            now = dt.datetime.fromtimestamp(self.now(), VN_OFFSET).replace(microsecond=0)
            order = Order(order_id=next(self._order_ids), seller_id=seller_id, created=now, updated=now)
            for product, sku, quantity in picked:
                sku.quantity -= quantity
                _hold(sku, word, quantity)
                for _ in range(quantity):
                    order.items.append(OrderItem(order_item_id=next(self._order_item_ids), sku=sku.seller_sku,
                                                 sku_id=sku.sku_id, item_id=product.item_id,
                                                 name=str(product.attributes.get("name")), price=sku.price, status=word))
            self.orders[order.order_id] = order
            self._push_order(order, word)
            return str(order.order_id)

    # the test-order page (marketplace_sandbox.buyer_orders): a signed push tells the platform
    display_name, brand_color, buyer_notice = "Lazada", "#0f146d", "push"

    def buyer_shops(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(sid, seller.name) for sid, seller in self.sellers.items()]

    def buyer_sellables(self, *, shop_id: str) -> list[Sellable]:
        """Active SKUs of the seller's active products."""
        with self.lock:
            return [Sellable(sku=sku.seller_sku, name=str(product.attributes.get("name", "")), price=int(sku.price),
                             stock=sku.quantity)
                    for product in self.products.values() if product.seller_id == shop_id and product.status == "Active"
                    for sku in product.live_skus() if sku.status == "active"]

    def set_order_status(self, *, order_id: str | int, status: OrderStatus | str,
                         order_item_ids: Sequence[int] | None = None, seconds_later: float = 1.0) -> None:
        """Move the order's items (only ``order_item_ids`` when given: Lazada cancels single items) to
        ``status``, ours (OrderStatus) or a Lazada word such as "packed". An item entering canceled,
        returned or failed puts its unit back in stock."""
        word = _lazada_word(status)
        with self.lock:
            order = self.orders[int(order_id)]
            chosen = [i for i in order.items if order_item_ids is None or i.order_item_id in set(order_item_ids)]
            if not chosen:
                raise ValueError(f"order {order_id} has none of the items {order_item_ids}")
            for item in chosen:
                if item.status in STOCK_RELEASED and word not in STOCK_RELEASED:
                    raise ValueError(f"order item {item.order_item_id} is {item.status}: it cannot move on")
            for item in chosen:
                try:
                    _product, sku = self._find_sku(order.seller_id, sku_id=item.sku_id)
                except KeyError:
                    sku = None  # the listing is gone: nothing to put back
                if sku is not None:
                    _hold(sku, item.status, -1)
                    _hold(sku, word, 1)
                    if word in STOCK_RELEASED and item.status not in STOCK_RELEASED:
                        sku.quantity += 1
                item.status = word
            later = order.updated + dt.timedelta(seconds=seconds_later)
            order.updated = max(later, dt.datetime.fromtimestamp(self.now(), VN_OFFSET).replace(microsecond=0))
            self._push_order(order, word, line=chosen[0])

    def stock_of(self, *, shop_id: str | None = None, sku: str) -> int | None:
        with self.lock:
            try:
                _product, found = self._find_sku(shop_id or next(iter(self.sellers)), seller_sku=sku)
            except KeyError:
                return None
            return found.quantity

    def push_signature(self, body: bytes) -> str:
        """docs/marketplaces/lazada.md, Push notifications (G-push): hex(HMAC-SHA256(app_secret, app_key + raw body))."""
        return hmac.new(self.app_secret.encode(), self.app_key.encode() + body, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        return {"Authorization": self.push_signature(body)}

    def _push_order(self, order: Order, word: str, *, line: OrderItem | None = None) -> None:
        if not self.push_url or not self.push_url.startswith(("http://", "https://")):
            return
        line = line or order.items[0]
        self.push(json.dumps({
            "seller_id": order.seller_id, "message_type": 0,
            "data": {"order_status": word, "trade_order_id": str(order.order_id),
                     "trade_order_line_id": str(line.order_item_id), "status_update_time": int(order.updated.timestamp())},
            "timestamp": _ms(self.now()), "site": "lazada_vn"}, separators=(",", ":")).encode())

    def _order_json(self, order: Order) -> dict:
        return {"order_id": order.order_id, "order_number": order.order_id,
                "created_at": order.created.isoformat(), "updated_at": order.updated.isoformat(),
                "price": f"{sum(i.price for i in order.items):.2f}", "items_count": len(order.items),
                "statuses": sorted({i.status for i in order.items}), "payment_method": "COD"}

    def _api_orders_get(self, seller_id, params, files) -> dict:
        after, created_after = params.get("update_after"), params.get("created_after")
        if not after and not created_after:
            raise ApiError("1", "E001: Parameter update_after or created_after is mandatory")
        after_t = _parse_iso(after) if after else None
        created_t = _parse_iso(created_after) if created_after else None
        if (after and after_t is None) or (created_after and created_t is None):
            raise ApiError("17", "E017: Invalid Date Format")
        limit = _int(params.get("limit", "10"))
        if limit is None or not 1 <= limit <= 100:
            raise ApiError("19", "E019: Invalid Limit")
        offset = _int(params.get("offset", "0"))
        if offset is None or offset < 0:
            raise ApiError("14", "E014: Invalid Offset")
        status = params.get("status", "")
        if status and status not in ORDER_STATUSES:
            raise ApiError("36", "E036: Invalid status filter")
        sort_by = params.get("sort_by", "created_at")
        if sort_by not in ("created_at", "updated_at"):
            raise ApiError("75", "E075: Invalid sort filter.")
        direction = params.get("sort_direction", "DESC")
        if direction not in ("ASC", "DESC"):
            raise ApiError("74", "E074: Invalid sort direction.")
        found = [o for o in self.orders.values() if o.seller_id == seller_id
                 and (after_t is None or o.updated.timestamp() >= after_t)
                 and (created_t is None or o.created.timestamp() >= created_t)
                 and (not status or status in {i.status for i in o.items})]
        found.sort(key=lambda o: (getattr(o, "updated" if sort_by == "updated_at" else "created"), o.order_id),
                   reverse=direction == "DESC")
        page = found[offset:offset + limit]
        return {"count": len(page), "countTotal": len(found), "orders": [self._order_json(o) for o in page]}

    def _api_order_get(self, seller_id, params, files) -> dict:
        order = self.orders.get(_int(params.get("order_id")) or -1)
        if order is None or order.seller_id != seller_id:
            raise ApiError("16", "E016: Invalid Order ID")
        return self._order_json(order)

    def _api_order_items_get(self, seller_id, params, files) -> list:
        order = self.orders.get(_int(params.get("order_id")) or -1)
        if order is None or order.seller_id != seller_id:
            raise ApiError("16", "E016: Invalid Order ID")
        stamp = order.updated.strftime("%Y-%m-%d %H:%M:%S %z")
        return [{"order_item_id": i.order_item_id, "order_id": order.order_id, "sku": i.sku, "sku_id": i.sku_id,
                 "product_id": i.item_id, "name": i.name, "item_price": f"{i.price:.2f}", "paid_price": f"{i.price:.2f}",
                 "status": i.status, "currency": "VND", "shop_id": self.sellers[seller_id].name,
                 "created_at": order.created.strftime("%Y-%m-%d %H:%M:%S %z"), "updated_at": stamp}
                for i in order.items]


def _hold(sku, status: str, units: int) -> None:
    """Where a unit of an order item in ``status`` sits (G-invcalc): withheld while unpaid, occupied once
    paid until it leaves the warehouse; ``units`` negative takes it out again."""
    if status in WITHHELD_STATUSES:
        sku.withhold = max(0, sku.withhold + units)
    elif status in OCCUPIED_STATUSES:
        sku.occupy = max(0, sku.occupy + units)
