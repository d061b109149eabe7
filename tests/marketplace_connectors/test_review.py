"""Listings a marketplace audits first (TikTok Shop): "under review" until decided, then live or rejected
with the reason, found by the poll or at once by the audit's push notification."""

import pytest
from django.urls import reverse

from marketplace_connectors import selectors, sync
from marketplace_connectors.models import ListingBinding, ListingStatus, ListingStatusChange

from .factories import make_product, owner_membership
from .tiktok.conftest import connect_shop_with_rice_mapped, tiktok, tiktok_locale  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def sim_options():
    return {"audit_seconds": None}  # decided by hand in each test


@pytest.fixture
def shop(tiktok, media):  # noqa: F811
    return connect_shop_with_rice_mapped(tiktok)


def publish(account, product, capture):
    with capture(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    return ListingBinding.objects.get(account=account, product=product)


def test_a_listing_waits_for_the_audit_then_goes_live(shop, tiktok, django_capture_on_commit_callbacks):  # noqa: F811
    binding = publish(shop, make_product(shop.business, n=1), django_capture_on_commit_callbacks)
    assert binding.status == ListingStatus.UNDER_REVIEW and binding.external_id
    assert selectors.listings_under_review() == [binding.pk]
    assert sync.listing_review_check(binding_id=binding.pk) == ListingStatus.UNDER_REVIEW  # not decided yet
    tiktok.decide_audit(binding.external_id, True)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync.listing_review_check(binding_id=binding.pk) == ListingStatus.LIVE
    binding.refresh_from_db()
    assert binding.status == ListingStatus.LIVE and binding.published_at is not None
    assert list(ListingStatusChange.objects.filter(listing=binding).values_list("new_status", flat=True)) == [
        ListingStatus.UNDER_REVIEW, ListingStatus.LIVE]


def test_a_rejected_listing_shows_the_reason_in_the_owners_language(shop, tiktok, client, django_capture_on_commit_callbacks):  # noqa: F811
    binding = publish(shop, make_product(shop.business, n=2), django_capture_on_commit_callbacks)
    tiktok.decide_audit(binding.external_id, False, "Hình ảnh sản phẩm bị mờ")
    assert sync.listing_review_check(binding_id=binding.pk) == ListingStatus.REJECTED
    binding.refresh_from_db()
    assert "Hình ảnh sản phẩm bị mờ" in binding.last_error and "TikTok Shop" in binding.last_error
    membership = owner_membership(shop.business, preferred_language="vi")
    client.force_login(membership.user)
    page = client.get(reverse("marketplaces:listing_list", args=[shop.pk])).content.decode()
    assert "TikTok Shop không duyệt sản phẩm: Hình ảnh sản phẩm bị mờ" in page
    assert 'class="badge mkt-status-rejected"' in page


def test_a_listing_under_review_is_not_sent_again_by_a_sync(shop, tiktok, django_capture_on_commit_callbacks):  # noqa: F811
    product = make_product(shop.business, n=3)
    binding = publish(shop, product, django_capture_on_commit_callbacks)
    calls = len(tiktok.calls)
    assert tiktok.count(path="/product/202309/products") == 1
    publish(shop, product, django_capture_on_commit_callbacks)
    binding.refresh_from_db()
    assert binding.status == ListingStatus.UNDER_REVIEW
    assert len(tiktok.calls) == calls  # not a single call while the audit runs
