"""Delist, pause and resume never call the marketplace inside the owner's request: the request records the
action and queues a task; the listings page shows the action under way, then its outcome (the new status,
or why it could not be done, in the owner's language)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace_connectors import sync
from marketplace_connectors.models import ListingAction, ListingBinding, ListingStatus, ListingStatusChange

from .factories import AccountFactory, BusinessFactory, make_product, map_rice, owner_membership, publish_form

pytestmark = pytest.mark.django_db

UNLIST = "/api/v2/product/unlist_item"
DELETE = "/api/v2/product/delete_item"


@pytest.fixture(autouse=True)
def growth_plan(settings):
    settings.DEFAULT_PLAN = "growth"


@pytest.fixture
def owner(client, connected):
    membership = owner_membership(connected.business)
    client.force_login(membership.user)
    map_rice(connected)
    return membership


@pytest.fixture
def live(client, owner, connected, shopee, django_capture_on_commit_callbacks):
    product = make_product(connected.business, n=1)
    with django_capture_on_commit_callbacks(execute=True):
        publish_form(client, connected, product)
    binding = ListingBinding.objects.select_related("product").get(account=connected, product=product)
    assert binding.status == ListingStatus.LIVE
    return binding


def _item_status(shopee, binding):
    return shopee.items_by_sku()[binding.product.key][0].item_status


def _action_url(binding, action):
    return reverse("marketplaces:listing_action", args=[binding.account_id, binding.pk, action])


def _page(client, account):
    return client.get(reverse("marketplaces:listing_list", args=[account.pk])).content.decode()


def _pending(client, account):
    return client.get(reverse("marketplaces:listing_actions_pending", args=[account.pk])).json()


def test_pausing_answers_before_the_marketplace_is_called_and_the_page_shows_it_under_way_then_done(
        client, connected, shopee, live, django_capture_on_commit_callbacks):
    calls_before = shopee.count(path=UNLIST)
    # when the owner presses Pause
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_action_url(live, "pause"), follow=True)
    # then the request has not called Shopee: it recorded the action and queued one task
    assert shopee.count(path=UNLIST) == calls_before and _item_status(shopee, live) == "NORMAL"
    assert len(queued) == 1
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.LIVE, ListingAction.PAUSE)
    page = response.content.decode()
    assert f"Đang tạm ẩn “{live.product.name}” trên Shopee." in page
    assert "Đang tạm ẩn…" in page and "Trang này tự cập nhật." in page
    assert 'data-pending-url="' + reverse("marketplaces:listing_actions_pending", args=[connected.pk]) in page
    assert _pending(client, connected) == {"pending": 1}
    # when the task runs
    queued[0]()
    # then Shopee hides the item, the listing says paused, the history records it, and nothing is pending
    assert _item_status(shopee, live) == "UNLIST"
    live.refresh_from_db()
    assert (live.status, live.pending_action, live.last_error) == (ListingStatus.PAUSED, "", "")
    assert ListingStatusChange.objects.filter(listing=live).last().new_status == ListingStatus.PAUSED
    assert _pending(client, connected) == {"pending": 0}
    page = _page(client, connected)
    assert "Đang tạm ẩn…" not in page and "data-pending-url" not in page
    assert _action_url(live, "resume") in page  # the Resume button is back


def test_resuming_puts_the_item_back_on_sale_through_the_task(client, connected, shopee, live,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(live, "pause"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(live, "resume"))
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.LIVE, "")
    assert _item_status(shopee, live) == "NORMAL"


def test_a_second_press_while_the_first_is_under_way_queues_nothing(client, connected, shopee, live,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        client.post(_action_url(live, "delist"))
    with django_capture_on_commit_callbacks() as second:
        response = client.post(_action_url(live, "pause"), follow=True)
    assert len(first) == 1 and second == []
    assert "vẫn đang chờ Shopee trả lời yêu cầu trước" in response.content.decode()
    live.refresh_from_db()
    assert live.pending_action == ListingAction.DELIST
    # a repeated delivery of the task does the delist once
    first[0]()
    first[0]()
    assert shopee.count(path=DELETE) == 1
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.DELISTED, "")


def test_a_refusal_is_shown_on_the_listing_in_the_owners_language_and_the_status_stays(
        client, connected, shopee, live, django_capture_on_commit_callbacks):
    # given Shopee no longer has the item (deleted in Seller Centre): unlisting it is refused
    shopee.items_by_sku()[live.product.key][0].item_status = "SELLER_DELETE"
    before = ListingStatusChange.objects.filter(listing=live).count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(live, "pause"))
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.LIVE, "")
    assert live.last_error == "Shopee không tạm ẩn sản phẩm: item not found"
    assert ListingStatusChange.objects.filter(listing=live).count() == before
    assert live.last_error in _page(client, connected).replace("&quot;", '"').replace("&#x27;", "'")


def test_a_marketplace_that_keeps_failing_is_retried_then_the_owner_is_told(
        client, connected, shopee, live, django_capture_on_commit_callbacks):
    # given Shopee answers every unlist with HTTP 500 (tasks run eagerly: each retry runs at once)
    shopee.set_faults(status_5xx=100, paths=frozenset({UNLIST}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(live, "pause"))
    shopee.set_faults()
    live.refresh_from_db()
    assert shopee.count(path=UNLIST, status=503) == 6  # the first try and five retries
    assert (live.status, live.pending_action) == (ListingStatus.LIVE, "")
    assert live.last_error == "Shopee không trả lời kịp; chúng tôi đã thử nhiều lần. Hãy thử lại sau vài phút."


def test_another_business_cannot_act_on_or_watch_a_listing(client, connected, shopee, live,
                                                           django_capture_on_commit_callbacks):
    # given the owner of another business, with a shop of its own
    stranger = owner_membership(BusinessFactory())
    AccountFactory(business=stranger.business, external_shop_id="999")
    client.force_login(stranger.user)
    with django_capture_on_commit_callbacks() as queued:
        responses = [client.post(_action_url(live, action)) for action in ("delist", "pause", "resume")]
    watch = client.get(reverse("marketplaces:listing_actions_pending", args=[connected.pk]))
    assert [r.status_code for r in responses] + [watch.status_code] == [404, 404, 404, 404]
    assert queued == []
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.LIVE, "")


def test_an_unknown_action_is_404_and_changes_nothing(client, connected, shopee, live,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_action_url(live, "explode"))
    assert response.status_code == 404 and queued == []
    live.refresh_from_db()
    assert live.pending_action == ""


def test_an_action_whose_task_was_lost_is_queued_again_by_the_sweeper(client, connected, shopee, live, settings,
                                                                      django_capture_on_commit_callbacks):
    # given a pause the owner asked for whose task never ran (lost with a worker), longer ago than the stale limit
    with django_capture_on_commit_callbacks() as lost:
        client.post(_action_url(live, "pause"))
    assert len(lost) == 1
    long_ago = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS + 60)
    ListingBinding.objects.filter(pk=live.pk).update(updated_at=long_ago)
    # when the scheduler's sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        sync.listings_requeue_stale()
    # then the pause is done and no longer shown as under way
    live.refresh_from_db()
    assert (live.status, live.pending_action) == (ListingStatus.PAUSED, "")
    assert _item_status(shopee, live) == "UNLIST"
