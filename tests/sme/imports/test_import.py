import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.storage import FileSystemStorage
from django.test import TestCase
from django.urls import reverse

from sme.catalog.models import Product, ProductImage, StockMovement, Variant
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.services import import_job_confirm
from tests.sme.catalog.factories import ProductFactory, VariantFactory, image_bytes, member

from .sheets import (
    KEYS,
    create_job,
    csv_bytes,
    sample_rows,
    upload,
    xlsx_from_template,
    xlsx_plain,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return member()


def photos_zip():
    return zip_bytes({"anh/quyt.jpg": image_bytes("JPEG", color=(240, 120, 40)),
                      "anh/quyt-3kg.png": image_bytes("PNG", color=(250, 140, 60))})


def run_import(owner, data: bytes, name="catalog.xlsx", photos: bytes | None = None) -> ImportJob:
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(data, name),
                            photos=upload(photos, "photos.zip") if photos else None)
    if job.status == ImportStatus.PREVIEW:
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_job_confirm(job=job)
    job.refresh_from_db()
    return job


def catalog_state(business):
    return (
        sorted(Product.objects.filter(business=business).values_list(
            "key", "name", "category__code", "brand", "status", "description", "option1_name", "option2_name",
            "ocop_stars", "ocop_certificate_no")),
        sorted(Variant.objects.filter(business=business).values_list(
            "sku", "product__key", "option1_value", "option2_value", "price", "list_price", "stock", "barcode",
            "weight_g", "length_cm", "width_cm", "height_cm", "image__original_name")),
        sorted(ProductImage.objects.filter(product__business=business).values_list("product__key", "original_name",
                                                                                   "sha256")),
        StockMovement.objects.filter(business=business).count(),
    )


def test_import_creates_products_variants_photos_and_stock_in_the_ledger(owner, django_capture_on_commit_callbacks):
    # given
    data = xlsx_from_template(sample_rows())
    # when: upload -> preview
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(data, "danh-muc.xlsx"),
                            photos=upload(photos_zip(), "anh.zip"))
    # then: nothing written yet, the preview knows what will happen
    assert job.status == ImportStatus.PREVIEW
    assert job.planned == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    assert Product.objects.count() == 0
    # when: confirm (the task runs when the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job)
    job.refresh_from_db()
    # then
    assert job.status == ImportStatus.SUCCEEDED
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    qh = Product.objects.get(business=owner.business, key="QH")
    assert (qh.name, qh.category.code, qh.status, qh.option1_name) == ("Quýt hồng Lai Vung", "fruit", "active",
                                                                       "Khối lượng")
    assert list(qh.variants.order_by("sku").values_list("sku", "option1_value", "price", "list_price", "stock",
                                                        "barcode", "length_cm")) == [
        ("QH-1KG", "1 kg", 85_000, None, 120, "0893000123457", Decimal("30.0")),
        ("QH-3KG", "3 kg", 240_000, 260_000, 35, "", Decimal("40.5")),
    ]
    assert sorted(qh.images.values_list("original_name", flat=True)) == ["quyt-3kg.png", "quyt.jpg"]
    assert qh.variants.get(sku="QH-3KG").image.original_name == "quyt-3kg.png"
    tts = Product.objects.get(key="TTS")
    assert (tts.category.code, tts.status, tts.ocop_stars, tts.description) == ("lotus-products", "active", 4,
                                                                                "<p>Thơm</p>")
    movements = StockMovement.objects.filter(business=owner.business)
    assert sorted(movements.values_list("delta", flat=True)) == [35, 50, 120]
    assert set(movements.values_list("reason", "reference", "actor")) == {("import", f"import:{job.pk}",
                                                                          owner.user.pk)}


def test_importing_the_same_file_twice_changes_nothing(owner):
    data, photos = xlsx_from_template(sample_rows()), photos_zip()
    run_import(owner, data, photos=photos)
    before = catalog_state(owner.business)
    # when
    job = run_import(owner, data, photos=photos)
    # then
    assert job.summary == {"created": 0, "updated": 0, "unchanged": 3, "failed": 0}
    assert catalog_state(owner.business) == before


def test_a_changed_row_updates_only_that_variant_and_logs_the_stock_difference(owner):
    rows = sample_rows()
    run_import(owner, xlsx_from_template(rows), photos=photos_zip())
    rows[1]["stock"] = 30
    rows[1]["price"] = "250.000"
    job = run_import(owner, xlsx_from_template(rows), photos=photos_zip())
    assert job.summary == {"created": 0, "updated": 1, "unchanged": 2, "failed": 0}
    variant = Variant.objects.get(sku="QH-3KG")
    assert (variant.price, variant.stock) == (250_000, 30)
    assert StockMovement.objects.filter(variant=variant).order_by("id").last().delta == -5


def test_vietnamese_numbers_unicode_forms_and_barcode_zeros_in_csv(owner):
    import unicodedata

    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    header = ["product_key", "name", "option1_name", "option1_value", "sku", "price", "list_price", "stock",
              "barcode", "length_cm", "weight_g"]
    rows = [
        ["NEM", nfd("Nem Lai Vung"), nfd("Loại"), nfd("Chục"), nfd("NEM-CHỤC"), "150.000", "150.000 ₫", "1.200",
         "0012345678905", "1,5", "1.000"],
        ["NEM", "", nfd("Loại"), "Lố", "NEM-LO", "45000đ", "", "7", "00893", "12.5", "250"],
    ]
    job = run_import(owner, csv_bytes(header, rows, delimiter=";"), name="nem.csv")
    assert job.status == ImportStatus.SUCCEEDED, job.problems
    got = {v.sku: v for v in Variant.objects.filter(business=owner.business)}
    chuc = got[unicodedata.normalize("NFC", "NEM-CHỤC")]
    assert (chuc.price, chuc.list_price, chuc.stock, chuc.barcode, chuc.length_cm, chuc.weight_g) == (
        150_000, 150_000, 1200, "0012345678905", Decimal("1.5"), 1000)
    assert chuc.option1_value == "Chục" and unicodedata.is_normalized("NFC", chuc.option1_value)
    lo = got["NEM-LO"]
    assert (lo.price, lo.barcode, lo.length_cm) == (45_000, "00893", Decimal("12.5"))
    # the same rows typed in NFC match the NFD ones: nothing changes
    again = run_import(owner, csv_bytes(header, [[unicodedata.normalize("NFC", c) for c in r] for r in rows]),
                       name="nem.csv")
    assert again.summary["unchanged"] == 2


def test_a_barcode_typed_as_a_number_gets_its_leading_zero_back(owner):
    from stdnum import ean

    code = "089300012345" + ean.calc_check_digit("089300012345")
    data = xlsx_plain(["product_key", "name", "sku", "price", "barcode"],
                      [["G", "Gạo VD20 Gò Công", "GAO-5", 120000, int(code)]])
    run_import(owner, data)
    assert Variant.objects.get(sku="GAO-5").barcode == code


def test_preview_lists_every_problem_by_row_and_column_and_the_report_has_the_failed_rows(owner, client):
    # given
    rows = sample_rows() + [
        {"product_key": "BAD", "name": "Bánh phồng tôm", "sku": "QH-1KG", "price": "abc"},
        {"product_key": "BAD2", "name": "Hủ tiếu", "sku": "HT-1", "price": "0", "category": "nope",
         "ocop_stars": 7},
        {"product_key": "", "name": "No key", "sku": "", "price": "10000"},
    ]
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(xlsx_from_template(rows), "x.xlsx"),
                            photos=upload(photos_zip(), "p.zip"))
    # then
    found = {(p["row"], p["column"], p["code"]) for p in job.problems}
    assert found == {
        (7, "sku", "duplicate_sku"), (7, "price", "not_whole_number"),
        (8, "price", "too_small"), (8, "category", "unknown_category"), (8, "ocop_stars", "ocop_stars"),
        (9, "product_key", "required"), (9, "sku", "required"),
    }
    assert job.planned == {"created": 3, "updated": 0, "unchanged": 0, "failed": 3}
    # the page says it in Vietnamese
    client.force_login(owner.user)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "“abc” không phải là số nguyên" in html
    assert "Giá bán (VND)" in html
    # when confirmed, the good rows are imported and the report holds the bad ones
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(job=job)
    job.refresh_from_db()
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0, "failed": 3}
    response = client.get(reverse("imports:job_report", args=[job.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[KEYS.index("name")] for r in values] == ["Bánh phồng tôm", "Hủ tiếu", "No key"]
    assert "không phải là số nguyên" in values[0][-1]


def test_sku_of_another_product_is_a_row_problem(owner):
    VariantFactory(product=ProductFactory(business=owner.business, key="OTHER"), sku="QH-1KG")
    job = create_job(business=owner.business, actor=owner.user,
                            sheet=upload(xlsx_from_template(sample_rows()), "x.xlsx"),
                            photos=upload(photos_zip(), "p.zip"))
    assert [(p["row"], p["code"], p["params"]["key"]) for p in job.problems] == [(4, "sku_other_product", "OTHER")]


def test_template_has_vietnamese_headers_english_keys_example_and_notes(owner, client):
    client.force_login(owner.user)
    response = client.get(reverse("imports:template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["Mã sản phẩm", "Tên sản phẩm", "Danh mục"]
    assert [c.value for c in ws[2]] == KEYS
    assert ws.cell(row=3, column=1).value.startswith("#")
    assert wb.sheetnames == ["Sản phẩm", "Hướng dẫn", "Danh mục"]
    # importing the untouched template imports nothing: the example row is skipped
    job = run_import(owner, response.content)
    assert job.status == ImportStatus.REJECTED
    assert [p["code"] for p in job.file_problems] == ["no_rows"]


# --- Bad files: a clear message and nothing changed ------------------------------------------------


def _xlsx_with_extra_member(name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_from_template(sample_rows())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return out.getvalue()


def _formula_xlsx() -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_from_template(sample_rows())))
    ws = wb.worksheets[0]
    ws.cell(row=4, column=KEYS.index("price") + 1, value="=1000*85")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BAD_FILES = {
    "png-named-xlsx": (lambda: image_bytes("PNG"), "catalog.xlsx", None, "not_spreadsheet"),
    "binary-csv": (lambda: b"\x00\x01\x02garbage" * 100, "catalog.csv", None, "not_spreadsheet"),
    "zip-not-xlsx": (lambda: zip_bytes({"hello.txt": b"hi"}), "catalog.xlsx", None, "not_spreadsheet"),
    "ole-not-a-workbook": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "catalog.xls", None,
                           "not_spreadsheet"),
    "too-large": (lambda: b"a,b\n" * (21 * 1024 * 1024 // 4), "catalog.csv", None, "file_too_large"),
    "too-many-rows": (
        lambda: csv_bytes(["product_key", "name", "sku", "price"],
                          [[f"P{i}", "Sen", f"S{i}", "1000"] for i in range(50_001)]),
        "big.csv", None, "too_many_rows"),
    "formula": (_formula_xlsx, "catalog.xlsx", None, "formulas"),
    "missing-column": (lambda: csv_bytes(["product_key", "name", "sku"], [["A", "B", "C"]]), "c.csv", None,
                       "missing_columns"),
    "xlsx-zip-bomb": (lambda: _xlsx_with_extra_member("xl/media/x.bin", b"\x00" * (3 * 1024 * 1024)),
                      "catalog.xlsx", None, "zip_bomb"),
    "photo-zip-bomb": (lambda: xlsx_from_template(sample_rows()), "catalog.xlsx",
                       lambda: zip_bytes({"quyt.jpg": b"\x00" * (3 * 1024 * 1024)}), "zip_bomb"),
    "photo-zip-invalid": (lambda: xlsx_from_template(sample_rows()), "catalog.xlsx",
                          lambda: b"not a zip at all", "zip_invalid"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_message_and_change_nothing(owner, client, case):
    # given
    make, name, make_photos, code = BAD_FILES[case]
    VariantFactory(product=ProductFactory(business=owner.business, key="QH"), sku="QH-1KG", price=1000, stock=3)
    before = catalog_state(owner.business)
    # when
    job = run_import(owner, make(), name=name, photos=make_photos() if make_photos else None)
    # then
    assert job.status == ImportStatus.REJECTED
    assert [p["code"] for p in job.file_problems] == [code]
    assert catalog_state(owner.business) == before
    client.force_login(owner.user)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Không có gì trong danh mục của bạn bị thay đổi" in html


def test_formula_message_names_the_cell(owner):
    job = run_import(owner, _formula_xlsx())
    assert job.file_problems[0]["params"]["cells"] == "L4"


def test_a_failure_half_way_leaves_the_catalog_as_it_was(owner, monkeypatch):
    # given: a catalog, and a disk that fills up at the second photo of the import
    VariantFactory(product=ProductFactory(business=owner.business, key="QH", name="Cũ"), sku="QH-1KG",
                   price=1000, stock=3)
    before = catalog_state(owner.business)
    original_save = FileSystemStorage._save
    calls = {"n": 0}

    def disk_full(self, name, content):
        calls["n"] += 1
        if calls["n"] > 2:  # image + thumbnail of the first photo succeed
            raise OSError(28, "No space left on device")
        return original_save(self, name, content)

    job = create_job(business=owner.business, actor=owner.user,
                            sheet=upload(xlsx_from_template(sample_rows()), "x.xlsx"),
                            photos=upload(photos_zip(), "p.zip"))
    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    # when
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(job=job)
    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert catalog_state(owner.business) == before
    from pathlib import Path

    from django.conf import settings

    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_export_then_reimport_changes_nothing(owner, client):
    # given a catalog made by an import (with photos) and by hand
    run_import(owner, xlsx_from_template(sample_rows()), photos=photos_zip())
    product = ProductFactory(business=owner.business, key="XOAI", name="Xoài cát Hòa Lộc", brand="Cái Bè",
                             description="<p>Ngọt <strong>đậm</strong></p>", ocop_stars=5, ocop_certificate_no="82/QĐ")
    VariantFactory(product=product, sku="XOAI-01", barcode="0000123", length_cm=Decimal("12.5"),
                   width_cm=None, list_price=None)
    before = catalog_state(owner.business)
    client.force_login(owner.user)
    # when
    exported = client.get(reverse("imports:export"))
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    job = run_import(owner, exported.content)
    # then
    assert job.status == ImportStatus.SUCCEEDED, job.problems
    assert job.summary == {"created": 0, "updated": 0, "unchanged": 4, "failed": 0}
    assert catalog_state(owner.business) == before


def test_a_retried_task_does_not_run_twice(owner):
    from sme.imports.services import import_job_run

    job = run_import(owner, xlsx_from_template(sample_rows()), photos=photos_zip())
    assert import_job_run(job_id=job.pk) is None
    assert StockMovement.objects.filter(business=owner.business).count() == 3


def test_the_sample_sheet_imports_cleanly(owner):
    from sme.imports.sample import SAMPLE_PATH, SAMPLE_ROWS

    job = run_import(owner, SAMPLE_PATH.read_bytes(), name=SAMPLE_PATH.name)
    assert job.status == ImportStatus.SUCCEEDED, job.problems
    assert job.summary == {"created": len(SAMPLE_ROWS), "updated": 0, "unchanged": 0, "failed": 0}
    assert Variant.objects.get(sku="VD20-10").weight_g == 10_100
    assert Variant.objects.get(sku="TDS-50").length_cm == Decimal("4.5")
