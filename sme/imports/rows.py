"""Turning raw sheet rows into typed product and variant values, with every problem by row and column.

Pure apart from reading the category list: no writes. Rows with problems are skipped and reported.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from stdnum import ean

from sme.catalog.models import Category, ProductStatus, Variant
from sme.catalog.numbers import NumberFormatError, parse_decimal_vn, parse_int_vn
from sme.catalog.text import text_clean, text_fold

from .problems import Problem
from .reading import SheetRows

_fold = lru_cache(maxsize=4096)(text_fold)

PRODUCT_FIELDS = ["name", "category", "brand", "status", "description", "option1_name", "option2_name",
                  "ocop_stars", "ocop_certificate_no", "images"]
MAX_LENGTHS = {"product_key": 64, "name": 255, "brand": 120, "option1_name": 40, "option2_name": 40,
               "option1_value": 80, "option2_value": 80, "sku": 64, "barcode": 32, "ocop_certificate_no": 64}
MAX_PRICE = 10**12
MAX_VARIANTS = 100

STATUS_WORDS = {
    "draft": ProductStatus.DRAFT, "nhap": ProductStatus.DRAFT, "ban nhap": ProductStatus.DRAFT,
    # "Đang bán" was the catalog's word before "Đang kinh doanh" (docs/statuses.md): sheets keep working.
    "active": ProductStatus.ACTIVE, "dang kinh doanh": ProductStatus.ACTIVE, "dang ban": ProductStatus.ACTIVE,
    "hoat dong": ProductStatus.ACTIVE,
    "archived": ProductStatus.ARCHIVED, "da luu tru": ProductStatus.ARCHIVED, "luu tru": ProductStatus.ARCHIVED,
    "ngung ban": ProductStatus.ARCHIVED, "ngung kinh doanh": ProductStatus.ARCHIVED,
}


@dataclass
class ParsedRow:
    number: int
    raw: dict
    product_key: str = ""
    product: dict = field(default_factory=dict)
    variant: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, code: str, column: str | None, **params) -> None:
        self.problems.append(Problem(code=code, row=self.number, column=column, params=params))


def cell_text(value) -> str:
    """A cell as text the way the owner sees it: 12.0 -> "12", NFC-normalised, trimmed."""
    if value is None:
        return ""
    if type(value) is str:
        return unicodedata.normalize("NFC", value).strip() if not value.isascii() else value.strip()
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return text_clean(str(value))


def _barcode(value) -> str:
    """Text barcodes are kept as typed; a number that lost its leading zeros gets them back when the
    zero-padded code is a valid EAN-13."""
    text = cell_text(value)
    if isinstance(value, int | float) and text.isdigit() and len(text) < 13:
        padded = text.zfill(13)
        if ean.is_valid(padded):
            return padded
    return text


def _categories() -> dict[str, Category]:
    lookup = {}
    for category in Category.objects.all():
        for name in (category.code, category.name_vi, category.name_en):
            lookup[text_fold(name)] = category
    return lookup


def _split_names(text: str) -> list[str]:
    names = []
    for part in text.replace("\n", ";").replace(",", ";").split(";"):
        if part := text_clean(part):
            names.append(part)
    return names


def parse_rows(sheet: SheetRows) -> list[ParsedRow]:
    """Type every row and check it alone, then across rows (product consistency, duplicate SKUs, options)."""
    categories = _categories()
    present = set(sheet.columns)
    parsed = [_parse_one(number, raw, present, categories) for number, raw in sheet.rows]
    _check_across(parsed, present)
    return parsed


def _parse_one(number: int, raw: dict, present: set[str], categories: dict[str, Category]) -> ParsedRow:
    row = ParsedRow(number=number, raw={k: cell_text(v) for k, v in raw.items()})
    text = row.raw
    for key, limit in MAX_LENGTHS.items():
        if key in present and len(text.get(key, "")) > limit:
            row.fail("too_long", key, max=limit)

    row.product_key = text.get("product_key", "")
    if not row.product_key:
        row.fail("required", "product_key")
    if "name" in present:
        row.product["name"] = text["name"]
    if "category" in present:
        value = text["category"]
        if value and _fold(value) not in categories:
            row.fail("unknown_category", "category", value=value)
        row.product["category"] = categories.get(_fold(value)) if value else None
    if "status" in present:
        value = text["status"]
        status = STATUS_WORDS.get(_fold(value)) if value else ""
        if status is None:
            row.fail("unknown_status", "status", value=value)
        row.product["status"] = status or ""
    for key in ("brand", "description", "option1_name", "option2_name", "ocop_certificate_no"):
        if key in present:
            row.product[key] = text[key]
    if "ocop_stars" in present:
        value = text["ocop_stars"]
        stars = None
        if value:
            try:
                stars = parse_int_vn(value)
            except NumberFormatError:
                stars = 0
            if stars not in (3, 4, 5):
                row.fail("ocop_stars", "ocop_stars")
        row.product["ocop_stars"] = stars
    if "images" in present:
        row.product["images"] = _split_names(text["images"])

    row.variant["sku"] = text.get("sku", "")
    if not row.variant["sku"]:
        row.fail("required", "sku")
    for key in ("option1_value", "option2_value"):
        if key in present:
            row.variant[key] = text[key]
    if "barcode" in present:
        row.variant["barcode"] = _barcode(raw.get("barcode"))
    if "variant_image" in present:
        row.variant["variant_image"] = text["variant_image"]
    _whole(row, raw, "price", present, minimum=1, required=True)
    _whole(row, raw, "list_price", present, minimum=1)
    _whole(row, raw, "stock", present, minimum=0, maximum=10**9)
    _whole(row, raw, "weight_g", present, minimum=1, maximum=10**7)
    for key in ("length_cm", "width_cm", "height_cm"):
        _size(row, raw, key, present)
    price, list_price = row.variant.get("price"), row.variant.get("list_price")
    if price and list_price and list_price < price:
        row.fail("list_below_price", "list_price")
    return row


def _whole(row: ParsedRow, raw: dict, key: str, present: set[str], *, minimum: int, maximum: int = MAX_PRICE,
           required: bool = False) -> None:
    if key not in present:
        return
    text = row.raw.get(key, "")
    if not text:
        if required:
            row.fail("required", key)
        row.variant[key] = None
        return
    value = raw[key]
    try:
        number = value if type(value) is int else parse_int_vn(value if isinstance(value, float) else text)
    except NumberFormatError:
        row.fail("not_whole_number", key, value=text)
        return
    if number < minimum:
        row.fail("too_small", key, min=minimum)
    elif number > maximum:
        row.fail("too_big", key, max=maximum)
    row.variant[key] = number


def _size(row: ParsedRow, raw: dict, key: str, present: set[str]) -> None:
    if key not in present:
        return
    text = row.raw.get(key, "")
    if not text:
        row.variant[key] = None
        return
    try:
        number = parse_decimal_vn(raw[key] if isinstance(raw[key], int | float) else text)
    except NumberFormatError:
        row.fail("not_number", key, value=text)
        return
    if number <= 0:
        row.fail("too_small", key, min="0,1")
    elif number >= 100000:
        row.fail("too_big", key, max="99999")
    row.variant[key] = number.quantize(Decimal("0.1"))


def _check_across(parsed: list[ParsedRow], present: set[str]) -> None:
    seen_sku: dict[str, int] = {}
    for row in parsed:
        sku = row.variant.get("sku")
        if not sku:
            continue
        if sku in seen_sku:
            row.fail("duplicate_sku", "sku", sku=sku, row=seen_sku[sku])
        else:
            seen_sku[sku] = row.number

    groups: dict[str, list[ParsedRow]] = {}
    for row in parsed:
        if row.product_key:
            groups.setdefault(row.product_key, []).append(row)
    for rows in groups.values():
        first_value: dict[str, tuple] = {}
        for row in rows:
            for key, value in row.product.items():
                if value in ("", None, []):
                    continue
                if key not in first_value:
                    first_value[key] = (value, row.number)
                elif first_value[key][0] != value:
                    row.fail("conflict", key, row=first_value[key][1])
        if not first_value.get("name"):
            for row in rows:
                row.fail("name_missing", "name")
        if len(rows) > MAX_VARIANTS:
            for row in rows[MAX_VARIANTS:]:
                row.fail("too_many_variants", "sku", max=MAX_VARIANTS)
        # Product-level values apply to every row of the product.
        merged = {key: value for key, (value, _) in first_value.items()}
        for row in rows:
            row.product = {key: merged.get(key, empty_of(key)) for key in row.product}
        if len(rows) > 1:
            seen_options: dict[tuple, int] = {}
            for row in rows:
                combo = (row.variant.get("option1_value", ""), row.variant.get("option2_value", ""))
                if not merged.get("option1_name") or not combo[0]:
                    row.fail("options_needed", "option1_value" if merged.get("option1_name") else "option1_name")
                elif combo in seen_options:
                    row.fail("duplicate_options", "option1_value", row=seen_options[combo])
                else:
                    seen_options[combo] = row.number


_EMPTY = {"category": None, "ocop_stars": None}


def empty_of(key: str):
    return [] if key == "images" else _EMPTY.get(key, "")


def variant_matches(variant: Variant, values: dict) -> bool:
    """Does ``variant`` already hold every value the row gives (stock and photo aside)?"""
    for key, value in values.items():
        if key in ("stock", "variant_image", "sku"):
            continue
        current = getattr(variant, key)
        if key in ("length_cm", "width_cm", "height_cm") and current is not None:
            current = Decimal(current).quantize(Decimal("0.1"))
        if current != value:
            return False
    return True
