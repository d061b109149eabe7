"""The sandbox TikTok Shop's order API and buyer actions, with the webhook each order change sends."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace_connectors.base import OrderStatus

from ..buyer_orders import Sellable
from .state import MAX_ORDER_IDS, ApiError, Order, Product, Sku


class TikTokOrders:
    """The order API and the buyer's side: orders placed and moved on, the stock they take and give back,
    and the webhook sent on every change."""

    def create_order(self, *, shop_id: str, items: Sequence[tuple[str, int]], status: str = "AWAITING_SHIPMENT") -> str:
        """A buyer's paid order of ``(seller SKU, quantity)``; stock goes down (default warehouse); one line
        item per unit, as TikTok lists them. Sends a type-1 webhook."""
        with self.lock:
            shop = self.shop(shop_id or None)
            now = int(self.now())
            order = Order(order_id=str(next(self._order_ids)), shop_id=shop.shop_id, status=status, create_time=now,
                          update_time=now, line_items=[])
            for seller_sku, quantity in items:
                product, sku = self._find_sku(shop.shop_id, seller_sku)
                if product.status != "ACTIVATE":  # a deactivated (or unaudited) product cannot be bought
                    raise ValueError(f"{seller_sku} is not on sale ({product.status})")
                warehouse = next(iter(sku.inventory))
                if sku.inventory[warehouse] < quantity:
                    raise ValueError(f"only {sku.inventory[warehouse]} of {seller_sku} in stock")
                sku.inventory[warehouse] -= quantity
                for _ in range(quantity):
                    order.line_items.append({
                        "id": str(next(self._order_ids)), "sku_id": sku.sku_id, "seller_sku": sku.seller_sku,
                        "product_id": product.product_id, "product_name": product.body.get("title", ""),
                        "sale_price": str(sku.price), "original_price": str(sku.price), "currency": "VND",
                        "display_status": status})
            self.orders[order.order_id] = order
            self._order_webhook(order)
            return order.order_id

    # the test-order page (marketplace_sandbox.buyer_orders): a type-1 webhook tells the platform
    display_name, brand_color, buyer_notice = "TikTok Shop", "#111111", "push"

    def buyer_shops(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(s.shop_id, s.name) for s in self.shops.values()]

    def buyer_sellables(self, *, shop_id: str) -> list[Sellable]:
        """SKUs of the shop's live (ACTIVATE) products: a buyer cannot order anything else."""
        with self.lock:
            return [Sellable(sku=sku.seller_sku, name=product.body.get("title", ""), price=sku.price,
                             stock=sum(sku.inventory.values()))
                    for product in self.products.values() if product.shop_id == shop_id and product.status == "ACTIVATE"
                    for sku in product.skus]

    def set_order_status(self, *, order_id: str, status: OrderStatus | str) -> None:
        """Move an order on. Our statuses map to TikTok's; RETURNED becomes CANCELLED (TikTok models returns as
        reverse orders, which this simulator does not serve; neither holds stock). Cancelling puts stock back."""
        words = {OrderStatus.UNPAID: "UNPAID", OrderStatus.PENDING: "ON_HOLD",
                 OrderStatus.READY_TO_SHIP: "AWAITING_COLLECTION", OrderStatus.SHIPPED: "IN_TRANSIT",
                 OrderStatus.DELIVERED: "DELIVERED", OrderStatus.CANCELLED: "CANCELLED",
                 OrderStatus.RETURNED: "CANCELLED"}
        word = words[OrderStatus(status)] if status in set(OrderStatus) else str(status)
        with self.lock:
            order = self.orders[str(order_id)]
            if word == "CANCELLED" and order.status != "CANCELLED":
                for item in order.line_items:
                    _product, sku = self._find_sku(order.shop_id, item["seller_sku"])
                    sku.inventory[next(iter(sku.inventory))] += 1
            order.status = word
            for item in order.line_items:
                item["display_status"] = word
            order.update_time = max(int(self.now()), order.update_time + 1)
            self._order_webhook(order)

    def deauthorize(self, shop_id: str | None = None) -> None:
        """Test hook: the seller removes the app (G-wh6): its tokens stop working and a type-6 webhook goes out."""
        with self.lock:
            shop = self.shop(shop_id or None)
            for token, (owner, _expires) in list(self.access_tokens.items()):
                if owner == shop.shop_id:
                    del self.access_tokens[token]
            self.push({"type": 6, "tts_notification_id": str(next(self._ids)), "shop_id": shop.shop_id,
                       "timestamp": int(self.now()), "data": {"message": "The seller deauthorized the app."}})

    def warn_authorization_expiry(self, shop_id: str | None = None, *, days: int = 30) -> None:
        """Test hook: the seller's authorisation ends in ``days`` days (G-wh7: the first notice comes 30 days
        before, then one a day at 0:00 until the seller authorises again). The tokens keep working; a type-7
        webhook goes out with ``data.expiration_time`` as a string of Unix seconds, as G-wh7's sample."""
        with self.lock:
            shop = self.shop(shop_id or None)
            now = int(self.now())
            self.push({"type": 7, "tts_notification_id": str(next(self._ids)), "shop_id": shop.shop_id,
                       "timestamp": now,
                       "data": {"message": f"Authorization of shop_id {shop.shop_id} is expiring in {days} days. "
                                           "Please direct the merchant to re-authorize.",
                                "expiration_time": str(now + days * 86_400)}})

    def stock_of(self, *, shop_id: str, sku: str) -> int | None:
        with self.lock:
            try:
                _product, found = self._find_sku(self.shop(shop_id or None).shop_id, sku)
            except KeyError:
                return None
            return sum(found.inventory.values())

    def _find_sku(self, shop_id: str, seller_sku: str) -> tuple[Product, Sku]:
        for product in self.products.values():
            if product.shop_id == shop_id and product.status != "DELETED":
                for sku in product.skus:
                    if sku.seller_sku == seller_sku:
                        return product, sku
        raise KeyError(seller_sku)

    def _order_webhook(self, order: Order) -> None:
        self.push({"type": 1, "tts_notification_id": str(next(self._ids)), "shop_id": order.shop_id,
                   "timestamp": int(self.now()),
                   # G-wh1: the webhook says CANCEL where Get Order List says CANCELLED
                   "data": {"order_id": order.order_id,
                            "order_status": "CANCEL" if order.status == "CANCELLED" else order.status,
                            "is_on_hold_order": False,
                            "update_time": order.update_time}})

    def _order_json(self, order: Order) -> dict:
        total = sum(int(i["sale_price"]) for i in order.line_items)
        return {"id": order.order_id, "status": order.status, "create_time": order.create_time,
                "update_time": order.update_time, "line_items": [dict(i) for i in order.line_items],
                "payment": {"currency": "VND", "total_amount": str(total), "sub_total": str(total)}}

    def _api_order_search(self, request, shop, ident, body) -> dict:
        try:
            page_size = int(request.param("page_size") or 0)
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= 100:
            raise ApiError(12052910, "Invalid input parameters: page_size must be 1 to 100")
        field_name = request.param("sort_field") or "create_time"
        if field_name not in ("create_time", "update_time"):
            raise ApiError(12052910, "Invalid input parameters: sort_field")
        offset = int(request.param("page_token")) if request.param("page_token").isdigit() else 0
        bounds = {k: int(body[k]) for k in ("update_time_ge", "update_time_lt", "create_time_ge", "create_time_lt")
                  if body.get(k) is not None}
        found = [o for o in self.orders.values() if o.shop_id == shop.shop_id
                 and o.update_time >= bounds.get("update_time_ge", 0)
                 and o.update_time < bounds.get("update_time_lt", 1 << 62)
                 and o.create_time >= bounds.get("create_time_ge", 0)
                 and o.create_time < bounds.get("create_time_lt", 1 << 62)
                 and (not body.get("order_status") or o.status == body["order_status"])]
        found.sort(key=lambda o: (getattr(o, field_name), o.order_id), reverse=request.param("sort_order") != "ASC")
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        return {"total_count": len(found), "next_page_token": str(offset + page_size) if more else "",
                "orders": [self._order_json(o) for o in page]}

    def _api_order_get(self, request, shop, ident, body) -> dict:
        ids = [i for i in request.param("ids").split(",") if i]
        if not ids or len(ids) > MAX_ORDER_IDS:
            raise ApiError(12052910, "Invalid input parameters: ids must hold 1 to 50 order ids")
        return {"orders": [self._order_json(self.orders[i]) for i in ids
                           if i in self.orders and self.orders[i].shop_id == shop.shop_id]}
