"""Connecting a Lazada shop through the owner's Sales channels screens and the sandbox consent page."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from marketplace_connectors.models import AccountStatus, MarketplaceAccount

from ..factories import owner_membership
from .conftest import SELLER

pytestmark = pytest.mark.django_db


def test_owner_connects_a_lazada_shop_through_the_consent_page(client, lazada, django_capture_on_commit_callbacks):
    # given
    membership = owner_membership()
    client.force_login(membership.user)
    # when the owner presses Connect, approves on the (sandbox) Lazada page and comes back
    start = client.post(reverse("marketplaces:connect_start", args=["lazada"]))
    assert start.status_code == 302 and start["Location"].startswith(lazada.url + "/oauth/authorize?")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["client_id"] == ["123456"] and "state" not in urlsplit(query["redirect_uri"][0]).query
    consent = requests.get(start["Location"], timeout=5)
    assert consent.status_code == 200 and "Lazada Sandbox" in consent.text
    approve = requests.post(lazada.url + "/oauth/authorize", timeout=5, allow_redirects=False, data={
        "redirect_uri": query["redirect_uri"][0], "state": query["state"][0], "seller_id": SELLER, "decision": "approve"})
    back = urlsplit(approve.headers["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.get(f"{back.path}?{back.query}")
    # then the shop is connected to the owner's business, tokens encrypted, categories fetched
    account = MarketplaceAccount.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("marketplaces:listing_list", args=[account.pk])
    assert (account.marketplace, account.external_shop_id, account.shop_name) == ("lazada", SELLER, "Đặc sản Sen Đồng Tháp")
    assert account.business == membership.business and account.status == AccountStatus.ACTIVE
    assert account.access_token and account.access_token not in account.access_token_encrypted
    assert account.logistics_channel_id == ""  # Lazada chooses the carrier: there is no channel to pick
    assert lazada.count(path="/category/tree/get") == 1
    assert "Đặc sản Sen Đồng Tháp" in client.get(reverse("marketplaces:account_list")).content.decode()


def test_a_forged_state_connects_nothing_and_spends_no_code(client, lazada):
    client.force_login(owner_membership().user)
    code, _seller = lazada.issue_code(SELLER)
    response = client.get(reverse("marketplaces:connect_callback", args=["lazada"]), {"state": "forged", "code": code})
    assert response.status_code == 302 and MarketplaceAccount.objects.count() == 0
    assert lazada.count(path="/auth/token/create") == 0
