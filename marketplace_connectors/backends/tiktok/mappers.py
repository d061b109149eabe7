"""Pure transformations between our plain data and TikTok Shop's payloads (no HTTP, no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import uuid
from collections.abc import Sequence

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace_connectors.base import (
    AttributeSpec,
    DocumentDraft,
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
from marketplace_connectors.rules import ListingRules
from marketplace_connectors.rules import validate as validate_rules

from .._common import EPOCH, content_digest, has_variations, unix_time, variation_name, vnd
from .._common import chunks as chunks  # mappers.chunks, as for every backend

CURRENCY = "VND"
# Sources: docs/marketplaces/tiktok.md, Create Product (R-create) for a Vietnamese local seller: title 25 to 255
# characters; description HTML at most 10,000 characters; 1 to 9 main images; at most 100 SKUs; seller_sku 1-50
# characters without spaces; a sales attribute's value_name at most 50 characters; price 1 to 180,000,000 VND
# (R-pricing); inventory quantity 1 to 99,999; package_weight required; package_dimensions optional unless the
# category's rules require them (Get Category Rules ``package_dimension.is_required``, R-rules). Images
# (Upload Product Image, R-image): JPG, JPEG, PNG, WEBP, HEIC or BMP, at most 10 MB.
RULES = ListingRules(
    marketplace="TikTok Shop",
    name_min=25, name_max=255,
    description_max=10_000,
    images_min=1, images_max=9,
    image_extensions=(".jpg", ".jpeg", ".png", ".webp", ".heic", ".bmp"), image_max_bytes=10 * 1024 * 1024,
    variants_max=100, option_max=50,
    sku_max=50, sku_spaces_allowed=False,
    price_min=1, price_max=180_000_000,
    stock_min=1, stock_max=99_999,
    weight_required=True,
)
IMAGE_EXTENSIONS = RULES.image_extensions
SALES_ATTRIBUTE_NAME_MAX = 20  # R-create: a custom sales attribute's name (12052242); its values 50 (option_max)
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
# Words of a certification's name (Get Category Rules gives no code) -> sme.catalog's document kinds.
CERTIFICATE_KINDS = (
    ("an toàn thực phẩm", "food_safety_certificate"), ("food safety", "food_safety_certificate"),
    ("công bố", "self_declaration"), ("declaration", "self_declaration"),
    ("ocop", "ocop_certificate"),
    ("kiểm nghiệm", "test_report"), ("test report", "test_report"),
)
OTHER_DOCUMENT = "other"
# sme.catalog's document kinds as the owner knows them (the catalog's own labels, so the same translations)
DOCUMENT_KIND_NAMES = {
    "food_safety_certificate": gettext_lazy("Food safety eligibility certificate"),
    "self_declaration": gettext_lazy("Product quality self-declaration"),
    "ocop_certificate": gettext_lazy("OCOP certificate"),
    "test_report": gettext_lazy("Test report"),
    OTHER_DOCUMENT: gettext_lazy("Other document"),
}
WEBHOOK_ORDER_STATUS = 1
WEBHOOK_PRODUCT_STATUS = 5
WEBHOOK_SELLER_DEAUTHORIZED = 6  # G-wh6
WEBHOOK_AUTHORIZATION_EXPIRING = 7  # G-wh7: sent 30 days before the authorisation ends, then daily
WEBHOOK_PRODUCT_AUDIT = 37  # G-wh37: product audit status change
AUTHORIZATION_WARNING_DAYS = 30  # G-wh7: the first type-7 webhook comes 30 days before the end


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


def certificate_kind(name: str) -> str:
    """The kind of the owner's documents (sme.catalog's document kinds) a TikTok certification asks for.
    Get Category Rules names a certification in the requested language and gives no code, so the kind is
    read from words of its name (our reading, U); anything else is an "other document"."""
    lowered = name.lower()
    return next((kind for words, kind in CERTIFICATE_KINDS if words in lowered), OTHER_DOCUMENT)


def category_rules(rules: dict) -> dict:
    """Our rules from Get Category Rules' answer (docs/marketplaces/tiktok.md, Get Category Rules): package
    dimensions required, cash on delivery supported, and each certification with the document kind that
    fills it, whether it is always required or only when an attribute has a value (``conditions``), and
    whether its expiry date must be sent."""
    certifications = []
    for cert in rules.get("product_certifications") or []:
        name = str(cert.get("name") or cert.get("id"))
        certifications.append({
            "id": str(cert.get("id") or ""), "name": name, "kind": certificate_kind(name),
            "always": bool(cert.get("is_required")),
            "conditions": [[str(c.get("attribute_id") or ""), str(c.get("attribute_value_id") or "")]
                           for c in cert.get("requirement_conditions") or []],
            "expiry_required": bool((cert.get("expiration_date") or {}).get("is_required")),
        })
    return {"dimensions_required": bool((rules.get("package_dimension") or {}).get("is_required")),
            # a category without COD refuses is_cod_allowed=true (12052222); silent: supported
            "cod_supported": (rules.get("cod") or {}).get("is_supported") is not False,
            "certifications": certifications}


def conditional_attributes(attributes: list[dict]) -> list[dict]:
    """Get Attributes' product attributes that are not ``is_requried`` yet become required when another
    attribute has a value (R-attrs ``requirement_conditions``, VALUE_ID_MATCH): {id, name, conditions}."""
    return [{"id": str(a.get("id")), "name": str(a.get("name") or a.get("id")),
             "conditions": [[str(c.get("attribute_id") or ""), str(c.get("attribute_value_id") or "")]
                            for c in a.get("requirement_conditions") or []]}
            for a in attributes
            if a.get("type") != "SALES_PROPERTY" and not a.get("is_requried", a.get("is_required"))
            and a.get("requirement_conditions")]


def _condition_holds(draft: ListingDraft, conditions) -> bool:
    return any(value in {str(v) for v in draft.attributes.get(attribute, [])} for attribute, value in conditions or ())


def required_certifications(draft: ListingDraft, rules: dict | None) -> list[dict]:
    """The category's certifications the draft needs: the always required ones, and those whose condition
    (an attribute value the owner chose, R-rules ``requirement_conditions``) holds."""
    return [cert for cert in (rules or {}).get("certifications") or ()
            if cert.get("always") or _condition_holds(draft, cert.get("conditions"))]


def certificate_document(draft: ListingDraft, cert: dict) -> DocumentDraft | None:
    """The owner's document for a certification: the newest valid one of its kind (documents come newest
    first), None when there is none."""
    return next((d for d in draft.documents if d.kind == cert.get("kind")), None)


def is_pdf(document: DocumentDraft) -> bool:
    return document.content.startswith(b"%PDF") if document.content else document.filename.lower().endswith(".pdf")


def certificate_file_name(document: DocumentDraft) -> str:
    """Upload Product File's ``name`` (R-file): with its extension, no other period, no spaces, not starting
    with a symbol."""
    stem = slugify(document.filename.rsplit(".", 1)[0]) or "certificate"
    return f"{stem[:80]}.pdf"


def expiration_timestamp(expires_on: dt.date) -> int:
    """``certifications[].expiration_date`` (R-create): Unix seconds; the end of the expiry day in Vietnam."""
    end = dt.datetime.combine(expires_on, dt.time(23, 59, 59), tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return int(end.timestamp())


def certification_entry(cert: dict, document: DocumentDraft, *, image_uri: str = "", file_id: str = "") -> dict:
    """One ``certifications[]`` entry of Create Product (R-create): the rule's ``id``, the document as an
    image (uploaded with ``use_case=CERTIFICATION_IMAGE``) or a PDF file (Upload Product File), and its expiry
    date when the owner gave one."""
    entry: dict = {"id": cert["id"]}
    if file_id:
        entry["files"] = [{"id": file_id, "name": certificate_file_name(document), "format": "PDF"}]
    else:
        entry["images"] = [{"uri": image_uri}]
    if document.expires_on is not None:
        entry["expiration_date"] = expiration_timestamp(document.expires_on)
    return entry


def merged_edit_body(product: dict, ours: dict) -> dict:
    """Edit Product's body (a full overwrite) from TikTok's copy of the product with our fields laid over it:
    what the seller set in Seller Center (brand, certifications, size chart, video, delivery options, COD,
    attributes we do not fill, SKUs we did not create with their sales attributes and codes) is sent back
    unchanged, since anything left out is cleared and any SKU id left out is deleted. Price and inventory
    of existing SKUs are left out (TikTok keeps them)."""
    body: dict = {}
    brand = (product.get("brand") or {}).get("id")
    if brand:
        body["brand_id"] = str(brand)
    for key in ("certifications", "size_chart", "video", "package_dimensions"):
        if product.get(key):
            body[key] = product[key]
    if product.get("delivery_options"):
        body["delivery_option_ids"] = [str(d.get("id")) for d in product["delivery_options"] if d.get("id")]
    if "is_cod_allowed" in product:
        body["is_cod_allowed"] = bool(product["is_cod_allowed"])
    body.update({k: v for k, v in ours.items() if k not in ("is_cod_allowed", "skus", "product_attributes")})
    if ours.get("is_cod_allowed") is False:  # the category no longer supports COD: never send true
        body["is_cod_allowed"] = False
    body["product_attributes"] = merged_attributes(product, ours)
    mine = {str(s.get("id")) for s in ours.get("skus") or [] if s.get("id")}
    kept = [{k: v for k, v in sku.items() if k in ("id", "seller_sku", "sales_attributes", "identifier_code",
                                                    "external_sku_id")}
            for sku in product.get("skus") or [] if str(sku.get("id")) not in mine]
    body["skus"] = [*ours.get("skus", []), *kept]
    return body


def merged_attributes(product: dict, ours: dict) -> list[dict]:
    """Our attribute values, and the seller's for the attributes we do not fill (a list sent replaces it whole)."""
    mine = {str(a.get("id")) for a in ours.get("product_attributes") or []}
    theirs = [{"id": str(a.get("id")), "values": [{k: v for k, v in value.items() if k in ("id", "name")}
                                                   for value in a.get("values") or []]}
              for a in product.get("product_attributes") or [] if str(a.get("id")) not in mine]
    return [*(ours.get("product_attributes") or []), *theirs]


def partial_edit_body(product: dict, ours: dict) -> dict:
    """Partial Edit's body for a content change that adds no SKU: only the top-level fields we own, each
    complete, and no ``skus`` (sent, it would delete every SKU left out)."""
    body = {k: v for k, v in ours.items() if k in ("title", "description", "category_id", "category_version",
                                                    "main_images", "package_weight", "package_dimensions")}
    body["product_attributes"] = merged_attributes(product, ours)
    if ours.get("is_cod_allowed") is False and product.get("is_cod_allowed"):
        body["is_cod_allowed"] = False
    return body


def product_body(draft: ListingDraft, *, image_uris: list[str], attributes: Sequence[AttributeSpec],
                 warehouse_id: str, sku_ids: dict[str, str] | None = None, with_price_stock: bool = True,
                 cod_allowed: bool = True, certifications: Sequence[dict] = ()) -> dict:
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
        "is_cod_allowed": cod_allowed,
        "save_mode": "LISTING",
        **package(draft),
    }
    attrs = product_attributes(draft, attributes)
    if attrs:
        body["product_attributes"] = attrs
    if certifications:
        body["certifications"] = list(certifications)
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
    """A verified webhook's events: type 1 (order status change: the order is read, its word never
    interpreted), types 5 and 37 (product status / audit status change: a prompt to read the audit decision)
    type 6 (seller deauthorisation) and type 7 (the authorisation ends within 30 days: "auth_expiring" with
    its end); other types are acknowledged as "other"."""
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
    if kind == WEBHOOK_PRODUCT_AUDIT:  # an audit decided: a prompt to read it, as type 5
        return [PushEvent(shop_id=shop_id, kind="listing", event_id=event_id,
                          external_id=str(data.get("product_id") or ""),
                          status=str((data.get("audit") or {}).get("status") or "")
                          if isinstance(data.get("audit"), dict) else "")]
    if kind == WEBHOOK_SELLER_DEAUTHORIZED:  # the seller removed the app: the shop must be reconnected
        return [PushEvent(shop_id=shop_id, kind="auth", event_id=event_id)]
    if kind == WEBHOOK_AUTHORIZATION_EXPIRING:  # still working until expiration_time: the owner is told
        return [PushEvent(shop_id=shop_id, kind="auth_expiring", event_id=event_id,
                          expires_at=authorization_end(data, sent_at=payload.get("timestamp")))]
    return [PushEvent(shop_id=shop_id, kind="other", event_id=event_id)]


def authorization_end(data: dict, *, sent_at: object) -> dt.datetime:
    """When the authorisation ends, from a type-7 webhook: ``data.expiration_time`` (Unix seconds as a string,
    G-wh7); a webhook without a readable one counts 30 days from when it was sent (or from now)."""
    end = unix_time(data.get("expiration_time"))
    if end > EPOCH:
        return end
    sent = unix_time(sent_at)
    try:
        return (sent if sent > EPOCH else dt.datetime.now(tz=dt.UTC)) + dt.timedelta(days=AUTHORIZATION_WARNING_DAYS)
    except OverflowError:  # "sent" in the year 9999
        return dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=AUTHORIZATION_WARNING_DAYS)


#: R-create / R-edit ``data.warnings[].message``, as their sample says it: "The [brand_id]:123 field is
#: incorrect and has been automatically cleared by the system. Reason: [Brand does not exist]. You can edit it
#: later."
CLEARED_FIELD_WARNING = re.compile(
    r"The \[(?P<field>[^\]]+)\]:(?P<value>.*?) field is incorrect and has been automatically cleared by the "
    r"system\. Reason: \[(?P<reason>[^\]]*)\]", re.DOTALL)


def warning_texts(answer: dict) -> tuple[str, ...]:
    """The warnings of a Create / Edit Product answer (``data.warnings[].message``, R-create, R-edit) in the
    owner's language: a field TikTok cleared is named in the owner's words, with TikTok's reason; any other
    warning is passed on in TikTok's words. Pure."""
    texts = []
    for warning in (answer or {}).get("warnings") or ():
        message = str((warning or {}).get("message") or "").strip()[:500] if isinstance(warning, dict) else ""
        if not message:
            continue
        cleared = CLEARED_FIELD_WARNING.search(message)
        if cleared:
            field = cleared["field"]
            texts.append(_("TikTok Shop cleared %(field)s (%(value)s) from the listing: %(reason)s. Set it again "
                           "in TikTok Shop's Seller Center if it is needed.") % {
                "field": CLEARED_FIELD_NAMES.get(field, field),
                "value": cleared["value"].strip(), "reason": cleared["reason"].strip()})
        else:
            texts.append(_("TikTok Shop warns: %(message)s") % {"message": message})
    return tuple(texts)


CLEARED_FIELD_NAMES = {
    "brand_id": gettext_lazy("the brand"),
    "product_attributes": gettext_lazy("a product attribute"),
    "size_chart": gettext_lazy("the size chart"),
    "video": gettext_lazy("the video"),
    "delivery_option_ids": gettext_lazy("a delivery option"),
}


# --- validation --------------------------------------------------------------------------------------
def validate(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = (), rules: dict | None = None) -> list[ValidationProblem]:
    """Every documented TikTok Shop rule the draft breaks (``RULES`` with ``rules`` over them, e.g. the
    category's ``dimensions_required``), in the owner's language, and the certificates the category's rules
    require that the product's documents do not hold (``certificate_problems``). Pure."""
    problems = validate_rules(draft, rules=RULES.updated(rules), attributes=attributes,
                              description=description_html(draft.description))
    problems.extend(certificate_problems(draft, rules))
    for attribute in (rules or {}).get("conditional_attributes") or ():
        filled = [v for v in draft.attributes.get(attribute["id"], []) if str(v).strip()]
        if not filled and _condition_holds(draft, attribute.get("conditions")):
            problems.append(ValidationProblem(field="attributes", message=_(
                "TikTok Shop requires “%(name)s” for this product because of a value chosen in another "
                "attribute; fill it in.") % {"name": attribute["name"]}))
    if has_variations(draft) and len(variation_name(draft)) > SALES_ATTRIBUTE_NAME_MAX:
        problems.append(ValidationProblem(field="variants", message=_(
            "The option name “%(name)s” is longer than %(max)d characters, TikTok Shop's limit.")
            % {"name": variation_name(draft), "max": SALES_ATTRIBUTE_NAME_MAX}))
    return problems


def certificate_problems(draft: ListingDraft, rules: dict | None) -> list[ValidationProblem]:
    """The certificates the category requires (R-rules) that the owner has not uploaded with the product's
    documents, or without the expiry date TikTok asks for, each said with the document kind to upload."""
    problems = []
    for cert in required_certifications(draft, rules):
        document = certificate_document(draft, cert)
        kind = DOCUMENT_KIND_NAMES.get(cert.get("kind"), DOCUMENT_KIND_NAMES[OTHER_DOCUMENT])
        if document is None:
            problems.append(ValidationProblem(field="documents", message=_(
                "TikTok Shop requires the certificate “%(name)s” in this category: upload it with the product's "
                "documents (kind: %(kind)s).") % {"name": cert.get("name"), "kind": kind}))
        elif cert.get("expiry_required") and document.expires_on is None:
            problems.append(ValidationProblem(field="documents", message=_(
                "TikTok Shop needs the expiry date of the certificate “%(name)s”: enter it on the document "
                "%(file)s.") % {"name": cert.get("name"), "file": document.filename}))
    return problems
