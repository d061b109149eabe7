"""Only trade officers reach the adoption pages and the API; owners get 403, strangers go to log in."""

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.indicator import snapshot_store
from adoption.models import ApiToken, DeclarationStatus
from adoption.services import api_token_create, api_token_revoke
from tests.factories import UserFactory, owner_user

from .factories import BusinessFactory, declaration, officer

pytestmark = pytest.mark.django_db

OFFICER_PAGES = ["adoption:dashboard", "adoption:funnel", "adoption:drilldown", "adoption:register_home",
                 "adoption:register_matching", "adoption:register_review", "adoption:declarations",
                 "adoption:targets", "adoption:tokens", "adoption:methods", "adoption:ownership_claims"]


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_business_owner_gets_403_on_every_officer_page(client, name):
    client.force_login(owner_user())
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_officer_with_two_factor_reaches_every_officer_page(client, name):
    client.force_login(officer())
    assert client.get(reverse(name)).status_code == 200


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("adoption:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_officer_without_two_factor_is_sent_to_set_it_up(client):
    from accounts.roles import Role

    client.force_login(UserFactory(roles=[Role.TRADE_OFFICER]))
    response = client.get(reverse("adoption:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_owner_cannot_decide_a_declaration_and_nothing_changes(client):
    # given
    shop = declaration(BusinessFactory())
    client.force_login(owner_user())

    # when
    response = client.post(reverse("adoption:declaration_decide", args=[shop.pk]), {"decision": "approve"})

    # then
    assert response.status_code == 403
    shop.refresh_from_db()
    assert shop.status == DeclarationStatus.PENDING
    assert not shop.events.exists()


def test_an_owner_cannot_withdraw_another_business_s_declaration_or_an_officer_s_way(client):
    # given: a declaration of business A; the owner of business B
    from sme.businesses.models import MemberRole, Membership

    shop = declaration(BusinessFactory(), status=DeclarationStatus.APPROVED, decided=timezone.now())
    stranger = owner_user()
    Membership.objects.create(business=BusinessFactory(), user=stranger, role=MemberRole.OWNER)
    client.force_login(stranger)

    # when / then: the owners' URL answers 404 for a stranger's id, the officers' one 403
    assert client.post(reverse("adoption_owner:declared_shop_withdraw", args=[shop.pk])).status_code == 404
    assert client.post(reverse("adoption:declaration_withdraw", args=[shop.pk]),
                       {"reason": "x"}).status_code == 403
    shop.refresh_from_db()
    assert shop.status == DeclarationStatus.APPROVED and shop.withdrawn_at is None


def test_owner_cannot_see_evidence_or_exports(client):
    shop = declaration(BusinessFactory())
    client.force_login(owner_user())
    assert client.get(reverse("adoption:declaration_evidence", args=[shop.pk])).status_code == 403
    assert client.get(reverse("adoption:export", args=["headline", "csv"])).status_code == 403


def test_api_needs_a_valid_unrevoked_token_of_an_officer(client):
    # given
    user = officer()
    record, token = api_token_create(user=user, name="Metabase")
    url = reverse("adoption:api_indicator")
    snapshot_store(day=timezone.localdate())

    # when / then
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    ok = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    assert ok.json()["denominator_source"] == "platform"
    api_token_revoke(token=record)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    # only a hash is stored
    assert not ApiToken.objects.filter(token_hash=token).exists()


def test_api_token_stops_working_when_the_officer_loses_the_role(client):
    from accounts.services import user_set_roles

    user = officer()
    _record, token = api_token_create(user=user, name="BI")
    user_set_roles(user=user, roles=())
    assert client.get(reverse("adoption:api_indicator"),
                      HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_officer_revokes_only_own_tokens(client):
    # given
    other_record, _token = api_token_create(user=officer(), name="other")
    client.force_login(officer())

    # when
    response = client.post(reverse("adoption:token_revoke", args=[other_record.pk]))

    # then
    assert response.status_code == 404
    other_record.refresh_from_db()
    assert other_record.revoked_at is None


def test_token_page_shows_a_new_token_once(client):
    client.force_login(officer())
    response = client.post(reverse("adoption:tokens"), {"name": "Superset"})
    token = response.context["new_token"]
    assert token.startswith("dta_")
    assert token not in client.get(reverse("adoption:tokens")).content.decode()


def test_openapi_document_describes_the_indicator(client):
    doc = client.get(reverse("adoption:api_openapi")).json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/indicator" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_api_refuses_a_bad_date_and_dimension(client):
    _record, token = api_token_create(user=officer(), name="BI")
    url = reverse("adoption:api_indicator")
    assert client.get(url + "?date=2026-13-01", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 400
    assert client.get(url + "?by=planet", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 400
