"""What one listing's publish task writes and reads, whatever the number of variants: its variant bindings in one
INSERT on their named constraint (a retried task updates them, never duplicates them), and each key of the
shop's cached category metadata read once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace_connectors import sync
from marketplace_connectors.models import (
    CategoryCache,
    ListingBinding,
    ListingStatus,
    SyncKind,
    VariantBinding,
)

from .factories import make_product, map_rice

pytestmark = pytest.mark.django_db

VARIANT_TABLE = VariantBinding._meta.db_table
CACHE_TABLE = CategoryCache._meta.db_table


def _published(account, product, capture):
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[product.pk])
    return [q["sql"] for q in queries.captured_queries]


def _writes_to(table, sqls):
    return [s for s in sqls if s.lstrip().upper().startswith(("INSERT", "UPDATE")) and f'"{table}"' in s.split("(")[0]]


@pytest.mark.parametrize("variants", [2, 8])
def test_a_new_listings_variant_bindings_are_written_in_one_insert(connected, shopee, variants,
                                                                  django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=variants, variants=variants)
    sqls = _published(connected, product, django_capture_on_commit_callbacks)
    binding = ListingBinding.objects.get(account=connected, product=product)
    assert binding.status == ListingStatus.LIVE
    assert len(_writes_to(VARIANT_TABLE, sqls)) == 1
    item = shopee.items()[0]
    assert dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id")) == {
        m.model_sku: str(m.model_id) for m in item.models}


def test_storing_a_listings_variants_again_updates_the_same_rows(connected, shopee, django_capture_on_commit_callbacks):
    # given a live listing of two variants
    map_rice(connected)
    product = make_product(connected.business, n=20)
    _published(connected, product, django_capture_on_commit_callbacks)
    binding = ListingBinding.objects.get(account=connected, product=product)
    before = {vb.variant_id: (vb.pk, vb.external_id) for vb in VariantBinding.objects.filter(listing=binding)}
    # when a retried task stores the same ids again, with a new price pushed for one variant and the other refused
    first, second = product.variants.order_by("position", "pk")
    sync.variant_bindings_store(binding=binding, rows=[
        VariantBinding(variant_id=first.pk, external_id=before[first.pk][1], last_price_vnd=61_000, last_stock=7)])
    sync.variant_bindings_store(binding=binding, keep_pushed=True, rows=[
        VariantBinding(variant_id=second.pk, external_id=before[second.pk][1], last_error="giá quá thấp")])
    # then the rows are the same ones, updated: the refused variant keeps what was last pushed
    after = {vb.variant_id: vb for vb in VariantBinding.objects.filter(account=connected)}
    assert {pk: (vb.pk, vb.external_id) for pk, vb in after.items()} == before
    assert (after[first.pk].last_price_vnd, after[first.pk].last_stock, after[first.pk].last_error) == (61_000, 7, "")
    assert (after[second.pk].last_price_vnd, after[second.pk].last_stock, after[second.pk].last_error) == (
        100_000, 21, "giá quá thấp")


def test_one_publish_task_reads_each_cached_metadata_key_once(connected, shopee, django_capture_on_commit_callbacks):
    # given a shop whose category tree, attributes and rules for the product's category are cached
    map_rice(connected)
    warm = make_product(connected.business, n=21)
    _published(connected, warm, django_capture_on_commit_callbacks)
    assert set(CategoryCache.objects.filter(account=connected).values_list("key", flat=True)) >= {
        "tree", "attributes:100101", "rules:100101"}
    # when another product is published
    product = make_product(connected.business, n=22, variants=8)
    sqls = _published(connected, product, django_capture_on_commit_callbacks)
    # then its task read the cache three times: the tree, the attributes and the rules, once each
    reads = [s for s in sqls if s.lstrip().upper().startswith("SELECT") and f'FROM "{CACHE_TABLE}"' in s]
    assert len(reads) == 3
