"""An import never makes more products active than the plan allows (issue 8): the preview says how many would
be activated and how many exceed the plan; the run imports those as drafts, with the plan that allows them."""

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from sme.billing.models import Plan
from sme.catalog.models import Product, ProductStatus, Variant
from sme.imports.models import ImportJob, ImportStatus
from sme.imports.problems import activation_messages
from sme.imports.services import import_job_confirm
from tests.sme.catalog.factories import ProductFactory, VariantFactory, member

from .sheets import create_job, csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["product_key", "name", "status", "sku", "price"]


@pytest.fixture
def owner():
    # The Free plan, made small so a handful of products reaches it.
    Plan.objects.filter(code="free").update(max_active_products=3)
    return member()


def _sheet(*rows) -> bytes:
    return csv_bytes(HEADER, [list(r) for r in rows])


def _preview(owner, data: bytes) -> ImportJob:
    job = create_job(business=owner.business, actor=owner.user, sheet=upload(data, "catalog.csv"))
    assert job.status == ImportStatus.PREVIEW, (job.file_problems, job.problems)
    return job


def _confirm(job: ImportJob) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_job_confirm(job=job)
    job.refresh_from_db()
    return job


def _statuses(owner) -> dict[str, str]:
    return dict(Product.objects.filter(business=owner.business).values_list("key", "status"))


def _active(key: str, n: int) -> tuple:
    return (key, f"Sản phẩm {key}", "active", f"{key}-SKU", f"{n}0.000")


def test_preview_says_how_many_would_be_activated_and_how_many_exceed_the_plan(owner, client):
    # given one active product already, and a sheet with four active products
    ProductFactory(business=owner.business, key="OLD", status=ProductStatus.ACTIVE)
    # when
    job = _preview(owner, _sheet(_active("A", 1), _active("B", 2), _active("C", 3), _active("D", 4)))
    # then: nothing is written yet, and the numbers are kept for the page
    assert _statuses(owner) == {"OLD": "active"}
    assert job.activation == {"activating": 4, "held": 2, "active_now": 1, "limit": 3, "plan": "free",
                              "upgrade": "growth"}
    with translation.override("en"):
        assert activation_messages(job.activation, done=False) == [
            "2 products will be put on sale (active).",
            "The Free plan allows 3 active products; active now: 1. 2 products marked active in the sheet exceed "
            "the plan and will be imported as drafts (not on sale).",
            "The Growth plan allows them all (see Plan and billing).",
        ]
    client.force_login(owner.user)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "2 sản phẩm sẽ được đưa lên bán (đang bán)." in html
    assert ("Gói Miễn phí cho phép 3 sản phẩm đang bán; hiện đang bán: 1 sản phẩm. 2 sản phẩm được đánh dấu "
            "đang bán trong bảng tính vượt quá gói và sẽ được nhập ở trạng thái nháp (chưa bán).") in html
    assert "Gói Tăng trưởng cho phép tất cả" in html


def test_the_run_activates_up_to_the_limit_in_sheet_order_and_imports_the_rest_as_drafts(owner, client):
    # given
    ProductFactory(business=owner.business, key="OLD", status=ProductStatus.ACTIVE)
    job = _preview(owner, _sheet(_active("A", 1), _active("B", 2), _active("C", 3), _active("D", 4)))
    # when
    job = _confirm(job)
    # then: every product and variant is there, but never more active products than the plan allows
    assert job.status == ImportStatus.SUCCEEDED
    assert job.summary == {"created": 4, "updated": 0, "unchanged": 0, "failed": 0}
    assert _statuses(owner) == {"OLD": "active", "A": "active", "B": "active", "C": "draft", "D": "draft"}
    assert Variant.objects.filter(business=owner.business).count() == 4
    client.force_login(owner.user)
    html = client.get(reverse("imports:job_detail", args=[job.pk])).content.decode()
    assert "2 sản phẩm đã được đưa lên bán (đang bán)." in html
    assert "Vì vậy 2 sản phẩm được đánh dấu đang bán trong bảng tính đã được nhập ở trạng thái nháp" in html
    assert reverse("billing:plans") in html


def test_importing_the_same_file_again_activates_nothing_more(owner):
    data = _sheet(_active("A", 1), _active("B", 2), _active("C", 3), _active("D", 4))
    _confirm(_preview(owner, data))
    # when
    again = _confirm(_preview(owner, data))
    # then
    assert again.summary == {"created": 0, "updated": 0, "unchanged": 4, "failed": 0}
    assert _statuses(owner) == {"A": "active", "B": "active", "C": "active", "D": "draft"}
    assert again.activation["held"] == 1


def test_an_existing_draft_over_the_limit_keeps_its_status_but_takes_the_other_changes(owner):
    # given a full plan and a draft in the catalog
    for key in ("P1", "P2", "P3"):
        ProductFactory(business=owner.business, key=key, status=ProductStatus.ACTIVE)
    draft = ProductFactory(business=owner.business, key="DR", name="Nháp", status=ProductStatus.DRAFT)
    VariantFactory(product=draft, sku="DR-SKU", price=10_000)
    # when the sheet marks it active with a new price
    job = _confirm(_preview(owner, _sheet(("DR", "Nháp", "active", "DR-SKU", "15.000"))))
    # then
    assert job.summary == {"created": 0, "updated": 1, "unchanged": 0, "failed": 0}
    assert job.activation == {"activating": 1, "held": 1, "active_now": 3, "limit": 3, "plan": "free",
                              "upgrade": "growth"}
    assert _statuses(owner)["DR"] == "draft"
    assert Variant.objects.get(sku="DR-SKU").price == 15_000


def test_products_the_sheet_archives_free_their_places_first(owner):
    # given a full plan
    for key in ("P1", "P2", "P3"):
        VariantFactory(product=ProductFactory(business=owner.business, key=key, name=key,
                                              status=ProductStatus.ACTIVE), sku=f"{key}-SKU", price=10_000)
    # when the sheet archives one and activates a new one
    job = _confirm(_preview(owner, _sheet(("P1", "P1", "archived", "P1-SKU", "10.000"), _active("NEW", 5))))
    # then
    assert job.activation["held"] == 0
    assert _statuses(owner) == {"P1": "archived", "P2": "active", "P3": "active", "NEW": "active"}


def test_without_a_limit_everything_marked_active_is_activated(owner, settings):
    settings.DEFAULT_PLAN = "pro"
    job = _confirm(_preview(owner, _sheet(_active("A", 1), _active("B", 2), _active("C", 3), _active("D", 4))))
    assert job.activation == {"activating": 4, "held": 0, "active_now": 0, "limit": None, "plan": "pro",
                              "upgrade": ""}
    assert set(_statuses(owner).values()) == {"active"}
    with translation.override("en"):
        assert activation_messages(job.activation, done=True) == ["4 products were put on sale (active)."]


def test_the_run_checks_the_limit_again_when_products_were_activated_after_the_preview(owner):
    # given a preview that fits the plan
    job = _preview(owner, _sheet(_active("A", 1), _active("B", 2)))
    assert job.activation["held"] == 0
    # when two products are activated by hand before the run
    for key in ("H1", "H2"):
        ProductFactory(business=owner.business, key=key, status=ProductStatus.ACTIVE)
    job = _confirm(job)
    # then
    assert job.activation["held"] == 1
    assert Product.objects.filter(business=owner.business, status=ProductStatus.ACTIVE).count() == 3
    assert _statuses(owner)["B"] == "draft"
