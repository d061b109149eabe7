"""An owner adds a product with two variants and a photo, imports the sample sheet, watches the progress bar
reach the summary, and exports the catalog (phone-sized screen, Vietnamese)."""

import io
import time
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from config.celery_app import app as celery_app
from sme.catalog.models import Product, StockMovement
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.sample import SAMPLE_PATH, SAMPLE_ROWS
from sme.imports.services import import_job_preview, import_job_run
from tests.factories import DEFAULT_PASSWORD
from tests.sme.catalog.factories import image_bytes, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_tasks(settings, tmp_path):
    """Tasks go to an in-memory broker instead of running inline, so the page shows the job waiting and
    running; the test plays the worker. Photos are written to a throw-away folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    yield
    celery_app.conf.task_always_eager = eager
    celery_app.conf.broker_url = broker


def test_owner_builds_a_catalog_imports_the_sample_and_exports(live_server, page, queued_tasks, tmp_path):
    base = live_server.url
    owner = member()

    # given the owner is logged in
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", owner.user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")
    build_catalog_import_and_export(page, base, owner.business, tmp_path)


def build_catalog_import_and_export(page, base, business, tmp_path):
    """The catalog half of an owner's first day (also the end of test_businesses' whole-day test)."""
    # when they add a product with two variants and a photo
    page.goto(base + "/catalog/")
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.fill("input[name=name]", "Hạt sen sấy Tháp Mười")
    page.select_option("select[name=category]", label="Sản phẩm từ sen")
    page.select_option("select[name=status]", "active")
    page.fill("input[name=option1_name]", "Khối lượng")
    photo = tmp_path / "hat-sen.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(800, 800), color=(235, 220, 190), exif=True))
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("input[name=variants-0-sku]", "HSS-200")
    page.fill("input[name=variants-0-option1_value]", "200 g")
    page.fill("input[name=variants-0-price]", "75.000")
    page.fill("input[name=variants-0-stock]", "120")
    page.fill("input[name=variants-1-sku]", "HSS-500")
    page.fill("input[name=variants-1-option1_value]", "500 g")
    page.fill("input[name=variants-1-price]", "170.000")
    page.fill("input[name=variants-1-stock]", "60")
    page.get_by_role("button", name="Lưu sản phẩm").click()

    # then it is saved with both variants and the photo
    expect(page.locator(".messages")).to_contain_text("Đã lưu sản phẩm")
    product = Product.objects.get(business=business, name="Hạt sen sấy Tháp Mười")
    assert sorted(product.variants.values_list("sku", "price", "stock")) == [
        ("HSS-200", 75_000, 120), ("HSS-500", 170_000, 60),
    ]
    assert product.images.count() == 1
    page.goto(base + "/catalog/")
    expect(page.locator(".product-card")).to_contain_text("75.000")

    # when they import the sample sheet
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.set_input_files("input[name=sheet]", str(SAMPLE_PATH))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    # then the check's progress shows while the file waits for a worker
    expect(page.locator("h2", has_text="Đang kiểm tra tệp")).to_be_visible()
    expect(page.locator("progress#import-progress")).to_be_visible()
    job = ImportJob.objects.get(business=business)
    assert job.status == ImportStatus.CHECKING

    # when the worker checks it, the page (polling) moves on to the preview by itself
    import_job_preview(job_id=job.pk)
    expect(page.locator("h2", has_text="Xem trước")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Nhập các dòng không có lỗi").or_(
        page.get_by_role("button", name="Nhập từ tệp", exact=True)).click()

    # then the progress bar shows while the job waits for a worker
    progress = page.locator("progress#import-progress")
    expect(progress).to_be_visible()
    job = ImportJob.objects.get(business=business)
    assert job.status == ImportStatus.QUEUED

    # when the worker runs the job, the page (polling) moves on to the summary by itself
    time.sleep(1)
    import_job_run(job_id=job.pk)
    expect(page.locator("#import-summary")).to_be_visible(timeout=15_000)
    expect(page.locator("[data-count=created]")).to_have_text(str(len(SAMPLE_ROWS)))
    expect(page.locator("[data-count=failed]")).to_have_text("0")
    assert StockMovement.objects.filter(business=business, reason="import").count() == len(SAMPLE_ROWS)

    # when they export the catalog
    page.get_by_role("link", name="Nhập và xuất").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất danh mục của tôi (.xlsx)").click()
    exported = download_info.value.path()
    ws = openpyxl.load_workbook(io.BytesIO(Path(exported).read_bytes())).worksheets[0]
    skus = {row[10] for row in ws.iter_rows(min_row=3, values_only=True)}
    # then the file holds the product made by hand and every imported variant
    assert skus == {"HSS-200", "HSS-500", *(r["sku"] for r in SAMPLE_ROWS)}
