"""Fault tests through the synchronizer and the eager Celery tasks: a storm of bare 429/5xx answers, and a
timeout after the shop created the product. Each ends with every product published once."""

import random

import pytest

from marketplace_connectors import sync
from marketplace_connectors.models import (
    CategoryMapping,
    ListingBinding,
    ListingStatus,
    SyncAttempt,
    SyncKind,
)

from ..factories import AccountFactory, make_product, rice_category
from .conftest import APP_PASSWORD, USER

pytestmark = pytest.mark.django_db

PRODUCTS = "/wp-json/wc/v3/products"


@pytest.fixture
def account(woo, media):
    account = AccountFactory(marketplace="woocommerce", external_shop_id=woo.url, shop_name=woo.shop_name,
                             logistics_channel_id="woocommerce", access_expires_at=None)
    account.set_tokens(access_token=USER, refresh_token=APP_PASSWORD)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id="22",
                                   external_category_name="Gạo", attribute_values={})
    return account


def run_publish(account, products, capture):
    with capture(execute=True):
        return sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in products])


def assert_one_product_each(woo, products):
    held = woo.products_by_sku()
    for product in products:
        assert len(held.get(product.key, [])) == 1, product.key
        assert all(len(held[v.sku]) == 1 for v in product.variants.all())
    assert len(woo.live_products()) == len(products)


@pytest.mark.parametrize("seed", [3, 17])
def test_a_storm_of_bare_429_and_5xx_ends_with_every_product_published_once(account, woo, seed,
                                                                           django_capture_on_commit_callbacks):
    # given a fifth of the requests answer 429 or 503 with an HTML page, as a shared host does
    products = [make_product(account.business, n=n) for n in range(1, 7)]
    rng = random.Random(seed)

    def storm(request, response):
        roll = rng.random()
        if roll < 0.1:
            woo.set_faults(status_429=1)
        elif roll < 0.2:
            woo.set_faults(status_5xx=1)

    woo.after_call = storm
    # when
    run_publish(account, products, django_capture_on_commit_callbacks)
    # then
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_product_each(woo, products)
    assert woo.count(status=429) > 0 and woo.count(status=503) > 0
    assert SyncAttempt.objects.filter(outcome=SyncAttempt.Outcome.RETRY).exists()


def test_a_timeout_after_the_shop_created_the_product_does_not_create_a_second(account, woo, settings,
                                                                              django_capture_on_commit_callbacks):
    # given the first create acts, then answers too late for our read timeout
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)
    products = [make_product(account.business, n=n) for n in range(1, 4)]

    def arm(request, response):
        if request.method == "GET" and request.path == PRODUCTS:
            woo.after_call = None
            woo.set_faults(timeouts=1, hang_seconds=0.6, paths=frozenset({PRODUCTS}))

    woo.after_call = arm
    # when
    run_publish(account, products, django_capture_on_commit_callbacks)
    # then
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_product_each(woo, products)
    assert woo.count(path=PRODUCTS, status=201) == 3
