"""The sandbox Tiki's order API and buyer actions."""

from __future__ import annotations

from ..buyer_orders import Sellable
from .state import ORDER_WORDS, ApiError, Order


class TikiOrders:
    """The order API and the buyer's side: orders placed and moved on, and the stock they take and give back."""

    def create_order(self, *, shop_id: str, items, seller_product_code: str | None = None,
                     status: str = "queueing") -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs; stock goes down. The order starts ``queueing`` (Tiki
        has accepted it) unless ``status`` says otherwise, e.g. ``waiting_payment`` or ``processing``: orders
        Tiki has not accepted yet (G-listorders; docs/marketplaces/tiki.md finding 13).
        ``seller_product_code`` (test hook): what the order items carry as the seller's code instead of the
        product's own, e.g. "" for a seller who left it empty (docs/marketplaces/tiki.md O1)."""
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
            self.orders[code] = Order(code=code, seller_id=str(shop_id), status=status, created=now, updated=now,
                                      items=[(p.product_id, p.original_sku if seller_product_code is None
                                              else seller_product_code, q, p.price, p.name) for p, q in lines])
            return code

    # the test-order page (marketplace_sandbox.buyer_orders): Tiki sends no notification, orders are polled
    display_name, brand_color, buyer_notice = "Tiki", "#0b74e5", "poll"

    def buyer_shops(self) -> list[tuple[str, str]]:
        return list(self.sellers.items())

    def buyer_sellables(self, *, shop_id: str) -> list[Sellable]:
        """The seller's active products (each variant is a Tiki product of its own)."""
        with self._lock:
            return [Sellable(sku=p.original_sku, name=p.name, price=p.price, stock=p.quantity)
                    for p in self.products.values() if p.seller_id == str(shop_id) and p.active == 1]

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
        page = self._page([self._order_json(o) for o in items], query)
        if self.empty_order_pages > 0:
            self.empty_order_pages -= 1
            page["data"] = []
        return page

    def _order_get(self, seller_id, query, body, code):
        order = self.orders.get(code)
        if order is None or order.seller_id != seller_id:
            raise ApiError(404, "order not found")
        return self._order_json(order)
