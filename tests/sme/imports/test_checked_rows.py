"""The run reuses the rows checked at preview (sme/imports/stored.py) instead of reading the sheet again."""

from pathlib import Path

import pytest
from django.test import TestCase

from sme.catalog.models import Category, Product, Variant
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.reading import read_sheet
from sme.imports.rows import parse_rows
from sme.imports.services import import_job_confirm
from sme.imports.stored import StoredRowsInvalid, rows_dump, rows_load
from tests.sme.catalog.factories import member

from .sheets import create_job, csv_bytes, sample_rows, upload, xlsx_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return member()


def _preview(owner, data: bytes, name: str = "catalog.xlsx") -> ImportJob:
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(data, name))
    assert job.status == ImportStatus.PREVIEW, job.file_problems
    return job


def _confirm(job: ImportJob) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(job=job)
    job.refresh_from_db()
    return job


def test_stored_rows_load_back_equal_to_the_parsed_rows(owner, tmp_path):
    # given: rows with every kind of value (category, decimals, empty values, problems)
    rows_in = sample_rows() + [{"product_key": "BAD", "name": "Hủ tiếu", "sku": "HT-1", "price": "0",
                                "category": "nope", "width_cm": "12,5", "height_cm": ""}]
    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx_from_template([{k: v for k, v in r.items() if k not in ("images", "variant_image")}
                                         for r in rows_in]))
    rows = parse_rows(read_sheet(str(path)))
    # when
    loaded = rows_load(rows_dump(rows))
    # then
    assert loaded == rows
    assert loaded[0].product["category"] == Category.objects.get(code="fruit")
    assert [p.code for p in loaded[-1].problems] == [p.code for p in rows[-1].problems] == ["unknown_category",
                                                                                            "too_small"]


def test_stored_rows_of_another_version_or_damaged_are_refused():
    with pytest.raises(StoredRowsInvalid):
        rows_load(b"not gzip")
    import gzip
    import json

    with pytest.raises(StoredRowsInvalid):
        rows_load(gzip.compress(json.dumps({"version": 999, "rows": []}).encode()))


def test_the_run_imports_the_rows_checked_at_preview_and_then_drops_them(owner):
    # given: a previewed job whose sheet is then damaged on disk
    job = _preview(owner, xlsx_from_template([{k: v for k, v in r.items() if k not in ("images", "variant_image")}
                                              for r in sample_rows()]))
    stored = Path(job.checked_rows.path)
    assert stored.exists()
    Path(job.source.path).write_bytes(b"damaged after the preview")
    # when
    job = _confirm(job)
    # then: the run did not need the sheet, and the stored rows are gone
    assert job.status == ImportStatus.SUCCEEDED
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    assert Variant.objects.get(sku="QH-3KG").price == 240_000
    assert not stored.exists()
    assert not job.checked_rows


def test_unusable_stored_rows_make_the_run_read_the_sheet_again(owner):
    # given
    header = ["product_key", "name", "sku", "price", "stock"]
    job = _preview(owner, csv_bytes(header, [["NEM", "Nem Lai Vung", "NEM-1", "150.000", "12"]]), name="n.csv")
    Path(job.checked_rows.path).write_bytes(b"damaged")
    # when
    job = _confirm(job)
    # then
    assert job.status == ImportStatus.SUCCEEDED
    assert Variant.objects.get(sku="NEM-1").stock == 12


def test_a_category_deleted_after_the_preview_fails_its_rows_at_run(owner):
    # given
    Category.objects.create(code="seasonal-box", name_vi="Hộp quà theo mùa", name_en="Seasonal box")
    header = ["product_key", "name", "category", "sku", "price"]
    job = _preview(owner, csv_bytes(header, [["HQ", "Hộp quà Tết", "seasonal-box", "HQ-1", "300.000"],
                                             ["NEM", "Nem Lai Vung", "processed-meat", "NEM-1", "150.000"]]),
                   name="c.csv")
    assert job.planned == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    Category.objects.filter(code="seasonal-box").delete()
    # when
    job = _confirm(job)
    # then
    assert job.summary == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    assert [(p["row"], p["column"], p["code"]) for p in job.problems] == [(2, "category", "unknown_category")]
    assert list(Product.objects.filter(business=owner.business).values_list("key", flat=True)) == ["NEM"]


def test_discarding_a_preview_removes_the_stored_rows(owner):
    from sme.imports.services import import_job_discard

    header = ["product_key", "name", "sku", "price"]
    job = _preview(owner, csv_bytes(header, [["NEM", "Nem Lai Vung", "NEM-1", "150.000"]]), name="n.csv")
    stored = Path(job.checked_rows.path)
    assert import_job_discard(job=job)
    assert not stored.exists()


def test_a_crashed_run_is_marked_failed_and_its_stored_rows_removed(owner, monkeypatch):
    # given a previewed job, and a run that crashes with an error the run does not expect
    header = ["product_key", "name", "sku", "price", "stock"]
    job = _preview(owner, csv_bytes(header, [["NEM", "Nem Lai Vung", "NEM-1", "150.000", "12"]]), name="n.csv")
    stored = Path(job.checked_rows.path)

    def crash(**kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr("sme.imports.services.stock_set_many", crash)
    # when
    with pytest.raises(RuntimeError):
        _confirm(job)
    # then
    job.refresh_from_db()
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "RuntimeError")
    assert not Product.objects.filter(business=owner.business).exists()
    assert not stored.exists()
