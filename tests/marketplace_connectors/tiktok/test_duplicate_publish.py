"""The owner publishes to TikTok Shop twice in quick succession (a double-submitted form, or a second press
while the first is still being sent): TikTok Shop ends with exactly one product, which goes live once its
audit passes."""

import pytest
from django.urls import reverse

from marketplace_connectors import sync
from marketplace_connectors.models import ListingBinding, ListingStatus, SyncRun

from ..factories import make_product, owner_membership, publish_form
from .conftest import connect_shop_with_rice_mapped

pytestmark = pytest.mark.django_db

CREATE = "/product/202309/products"


@pytest.fixture
def shop(tiktok, media):
    """A TikTok shop connected with the simulator's tokens, the rice category mapped (audits by hand)."""
    return connect_shop_with_rice_mapped(tiktok)


@pytest.fixture
def owner(client, shop):
    client.force_login(owner_membership(shop.business).user)
    return client


def products_holding(tiktok, product) -> list[str]:
    skus = {v.sku for v in product.variants.all()}
    return [p.product_id for p in tiktok.live_products() if skus & {s.seller_sku for s in p.skus}]


def test_a_double_submitted_publish_form_creates_one_product(owner, shop, tiktok, django_capture_on_commit_callbacks):
    # given a product ready for TikTok Shop
    product = make_product(shop.business, n=1)
    # when the form is submitted twice before the worker sends anything (both publish tasks are queued)
    with django_capture_on_commit_callbacks() as queued:
        first = publish_form(owner, shop, product)
        second = publish_form(owner, shop, product)
    for task in queued:  # the worker takes the two queued tasks, one after the other
        task()
    # then both submissions show a run, and TikTok Shop received one product, which waits for its audit
    runs = list(SyncRun.objects.order_by("pk"))
    assert [first["Location"], second["Location"]] == [
        reverse("marketplaces:run_detail", args=[shop.pk, run.pk]) for run in runs]
    assert tiktok.count(path=CREATE, status=200) == 1
    # and neither run is left "running": the second leaves the listing to the first, which finishes
    assert all(run.finished_at for run in SyncRun.objects.all())
    binding = ListingBinding.objects.get()
    assert products_holding(tiktok, product) == [binding.external_id]
    assert binding.status == ListingStatus.UNDER_REVIEW
    # and once the audit passes, the one product is live
    tiktok.decide_audit(binding.external_id, True)
    assert sync.listing_review_check(binding_id=binding.pk) == ListingStatus.LIVE
    assert products_holding(tiktok, product) == [binding.external_id]


def test_publishing_again_while_the_first_waits_for_the_audit_sends_nothing(owner, shop, tiktok,
                                                                          django_capture_on_commit_callbacks):
    # given the owner published a product and TikTok Shop is auditing it
    product = make_product(shop.business, n=2)
    with django_capture_on_commit_callbacks(execute=True):
        publish_form(owner, shop, product)
    binding = ListingBinding.objects.get()
    calls = len(tiktok.calls)
    # when they press Publish again at once
    with django_capture_on_commit_callbacks(execute=True):
        again = publish_form(owner, shop, product)
    # then nothing is sent: TikTok Shop still holds the one product, still under audit
    assert again.status_code == 302
    assert len(tiktok.calls) == calls
    binding.refresh_from_db()
    assert binding.status == ListingStatus.UNDER_REVIEW
    assert products_holding(tiktok, product) == [binding.external_id]
    assert tiktok.count(path=CREATE, status=200) == 1
