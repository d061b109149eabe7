"""Pure functions between our ListingDraft and Shopee's request bodies, and Shopee's documented rules.

No I/O here: everything takes plain data and returns plain data, so it is tested without a server.
``RULES`` declares Shopee's listing limits (docs/marketplaces/shopee.md, get_item_limit and add_item); the
limits ``get_item_limit`` returns per category override them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from marketplace_connectors.rules import ListingRules, ProblemList
from marketplace_connectors.rules import validate as validate_rules

from .._common import (
    DEFAULT_VARIATION_NAME,
    content_digest,
    has_variations,
    unix_time,
    vnd,
)
from .._common import chunks as _chunks

BATCH_SIZE = 50


@dataclass(frozen=True)
class ShopeeRules(ListingRules):
    """Shopee's limits, plus the two it has on its own: option tiers and the item's SKU."""

    #: a tier's name ("Khối lượng"): ``tier_variation_name_length_limit``
    tier_name_max: int = 14
    #: one option value in one tier: ``tier_variation_option_length_limit``
    tier_option_max: int = 30
    #: the item's ``item_sku`` and each ``model_sku``
    item_sku_max: int = 100
    #: get_item_limit ``gtin_limit.gtin_validation_rule``: Mandatory, Flexible or Optional
    gtin_rule: str = "Optional"


# Sources: docs/marketplaces/shopee.md. get_item_limit (R-itemlimit) answers the name, description, price,
# stock, image-count and tier limits per category and ``rules_from_item_limit`` applies them; the pages give no
# numeric sample values, so the numbers below are only what we check until that answer is cached (our
# fallback, the values this connector has always used). Images: JPG/PNG, at most 10 MB (upload_image,
# R-upload). At most 50 models (G-variants). model_sku at most 100 characters (add_model, R-addmodel).
# Weight (kg) and package size: add_item's ``weight`` is required (R-add); their ranges are per logistics
# channel (get_channel_list ``weight_limit``, ``item_max_dimension``). A shipping channel is required
# (``logistic_info``, R-add).
RULES = ShopeeRules(
    marketplace="Shopee",
    name_min=10, name_max=120,
    description_min=100, description_max=3000,
    images_min=1, images_max=9, image_max_bytes=10 * 1024 * 1024,
    shipping_channel_required=True,
    variants_max=50,
    sku_max=100, skus_unique=False,  # reference silent on two models with one model_sku
    price_min=1000, price_max=120_000_000,
    stock_min=0, stock_max=999_999,
    weight_required=True, weight_min_g=10, weight_max_g=30_000,
    dimension_min_cm=1, dimension_max_cm=200,
)
MAX_MODELS = RULES.variants_max


GTIN_MANDATORY, GTIN_FLEXIBLE, GTIN_OPTIONAL = "Mandatory", "Flexible", "Optional"
NO_GTIN = "00"  # "item/model has no valid GTIN" (get_item_limit gtin_limit; Flexible and Optional only)


def gtin_rule(limit: dict) -> str:
    """The category's ``gtin_validation_rule``: inside ``response`` or beside it (the reference draws it beside;
    docs/marketplaces/shopee.md, get_item_limit), Optional when absent."""
    found = (limit.get("gtin_limit") or {}).get("gtin_validation_rule")
    return found if found in (GTIN_MANDATORY, GTIN_FLEXIBLE, GTIN_OPTIONAL) else GTIN_OPTIONAL


def gtin_is_valid(code: str) -> bool:
    """8 to 14 digits with a correct GS1 check digit (UPC, EAN, JAN, ISBN)."""
    if not code.isdigit() or not 8 <= len(code) <= 14:
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


def gtin_code(variant: VariantDraft, rule: str) -> str | None:
    """What ``gtin_code`` says for a variant under the category's rule: its barcode when it is a GTIN,
    otherwise "00" where the rule takes it (Flexible) and nothing where the field may be left out (Optional).
    Mandatory without a GTIN: None, which ``validate`` refuses before publishing."""
    if gtin_is_valid(variant.gtin):
        return variant.gtin
    return NO_GTIN if rule == GTIN_FLEXIBLE else None


def rules_from_item_limit(limit: dict) -> dict:
    """A get_item_limit answer as ``ListingRules`` overrides (entries it lacks keep ``RULES``' values)."""
    rules: dict = {}

    def take(key: str, target_min: str | None, target_max: str | None, scale: float = 1) -> None:
        entry = limit.get(key) or {}
        if target_min and entry.get("min_limit") is not None:
            rules[target_min] = entry["min_limit"] * scale
        if target_max and entry.get("max_limit") is not None:
            rules[target_max] = entry["max_limit"] * scale

    take("price_limit", "price_min", "price_max")
    take("stock_limit", "stock_min", "stock_max")
    take("item_name_length_limit", "name_min", "name_max")
    take("item_description_length_limit", "description_min", "description_max")
    take("item_image_count_limit", "images_min", "images_max")
    take("tier_variation_name_length_limit", None, "tier_name_max")
    take("tier_variation_option_length_limit", None, "tier_option_max")
    # weight and size answers are flags, not ranges (the ranges are the logistics channel's), and the GTIN
    # rule (docs/marketplaces/shopee.md, get_item_limit; findings 1 and 5d)
    rules["gtin_rule"] = gtin_rule(limit)
    rules["dimensions_required"] = bool((limit.get("dimension_limit") or {}).get("dimension_mandatory"))
    rules["weight_required"] = bool((limit.get("weight_limit") or {}).get("weight_mandatory", True))
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
        if spec.units:
            entries = [quantity_value(spec, str(values[0]).strip())]
        elif spec.input_type == "text":
            entries = [{"value_id": 0, "original_value_name": str(values[0]).strip()}]
        else:
            labels = dict(spec.options)
            entries = [{"value_id": int(v), "original_value_name": labels.get(str(v), "")} for v in values
                       if str(v) in labels]
        if entries:
            out.append({"attribute_id": int(attribute_id), "attribute_value_list": entries})
    return out


def split_quantity(spec: AttributeSpec, text: str) -> tuple[str, str] | None:
    """"500 g" -> ("500", "g") when the text ends with one of the attribute's units; None otherwise."""
    for unit in sorted(spec.units, key=len, reverse=True):
        if text.lower().endswith(unit.lower()):
            number = text[: len(text) - len(unit)].strip().replace(",", ".")
            try:
                float(number)
            except ValueError:
                return None
            return number, unit
    return None


def quantity_value(spec: AttributeSpec, text: str) -> dict:
    """A quantitative attribute's value (format_type 2): a listed value by its id, else the number with its
    ``value_unit`` from ``attribute_unit_list`` (docs/marketplaces/shopee.md, finding 2)."""
    labels = {label.replace(" ", "").lower(): value_id for value_id, label in spec.options}
    if text.replace(" ", "").lower() in labels:
        return {"value_id": int(labels[text.replace(" ", "").lower()])}
    number, unit = split_quantity(spec, text) or (text, "")
    return {"value_id": 0, "original_value_name": number, "value_unit": unit}


def logistic_info(draft: ListingDraft) -> list[dict]:
    """The chosen channel; ``<channel>:<size_id>`` names a size of a SIZE_SELECTION channel (shipping_channels
    lists one choice per size), sent as ``size_id`` (docs/marketplaces/shopee.md, finding 3)."""
    channel, _, size = str(draft.shipping_channel_id).partition(":")
    entry: dict = {"logistic_id": int(channel), "enabled": True}
    if size:
        entry["size_id"] = int(size)
    return [entry]


def standardise_tiers(tiers: list[dict]) -> list[dict]:
    """Tiers ``[{name, option_list: [{option}]}]`` as ``standardise_tier_variation`` custom tiers (``variation_id``
    0 with names), the structure documented since 2025-09-12 (docs/marketplaces/shopee.md, finding 5a)."""
    return [{"variation_id": 0, "variation_name": tier["name"], "variation_group_id": 0,
             "variation_option_list": [{"variation_option_id": 0, "variation_option_name": o.get("option") or ""}
                                       for o in tier["option_list"]]}
            for tier in tiers]


def item_body(draft: ListingDraft, *, image_ids: list[str], attributes: Sequence[AttributeSpec],
              gtin_rule: str = GTIN_OPTIONAL) -> dict:
    """The add_item / update_item body for the item itself (models are pushed separately). ``gtin_rule`` is
    the category's ``gtin_validation_rule``: the item carries its (first) variant's GTIN, "00" or nothing."""
    body = {
        "item_name": draft.name.strip(),
        "description": description_text(draft.description),
        "original_price": min(v.price_vnd for v in draft.variants),
        "weight": weight_kg(draft),
        "category_id": int(draft.category_id),
        "image": {"image_id_list": image_ids},
        "logistic_info": logistic_info(draft),
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
    if draft.variants and (code := gtin_code(draft.variants[0], gtin_rule)) is not None:
        body["gtin_code"] = code
    return body


OPTION_SEPARATOR = " / "  # how drafts.py joins two option names and two option values


def tier_names(draft: ListingDraft) -> list[str]:
    """One tier per option name: two when the product has two options and every variant gives both values,
    otherwise one tier whose options are the variants' whole labels."""
    names = [n.strip() for n in (draft.variation_name or "").split(OPTION_SEPARATOR)]
    if len(names) == 2 and all(names) and all(len(v.option_name.split(OPTION_SEPARATOR)) == 2 for v in draft.variants):
        return [n[:RULES.tier_name_max] for n in names]
    return [(draft.variation_name or DEFAULT_VARIATION_NAME)[:RULES.tier_name_max]]


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


def model_entry(draft: ListingDraft, variant: VariantDraft, tiers: list[dict], *, gtin_rule: str = GTIN_OPTIONAL) -> dict:
    """One model of init_tier_variation / add_model: its option index in every tier, price, SKU, stock and
    the GTIN the category's rule asks for (the rule applies per model too)."""
    index = [[o.get("option") for o in tier["option_list"]].index(value)
             for tier, value in zip(tiers, variant_options(draft, variant, tier_count=len(tiers)), strict=True)]
    entry = {"tier_index": index, "original_price": variant.price_vnd, "model_sku": variant.sku,
             "seller_stock": [{"stock": variant.stock}]}
    if (code := gtin_code(variant, gtin_rule)) is not None:
        entry["gtin_code"] = code
    return entry


def tier_variation_body(draft: ListingDraft, *, item_id: int, gtin_rule: str = GTIN_OPTIONAL) -> dict:
    """init_tier_variation: one tier per option name (at most two) as ``standardise_tier_variation``, one model
    per variant."""
    tiers = tier_variation(draft)
    return {"item_id": item_id, "standardise_tier_variation": standardise_tiers(tiers),
            "model": [model_entry(draft, v, tiers, gtin_rule=gtin_rule) for v in draft.variants]}


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


def item_is_gone(exc: Exception) -> bool:
    """Shopee says the item does not exist: ``error_item_not_found`` "Item_id is not found." (v2.product
    update_item / update_stock / update_price, docs/marketplaces/shopee.md). The sandbox still answers
    ``error_param`` "... item_id not found." for it (finding 12 there), so that wording counts too."""
    code = getattr(exc, "code", "") or ""
    message = (getattr(exc, "message", "") or "").lower()
    return code.endswith("error_item_not_found") or (code.endswith("error_param") and "item_id not found" in message)


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
    """Every rule the draft breaks (``RULES`` with ``rules`` over them), in the owner's language. Pure."""
    shopee = RULES.updated(rules)

    def own_checks(draft: ListingDraft, problems: ProblemList) -> None:
        if has_variations(draft):
            for v in draft.variants:
                for option in variant_options(draft, v):  # each tier's value counts on its own
                    if len(option) > shopee.tier_option_max:
                        problems.add("variants", _("The option “%(option)s” is longer than %(max)d characters.")
                                     % {"option": option, "max": shopee.tier_option_max}, variant=v)
        if not draft.sku or len(draft.sku) > shopee.item_sku_max:
            problems.add("sku", _("The product key or SKU must have 1 to %(max)d characters.")
                         % {"max": shopee.item_sku_max})
        if shopee.gtin_rule == GTIN_MANDATORY:
            for v in draft.variants:
                if not gtin_is_valid(v.gtin):
                    problems.add("barcode", _("Variant %(sku)s: Shopee needs the barcode (GTIN: EAN, UPC, 8 to 14 digits) "
                                           "in this category; enter it in the variant's barcode.") % {"sku": v.sku},
                                 variant=v)
        for spec in attributes:
            values = [str(v).strip() for v in draft.attributes.get(spec.external_id, []) if str(v).strip()]
            labels = {label.replace(" ", "").lower() for _id, label in spec.options}
            if spec.units and values and values[0].replace(" ", "").lower() not in labels \
                    and split_quantity(spec, values[0]) is None:
                problems.add("attributes", _("Write “%(name)s” as a number with its unit, one of: %(units)s (for "
                                             "example 500 %(unit)s).")
                             % {"name": spec.name, "units": ", ".join(spec.units), "unit": spec.units[0]})

    return validate_rules(draft, rules=shopee, attributes=attributes, description=description_text(draft.description),
                          extra=own_checks)
