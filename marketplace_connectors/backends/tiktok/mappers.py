"""Pure transformations between our plain data and TikTok Shop's payloads (no HTTP, no database)."""

from __future__ import annotations

import hashlib
import html
import uuid
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
    ReviewState,
    ValidationProblem,
    VariantDraft,
)

from .._common import chunks as chunks  # mappers.chunks, as for every backend
from .._common import content_digest, has_variations, money, problem_collector, unix_time, variation_name, vnd

CURRENCY = "VND"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".bmp")
# Documented limits (marketplaces.md §3.4, Create Product): title [25, 255] outside US/EU/JP/BR/MX, description
# HTML at most 10 000, at most 9 main images and 100 SKUs, seller SKU 1-50 characters without spaces,
# inventory 1-99 999 per warehouse, images at most 10 MB.
DEFAULT_RULES = {
    "title_min": 25,
    "title_max": 255,
    "description_max": 10_000,
    "images_min": 1,
    "images_max": 9,
    "skus_max": 100,
    "seller_sku_max": 50,
    "quantity_min": 1,
    "quantity_max": 99_999,
    "image_max_bytes": 10 * 1024 * 1024,
    "package_dimensions_required": False,  # optional for VN (§3.4); the category rules may say otherwise
    "price_min": 1_000,
}
# Order statuses (Get Order List) to ours.
ORDER_STATUSES = {
    "UNPAID": OrderStatus.UNPAID,
    "ON_HOLD": OrderStatus.PENDING,
    "AWAITING_SHIPMENT": OrderStatus.READY_TO_SHIP,
    "PARTIALLY_SHIPPING": OrderStatus.READY_TO_SHIP,  # some packages still to ship: stock stays held
    "AWAITING_COLLECTION": OrderStatus.READY_TO_SHIP,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
}
# Product status (which folds in the audit, §3.4) to where the audit stands.
REVIEW_STATES = {
    "PENDING": ReviewState.UNDER_REVIEW,
    "DRAFT": ReviewState.UNDER_REVIEW,
    "ACTIVATE": ReviewState.LIVE,
    "SELLER_DEACTIVATED": ReviewState.LIVE,
    "FAILED": ReviewState.REJECTED,
    "PLATFORM_DEACTIVATED": ReviewState.REJECTED,
    "FREEZE": ReviewState.REJECTED,
    "DELETED": ReviewState.REJECTED,
}
WEBHOOK_ORDER_STATUS = 1
WEBHOOK_PRODUCT_STATUS = 5


def description_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def weight_kg(grams: int | None) -> str:
    return f"{max(grams or 0, 1) / 1000:.3f}".rstrip("0").rstrip(".")


def idempotency_key(*, app_key: str, shop_id: str, draft: ListingDraft, attempt: int = 0) -> str:
    """The same key for every try at publishing this product to this shop (UUID, as TikTok recommends), so a
    retry after a timeout returns the product the first try made. ``attempt`` moves on only when the key's
    product was deleted since."""
    skus = ",".join(sorted(v.sku for v in draft.variants))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tiktok:{app_key}:{shop_id}:{draft.product_id}:{skus}:{attempt}"))


def product_attributes(draft: ListingDraft, attributes: Sequence[AttributeSpec]) -> list[dict]:
    """``product_attributes``: values the owner gave for the category's product attributes; a value that is
    one of the attribute's options goes as its id, anything else as a custom name."""
    specs = {a.external_id: a for a in attributes}
    out = []
    for attr_id, values in sorted(draft.attributes.items()):
        spec = specs.get(attr_id)
        cleaned = [str(v).strip() for v in values if str(v).strip()]
        if not cleaned or (attributes and spec is None):
            continue
        option_ids = {o[0] for o in spec.options} if spec else set()
        option_by_label = {o[1]: o[0] for o in spec.options} if spec else {}
        entries = []
        for value in cleaned:
            if value in option_ids:
                entries.append({"id": value})
            elif value in option_by_label:
                entries.append({"id": option_by_label[value]})
            else:
                entries.append({"name": value})
        out.append({"id": attr_id, "values": entries})
    return out


def sku_body(draft: ListingDraft, variant: VariantDraft, *, warehouse_id: str, sku_id: str = "",
             with_price_stock: bool = True) -> dict:
    body: dict = {"seller_sku": variant.sku}
    if sku_id:
        body["id"] = sku_id
    if has_variations(draft):
        body["sales_attributes"] = [{"name": variation_name(draft), "value_name": variant.option_name or variant.sku}]
    if with_price_stock:
        body["price"] = {"amount": str(variant.price_vnd), "currency": CURRENCY}
        body["inventory"] = [{"warehouse_id": warehouse_id, "quantity": max(variant.stock, 0)}]
    return body


def package(draft: ListingDraft) -> dict:
    """The product's package: TikTok has one per product, so the heaviest (and largest) variant's."""
    heaviest = max(draft.variants, key=lambda v: v.weight_grams or 0)
    body: dict = {"package_weight": {"value": weight_kg(heaviest.weight_grams), "unit": "KILOGRAM"}}
    sides = [(v.length_cm, v.width_cm, v.height_cm) for v in draft.variants]
    if all(all(s) for s in sides):
        length, width, height = (max(s[i] for s in sides) for i in range(3))
        body["package_dimensions"] = {"length": str(length), "width": str(width), "height": str(height),
                                      "unit": "CENTIMETER"}
    return body


def product_body(draft: ListingDraft, *, image_uris: list[str], attributes: Sequence[AttributeSpec],
                 warehouse_id: str, sku_ids: dict[str, str] | None = None, with_price_stock: bool = True) -> dict:
    """Create Product's body (and Edit Product's, which is the same full product). With ``sku_ids`` the SKUs
    already on TikTok keep their ids and (``with_price_stock`` False) their price and inventory, which an
    edit leaves alone when omitted; new SKUs always carry both."""
    sku_ids = sku_ids or {}
    body = {
        "title": draft.name.strip(),
        "description": description_html(draft.description),
        "category_id": draft.category_id,
        "category_version": "v1",
        "main_images": [{"uri": uri} for uri in image_uris],
        "skus": [sku_body(draft, v, warehouse_id=warehouse_id, sku_id=sku_ids.get(v.sku, ""),
                          with_price_stock=with_price_stock or v.sku not in sku_ids)
                 for v in draft.variants],
        "is_cod_allowed": True,
        "save_mode": "LISTING",
        **package(draft),
    }
    attrs = product_attributes(draft, attributes)
    if attrs:
        body["product_attributes"] = attrs
    return body


def content_hash(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = ()) -> str:
    """A hash of everything Edit Product pushes (price and stock are compared per variant instead)."""
    content = {
        "title": draft.name.strip(),
        "description": description_html(draft.description),
        "category": draft.category_id,
        "attributes": product_attributes(draft, attributes),
        "images": [image.key for image in draft.images],
        "skus": [sku_body(draft, v, warehouse_id="", with_price_stock=False) for v in draft.variants],
        "package": package(draft) if draft.variants else {},
    }
    return content_digest(content)


def sku_ids(product: dict) -> dict[str, str]:
    return {str(s.get("seller_sku") or ""): str(s.get("id")) for s in product.get("skus") or [] if s.get("id")}


def remote_listing(product: dict) -> RemoteListing:
    skus = product.get("skus") or []
    return RemoteListing(
        external_id=str(product.get("id")),
        sku=str(skus[0].get("seller_sku") or "") if skus else "",
        status=str(product.get("status") or ""),
        name=str(product.get("title") or ""),
        variant_ids_by_sku=sku_ids(product),
    )


def review_state(status: str) -> ReviewState:
    return REVIEW_STATES.get(status.upper(), ReviewState.UNDER_REVIEW)


def rejection_reason(product: dict) -> str:
    """The audit's reasons and suggestions (asked for in Vietnamese: ``locale=vi-VN``), one line."""
    parts: list[str] = []
    for failure in product.get("audit_failed_reasons") or []:
        reasons = [str(r) for r in failure.get("reasons") or [] if r]
        suggestions = [str(s) for s in failure.get("suggestions") or [] if s]
        text = "; ".join(reasons)
        if suggestions:
            text = f"{text} ({'; '.join(suggestions)})" if text else "; ".join(suggestions)
        if text:
            parts.append(text)
    if not parts and product.get("status") in ("PLATFORM_DEACTIVATED", "FREEZE"):
        parts.append(_("TikTok Shop suspended the listing."))
    if not parts and product.get("status") == "DELETED":
        parts.append(_("The listing was deleted on TikTok Shop."))
    return " | ".join(parts)


# --- orders ------------------------------------------------------------------------------------------
def order_status(tiktok_status: str) -> OrderStatus:
    return ORDER_STATUSES.get(tiktok_status.upper(), OrderStatus.PENDING)


def remote_order(order: dict) -> RemoteOrder:
    """One order; TikTok lists one line item per unit, so units of the same SKU, price and status are
    folded into one line with their quantity."""
    status_word = str(order.get("status") or "")
    status = order_status(status_word)
    lines: dict[tuple, int] = {}
    names: dict[tuple, str] = {}
    for item in order.get("line_items") or []:
        item_status = order_status(str(item.get("display_status") or status_word))
        key = (str(item.get("seller_sku") or ""), str(item.get("sku_id") or ""),
               vnd(item.get("sale_price") or item.get("original_price")), item_status)
        lines[key] = lines.get(key, 0) + 1
        names.setdefault(key, str(item.get("product_name") or ""))
    return RemoteOrder(
        external_id=str(order.get("id")),
        status=status,
        marketplace_status=status_word,
        created_at=unix_time(order.get("create_time")),
        updated_at=unix_time(order.get("update_time") or order.get("create_time")),
        lines=tuple(RemoteOrderLine(sku=sku, quantity=quantity, unit_price_vnd=price, status=line_status,
                                    external_variant_id=sku_id, name=names[(sku, sku_id, price, line_status)])
                    for (sku, sku_id, price, line_status), quantity in sorted(lines.items(), key=lambda kv: kv[0][:3])),
        total_vnd=vnd((order.get("payment") or {}).get("total_amount")),
    )


# --- webhooks ----------------------------------------------------------------------------------------
def push_events(payload: dict, *, raw_body: bytes) -> list[PushEvent]:
    """A verified webhook's events: type 1 (order status change) and type 5 (product status change, the audit
    decision); other types are acknowledged as "other"."""
    event_id = str(payload.get("tts_notification_id") or hashlib.sha256(raw_body).hexdigest())
    shop_id = str(payload.get("shop_id") or "")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    kind = payload.get("type")
    if kind == WEBHOOK_ORDER_STATUS:
        return [PushEvent(shop_id=shop_id, kind="order", event_id=event_id, external_id=str(data.get("order_id") or ""),
                          status=str(data.get("order_status") or ""))]
    if kind == WEBHOOK_PRODUCT_STATUS:
        return [PushEvent(shop_id=shop_id, kind="listing", event_id=event_id,
                          external_id=str(data.get("product_id") or ""), status=str(data.get("status") or ""),
                          reason=str(data.get("suspended_reason") or ""))]
    return [PushEvent(shop_id=shop_id, kind="other", event_id=event_id)]


# --- validation --------------------------------------------------------------------------------------
def validate(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = (), rules: dict | None = None) -> list[ValidationProblem]:
    """Every documented TikTok Shop rule the draft breaks, each saying in the owner's language what to fix. Pure."""
    r = {**DEFAULT_RULES, **(rules or {})}
    problems, add = problem_collector()

    title = draft.name.strip()
    if not title:
        add("name", _("Enter the product name."))
    elif not r["title_min"] <= len(title) <= r["title_max"]:
        add("name", _("The name has %(n)d characters; TikTok Shop needs %(min)d to %(max)d.")
            % {"n": len(title), "min": r["title_min"], "max": r["title_max"]})
    if len(description_html(draft.description)) > r["description_max"]:
        add("description", _("The description is too long for TikTok Shop (at most %(max)d characters); shorten it.")
            % {"max": r["description_max"]})
    if not draft.category_id:
        add("category", _("Choose the TikTok Shop category for this product's category (Sales channels → Categories)."))
    elif not draft.category_is_leaf:
        add("category", _("The TikTok Shop category chosen has sub-categories; choose the most specific one."))
    for spec in attributes:
        if spec.mandatory and not any(str(v).strip() for v in draft.attributes.get(spec.external_id, [])):
            add("attributes", _("Fill in the attribute “%(name)s” required by the TikTok Shop category.") % {"name": spec.name})
    if not r["images_min"] <= len(draft.images) <= r["images_max"]:
        add("images", _("The product has %(n)d photos; TikTok Shop needs %(min)d to %(max)d.")
            % {"n": len(draft.images), "min": r["images_min"], "max": r["images_max"]})
    for image in draft.images:
        if not image.filename.lower().endswith(IMAGE_EXTENSIONS):
            add("images", _("The photo %(name)s must be a JPG, PNG or WEBP file.") % {"name": image.filename})
        elif image.size_bytes > r["image_max_bytes"]:
            add("images", _("The photo %(name)s is larger than 10 MB.") % {"name": image.filename})
    variants = draft.variants
    if not variants:
        add("variants", _("The product has no variant with a price."))
    elif len(variants) > r["skus_max"]:
        add("variants", _("The product has %(n)d variants; TikTok Shop allows at most %(max)d.")
            % {"n": len(variants), "max": r["skus_max"]})
    if has_variations(draft):
        labels = [v.option_name for v in variants]
        if any(not label for label in labels):
            add("variants", _("Every variant needs an option value (for example 500 g, 1 kg)."))
        elif len(set(labels)) != len(labels):
            add("variants", _("Two variants have the same option value; make each one different."))
    skus = [v.sku for v in variants]
    if len(set(skus)) != len(skus):
        add("sku", _("Two variants have the same SKU; TikTok Shop needs a different SKU for each variant."))
    for v in variants:
        if not v.sku or len(v.sku) > r["seller_sku_max"] or any(c.isspace() for c in v.sku):
            add("sku", _("Variant %(sku)s: the SKU must have 1 to %(max)d characters and no spaces.")
                % {"sku": v.sku[:20] or "—", "max": r["seller_sku_max"]})
        if v.price_vnd < r["price_min"]:
            add("price", _("Variant %(sku)s: the price must be at least %(min)s VND.") % {"sku": v.sku, "min": money(r["price_min"])})
        if not r["quantity_min"] <= v.stock <= r["quantity_max"]:
            add("stock", _("Variant %(sku)s: TikTok Shop lists only stock from %(min)d to %(max)s units.")
                % {"sku": v.sku, "min": r["quantity_min"], "max": money(r["quantity_max"])})
        if not v.weight_grams or v.weight_grams <= 0:
            add("weight", _("Variant %(sku)s: enter the package weight in grams.") % {"sku": v.sku})
        if r["package_dimensions_required"] and not all((v.length_cm, v.width_cm, v.height_cm)):
            add("dimension", _("Variant %(sku)s: enter the package length, width and height in cm; this TikTok Shop "
                               "category requires them.") % {"sku": v.sku})
    return problems
