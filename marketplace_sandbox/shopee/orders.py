"""The sandbox Shopee's order API and buyer actions, with the push notification each order change sends."""

from __future__ import annotations

import hashlib
import hmac
import json
import string
import time
from collections.abc import Sequence

from marketplace_connectors.base import OrderStatus

from ..buyer_orders import Sellable
from .state import (
    ORDER_STATUSES,
    ORDER_WINDOW,
    STOCK_RELEASED,
    ApiError,
    Item,
    Model,
    Order,
    OrderLine,
    Shop,
    _int,
    _model_name,
    _shopee_word,
)


class ShopeeOrders:
    """The order API and the buyer's side: orders placed and moved on, the stock they take and give back, and
    the signed push sent on every change."""

    def _shop(self, shop_id: str | int | None) -> Shop:
        return self.shops[int(shop_id) if shop_id else next(iter(self.shops))]

    @staticmethod
    def _sellables(shop: Shop, sku: str) -> list[tuple[Item, Model | None]]:
        """What a buyer can order under seller SKU ``sku``: a model with that model_sku, or an item
        without models with that item_sku."""
        found: list[tuple[Item, Model | None]] = []
        for item in shop.items.values():
            if item.item_status in ("SELLER_DELETE", "SHOPEE_DELETE", "BANNED"):
                continue
            if item.models:
                found.extend((item, m) for m in item.models if m.model_sku == sku)
            elif item.item_sku == sku:
                found.append((item, None))
        return found

    def create_order(self, *, shop_id: str | int | None = None, items: Sequence[tuple[str, int]],
                     status: OrderStatus | str = OrderStatus.PENDING) -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs: the stock goes down at once (ValueError when a
        SKU is unknown or short, and nothing changes); returns the order_sn. The order starts
        READY_TO_SHIP (paid, or cash on delivery) unless ``status`` says otherwise."""
        with self.lock:
            shop = self._shop(shop_id)
            picked = []
            for sku, quantity in items:
                found = self._sellables(shop, sku)
                if not found:
                    raise ValueError(f"no listing with SKU {sku} on shop {shop.shop_id}")
                item, model = found[0]
                stock = model.stock if model else item.stock
                if quantity < 1 or stock < quantity:
                    raise ValueError(f"only {stock} of {sku} in stock")
                picked.append((item, model, quantity))
            now = int(self.now())
            order = Order(order_sn=self._order_sn(now), shop_id=shop.shop_id, order_status=_shopee_word(status),
                          create_time=now, update_time=now)
            for item, model, quantity in picked:
                target = model or item
                target.stock -= quantity
                price = model.original_price if model else item.original_price
                order.lines.append(OrderLine(
                    item_id=item.item_id, item_name=item.item_name, item_sku=item.item_sku,
                    model_id=model.model_id if model else 0,
                    model_name=_model_name(item, model), model_sku=model.model_sku if model else "",
                    quantity=quantity, original_price=price, discounted_price=price))
            shop.orders[order.order_sn] = order
            self._push_order(order)
            return order.order_sn

    # the test-order page (marketplace_sandbox.buyer_orders): a signed push tells the platform
    display_name, brand_color, buyer_notice = "Shopee", "#c8401e", "push"

    def buyer_shops(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(str(sid), shop.shop_name) for sid, shop in self.shops.items()]

    def buyer_sellables(self, *, shop_id: str) -> list[Sellable]:
        """Listed (NORMAL) items: each model with its SKU, or the item itself when it has no models."""
        with self.lock:
            shop = self.shops.get(_int(shop_id) or -1)
            found = []
            for item in shop.items.values() if shop else []:
                if item.item_status != "NORMAL":
                    continue
                for model in item.models:
                    if model.model_sku:
                        found.append(Sellable(sku=model.model_sku, name=f"{item.item_name} - {_model_name(item, model)}",
                                              price=int(model.original_price), stock=model.stock))
                if not item.models and item.item_sku:
                    found.append(Sellable(sku=item.item_sku, name=item.item_name, price=int(item.original_price),
                                          stock=item.stock))
            return found

    def _order_sn(self, now: int) -> str:
        """Shopee's form: the date (yymmdd) then 8 upper-case letters and digits, e.g. 2404098R48U37H."""
        alphabet = string.ascii_uppercase + string.digits
        while True:
            sn = time.strftime("%y%m%d", time.gmtime(now)) + "".join(self._sn_rng.choice(alphabet) for _ in range(8))
            if all(sn not in shop.orders for shop in self.shops.values()):
                return sn

    def order(self, order_id: str) -> Order:
        with self.lock:
            return next(shop.orders[order_id] for shop in self.shops.values() if order_id in shop.orders)

    def set_order_status(self, *, order_id: str, status: OrderStatus | str, seconds_later: float = 1.0) -> None:
        """Move the order on; ``status`` is ours (OrderStatus) or a Shopee word such as "IN_CANCEL".
        Entering CANCELLED or TO_RETURN puts the stock back; update_time moves ``seconds_later`` on."""
        with self.lock:
            order = self.order(order_id)
            word = _shopee_word(status)
            if order.order_status in STOCK_RELEASED and word not in STOCK_RELEASED:
                raise ValueError(f"order {order_id} is {order.order_status}: it cannot move on")
            if word in STOCK_RELEASED and order.order_status not in STOCK_RELEASED:
                self._restock(order)
            order.order_status = word
            order.update_time = max(int(self.now()), int(order.update_time + seconds_later))
            self._push_order(order)

    def _restock(self, order: Order) -> None:
        shop = self.shops[order.shop_id]
        for line in order.lines:
            item = shop.items.get(line.item_id)
            if item is None:
                continue
            model = next((m for m in item.models if m.model_id == line.model_id), None)
            target = model or item
            target.stock += line.quantity

    def stock_of(self, *, shop_id: str | int | None = None, sku: str) -> int | None:
        with self.lock:
            found = self._sellables(self._shop(shop_id), sku)
            if not found:
                return None
            item, model = found[0]
            return model.stock if model else item.stock

    def push_signature(self, url: str, body: bytes) -> str:
        """docs/marketplaces/shopee.md, Push notifications (G-push): hex(HMAC-SHA256(partner_key, url + "|" + raw body))."""
        return hmac.new(self.partner_key.encode(), url.encode() + b"|" + body, hashlib.sha256).hexdigest()

    def push_headers(self, body: bytes) -> dict[str, str]:
        return {"Authorization": self.push_signature(self.push_url or "", body)}

    def push_accepted(self, status: int, body: bytes) -> bool:
        # Shopee counts a delivery as received only on 2xx with an empty body (§1.8, §1.9 case 10).
        return 200 <= status < 300 and not body

    def _push_order(self, order: Order) -> None:
        if not self.push_url or not self.push_url.startswith(("http://", "https://")):
            return
        self.push(json.dumps({"code": 3, "shop_id": order.shop_id, "timestamp": int(self.now()),
                              "data": {"ordersn": order.order_sn, "status": order.order_status,
                                       "update_time": order.update_time}}, separators=(",", ":")).encode())

    def _api_get_order_list(self, shop: Shop, query, data) -> dict:
        def q(name: str) -> str:
            return query.get(name, [""])[0]

        field_name = q("time_range_field")
        if field_name not in ("create_time", "update_time"):
            raise ApiError("error_param", "Wrong parameters, detail: time_range_field must be create_time or update_time.")
        time_from, time_to = _int(q("time_from")), _int(q("time_to"))
        if time_from is None or time_to is None:
            raise ApiError("error_param", "Wrong parameters, detail: time_from and time_to are required.")
        if time_from > time_to:
            raise ApiError("error_param", "Wrong parameters, detail: time_from must be earlier than time_to.")
        if time_to - time_from > ORDER_WINDOW:
            raise ApiError("error_param", "Wrong parameters, detail: the time range should be no more than 15 days.")
        page_size = _int(q("page_size"))
        if page_size is None or not 1 <= page_size <= 100:
            raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1 to 100.")
        wanted_status = q("order_status")
        if wanted_status and wanted_status not in ORDER_STATUSES:
            raise ApiError("error_param", "Wrong parameters, detail: order_status is invalid.")
        offset = _int(q("cursor") or "0")
        if offset is None or offset < 0:
            raise ApiError("error_param", "Wrong parameters, detail: cursor is invalid.")
        found = sorted((o for o in shop.orders.values()
                        if time_from <= getattr(o, field_name) <= time_to
                        and (not wanted_status or o.order_status == wanted_status)),
                       key=lambda o: (getattr(o, field_name), o.order_sn))
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        with_status = "order_status" in q("response_optional_fields").split(",")
        return {"more": more, "next_cursor": str(offset + page_size) if more else "",
                "order_list": [{"order_sn": o.order_sn, **({"order_status": o.order_status} if with_status else {})}
                               for o in page]}

    def _api_get_order_detail(self, shop: Shop, query, data) -> dict:
        raw = ",".join(query.get("order_sn_list", [""]))
        sns = [sn.strip() for sn in raw.strip("[]").split(",") if sn.strip()]
        if not 1 <= len(sns) <= 50:
            raise ApiError("error_param", "Wrong parameters, detail: order_sn_list must hold 1 to 50 order_sn.")
        optional = {f.strip() for f in ",".join(query.get("response_optional_fields", [""])).split(",")}
        found, missing = [], []
        for sn in sns:
            order = shop.orders.get(sn)  # another shop's order is as unknown as a made-up one
            (found if order else missing).append(order or sn)
        if not found:
            raise ApiError("error_not_found", "Wrong parameters, detail: the order is not found.")
        out = []
        for order in found:
            entry = {"order_sn": order.order_sn, "region": "VN", "currency": "VND", "cod": True,
                     "order_status": order.order_status, "create_time": order.create_time,
                     "update_time": order.update_time, "days_to_ship": 2, "message_to_seller": ""}
            if "total_amount" in optional:
                entry["total_amount"] = float(order.total_amount)
            if "item_list" in optional:
                entry["item_list"] = [
                    {"item_id": line.item_id, "item_name": line.item_name, "item_sku": line.item_sku,
                     "model_id": line.model_id, "model_name": line.model_name, "model_sku": line.model_sku,
                     "model_quantity_purchased": line.quantity, "model_original_price": float(line.original_price),
                     "model_discounted_price": float(line.discounted_price), "weight": 0.5}
                    for line in order.lines]
            out.append(entry)
        response: dict = {"order_list": out}
        if missing:
            response["_warning"] = [f"order_sn {sn} is not found" for sn in missing]
        return response

    def _api_delete_item(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        item.item_status = "SELLER_DELETE"  # docs/marketplaces/shopee.md, delete_item: then lists as SELLER_DELETE
        item.update_time = int(self.now())
        return {}
