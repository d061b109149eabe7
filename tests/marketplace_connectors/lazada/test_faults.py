"""Fault tests for Lazada as for Shopee: a storm of ApiCallLimit/5xx answers, a timeout after Lazada acted,
a worker killed between Lazada's answer and our write, the access token expiring mid-run, and a revoked
refresh token."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from marketplace_connectors import sync
from marketplace_connectors.backends.lazada.connector import LazadaConnector
from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    SyncAttempt,
    SyncKind,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)
from marketplace_connectors.sync.session import account_credentials
from marketplace_connectors.tasks import accounts_refresh_due_tokens_task, listings_requeue_stale_task

from ..factories import owner_membership
from .conftest import SELLER
from .factories import lazada_product, map_rice

pytestmark = pytest.mark.django_db

CREATE = "/product/create"
REFRESH = "/auth/token/refresh"


def run_publish(account, products, capture):
    with capture(execute=True):
        return sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in products])


def assert_one_listing_per_product(lazada, products):
    by_sku = lazada.products_by_seller_sku(SELLER)
    expected = sorted(v.sku for p in products for v in p.variants.all())
    assert sorted(by_sku) == expected
    assert all(len(found) == 1 for found in by_sku.values()), {k: len(v) for k, v in by_sku.items()}
    assert len(lazada.live_products(SELLER)) == len(products)


@pytest.mark.parametrize("seed", [11, 7, 29])
def test_a_storm_of_api_call_limit_and_5xx_ends_with_every_listing_live_once(connected, lazada, seed,
                                                                            django_capture_on_commit_callbacks):
    # given 30% of calls answer ApiCallLimit or HTTP 503
    map_rice(connected)
    products = [lazada_product(connected.business, n=n) for n in range(1, 9)]
    lazada.set_faults(share_rate_limit=0.15, share_5xx=0.15, seed=seed)
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    # then
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(lazada, products)
    assert lazada.count(code="ApiCallLimit") > 0 and lazada.count(status=503) > 0
    assert SyncAttempt.objects.filter(outcome=SyncAttempt.Outcome.RETRY).exists()
    run.refresh_from_db()
    assert (run.status, run.succeeded, run.failed) == (SyncRunStatus.DONE, 8, 0)
    # and every variant is bound to the SKU id Lazada holds
    held = {s.seller_sku: str(s.sku_id) for p in lazada.live_products(SELLER) for s in p.skus}
    assert dict(VariantBinding.objects.values_list("variant__sku", "external_id")) == held


def test_a_timeout_after_lazada_created_the_product_does_not_create_a_second(connected, lazada, settings,
                                                                           django_capture_on_commit_callbacks):
    # given CreateProduct acts, then answers too late for our read timeout (once)
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)
    map_rice(connected)
    products = [lazada_product(connected.business, n=n) for n in range(1, 4)]
    lazada.set_faults(timeout_share=1.0, hang_seconds=0.6, act_before_hang=True, paths=frozenset({CREATE}))
    creates = {"n": 0}

    def heal(path, status, code):
        if path == CREATE:
            creates["n"] += 1
            if creates["n"] == 1:
                lazada.set_faults()

    lazada.after_call = heal
    # when
    run_publish(connected, products, django_capture_on_commit_callbacks)
    # then the first product's listing was created once, found by its SKUs and bound
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(lazada, products)
    assert lazada.count(path=CREATE) == 3


def test_a_worker_killed_after_lazada_answered_leaves_exactly_one_listing(connected, lazada,
                                                                         django_capture_on_commit_callbacks):
    # given a worker claimed the product, marked the create, sent it, Lazada created it, and the worker died
    # (SIGKILL) before writing anything
    map_rice(connected)
    product = lazada_product(connected.business, n=1)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ListingBinding.objects.create(account=connected, product=product, status=ListingStatus.PUBLISHING,
                                  claimed_at=long_ago, attempt_started_at=long_ago)
    draft, attributes, _rules = sync.draft_for(session=sync.ShopSession(connected), product=product, with_images=True)
    LazadaConnector().publish(credentials=account_credentials(account=connected), draft=draft, uploaded_images={},
                              attributes=attributes)
    assert len(lazada.live_products(SELLER)) == 1
    # when the scheduler's sweeper finds the stale claim
    with django_capture_on_commit_callbacks(execute=True):
        listings_requeue_stale_task.delay()
    # then the listing Lazada holds is the product's, and there is still only one
    binding = ListingBinding.objects.get(product=product)
    assert binding.status == ListingStatus.LIVE
    assert binding.external_id == str(lazada.live_products(SELLER)[0].item_id)
    assert_one_listing_per_product(lazada, [product])
    assert lazada.count(path=CREATE) == 1


def test_an_access_token_expiring_mid_run_is_refreshed_and_the_run_completes(connected, lazada,
                                                                            django_capture_on_commit_callbacks):
    # given the access token dies after the second product is created
    map_rice(connected)
    products = [lazada_product(connected.business, n=n) for n in range(1, 6)]
    old_refresh = connected.refresh_token

    def expire(path, status, code):
        if path == CREATE and lazada.count(path=CREATE) == 2:
            lazada.expire_access_tokens(SELLER)

    lazada.after_call = expire
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    # then
    connected.refresh_from_db()
    assert lazada.count(path=REFRESH) == 1 and lazada.count(code="IllegalAccessToken") == 1
    assert connected.status == AccountStatus.ACTIVE and connected.refresh_token != old_refresh
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(lazada, products)
    run.refresh_from_db()
    assert run.status == SyncRunStatus.DONE


def test_a_revoked_refresh_token_needs_reauthorisation_tells_the_owner_and_stops(connected, lazada,
                                                                                django_capture_on_commit_callbacks):
    # given the seller revoked our access after the first product was created
    owner = owner_membership(connected.business).user
    map_rice(connected)
    products = [lazada_product(connected.business, n=n) for n in range(1, 5)]

    def revoke(path, status, code):
        if path == CREATE and lazada.count(path=CREATE) == 1:
            lazada.revoke_refresh_tokens(SELLER)
            lazada.expire_access_tokens(SELLER)

    lazada.after_call = revoke
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    calls_after_run = len(lazada.calls)
    # then
    connected.refresh_from_db()
    run.refresh_from_db()
    assert connected.status == AccountStatus.NEEDS_REAUTH
    assert run.status == SyncRunStatus.PAUSED
    assert lazada.count(path=REFRESH) == 1 and lazada.count(code="IllegalRefreshToken") == 1  # tried once, no loop
    assert lazada.count(path=CREATE) == 1
    # the product created before the revocation is live; the others wait for the reconnect, without an error
    assert sorted(ListingBinding.objects.values_list("status", "last_error")) == [
        (ListingStatus.LIVE, ""), (ListingStatus.PENDING, ""), (ListingStatus.PENDING, ""), (ListingStatus.PENDING, "")]
    assert ListingBinding.objects.exclude(external_id="").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    # and the scheduler tries nothing more while the shop is not reconnected
    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
        listings_requeue_stale_task.delay()
    assert len(lazada.calls) == calls_after_run
    assert SyncRun.objects.count() == 1


def test_the_scheduled_refresh_rotates_the_pair_once(connected, lazada, django_capture_on_commit_callbacks):
    # given the access token expires within the margin
    connected.access_expires_at = timezone.now() + dt.timedelta(minutes=10)
    connected.save()
    old_access, old_refresh, refresh_end = connected.access_token, connected.refresh_token, connected.refresh_expires_at
    # when the scheduler runs twice
    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
    # then one refresh; the new pair is stored encrypted; the refresh token's end did not move
    connected.refresh_from_db()
    assert lazada.count(path=REFRESH) == 1
    assert connected.access_token != old_access and connected.refresh_token != old_refresh
    assert connected.access_expires_at > timezone.now() + dt.timedelta(days=6)
    assert abs((connected.refresh_expires_at - refresh_end).total_seconds()) < 30
    assert old_refresh in lazada.spent_refresh_tokens
    assert connected.refresh_token not in connected.refresh_token_encrypted
