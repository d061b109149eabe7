"""CSV and XLSX exports of every table and list. Each XLSX has a notes sheet with the definitions, the date
the numbers are for, the denominator in use and when they were computed."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .report import definitions


def table_csv(*, headers: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """UTF-8 with a BOM so Excel opens Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value):
    # A text cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters ("Xã/phường" has a slash)."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def table_xlsx(*, title: str, headers: Sequence[str], rows: Sequence[Sequence], notes: dict) -> bytes:
    """One data sheet and one notes sheet (definitions, as-of date, denominator, computed at)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) if isinstance(v, str) else v for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, min(40, len(header) + 4))
    notes_sheet = workbook.create_sheet(sheet_title(_("Notes")))
    notes_sheet.column_dimensions["A"].width = 36
    notes_sheet.column_dimensions["B"].width = 110
    notes_sheet.append([_("Table"), title])
    for label, value in notes.items():
        notes_sheet.append([label, value])
    notes_sheet.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    notes_sheet.append([])
    notes_sheet.append([_("Definitions")])
    notes_sheet.cell(row=notes_sheet.max_row, column=1).font = Font(bold=True)
    for term, text in definitions():
        notes_sheet.append([term, text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
