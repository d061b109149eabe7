"""The owner publishes to Tiki twice in quick succession (a double-submitted form, or a second press while
Tiki reviews the first): Tiki receives exactly one product request, and once it is approved the shop holds
exactly one product per variant, live."""

import pytest
from django.urls import reverse

from marketplace_connectors import sync
from marketplace_connectors.backends.tiki.connector import TikiConnector
from marketplace_connectors.models import CategoryMapping, ListingBinding, ListingStatus, SyncRun

from ..factories import AccountFactory, make_product, owner_membership, publish_form, rice_category
from .conftest import REDIRECT, SELLER
from .factories import SWEETS

pytestmark = pytest.mark.django_db

CREATE = "/integration/v2.1/requests"


@pytest.fixture
def shop(tiki):
    """A Tiki shop connected with the simulator's tokens, the rice category mapped to a leaf without documents."""
    code, _seller = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    tokens = TikiConnector().exchange_code(params={"code": code})
    account = AccountFactory(marketplace="tiki", external_shop_id=tokens.shop_id, shop_name=tokens.shop_name,
                             logistics_channel_id="tiki", access_expires_at=tokens.access_expires_at,
                             refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=SWEETS,
                                   attribute_values={"origin": ["Việt Nam"]})
    return account


@pytest.fixture
def owner(client, shop):
    client.force_login(owner_membership(shop.business).user)
    return client


def requests_for(tiki, product) -> list[str]:
    """Every product request Tiki received carrying one of the product's SKUs (in any state)."""
    skus = {v.sku for v in product.variants.all()}
    return [r.track_id for r in tiki.requests.values() if skus & {str(v.get("sku")) for v in r.body["variants"]}]


def products_for(tiki, product) -> list[tuple[str, int]]:
    """(SKU, listing id) of every product Tiki holds for the product's SKUs."""
    skus = {v.sku for v in product.variants.all()}
    return sorted((p.original_sku, p.super_id) for p in tiki.products.values() if p.original_sku in skus)


def test_a_double_submitted_publish_form_sends_one_request_to_tiki(owner, shop, tiki, django_capture_on_commit_callbacks):
    # given a product ready for Tiki
    product = make_product(shop.business, n=1)
    # when the form is submitted twice before the worker sends anything (both publish tasks are queued)
    with django_capture_on_commit_callbacks() as queued:
        first = publish_form(owner, shop, product)
        second = publish_form(owner, shop, product)
    for task in queued:  # the worker takes the two queued tasks, one after the other
        task()
    # then both submissions show a run, and Tiki received one product request, which waits for its review
    runs = list(SyncRun.objects.order_by("pk"))
    assert [first["Location"], second["Location"]] == [
        reverse("marketplaces:run_detail", args=[shop.pk, run.pk]) for run in runs]
    assert tiki.count(path=CREATE, status=200) == 1
    # and neither run is left "running": the second leaves the listing to the first, which finishes
    assert all(run.finished_at for run in SyncRun.objects.all())
    binding = ListingBinding.objects.get()
    assert requests_for(tiki, product) == [binding.external_id.removeprefix("request:")]
    assert binding.status == ListingStatus.UNDER_REVIEW
    # and once Tiki approves it, the shop holds one product per variant under the listing, live
    tiki.decide_request(binding.external_id.removeprefix("request:"), True)
    assert sync.listing_review_check(binding_id=binding.pk) == ListingStatus.LIVE
    binding.refresh_from_db()
    assert products_for(tiki, product) == [("GAO-0001-1", int(binding.external_id)),
                                           ("GAO-0001-2", int(binding.external_id))]


def test_publishing_again_while_tiki_reviews_the_request_sends_nothing(owner, shop, tiki,
                                                                     django_capture_on_commit_callbacks):
    # given the owner published a product and Tiki is reviewing the request
    product = make_product(shop.business, n=2)
    with django_capture_on_commit_callbacks(execute=True):
        publish_form(owner, shop, product)
    binding = ListingBinding.objects.get()
    calls = len(tiki.calls)
    # when they press Publish again at once
    with django_capture_on_commit_callbacks(execute=True):
        again = publish_form(owner, shop, product)
    # then nothing is sent: Tiki still has the one request, under review, and no product yet
    assert again.status_code == 302
    assert len(tiki.calls) == calls
    binding.refresh_from_db()
    assert binding.status == ListingStatus.UNDER_REVIEW
    assert requests_for(tiki, product) == [binding.external_id.removeprefix("request:")]
    assert products_for(tiki, product) == []
