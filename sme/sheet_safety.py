"""Cells of every spreadsheet and CSV the platform writes, made inert (no formula injection, ASVS 5.2.x / 5.3).

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by Excel,
LibreOffice or Google Sheets when the file is opened (``=HYPERLINK(...)``, ``@SUM(...)``, DDE payloads such as
``-cmd|' /C calc'!A0``). Any text from outside (a product name, a business name, a register entry) may start
so. Every writer passes its values through here:

- in an .xlsx the cell stays a text cell with the same text, marked "quote prefix" so Excel also keeps it text
  when the cell is edited; re-importing the file reads the same text back;
- in a CSV, where there are no types, the text gets a leading apostrophe (what OWASP recommends).

Numbers (int, float, Decimal) are never touched, nor text that is just a number ("-5", "+84912345678",
"-1.234,5"): they are data, not formulas, and must stay numbers in the sheet.
"""

import re

from openpyxl.cell import Cell, WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def formula_like(value) -> bool:
    """Would a spreadsheet read ``value`` as a formula? Only text can be; a plain signed number cannot."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def csv_value(value):
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe; anything else is returned as is."""
    return "'" + value if formula_like(value) else value


def sheet_row(worksheet, values) -> list:
    """``values`` (plain values or cells) ready for ``worksheet.append``, in a normal or a write-only workbook:
    formula-like text becomes a text cell marked "quote prefix"; numbers, dates and other text keep their type.

    When a row holds any cell, every value gets its own cell: a write-only sheet otherwise writes the values
    after a cell through that same cell object, with its style (the quote prefix would spread to numbers).
    """
    row = [_checked(worksheet, value) for value in values]
    if not any(isinstance(value, Cell) for value in row):
        return row
    return [value if value is None or isinstance(value, Cell) else WriteOnlyCell(worksheet, value) for value in row]


def _checked(worksheet, value):
    if isinstance(value, Cell):
        if formula_like(value.value):
            _as_text(value)
        return value
    if not formula_like(value):
        return value
    cell = WriteOnlyCell(worksheet, value)
    _as_text(cell)
    return cell


def _as_text(cell: Cell) -> None:
    # openpyxl turns text starting with "=" into a formula on assignment; set the type back to text.
    cell.data_type = "s"
    cell.quotePrefix = True
