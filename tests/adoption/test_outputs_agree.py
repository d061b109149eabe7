"""The page, the command, the API, the CSV and the XLSX exports show the same numbers."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from adoption.indicator import snapshot_store
from adoption.models import SnapshotRun
from adoption.services import api_token_create
from marketplace_connectors.models import ListingStatus

from .factories import BusinessFactory, history, listing, local, on_register, order

pytestmark = pytest.mark.django_db


def _command(*args) -> str:
    out = io.StringIO()
    call_command("adoption_report", *args, "--language", "en", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("stored", [True, False], ids=["from snapshot", "computed in the background"])
def test_command_api_exports_and_page_agree(client, province, stored, django_capture_on_commit_callbacks):
    # given
    day = province.day.isoformat()
    _record, token = api_token_create(user=province.officer, name="Superset")
    client.force_login(province.officer)
    if stored:
        snapshot_store(day=province.day)
    else:
        # the first request finds no snapshot: it computes nothing and says so; the job runs after commit
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            waiting = client.get(reverse("adoption:dashboard") + f"?date={day}&by=ward")
        assert "being computed" in waiting.content.decode() and not SnapshotRun.objects.exists()
        for callback in callbacks:
            callback()
        assert SnapshotRun.objects.filter(day=province.day).exists()

    # when
    command = json.loads(_command("--date", day, "--by", "ward", "--format", "json"))
    command_csv = list(csv.DictReader(io.StringIO(_command("--date", day, "--by", "ward", "--format", "csv"))))
    api = client.get(reverse("adoption:api_indicator") + f"?date={day}&by=ward",
                     HTTP_AUTHORIZATION=f"Bearer {token}").json()
    page = client.get(reverse("adoption:dashboard") + f"?date={day}&by=ward")
    export_csv = client.get(reverse("adoption:export", args=["breakdown", "csv"]) + f"?date={day}&by=ward")
    export_xlsx = client.get(reverse("adoption:export", args=["breakdown", "xlsx"]) + f"?date={day}&by=ward")
    headline_xlsx = client.get(reverse("adoption:export", args=["headline", "xlsx"]) + f"?date={day}")

    # then: the known answers, everywhere
    assert command["series"]["sme"]["denominator"] == 7
    assert command["series"]["sme"]["verified"] == 1
    assert command["series"]["sme"]["verified_and_declared"] == 2
    assert command["series"]["sme"]["verified_share_percent"] == 14.3
    assert command["series"]["sme"]["verified_and_declared_share_percent"] == 28.6
    assert command["series"]["sme"]["gap_verified_and_declared"] == 2
    assert api["series"] == command["series"]
    assert api["breakdowns"] == command["breakdowns"]
    assert command["from_snapshot"] and api["from_snapshot"]

    sme_total = next(r for r in command_csv if r["series"] == "sme" and r["dimension"] == "total")
    assert (sme_total["denominator"], sme_total["verified"], sme_total["verified_and_declared"]) == ("7", "1", "2")
    lai_vung_csv = next(r for r in command_csv if r["series"] == "sme" and r["key"] == "30226")
    assert (lai_vung_csv["denominator"], lai_vung_csv["verified_and_declared"]) == ("3", "1")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="verified-share">14.3%' in html
    assert 'data-figure="online-share">28.6%' in html
    assert 'data-figure="online-count">2<' in html
    assert "2 more SMEs must sell on a marketplace to reach 55%" in html

    rows = list(csv.reader(io.StringIO(export_csv.content.decode("utf-8-sig"))))
    lai_vung = next(r for r in rows if len(r) > 2 and r[2] == "30226" and r[0] == "SMEs")
    assert lai_vung[5:10] == ["3", "1", "33.3%", "1", "33.3%"]

    book = openpyxl.load_workbook(io.BytesIO(export_xlsx.content))
    data = book.worksheets[0]
    xlsx_lai_vung = next(r for r in data.iter_rows() if r[2].value == "30226" and r[0].value == "SMEs")
    assert [c.value for c in xlsx_lai_vung[5:10]] == [3, 1, 0.333, 1, 0.333]
    assert xlsx_lai_vung[7].number_format == "0.0%"
    notes = {r[0]: r[1] for r in book["Notes"].iter_rows(values_only=True) if r and r[0]}
    assert notes["Numbers for the day"] == datetime.datetime(2026, 6, 15)
    assert "On a marketplace (verified)" in notes
    headline = openpyxl.load_workbook(io.BytesIO(headline_xlsx.content)).worksheets[0]
    sme_row = next(r for r in headline.iter_rows(values_only=True) if r[0] == "SMEs")
    assert sme_row[5:10] == (7, 1, 0.143, 2, 0.286)


def test_orders_and_the_status_log_give_the_same_numbers_everywhere(client, province):
    # given the hand-built province (SMEs 7 / verified 1 / online 2) and four more SMEs in Lai Vung:
    # an order 90 days before D (counts), an order 91 days before (does not), a listing paused on D-3 and
    # resumed on D+1 (not live on D) and a listing delisted at 08:00 on D (live on D)
    day = province.day
    lai_vung = province.businesses["A"].ward
    counted, too_old, paused, delisted = (BusinessFactory(ward=lai_vung) for _ in range(4))
    for business in (counted, too_old, paused, delisted):
        on_register(business)
    order(counted, placed=local(day - datetime.timedelta(days=90), 0, 10), marketplace="lazada")
    order(too_old, placed=local(day - datetime.timedelta(days=91), 23, 50), marketplace="lazada")
    history(listing(paused, published=local(day - datetime.timedelta(days=20))),
            (ListingStatus.LIVE, local(day - datetime.timedelta(days=20))),
            (ListingStatus.PAUSED, local(day - datetime.timedelta(days=3))),
            (ListingStatus.LIVE, local(day + datetime.timedelta(days=1))))
    history(listing(delisted, published=local(day - datetime.timedelta(days=20))),
            (ListingStatus.LIVE, local(day - datetime.timedelta(days=20))), (ListingStatus.DELISTED, local(day, 8)))
    _record, token = api_token_create(user=province.officer, name="Metabase")
    client.force_login(province.officer)
    iso = day.isoformat()

    # when: the command computes the day itself (it is not a web request); the pages read it once stored
    command = json.loads(_command("--date", iso, "--by", "marketplace", "--format", "json"))
    snapshot_store(day=day)
    stored = json.loads(_command("--date", iso, "--by", "marketplace", "--format", "json"))
    api = client.get(reverse("adoption:api_indicator") + f"?date={iso}&by=marketplace",
                     HTTP_AUTHORIZATION=f"Bearer {token}").json()
    html = client.get(reverse("adoption:dashboard") + f"?date={iso}&by=marketplace").content.decode()

    # then: 11 SMEs, verified A + counted + delisted = 3, online with F's declaration = 4
    sme = command["series"]["sme"]
    assert (sme["denominator"], sme["verified"], sme["verified_and_declared"]) == (11, 3, 4)
    assert (sme["verified_share_percent"], sme["verified_and_declared_share_percent"]) == (27.3, 36.4)
    lazada = next(r for r in command["breakdowns"]["marketplace"] if r["series"] == "sme" and r["key"] == "lazada")
    assert (lazada["verified"], lazada["verified_and_declared"]) == (1, 1)
    assert api["series"] == command["series"] and api["breakdowns"] == command["breakdowns"]
    assert stored["series"] == command["series"] and stored["breakdowns"] == command["breakdowns"]
    assert stored["from_snapshot"] and not command["from_snapshot"]
    assert 'data-figure="verified-share">27.3%' in html
    assert 'data-figure="online-count">4<' in html


def test_xlsx_export_in_vietnamese_names_its_sheets_without_forbidden_characters(client, province):
    # "Xã/phường (từ tháng 7/2025)" holds slashes, which Excel refuses in a sheet name
    user = province.officer
    user.preferred_language = "vi"
    user.save()
    client.force_login(user)
    snapshot_store(day=province.day)
    response = client.get(reverse("adoption:export", args=["breakdown", "xlsx"]) + "?date=2026-06-15&by=ward")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Xã-phường (từ tháng 7-2025)", "Ghi chú"]
