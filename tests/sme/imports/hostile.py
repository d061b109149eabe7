"""Builders of hostile and foreign spreadsheets, made in code: .xlsx parts rewritten by hand (huge cell and row
references, entity bombs), .xls written by xlwt (and a DIMENSIONS record patched through olefile), .ods
written by odfpy (and content.xml rewritten for repeat bombs), and photo archives that should be refused."""

import io
import struct
import tempfile
import zipfile

import olefile
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from .sheets import sample_rows, xlsx_from_template

HEADER = ["product_key", "name", "sku", "price", "stock"]
ROWS = [["SEN", "Trà tim sen Tháp Mười", "SEN-100", 120000, 50], ["QH", "Quýt hồng Lai Vung", "QH-1KG", 85000, 12]]


def rewrite_xlsx_sheet(data: bytes, change) -> bytes:
    """``data`` with its first worksheet's XML passed through ``change(xml bytes) -> xml bytes``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def xlsx_with_far_cells(refs: list[str]) -> bytes:
    """The template with the sample rows, and a text cell at each of ``refs`` added to the first data row."""
    cells = "".join(f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>' for ref in refs).encode()

    def change(xml: bytes) -> bytes:
        marker = b'<row r="4"'
        start = xml.index(marker)
        end = xml.index(b"</row>", start)
        return xml[:end] + cells + xml[end:]

    return rewrite_xlsx_sheet(xlsx_from_template(sample_rows()[2:] * 1 + [
        {"product_key": "X", "name": "Nem Lai Vung", "sku": "NEM-1", "price": "45.000"}]), change)


def xlsx_with_empty_rows(count: int) -> bytes:
    """The template with one product row, then ``count`` empty row elements."""
    def change(xml: bytes) -> bytes:
        empty = b"".join(b'<row r="%d"/>' % n for n in range(10, 10 + count))
        return xml.replace(b"</sheetData>", empty + b"</sheetData>")

    return rewrite_xlsx_sheet(xlsx_from_template(sample_rows()[2:]), change)


def xlsx_with_far_row() -> bytes:
    """A product row numbered 1048576 (Excel's last row) after the others: one more row, nothing more."""
    def change(xml: bytes) -> bytes:
        row = (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>FAR</t></is></c>'
               b'<c r="B1048576" t="inlineStr"><is><t>Hat sen Thap Muoi</t></is></c>'
               b'<c r="K1048576" t="inlineStr"><is><t>FAR-1</t></is></c><c r="L1048576"><v>30000</v></c></row>')
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    return rewrite_xlsx_sheet(xlsx_from_template(sample_rows()[2:]), change)


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")
                                                               for _ in range(10))) for i in range(1, 10))
          + b"]>\n")


def xlsx_billion_laughs() -> bytes:
    def change(xml: bytes) -> bytes:
        body = xml[xml.index(b"<worksheet"):]
        return LAUGHS + body.replace(b"<t>Tr", b"<t>&lol9;Tr", 1)

    return rewrite_xlsx_sheet(xlsx_from_template(sample_rows()[2:]), change)


def xls_bytes(header=HEADER, rows=ROWS, far_cell: tuple[int, int] | None = None) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("San pham")
    for row_index, values in enumerate([header, *rows]):
        for col_index, value in enumerate(values):
            sheet.write(row_index, col_index, value)
    if far_cell:
        sheet.write(*far_cell, "x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_with_lying_dimensions() -> bytes:
    """A small .xls whose DIMENSIONS record claims rows 0..4,000,000,000 (same length, patched in place)."""
    data = xls_bytes()
    with tempfile.NamedTemporaryFile(suffix=".xls") as handle:
        handle.write(data)
        handle.flush()
        with olefile.OleFileIO(handle.name, write_mode=True) as ole:
            stream = bytearray(ole.openstream("Workbook").read())
            position = 0
            while position + 4 <= len(stream):
                kind, length = struct.unpack_from("<HH", stream, position)
                if kind == 0x0200 and length == 14:
                    struct.pack_into("<IIHH", stream, position + 4, 0, 4_000_000_000, 0, 200)
                position += 4 + length
            ole.write_stream("Workbook", bytes(stream))
        handle.seek(0)
        return handle.read()


def ods_bytes(header=HEADER, rows=ROWS) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="San pham")
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            if isinstance(value, str):
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            else:
                cell = TableCell(valuetype="float", value=value)
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_ods_content(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "content.xml":
                content = change(content)
            target.writestr(item, content, compress_type=item.compress_type)
    return out.getvalue()


def ods_repeat_bomb() -> bytes:
    """One filled cell repeated across every column, in a row repeated a million times: ~17 billion cells
    described in a few hundred bytes."""
    bomb = (b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" '
            b'table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>')
    return rewrite_ods_content(ods_bytes(), lambda xml: xml.replace(b"</table:table>", bomb + b"</table:table>"))


def ods_wide() -> bytes:
    """A filled cell in the last column (XFD) of the first data row: an area of 3 x 16,384 cells and more."""
    wide = (b'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
            b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
            ) * 200
    return rewrite_ods_content(ods_bytes(), lambda xml: xml.replace(b"</table:table>", wide + b"</table:table>"))


def ods_billion_laughs() -> bytes:
    def change(xml: bytes) -> bytes:
        body = xml[xml.index(b"<office:document-content"):]
        return LAUGHS.replace(b"lolz", b"office:document-content") + body.replace(b"<text:p>Tr", b"<text:p>&lol9;Tr", 1)

    return rewrite_ods_content(ods_bytes(), change)
