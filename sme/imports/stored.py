"""The rows checked at preview, kept beside the upload so the confirmed run does not read and check the sheet again.

Plain JSON (gzip): no pickle, so a stored file can never run code when it is loaded. The run still plans
against the catalog as it is then (photos, SKUs of other products, plan limits). Categories are stored by id and
looked up again at load, so one deleted in between turns into the same row problem as at preview.
A file of another format version (or a damaged one) is ignored and the sheet is read again.
"""

import gzip
import json
from decimal import Decimal, InvalidOperation

from sme.catalog.models import Category

from .problems import Problem
from .rows import ParsedRow

FORMAT_VERSION = 1
_DECIMAL_KEYS = frozenset({"length_cm", "width_cm", "height_cm"})


class StoredRowsInvalid(Exception):
    """The stored rows cannot be used (another format version, damaged); read the sheet again."""


def rows_dump(rows: list[ParsedRow]) -> bytes:
    """Serialise parsed rows (after parse_rows, before planning) to gzip-compressed JSON bytes."""
    out = []
    for row in rows:
        product = dict(row.product)
        if "category" in product:
            category = product["category"]
            product["category"] = category.pk if category is not None else None
        variant = {k: (str(v) if k in _DECIMAL_KEYS and v is not None else v) for k, v in row.variant.items()}
        out.append([row.number, row.raw, row.product_key, product, variant, [p.as_dict() for p in row.problems]])
    payload = {"version": FORMAT_VERSION, "rows": out}
    return gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), compresslevel=1)


def rows_load(data: bytes) -> list[ParsedRow]:
    """The rows written by rows_dump. Raises StoredRowsInvalid when they cannot be used."""
    try:
        payload = json.loads(gzip.decompress(data))
        if payload.get("version") != FORMAT_VERSION:
            raise StoredRowsInvalid("version")
        items = payload["rows"]
        category_ids = {item[3]["category"] for item in items if item[3].get("category") is not None}
        categories = Category.objects.in_bulk(list(category_ids))
        rows = []
        for number, raw, product_key, product, variant, problems in items:
            row = ParsedRow(number=number, raw=raw, product_key=product_key, product=product, variant=variant,
                            problems=[Problem(**p) for p in problems])
            if "category" in product and product["category"] is not None:
                category = categories.get(product["category"])
                product["category"] = category
                if category is None:  # deleted since the preview: the same problem the preview would show now
                    row.fail("unknown_category", "category", value=raw.get("category", ""))
            for key in _DECIMAL_KEYS & variant.keys():
                if variant[key] is not None:
                    variant[key] = Decimal(variant[key])
            rows.append(row)
    except (OSError, EOFError, ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise StoredRowsInvalid(type(exc).__name__) from exc
    return rows
