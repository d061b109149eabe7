"""Rules as data: what a marketplace accepts in a listing, declared once per marketplace, checked once here.

Each backend declares its ``RULES`` (a ``ListingRules``, or a subclass adding what only that marketplace has)
in its ``mappers.py``, every value traced to the marketplace's published material through its conformance
table in ``docs/marketplaces/<code>.md``. ``validate`` below checks a ``ListingDraft`` against them and words
every problem once, in the owner's language, naming the marketplace and its limit; a backend's own
``mappers.validate`` calls it and adds only the checks that are truly its own (Tiki's legal documents,
Lazada's price ratio, Shopee's two option tiers, WooCommerce's currency).

Limits a marketplace answers per category (Shopee's ``get_item_limit``, TikTok Shop's category rules, Tiki's
required documents) come back from ``Connector.listing_rules`` as a JSON-serialisable dict of field names;
``ListingRules.updated`` applies them over the declared values.

Each ``ValidationProblem`` names the ``field`` that fixes it (one of ``FIELDS``) and, for a per-variant
rule, the variant, so a checklist can link to the right box of the product form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .base import AttributeSpec, ListingDraft, ValidationProblem, VariantDraft

#: What fixes a problem, in the order the owner meets them on the product form and in the publish step.
#: "category", "attributes" and "shipping" are fixed on the marketplace's side (publish step, shop settings);
#: the others on the product page.
FIELDS = ("name", "description", "images", "documents", "category", "attributes", "shipping", "variants", "sku",
          "barcode", "price", "stock", "weight", "dimension")


@dataclass(frozen=True)
class ListingRules:
    """A marketplace's limits for one listing. ``None`` means the marketplace sets no limit there.

    Lengths are in characters, weights in grams, sizes in centimetres, money in whole VND. Subclass it for a
    marketplace's own rules (and check those in its ``mappers.validate``).
    """

    #: the marketplace as the owner knows it, in messages ("Shopee", "TikTok Shop", "the web shop")
    marketplace: str
    name_min: int = 1
    name_max: int | None = None
    #: characters the name may not contain
    name_forbidden: str = ""
    #: measured on the description as the marketplace receives it (plain text or HTML, see ``validate``)
    description_min: int = 0
    description_max: int | None = None
    images_min: int = 1
    images_max: int | None = None
    image_extensions: tuple[str, ...] = (".jpg", ".jpeg", ".png")
    image_max_bytes: int | None = None
    category_required: bool = True
    #: attributes the connector fills itself (never asked of the owner even when the category marks them mandatory)
    system_attributes: frozenset[str] = frozenset()
    shipping_channel_required: bool = False
    variants_max: int | None = None
    #: characters of one option value ("500 g") as the marketplace receives it
    option_max: int | None = None
    sku_max: int | None = None
    sku_forbidden: str = ""
    sku_spaces_allowed: bool = True
    skus_unique: bool = True
    price_min: int = 1
    price_max: int | None = None
    stock_min: int = 0
    stock_max: int | None = None
    weight_required: bool = False
    weight_min_g: float | None = None
    weight_max_g: float | None = None
    dimensions_required: bool = False
    dimension_min_cm: float | None = None
    dimension_max_cm: float | None = None
    #: length + width + height of the package
    dimension_sum_max_cm: float | None = None

    def updated(self, overrides: Mapping[str, Any] | None) -> ListingRules:
        """These rules with ``overrides`` (``listing_rules``' answer, or a test's) applied. Keys that are no
        field of these rules are ignored: a cached answer written before a field was renamed stays harmless."""
        if not overrides:
            return self
        known = {f.name: f for f in dataclasses.fields(self)}
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                continue
            current = getattr(self, key)
            if isinstance(current, tuple) and isinstance(value, list):
                value = tuple(value)
            elif isinstance(current, frozenset) and not isinstance(value, frozenset):
                value = frozenset(value)
            values[key] = value
        return dataclasses.replace(self, **values)


@dataclass
class ProblemList:
    """The problems found so far; ``add`` appends one. Sorted into ``FIELDS`` order at the end."""

    problems: list[ValidationProblem] = field(default_factory=list)

    def add(self, field_name: str, message: str, *, variant: VariantDraft | None = None) -> None:
        self.problems.append(ValidationProblem(field=field_name, message=message,
                                               variant_id=variant.variant_id if variant else None))

    def sorted(self) -> list[ValidationProblem]:
        order = {name: i for i, name in enumerate(FIELDS)}
        return sorted(self.problems, key=lambda p: order.get(p.field, len(FIELDS)))


def has_variations(draft: ListingDraft) -> bool:
    """Whether the product is listed with options: more than one variant, or one that names its option."""
    return len(draft.variants) > 1 or any(v.option_name for v in draft.variants)


def money(value: float) -> str:
    """VND as the owner reads it in a message: ``1.250.000``."""
    return f"{int(value):,}".replace(",", ".")


def number(value: float) -> str:
    """A limit as the owner reads it: no trailing zeros (``0.01``, ``30``)."""
    return f"{value:g}"


def validate(draft: ListingDraft, *, rules: ListingRules, attributes: Sequence[AttributeSpec] = (),
             description: str | None = None,
             extra: Callable[[ListingDraft, ProblemList], None] | None = None) -> list[ValidationProblem]:
    """Every rule of ``rules`` that ``draft`` breaks, each saying in the owner's language what to fix, in
    ``FIELDS`` order. ``description`` is the description as the marketplace receives it (plain text or HTML;
    the draft's own text when not given), so its length is the one the marketplace counts. ``extra(draft,
    problems)`` adds the marketplace's own checks. Pure: no I/O, the same draft always gives the same list."""
    problems = ProblemList()
    add = problems.add
    names = {"marketplace": str(rules.marketplace)}

    _check_name(draft, rules, add, names)
    text = draft.description if description is None else description
    if rules.description_min and len(text) < rules.description_min:
        add("description", _("The description has %(n)d characters; %(marketplace)s needs at least %(min)d. "
                             "Describe the product in more detail.")
            % {**names, "n": len(text), "min": rules.description_min})
    elif rules.description_max is not None and len(text) > rules.description_max:
        add("description", _("The description has %(n)d characters; %(marketplace)s allows at most %(max)d. "
                             "Shorten it.") % {**names, "n": len(text), "max": rules.description_max})
    if rules.category_required:
        if not draft.category_id:
            add("category", _("Choose the %(marketplace)s category for this product.") % names)
        elif not draft.category_is_leaf:
            add("category", _("The %(marketplace)s category chosen has sub-categories; choose the most specific "
                              "one.") % names)
    for spec in attributes:
        if spec.mandatory and spec.external_id not in rules.system_attributes and \
                not any(str(v).strip() for v in draft.attributes.get(spec.external_id, [])):
            add("attributes", _("Fill in the attribute “%(name)s” required by the %(marketplace)s category.")
                % {**names, "name": spec.name})
    if rules.shipping_channel_required and not draft.shipping_channel_id:
        add("shipping", _("Choose a shipping channel for the %(marketplace)s shop (the shop's settings).") % names)
    _check_images(draft, rules, add, names)
    _check_variants(draft, rules, add, names)
    for variant in draft.variants:
        _check_variant(variant, rules, add, names)
    if extra is not None:
        extra(draft, problems)
    return problems.sorted()


def _check_name(draft: ListingDraft, rules: ListingRules, add, names: dict) -> None:
    name = draft.name.strip()
    n = len(name)
    if not name:
        add("name", _("Enter the product name."))
    elif n < rules.name_min or (rules.name_max is not None and n > rules.name_max):
        if rules.name_max is None:
            message = _("The name has %(n)d characters; %(marketplace)s needs at least %(min)d.")
        elif rules.name_min > 1:
            message = _("The name has %(n)d characters; %(marketplace)s needs %(min)d to %(max)d.")
        else:
            message = _("The name has %(n)d characters; %(marketplace)s allows at most %(max)d.")
        add("name", message % {**names, "n": n, "min": rules.name_min, "max": rules.name_max})
    bad = sorted({c for c in name if c in rules.name_forbidden})
    if bad:
        add("name", _("The name contains characters %(marketplace)s does not accept (%(chars)s); remove them.")
            % {**names, "chars": " ".join(bad)})


def _check_images(draft: ListingDraft, rules: ListingRules, add, names: dict) -> None:
    n = len(draft.images)
    if n < rules.images_min or (rules.images_max is not None and n > rules.images_max):
        if rules.images_max is None:
            add("images", _("The product has %(n)d photos; %(marketplace)s needs at least %(min)d.")
                % {**names, "n": n, "min": rules.images_min})
        else:
            add("images", _("The product has %(n)d photos; %(marketplace)s needs %(min)d to %(max)d.")
                % {**names, "n": n, "min": rules.images_min, "max": rules.images_max})
    kinds = ", ".join(dict.fromkeys(e.lstrip(".").upper().replace("JPEG", "JPG") for e in rules.image_extensions))
    for image in draft.images:
        if not image.filename.lower().endswith(rules.image_extensions):
            add("images", _("The photo %(name)s must be one of these file types: %(kinds)s.")
                % {"name": image.filename, "kinds": kinds})
        elif rules.image_max_bytes is not None and image.size_bytes > rules.image_max_bytes:
            add("images", _("The photo %(name)s is larger than %(max)s MB.")
                % {"name": image.filename, "max": number(rules.image_max_bytes / (1024 * 1024))})


def _check_variants(draft: ListingDraft, rules: ListingRules, add, names: dict) -> None:
    variants = draft.variants
    if not variants:
        add("variants", _("The product has no variant with a price."))
    elif rules.variants_max is not None and len(variants) > rules.variants_max:
        add("variants", _("The product has %(n)d variants; %(marketplace)s allows at most %(max)d.")
            % {**names, "n": len(variants), "max": rules.variants_max})
    if has_variations(draft):
        labels = [v.option_name for v in variants]
        if any(not label.strip() for label in labels):
            add("variants", _("Every variant needs an option value (for example 500 g, 1 kg)."))
        if len(set(labels)) != len(labels):
            add("variants", _("Two variants have the same option value; make each one different."))
    skus = [v.sku.strip() for v in variants]
    if rules.skus_unique and len(set(skus)) != len(skus):
        add("sku", _("Two variants have the same SKU; %(marketplace)s needs a different SKU for each variant.")
            % names)


def _check_variant(v: VariantDraft, rules: ListingRules, add, names: dict) -> None:
    sku = v.sku.strip()
    label = {"sku": sku[:20] or "—"}
    if not sku:
        add("sku", _("Every variant needs a SKU: %(marketplace)s finds the product by it.") % names, variant=v)
    elif rules.sku_max is not None and len(sku) > rules.sku_max:
        add("sku", _("Variant %(sku)s: the SKU must have 1 to %(max)d characters.")
            % {**label, "max": rules.sku_max}, variant=v)
    else:
        bad = sorted({c for c in sku if c in rules.sku_forbidden})
        if bad:
            add("sku", _("Variant %(sku)s: the SKU contains characters %(marketplace)s does not accept (%(chars)s).")
                % {**names, **label, "chars": " ".join(bad)}, variant=v)
        if not rules.sku_spaces_allowed and any(c.isspace() for c in sku):
            add("sku", _("Variant %(sku)s: the SKU may not contain spaces for %(marketplace)s.") % {**names, **label},
                variant=v)
    if rules.option_max is not None and len(v.option_name) > rules.option_max:
        add("variants", _("The option “%(option)s” is longer than %(max)d characters.")
            % {"option": v.option_name, "max": rules.option_max}, variant=v)
    if v.price_vnd < rules.price_min or (rules.price_max is not None and v.price_vnd > rules.price_max):
        if rules.price_max is None:
            add("price", _("Variant %(sku)s: the price must be at least %(min)s VND.")
                % {**label, "min": money(rules.price_min)}, variant=v)
        else:
            add("price", _("Variant %(sku)s: the price must be between %(min)s and %(max)s VND.")
                % {**label, "min": money(rules.price_min), "max": money(rules.price_max)}, variant=v)
    if v.stock < rules.stock_min or (rules.stock_max is not None and v.stock > rules.stock_max):
        if rules.stock_max is None and rules.stock_min == 0:
            add("stock", _("Variant %(sku)s: the stock cannot be negative.") % label, variant=v)
        elif rules.stock_max is None:
            add("stock", _("Variant %(sku)s: the stock must be at least %(min)s.")
                % {**label, "min": money(rules.stock_min)}, variant=v)
        else:
            add("stock", _("Variant %(sku)s: %(marketplace)s lists only stock from %(min)s to %(max)s units.")
                % {**names, **label, "min": money(rules.stock_min), "max": money(rules.stock_max)}, variant=v)
    _check_package(v, rules, add, names, label)


def _check_package(v: VariantDraft, rules: ListingRules, add, names: dict, label: dict) -> None:
    weight = v.weight_grams
    if not weight or weight <= 0:
        if rules.weight_required:
            add("weight", _("Variant %(sku)s: enter the package weight in grams.") % label, variant=v)
    elif (rules.weight_min_g is not None and weight < rules.weight_min_g) or \
            (rules.weight_max_g is not None and weight > rules.weight_max_g):
        if rules.weight_max_g is None:
            add("weight", _("Variant %(sku)s: the package weight must be at least %(min)s kg.")
                % {**label, "min": number(rules.weight_min_g / 1000)}, variant=v)
        else:
            add("weight", _("Variant %(sku)s: the package weight must be between %(min)s and %(max)s kg.")
                % {**label, "min": number((rules.weight_min_g or 0) / 1000),
                   "max": number(rules.weight_max_g / 1000)}, variant=v)
    sides = (v.length_cm, v.width_cm, v.height_cm)
    if not all(sides) and rules.dimensions_required:
        add("dimension", _("Variant %(sku)s: enter the package length, width and height in cm; %(marketplace)s "
                           "requires them.") % {**names, **label}, variant=v)
        return
    given = [side for side in sides if side]
    low, high = rules.dimension_min_cm, rules.dimension_max_cm
    if any((low is not None and side < low) or (high is not None and side > high) for side in given):
        add("dimension", _("Variant %(sku)s: each package side must be between %(min)s and %(max)s cm.")
            % {**label, "min": number(low or 0), "max": number(high) if high is not None else "—"}, variant=v)
    elif rules.dimension_sum_max_cm is not None and len(given) == 3 and sum(given) > rules.dimension_sum_max_cm:
        add("dimension", _("Variant %(sku)s: length + width + height of the package must be at most %(max)s cm "
                           "for %(marketplace)s.") % {**names, **label, "max": number(rules.dimension_sum_max_cm)},
            variant=v)
