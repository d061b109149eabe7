"""The "place a test order" page every sandbox marketplace serves (issue 18 item 6): a buyer's order at a
training session, so 'an order arrives and stock moves' can be shown under ``make run``.

One mechanism for every marketplace: ``SimulatorServer`` answers ``BUYER_ORDER_PATH`` with ``buyer_order_page``
before its own API sees the request (no fault, no rate limit, not in the call log: it is the buyer's
browser, not the platform). A simulator takes part by offering the ``BuyerShop`` protocol below; the order is
then placed with its own ``create_order``, which takes the stock and notifies the platform exactly as that
marketplace does (a signed push, or nothing where the marketplace is polled, as Tiki is). The page fits a
phone, speaks Vietnamese (``?lang=en``: English), and says plainly that it is a local test environment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlencode

from .consent import STYLE
from .exchange import Request, Response

__all__ = ["BUYER_ORDER_PATH", "BuyerShop", "Sellable", "buyer_order_page"]

#: where every simulator serves the page (query: ``shop`` = the marketplace's shop id, ``lang`` = vi | en)
BUYER_ORDER_PATH = "/sandbox/test-order"
MAX_QUANTITY = 20  # a buyer's order at a training session, not a stress test


@dataclass(frozen=True)
class Sellable:
    """One thing a buyer can order on the shop: a seller SKU with its name, price (VND) and stock."""

    sku: str
    name: str
    price: int
    stock: int


@runtime_checkable
class BuyerShop(Protocol):
    """What a simulator offers to take part in the test-order page.

    ``buyer_notice`` says how the marketplace tells the platform about a new order: ``"push"`` (a signed
    webhook or push to ``push_url``) or ``"poll"`` (no notification: the platform finds it at its next
    order import)."""

    display_name: str
    buyer_notice: str
    push_url: str | None

    def buyer_shops(self) -> list[tuple[str, str]]:
        """The sandbox's shops as (shop id, shop name)."""

    def buyer_sellables(self, *, shop_id: str) -> list[Sellable]:
        """What a buyer can order on shop ``shop_id`` now (live listings, with their stock)."""

    def create_order(self, *, shop_id: str, items: Sequence[tuple[str, int]]) -> str:
        """Place the order (stock goes down, the platform is notified); ValueError/KeyError when refused."""


TEXT = {
    "vi": {
        "title": "Đặt đơn thử", "intro": "Trang này đóng vai người mua: đặt một đơn cho sản phẩm đang bán của shop.",
        "note": "Đây là môi trường thử nghiệm cục bộ, không phải {m} thật. Không có tiền thật.",
        "shop": "Shop", "choose_shop": "Chọn shop", "product": "Sản phẩm", "quantity": "Số lượng",
        "submit": "Đặt đơn thử", "nothing": "Shop này chưa có sản phẩm nào đang bán (hoặc đã hết hàng). Hãy đăng "
        "sản phẩm lên sàn từ nền tảng rồi tải lại trang này.",
        "in_stock": "còn {n}", "placed": "Đã đặt đơn {order}.",
        "push": "{m} đã gửi thông báo đơn mới tới nền tảng. Đơn hiện trong mục Đơn hàng sau vài giây, tồn kho "
                "trên các sàn khác được cập nhật theo.",
        "push_off": "Chưa có địa chỉ nhận thông báo: nền tảng sẽ thấy đơn ở lần lấy đơn định kỳ tiếp theo "
                    "(khoảng một phút).",
        "poll": "{m} không gửi thông báo: nền tảng lấy đơn mới định kỳ (khoảng một phút), rồi cập nhật tồn kho "
                "trên các sàn khác.",
        "again": "Đặt thêm đơn", "refused": "Không đặt được đơn: {reason}",
        "bad_quantity": "Số lượng phải từ 1 đến {n}.", "bad_product": "Chọn một sản phẩm đang bán.",
        "unknown_shop": "Không có shop này trên sàn thử nghiệm.", "other": "English",
    },
    "en": {
        "title": "Place a test order", "intro": "This page plays the buyer: place an order for one of the "
        "shop's listed products.",
        "note": "This is a local test environment, not the real {m}. No real money.",
        "shop": "Shop", "choose_shop": "Choose a shop", "product": "Product", "quantity": "Quantity",
        "submit": "Place the test order", "nothing": "This shop has no listed product in stock yet. Publish a "
        "product to the marketplace from the platform, then reload this page.",
        "in_stock": "{n} in stock", "placed": "Order {order} placed.",
        "push": "{m} notified the platform of the new order. It shows under Orders within seconds, and the "
                "stock on the other marketplaces follows.",
        "push_off": "No notification address is set: the platform finds the order at its next scheduled "
                    "import (about a minute).",
        "poll": "{m} sends no notification: the platform fetches new orders on a schedule (about a minute), "
                "then updates the stock on the other marketplaces.",
        "again": "Place another order", "refused": "The order was not placed: {reason}",
        "bad_quantity": "The quantity must be 1 to {n}.", "bad_product": "Choose a listed product.",
        "unknown_shop": "No such shop on the sandbox marketplace.", "other": "Tiếng Việt",
    },
}

PAGE_STYLE = STYLE + """
input[type=number]{width:100%;font:inherit;min-height:44px;padding:.5rem;border:1px solid #8a9691;border-radius:8px;
margin-bottom:1rem}input:focus-visible{outline:3px solid #ffb300;outline-offset:2px}
.lang{float:right;font-size:.95rem}a{color:#0b5cad}a:focus-visible{outline:3px solid #ffb300}
.done{background:#e7f6ec;border-left:4px solid #1e7b3a;padding:.5rem .75rem;border-radius:6px}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:.5rem .75rem;border-radius:6px}
ul.shops{padding-left:1.1rem}ul.shops li{margin:.5rem 0}
"""


def buyer_order_page(sim: BuyerShop, request: Request) -> Response:
    """Answer the test-order page: GET shows the shop's listed products, POST places the order. Bad input
    gets the page again with a clear message (HTTP 400) and changes nothing."""
    if not isinstance(sim, BuyerShop):
        return Response(status=404, body=b"Not found", content_type="text/plain; charset=utf-8")
    fields = {k: v[-1] for k, v in request.form().items()} if request.method == "POST" else {}
    lang = (fields.get("lang") or request.param("lang") or "vi")
    lang = lang if lang in TEXT else "vi"
    shops = sim.buyer_shops()
    shop_id = fields.get("shop") or request.param("shop")
    if not shop_id and len(shops) == 1:
        shop_id = shops[0][0]
    shop_names = dict(shops)
    if shop_id not in shop_names:
        body = _shop_choice(sim, shops, lang, unknown=bool(shop_id))
        return _page(sim, lang, shop_id, body, status=404 if shop_id else 200)
    if request.method == "POST":
        return _place(sim, lang, shop_id, shop_names[shop_id], fields)
    if request.method != "GET":
        return Response(status=405, body=b"Method not allowed", content_type="text/plain; charset=utf-8",
                        headers={"Allow": "GET, POST"})
    return _page(sim, lang, shop_id, _form(sim, lang, shop_id, shop_names[shop_id]))


def _place(sim: BuyerShop, lang: str, shop_id: str, shop_name: str, fields: dict[str, str]) -> Response:
    text = TEXT[lang]
    sellables = {s.sku: s for s in sim.buyer_sellables(shop_id=shop_id)}
    chosen = sellables.get(fields.get("sku", ""))
    error = ""
    quantity = 0
    if chosen is None:
        error = text["bad_product"]
    else:
        try:
            quantity = int(fields.get("quantity", ""))
        except ValueError:
            quantity = 0
        limit = min(chosen.stock, MAX_QUANTITY)
        if not 1 <= quantity <= limit:
            error = text["bad_quantity"].format(n=limit)
    if not error:
        try:
            order_id = sim.create_order(shop_id=shop_id, items=[(chosen.sku, quantity)])
        except (ValueError, KeyError) as exc:
            error = text["refused"].format(reason=str(exc).strip("'\""))
    if error:
        body = f'<p class="error" role="alert">{html.escape(error)}</p>' + _form(sim, lang, shop_id, shop_name)
        return _page(sim, lang, shop_id, body, status=400)
    how = text["poll"] if sim.buyer_notice == "poll" else text["push"] if sim.push_url else text["push_off"]
    again = f"{BUYER_ORDER_PATH}?{urlencode({'shop': shop_id, 'lang': lang})}"
    body = (f'<div class="card"><p class="done" role="status">{html.escape(text["placed"].format(order=order_id))}</p>'
            f'<p>{html.escape(how.format(m=sim.display_name))}</p>'
            f'<p><a href="{html.escape(again)}">{html.escape(text["again"])}</a></p></div>')
    return _page(sim, lang, shop_id, body)


def _form(sim: BuyerShop, lang: str, shop_id: str, shop_name: str) -> str:
    text = TEXT[lang]
    e = html.escape
    sellables = [s for s in sim.buyer_sellables(shop_id=shop_id) if s.stock > 0]
    head = f"<p><strong>{e(text['shop'])}:</strong> {e(shop_name)}</p>"
    if not sellables:
        return head + f'<p class="card">{e(text["nothing"])}</p>'
    options = "".join(
        f'<option value="{e(s.sku)}">{e(s.name)} · {e(s.sku)} · {_vnd(s.price)} · '
        f'{e(text["in_stock"].format(n=s.stock))}</option>' for s in sellables)
    return (head + f'<form method="post" action="{BUYER_ORDER_PATH}" class="card">'
            f'<input type="hidden" name="shop" value="{e(shop_id)}"><input type="hidden" name="lang" value="{lang}">'
            f'<label for="buyer-sku">{e(text["product"])}</label><select id="buyer-sku" name="sku">{options}</select>'
            f'<label for="buyer-quantity">{e(text["quantity"])}</label>'
            f'<input type="number" id="buyer-quantity" name="quantity" value="1" min="1" max="{MAX_QUANTITY}" '
            f'inputmode="numeric" required>'
            f'<div class="buttons"><button type="submit" class="approve">{e(text["submit"])}</button></div></form>')


def _vnd(amount: int) -> str:
    return f"{amount:,} ₫".replace(",", ".")


def _shop_choice(sim: BuyerShop, shops: list[tuple[str, str]], lang: str, *, unknown: bool) -> str:
    text = TEXT[lang]
    e = html.escape
    items = "".join(f'<li><a href="{e(BUYER_ORDER_PATH)}?{e(urlencode({"shop": sid, "lang": lang}))}">{e(name)}</a></li>'
                    for sid, name in shops)
    warning = f'<p class="error" role="alert">{e(text["unknown_shop"])}</p>' if unknown else ""
    return f'{warning}<h2>{e(text["choose_shop"])}</h2><ul class="shops">{items}</ul>'


def _page(sim: BuyerShop, lang: str, shop_id: str, body: str, *, status: int = 200) -> Response:
    text = TEXT[lang]
    e = html.escape
    other = "en" if lang == "vi" else "vi"
    switch = f"{BUYER_ORDER_PATH}?{urlencode({'shop': shop_id, 'lang': other} if shop_id else {'lang': other})}"
    page = f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(sim.display_name)} Sandbox – {e(text["title"])}</title>
<style>:root{{--brand:{e(getattr(sim, "brand_color", "#1b1f23"))}}}{PAGE_STYLE}</style></head>
<body><main><a class="lang" href="{e(switch)}" lang="{other}">{e(text["other"])}</a>
<p class="brand">{e(sim.display_name)} Sandbox</p><h1>{e(text["title"])}</h1>
<p>{e(text["intro"])}</p><p class="note">{e(text["note"].format(m=sim.display_name))}</p>
{body}</main></body></html>"""
    return Response(status=status, body=page.encode(), content_type="text/html; charset=utf-8")
