"""Fault tests from the issue: (a) 429/503 storm, (c) token expiry mid-run, (d) revoked refresh token,
plus a timeout after Shopee acted. (b), the killed worker, is in test_worker_kill.py."""

import pytest
from django.core import mail

from marketplace_connectors import sync
from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    SyncAttempt,
    SyncKind,
    SyncRun,
    SyncRunStatus,
)

from .factories import make_product, map_rice, owner_membership

pytestmark = pytest.mark.django_db

ADD = "/api/v2/product/add_item"
REFRESH = "/api/v2/auth/access_token/get"


def run_publish(account, products, capture):
    with capture(execute=True):
        return sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in products])


def assert_one_listing_per_product(shopee, products):
    by_sku = shopee.items_by_sku()
    assert sorted(by_sku) == sorted(p.key for p in products)
    assert all(len(items) == 1 for items in by_sku.values()), {k: len(v) for k, v in by_sku.items()}


def test_a_storm_of_429_and_503_ends_with_every_listing_live_once(connected, shopee, django_capture_on_commit_callbacks):
    # given 30% of calls answer 429 or 503
    map_rice(connected)
    products = [make_product(connected.business, n=n) for n in range(1, 9)]
    shopee.set_faults(share_429=0.15, share_5xx=0.15, seed=13)
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    # then
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(shopee, products)
    assert shopee.count(status=429) + shopee.count(status=503) > 0
    assert SyncAttempt.objects.filter(outcome=SyncAttempt.Outcome.RETRY).exists()
    run.refresh_from_db()
    assert (run.status, run.succeeded) == (SyncRunStatus.DONE, 8)


def test_a_timeout_after_shopee_created_the_item_does_not_create_a_second(connected, shopee, settings,
                                                                           django_capture_on_commit_callbacks):
    # given add_item acts, then answers too late for our read timeout
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)
    map_rice(connected)
    products = [make_product(connected.business, n=n) for n in range(1, 4)]
    shopee.set_faults(timeout_share=1.0, hang_seconds=0.6, act_before_hang=True, paths=frozenset({ADD}))
    calls = {"n": 0}

    def heal(path, status):  # after the first hang, the network heals
        if path == ADD:
            calls["n"] += 1
            if calls["n"] == 1:
                shopee.set_faults()

    shopee.after_call = heal
    # when
    run_publish(connected, products, django_capture_on_commit_callbacks)
    # then the first product's item was created once, found by SKU and completed
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(shopee, products)
    assert all(len(i.models) == 2 for i in shopee.items())


def test_c_access_token_expiring_mid_run_is_refreshed_and_the_run_completes(connected, shopee,
                                                                             django_capture_on_commit_callbacks):
    # given the access token dies after the second item is created
    map_rice(connected)
    products = [make_product(connected.business, n=n) for n in range(1, 6)]
    old_refresh = connected.refresh_token

    def expire(path, status):
        if path == ADD and shopee.count(path=ADD) == 2:
            shopee.expire_access_tokens(int(connected.external_shop_id))

    shopee.after_call = expire
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    # then
    connected.refresh_from_db()
    assert shopee.count(path=REFRESH) == 1
    assert connected.status == AccountStatus.ACTIVE and connected.refresh_token != old_refresh
    assert set(ListingBinding.objects.values_list("status", flat=True)) == {ListingStatus.LIVE}
    assert_one_listing_per_product(shopee, products)
    run.refresh_from_db()
    assert run.status == SyncRunStatus.DONE


def test_d_revoked_refresh_token_needs_reauthorisation_tells_the_owner_and_stops(connected, shopee,
                                                                                 django_capture_on_commit_callbacks):
    # given the shop revoked our access mid-run
    owner = owner_membership(connected.business).user
    map_rice(connected)
    products = [make_product(connected.business, n=n) for n in range(1, 5)]
    shop_id = int(connected.external_shop_id)

    def revoke(path, status):
        if path == ADD and shopee.count(path=ADD) == 1:
            shopee.revoke_refresh_tokens(shop_id)
            shopee.expire_access_tokens(shop_id)

    shopee.after_call = revoke
    # when
    run = run_publish(connected, products, django_capture_on_commit_callbacks)
    calls_after_run = len(shopee.calls)
    # then
    connected.refresh_from_db()
    run.refresh_from_db()
    assert connected.status == AccountStatus.NEEDS_REAUTH
    assert run.status == SyncRunStatus.PAUSED
    assert shopee.count(path=REFRESH) == 1  # tried once, no loop
    assert shopee.count(path=ADD) == 1
    # every listing waits for the reconnect, without an error; the half-created one keeps its Shopee id
    assert set(ListingBinding.objects.values_list("status", "last_error")) == {(ListingStatus.PENDING, "")}
    assert ListingBinding.objects.exclude(external_id="").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    # and nothing more is tried by the scheduler while the shop is not reconnected
    from marketplace_connectors.tasks import accounts_refresh_due_tokens_task, listings_requeue_stale_task

    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
        listings_requeue_stale_task.delay()
    assert len(shopee.calls) == calls_after_run
    assert SyncRun.objects.count() == 1


def test_scheduled_refresh_rotates_the_pair_once(connected, shopee, settings, django_capture_on_commit_callbacks):
    # given the token expires within the margin
    from datetime import timedelta

    from django.utils import timezone

    from marketplace_connectors.tasks import accounts_refresh_due_tokens_task

    connected.access_expires_at = timezone.now() + timedelta(minutes=10)
    connected.save()
    old_access, old_refresh = connected.access_token, connected.refresh_token
    # when the scheduler runs twice
    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        accounts_refresh_due_tokens_task.delay()
    # then one refresh happened and the new pair is stored (encrypted)
    connected.refresh_from_db()
    assert shopee.count(path=REFRESH) == 1
    assert connected.access_token != old_access and connected.refresh_token != old_refresh
    assert connected.access_expires_at > timezone.now() + timedelta(hours=3)
    assert old_refresh in shopee.spent_refresh_tokens
    assert connected.refresh_token not in connected.refresh_token_encrypted

