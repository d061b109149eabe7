"""Pure functions between our plain data and WooCommerce REST API v3 payloads. No I/O here.

Facts used (docs/marketplaces/woocommerce.md: woocommerce-rest-api-docs, WooCommerce core):
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
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from marketplace_connectors.rules import ListingRules, ProblemList
from marketplace_connectors.rules import validate as validate_rules

from .._common import chunks as chunks  # connector.py batches with mappers.chunks
from .._common import content_digest, has_variations, variation_name, vnd


@dataclass(frozen=True)
class WooCommerceRules(ListingRules):
    """Our rules for a web shop, plus its own: prices go in VND, so the shop must count in VND."""

    #: the shop's currency (setting ``woocommerce_currency``, read by ``listing_rules``)
    currency: str = "VND"


# Sources: docs/marketplaces/woocommerce.md. WooCommerce itself sets almost no limit (Products: name, SKU,
# images optional; SKU unique across products and variations, S-product). A batch takes at most 100 objects
# (S-batch), hence 100 variations. Our own rules, so a listing is worth publishing: a name of at most 200
# characters, 1 to 20 photos (JPG, PNG, GIF or WebP, what WordPress's media library takes as images), a SKU of
# at most 100 characters, a price from 1,000 VND.
RULES = WooCommerceRules(
    marketplace=gettext_lazy("the web shop"),
    name_max=200,
    images_min=1, images_max=20, image_extensions=(".jpg", ".jpeg", ".png", ".gif", ".webp"),
    category_required=False,
    variants_max=100,
    sku_max=100,
    price_min=1_000, price_max=999_999_999,
)
IMAGE_EXTENSIONS = RULES.image_extensions

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


def variation_attributes_kept(draft: ListingDraft, variant: VariantDraft, answer: dict) -> bool:
    """Whether the created variation holds the option we sent. WooCommerce skips an attribute its parent
    does not have for variations without an error (S-variations), leaving a variation that matches any
    option, so the answer is checked."""
    name = variation_name(draft).strip().lower()
    held = {str(a.get("name") or "").strip().lower(): str(a.get("option") or "").strip()
            for a in answer.get("attributes") or [] if isinstance(a, dict)}
    return held.get(name) == option_of(variant).strip()


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
    """Every rule the draft breaks (``RULES`` with ``rules`` over them), in the owner's language. Pure."""
    shop = RULES.updated(rules)

    def own_checks(draft: ListingDraft, problems: ProblemList) -> None:
        if str(shop.currency or "VND").upper() != "VND":
            problems.add("price", _("The web shop's currency is %(currency)s; the platform sends prices in VND. Set "
                                    "the shop's currency to Vietnamese đồng (WooCommerce → Settings → General).")
                         % {"currency": shop.currency})
        if draft.variants and has_variations(draft):
            skus = [v.sku.strip() for v in draft.variants]
            if not draft.sku.strip():
                problems.add("sku", _("Enter the product's SKU: the web shop finds products with variants by it."))
            elif draft.sku.strip() in skus:
                problems.add("sku", _("The product's SKU %(sku)s is also a variant's SKU; the web shop needs them "
                                      "different.") % {"sku": draft.sku.strip()})

    return validate_rules(draft, rules=shop, extra=own_checks)
