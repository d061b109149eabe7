"""Pure functions between our ListingDraft and Lazada's payloads, Lazada's rules, and Lazada's answers.

No I/O here: everything takes plain data and returns plain data, so it is tested without a server.
``RULES`` declares Lazada's listing limits, each traced to docs/marketplaces/lazada.md (CreateProduct,
UploadImage); at most 50 SKUs per price/stock call (UpdatePriceQuantity).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

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
from marketplace_connectors.errors import PermanentError
from marketplace_connectors.rules import ListingRules, ProblemList
from marketplace_connectors.rules import validate as validate_rules

from .._common import (
    EPOCH,
    content_digest,
    has_variations,
    money,
    parse_time_formats,
    variation_name,
    vnd,
)
from .._common import chunks as chunks  # connector.py batches with mappers.chunks

# Lazada takes HTML but no outside image URLs: our text as escaped paragraphs, images dropped.
from .._common import html_paragraphs as description_html

NO_BRAND = "No Brand"
SKU_ATTRIBUTE_PREFIX = "sku:"  # an AttributeSpec of a SKU-level attribute: sent in every Skus.Sku entry
VARIATION_NAME_MAX = 15  # G-sales: VARIATION_NAME_LENGTH_LIMIT (docs/marketplaces/lazada.md, CreateProduct)
VARIATION_OPTION_MAX = 20  # G-sales: VARIATION_OPTION_LENGTH_LIMIT
VARIATION_OPTIONS_MAX = 50  # G-sales: OPTIONS_SIZE_LIMIT
OPTION_SEPARATOR = " / "  # how drafts.py joins two option names and two option values
IMAGE_MIN_SIDE = 330
IMAGE_MAX_SIDE = 5000


@dataclass(frozen=True)
class LazadaRules(ListingRules):
    """Lazada's limits, plus its own: the cheapest variant costs at least this share of the dearest."""

    variant_price_ratio_min: float = 0.5


# Sources: docs/marketplaces/lazada.md, CreateProduct (R-create, G-create, G-sales) and UploadImage (R-upload,
# G-images). Name at most 255 characters and none of " ^ ~ < > | (4129), also refused in SellerSku; description
# at most 25,000 characters (HTML as sent); 1 to 8 images, JPG or PNG; package_weight (kg) and
# package_length/width/height (cm) mandatory with at most two decimals, weight over 40 kg refused (4164), L+W+H
# over 300 cm refused (4165); price > 0 (4118); the variation limits above (checked in ``validate``). Lazada
# has no API for these limits. Our own: at most 100 SKUs and SellerSku at most 200 characters (reference
# silent). Vietnamese price rules from a Vietnamese integrator's notes (powersell.com, U): price from 10,000 to
# under 1,000,000,000 VND, the cheapest variant at least half the dearest.
RULES = LazadaRules(
    marketplace="Lazada",
    name_max=255, name_forbidden='"^~<>|',
    description_max=25_000,
    images_min=1, images_max=8,
    # Attributes the connector fills itself; the owner is never asked for them.
    system_attributes=frozenset({"name", "description", "short_description", "brand", "brand_id", "video", "name_en",
                                 "description_en"}),
    variants_max=100,
    sku_max=200, sku_forbidden='"^~<>|',
    price_min=10_000, price_max=999_999_999,
    weight_required=True, weight_min_g=10, weight_max_g=40_000,
    dimensions_required=True, dimension_min_cm=0.01, dimension_sum_max_cm=300,
)
FORBIDDEN_CHARS = RULES.name_forbidden
SYSTEM_ATTRIBUTES = RULES.system_attributes


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
        if spec is None or not values or name in SYSTEM_ATTRIBUTES or name.startswith(SKU_ATTRIBUTE_PREFIX):
            continue
        out[name] = ",".join(values) if spec.input_type == "multi_select" else values[0]
    return out


def sku_attribute_values(draft: ListingDraft, attributes: Sequence[AttributeSpec]) -> dict[str, str]:
    """The category's SKU-level attributes the owner filled in (``attribute_type`` sku, G-attrs): name ->
    value, sent inside every ``Skus.Sku`` entry."""
    specs = {a.external_id for a in attributes if a.external_id.startswith(SKU_ATTRIBUTE_PREFIX)}
    out = {}
    for key in sorted(specs):
        values = [str(v).strip() for v in draft.attributes.get(key, []) if str(v).strip()]
        if values:
            out[key.removeprefix(SKU_ATTRIBUTE_PREFIX)] = values[0]
    return out


def _normalised(text: str) -> str:
    return "".join(str(text).lower().split())


def option_parts(draft: ListingDraft, variant) -> list[str]:
    """The variant's value for each of the product's options ("1 kg / Hộp" -> ["1 kg", "Hộp"])."""
    names = [n.strip() for n in (draft.variation_name or "").split(OPTION_SEPARATOR)]
    parts = [p.strip() for p in (variant.option_name or variant.sku).split(OPTION_SEPARATOR)]
    return parts if len(names) == 2 and len(parts) == 2 else [variant.option_name or variant.sku]


def option_names(draft: ListingDraft) -> list[str]:
    names = [n.strip() for n in (draft.variation_name or "").split(OPTION_SEPARATOR)]
    if len(names) == 2 and all(len(option_parts(draft, v)) == 2 for v in draft.variants):
        return names
    return [variation_name(draft)]


def sale_property_match(draft: ListingDraft, sale_props: Sequence[dict]) -> tuple[dict, int, dict[str, str]] | None:
    """The category's standard sale property (``is_sale_prop``) the variants' option values name, which
    option of ours it is, and each value's ``en_name`` to send: the first property whose options (``name`` or
    ``en_name``, spaces and case ignored) hold every variant's value of one option. None when none does."""
    for prop in sale_props:
        known = {}
        for option in prop.get("options") or []:
            for text in (option.get("name"), option.get("en_name")):
                if text:
                    known[_normalised(text)] = str(option.get("en_name") or option.get("name"))
        for position in range(len(option_names(draft))):
            values = [option_parts(draft, v)[position] for v in draft.variants]
            if all(_normalised(value) in known for value in values):
                return prop, position, {value: known[_normalised(value)] for value in values}
    return None


def sale_variations(draft: ListingDraft, sale_props: Sequence[dict]) -> tuple[dict, list[dict]]:
    """``variation`` and each variant's ``saleProp`` for a product with options. Lazada requires the
    category's standard sale property once there is more than one SKU (docs/marketplaces/lazada.md, finding
    2): it is declared with ``customize`` false and its ``en_name`` values; our other option stays beside it
    as a custom variation. Raises PermanentError (in the owner's language) when the values name none of the
    category's sale properties."""
    names = option_names(draft)
    match = sale_property_match(draft, sale_props) if sale_props and len(draft.variants) > 1 else None
    if sale_props and len(draft.variants) > 1 and match is None:
        choices = "; ".join(
            "{}: {}".format(p.get("label") or p["name"], ", ".join(str(o.get("name") or o.get("en_name"))
                                                                 for o in p.get("options") or []))
            for p in sale_props)
        raise PermanentError(_("Lazada needs this category's variants named with one of its own values (%(choices)s); "
                               "rename the options of the variants.") % {"choices": choices}, code="sale_property")
    variation: dict = {}
    sale_props_by_variant: list[dict] = []
    custom_positions = [n for n in range(len(names)) if match is None or n != match[1]]
    if match is not None:
        prop, _position, values = match
        variation["Variation1"] = {"name": prop["name"], "hasImage": False, "customize": False,
                                   "options": {"option": list(dict.fromkeys(values.values()))}}
    for position in custom_positions:
        key = f"Variation{len(variation) + 1}"
        variation[key] = {"name": names[position] or variation_name(draft), "hasImage": False, "customize": True,
                          "options": {"option": list(dict.fromkeys(option_parts(draft, v)[position] for v in draft.variants))}}
    for v in draft.variants:
        parts = option_parts(draft, v)
        entry = {}
        if match is not None:
            entry[match[0]["name"]] = match[2][parts[match[1]]]
        for position in custom_positions:
            entry[names[position] or variation_name(draft)] = parts[position]
        sale_props_by_variant.append(entry)
    return variation, sale_props_by_variant


def sku_body(draft: ListingDraft, variant, *, sku_id: str = "", sale_prop: dict | None = None,
             sku_attributes: dict[str, str] | None = None) -> dict:
    body = {
        "SellerSku": variant.sku,
        "package_weight": weight_kg(variant.weight_grams),
        "package_length": str(variant.length_cm or ""),
        "package_width": str(variant.width_cm or ""),
        "package_height": str(variant.height_cm or ""),
    }
    if sku_id:
        body["SkuId"] = sku_id
    body.update(sku_attributes or {})
    if sale_prop is not None:
        body["saleProp"] = sale_prop
    elif has_variations(draft):
        body["saleProp"] = {variation_name(draft): variant.option_name or variant.sku}
    return body


def product_body(draft: ListingDraft, *, image_urls: list[str], attributes: Sequence[AttributeSpec],
                 with_price_stock: bool = True, sku_ids: dict[str, str] | None = None, brand_id: str = "",
                 sale_props: Sequence[dict] = ()) -> dict:
    """``Request.Product`` for CreateProduct (with price and stock) or UpdateProduct (without: those go
    through UpdatePriceQuantity and UpdateSellableQuantity; ``sku_ids`` names the SKUs that exist, the others
    are added). ``brand_id`` from GetBrandByPages ("brand" is deprecated); ``sale_props`` the category's
    standard sale properties (GetCategoryAttributes ``is_sale_prop``)."""
    variation, sale_by_variant = sale_variations(draft, sale_props) if has_variations(draft) else ({}, [])
    sku_attributes = sku_attribute_values(draft, attributes)
    skus = []
    for n, v in enumerate(draft.variants):
        sku_id = (sku_ids or {}).get(v.sku, "")
        sku = sku_body(draft, v, sku_id=sku_id, sale_prop=sale_by_variant[n] if sale_by_variant else None,
                       sku_attributes=sku_attributes)
        if with_price_stock or not sku_id:  # a SKU being added needs its price and stock
            sku["price"] = str(v.price_vnd)
            sku["quantity"] = str(max(0, v.stock))
        skus.append(sku)
    product_attributes = {"name": draft.name.strip(), "description": description_html(draft.description),
                          **attribute_values(draft, attributes)}
    if brand_id:
        product_attributes["brand_id"] = str(brand_id)
    product: dict = {
        "PrimaryCategory": str(draft.category_id),
        "Images": {"Image": list(image_urls)},
        "Attributes": product_attributes,
        "Skus": {"Sku": skus},
    }
    if variation:
        product["variation"] = variation
    return product


def price_quantity_entry(*, item_id: str, sku_id: str, price_vnd: int | None, stock: int | None = None) -> dict:
    """An UpdatePriceQuantity entry. Its ``Quantity`` is the warehouse's *total* (docs/marketplaces/lazada.md,
    finding 1), so stock never goes this way: see ``sellable_entry``."""
    entry = {"ItemId": str(item_id), "SkuId": str(sku_id)}
    if price_vnd is not None:
        entry["Price"] = str(price_vnd)
    return entry


def sellable_entry(*, item_id: str, sku_id: str, stock: int) -> dict:
    """An UpdateSellableQuantity entry: what buyers may buy now (our published stock), Lazada keeping the
    units of unpaid and paid orders apart."""
    return {"ItemId": str(item_id), "SkuId": str(sku_id), "SellableQuantity": str(max(0, stock))}


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
    """Every rule the draft breaks (``RULES`` with ``rules`` over them), in the owner's language. Pure."""
    lazada = RULES.updated(rules)

    def own_checks(draft: ListingDraft, problems: ProblemList) -> None:
        if has_variations(draft):
            for name in option_names(draft):
                if len(name) > VARIATION_NAME_MAX:
                    problems.add("variants", _("The option name “%(name)s” is longer than %(max)d characters; Lazada "
                                               "refuses it.") % {"name": name, "max": VARIATION_NAME_MAX})
            values = [part for v in draft.variants for part in option_parts(draft, v)]
            for value in dict.fromkeys(values):
                if len(value) > VARIATION_OPTION_MAX:
                    problems.add("variants", _("The option value “%(option)s” is longer than %(max)d characters; "
                                               "Lazada refuses it.") % {"option": value, "max": VARIATION_OPTION_MAX})
            if len(set(values)) > VARIATION_OPTIONS_MAX * len(option_names(draft)):
                problems.add("variants", _("An option has more than %(max)d values; Lazada allows at most %(max)d.")
                             % {"max": VARIATION_OPTIONS_MAX})
        prices = [v.price_vnd for v in draft.variants if v.price_vnd > 0]
        if len(prices) > 1 and min(prices) < max(prices) * lazada.variant_price_ratio_min:
            problems.add("price", _(
                "The cheapest variant (%(low)s VND) costs less than %(percent)d%% of the dearest (%(high)s VND); "
                "Lazada refuses variant prices that far apart. Bring the prices closer or publish these variants as "
                "separate products.") % {"low": money(min(prices)), "high": money(max(prices)),
                                         "percent": round(100 * lazada.variant_price_ratio_min)})

    return validate_rules(draft, rules=lazada, attributes=attributes, description=description_html(draft.description),
                          extra=own_checks)
