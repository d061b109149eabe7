"""The register import: preview -> confirm -> background run -> summary; idempotent; a bad file changes
nothing; old addresses converted, split communes left for a person; matching and the prefill."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from adoption.models import ImportStatus, RegisterEntry, RegisterImport, RegisterStatus
from adoption.selectors import platform_unmatched_businesses, register_corrections, register_unmatched_entries
from adoption.services import register_entry_resolve_address, register_import_confirm, register_import_create
from sme.businesses.models import AdministrativeUnit, LegalForm
from sme.businesses.prefill import business_prefill

from .factories import BusinessFactory, officer, ward

pytestmark = pytest.mark.django_db

HEADER = "Mã số thuế,Tên doanh nghiệp,Loại hình,Mã xã/phường,Huyện cũ,Xã cũ,Ngành,Quy mô,Tình trạng,Nguồn,Ngày số liệu\n"
ROWS = [
    "0100109106,Công ty TNHH Xoài Cao Lãnh,TNHH 1TV,29869,,,A,nhỏ,đang hoạt động,Sở KH&ĐT,31/12/2025",
    "087186000999,Hộ kinh doanh Bánh Phồng Tôm,hộ kinh doanh,29905,,,C,,đang hoạt động,Thuế,2025-12-31",
    "0100100079,Công ty CP Sen Tháp Mười,cổ phần,,872,,C,vừa,tạm ngừng,Sở KH&ĐT,2025-12-31",
    "0100101192,Công ty TNHH Gáo Giồng,TNHH 2TV,,873,30079,G,siêu nhỏ,giải thể,Sở KH&ĐT,2025-12-31",
]


def upload(text: str, name: str = "so-bo.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def run_import(user, text: str) -> RegisterImport:
    job = register_import_create(actor=user, upload=upload(text))
    assert job.status == ImportStatus.PREVIEW, job.file_problems
    assert register_import_confirm(job=job)
    job.refresh_from_db()
    return job


def test_preview_writes_nothing_then_confirm_imports_and_converts_old_addresses(django_capture_on_commit_callbacks):
    # given
    user = officer()

    # when: preview
    job = register_import_create(actor=user, upload=upload(HEADER + "\n".join(ROWS)))

    # then: nothing written, the plan is shown
    assert RegisterEntry.objects.count() == 0
    assert job.planned == {"created": 4, "updated": 0, "unchanged": 0, "failed": 0, "address_review": 2}

    # when: confirmed (the Celery task runs eagerly after commit)
    with django_capture_on_commit_callbacks(execute=True):
        register_import_confirm(job=job)
    job.refresh_from_db()

    # then
    assert job.status == ImportStatus.SUCCEEDED
    assert job.summary["created"] == 4
    mango = RegisterEntry.objects.get(identifier="0100109106")
    assert (mango.legal_form, mango.ward.code, mango.size_class, mango.status) == (
        LegalForm.LLC_ONE_MEMBER, "29869", "small", RegisterStatus.OPERATING)
    household = RegisterEntry.objects.get(identifier="087186000999")
    assert household.legal_form == LegalForm.HOUSEHOLD
    # a whole old district without a commune cannot be placed: flagged with its candidates
    lotus = RegisterEntry.objects.get(identifier="0100100079")
    assert lotus.needs_address_review and lotus.ward is None and len(lotus.ward_candidates) > 1
    # old Xã Gáo Giồng was divided between two new communes (Resolution 1663): flagged, not guessed
    split = RegisterEntry.objects.get(identifier="0100101192")
    assert split.needs_address_review and split.ward is None
    assert set(split.ward_candidates) == {"30088", "30025"}
    assert split.legacy_commune.code == "30079" and split.status == RegisterStatus.DISSOLVED


def test_importing_the_same_file_twice_changes_nothing(django_capture_on_commit_callbacks):
    # given
    user = officer()
    text = HEADER + "\n".join(ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(user, text)
    before = list(RegisterEntry.objects.order_by("pk").values())

    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = run_import(user, text)
    second.refresh_from_db()

    # then
    assert second.summary["unchanged"] == 4 and second.summary["created"] == 0 and second.summary["updated"] == 0
    assert list(RegisterEntry.objects.order_by("pk").values()) == before


def test_a_resolved_old_address_survives_a_reimport(django_capture_on_commit_callbacks):
    # given
    user = officer()
    text = HEADER + ROWS[3]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(user, text)
    entry = RegisterEntry.objects.get(identifier="0100101192")
    register_entry_resolve_address(entry=entry, ward=ward("30088"), actor=user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = run_import(user, text)
    second.refresh_from_db()

    # then
    entry.refresh_from_db()
    assert entry.ward.code == "30088" and not entry.needs_address_review
    assert second.summary["unchanged"] == 1


def test_resolving_to_a_ward_that_is_not_a_candidate_is_refused():
    from django.core.exceptions import ValidationError

    old = AdministrativeUnit.objects.legacy_communes().get(code="30079")
    entry = RegisterEntry.objects.create(identifier="0100101192", name="X", legal_form=LegalForm.LLC_ONE_MEMBER,
                                         legacy_commune=old, needs_address_review=True,
                                         ward_candidates=["30088", "30025"])
    with pytest.raises(ValidationError):
        register_entry_resolve_address(entry=entry, ward=ward("30226"), actor=officer())
    entry.refresh_from_db()
    assert entry.ward is None and entry.needs_address_review


@pytest.mark.parametrize("content, code", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_xls"),
    ("Tên,Loại hình\nA,TNHH 1TV\n".encode(), "missing_columns"),
    (b"", "file_empty"),
    (HEADER.encode() + "=1+1,Công ty,TNHH 1TV,,,,,,đang hoạt động,,\n".encode(), "formulas"),
    (b"PK\x03\x04 not really a zip", "not_spreadsheet"),
])
def test_a_bad_file_is_refused_and_changes_nothing(content, code):
    # given
    RegisterEntry.objects.create(identifier="0100109106", name="Có sẵn", legal_form=LegalForm.LLC_ONE_MEMBER)

    # when
    job = register_import_create(actor=officer(), upload=SimpleUploadedFile("bad.csv", content))

    # then
    assert job.status == ImportStatus.REJECTED
    assert [p["code"] for p in job.file_problems] == [code]
    assert list(RegisterEntry.objects.values_list("identifier", "name")) == [("0100109106", "Có sẵn")]
    assert not register_import_confirm(job=job)


def test_row_problems_are_listed_by_row_and_skipped():
    # given
    text = HEADER + "\n".join([
        ROWS[0],
        "0100109107,Sai số kiểm tra,TNHH 1TV,29869,,,A,,đang hoạt động,,",
        "0100109106,Trùng,TNHH 1TV,29869,,,A,,đang hoạt động,,",
        "0100100079,Không rõ loại hình,công ty ma,29869,,,A,,đang hoạt động,,",
        "0100101192,Sai phường,TNHH 1TV,99999,,,A,,đang hoạt động,,",
    ])

    # when
    job = register_import_create(actor=officer(), upload=upload(text))

    # then
    assert job.planned["created"] == 1 and job.planned["failed"] == 4
    codes = {(p["row"], p["code"]) for p in job.problems}
    assert codes == {(3, "identifier"), (4, "duplicate_identifier"), (5, "legal_form"), (6, "ward")}


def test_xlsx_register_is_read_with_identifiers_that_lost_their_zero():
    # given: an Excel sheet where the tax code was typed as a number (leading zero lost)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã số thuế", "Tên", "Loại hình", "Mã xã/phường", "Tình trạng"])
    sheet.append([100109106, "Công ty TNHH Xoài", "TNHH 1TV", 29869, "đang hoạt động"])
    buffer = io.BytesIO()
    book.save(buffer)

    # when
    job = register_import_create(actor=officer(), upload=SimpleUploadedFile("so-bo.xlsx", buffer.getvalue()))

    # then
    assert job.status == ImportStatus.PREVIEW, job.file_problems
    assert job.planned["created"] == 1 and job.planned["failed"] == 0


def test_matching_lists_both_unmatched_sides_and_the_owners_corrections(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        run_import(officer(), HEADER + "\n".join(ROWS[:2]))
    matched = BusinessFactory(identifier="0100109106", legal_name="Công ty TNHH Xoài Cát Cao Lãnh",
                              ward=ward("29905"))
    platform_only = BusinessFactory()

    # when
    unmatched_register = list(register_unmatched_entries().values_list("identifier", flat=True))
    unmatched_platform = list(platform_unmatched_businesses())
    with translation.override("en"):
        corrections = register_corrections()

    # then
    assert unmatched_register == ["087186000999"]
    assert unmatched_platform == [platform_only]
    assert len(corrections) == 1 and corrections[0].business == matched
    fields = {label: (old, new) for label, old, new in corrections[0].fields}
    assert fields["Name"] == ("Công ty TNHH Xoài Cao Lãnh", "Công ty TNHH Xoài Cát Cao Lãnh")
    assert fields["Ward or commune"] == ("Phường Cao Lãnh", "Phường Sa Đéc")


def test_registration_form_is_prefilled_from_the_register(client, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        run_import(officer(), HEADER + ROWS[0])
    from tests.factories import owner_user

    client.force_login(owner_user())

    # when
    initial = business_prefill(identifier="0100109106")
    response = client.get(reverse("businesses:register") + "?identifier=0100.109.106")

    # then
    assert initial["legal_name"] == "Công ty TNHH Xoài Cao Lãnh"
    assert initial["legal_form"] == LegalForm.LLC_ONE_MEMBER
    assert initial["ward"] == ward("29869").pk
    assert initial["main_sector"] == "A"
    assert response.context["form"].initial["legal_name"] == "Công ty TNHH Xoài Cao Lãnh"
    assert business_prefill(identifier="0100100079") == {}


def test_upload_page_previews_and_confirm_page_imports(client, django_capture_on_commit_callbacks):
    # given
    client.force_login(officer())

    # when
    response = client.post(reverse("adoption:register_home"), {"sheet": upload(HEADER + ROWS[0])})
    job = RegisterImport.objects.get()
    preview = client.get(response["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("adoption:register_job_confirm", args=[job.pk]))
    done = client.get(reverse("adoption:register_job", args=[job.pk]))

    # then
    assert response.status_code == 302
    assert 'data-count="created">1<' in preview.content.decode()
    assert RegisterEntry.objects.count() == 1
    assert 'id="import-summary"' in done.content.decode()


def test_the_register_s_contact_e_mail_is_read_and_a_file_without_it_keeps_it(django_capture_on_commit_callbacks):
    # given a file with a contact e-mail column (one address unreadable)
    user = officer()
    with_email = (HEADER.rstrip("\n") + ",Email\n" + ROWS[0] + ",LienHe@XoaiCaoLanh.example.vn\n"
                  + ROWS[1] + ",không có\n")

    # when it is imported, then a file without the column
    with django_capture_on_commit_callbacks(execute=True):
        run_import(user, with_email)
    with django_capture_on_commit_callbacks(execute=True):
        second = run_import(user, HEADER + ROWS[0])
    second.refresh_from_db()

    # then the address is kept lower-cased, the unreadable one left out without skipping its business
    assert RegisterEntry.objects.get(identifier="0100109106").contact_email == "lienhe@xoaicaolanh.example.vn"
    assert RegisterEntry.objects.get(identifier="087186000999").contact_email == ""
    assert second.summary["unchanged"] == 1
