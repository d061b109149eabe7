"""Pure functions between our plain data and WooCommerce REST API v3 payloads. No I/O here.

Facts used (marketplaces.md §5, woocommerce-rest-api-docs, WooCommerce core):
- A product with variants is a ``variable`` product with one local attribute (``variation: true``) whose
  options are the variants' option names, plus one variation per variant; without variants it is ``simple``.
- Prices are strings in the shop's currency (we only connect VND shops: no decimals); weight and
  dimensions are strings in the shop's own units (settings ``woocommerce_weight_unit`` and
  ``woocommerce_dimension_unit``).
- SKUs are unique across products and variations of a shop; a trashed product frees its SKUs.
- Webhooks: ``X-WC-Webhook-Signature`` = base64(HMAC-SHA256(webhook secret, raw body)).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from marketplace_connectors.base import (
    AttributeSpec,
    ListingDraft,
    OrderStatus,
    RemoteListing,
    RemoteOrder,
    RemoteOrderLine,
    ValidationProblem,
    VariantDraft,
)

from .._common import chunks as chunks  # connector.py batches with mappers.chunks
from .._common import content_digest, has_variations, money, problem_collector, variation_name, vnd

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# Our rules (WooCommerce itself has few): a listing needs a photo and a price; 100 variations at most (one
# batch request, and what the product editor handles comfortably).
DEFAULT_RULES = {
    "currency": "VND",
    "name_max": 200,
    "images_min": 1, "images_max": 20,
    "variants_max": 100,
    "sku_max": 100,
    "price_min": 1_000, "price_max": 999_999_999,
}

# WooCommerce's order statuses -> ours. Unpaid orders hold stock (WooCommerce reduces stock for on-hold
# and for pending orders under its "hold stock" setting). Custom statuses from plugins fall back to PENDING,
# which holds stock: overselling is worse than a stale hold.
ORDER_STATUSES = {
    "pending": OrderStatus.UNPAID,  # awaiting payment
    "on-hold": OrderStatus.UNPAID,  # awaiting payment confirmation (bank transfer, COD confirmation)
    "checkout-draft": OrderStatus.UNPAID,
    "processing": OrderStatus.READY_TO_SHIP,  # paid (or COD accepted): the owner packs and ships
    "shipped": OrderStatus.SHIPPED,  # common plugin status
    "delivered": OrderStatus.DELIVERED,  # common plugin status
    "completed": OrderStatus.DELIVERED,  # fulfilled
    "cancelled": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,  # payment failed: WooCommerce releases held stock
    "trash": OrderStatus.CANCELLED,
    "refunded": OrderStatus.RETURNED,
}

WEIGHT_PER_GRAM = {"g": 1.0, "kg": 0.001, "lbs": 1 / 453.59237, "oz": 1 / 28.349523125}
LENGTH_PER_CM = {"cm": 1.0, "m": 0.01, "mm": 10.0, "in": 1 / 2.54, "yd": 1 / 91.44}


# --- shop URL --------------------------------------------------------------------------------------------
def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 and ::1: the only hosts reached over plain HTTP (tests, the sandbox)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_shop_url(raw: str) -> str:
    """The shop's address as we store and compare it: scheme and host in lower case, no default port, no
    query, fragment or trailing slash, and without a pasted ``/wp-json``, ``/wp-admin`` or ``/shop`` tail
    of WordPress's own pages. ``https://`` is assumed when the owner typed none. ValueError when it is
    not a web address."""
    text = (raw or "").strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a web address")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    for tail in ("/wp-json", "/wp-admin", "/index.php"):
        if tail in path:
            path = path[:path.index(tail)]
    return urlunsplit((scheme, netloc, path.rstrip("/"), "", ""))


def needs_https(shop_url: str) -> bool:
    """True when the address is plain HTTP to a host that is not loopback: keys would travel in clear."""
    parts = urlsplit(shop_url)
    return parts.scheme != "https" and not is_loopback_host(parts.hostname or "")


# --- webhooks --------------------------------------------------------------------------------------------
def webhook_secret(*, key: str, shop_url: str) -> str:
    """The secret of the webhooks we register on one shop: HMAC-SHA256(platform key, normalised shop URL).
    Each shop gets its own secret, and the push view recomputes it from the ``X-WC-Webhook-Source`` header
    without any lookup; a shop owner knows their own secret only."""
    digest = hmac.new(key.encode(), f"woocommerce-webhook:{shop_url}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def webhook_signature(*, secret: str, body: bytes) -> str:
    """WooCommerce's ``X-WC-Webhook-Signature``: base64(HMAC-SHA256(secret, raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def push_kind(topic: str) -> str:
    resource = topic.split(".", 1)[0]
    return {"order": "order", "product": "listing"}.get(resource, "other")


def push_event_id(*, shop_url: str, delivery_id: str, body: bytes) -> str:
    """A delivery's id. WooCommerce's X-WC-Webhook-Delivery-ID is wp_hash(webhook id . current second): two
    deliveries of one webhook within a second share it, so the body is part of the id; a repeated
    delivery (same id, same body) keeps the same id."""
    digest = hashlib.sha256(f"{shop_url}\n{delivery_id}\n".encode() + body).hexdigest()
    return f"wc:{digest[:48]}"


# --- units -----------------------------------------------------------------------------------------------
def _decimal(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def weight_in(grams: int | None, unit: str) -> str:
    return "" if not grams else _decimal(grams * WEIGHT_PER_GRAM.get(unit, 0.001))


def length_in(cm: int | None, unit: str) -> str:
    return "" if not cm else _decimal(cm * LENGTH_PER_CM.get(unit, 1.0))


# --- payloads --------------------------------------------------------------------------------------------
def option_of(variant: VariantDraft) -> str:
    return (variant.option_name or variant.sku).strip()


def product_sku(draft: ListingDraft) -> str:
    """The SKU the WooCommerce product carries: the draft's for a variable product (its variations carry the
    variants'), the only variant's for a simple one (its price and stock are the product's)."""
    return draft.sku.strip() if has_variations(draft) else draft.variants[0].sku.strip()


def description_html(text: str) -> str:
    """Our description as HTML: kept when it is HTML already (WordPress sanitises it with wp_kses_post),
    otherwise each line an escaped paragraph."""
    if "<" in text and strip_tags(text) != text:
        return text.strip()
    lines = [html.escape(line.strip(), quote=False) for line in normalize_newlines(text).split("\n")]
    return "".join(f"<p>{line}</p>" for line in lines if line)


def dimensions(variant: VariantDraft, unit: str) -> dict[str, str]:
    return {"length": length_in(variant.length_cm, unit), "width": length_in(variant.width_cm, unit),
            "height": length_in(variant.height_cm, unit)}


def price_stock_fields(*, price_vnd: int | None, stock: int | None) -> dict:
    body: dict = {}
    if price_vnd is not None:
        body["regular_price"] = str(int(price_vnd))
    if stock is not None:
        body["manage_stock"] = True
        body["stock_quantity"] = max(0, int(stock))
    return body


def product_body(draft: ListingDraft, *, images: list[dict], weight_unit: str = "kg", dimension_unit: str = "cm",
                 with_price_stock: bool = True) -> dict:
    """POST/PUT /products. ``images`` are ``{"id": media id}`` or ``{"src": public URL}``. A variable product
    has no price or stock of its own: its variations do."""
    body: dict = {
        "name": draft.name.strip(),
        "description": description_html(draft.description),
        "sku": product_sku(draft),
        "images": images,
        "categories": [{"id": int(draft.category_id)}] if str(draft.category_id).isdigit() else [],
    }
    if has_variations(draft):
        body["type"] = "variable"
        body["attributes"] = [{"name": variation_name(draft), "position": 0, "visible": True, "variation": True,
                               "options": [option_of(v) for v in draft.variants]}]
    else:
        variant = draft.variants[0]
        body["type"] = "simple"
        body["weight"] = weight_in(variant.weight_grams, weight_unit)
        body["dimensions"] = dimensions(variant, dimension_unit)
        if with_price_stock:
            body.update(price_stock_fields(price_vnd=variant.price_vnd, stock=variant.stock))
    return body


def variation_body(draft: ListingDraft, variant: VariantDraft, *, weight_unit: str = "kg",
                   dimension_unit: str = "cm") -> dict:
    """One variation for /products/<id>/variations/batch ``create``, with its price and stock."""
    return {
        "sku": variant.sku.strip(),
        "status": "publish",
        "attributes": [{"name": variation_name(draft), "option": option_of(variant)}],
        "weight": weight_in(variant.weight_grams, weight_unit),
        "dimensions": dimensions(variant, dimension_unit),
        **price_stock_fields(price_vnd=variant.price_vnd, stock=variant.stock),
    }


def content_hash(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = ()) -> str:
    """A hash of what ``update`` pushes for the product itself (price and stock are compared per variant)."""
    content = {
        "name": draft.name.strip(),
        "description": description_html(draft.description),
        "category": str(draft.category_id),
        "images": [image.key for image in draft.images],
        "variation": variation_name(draft) if has_variations(draft) else "",
        "variants": [(v.sku, option_of(v), v.weight_grams, v.length_cm, v.width_cm, v.height_cm) for v in draft.variants],
    }
    return content_digest(content)


# --- answers ---------------------------------------------------------------------------------------------
def remote_listing(product: dict, variations: list[dict] | None = None) -> RemoteListing:
    """A product (and, for a variable one, its variations) as a RemoteListing: a simple product is its own
    only variant, so its variant id is the product id."""
    product_id = str(product.get("id"))
    sku = str(product.get("sku") or "")
    if product.get("type") == "variable":
        ids = {str(v.get("sku") or ""): str(v.get("id")) for v in variations or [] if v.get("sku")}
    else:
        ids = {sku: product_id} if sku else {}
    return RemoteListing(external_id=product_id, sku=sku, status=str(product.get("status") or ""),
                         name=str(product.get("name") or ""), variant_ids_by_sku=ids)


def parse_time(value: str | None) -> dt.datetime | None:
    """WooCommerce's ``*_gmt`` times: ISO 8601 without an offset, in UTC."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def order_status(status: str) -> OrderStatus:
    return ORDER_STATUSES.get(status.removeprefix("wc-"), OrderStatus.PENDING)


def remote_order(order: dict) -> RemoteOrder:
    """GET /orders/<id> -> RemoteOrder. Every line shares the order's status (WooCommerce has no per-item one);
    a line's variant id is its variation's id, or the product's for a simple product."""
    marketplace_status = str(order.get("status") or "")
    status = order_status(marketplace_status)
    lines = []
    for item in order.get("line_items") or []:
        variant_id = item.get("variation_id") or item.get("product_id") or ""
        quantity = int(item.get("quantity") or 0)
        unit = item.get("price")
        if unit in (None, ""):
            unit = vnd(item.get("total")) / quantity if quantity else 0
        lines.append(RemoteOrderLine(sku=str(item.get("sku") or ""), quantity=quantity, unit_price_vnd=vnd(unit),
                                     status=status, external_variant_id=str(variant_id or ""),
                                     name=str(item.get("name") or "")))
    created = parse_time(order.get("date_created_gmt")) or dt.datetime.now(dt.UTC)
    return RemoteOrder(
        external_id=str(order.get("id")), status=status, marketplace_status=marketplace_status,
        created_at=created, updated_at=parse_time(order.get("date_modified_gmt")) or created,
        lines=tuple(lines), total_vnd=vnd(order.get("total")),
    )


# --- validation ------------------------------------------------------------------------------------------
def validate(draft: ListingDraft, *, rules: dict | None = None) -> list[ValidationProblem]:
    """Every rule the draft breaks, in the owner's language. Pure."""
    r = {**DEFAULT_RULES, **(rules or {})}
    problems, add = problem_collector()

    if str(r.get("currency") or "VND").upper() != "VND":
        add("price", _("The web shop's currency is %(currency)s; the platform sends prices in VND. Set the shop's "
                       "currency to Vietnamese đồng (WooCommerce → Settings → General).") % {"currency": r["currency"]})
    name = draft.name.strip()
    if not name:
        add("name", _("Enter the product name."))
    elif len(name) > r["name_max"]:
        add("name", _("The name has %(n)d characters; keep it to %(max)d.") % {"n": len(name), "max": r["name_max"]})
    if not r["images_min"] <= len(draft.images) <= r["images_max"]:
        add("images", _("The product has %(n)d photos; the web shop needs %(min)d to %(max)d.")
            % {"n": len(draft.images), "min": r["images_min"], "max": r["images_max"]})
    for image in draft.images:
        if not image.filename.lower().endswith(IMAGE_EXTENSIONS):
            add("images", _("The photo %(name)s must be a JPG, PNG, GIF or WebP file.") % {"name": image.filename})
    variants = draft.variants
    if not variants:
        add("variants", _("The product has no variant with a price."))
    elif len(variants) > r["variants_max"]:
        add("variants", _("The product has %(n)d variants; at most %(max)d can be published.")
            % {"n": len(variants), "max": r["variants_max"]})
    skus = [v.sku.strip() for v in variants]
    if any(not sku or len(sku) > r["sku_max"] for sku in skus):
        add("sku", _("Every variant needs a SKU of 1 to %(max)d characters: the web shop finds products by SKU.")
            % {"max": r["sku_max"]})
    if len(set(skus)) != len(skus):
        add("sku", _("Two variants have the same SKU; the web shop needs a different SKU for each variant."))
    if variants and has_variations(draft):
        if not draft.sku.strip():
            add("sku", _("Enter the product's SKU: the web shop finds products with variants by it."))
        elif draft.sku.strip() in skus:
            add("sku", _("The product's SKU %(sku)s is also a variant's SKU; the web shop needs them different.")
                % {"sku": draft.sku.strip()})
        labels = [option_of(v) for v in variants]
        if any(not v.option_name.strip() for v in variants):
            add("variants", _("Every variant needs an option value (for example 500 g, 1 kg)."))
        elif len(set(labels)) != len(labels):
            add("variants", _("Two variants have the same option value; make each one different."))
    for v in variants:
        if not r["price_min"] <= v.price_vnd <= r["price_max"]:
            add("price", _("Variant %(sku)s: the price must be between %(min)s and %(max)s VND.")
                % {"sku": v.sku or "—", "min": money(r["price_min"]), "max": money(r["price_max"])})
        if v.stock < 0:
            add("stock", _("Variant %(sku)s: the stock cannot be negative.") % {"sku": v.sku or "—"})
    return problems
