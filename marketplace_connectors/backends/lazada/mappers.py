"""Pure functions between our ListingDraft and Lazada's payloads, Lazada's rules, and Lazada's answers.

No I/O here: everything takes plain data and returns plain data, so it is tested without a server.
Rules (marketplaces.md §2.5 and Lazada's create-a-product guide): name at most 255 characters without
``"^~<>|``, description at most 25,000 characters, 1 to 8 images (JPG/PNG), SellerSku unique in the
item, package weight (kg) and length/width/height (cm) mandatory with at most two decimals, at most 50
SKUs per price/stock call. Vietnamese price rules from a Vietnamese integrator's notes (powersell.com,
confidence low, so they are ``rules`` entries a caller may override): price from 10,000 to under
1,000,000,000 VND, and the cheapest variant at least half the price of the dearest.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from marketplace_connectors.base import (
    AttributeSpec,
    ListingDraft,
    OrderStatus,
    PushEvent,
    RemoteListing,
    RemoteOrder,
    RemoteOrderLine,
    ValidationProblem,
)

from .._common import (
    EPOCH,
    check_option_values,
    content_digest,
    has_variations,
    money,
    parse_time_formats,
    problem_collector,
    variation_name,
    vnd,
)
from .._common import chunks as chunks  # connector.py batches with mappers.chunks

# Lazada takes HTML but no outside image URLs: our text as escaped paragraphs, images dropped.
from .._common import html_paragraphs as description_html

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
FORBIDDEN_CHARS = '"^~<>|'
NO_BRAND = "No Brand"
# Attributes the connector fills itself; the owner is never asked for them.
SYSTEM_ATTRIBUTES = {"name", "description", "short_description", "brand", "brand_id", "video", "name_en",
                     "description_en"}
IMAGE_MIN_SIDE = 330
IMAGE_MAX_SIDE = 5000

DEFAULT_RULES = {
    "price_min": 10_000, "price_max": 999_999_999,
    "variant_price_ratio_min": 0.5,
    "name_max": 255, "description_max": 25_000,
    "images_min": 1, "images_max": 8,
    "skus_max": 100, "seller_sku_max": 200,
    "weight_min_kg": 0.01, "dimension_min_cm": 0.01,
}


# --- payloads ----------------------------------------------------------------------------------------
def weight_kg(grams: int | None) -> str:
    return "" if not grams else f"{grams / 1000:.2f}"


def attribute_values(draft: ListingDraft, attributes: Sequence[AttributeSpec]) -> dict[str, str]:
    """The owner's category attributes as Lazada wants them: the attribute name -> one text value
    (several values of a multi-select joined with commas)."""
    specs = {a.external_id: a for a in attributes}
    out: dict[str, str] = {}
    for name, values in sorted(draft.attributes.items()):
        spec = specs.get(name)
        values = [str(v).strip() for v in values if str(v).strip()]
        if spec is None or not values or name in SYSTEM_ATTRIBUTES:
            continue
        out[name] = ",".join(values) if spec.input_type == "multi_select" else values[0]
    return out


def sku_body(draft: ListingDraft, variant, *, sku_id: str = "") -> dict:
    body = {
        "SellerSku": variant.sku,
        "package_weight": weight_kg(variant.weight_grams),
        "package_length": str(variant.length_cm or ""),
        "package_width": str(variant.width_cm or ""),
        "package_height": str(variant.height_cm or ""),
    }
    if sku_id:
        body["SkuId"] = sku_id
    if has_variations(draft):
        body["saleProp"] = {variation_name(draft): variant.option_name or variant.sku}
    return body


def product_body(draft: ListingDraft, *, image_urls: list[str], attributes: Sequence[AttributeSpec],
                 with_price_stock: bool = True, sku_ids: dict[str, str] | None = None) -> dict:
    """``Request.Product`` for CreateProduct (with price and stock) or UpdateProduct (without: those go
    through UpdatePriceQuantity; ``sku_ids`` names the SKUs that exist, the others are added)."""
    skus = []
    for v in draft.variants:
        sku_id = (sku_ids or {}).get(v.sku, "")
        sku = sku_body(draft, v, sku_id=sku_id)
        if with_price_stock or not sku_id:  # a SKU being added needs its price and stock
            sku["price"] = str(v.price_vnd)
            sku["quantity"] = str(max(0, v.stock))
        skus.append(sku)
    product: dict = {
        "PrimaryCategory": str(draft.category_id),
        "Images": {"Image": list(image_urls)},
        "Attributes": {"name": draft.name.strip(), "description": description_html(draft.description),
                       "brand": NO_BRAND, **attribute_values(draft, attributes)},
        "Skus": {"Sku": skus},
    }
    if has_variations(draft):
        product["variation"] = {"Variation1": {
            "name": variation_name(draft), "hasImage": False, "customize": True,
            "options": {"option": [v.option_name or v.sku for v in draft.variants]},
        }}
    return product


def price_quantity_entry(*, item_id: str, sku_id: str, price_vnd: int | None, stock: int | None) -> dict:
    entry = {"ItemId": str(item_id), "SkuId": str(sku_id)}
    if price_vnd is not None:
        entry["Price"] = str(price_vnd)
    if stock is not None:
        entry["Quantity"] = str(max(0, stock))
    return entry


def failed_skus(detail: list, entries: list[dict]) -> dict[str, str]:
    """Lazada's ``detail`` of a 501 answer -> {SkuId: reason}. The shape of ``detail`` is undocumented:
    an entry naming neither a SkuId nor a SellerSku we sent fails the whole batch, never silently none."""
    by_seller_sku = {e.get("SellerSku"): e["SkuId"] for e in entries if e.get("SellerSku")}
    sent = {e["SkuId"] for e in entries}
    failed: dict[str, str] = {}
    for item in detail:
        if not isinstance(item, dict):
            continue
        reason = str(item.get("message") or item.get("msg") or item.get("field") or "")
        sku_id = str(item.get("sku_id") or item.get("SkuId") or "")
        if sku_id not in sent:
            sku_id = by_seller_sku.get(str(item.get("seller_sku") or item.get("SellerSku") or ""), "")
        if sku_id:
            failed[sku_id] = reason
        else:
            return dict.fromkeys(sent, reason or "update failed")
    return failed or dict.fromkeys(sent, "update failed")


def content_hash(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = ()) -> str:
    """A hash of everything UpdateProduct pushes (price and stock are compared per variant instead)."""
    content = {
        "name": draft.name.strip(),
        "description": description_html(draft.description),
        "category": draft.category_id,
        "attributes": attribute_values(draft, attributes),
        "images": [image.key for image in draft.images],
        "variation": variation_name(draft) if has_variations(draft) else "",
        "skus": [sku_body(draft, v) for v in draft.variants],
    }
    return content_digest(content)


def fit_image(content: bytes, *, max_bytes: int) -> tuple[bytes, bool]:
    """Make a photo acceptable to Lazada (JPG/PNG, each side 330-5000 px, at most ``max_bytes``): small
    photos are centred on a white square, large ones scaled down and re-encoded as JPEG. Returns the
    bytes and whether they changed."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as pic:
        width, height = pic.size
        fmt = (pic.format or "").upper()
        if fmt in ("JPEG", "PNG") and len(content) <= max_bytes and \
                min(width, height) >= IMAGE_MIN_SIDE and max(width, height) <= IMAGE_MAX_SIDE:
            return content, False
        rgb = pic.convert("RGB")
    if max(width, height) > IMAGE_MAX_SIDE:
        rgb.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        width, height = rgb.size
    if min(width, height) < IMAGE_MIN_SIDE:
        side = max(IMAGE_MIN_SIDE, width, height)
        canvas = Image.new("RGB", (side, side), (255, 255, 255))
        canvas.paste(rgb, ((side - width) // 2, (side - height) // 2))
        rgb = canvas
    for quality in (90, 80, 70, 60, 50):
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=quality)
        if out.tell() <= max_bytes:
            return out.getvalue(), True
        if quality == 60 and max(rgb.size) > 1600:
            rgb.thumbnail((1600, 1600))
    return out.getvalue(), True


# --- answers -----------------------------------------------------------------------------------------
def flatten_tree(nodes: list[dict], parent_id: str = "") -> list[tuple[str, str, str, bool]]:
    """GetCategoryTree's nested ``children`` -> (id, parent id, name, is leaf) rows."""
    rows = []
    for node in nodes:
        node_id = str(node.get("category_id"))
        children = node.get("children") or []
        rows.append((node_id, parent_id, str(node.get("name") or ""), bool(node.get("leaf", not children))))
        rows.extend(flatten_tree(children, node_id))
    return rows


def remote_listing(product: dict) -> RemoteListing:
    skus = product.get("skus") or []
    return RemoteListing(
        external_id=str(product.get("item_id")),
        sku=str(skus[0].get("SellerSku") or "") if skus else "",
        status=str(product.get("status") or ""),
        name=str((product.get("attributes") or {}).get("name") or ""),
        variant_ids_by_sku={str(s.get("SellerSku") or ""): str(s.get("SkuId")) for s in skus},
    )


def token_lifetimes(payload: dict) -> tuple[int, int]:
    """(expires_in, refresh_expires_in) seconds: documented as numbers, sampled as strings."""
    def seconds(name: str) -> int:
        try:
            return int(float(payload.get(name) or 0))
        except (TypeError, ValueError):
            return 0

    return seconds("expires_in"), seconds("refresh_expires_in")


def seller_id_from_tokens(payload: dict, *, country: str = "vn") -> str:
    """The seller id for ``country`` from ``country_user_info`` (create) or ``country_user_info_list``
    (refresh): a list of entries, or (in samples) an object keyed by country."""
    info = payload.get("country_user_info") or payload.get("country_user_info_list") or []
    entries = list(info.values()) if isinstance(info, dict) else list(info)
    entries = [e for e in entries if isinstance(e, dict)]
    chosen = next((e for e in entries if str(e.get("country", "")).lower() == country), None)
    chosen = chosen or (entries[0] if entries else {})
    return str(chosen.get("seller_id") or "")


def parse_time(value: str) -> dt.datetime | None:
    """Lazada's times: ISO 8601 (``2018-02-09T22:44:30+08:00``) or ``2014-10-15 19:12:15 +0800``."""
    return parse_time_formats(value, ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S.%f%z"))


# Lazada's order item statuses -> ours. "pending" is paid (or cash on delivery) and waiting for the seller;
# "packed"/"ready_to_ship" are packed and handed to logistics. A failed delivery comes back to the seller
# (returned); a lost parcel does not (it stays sold). A status Lazada adds later holds stock (PENDING).
ITEM_STATUSES: dict[str, OrderStatus] = {
    "unpaid": OrderStatus.UNPAID,
    "pending": OrderStatus.PENDING,
    "topack": OrderStatus.PENDING,
    "packed": OrderStatus.READY_TO_SHIP,
    "toship": OrderStatus.READY_TO_SHIP,
    "ready_to_ship": OrderStatus.READY_TO_SHIP,
    "ready_to_ship_pending": OrderStatus.READY_TO_SHIP,
    "shipping": OrderStatus.SHIPPED,
    "shipped": OrderStatus.SHIPPED,
    "lost": OrderStatus.SHIPPED,
    "delivered": OrderStatus.DELIVERED,
    "confirmed": OrderStatus.DELIVERED,
    "canceled": OrderStatus.CANCELLED,
    "cancelled": OrderStatus.CANCELLED,
    "returned": OrderStatus.RETURNED,
    "failed": OrderStatus.RETURNED,
    "failed_delivery": OrderStatus.RETURNED,
    "shipped_back": OrderStatus.RETURNED,
    "shipped_back_success": OrderStatus.RETURNED,
    "package_returned": OrderStatus.RETURNED,
}
# How far an order has gone, for the order's status over items in several statuses.
PROGRESS = [OrderStatus.UNPAID, OrderStatus.PENDING, OrderStatus.READY_TO_SHIP, OrderStatus.SHIPPED,
            OrderStatus.DELIVERED]
PUSH_TRADE_ORDER = 0


def item_status(lazada_status: str) -> OrderStatus:
    return ITEM_STATUSES.get(str(lazada_status or "").strip().lower(), OrderStatus.PENDING)


def order_status(line_statuses: Sequence[OrderStatus]) -> OrderStatus:
    """The order's status from its items': the most advanced of the items still sold (a partly cancelled
    order goes on with the rest); with none left, CANCELLED when every item was cancelled, else RETURNED."""
    live = [s for s in line_statuses if s.holds_stock]
    if live:
        return max(live, key=PROGRESS.index)
    if line_statuses and all(s == OrderStatus.CANCELLED for s in line_statuses):
        return OrderStatus.CANCELLED
    return OrderStatus.RETURNED if line_statuses else OrderStatus.PENDING


def _line_order(key: tuple[str, str, OrderStatus, int]) -> tuple:
    sku, _sku_id, status, price = key
    return sku, list(OrderStatus).index(status), price


def remote_order(order: dict, items: list[dict]) -> RemoteOrder:
    """GetOrder(s) and GetOrderItems as plain data. Lazada lists one order item per unit, so units of one
    SKU in one status at one price become one line with their quantity; each line has its own status
    (Lazada cancels single items). ``marketplace_status`` is Lazada's statuses joined."""
    grouped: dict[tuple[str, str, OrderStatus, int], list[dict]] = {}
    for item in items:
        price = vnd(item.get("paid_price") or item.get("item_price"))
        key = (str(item.get("sku") or ""), str(item.get("sku_id") or ""), item_status(item.get("status")), price)
        grouped.setdefault(key, []).append(item)
    lines = tuple(
        RemoteOrderLine(sku=sku, quantity=len(units), unit_price_vnd=price, status=status, external_variant_id=sku_id,
                        name=str(units[0].get("name") or ""))
        for (sku, sku_id, status, price), units in sorted(grouped.items(), key=lambda kv: _line_order(kv[0]))
    )
    statuses = order.get("statuses") or sorted({str(i.get("status") or "") for i in items})
    created = parse_time(order.get("created_at")) or EPOCH
    return RemoteOrder(
        external_id=str(order.get("order_id") or order.get("order_number")),
        status=order_status([line.status for line in lines]),
        marketplace_status=",".join(str(s) for s in statuses) if isinstance(statuses, list) else str(statuses),
        created_at=created, updated_at=parse_time(order.get("updated_at")) or created,
        lines=lines, total_vnd=vnd(order.get("price")) or sum(ln.quantity * ln.unit_price_vnd for ln in lines),
    )


def push_events(payload: dict, *, event_id: str) -> list[PushEvent]:
    """A verified push body -> our events: message_type 0 (trade order) names the order; the others are
    "other" (Lazada's other message types are not used here)."""
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    shop_id = str(payload.get("seller_id") or "")
    if payload.get("message_type") == PUSH_TRADE_ORDER and data.get("trade_order_id"):
        return [PushEvent(shop_id=shop_id, kind="order", event_id=event_id, external_id=str(data["trade_order_id"]),
                          status=str(item_status(data.get("order_status"))))]
    return [PushEvent(shop_id=shop_id, kind="other", event_id=event_id)]


# --- validation ---------------------------------------------------------------------------------------
def validate(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = (), rules: dict | None = None) -> list[ValidationProblem]:
    """Every rule the draft breaks, each saying in the owner's language what to fix. Pure."""
    r = {**DEFAULT_RULES, **(rules or {})}
    problems, add = problem_collector()

    name = draft.name.strip()
    if not name:
        add("name", _("Enter the product name."))
    elif len(name) > r["name_max"]:
        add("name", _("The name has %(n)d characters; Lazada allows at most %(max)d.") % {"n": len(name), "max": r["name_max"]})
    bad_chars = sorted({c for c in name if c in FORBIDDEN_CHARS})
    if bad_chars:
        add("name", _("The name contains characters Lazada does not accept (%(chars)s); remove them.")
            % {"chars": " ".join(bad_chars)})
    description = description_html(draft.description)
    if len(description) > r["description_max"]:
        add("description", _("The description is too long for Lazada (%(n)d characters, at most %(max)d); shorten it.")
            % {"n": len(description), "max": r["description_max"]})
    if not draft.category_id:
        add("category", _("Choose the Lazada category for this product's category (Sales channels → Categories)."))
    elif not draft.category_is_leaf:
        add("category", _("The Lazada category chosen has sub-categories; choose the most specific one."))
    for spec in attributes:
        if spec.mandatory and spec.external_id not in SYSTEM_ATTRIBUTES and \
                not any(str(v).strip() for v in draft.attributes.get(spec.external_id, [])):
            add("attributes", _("Fill in the attribute “%(name)s” required by the Lazada category.") % {"name": spec.name})
    images = draft.images
    if not r["images_min"] <= len(images) <= r["images_max"]:
        add("images", _("The product has %(n)d photos; Lazada needs %(min)d to %(max)d.")
            % {"n": len(images), "min": r["images_min"], "max": r["images_max"]})
    for image in images:
        if not image.filename.lower().endswith(IMAGE_EXTENSIONS):
            add("images", _("The photo %(name)s must be a JPG or PNG file.") % {"name": image.filename})
    variants = draft.variants
    if not variants:
        add("variants", _("The product has no variant with a price."))
    if len(variants) > r["skus_max"]:
        add("variants", _("The product has %(n)d variants; Lazada allows at most %(max)d.")
            % {"n": len(variants), "max": r["skus_max"]})
    check_option_values(draft, add)
    skus = [v.sku for v in variants]
    if len(set(skus)) != len(skus):
        add("sku", _("Two variants have the same SKU; Lazada needs a different SKU for each variant."))
    prices = [v.price_vnd for v in variants if v.price_vnd > 0]
    if len(prices) > 1 and min(prices) < max(prices) * r["variant_price_ratio_min"]:
        add("price", _("The cheapest variant (%(low)s VND) costs less than %(percent)d%% of the dearest (%(high)s VND); "
                       "Lazada refuses variant prices that far apart. Bring the prices closer or publish these "
                       "variants as separate products.")
            % {"low": money(min(prices)), "high": money(max(prices)), "percent": round(100 * r["variant_price_ratio_min"])})
    for v in variants:
        if not v.sku or len(v.sku) > r["seller_sku_max"]:
            add("sku", _("Variant %(sku)s: the SKU must have 1 to %(max)d characters.") % {"sku": v.sku[:20] or "—",
                                                                                           "max": r["seller_sku_max"]})
        elif any(c in FORBIDDEN_CHARS for c in v.sku):
            add("sku", _("Variant %(sku)s: the SKU contains characters Lazada does not accept (%(chars)s).")
                % {"sku": v.sku, "chars": " ".join(FORBIDDEN_CHARS)})
        if not r["price_min"] <= v.price_vnd <= r["price_max"]:
            add("price", _("Variant %(sku)s: the price must be between %(min)s and %(max)s VND.")
                % {"sku": v.sku, "min": money(r["price_min"]), "max": money(r["price_max"])})
        if v.stock < 0:
            add("stock", _("Variant %(sku)s: the stock cannot be negative.") % {"sku": v.sku})
        if v.weight_grams is None or v.weight_grams <= 0:
            add("weight", _("Variant %(sku)s: enter the package weight in grams.") % {"sku": v.sku})
        elif v.weight_grams / 1000 < r["weight_min_kg"]:
            add("weight", _("Variant %(sku)s: the package weight must be at least %(min)s kg.")
                % {"sku": v.sku, "min": r["weight_min_kg"]})
        if any(side is None or side < r["dimension_min_cm"] for side in (v.length_cm, v.width_cm, v.height_cm)):
            add("dimension", _("Variant %(sku)s: enter the package length, width and height in cm; Lazada requires them.")
                % {"sku": v.sku})
    return problems
