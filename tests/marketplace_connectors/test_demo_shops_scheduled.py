"""`make run`'s demo data (issue 18 item 6): the officers' indicator is fed by seeded shops that were never
connected through a marketplace (no token). The scheduled marketplace jobs leave them out, so they do not
fail every minute ("no access_token") while a training session runs."""

import pytest
from django.core.management import call_command

from marketplace_connectors import tasks
from marketplace_connectors.models import ListingBinding, MarketplaceAccount, SyncRun

pytestmark = pytest.mark.django_db


def test_the_scheduled_marketplace_jobs_leave_the_seeded_demo_shops_alone(settings, django_capture_on_commit_callbacks):
    # given make run's demo data, on the plan make run uses
    settings.DEFAULT_PLAN = "growth"
    call_command("seed_demo")
    demo_shops = MarketplaceAccount.objects.filter(external_shop_id__startswith="demo-")
    assert demo_shops.count() > 10 and not demo_shops.exclude(access_token_encrypted="").exists()
    listings = sorted(ListingBinding.objects.values_list("pk", "status"))

    # when every scheduled marketplace job runs
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        counts = {
            "orders": tasks.orders_import_due_task(), "stock": tasks.stock_push_due_task(),
            "tokens": tasks.accounts_refresh_due_tokens_task(), "review": tasks.listings_review_poll_task(),
            "stale": tasks.listings_requeue_stale_task(),
        }

    # then none of them has work for the demo shops: nothing enqueued, no sync run, no listing changed
    assert counts == {"orders": 0, "stock": 0, "tokens": 0, "review": 0, "stale": 0}
    assert enqueued == []
    assert not SyncRun.objects.exists()
    assert sorted(ListingBinding.objects.values_list("pk", "status")) == listings
