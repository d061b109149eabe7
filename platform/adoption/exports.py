"""CSV and XLSX exports of every table and list, with the notes every export carries (``report.report_notes``:
the date the numbers are for, the denominator and its source, when they were computed, the definitions).

Officers open them in Excel set to Vietnamese, so:

- XLSX: dates are date cells shown dd/mm/yyyy, times are Asia/Ho_Chi_Minh date-times, shares are percent
  cells (the value 0.143 shown as 14,3% or 14.3% by Excel's own locale), counts are numbers; the header row
  is frozen and filterable and every column is as wide as its longest value; text stays text (phone numbers
  too, with no apostrophe added), and text that would run as a formula is made inert (``sme.sheet_safety``).
- CSV: the same table as text, dates dd/mm/yyyy, shares with the active language's decimal mark and a % sign,
  phone numbers written 0xx xxx xxxx (spaces keep Excel from reading them as numbers); then an empty line
  and the notes, as label/value rows.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from sme.sheet_safety import csv_value, sheet_row

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True, slots=True)
class Percent:
    """A share in percent (14.3 means 14.3%): a percent cell in XLSX, "14,3%" / "14.3%" in CSV."""

    value: float

    def __str__(self) -> str:
        return number_format(self.value, decimal_pos=1) + "%"


def percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)


def _text(value) -> str:
    """How a value reads in a CSV cell and how wide it is in a sheet."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else (
            value.strftime("%d/%m/%Y %H:%M"))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def table_csv(*, headers: Sequence[str], rows: Sequence[Sequence], notes: Sequence[tuple[str, object]] = ()
              ) -> bytes:
    """UTF-8 with a BOM so Excel opens Vietnamese text correctly; the notes follow an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_value(_text(v)) if isinstance(v, str) else _text(v) for v in row])
    if notes:
        writer.writerow([])
        for label, value in notes:
            writer.writerow([csv_value(str(label)), csv_value(_text(value))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters ("Xã/phường" has a slash)."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def _cell_value(value):
    """The value as the cell stores it: a percent as a fraction, an aware time as local wall-clock time."""
    if isinstance(value, Percent):
        return value.value / 100
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _number_format(value) -> str | None:
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return None


def _append(sheet, values) -> None:
    sheet.append(sheet_row(sheet, [_cell_value(v) for v in values]))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        fmt = _number_format(value)
        if fmt:
            sheet.cell(row=row, column=column).number_format = fmt


def _fit_widths(sheet, table: Sequence[Sequence]) -> None:
    widths: dict[int, int] = {}
    for values in table:
        for column, value in enumerate(values, start=1):
            longest = max((len(line) for line in _text(value).splitlines()), default=0)
            widths[column] = max(widths.get(column, 0), longest)
    for column, width in widths.items():
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def table_xlsx(*, title: str, headers: Sequence[str], rows: Sequence[Sequence],
               notes: Sequence[tuple[str, object]]) -> bytes:
    """One data sheet (header row frozen and filterable, typed cells, fitted widths) and one notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _fit_widths(sheet, [headers, *rows])

    notes_sheet = workbook.create_sheet(sheet_title(_("Notes")))
    _append(notes_sheet, [_("Table"), title])
    for label, value in notes:
        _append(notes_sheet, [label, value])
    _append(notes_sheet, [_("Exported at"), timezone.now()])
    notes_sheet.column_dimensions["A"].width = 40
    notes_sheet.column_dimensions["B"].width = 110
    for (label_cell, value_cell) in notes_sheet.iter_rows(min_col=1, max_col=2):
        label_cell.font = Font(bold=True)
        label_cell.alignment = Alignment(vertical="top", wrap_text=True)
        value_cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
