"""Connecting a Tiki shop end to end, with exactly what Tiki's authorisation server requires (R-authcode,
S-token; docs/marketplaces/tiki.md A1-A5 and finding 4): the owner presses Connect, Tiki's consent page
(the sandbox, strict: one registered callback, the code bound to it) is approved in the browser, the
callback creates the shop. The ``redirect_uri`` of the consent link and of the code exchange is one setting,
TIKI_REDIRECT_URI, equal to the registered callback."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from marketplace_connectors.backends.tiki.conf import tiki_config
from marketplace_connectors.models import MarketplaceAccount
from marketplace_connectors.registry import registry_reset

from ..factories import owner_membership
from .conftest import REDIRECT, SELLER

pytestmark = pytest.mark.django_db


def test_the_owner_connects_a_tiki_shop_through_the_consent_page_with_one_redirect_uri(tiki, client, settings):
    # given Tiki's app registration: one callback, and the code exchange must carry it
    tiki.registered_redirect_uris = (REDIRECT,)
    tiki.require_redirect_uri = True
    membership = owner_membership()
    client.force_login(membership.user)

    # when the owner presses Connect, they are sent to Tiki's consent page with the registered callback
    start = client.post(reverse("marketplaces:connect_start", args=["tiki"]))
    link = start["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert link.startswith(f"{tiki.url}/sc/oauth2/auth?")
    assert query["response_type"] == "code" and query["client_id"] == tiki.client_id
    assert query["redirect_uri"] == REDIRECT and len(query["state"]) >= 8 and "offline" in query["scope"].split()
    # and approve it there, as in a browser
    consent = requests.get(link, timeout=5)
    assert consent.status_code == 200
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', consent.text))
    approved = requests.post(f"{tiki.url}/sc/oauth2/auth", data={**hidden, "seller": SELLER}, allow_redirects=False,
                             timeout=5)
    back = urlsplit(approved.headers["Location"])
    assert approved.status_code == 302 and f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT

    # then Tiki's callback, answered on our site, creates the shop (the exchange sent the same redirect_uri)
    callback = client.get(reverse("marketplaces:connect_callback", args=["tiki"]) + "?" + back.query)
    assert callback.status_code == 302
    account = MarketplaceAccount.objects.get(business=membership.business, marketplace="tiki")
    assert account.external_shop_id == SELLER and account.access_token_encrypted
    assert tiki.count(path="/sc/oauth2/token", status=200) == 1


def test_a_consent_link_with_an_unregistered_callback_is_refused_by_tiki(tiki):
    tiki.registered_redirect_uris = (REDIRECT,)
    link = (f"{tiki.url}/sc/oauth2/auth?response_type=code&client_id={tiki.client_id}&scope=offline"
            "&state=abcdefgh12&redirect_uri=https%3A%2F%2Fevil.example%2Fcb%2F")
    refused = requests.get(link, timeout=5)
    assert refused.status_code == 400 and "not registered" in refused.text
    forged = requests.post(f"{tiki.url}/sc/oauth2/auth", data={"redirect_uri": "https://evil.example/cb/",
                                                               "state": "abcdefgh12", "seller": SELLER},
                           allow_redirects=False, timeout=5)
    assert forged.status_code == 400 and "Location" not in forged.headers and tiki.codes == {}


def test_without_tiki_redirect_uri_tiki_is_not_configured(tiki, settings):
    # the consent link and the exchange would otherwise send different values
    settings.TIKI_REDIRECT_URI = ""
    registry_reset()
    with pytest.raises(ImproperlyConfigured, match="TIKI_REDIRECT_URI"):
        tiki_config()
