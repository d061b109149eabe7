"""The columns of the catalog sheet: one row per variant; variants of a product share its product key.

The template's first row holds the Vietnamese headers, the second the English keys below; the reader accepts
either (or the English labels), in any order, so a sheet edited by hand still imports.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sme.catalog.text import text_clean, text_fold


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    help: Promise
    required: bool = False
    product_level: bool = False
    example: str = ""
    width: int = 16


COLUMNS: list[Column] = [
    Column("product_key", _("Product key"), _("Groups the rows of one product: its variants share it."), True, True,
           "QH-LAIVUNG", 14),
    Column("name", _("Product name"), _("Needed on the product's first row; later rows may leave it empty."),
           True, True, "Quýt hồng Lai Vung", 30),
    Column("category", _("Category"), _("A category code or name from the Categories sheet."), False, True,
           "fruit", 16),
    Column("brand", _("Brand"), _("Optional."), False, True, "HTX Lai Vung", 16),
    Column("status", _("Status"), _("draft, active or archived (empty: draft)."), False, True, "active", 10),
    Column("description", _("Description"), _("Plain text or simple HTML; scripts are removed."), False, True,
           "Quýt hồng đặc sản Lai Vung, ngọt thanh.", 36),
    Column("option1_name", _("Option 1 name"), _("For example: Weight. Needed when a product has several variants."),
           False, True, "Khối lượng", 14),
    Column("option1_value", _("Option 1 value"), _("For example: 1 kg."), False, False, "1 kg", 12),
    Column("option2_name", _("Option 2 name"), _("Optional second option, for example: Grade."), False, True, "", 14),
    Column("option2_value", _("Option 2 value"), _("For example: Grade 1."), False, False, "", 12),
    Column("sku", _("SKU"), _("Your code for the variant, unique in your catalog. Rows are matched by SKU."),
           True, False, "QH-1KG", 14),
    Column("price", _("Price (VND)"), _("Whole đồng, for example 85000 or 85.000."), True, False, "85000", 12),
    Column("list_price", _("List price (VND)"), _("Optional price before discount; not below the price."),
           False, False, "95000", 12),
    Column("stock", _("Stock"), _("Units in stock (empty: unchanged)."), False, False, "120", 8),
    Column("barcode", _("Barcode"), _("Kept as text: leading zeros stay."), False, False, "0893000123457", 16),
    Column("weight_g", _("Weight (g)"), _("Packed weight in grams."), False, False, "1100", 10),
    Column("length_cm", _("Length (cm)"), _("Package size in cm, for example 30 or 12,5."), False, False, "30", 10),
    Column("width_cm", _("Width (cm)"), _("Package size in cm."), False, False, "20", 10),
    Column("height_cm", _("Height (cm)"), _("Package size in cm."), False, False, "15", 10),
    Column("ocop_stars", _("OCOP stars"), _("3, 4 or 5 when the product is OCOP-certified."), False, True, "4", 8),
    Column("ocop_certificate_no", _("OCOP certificate number"), _("Optional."), False, True, "", 16),
    Column("images", _("Product photos"), _("File names in the .zip, separated by ;"), False, True,
           "quyt-1.jpg; quyt-2.jpg", 24),
    Column("variant_image", _("Variant photo"), _("One file name in the .zip for this variant."), False, False,
           "quyt-1kg.jpg", 16),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = [c.key for c in COLUMNS if c.required]
TEXT_KEYS = {"product_key", "sku", "barcode", "ocop_certificate_no"}


def header_lookup() -> dict[str, str]:
    """Folded header text -> column key, for the English key, the English label and the Vietnamese label."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for column in COLUMNS:
        names = {column.key}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(str(column.label))
        for name in names:
            lookup[text_fold(text_clean(name))] = column.key
    return lookup


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
