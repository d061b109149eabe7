"""The shared helper every spreadsheet and CSV writer uses: formula-like text is written as text, numbers stay
numbers (read back with openpyxl and csv, the way a spreadsheet would get them)."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook

from sme.sheet_safety import csv_value, formula_like, sheet_row

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"Xem\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
HARMLESS = ["Quýt hồng Lai Vung", "", "a=b", " -5 kg", "5-7 ngày"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_recognised(text):
    assert formula_like(text)


@pytest.mark.parametrize("value", [*HARMLESS, -5, -1.5, Decimal("-12.5"), "-5", "+84912345678", "-1.234,5", None])
def test_numbers_and_plain_text_are_not_formulas(value):
    assert not formula_like(value)


@pytest.mark.parametrize("write_only", [True, False])
def test_in_xlsx_formula_like_text_is_a_text_cell_with_the_same_text_and_numbers_stay_numbers(write_only):
    # given a row with every hostile text and some negative numbers
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("s") if write_only else workbook.active
    values = [*HOSTILE, -5, -1.5, Decimal("-12.5"), "-5"]
    # when
    sheet.append(sheet_row(sheet, values))
    out = io.BytesIO()
    workbook.save(out)
    # then
    cells = list(openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())[0]
    for cell, text in zip(cells, HOSTILE, strict=False):
        # (XML reads a carriage return back as a line feed)
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text.replace("\r", "\n"), True)
    assert [(c.data_type, c.value, c.quotePrefix) for c in cells[len(HOSTILE):]] == [
        ("n", -5, False), ("n", -1.5, False), ("n", -12.5, False), ("s", "-5", False)]


def test_in_csv_formula_like_text_gets_an_apostrophe_and_numbers_are_unchanged():
    out = io.StringIO()
    csv.writer(out).writerow([csv_value(v) for v in [*HOSTILE, -5, "-5", "+84912345678", "Sen"]])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[:len(HOSTILE)] == ["'" + text for text in HOSTILE]
    assert row[len(HOSTILE):] == ["-5", "-5", "+84912345678", "Sen"]
