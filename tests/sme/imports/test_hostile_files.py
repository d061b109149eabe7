"""Hostile and foreign files (issue 14, item 3): the check runs in the worker; a hostile or broken file ends as a
clear refusal in the owner's language, nothing is imported and its upload is removed. Columns past the ones the
importer maps cost nothing; every row counts against the row limit; .xls and .ods import like .xlsx."""

import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from sme.catalog.models import Variant
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.reading import MAX_ROWS, read_sheet
from sme.imports.services import import_job_confirm
from tests.sme.catalog.factories import ProductFactory, VariantFactory, image_bytes, member

from . import hostile
from .sheets import create_job, sample_rows, upload, xlsx_from_template, zip_bytes
from .test_import import catalog_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return member()


def uploads_left() -> list[Path]:
    private = Path(settings.MEDIA_ROOT).parent / "private" / "imports"
    return [p for p in private.rglob("*") if p.is_file()] if private.exists() else []


def check_and_run(owner, data: bytes, name: str, photos: bytes | None = None) -> ImportJob:
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(data, name),
                     photos=upload(photos, "anh.zip") if photos else None)
    if job.status == ImportStatus.PREVIEW:
        with TestCase.captureOnCommitCallbacks(execute=True):
            import_job_confirm(job=job)
        job.refresh_from_db()
    return job


# --- Far-away cells and rows ------------------------------------------------------------------------


def test_cells_far_to_the_right_are_ignored_and_cost_no_memory(owner, tmp_path):
    # given the 2.6 KB attack: cells at AAAAA4 and at a nine-letter column on a product row
    data = hostile.xlsx_with_far_cells(["AAAAA4", "AAAAAAAAA4", "XFD4"])
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    # when the sheet is read, memory stays flat (it took 860 MB, or a MemoryError, before)
    tracemalloc.start()
    sheet = read_sheet(str(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20
    assert max(sheet.columns.values()) < 30
    # and the import goes through, the far cells ignored
    job = check_and_run(owner, data, "far.xlsx")
    assert job.status == ImportStatus.SUCCEEDED, (job.file_problems, job.problems)
    assert set(Variant.objects.filter(business=owner.business).values_list("sku", flat=True)) == {"TTS-100",
                                                                                               "NEM-1"}


def test_a_row_numbered_far_down_is_one_more_row(owner):
    job = check_and_run(owner, hostile.xlsx_with_far_row(), "far-row.xlsx")
    assert job.status == ImportStatus.SUCCEEDED, (job.file_problems, job.problems)
    assert Variant.objects.filter(business=owner.business, sku="FAR-1").exists()


def test_every_row_counts_against_the_limit_even_empty_ones(owner):
    job = check_and_run(owner, hostile.xlsx_with_empty_rows(MAX_ROWS + 1), "empty-rows.xlsx")
    assert job.status == ImportStatus.REJECTED
    assert [p["code"] for p in job.file_problems] == ["too_many_rows"]


# --- Refused files: a clear message, nothing imported, the upload removed ---------------------------


def _truncated_xlsx() -> bytes:
    data = xlsx_from_template(sample_rows()[2:])
    return data[: len(data) // 2]


def _csv_named_like_excel() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


HOSTILE = {
    "xlsx-billion-laughs": (hostile.xlsx_billion_laughs, "catalog.xlsx", None, "file_damaged"),
    "xlsx-truncated": (_truncated_xlsx, "catalog.xlsx", None, "file_damaged"),
    "png-named-xlsx": (_csv_named_like_excel, "catalog.xlsx", None, "not_spreadsheet"),
    "xls-far-cell": (lambda: hostile.xls_bytes(far_cell=(65535, 255)), "catalog.xls", None, "too_many_rows"),
    "xls-wide": (lambda: hostile.xls_bytes(rows=hostile.ROWS * 6000, far_cell=(1, 255)), "catalog.xls", None,
                 "sheet_too_large"),
    "xls-lying-dimensions": (hostile.xls_with_lying_dimensions, "catalog.xls", None, "too_many_rows"),
    "ods-repeat-bomb": (hostile.ods_repeat_bomb, "catalog.ods", None, "too_many_rows"),
    "ods-wide": (hostile.ods_wide, "catalog.ods", None, "sheet_too_large"),
    "ods-billion-laughs": (hostile.ods_billion_laughs, "catalog.ods", None, "file_damaged"),
    "ods-truncated": (lambda: hostile.ods_bytes()[:300], "catalog.ods", None, "file_damaged"),
    "photos-path-traversal": (lambda: xlsx_from_template(sample_rows()[2:]), "catalog.xlsx",
                              lambda: zip_bytes({"../../etc/quyt.jpg": image_bytes("JPEG")}), "zip_unsafe_name"),
    "photos-nested-archive": (lambda: xlsx_from_template(sample_rows()[2:]), "catalog.xlsx",
                              lambda: zip_bytes({"quyt.jpg": zip_bytes({"a.jpg": image_bytes("JPEG")})}),
                              "zip_not_image"),
    "photos-not-an-image": (lambda: xlsx_from_template(sample_rows()[2:]), "catalog.xlsx",
                            lambda: zip_bytes({"quyt.jpg": image_bytes("JPEG"), "ghi-chu.exe": b"MZ" * 40}),
                            "zip_not_image"),
    "photos-too-many-entries": (lambda: xlsx_from_template(sample_rows()[2:]), "catalog.xlsx",
                                lambda: zip_bytes({f"a{i}.jpg": b"" for i in range(5_001)}), "zip_too_many"),
    "photos-ratio": (lambda: xlsx_from_template(sample_rows()[2:]), "catalog.xlsx",
                     lambda: zip_bytes({f"a{i}.jpg": b"\xff\xd8\xff" + b"\x00" * 400_000 for i in range(8)}),
                     "zip_bomb"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_clearly_change_nothing_and_leave_no_upload(owner, client, case):
    # given a catalog
    make, name, make_photos, code = HOSTILE[case]
    VariantFactory(product=ProductFactory(business=owner.business, key="QH"), sku="QH-1KG", price=1000, stock=3)
    before = catalog_state(owner.business)
    # when
    job = check_and_run(owner, make(), name, make_photos() if make_photos else None)
    # then
    assert job.status == ImportStatus.REJECTED
    assert [p["code"] for p in job.file_problems] == [code]
    assert catalog_state(owner.business) == before
    assert uploads_left() == []
    assert not job.source and not job.photos and not job.checked_rows
    client.force_login(owner.user)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Không có gì trong danh mục của bạn bị thay đổi" in html


def test_the_refusal_is_in_the_owner_language(owner, client):
    job = check_and_run(owner, hostile.ods_wide(), "catalog.ods")
    client.force_login(owner.user)
    assert "Trang tính có dữ liệu nằm rất xa ngoài bảng (tới ô XFD" in client.get(
        reverse("imports:job_detail", args=[job.pk])).content.decode()
    owner.user.preferred_language = "en"
    owner.user.save()
    assert "The sheet has data far outside the table (up to cell XFD" in client.get(
        reverse("imports:job_detail", args=[job.pk])).content.decode()


# --- Older formats import too ---------------------------------------------------------------------


@pytest.mark.parametrize(("make", "name"), [(hostile.xls_bytes, "danh-muc.xls"), (hostile.ods_bytes, "danh-muc.ods")])
def test_xls_and_ods_sheets_import_like_xlsx(owner, make, name):
    job = check_and_run(owner, make(), name)
    assert job.status == ImportStatus.SUCCEEDED, (job.file_problems, job.problems)
    assert job.kind == name.rsplit(".", 1)[1]
    assert sorted(Variant.objects.filter(business=owner.business).values_list("sku", "price", "stock")) == [
        ("QH-1KG", 85_000, 12), ("SEN-100", 120_000, 50)]
    # and the same file again changes nothing
    assert check_and_run(owner, make(), name).summary["unchanged"] == 2


def test_a_check_that_crashes_ends_as_a_refusal_and_removes_the_upload(owner, monkeypatch):
    from sme.imports import services

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "parse_rows", boom)
    with pytest.raises(RuntimeError):
        create_job(business=owner.business, actor=owner.user, sheet=upload(xlsx_from_template(sample_rows()[2:]),
                                                                           "a.xlsx"))
    job = ImportJob.objects.get(business=owner.business)
    assert job.status == ImportStatus.REJECTED and job.file_problems[0]["code"] == "check_failed"
    assert uploads_left() == []
