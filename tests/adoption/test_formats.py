"""Vietnamese formats wherever officers look: dd/mm/yyyy dates, Asia/Ho_Chi_Minh times, a decimal comma in
the tables and the charts; exports with real date and percent cells, a frozen header, fitting widths and phone
numbers as text; the CSV and the API carry the definitions and the denominator's source; charts wrap labels."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from adoption.charts import bars_svg, trend_svg, wrap_label
from adoption.indicator import snapshot_store
from adoption.models import SnapshotRun
from adoption.services import api_token_create

from .conftest import D
from .factories import BusinessFactory, officer, on_register, ward

pytestmark = pytest.mark.django_db


def vietnamese(user):
    user.preferred_language = "vi"
    user.save()
    return user


def test_the_page_in_vietnamese_writes_shares_with_a_comma_dates_dd_mm_yyyy_and_local_times(client, province):
    # given: D stored, computed at 08:02 UTC on 07/12/2026 (15:02 in Đồng Tháp)
    snapshot_store(day=D)
    SnapshotRun.objects.filter(day=D).update(computed_at=datetime.datetime(2026, 12, 7, 8, 2, tzinfo=datetime.UTC))
    client.force_login(vietnamese(province.officer))

    # when
    html = client.get(reverse("adoption:dashboard") + f"?date={D}&by=ward").content.decode()

    # then
    assert 'data-figure="verified-share">14,3%' in html
    assert 'data-figure="online-share">28,6%' in html
    assert "15/06/2026" in html
    assert "07/12/2026 15:02" in html and "2026-12-07" not in html
    assert "33,3%</text>" in html  # the ward chart's labels use the comma too
    assert "14.3%" not in html


def test_charts_write_numbers_as_the_language_does_and_wrap_long_labels():
    long_name = "Xã Thường Phước (huyện Hồng Ngự trước tháng 7/2025)"
    with translation.override("vi"):
        bars = bars_svg(rows=[(long_name, 14.3, 28.6), ("Xã Lai Vung", 0.0, 50.0)], target=55.5, title="t")
        trend = trend_svg(points=[("06/2026", 14.3, 28.6)], target=55.5, title="t")
    with translation.override("en"):
        english = bars_svg(rows=[("Xã Lai Vung", 14.3, 28.6)], target=None, title="t")

    # then: the decimal mark follows the language
    assert "28,6%" in bars and "55,5%" in trend and "28.6%" in english
    # and the long label is on several lines, every word kept, none cut
    lines = wrap_label(long_name)
    assert len(lines) > 1 and " ".join(lines) == long_name
    assert all(f">{line}</tspan>" in bars for line in lines)
    assert "…" not in bars


def test_a_label_longer_than_three_lines_is_cut_only_after_the_third():
    lines = wrap_label("Một tên rất dài " * 10)
    assert len(lines) == 3 and lines[-1].endswith("…")


def test_xlsx_has_a_frozen_header_typed_cells_and_fitting_widths(client, province):
    # given: two stored days, so the trend has dates
    snapshot_store(day=D - datetime.timedelta(days=1))
    snapshot_store(day=D)
    client.force_login(province.officer)

    # when
    trend_book = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("adoption:export", args=["trend", "xlsx"]) + "?granularity=daily").content))
    breakdown_book = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("adoption:export", args=["breakdown", "xlsx"]) + f"?date={D}&by=ward").content))

    # then: real dates, shown dd/mm/yyyy; real percent cells
    trend = trend_book.worksheets[0]
    first_day = trend.cell(row=2, column=1)
    assert first_day.value == datetime.datetime(2026, 6, 14) and first_day.number_format == "dd/mm/yyyy"
    share = trend.cell(row=3, column=7)
    assert (share.value, share.number_format) == (0.286, "0.0%")
    assert trend.cell(row=1, column=2).value == "Denominator source"  # each day with its own
    assert trend.cell(row=3, column=2).value.startswith("The province's register")
    # the header row is frozen and filterable, and each column fits its longest value
    sheet = breakdown_book.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    for column in sheet.iter_cols(min_row=1):
        longest = max(len(str(c.value)) for c in column if c.value is not None)
        width = sheet.column_dimensions[column[0].column_letter].width
        assert width >= min(longest, 58), (column[0].value, width, longest)
    # phone numbers are text as written in Vietnam, with no apostrophe in the cell nor a quote prefix
    businesses = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("adoption:export", args=["businesses", "xlsx"]) + f"?date={D}&series=sme&dimension=ward&key=30226"
    ).content)).worksheets[0]
    phones = [row[8] for row in businesses.iter_rows(min_row=2) if row[0].value == province.businesses["A"].identifier]
    assert [(c.value, c.data_type, c.quotePrefix) for c in phones] == [("0901 234 567", "s", False)]
    # the notes: the day as a date, the computation time in Đồng Tháp's time zone
    notes = {r[0]: r[1] for r in breakdown_book["Notes"].iter_rows(values_only=True) if r and r[0]}
    assert notes["Numbers for the day"] == datetime.datetime(2026, 6, 15)
    in_dong_thap = SnapshotRun.objects.get(day=D).computed_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=7))).replace(tzinfo=None)
    assert abs(notes["Computed at"] - in_dong_thap) < datetime.timedelta(seconds=1)


def test_csv_in_vietnamese_writes_dates_shares_and_phones_as_officers_read_them(client, province):
    # given
    snapshot_store(day=D)
    client.force_login(vietnamese(province.officer))

    # when
    trend = client.get(reverse("adoption:export", args=["trend", "csv"]) + "?granularity=daily")
    businesses = client.get(reverse("adoption:export", args=["businesses", "csv"]) +
                            f"?date={D}&series=sme&dimension=ward&key=30226")

    # then
    trend_rows = list(csv.reader(io.StringIO(trend.content.decode("utf-8-sig"))))
    assert trend_rows[1][:7] == ["15/06/2026", "Sổ bộ của tỉnh (các cơ sở đang hoạt động vào ngày đó)", "7", "1",
                                 "14,3%", "2", "28,6%"]
    rows = list(csv.reader(io.StringIO(businesses.content.decode("utf-8-sig"))))
    a_row = next(r for r in rows if r and r[0] == province.businesses["A"].identifier)
    assert a_row[8] == "0901 234 567"  # as written in Vietnam: text for Excel, no apostrophe
    # and the notes block names the denominator and carries the definitions
    notes = {r[0]: r[1] for r in list(csv.reader(io.StringIO(client.get(
        reverse("adoption:export", args=["headline", "csv"]) + f"?date={D}").content.decode("utf-8-sig"))))
        if len(r) == 2}
    assert notes["Nguồn mẫu số"].startswith("Sổ bộ của tỉnh")
    assert "Thế nào là sàn thương mại điện tử" in notes


def test_the_api_and_its_openapi_document_carry_the_definitions_and_the_denominator(client, province):
    # given
    snapshot_store(day=D)
    _record, token = api_token_create(user=province.officer, name="BI")

    # when
    answer = client.get(reverse("adoption:api_indicator") + f"?date={D}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    trend = client.get(reverse("adoption:api_trend"), HTTP_AUTHORIZATION=f"Bearer {token}").json()
    document = client.get(reverse("adoption:api_openapi")).json()

    # then
    assert answer["denominator"]["source"] == "register"
    assert {d["term"] for d in answer["definitions"]} == {d["term"] for d in trend["definitions"]}
    assert [p["denominator_source"] for p in trend["points"]] == ["register"]
    assert len(answer["definitions"]) == 11
    description = document["info"]["description"]
    assert "What is a marketplace" in description and "Decree 85/2021" in description
    indicator = document["paths"]["/api/v1/indicator"]["get"]["responses"]
    assert "202" in indicator and "definitions" in indicator["200"]["content"]["application/json"]["schema"][
        "properties"]
    assert "channel_kind" in document["components"]["schemas"]["Cell"]["properties"]
    assert "denominator" in indicator["200"]["content"]["application/json"]["schema"]["properties"]


def test_each_day_of_the_trend_says_where_its_denominator_came_from(client):
    # given: a day stored before any register was imported, and one after
    the_officer = officer()
    business = BusinessFactory(ward=ward("30226"))
    snapshot_store(day=D - datetime.timedelta(days=1))
    on_register(business)
    snapshot_store(day=D)
    _record, token = api_token_create(user=the_officer, name="BI")
    client.force_login(the_officer)

    # when
    api = client.get(reverse("adoption:api_trend") + "?granularity=daily",
                     HTTP_AUTHORIZATION=f"Bearer {token}").json()
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("adoption:export", args=["trend", "csv"]) + "?granularity=daily").content.decode("utf-8-sig"))))

    # then: the API and the CSV name each day's source
    assert [(p["date"], p["denominator_source"]) for p in api["points"]] == [
        ("2026-06-14", "platform"), ("2026-06-15", "register")]
    assert [r[:2] for r in rows[1:3]] == [
        ["14/06/2026", "Businesses registered on the platform (no register imported)"],
        ["15/06/2026", "The province's register (operating businesses on the day)"]]
