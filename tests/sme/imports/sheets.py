"""Builders for test spreadsheets and photo archives (real .xlsx/.csv/.zip bytes)."""

import csv
import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from sme.imports.sheets import template_workbook

KEYS = ["product_key", "name", "category", "brand", "status", "description", "option1_name", "option1_value",
        "option2_name", "option2_value", "sku", "price", "list_price", "stock", "barcode", "weight_g",
        "length_cm", "width_cm", "height_cm", "ocop_stars", "ocop_certificate_no", "images", "variant_image"]


def xlsx_from_template(rows: list[dict], *, text_cells: bool = True) -> bytes:
    """The downloadable template with ``rows`` (dicts by column key) appended under the example row."""
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    ws = wb.worksheets[0]
    keys = [c.value for c in ws[2]]
    for row in rows:
        ws.append([row.get(k) for k in keys])
        if text_cells:
            for cell in ws[ws.max_row]:
                if keys[cell.column - 1] in ("barcode", "sku", "product_key"):
                    cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_plain(header: list[str], rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows: list[list], *, encoding="utf-8-sig", delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def sample_rows() -> list[dict]:
    return [
        {"product_key": "QH", "name": "Quýt hồng Lai Vung", "category": "fruit", "status": "active",
         "option1_name": "Khối lượng", "option1_value": "1 kg", "sku": "QH-1KG", "price": "85.000",
         "stock": 120, "barcode": "0893000123457", "weight_g": 1100, "length_cm": "30", "images": "quyt.jpg"},
        {"product_key": "QH", "option1_value": "3 kg", "sku": "QH-3KG", "price": "240.000 ₫",
         "list_price": "260.000", "stock": "35", "length_cm": "40,5", "variant_image": "quyt-3kg.png"},
        {"product_key": "TTS", "name": "Trà tim sen Tháp Mười", "category": "Sản phẩm từ sen", "status": "Đang bán",
         "sku": "TTS-100", "price": 120000, "stock": 50, "ocop_stars": 4, "description": "<p>Thơm</p><script>x</script>"},
    ]


def create_job(**kwargs):
    """import_job_create, then the check the worker runs once the upload is committed (tasks run inline here)."""
    from django.test import TestCase

    from sme.imports.services import import_job_create

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = import_job_create(**kwargs)
    job.refresh_from_db()
    return job
