"""Pure functions between our ListingDraft and Tiki's payloads, Tiki's rules, and Tiki's answers.

No I/O here. Sources (docs/marketplaces/tiki.md and open.tiki.vn guides): a product *request* carries
``category_id`` (a primary category), ``name``, HTML ``description``, ``attributes`` {code: value} with
every required attribute, ``image``/``images`` (URLs Tiki downloads), at most two ``option_attributes``
and ``variants`` [{sku, price (integer VND > 0), quantity, inventory_type, option1/option2}]; categories
that need legal documents take them as ``certificate_files`` (files uploaded as images, referenced by URL;
the ``document_id`` of each is the one Tiki names in its "Category legal document is missing
document_id = N" rejection, tikivn/open-api-docs#316). Tiki turns each variant into a product of its own
(``product_id``, ``original_sku`` = our SKU). Images under 500x500 px are rejected ("product media is
empty", tikivn/open-api-docs#211): photos are padded up to 500 px before upload.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace_connectors.base import (
    AttributeSpec,
    ListingDraft,
    OrderStatus,
    RemoteListing,
    RemoteOrder,
    RemoteOrderLine,
    ReviewState,
    ValidationProblem,
)
from marketplace_connectors.rules import ListingRules, ProblemList
from marketplace_connectors.rules import validate as validate_rules

from .._common import chunks as chunks  # connector.py batches with mappers.chunks
from .._common import (
    content_digest,
    has_variations,
    parse_time_formats,
    variation_name,
)

# Tiki takes HTML: our text as escaped paragraphs.
from .._common import html_paragraphs as description_html

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # "API use yyyy-MM-dd HH:mm:ss datetime format" (Vietnamese time)
REQUEST_PREFIX = "request:"  # external id of a listing still waiting for Tiki's review: "request:<track_id>"
IMAGE_MIN_SIDE = 500
NO_BRAND = "OEM"


@dataclass(frozen=True)
class TikiRules(ListingRules):
    """Tiki's limits, plus its own: the legal documents a category requires, and the files they may be."""

    #: [{"kind", "document_id", "name"}], from Tiki per category (``required_documents``)
    required_documents: tuple = ()
    document_extensions: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".pdf")
    document_max_bytes: int = 10 * 1024 * 1024


# Sources: docs/marketplaces/tiki.md, Create product request (G-create, G-structure): a primary category;
# every required attribute; certificate files uploaded as images (JPG/PNG; we also take PDF); at most 2 option
# attributes; variants with price > 0. The request's field limits are past the stored excerpts (U): name at
# most 255 characters, 1 to 12 images, 100 variants, SKU at most 64 characters, price from 1,000 VND and
# documents of at most 10 MB are our own limits, kept from before.
RULES = TikiRules(
    marketplace="Tiki",
    name_max=255,
    images_min=1, images_max=12,
    # Attributes the connector fills itself from the draft; the owner is never asked for them.
    system_attributes=frozenset({"name", "description", "brand", "product_weight_kg", "product_length",
                                 "product_width", "product_height", "bulky", "sku", "price", "quantity"}),
    variants_max=100,
    sku_max=64,
    price_min=1_000, price_max=999_999_999,
    weight_required=True,
)
IMAGE_EXTENSIONS = RULES.image_extensions
SYSTEM_ATTRIBUTES = RULES.system_attributes

# Tiki's document codes -> sme.catalog's document kinds. Codes Tiki adds later keep their own name, so
# validate still asks for them by the name Tiki gives.
DOCUMENT_KINDS = {
    "food_safety": "food_safety_certificate",  # Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm
    "product_announcement": "self_declaration",  # Bản tự công bố sản phẩm
    "quality_certificate": "test_report",  # Phiếu kết quả kiểm nghiệm / chứng nhận chất lượng
    "ocop": "ocop_certificate",
}

REVIEW_STATES = {
    "approved": ReviewState.LIVE,
    "rejected": ReviewState.REJECTED,
    "deleted": ReviewState.REJECTED,
}  # queuing, processing, drafted, awaiting_approve, and md_/bot_awaiting_approve (Tiki's status flow page)
# or md_/bot_waiting_approve (its create-request guide spells them so; tiki.md finding 10): still under review

# Tiki order statuses (TIKI Theory V2, Order Status) -> ours. Orders before "queueing" are not yet accepted
# by Tiki but hold stock all the same (an unpaid order keeps its items reserved).
#: Order statuses before ``queueing``: Tiki has not accepted the order yet (G-listorders)
NOT_CONFIRMED_STATUSES = ("waiting_payment", "payment_review", "processing")
NOT_CONFIRMED_BY_TIKI = gettext_lazy("not yet confirmed by Tiki")

ORDER_STATUSES = {
    "waiting_payment": OrderStatus.UNPAID, "payment_review": OrderStatus.UNPAID, "processing": OrderStatus.UNPAID,
    "queueing": OrderStatus.PENDING, "paid": OrderStatus.PENDING, "holded": OrderStatus.PENDING,
    "packaging": OrderStatus.READY_TO_SHIP, "picking": OrderStatus.READY_TO_SHIP,
    "finished_packing": OrderStatus.READY_TO_SHIP, "ready_to_ship": OrderStatus.READY_TO_SHIP,
    "handover_to_partner": OrderStatus.SHIPPED, "shipping": OrderStatus.SHIPPED,
    "successful_delivery": OrderStatus.DELIVERED, "delivered": OrderStatus.DELIVERED,
    "complete": OrderStatus.DELIVERED, "closed": OrderStatus.DELIVERED,
    "canceled": OrderStatus.CANCELLED, "cancelled": OrderStatus.CANCELLED,
    "returned": OrderStatus.RETURNED,
}


def tiki_time(moment: dt.datetime) -> str:
    return moment.astimezone(VN).strftime(TIME_FORMAT)


def parse_time(value) -> dt.datetime | None:
    """Tiki's times: ``TIME_FORMAT`` in Vietnamese time, or ISO 8601 with an offset."""
    return parse_time_formats(value, (TIME_FORMAT, "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"), naive_tz=VN)


def to_int(value, default: int = 0) -> int:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return default


# --- payloads ----------------------------------------------------------------------------------------
def attribute_values(draft: ListingDraft, attributes: Sequence[AttributeSpec]) -> dict[str, str]:
    """The owner's category attributes: code -> one text (a multi-select's values joined by commas)."""
    specs = {a.external_id: a for a in attributes}
    out: dict[str, str] = {}
    for code, values in sorted(draft.attributes.items()):
        spec = specs.get(code)
        values = [str(v).strip() for v in values if str(v).strip()]
        if spec is None or not values or code in SYSTEM_ATTRIBUTES:
            continue
        out[code] = ",".join(values) if spec.input_type == "multi_select" else values[0]
    return out


def package_attributes(draft: ListingDraft) -> dict[str, object]:
    """Weight and size of the largest variant's package (Tiki asks them per product)."""
    heaviest = max(draft.variants, key=lambda v: v.weight_grams or 0, default=None)
    if heaviest is None:
        return {}
    out: dict[str, object] = {"bulky": 0}
    if heaviest.weight_grams:
        out["product_weight_kg"] = round(heaviest.weight_grams / 1000, 3)
    for name, value in (("product_length", heaviest.length_cm), ("product_width", heaviest.width_cm),
                        ("product_height", heaviest.height_cm)):
        if value:
            out[name] = value
    return out


def request_body(draft: ListingDraft, *, image_urls: list[str], attributes: Sequence[AttributeSpec],
                 certificates: Sequence[tuple[str, str]] = (), inventory_type: str = "dropship",
                 warehouse_ids: Sequence[str] = ()) -> dict:
    """The create-product-request body. ``certificates`` are (Tiki document id, URL) pairs; with
    ``warehouse_ids`` stock goes to the first warehouse (``warehouse_quantities``), else ``quantity``."""
    body: dict = {
        "category_id": to_int(draft.category_id) or draft.category_id,
        "name": draft.name.strip(),
        "description": description_html(draft.description),
        "attributes": {"brand": NO_BRAND, **package_attributes(draft), **attribute_values(draft, attributes)},
        "image": image_urls[0] if image_urls else "",
        "images": list(image_urls[1:]),
        "option_attributes": [variation_name(draft)] if has_variations(draft) else [],
        "variants": [],
    }
    for v in draft.variants:
        variant: dict = {"sku": v.sku, "price": v.price_vnd, "inventory_type": inventory_type}
        if warehouse_ids:
            variant["warehouse_quantities"] = [{"warehouse_id": to_int(warehouse_ids[0]), "qty_available": max(0, v.stock)}]
        else:
            variant["quantity"] = max(0, v.stock)
        if has_variations(draft):
            variant["option1"] = v.option_name or v.sku
        body["variants"].append(variant)
    if certificates:
        body["certificate_files"] = [{"type": "url", "url": url, "document_id": to_int(doc_id) or doc_id}
                                     for doc_id, url in certificates]
    return body


def update_entry(*, product_id: str, price_vnd: int | None = None, stock: int | None = None,
                 active: bool | None = None, warehouse_ids: Sequence[str] = ()) -> dict:
    """One item of updateSkus: ``status`` 1 shows the product, 2 hides it (Tiki's batch example)."""
    entry: dict = {"product_id": to_int(product_id) or product_id}
    if price_vnd is not None:
        entry["price"] = price_vnd
    if stock is not None:
        if warehouse_ids:
            entry["seller_warehouse"] = ",".join(str(w) for w in warehouse_ids[:1])
            entry["warehouse_quantities"] = [{"warehouse_id": to_int(warehouse_ids[0]), "qty_available": max(0, stock)}]
        else:
            entry["quantity"] = max(0, stock)
    if active is not None:
        entry["status"] = 1 if active else 2
    return entry


def failed_updates(answer, entries: list[dict]) -> dict[str, str]:
    """updateSkus' per-item outcome -> {product id: reason}. Tiki documents no per-item answer: an item
    is failed when the answer names it with ``success: false``, an ``error(s)`` or ``status: failed``."""
    failed: dict[str, str] = {}
    items = answer.get("data") if isinstance(answer, dict) else answer
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        errors = item.get("errors") or item.get("error") or ""
        bad = item.get("success") is False or str(item.get("status", "")).lower() in ("failed", "error") or errors
        if not bad:
            continue
        key = str(item.get("product_id") or "")
        if not key and item.get("original_sku"):
            key = next((str(e["product_id"]) for e in entries if str(e.get("original_sku")) == str(item["original_sku"])), "")
        reason = "; ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors or item.get("message") or "")
        if key:
            failed[key] = reason or "update failed"
    return failed


def content_hash(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = ()) -> str:
    """A hash of everything a product request carries but price and stock."""
    content = {
        "name": draft.name.strip(), "description": description_html(draft.description),
        "category": draft.category_id, "attributes": attribute_values(draft, attributes),
        "package": package_attributes(draft), "images": [image.key for image in draft.images],
        "documents": sorted(d.key for d in draft.documents),
        "variation": variation_name(draft) if has_variations(draft) else "",
        "variants": [(v.sku, v.option_name) for v in draft.variants],
    }
    return content_digest(content)


def fit_image(content: bytes) -> tuple[bytes, bool]:
    """A photo Tiki accepts: JPG/PNG with both sides at least 500 px. Smaller photos are centred on a white
    square and re-encoded as JPEG. Returns the bytes and whether they changed."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as pic:
        width, height = pic.size
        if (pic.format or "").upper() in ("JPEG", "PNG") and min(width, height) >= IMAGE_MIN_SIDE:
            return content, False
        rgb = pic.convert("RGB")
    side = max(IMAGE_MIN_SIDE, width, height)
    canvas = Image.new("RGB", (side, side), (255, 255, 255))
    canvas.paste(rgb, ((side - width) // 2, (side - height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=90)
    return out.getvalue(), True


# --- answers -----------------------------------------------------------------------------------------
def category_rows(categories: list[dict]) -> list[tuple[str, str, str, bool]]:
    """Tiki's flat category list -> (id, parent id, name, is leaf). A product goes in a *primary*
    category; when Tiki does not say, a category without children is taken as one."""
    parents = {str(c.get("parent_id") or c.get("parent") or "") for c in categories}
    rows = []
    for c in categories:
        cid = str(c.get("id") or c.get("category_id") or "")
        if not cid:
            continue
        primary = c.get("is_primary")
        leaf = bool(int(primary)) if primary is not None else cid not in parents
        parent = str(c.get("parent_id") or c.get("parent") or "")
        rows.append((cid, "" if parent in ("0", "None") else parent, str(c.get("name") or ""), leaf))
    return rows


INPUT_TYPES = {"select": "select", "dropdown": "select", "multiselect": "multi_select",
               "multi_select": "multi_select"}


def attribute_spec(attr: dict) -> AttributeSpec | None:
    code = str(attr.get("code") or "")
    if not code or code in SYSTEM_ATTRIBUTES:
        return None
    options = tuple((str(o.get("id", o.get("value"))), str(o.get("value") or o.get("label") or ""))
                    for o in attr.get("values") or [] if isinstance(o, dict))
    return AttributeSpec(external_id=code, name=str(attr.get("display_name") or attr.get("name") or code),
                         mandatory=bool(to_int(attr.get("is_required"))),
                         input_type=INPUT_TYPES.get(str(attr.get("input_type") or "").lower(), "text"), options=options)


def required_documents(entries: list[dict]) -> list[dict]:
    """Tiki's required documents of a category -> rules entries {"kind", "document_id", "name"}."""
    out = []
    for entry in entries:
        code = str(entry.get("code") or entry.get("type") or "")
        doc_id = str(entry.get("id") or entry.get("document_id") or "")
        if not code and not doc_id:
            continue
        out.append({"kind": DOCUMENT_KINDS.get(code, code or f"tiki_{doc_id}"), "document_id": doc_id,
                    "name": str(entry.get("name") or code)})
    return out


def request_reasons(record: dict) -> str:
    """Why Tiki rejected a request, one line: the request records' ``reasons`` (G-requests; a list, a text or
    null – its items' shape is not published, U) and the tracking's ``reason``."""
    parts: list[str] = []
    raw = record.get("reasons")
    for item in raw if isinstance(raw, list) else [raw]:
        text = item.get("message") or item.get("reason") or item.get("name") if isinstance(item, dict) else item
        if text and str(text).strip():
            parts.append(str(text).strip())
    if record.get("reason") and str(record["reason"]).strip() not in parts:
        parts.append(str(record["reason"]).strip())
    return "; ".join(parts)


def request_skus(tracking: dict) -> set[str]:
    """The seller SKUs a tracked request carries: its ``variants`` while pending (the simulator, and Tiki
    when it echoes the request), its ``products`` once approved."""
    skus = {str(v.get("sku")) for v in tracking.get("variants") or [] if isinstance(v, dict) and v.get("sku")}
    skus |= {str(p.get("original_sku")) for p in tracking.get("products") or [] if isinstance(p, dict) and p.get("original_sku")}
    return skus


def approved_ids(products: list[dict]) -> tuple[str, dict[str, str]]:
    """(listing id, {SKU: product id}) from an approved request's products. The listing id is the
    configurable parent Tiki reports (``super_id``) when the variants share one, else the first product."""
    ids = {str(p.get("original_sku") or ""): str(p.get("product_id") or p.get("id")) for p in products
           if p.get("product_id") or p.get("id")}
    supers = {str(p.get("super_id")) for p in products if to_int(p.get("super_id"))}
    listing = supers.pop() if len(supers) == 1 and len(products) > 1 else next(iter(ids.values()), "")
    return listing, ids


def listing_id(product: dict) -> str:
    """The listing a product belongs to: its configurable parent, or itself."""
    return str(product.get("super_id")) if to_int(product.get("super_id")) else str(product.get("product_id") or product.get("id"))


def product_status(product: dict) -> str:
    if product.get("is_hidden"):
        return "hidden"
    return "active" if to_int(product.get("active")) == 1 else "inactive"


def remote_listings(products: list[dict]) -> list[RemoteListing]:
    """Tiki products (one per variant) grouped into listings by configurable parent."""
    grouped: dict[str, list[dict]] = {}
    for product in products:
        grouped.setdefault(listing_id(product), []).append(product)
    listings = []
    for external_id, members in grouped.items():
        members.sort(key=lambda p: to_int(p.get("product_id") or p.get("id")))
        statuses = {product_status(p) for p in members}
        listings.append(RemoteListing(
            external_id=external_id, sku=str(members[0].get("original_sku") or ""),
            status="active" if "active" in statuses else statuses.pop(),
            name=str(members[0].get("name") or ""),
            variant_ids_by_sku={str(p.get("original_sku") or ""): str(p.get("product_id") or p.get("id")) for p in members},
        ))
    return listings


def remote_order(order: dict) -> RemoteOrder:
    status_word = str(order.get("status") or "")
    status = ORDER_STATUSES.get(status_word, OrderStatus.PENDING)
    lines = []
    for item in order.get("items") or []:
        product = item.get("product") or {}
        invoice = item.get("invoice") or {}
        product_id = str(product.get("id") or product.get("product_id") or "")
        seller_code = str(product.get("seller_product_code") or product.get("original_sku") or "")
        lines.append(RemoteOrderLine(
            # the seller's code may be empty (docs/marketplaces/tiki.md finding 1): the line is then known by
            # Tiki's product id, matched through the listing's bindings, and two such lines never merge
            sku=seller_code or (f"tiki-{product_id}" if product_id else str(product.get("sku") or "")),
            quantity=to_int(invoice.get("quantity") or item.get("qty") or item.get("quantity"), 1),
            unit_price_vnd=to_int(invoice.get("price") or product.get("price")),
            status=status, external_variant_id=product_id,
            name=str(product.get("name") or ""),
        ))
    invoice = order.get("invoice") or {}
    created = parse_time(order.get("created_at")) or dt.datetime.now(tz=VN)
    return RemoteOrder(
        external_id=str(order.get("code")), status=status, marketplace_status=status_word,
        created_at=created, updated_at=parse_time(order.get("updated_at")) or created, lines=tuple(lines),
        total_vnd=to_int(invoice.get("grand_total") or invoice.get("total_seller_income") or invoice.get("subtotal")),
    )


# --- validation ---------------------------------------------------------------------------------------
def validate(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = (), rules: dict | None = None) -> list[ValidationProblem]:
    """Every rule the draft breaks (``RULES`` with ``rules`` over them), in the owner's language. Pure."""
    tiki = RULES.updated(rules)

    def documents(draft: ListingDraft, problems: ProblemList) -> None:
        kinds = {d.kind for d in draft.documents}
        for required in tiki.required_documents:
            if required.get("kind") not in kinds:
                problems.add("documents", _("Tiki requires the document “%(name)s” for this category; upload it with "
                                            "the product's documents.")
                             % {"name": required.get("name") or required.get("kind")})
        for document in draft.documents:
            if not document.filename.lower().endswith(tiki.document_extensions):
                problems.add("documents", _("The document %(name)s must be a PDF, JPG or PNG file.")
                             % {"name": document.filename})
            elif document.size_bytes > tiki.document_max_bytes:
                problems.add("documents", _("The document %(name)s is larger than %(max)d MB.")
                             % {"name": document.filename, "max": tiki.document_max_bytes // (1024 * 1024)})

    return validate_rules(draft, rules=tiki, attributes=attributes, extra=documents)
