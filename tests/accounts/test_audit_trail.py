"""Exports of personal data and uses of officers' API tokens are in the audit trail: who, when, from where, what
(issue 14 item 8, ASVS V7.1 / V7.2)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from adoption.models import ApiToken
from adoption.services import api_token_create, api_token_revoke
from tests.adoption.factories import officer
from tests.cms.factories import owner_of
from tests.factories import UserFactory, owner_user

pytestmark = pytest.mark.django_db


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_an_officers_export_of_businesses_with_phone_numbers_is_recorded(client):
    # given
    user = officer()
    client.force_login(user)
    before = timezone.now()

    # when they export the drill-down (owners' phones and emails) from 203.0.113.5 behind nginx
    response = client.get(reverse("adoption:export", args=["businesses", "csv"]), {"which": "offline"},
                          HTTP_X_REAL_IP="203.0.113.5")

    # then one event says who, when, from where and what
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_email, event.action) == (user, user.email, AuditAction.EXPORT_OFFICER_TABLE)
    assert event.target == "businesses.csv"
    assert event.details["query"] == "which=offline"
    assert event.ip_address == "203.0.113.5"
    assert before <= event.created_at <= timezone.now()


def test_an_owners_catalog_export_is_recorded(client):
    business, owner = owner_of()
    client.force_login(owner)

    response = client.get(reverse("imports:export"))

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.details) == (owner, AuditAction.EXPORT_CATALOG,
                                                          {"business_id": business.pk})


def test_a_users_download_of_their_own_data_is_recorded(client):
    user = owner_user()
    client.force_login(user)

    client.get(reverse("businesses:my_data_download"))

    assert AuditEvent.objects.get().action == AuditAction.EXPORT_MY_DATA


def test_each_use_of_an_api_token_is_recorded_and_a_refused_one_is_not(client):
    user = officer()
    record, token = api_token_create(user=user, name="Metabase")
    url = reverse("adoption:api_indicator")

    client.get(url, {"by": "ward"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(url, HTTP_AUTHORIZATION="Bearer dta_wrong")
    api_token_revoke(token=record)
    client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    reads = AuditEvent.objects.filter(action=AuditAction.API_READ)
    assert reads.count() == 1
    read = reads.get()
    assert (read.actor, read.target, read.details["token_prefix"], read.details["query"]) == (
        user, url, record.prefix, "by=ward")
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        AuditAction.API_TOKEN_CREATED, AuditAction.API_READ, AuditAction.API_TOKEN_REVOKED]
    assert token not in str(list(AuditEvent.objects.values_list("target", "details")))


def test_the_token_page_shows_when_each_token_expires(client):
    user = officer()
    client.force_login(user)

    client.post(reverse("adoption:tokens"), {"name": "Superset"})
    page = client.get(reverse("adoption:tokens")).content.decode()

    assert ApiToken.objects.get().expires_at is not None
    assert "data-expires" in page
    assert AuditEvent.objects.get().action == AuditAction.API_TOKEN_CREATED


def test_staff_read_the_trail_in_the_admin_and_nobody_can_change_it(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin_user, generate_totp_secret())
    client.force_login(admin_user)
    admin_client = client
    user = officer()
    api_token_create(user=user, name="BI")
    event = AuditEvent.objects.get()

    listing = admin_client.get("/django-admin/accounts/auditevent/")

    assert listing.status_code == 200
    assert user.email in listing.content.decode()
    assert admin_client.get(f"/django-admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.post(f"/django-admin/accounts/auditevent/{event.pk}/change/", {"target": "x"}).status_code == 403
    assert AuditEvent.objects.get().target == event.target
