"""Pure functions between our ListingDraft and Shopee's request bodies, and Shopee's documented rules.

No I/O here: everything takes plain data and returns plain data, so it is tested without a server.
Rules come from marketplaces.md §1.5; limits that ``get_item_limit`` returns per category override the
documented sample values in DEFAULT_RULES.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
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
    VariantDraft,
)

from .._common import (
    DEFAULT_VARIATION_NAME,
    check_option_values,
    content_digest,
    has_variations,
    money,
    problem_collector,
    unix_time,
    vnd,
)
from .._common import chunks as _chunks

MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
MAX_MODELS = 50
MAX_MODEL_SKU = 100
BATCH_SIZE = 50

# Documented sample values (get_item_limit); the live values per category replace them.
DEFAULT_RULES = {
    "price_min": 1000, "price_max": 120_000_000,
    "stock_min": 0, "stock_max": 999_999,
    "name_min": 10, "name_max": 120,
    "description_min": 100, "description_max": 3000,
    "images_min": 1, "images_max": 9,
    "weight_min_kg": 0.01, "weight_max_kg": 30.0,
    "dimension_min_cm": 1, "dimension_max_cm": 200,
    "tier_name_max": 14, "option_max": 30, "models_max": MAX_MODELS,
}


def rules_from_item_limit(limit: dict) -> dict:
    """Map a get_item_limit response onto our rule names (missing entries keep the documented samples)."""
    rules = dict(DEFAULT_RULES)

    def take(key: str, target_min: str | None, target_max: str | None) -> None:
        entry = limit.get(key) or {}
        if target_min and entry.get("min_limit") is not None:
            rules[target_min] = entry["min_limit"]
        if target_max and entry.get("max_limit") is not None:
            rules[target_max] = entry["max_limit"]

    take("price_limit", "price_min", "price_max")
    take("stock_limit", "stock_min", "stock_max")
    take("item_name_length_limit", "name_min", "name_max")
    take("item_description_length_limit", "description_min", "description_max")
    take("item_image_count_limit", "images_min", "images_max")
    take("weight_limit", "weight_min_kg", "weight_max_kg")
    take("dimension_limit", "dimension_min_cm", "dimension_max_cm")
    take("tier_variation_name_length_limit", None, "tier_name_max")
    take("tier_variation_option_length_limit", None, "option_max")
    take("model_count_limit", None, "models_max")
    return rules


def description_text(html: str) -> str:
    """Shopee takes plain text: tags dropped, entities kept readable, blank lines collapsed."""
    text = normalize_newlines(strip_tags(html.replace("</p>", "</p>\n").replace("<br>", "\n")))
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def weight_kg(draft: ListingDraft) -> float | None:
    weights = [v.weight_grams for v in draft.variants]
    if not weights or any(w is None or w <= 0 for w in weights):
        return None
    return round(max(weights) / 1000, 3)


def dimension(draft: ListingDraft) -> dict | None:
    """The largest package size over the variants, or None unless every variant gives all three sides."""
    sides = [(v.length_cm, v.width_cm, v.height_cm) for v in draft.variants]
    if not sides or any(None in s or 0 in s for s in sides):
        return None
    return {
        "package_length": max(s[0] for s in sides),
        "package_width": max(s[1] for s in sides),
        "package_height": max(s[2] for s in sides),
    }


def attribute_list(draft: ListingDraft, attributes: Sequence[AttributeSpec]) -> list[dict]:
    specs = {a.external_id: a for a in attributes}
    out = []
    for attribute_id, values in sorted(draft.attributes.items()):
        spec = specs.get(attribute_id)
        values = [v for v in values if str(v).strip()]
        if spec is None or not values:
            continue
        if spec.input_type == "text":
            entries = [{"value_id": 0, "original_value_name": str(values[0]).strip()}]
        else:
            labels = dict(spec.options)
            entries = [{"value_id": int(v), "original_value_name": labels.get(str(v), "")} for v in values
                       if str(v) in labels]
        if entries:
            out.append({"attribute_id": int(attribute_id), "attribute_value_list": entries})
    return out


def item_body(draft: ListingDraft, *, image_ids: list[str], attributes: Sequence[AttributeSpec]) -> dict:
    """The add_item / update_item body for the item itself (models are pushed separately)."""
    body = {
        "item_name": draft.name.strip(),
        "description": description_text(draft.description),
        "original_price": min(v.price_vnd for v in draft.variants),
        "weight": weight_kg(draft),
        "category_id": int(draft.category_id),
        "image": {"image_id_list": image_ids},
        "logistic_info": [{"logistic_id": int(draft.shipping_channel_id), "enabled": True}],
        "attribute_list": attribute_list(draft, attributes),
        "brand": {"brand_id": 0, "original_brand_name": "No Brand"},
        "item_sku": draft.sku,
        "item_status": "NORMAL",
        "condition": "NEW",
    }
    if (dims := dimension(draft)) is not None:
        body["dimension"] = dims
    if not has_variations(draft):
        body["seller_stock"] = [{"stock": draft.variants[0].stock}]
    return body


OPTION_SEPARATOR = " / "  # how drafts.py joins two option names and two option values


def tier_names(draft: ListingDraft) -> list[str]:
    """One tier per option name: two when the product has two options and every variant gives both values,
    otherwise one tier whose options are the variants' whole labels."""
    names = [n.strip() for n in (draft.variation_name or "").split(OPTION_SEPARATOR)]
    if len(names) == 2 and all(names) and all(len(v.option_name.split(OPTION_SEPARATOR)) == 2 for v in draft.variants):
        return [n[:DEFAULT_RULES["tier_name_max"]] for n in names]
    return [(draft.variation_name or DEFAULT_VARIATION_NAME)[:DEFAULT_RULES["tier_name_max"]]]


def variant_options(draft: ListingDraft, variant: VariantDraft, *, tier_count: int | None = None) -> list[str]:
    """The variant's option value in each tier of ``tier_names`` (or in one combined tier when the item on
    Shopee already has one tier: an item published before its product had a second option keeps its shape)."""
    if (tier_count or len(tier_names(draft))) == 2:
        return [part.strip() for part in variant.option_name.split(OPTION_SEPARATOR)]
    return [variant.option_name or variant.sku]


def tier_variation(draft: ListingDraft, existing: list[dict] | None = None) -> list[dict]:
    """The tiers for the draft: ``existing`` tiers keep their names and their options in place (models
    point at them by index) and the draft's new option values are appended in the draft's order."""
    if existing:
        tiers = [{"name": t.get("name") or DEFAULT_VARIATION_NAME, "option_list": [dict(o) for o in t.get("option_list") or []]}
                 for t in existing]
    else:
        tiers = [{"name": n, "option_list": []} for n in tier_names(draft)]
    for variant in draft.variants:
        for tier, value in zip(tiers, variant_options(draft, variant, tier_count=len(tiers)), strict=True):
            if value not in [o.get("option") for o in tier["option_list"]]:
                tier["option_list"].append({"option": value})
    return tiers


def model_entry(draft: ListingDraft, variant: VariantDraft, tiers: list[dict]) -> dict:
    """One model of init_tier_variation / add_model: its option index in every tier, price, SKU and stock."""
    index = [[o.get("option") for o in tier["option_list"]].index(value)
             for tier, value in zip(tiers, variant_options(draft, variant, tier_count=len(tiers)), strict=True)]
    return {"tier_index": index, "original_price": variant.price_vnd, "model_sku": variant.sku,
            "seller_stock": [{"stock": variant.stock}]}


def tier_variation_body(draft: ListingDraft, *, item_id: int) -> dict:
    """init_tier_variation: one tier per option name (at most two), one model per variant."""
    tiers = tier_variation(draft)
    return {"item_id": item_id, "tier_variation": tiers,
            "model": [model_entry(draft, v, tiers) for v in draft.variants]}


def content_hash(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = ()) -> str:
    """A hash of everything ``update_item`` pushes (price and stock are compared per variant instead)."""
    content = {
        "name": draft.name.strip(),
        "description": description_text(draft.description),
        "weight": weight_kg(draft),
        "dimension": dimension(draft),
        "category": draft.category_id,
        "attributes": attribute_list(draft, attributes),
        "images": [image.key for image in draft.images],
        "sku": draft.sku,
        "shipping": draft.shipping_channel_id,
        "options": [(v.sku, v.option_name) for v in draft.variants],
    }
    return content_digest(content)


def chunks(entries: list, size: int = BATCH_SIZE) -> list[list]:
    """Batches of Shopee's documented 50 unless ``size`` says otherwise."""
    return _chunks(entries, size)


def remote_listing(base_info: dict, models: list[dict] | None = None) -> RemoteListing:
    return RemoteListing(
        external_id=str(base_info["item_id"]),
        sku=str(base_info.get("item_sku") or ""),
        status=str(base_info.get("item_status") or ""),
        name=str(base_info.get("item_name") or ""),
        variant_ids_by_sku={str(m.get("model_sku") or ""): str(m["model_id"]) for m in models or []},
    )


# --- orders ------------------------------------------------------------------------------------------
# Shopee's order_status -> ours. READY_TO_SHIP is "paid, the seller may arrange shipment" (our PENDING);
# PROCESSED/RETRY_SHIP "shipment arranged, tracking number issued" (our READY_TO_SHIP). IN_CANCEL is a
# cancellation the buyer asked for and the seller has not decided yet: the goods are still sold, so it
# holds stock until Shopee says CANCELLED. TO_RETURN is a return in progress: the order no longer counts
# as sold (a returned food product is rarely sold again, and the owner sees Shopee's own word anyway).
ORDER_STATUSES: dict[str, OrderStatus] = {
    "UNPAID": OrderStatus.UNPAID,
    "PENDING": OrderStatus.PENDING,
    "INVOICE_PENDING": OrderStatus.PENDING,
    "READY_TO_SHIP": OrderStatus.PENDING,
    "IN_CANCEL": OrderStatus.PENDING,
    "PROCESSED": OrderStatus.READY_TO_SHIP,
    "RETRY_SHIP": OrderStatus.READY_TO_SHIP,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.RETURNED,
}
PUSH_ORDER_STATUS = 3
PUSH_AUTH_CANCELLED = 2


def order_status(shopee_status: str) -> OrderStatus:
    """Our status for Shopee's; a status Shopee adds later holds stock (PENDING) rather than free it."""
    return ORDER_STATUSES.get(str(shopee_status or "").upper(), OrderStatus.PENDING)


def remote_order(detail: dict) -> RemoteOrder:
    """One get_order_detail entry (asked with ``item_list,total_amount``) as plain data. A line's SKU is
    the model's SKU, or the item's for an item without models; its price is what the buyer paid per unit
    (``model_discounted_price``, which is 0 in bundle deals: then the listing price)."""
    status = order_status(detail.get("order_status"))
    lines = []
    for item in detail.get("item_list") or []:
        discounted, original = vnd(item.get("model_discounted_price")), vnd(item.get("model_original_price"))
        name = str(item.get("item_name") or "")
        if item.get("model_name"):
            name = f"{name} ({item['model_name']})"
        lines.append(RemoteOrderLine(
            sku=str(item.get("model_sku") or item.get("item_sku") or ""),
            quantity=int(item.get("model_quantity_purchased") or 0),
            unit_price_vnd=discounted or original,
            status=status,
            external_variant_id=str(item.get("model_id") or 0),
            name=name,
        ))
    return RemoteOrder(
        external_id=str(detail.get("order_sn") or ""),
        status=status,
        marketplace_status=str(detail.get("order_status") or ""),
        created_at=unix_time(detail.get("create_time")),
        updated_at=unix_time(detail.get("update_time")),
        lines=tuple(lines),
        total_vnd=vnd(detail.get("total_amount")),
    )


def push_events(payload: dict, *, event_id: str) -> list[PushEvent]:
    """A verified push body -> our events: code 3 (order status) names the order, code 2 (authorisation
    cancelled) asks the owner to reconnect; every other code is "other"."""
    code = payload.get("code")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    shop_id = str(payload.get("shop_id") or data.get("shop_id") or "")  # authorisation pushes may carry it in data
    if code == PUSH_ORDER_STATUS and data.get("ordersn"):
        return [PushEvent(shop_id=shop_id, kind="order", event_id=event_id, external_id=str(data["ordersn"]),
                          status=str(order_status(data.get("status"))))]
    if code == PUSH_AUTH_CANCELLED:
        return [PushEvent(shop_id=shop_id, kind="auth", event_id=event_id)]
    return [PushEvent(shop_id=shop_id, kind="other", event_id=event_id)]


def validate(draft: ListingDraft, *, attributes: Sequence[AttributeSpec] = (), rules: dict | None = None) -> list[ValidationProblem]:
    """Every documented rule the draft breaks, each saying in the owner's language what to fix."""
    r = {**DEFAULT_RULES, **(rules or {})}
    problems, add = problem_collector()

    name = draft.name.strip()
    if not r["name_min"] <= len(name) <= r["name_max"]:
        add("name", _("The name has %(n)d characters; Shopee needs %(min)d to %(max)d.")
            % {"n": len(name), "min": r["name_min"], "max": r["name_max"]})
    description = description_text(draft.description)
    if not r["description_min"] <= len(description) <= r["description_max"]:
        add("description", _("The description has %(n)d characters; Shopee needs %(min)d to %(max)d. "
                             "Describe the product in more detail.")
            % {"n": len(description), "min": r["description_min"], "max": r["description_max"]})
    if not draft.category_id:
        add("category", _("Choose the Shopee category for this product's category (Sales channels → Categories)."))
    elif not draft.category_is_leaf:
        add("category", _("The Shopee category chosen has sub-categories; choose the most specific one."))
    for spec in attributes:
        if spec.mandatory and not any(str(v).strip() for v in draft.attributes.get(spec.external_id, [])):
            add("attributes", _("Fill in the attribute “%(name)s” required by the Shopee category.") % {"name": spec.name})
    if not draft.shipping_channel_id:
        add("shipping", _("Choose a shipping channel for the shop (Sales channels → shop settings)."))
    images = draft.images
    if not r["images_min"] <= len(images) <= r["images_max"]:
        add("images", _("The product has %(n)d photos; Shopee needs %(min)d to %(max)d.")
            % {"n": len(images), "min": r["images_min"], "max": r["images_max"]})
    for image in images:
        if image.size_bytes > MAX_IMAGE_BYTES:
            add("images", _("The photo %(name)s is larger than 10 MB.") % {"name": image.filename})
        if not image.filename.lower().endswith(IMAGE_EXTENSIONS):
            add("images", _("The photo %(name)s must be a JPG or PNG file.") % {"name": image.filename})
    variants = draft.variants
    if not variants:
        add("variants", _("The product has no variant with a price."))
    if len(variants) > r["models_max"]:
        add("variants", _("The product has %(n)d variants; Shopee allows at most %(max)d.")
            % {"n": len(variants), "max": r["models_max"]})
    check_option_values(draft, add)
    if has_variations(draft):
        for v in variants:
            for option in variant_options(draft, v):  # each tier's value counts on its own
                if len(option) > r["option_max"]:
                    add("variants", _("The option “%(option)s” is longer than %(max)d characters.")
                        % {"option": option, "max": r["option_max"]})
    if len(draft.sku) > MAX_MODEL_SKU or not draft.sku:
        add("sku", _("The product key or SKU must have 1 to %(max)d characters.") % {"max": MAX_MODEL_SKU})
    for v in variants:
        if not r["price_min"] <= v.price_vnd <= r["price_max"]:
            add("price", _("Variant %(sku)s: the price must be between %(min)s and %(max)s VND.")
                % {"sku": v.sku, "min": money(r["price_min"]), "max": money(r["price_max"])})
        if not r["stock_min"] <= v.stock <= r["stock_max"]:
            add("stock", _("Variant %(sku)s: the stock must be between %(min)d and %(max)d.")
                % {"sku": v.sku, "min": r["stock_min"], "max": r["stock_max"]})
        if len(v.sku) > MAX_MODEL_SKU:
            add("sku", _("Variant %(sku)s: the SKU is longer than %(max)d characters.") % {"sku": v.sku[:20], "max": MAX_MODEL_SKU})
        if v.weight_grams is None or v.weight_grams <= 0:
            add("weight", _("Variant %(sku)s: enter the package weight in grams.") % {"sku": v.sku})
        elif not r["weight_min_kg"] <= v.weight_grams / 1000 <= r["weight_max_kg"]:
            add("weight", _("Variant %(sku)s: the weight must be between %(min)s and %(max)s kg.")
                % {"sku": v.sku, "min": r["weight_min_kg"], "max": r["weight_max_kg"]})
        for side in (v.length_cm, v.width_cm, v.height_cm):
            if side is not None and side > 0 and not r["dimension_min_cm"] <= side <= r["dimension_max_cm"]:
                add("dimension", _("Variant %(sku)s: each package side must be between %(min)d and %(max)d cm.")
                    % {"sku": v.sku, "min": r["dimension_min_cm"], "max": r["dimension_max_cm"]})
                break
    return problems
