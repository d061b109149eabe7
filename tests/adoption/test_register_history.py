"""The register is read as it stood on each day: a newer register changes the days from its date on and
leaves earlier days exactly as they were counted."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from adoption.indicator import SME, WARD, indicator_compute, indicator_read, snapshot_store
from adoption.models import ImportStatus, RegisterEntry, RegisterEntryHistory, RegisterStatus, SnapshotRow
from adoption.selectors import drilldown
from adoption.services import register_entry_resolve_address, register_import_confirm, register_import_create

from .factories import BusinessFactory, listing, local, officer, ward

pytestmark = pytest.mark.django_db

HEADER = "Mã số thuế,Tên doanh nghiệp,Loại hình,Mã xã/phường,Huyện cũ,Xã cũ,Ngành,Quy mô,Tình trạng,Ngày số liệu\n"
MANGO = "0100109106"
LOTUS = "0100100079"
NEWCOMER = "0100101192"


def register_file(as_of: datetime.date, *rows: str) -> str:
    return HEADER + "\n".join(f"{row},{as_of.isoformat()}" for row in rows)


def mango(status: str = "đang hoạt động", ward_code: str = "29869", size: str = "nhỏ") -> str:
    return f"{MANGO},Công ty TNHH Xoài Cao Lãnh,TNHH 1TV,{ward_code},,,A,{size},{status}"


def lotus(status: str = "đang hoạt động") -> str:
    return f"{LOTUS},Công ty CP Sen Tháp Mười,cổ phần,29905,,,C,vừa,{status}"


def newcomer() -> str:
    return f"{NEWCOMER},Công ty TNHH Mới Thành Lập,TNHH 2TV,29869,,,G,siêu nhỏ,đang hoạt động"


def imported(user, text: str, capture):
    job = register_import_create(actor=user, upload=SimpleUploadedFile("so-bo.csv", text.encode(),
                                                                        content_type="text/csv"))
    assert job.status == ImportStatus.PREVIEW, job.file_problems
    with capture(execute=True):
        assert register_import_confirm(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    return job


def counts(day: datetime.date) -> dict:
    """Every cell of the day as (series, dimension, key) -> (denominator, verified, online)."""
    result, _members, _evidence = indicator_compute(day=day)
    return {(c.series, c.dimension, c.key): (c.denominator, c.verified, c.online) for c in result.cells}


def test_a_newer_register_changes_the_days_from_its_date_and_leaves_earlier_days_as_they_were(
        django_capture_on_commit_callbacks):
    # given: the first register (end of 2025): the mango company and the lotus company operate; the mango
    # company trades on Shopee since March 2026
    user = officer()
    imported(user, register_file(datetime.date(2025, 12, 31), mango(), lotus()), django_capture_on_commit_callbacks)
    business = BusinessFactory(identifier=MANGO)
    listing(business, published=local(datetime.date(2026, 3, 1)))
    spring, summer = datetime.date(2026, 4, 15), datetime.date(2026, 7, 15)
    spring_before = counts(spring)
    assert spring_before[(SME, "total", "")] == (2, 1, 1)

    # when: the register of 30 June 2026 says the lotus company dissolved, the mango company moved ward, and
    # a new company appears
    job = imported(user, register_file(datetime.date(2026, 6, 30), mango(ward_code="29905"), lotus("giải thể"),
                                       newcomer()), django_capture_on_commit_callbacks)

    # then: April is counted exactly as before
    assert job.summary["updated"] == 2 and job.summary["created"] == 1
    assert counts(spring) == spring_before
    # and from 30 June on, the new register: the lotus company is gone, the newcomer is in, the mango
    # company counts in its new ward
    summer_counts = counts(summer)
    assert summer_counts[(SME, "total", "")] == (2, 1, 1)
    assert summer_counts[(SME, WARD, "29905")] == (1, 1, 1)
    assert summer_counts[(SME, WARD, "29869")] == (1, 0, 0)
    assert spring_before[(SME, WARD, "29869")] == (1, 1, 1)
    # the day before the new register's date still reads the old one; its date reads the new one
    assert counts(datetime.date(2026, 6, 29)) == counts(spring)
    assert counts(datetime.date(2026, 6, 30))[(SME, WARD, "29905")] == (1, 1, 1)
    # and the officers' list behind a ward cell shows the company where it was on each day
    spring_rows = drilldown(day=spring, series=SME, dimension=WARD, key="29869")
    summer_rows = drilldown(day=summer, series=SME, dimension=WARD, key="29905")
    assert [(r.member.identifier, r.ward) for r in spring_rows] == [(MANGO, ward("29869").name)]
    assert [(r.member.identifier, r.ward) for r in summer_rows] == [(MANGO, ward("29905").name)]
    # and each day names the register it was counted from
    assert indicator_compute(day=spring)[0].register_as_of == datetime.date(2025, 12, 31)
    assert indicator_compute(day=summer)[0].register_as_of == datetime.date(2026, 6, 30)
    # the superseded states are kept, each up to the day before the new date
    history = RegisterEntryHistory.objects.order_by("entry__identifier")
    assert [(h.entry.identifier, h.valid_from, h.valid_to, h.status) for h in history] == [
        (LOTUS, None, datetime.date(2026, 6, 29), RegisterStatus.OPERATING),
        (MANGO, None, datetime.date(2026, 6, 29), RegisterStatus.OPERATING),
    ]


def test_importing_the_newer_register_twice_keeps_one_history(django_capture_on_commit_callbacks):
    # given
    user = officer()
    imported(user, register_file(datetime.date(2025, 12, 31), mango()), django_capture_on_commit_callbacks)
    newer = register_file(datetime.date(2026, 6, 30), mango(status="tạm ngừng"))
    imported(user, newer, django_capture_on_commit_callbacks)
    before = list(RegisterEntry.objects.values()), list(RegisterEntryHistory.objects.values())

    # when
    again = imported(user, newer, django_capture_on_commit_callbacks)

    # then
    assert again.summary["unchanged"] == 1
    assert (list(RegisterEntry.objects.values()), list(RegisterEntryHistory.objects.values())) == before


def test_a_correction_with_the_same_date_replaces_the_state_without_history(django_capture_on_commit_callbacks):
    # given: a register of 30 June with a wrong size
    user = officer()
    imported(user, register_file(datetime.date(2026, 6, 30), mango(size="vừa")), django_capture_on_commit_callbacks)

    # when: the province sends the corrected file of the same date
    imported(user, register_file(datetime.date(2026, 6, 30), mango(size="nhỏ")), django_capture_on_commit_callbacks)

    # then: the correction holds for every day, nothing is kept of the wrong size
    assert RegisterEntryHistory.objects.count() == 0
    assert counts(datetime.date(2026, 1, 1))[(SME, "size", "small")] == (1, 0, 0)
    assert (SME, "size", "medium") not in counts(datetime.date(2026, 1, 1))


def test_a_newcomer_of_a_later_register_is_not_counted_before_its_date(django_capture_on_commit_callbacks):
    # given
    user = officer()
    imported(user, register_file(datetime.date(2025, 12, 31), mango()), django_capture_on_commit_callbacks)

    # when
    imported(user, register_file(datetime.date(2026, 6, 30), mango(), newcomer()), django_capture_on_commit_callbacks)

    # then
    assert counts(datetime.date(2026, 6, 29))[(SME, "total", "")] == (1, 0, 0)
    assert counts(datetime.date(2026, 6, 30))[(SME, "total", "")] == (2, 0, 0)
    # the first register stands for the days before it too
    assert counts(datetime.date(2021, 1, 1))[(SME, "total", "")] == (1, 0, 0)


def test_resolving_an_old_address_also_places_the_earlier_states(django_capture_on_commit_callbacks):
    # given: old Xã Gáo Giồng (divided between two new communes), in two registers; the company was
    # suspended in the newer one
    user = officer()
    split = "0100101192,Công ty TNHH Gáo Giồng,TNHH 2TV,,873,30079,G,siêu nhỏ,{status}"
    imported(user, register_file(datetime.date(2025, 12, 31), split.format(status="đang hoạt động")),
             django_capture_on_commit_callbacks)
    imported(user, register_file(datetime.date(2026, 6, 30), split.format(status="tạm ngừng")),
             django_capture_on_commit_callbacks)
    assert counts(datetime.date(2026, 1, 1))[(SME, WARD, "unresolved")] == (1, 0, 0)

    # when
    register_entry_resolve_address(entry=RegisterEntry.objects.get(), ward=ward("30088"), actor=user)

    # then: the earlier day counts the company in the ward a person chose
    january = counts(datetime.date(2026, 1, 1))
    assert january[(SME, WARD, "30088")] == (1, 0, 0)
    assert (SME, WARD, "unresolved") not in january


def test_an_import_rebuilds_the_stored_days_it_covers_and_no_earlier_one(django_capture_on_commit_callbacks):
    # given: a first register, and stored snapshots of 20 and 5 days ago
    user = officer()
    today = timezone.localdate()
    imported(user, register_file(today - datetime.timedelta(days=400), mango(), lotus()),
             django_capture_on_commit_callbacks)
    old_day, recent_day = today - datetime.timedelta(days=20), today - datetime.timedelta(days=5)
    snapshot_store(day=old_day)
    snapshot_store(day=recent_day)
    assert indicator_read(day=recent_day).total(series=SME).denominator == 2

    # when: a register dated 10 days ago says the lotus company dissolved (the rebuild runs on commit)
    imported(user, register_file(today - datetime.timedelta(days=10), mango(), lotus("giải thể")),
             django_capture_on_commit_callbacks)

    # then: the stored day inside the new register's period shows it, the one before keeps its numbers
    assert indicator_read(day=recent_day).total(series=SME).denominator == 1
    assert indicator_read(day=old_day).total(series=SME).denominator == 2
    assert SnapshotRow.objects.filter(day=old_day, series=SME, dimension="total").get().denominator == 2
