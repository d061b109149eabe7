"""A publish run that stops moving (its tasks lost, no worker): its page says "slower than usual" after a
minute, and after the time limit the watchdog fails its waiting listings with a message in the owner's
language and closes the run; nothing is sent to the marketplace."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.tasks import jobs_fail_stalled
from marketplace_connectors import sync
from marketplace_connectors.models import ListingBinding, ListingStatus, SyncKind, SyncRun, SyncRunStatus

from .factories import AccountFactory, BusinessFactory, make_product, map_rice, owner_membership

pytestmark = pytest.mark.django_db
SWEEPER = "marketplace_connectors.sync.listings.sync_runs_fail_stalled"


@pytest.fixture
def shop(client):
    business = BusinessFactory()
    client.force_login(owner_membership(business).user)
    account = AccountFactory(business=business)
    map_rice(account)
    return account


def _silent_run(account, *, seconds: float, products: int = 2, first: int = 1) -> SyncRun:
    """A publish run whose tasks never ran (lost), started and last touched ``seconds`` ago."""
    items = [make_product(account.business, n=n, image=False) for n in range(first, first + products)]
    run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in items])
    then = timezone.now() - timedelta(seconds=seconds)
    SyncRun.objects.filter(pk=run.pk).update(started_at=then)
    ListingBinding.objects.filter(sync_run=run).update(updated_at=then)
    return run


def test_the_run_page_says_slower_than_usual_after_a_minute_without_progress(client, shop):
    run = _silent_run(shop, seconds=61)

    progress = client.get(reverse("marketplaces:run_progress", args=[shop.pk, run.pk])).json()
    page = client.get(reverse("marketplaces:run_detail", args=[shop.pk, run.pk])).content.decode()

    assert progress["slow"] is True
    assert 'id="run-slow" hidden' not in page and "Việc này đang chậm hơn bình thường" in page
    ListingBinding.objects.filter(sync_run=run).update(updated_at=timezone.now())  # a listing moved
    assert client.get(reverse("marketplaces:run_progress", args=[shop.pk, run.pk])).json()["slow"] is False


def test_a_run_silent_past_the_time_limit_fails_its_waiting_listings_and_closes(client, shop, settings):
    settings.JOB_STALL_SECONDS = 1860
    stuck = _silent_run(shop, seconds=1861)
    other_account = AccountFactory(business=shop.business, marketplace="lazada", external_shop_id="L1")
    map_rice(other_account)
    moving = _silent_run(other_account, seconds=1861, products=1, first=10)
    ListingBinding.objects.filter(sync_run=moving).update(updated_at=timezone.now())

    assert jobs_fail_stalled()[SWEEPER] == 1
    assert jobs_fail_stalled()[SWEEPER] == 0  # idempotent

    stuck.refresh_from_db()
    assert (stuck.status, stuck.failed, stuck.succeeded) == (SyncRunStatus.DONE_WITH_ERRORS, 2, 0)
    assert stuck.finished_at is not None
    listings = list(ListingBinding.objects.filter(sync_run=stuck))
    assert {b.status for b in listings} == {ListingStatus.FAILED}
    assert {b.last_error for b in listings} == {"Việc này mất quá nhiều thời gian nên đã dừng. "
                                                "Bấm Đăng bán lại để thử lại."}
    assert SyncRun.objects.get(pk=moving.pk).status == SyncRunStatus.RUNNING
    progress = client.get(reverse("marketplaces:run_progress", args=[shop.pk, stuck.pk])).json()
    assert progress["finished"] is True and progress["slow"] is False
