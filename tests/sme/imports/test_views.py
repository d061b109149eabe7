import io

import openpyxl
import pytest
from django.urls import reverse

from sme.catalog.models import Product, StockMovement, Variant
from sme.imports.models import ImportJob, ImportStatus
from tests.sme.catalog.factories import member

from .sheets import create_job, sample_rows, upload, xlsx_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    membership = member()
    client.force_login(membership.user)
    return membership


def test_upload_preview_confirm_progress_and_summary_through_the_pages(client, owner,
                                                                       django_capture_on_commit_callbacks):
    # given
    data = xlsx_from_template(sample_rows()[2:])  # the lotus tea row: no photos needed
    # when: upload; the worker checks the file once the upload is committed
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("imports:home"), {"sheet": upload(data, "sen.xlsx")})
    job = ImportJob.objects.get(business=owner.business)
    assert response.url == reverse("imports:job_detail", args=[job.pk])
    # then the page shows the check's progress until the worker has run
    page = client.get(response.url).content.decode()
    assert "Đang kiểm tra tệp" in page and 'id="import-progress"' in page
    assert client.get(reverse("imports:job_status", args=[job.pk])).json()["waiting"] is True
    for callback in queued:
        callback()
    assert response.url == reverse("imports:job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Xem trước" in page and "Phân loại mới" in page
    assert Product.objects.count() == 0
    # when: confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    # then
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status["status"] == "succeeded" and status["percent"] == 100 and status["finished"] is True
    page = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "Đã nhập xong" in page
    assert Variant.objects.get(business=owner.business).sku == "TTS-100"


def test_progress_page_loads_the_poller_from_a_static_file(client, owner):
    job = create_job(business=owner.business, actor=owner.user,
                            sheet=upload(xlsx_from_template(sample_rows()[2:]), "a.xlsx"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, stage="checking", total_rows=10,
                                               processed_rows=5)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert 'src="/static/imports/progress.js"' in html
    assert "<script>" not in html
    assert f'data-import-status-url="{reverse("imports:job_status", args=[job.pk])}"' in html
    assert client.get(reverse("imports:job_status", args=[job.pk])).json()["percent"] == 40


def test_discard_drops_the_preview(client, owner):
    job = create_job(business=owner.business, actor=owner.user,
                            sheet=upload(xlsx_from_template(sample_rows()[2:]), "a.xlsx"))
    client.post(reverse("imports:job_discard", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DISCARDED
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DISCARDED
    assert Product.objects.count() == 0


def test_export_holds_only_the_current_business_catalog(client, owner):
    from tests.sme.catalog.factories import ProductFactory, VariantFactory

    VariantFactory(product=ProductFactory(business=owner.business, name="Mine"), sku="MINE-1")
    VariantFactory(product=ProductFactory(name="Theirs"), sku="THEIRS-1")
    response = client.get(reverse("imports:export"))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    skus = [row[10] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert skus == ["MINE-1"]


@pytest.fixture
def foreign_job():
    other = member()
    job = create_job(business=other.business, actor=other.user,
                            sheet=upload(xlsx_from_template(sample_rows()[2:] + [
                                {"product_key": "X", "name": "Bad", "sku": "B1", "price": "x"}]), "theirs.xlsx"))
    assert job.status == ImportStatus.PREVIEW
    return job


@pytest.mark.parametrize(
    ("name", "method"),
    [("imports:job_detail", "get"), ("imports:job_status", "get"), ("imports:job_report", "get"),
     ("imports:job_confirm", "post"), ("imports:job_discard", "post")],
)
def test_another_business_import_ids_give_404_and_change_nothing(client, owner, foreign_job, name, method):
    # when
    url = reverse(name, args=[foreign_job.pk])
    response = client.get(url) if method == "get" else client.post(url)
    # then
    assert response.status_code == 404
    foreign_job.refresh_from_db()
    assert foreign_job.status == ImportStatus.PREVIEW
    assert Product.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_imports_need_a_login(client):
    assert client.get(reverse("imports:home")).status_code == 302
    assert client.get(reverse("imports:template")).status_code == 302
