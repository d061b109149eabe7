"""Every main page makes a bounded number of queries, whatever the number of rows it shows: each page is read
with few rows and with many, and both must make the same number of queries, under a fixed ceiling. Together
the tests cover every page the load test (`make load`, benchmarks/load/locustfile.py) reads."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from adoption.indicator import snapshot_store
from adoption.services import api_token_create
from cms.demo import seed_journey
from marketplace_connectors import sync
from marketplace_connectors.models import (
    ListingBinding,
    ListingStatus,
    Order,
    OrderLine,
    OrderStatus,
    SyncKind,
)
from sme.catalog.models import StockReason
from sme.catalog.services import image_add
from sme.catalog.stock import stock_adjust
from sme.imports.models import ImportJob, ImportStatus
from tests.adoption.conftest import D, province  # noqa: F401 - the hand-built province, a fixture
from tests.adoption.factories import BusinessFactory as AdoptionBusinessFactory
from tests.adoption.factories import listing as adoption_listing
from tests.adoption.factories import local, on_register, ward
from tests.marketplace_connectors.conftest import connected, media, shopee  # noqa: F401 - the Shopee sandbox, fixtures
from tests.marketplace_connectors.factories import (
    AccountFactory,
    make_product,
    map_rice,
    owner_membership,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(client, connected):  # noqa: F811 - the fixture imported above
    """A Shopee shop connected to the sandbox: the product page's publish checklist really runs (its category
    metadata fetched by the task the first visit queues, then read from the cache). The cache starts empty, so what an earlier
    test cached for a reused account id does not change the count."""
    cache.clear()
    client.force_login(owner_membership(connected.business).user)
    map_rice(connected)
    return connected


def _queries(client, url: str) -> int:
    # warm: session, language, one-time caches, and the marketplace metadata a page found missing (fetched by
    # the task the page queues, run here as the worker would once the request commits)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _products(account, first: int, count: int, **kwargs):
    return [make_product(account.business, n=n, **kwargs) for n in range(first, first + count)]


def _orders(account, first: int, count: int, variant) -> None:
    now = timezone.now()
    for n in range(first, first + count):
        order = Order.objects.create(account=account, business=account.business, marketplace=account.marketplace,
                                     external_id=f"ORD-{n}", status=OrderStatus.PENDING, ordered_at=now - dt.timedelta(minutes=n),
                                     remote_updated_at=now, total_vnd=50_000)
        OrderLine.objects.create(order=order, sku=variant.sku, name="Gạo", variant=variant, quantity=1,
                                 quantity_live=1, unit_price_vnd=50_000)


def _live(account) -> None:
    for binding in ListingBinding.objects.filter(account=account):
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.LIVE, external_id=str(binding.pk))


def test_owner_pages_make_the_same_number_of_queries_for_few_and_many_rows(client, shop, django_assert_max_num_queries):
    # given a few products, bound listings, orders and a publish run
    few = _products(shop, 1, 2)
    _orders(shop, 1, 2, few[0].variants.first())
    run = sync.sync_run_start(account=shop, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in few])
    _live(shop)
    pages = {
        "product list": reverse("catalog:product_list"),
        "accounts": reverse("marketplaces:account_list"),
        "listings": reverse("marketplaces:listing_list", args=[shop.pk]),
        "orders": reverse("marketplaces:order_list"),
        "runs": reverse("marketplaces:run_list", args=[shop.pk]),
        "run": reverse("marketplaces:run_detail", args=[shop.pk, run.pk]),
        "categories": reverse("marketplaces:category_list", args=[shop.pk]),
    }
    counts_few = {name: _queries(client, url) for name, url in pages.items()}

    # when there are many more of each
    many = _products(shop, 10, 10)
    _orders(shop, 10, 20, many[0].variants.first())
    more = sync.sync_run_start(account=shop, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in many])
    ListingBinding.objects.filter(account=shop, sync_run=more).update(sync_run=run)
    _live(shop)
    for n in range(3):
        AccountFactory(business=shop.business, marketplace="lazada", external_shop_id=f"L{n}")

    # then every page makes as many queries as before, and few
    counts_many = {name: _queries(client, url) for name, url in pages.items()}
    assert counts_many == counts_few
    for name, url in pages.items():
        with django_assert_max_num_queries(20):
            client.get(url)


def test_product_edit_reads_the_photos_once_however_many_variants(client, shop, django_assert_max_num_queries):
    small, large = _products(shop, 1, 1, variants=2) + _products(shop, 2, 1, variants=8)
    for product in (small, large):
        for n in range(3):
            image_add(product=product, data=png_bytes((n * 40, 90, 30)), name=f"p{n}.png")

    small_count = _queries(client, reverse("catalog:product_edit", args=[small.pk]))
    large_count = _queries(client, reverse("catalog:product_edit", args=[large.pk]))

    assert large_count == small_count
    # 21 with each shop's publish checklist checked against the marketplace's (cached) rules
    with django_assert_max_num_queries(21):
        client.get(reverse("catalog:product_edit", args=[large.pk]))


def _import_jobs(business, user, count: int) -> None:
    for n in range(count):
        ImportJob.objects.create(business=business, created_by=user, source_name=f"danh-muc-{n}.xlsx",
                                 status=ImportStatus.SUCCEEDED, total_rows=10, processed_rows=10)


def test_the_other_owner_pages_under_the_load_make_the_same_number_of_queries_for_few_and_many_rows(
        client, shop, django_assert_max_num_queries):
    """The pages of `make load`'s owners not covered above: catalog search, stock history, order detail,
    imports (and one import job), getting started: few rows, then many, same count, under a ceiling."""
    # given the journey, a few products, one order of one line, a short stock history and one import
    seed_journey()
    user = shop.business.memberships.get().user
    few = _products(shop, 1, 2)
    variant = few[0].variants.first()
    now = timezone.now()
    small_order = Order.objects.create(account=shop, business=shop.business, marketplace=shop.marketplace,
                                       external_id="ORD-SMALL", status=OrderStatus.PENDING, ordered_at=now,
                                       remote_updated_at=now, total_vnd=50_000)
    OrderLine.objects.create(order=small_order, sku=variant.sku, name="Gạo", variant=variant, quantity=1,
                             quantity_live=1, unit_price_vnd=50_000)
    stock_adjust(variant=variant, reason=StockReason.MANUAL, actor=user, delta=1)
    _import_jobs(shop.business, user, 1)
    job = ImportJob.objects.filter(business=shop.business).first()
    pages = {
        "catalog search": reverse("catalog:product_list") + "?q=g%E1%BA%A1o",
        "stock history": reverse("catalog:variant_stock", args=[variant.pk]),
        "imports": reverse("imports:home"),
        "import job": reverse("imports:job_detail", args=[job.pk]),
        "getting started": "/getting-started/",
    }
    counts_few = {name: _queries(client, url) for name, url in pages.items()}
    small_order_count = _queries(client, reverse("marketplaces:order_detail", args=[small_order.pk]))

    # when there are many more products, stock movements and imports, and an order of eight lines
    many = _products(shop, 10, 8)
    for n in range(12):
        stock_adjust(variant=variant, reason=StockReason.MANUAL, actor=user, delta=1 + n % 3)
    _import_jobs(shop.business, user, 12)
    big_order = Order.objects.create(account=shop, business=shop.business, marketplace=shop.marketplace,
                                     external_id="ORD-BIG", status=OrderStatus.PENDING, ordered_at=now,
                                     remote_updated_at=now, total_vnd=400_000)
    for product in many:
        line_variant = product.variants.first()
        OrderLine.objects.create(order=big_order, sku=line_variant.sku, name="Gạo", variant=line_variant,
                                 quantity=1, quantity_live=1, unit_price_vnd=50_000)

    # then each page makes as many queries as before, and few
    counts_many = {name: _queries(client, url) for name, url in pages.items()}
    assert counts_many == counts_few
    assert _queries(client, reverse("marketplaces:order_detail", args=[big_order.pk])) == small_order_count
    # (and the rows are there: the queries did not stay few by showing nothing)
    big_page = client.get(reverse("marketplaces:order_detail", args=[big_order.pk])).content.decode()
    assert all(product.variants.first().sku in big_page for product in many)
    assert client.get(pages["stock history"]).content.decode().count("<tr") >= 13
    assert client.get(pages["imports"]).content.decode().count("danh-muc-") >= 10
    for url in [*pages.values(), reverse("marketplaces:order_detail", args=[big_order.pk])]:
        with django_assert_max_num_queries(25):
            client.get(url)


def test_officer_pages_and_api_under_the_load_make_the_same_number_of_queries_for_few_and_many_businesses(
        client, province, django_assert_max_num_queries):  # noqa: F811 - the fixture imported above
    """The officers' pages of `make load` (dashboard by ward and by marketplace with the daily trend, the
    businesses list, the funnel) and the API (indicator, trend) read a stored snapshot: the number of
    businesses in the province does not change their number of queries."""
    # given the hand-built province, its snapshot of D stored, an officer signed in and an API token
    snapshot_store(day=D)
    _record, token = api_token_create(user=province.officer, name="load")
    client.force_login(province.officer)
    pages = {
        "dashboard by ward": reverse("adoption:dashboard") + f"?date={D}&by=ward",
        "dashboard by marketplace": reverse("adoption:dashboard") + f"?date={D}&by=marketplace&granularity=daily",
        "businesses": reverse("adoption:drilldown") + f"?date={D}",
        "funnel": reverse("adoption:funnel") + f"?date={D}",
    }
    api = {
        "API indicator": reverse("adoption:api_indicator") + f"?date={D}&by=ward",
        "API trend": reverse("adoption:api_trend"),
    }

    def counts() -> dict[str, int]:
        out = {name: _queries(client, url) for name, url in pages.items()}
        for name, url in api.items():
            client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            assert response.status_code == 200, url
            out[name] = len(captured)
        return out

    counts_few = counts()

    # when twenty more businesses are on the register and online, and D is computed again
    for n in range(20):
        business = AdoptionBusinessFactory(ward=ward("30226" if n % 2 else "29905"))
        on_register(business)
        adoption_listing(business, published=local(D - dt.timedelta(days=3)))
    snapshot_store(day=D)

    # then every page and API call makes as many queries as before, and few
    counts_many = counts()
    assert counts_many == counts_few
    assert client.get(pages["businesses"]).content.decode().count("<tr") >= 20
    for url in pages.values():
        with django_assert_max_num_queries(30):
            client.get(url)
    for url in api.values():
        with django_assert_max_num_queries(15):
            client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
