"""The owner's Sales channels screens: connecting a shop, publishing, progress, and who may see what."""

from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    MarketplaceAccount,
    SyncRun,
)
from sme.businesses.models import MemberRole, Membership
from tests.factories import owner_user

from .factories import AccountFactory, BusinessFactory, make_product, map_rice, owner_membership

pytestmark = pytest.mark.django_db


def login_owner(client, business=None):
    membership = owner_membership(business)
    client.force_login(membership.user)
    return membership


def test_owner_connects_a_shop_through_the_consent_page(client, shopee, django_capture_on_commit_callbacks):
    # given
    membership = login_owner(client)
    # when the owner presses Connect, approves on the (sandbox) Shopee page and comes back
    start = client.post(reverse("marketplaces:connect_start", args=["shopee"]))
    assert start.status_code == 302 and start["Location"].startswith(shopee.url + "/api/v2/shop/auth_partner?")
    consent = requests.get(start["Location"], timeout=5)
    assert consent.status_code == 200
    redirect_param = dict(p.split("=", 1) for p in urlsplit(start["Location"]).query.split("&"))["redirect"]
    from urllib.parse import unquote

    approve = requests.post(shopee.url + "/sandbox/authorize", timeout=5, allow_redirects=False,
                            data={"redirect": unquote(redirect_param), "shop_id": "14701711", "decision": "approve"})
    back = urlsplit(approve.headers["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.get(f"{back.path}?{back.query}")
    # then
    account = MarketplaceAccount.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("marketplaces:listing_list", args=[account.pk])
    assert account.business == membership.business and account.status == AccountStatus.ACTIVE
    assert account.shop_name == "Shop thử nghiệm Đồng Tháp"
    assert account.access_token and account.access_token not in account.access_token_encrypted
    assert account.logistics_channel_id == "50011"  # fetched after connecting
    page = client.get(reverse("marketplaces:account_list"))
    assert "Shop thử nghiệm Đồng Tháp" in page.content.decode()


def test_callback_with_a_state_from_another_session_connects_nothing(client, shopee):
    # given an attacker's code and state
    login_owner(client)
    code, shop_id = shopee.issue_code()
    # when
    response = client.get(reverse("marketplaces:connect_callback", args=["shopee"]),
                          {"state": "forged", "code": code, "shop_id": shop_id})
    # then
    assert response.status_code == 302 and response["Location"] == reverse("marketplaces:account_list")
    assert MarketplaceAccount.objects.count() == 0
    assert shopee.count(path="/api/v2/auth/token/get") == 0


def test_callback_with_a_state_in_any_characters_connects_nothing_and_never_fails(client, shopee):
    # given an owner who pressed Connect (a state is waiting in the session)
    login_owner(client)
    for state in ("\u0080", "é" * 40, "\x00", "x" * 5000):
        client.post(reverse("marketplaces:connect_start", args=["shopee"]))
        # when the callback comes back with a state that is not ours, in characters a comparison may choke on
        response = client.get(reverse("marketplaces:connect_callback", args=["shopee"]),
                              {"state": state, "code": "c", "shop_id": "1"})
        # then it is refused like any other wrong state
        assert response.status_code == 302 and response["Location"] == reverse("marketplaces:account_list")
    assert MarketplaceAccount.objects.count() == 0


def test_another_business_account_is_404_and_nothing_changes(client, connected, shopee):
    # given a stranger who owns another business
    login_owner(client)
    product = make_product(connected.business, n=1)
    # when
    pages = [client.get(reverse("marketplaces:listing_list", args=[connected.pk])),
             client.get(reverse("marketplaces:run_list", args=[connected.pk]))]
    posts = [client.post(reverse("marketplaces:listing_publish", args=[connected.pk]), {"product": [product.pk]}),
             client.post(reverse("marketplaces:account_disconnect", args=[connected.pk]))]
    # then
    assert [r.status_code for r in pages + posts] == [404, 404, 404, 404]
    connected.refresh_from_db()
    assert connected.status == AccountStatus.ACTIVE
    assert ListingBinding.objects.count() == 0 and SyncRun.objects.count() == 0


def test_staff_cannot_manage_sales_channels(client, connected):
    staff = owner_user()
    Membership.objects.create(business=connected.business, user=staff, role=MemberRole.STAFF)
    client.force_login(staff)
    assert client.get(reverse("marketplaces:account_list")).status_code == 404
    assert client.get(reverse("marketplaces:listing_list", args=[connected.pk])).status_code == 404


def test_publish_selected_shows_what_to_fix_and_publishes_the_rest(client, connected, shopee,
                                                                   django_capture_on_commit_callbacks):
    # given one ready product and one without a photo
    login_owner(client, connected.business)
    map_rice(connected)
    ready = make_product(connected.business, n=1)
    no_photo = make_product(connected.business, n=2, image=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("marketplaces:listing_publish", args=[connected.pk]),
                               {"product": [ready.pk, no_photo.pk]})
    # then
    run = SyncRun.objects.get()
    assert response["Location"] == reverse("marketplaces:run_detail", args=[connected.pk, run.pk])
    assert ListingBinding.objects.get(product=ready).status == ListingStatus.LIVE
    bad = ListingBinding.objects.get(product=no_photo)
    assert bad.status == ListingStatus.FAILED and bad.external_id == ""
    assert list(shopee.items_by_sku()) == [ready.key]
    # the run's page shows both products: one published, one with what to fix
    progress = client.get(reverse("marketplaces:run_progress", args=[connected.pk, run.pk])).json()
    assert (progress["total"], progress["succeeded"], progress["failed"], progress["finished"]) == (2, 1, 1, True)
    by_id = {row["id"]: row for row in progress["listings"]}
    assert by_id[ListingBinding.objects.get(product=ready).pk]["external_id"] == \
        ListingBinding.objects.get(product=ready).external_id
    assert by_id[bad.pk]["error"] == bad.last_error and bad.last_error
    run_page = client.get(response["Location"]).content.decode()
    assert bad.last_error.splitlines()[0] in run_page
    listing_page = client.get(reverse("marketplaces:listing_list", args=[connected.pk])).content.decode()
    assert bad.last_error.splitlines()[0] in listing_page


def _publish_request_queries(client, account, capture, count: int, offset: int) -> tuple[int, int]:
    products = [make_product(account.business, n=offset + n, variants=1, image=False) for n in range(count)]
    with CaptureQueriesContext(connection) as queries, capture() as queued:
        response = client.post(reverse("marketplaces:listing_publish", args=[account.pk]),
                               {"product": [p.pk for p in products]})
    run = SyncRun.objects.latest("pk")
    assert response.status_code == 302 and len(queued) == run.total  # one task per listing, sent on commit
    return len(queries), run.total


def test_the_publish_request_costs_the_same_for_10_products_as_for_300(client, connected, shopee, settings,
                                                                        django_capture_on_commit_callbacks):
    # given an owner on Pro (300 active products) with a mapped category; the marketplace is never asked
    login_owner(client, connected.business)
    map_rice(connected)
    settings.DEFAULT_PLAN = "pro"
    _publish_request_queries(client, connected, django_capture_on_commit_callbacks, 1, offset=900)  # session set up
    calls = len(shopee.calls)
    # when they publish 10 products, then 300 others
    small, small_total = _publish_request_queries(client, connected, django_capture_on_commit_callbacks, 10, offset=1)
    large, large_total = _publish_request_queries(client, connected, django_capture_on_commit_callbacks, 300,
                                                  offset=100)
    # then both requests record their run with every product, in the same number of queries, and no call
    assert (small_total, large_total) == (10, 300)
    assert small == large
    assert len(shopee.calls) == calls
    assert ListingBinding.objects.filter(account=connected, status=ListingStatus.PENDING).count() == 311


def test_needs_reauth_account_shows_banner_with_reconnect(client):
    membership = login_owner(client)
    AccountFactory(business=membership.business, status=AccountStatus.NEEDS_REAUTH)
    page = client.get(reverse("marketplaces:account_list")).content.decode()
    assert reverse("marketplaces:connect_start", args=["shopee"]) in page
    assert 'role="alert"' in page


def test_category_mapping_asks_for_required_attributes(client, connected, shopee, django_capture_on_commit_callbacks):
    # given
    login_owner(client, connected.business)
    make_product(connected.business, n=1)
    from marketplace_connectors.models import CategoryMapping
    from tests.marketplace_connectors.factories import rice_category

    url = reverse("marketplaces:category_edit", args=[connected.pk, rice_category().pk])
    # when the owner picks "Gạo" and saves without the mandatory attributes
    # (Shopee's details for it are not cached yet: the page loads them in a task, then shows them)
    with django_capture_on_commit_callbacks(execute=True):
        chose = client.post(url, {"external_category_id": "100101", "choose": "1"})
    assert chose.status_code == 302 and chose["Location"] == f"{url}?external=100101"
    shown = client.get(chose["Location"]).content.decode()
    missing = client.post(url, {"external_category_id": "100101", "save": "1"})
    saved_without_attributes = CategoryMapping.objects.count()
    saved = client.post(url, {"external_category_id": "100101", "save": "1", "attr_501": "5011", "attr_502": "12 tháng"})
    # then
    assert "attr_501" in shown and "attr_502" in shown
    assert missing.status_code == 200 and saved_without_attributes == 0
    assert saved.status_code == 302
    mapping = CategoryMapping.objects.get()
    assert mapping.external_category_id == "100101" and mapping.attribute_values == {"501": ["5011"], "502": ["12 tháng"]}


def test_other_business_cannot_be_linked_by_forging_an_account_id(client, shopee):
    other = AccountFactory(business=BusinessFactory())
    login_owner(client)
    response = client.post(reverse("marketplaces:account_sync", args=[other.pk]))
    assert response.status_code == 404 and SyncRun.objects.count() == 0
