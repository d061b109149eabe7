"""Publishing to the Shopee simulator through the synchronizer and the eager Celery tasks."""

import pytest
from django.utils import translation

from marketplace_connectors import sync
from marketplace_connectors.models import (
    ListingBinding,
    ListingStatus,
    SyncKind,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)
from sme.catalog.models import Variant
from sme.catalog.stock import stock_adjust

from .factories import make_product, map_rice

pytestmark = pytest.mark.django_db

ADD = "/api/v2/product/add_item"


def publish(account, products, django_capture_on_commit_callbacks, kind=SyncKind.PUBLISH):
    with django_capture_on_commit_callbacks(execute=True):
        return sync.sync_run_start(account=account, kind=kind, product_ids=[p.pk for p in products])


def test_publish_creates_the_listing_with_variants_and_image(connected, shopee, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = make_product(connected.business, n=1)
    # when
    run = publish(connected, [product], django_capture_on_commit_callbacks)
    # then
    binding = ListingBinding.objects.get(account=connected, product=product)
    items = shopee.items()
    assert binding.status == ListingStatus.LIVE and binding.last_error == ""
    assert [str(i.item_id) for i in items] == [binding.external_id]
    item = items[0]
    assert item.item_sku == "GAO-0001" and item.category_id == 100101
    assert [(m.model_sku, m.original_price, m.stock) for m in item.models] == [
        ("GAO-0001-1", 50_000, 20), ("GAO-0001-2", 100_000, 21)]
    assert len(item.image_ids) == 1 and item.image_ids[0] in shopee.images
    assert dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id")) == {
        m.model_sku: str(m.model_id) for m in item.models}
    run.refresh_from_db()
    assert (run.status, run.total, run.succeeded, run.failed) == (SyncRunStatus.DONE, 1, 1, 0)


def test_publishing_again_creates_no_second_listing_and_pushes_nothing_unchanged(connected, shopee, django_capture_on_commit_callbacks):
    # given a live listing
    map_rice(connected)
    product = make_product(connected.business, n=2)
    publish(connected, [product], django_capture_on_commit_callbacks)
    calls_before = len(shopee.calls)
    # when synced again with nothing changed
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then
    assert len(shopee.items()) == 1
    assert shopee.calls[calls_before:] == []


def test_a_stock_change_pushes_only_that_variant_stock(connected, shopee, django_capture_on_commit_callbacks):
    # given
    map_rice(connected)
    product = make_product(connected.business, n=3)
    publish(connected, [product], django_capture_on_commit_callbacks)
    variant = Variant.objects.get(sku="GAO-0003-2")
    stock_adjust(variant=variant, delta=-5, reason="manual", actor=None)
    calls_before = len(shopee.calls)
    # when
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then only update_stock went out, and Shopee has the new stock
    assert [c[0] for c in shopee.calls[calls_before:]] == ["/api/v2/product/update_stock"]
    assert [m.stock for m in shopee.items()[0].models] == [20, 16]


def test_invalid_product_is_not_sent_and_owner_sees_what_to_fix(connected, shopee, django_capture_on_commit_callbacks):
    # given a product without weight and with a short description
    map_rice(connected)
    product = make_product(connected.business, n=4, weight_g=None, description="Ngon")
    # when
    with translation.override("vi"):
        problems = sync.listing_validate(account=connected, product=product)
        publish(connected, [product], django_capture_on_commit_callbacks)
    # then
    binding = ListingBinding.objects.get(product=product)
    assert binding.status == ListingStatus.FAILED
    assert shopee.count(path=ADD) == 0
    assert any("GAO-0004-1" in p.message for p in problems if p.field == "weight")
    assert "mô tả" in binding.last_error.lower()
    assert SyncRun.objects.get().failed == 1


def test_unmapped_category_is_a_validation_problem(connected, shopee):
    product = make_product(connected.business, n=5)
    with translation.override("en"):
        problems = sync.listing_validate(account=connected, product=product)
    assert [p.field for p in problems] == ["category"]
    assert shopee.count(path=ADD) == 0


def test_partial_stock_failure_is_kept_per_variant(connected, shopee, django_capture_on_commit_callbacks):
    # given a live listing whose second model has 8 units reserved by buyers on Shopee
    map_rice(connected)
    product = make_product(connected.business, n=6)
    publish(connected, [product], django_capture_on_commit_callbacks)
    shopee.items()[0].models[1].reserved = 8
    first, second = Variant.objects.get(sku="GAO-0006-1"), Variant.objects.get(sku="GAO-0006-2")
    stock_adjust(variant=first, new_quantity=5, reason="manual", actor=None)
    stock_adjust(variant=second, new_quantity=3, reason="manual", actor=None)
    # when
    publish(connected, [product], django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then the first variant's stock went through, the second is refused and says so
    assert [m.stock for m in shopee.items()[0].models] == [5, 21]
    ok, refused = (VariantBinding.objects.get(variant=first), VariantBinding.objects.get(variant=second))
    assert (ok.last_stock, ok.last_error) == (5, "")
    assert refused.last_stock == 21 and "reserved" in refused.last_error
    binding = ListingBinding.objects.get(product=product)
    assert binding.status == ListingStatus.REJECTED and "GAO-0006-2" in binding.last_error
    assert "GAO-0006-1" not in binding.last_error
