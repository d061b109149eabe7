"""Writing the catalog sheet: the empty template, the export of a catalog, and the report of failed rows.

All three share the layout the reader expects: Vietnamese headers, English keys under them, then data;
a notes sheet explains every column and a categories sheet lists the codes.
"""

import io
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from sme.businesses.models import Business
from sme.catalog.models import Category, ProductStatus
from sme.catalog.selectors import variant_list_for_business
from sme.sheet_safety import sheet_row

from .columns import COLUMNS, TEXT_KEYS
from .problems import column_label, problem_message

DATA_SHEET = "Sản phẩm"
NOTES_SHEET = "Hướng dẫn"
CATEGORIES_SHEET = "Danh mục"
HEADER_FILL = PatternFill("solid", fgColor="0B6E4F")
KEY_FILL = PatternFill("solid", fgColor="E8F3EE")


def _header_rows(ws, extra_label: str | None = None) -> None:
    with translation.override("vi"):
        labels = [str(c.label) for c in COLUMNS]
    keys = [c.key for c in COLUMNS]
    if extra_label:
        labels.append(extra_label)
        keys.append("problems")
    for i, column in enumerate(COLUMNS):
        ws.column_dimensions[_letter(i)].width = column.width
    if extra_label:
        ws.column_dimensions[_letter(len(COLUMNS))].width = 60
    head = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        head.append(cell)
    ws.append(head)
    key_row = []
    for key in keys:
        cell = WriteOnlyCell(ws, value=key)
        cell.font = Font(italic=True, color="084C37")
        cell.fill = KEY_FILL
        key_row.append(cell)
    ws.append(key_row)


def _letter(index: int) -> str:
    from .columns import column_letter

    return column_letter(index)


def _data_row(ws, values: dict) -> list:
    row = []
    for column in COLUMNS:
        value = values.get(column.key)
        if column.key in TEXT_KEYS:
            cell = WriteOnlyCell(ws, value="" if value is None else str(value))
            cell.number_format = "@"
            row.append(cell)
        else:
            row.append(value)
    return row


def _notes_rows() -> list[list]:
    rows: list[list] = [["Cột / Column", "Khóa / Key", "Hướng dẫn", "Notes"]]
    for column in COLUMNS:
        with translation.override("vi"):
            vi_label, vi_help = str(column.label), str(column.help)
        with translation.override("en"):
            en_help = str(column.help)
        required = " (bắt buộc / required)" if column.required else ""
        rows.append([vi_label + required, column.key, vi_help, en_help])
    rows.append([])
    general = [
        ("Mỗi dòng là một phân loại (SKU). Các phân loại của cùng sản phẩm dùng chung Mã sản phẩm.",
         "One row per variant (SKU). Variants of one product share the product key."),
        ("Dòng được khớp theo SKU: nhập lại cùng tệp không thay đổi gì.",
         "Rows are matched by SKU: importing the same file again changes nothing."),
        ("Số viết kiểu Việt Nam được chấp nhận: 150.000, 150.000 ₫, 1,5.",
         "Vietnamese numbers are read: 150.000, 150.000 ₫, 1,5."),
        ("Dòng có Mã sản phẩm bắt đầu bằng # được bỏ qua (như dòng ví dụ).",
         "Rows whose product key starts with # are skipped (like the example row)."),
        ("Ảnh: tải lên tệp .zip cùng bảng tính; ghi tên tệp ảnh trong cột Ảnh. Ảnh cũ không bị xoá.",
         "Photos: upload a .zip beside the sheet and write the file names in the photo columns. "
         "Existing photos are kept."),
        ("Cột trống: giá trị bị xoá; cột không có trong tệp: giữ nguyên. Tồn kho trống: giữ nguyên.",
         "An empty cell clears the value; a column missing from the file is left as it is. Empty stock: unchanged."),
        ("Không dùng công thức: hãy dán giá trị.", "No formulas: paste values."),
        ("Tối đa 50.000 dòng và 20 MB mỗi tệp.", "At most 50,000 rows and 20 MB per file."),
    ]
    rows.extend(["", "", vi, en] for vi, en in general)
    return rows


def _categories_rows() -> list[list]:
    rows: list[list] = [["Mã / Code", "Tên", "Name"]]
    rows.extend([c.code, c.name_vi, c.name_en] for c in Category.objects.all())
    rows += [[], ["Trạng thái / Status", "", ""], ["draft", "Nháp", "Draft"], ["active", "Đang kinh doanh", "Active"],
             ["archived", "Đã lưu trữ", "Archived"]]
    return rows


def _small_sheet(wb: Workbook, title: str, widths: list[int], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths):
        ws.column_dimensions[_letter(i)].width = width
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if number == 0:
                cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(sheet_row(ws, cells))


def _workbook(rows: Iterable[dict], *, extra_label: str | None = None, extra_values: Iterable[str] = ()) -> bytes:
    # Write-only mode keeps memory flat for 50,000 rows.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    ws.freeze_panes = "A3"
    _header_rows(ws, extra_label)
    extras = iter(extra_values)
    for values in rows:
        row = _data_row(ws, values)
        if extra_label:
            row.append(next(extras, ""))
        ws.append(sheet_row(ws, row))
    _small_sheet(wb, NOTES_SHEET, [26, 18, 70, 70], _notes_rows())
    _small_sheet(wb, CATEGORIES_SHEET, [18, 34, 34], _categories_rows())
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def example_row() -> dict:
    values = {c.key: c.example for c in COLUMNS}
    values["product_key"] = "#" + values["product_key"]
    return values


def template_workbook() -> bytes:
    """The empty catalog template: header rows, one example row (skipped on import), notes, categories."""
    return _workbook([example_row()])


def _decimal(value):
    return float(value) if value is not None else None


def export_rows(*, business: Business) -> Iterable[dict]:
    """One row per variant, product values repeated on each row, in the template's columns."""
    variants = variant_list_for_business(business=business).prefetch_related("product__images").order_by(
        "product__key", "position", "id"
    )
    for v in variants.iterator(chunk_size=2000):
        p = v.product
        yield {
            "product_key": p.key,
            "name": p.name,
            "category": p.category.code if p.category_id else "",
            "brand": p.brand,
            "status": p.status if p.status in ProductStatus.values else "",
            "description": p.description,
            "option1_name": p.option1_name,
            "option1_value": v.option1_value,
            "option2_name": p.option2_name,
            "option2_value": v.option2_value,
            "sku": v.sku,
            "price": v.price,
            "list_price": v.list_price,
            "stock": v.stock,
            "barcode": v.barcode,
            "weight_g": v.weight_g,
            "length_cm": _decimal(v.length_cm),
            "width_cm": _decimal(v.width_cm),
            "height_cm": _decimal(v.height_cm),
            "ocop_stars": p.ocop_stars,
            "ocop_certificate_no": p.ocop_certificate_no,
            "images": "; ".join(i.original_name for i in p.images.all() if i.original_name),
            "variant_image": v.image.original_name if v.image_id else "",
        }


def export_workbook(*, business: Business) -> bytes:
    """The catalog of ``business`` in the template's layout; importing it back changes nothing."""
    return _workbook(export_rows(business=business))


def report_workbook(*, job) -> bytes:
    """The rows that failed, with what to fix (in the active language) in a last column; fix and re-upload."""
    by_row: dict[int, list[str]] = {}
    for problem in job.problems:
        if problem.get("row") is None:
            continue
        label = column_label(problem.get("column"))
        text = problem_message(problem)
        by_row.setdefault(problem["row"], []).append(f"{label}: {text}" if label else text)
    rows = job.failed_rows
    row_word = _("Row")
    return _workbook(
        (r["values"] for r in rows),
        extra_label=_("Problems to fix"),
        extra_values=(f"[{row_word} {r['row']}] " + " | ".join(by_row.get(r["row"], [])) for r in rows),
    )
