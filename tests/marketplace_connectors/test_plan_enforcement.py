"""A lapsed payment: listings the plan no longer covers are paused on the marketplace (never delisted or
deleted) and resumed once the plan covers them again; a listing the owner paused stays paused."""

import pytest

from marketplace_connectors import sync, tasks
from marketplace_connectors.models import ListingBinding, ListingStatus
from sme.billing.models import Plan

from .factories import make_product, map_rice

pytestmark = pytest.mark.django_db


def publish(account, products, capture):
    with capture(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[p.pk for p in products])


def shopee_status(shopee, sku):
    return next(i.item_status for i in shopee.items() if i.item_sku == sku)


def test_listings_over_the_plan_are_paused_then_resumed(settings, connected, shopee, django_capture_on_commit_callbacks):
    # given three live products, then the business falls back to a plan allowing two active products
    settings.DEFAULT_PLAN = "growth"
    map_rice(connected)
    products = [make_product(connected.business, n=n) for n in (1, 2, 3)]
    publish(connected, products, django_capture_on_commit_callbacks)
    order = list(ListingBinding.objects.filter(account=connected).order_by("published_at", "pk")
                 .values_list("product_id", flat=True))
    products = sorted(products, key=lambda p: order.index(p.pk))  # in the order they went live
    Plan.objects.filter(code="free").update(max_active_products=2)
    settings.DEFAULT_PLAN = "free"
    # when the scheduled enforcement runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.listings_enforce_plans_task()
    # then the last published is paused on Shopee, the first two stay live, nothing is delisted
    bindings = {b.product_id: b for b in ListingBinding.objects.filter(account=connected)}
    assert [bindings[p.pk].status for p in products] == [ListingStatus.LIVE, ListingStatus.LIVE, ListingStatus.PAUSED]
    assert bindings[products[2].pk].paused_for_plan
    assert [shopee_status(shopee, p.key) for p in products] == ["NORMAL", "NORMAL", "UNLIST"]
    # when the payment goes through again
    settings.DEFAULT_PLAN = "growth"
    assert sync.listings_enforce_plan(business_id=connected.business_id) == {"paused": 0, "resumed": 1}
    # then it is live again
    binding = ListingBinding.objects.get(account=connected, product=products[2])
    assert binding.status == ListingStatus.LIVE and not binding.paused_for_plan
    assert shopee_status(shopee, products[2].key) == "NORMAL"


def test_a_listing_the_owner_paused_is_not_resumed(settings, connected, shopee, django_capture_on_commit_callbacks):
    settings.DEFAULT_PLAN = "growth"
    map_rice(connected)
    product = make_product(connected.business, n=4)
    publish(connected, [product], django_capture_on_commit_callbacks)
    binding = ListingBinding.objects.get(account=connected, product=product)
    sync.listing_pause(binding=binding, paused=True)
    assert sync.listings_enforce_plan(business_id=connected.business_id) == {"paused": 0, "resumed": 0}
    binding.refresh_from_db()
    assert binding.status == ListingStatus.PAUSED
