"""The personal link from the e-mail to a registered, confirmed business, and the campaign's funnel as the
page, the export and the API show it."""

import csv
import datetime
import io

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from adoption.indicator import snapshot_store
from adoption.models import ApiToken
from adoption.services import api_token_create, token_hash
from outreach import selectors, services
from outreach.models import Channel, Message
from outreach.selection import Selection
from sme.businesses.models import Business, ClaimStatus, OwnershipStatus
from tests.adoption.factories import listing, order
from tests.factories import owner_user

from .test_campaigns import launched

pytestmark = pytest.mark.django_db


def sent_campaign(province):
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    services.channel_send_batch(channel=Channel.EMAIL)
    message = Message.objects.get(campaign=campaign, identifier=province.lai_vung_entry.identifier)
    return campaign, message


def link_path(message) -> str:
    return services.link_url(message=message).removeprefix("http://testserver")


def registration(identifier: str, ward_pk: int, **overrides) -> dict:
    data = {"legal_form": "llc_one_member", "legal_name": "Công ty TNHH Sen Lai Vung", "trade_name": "",
            "identifier": identifier, "main_sector": "C", "street": "Ấp 3", "ward": str(ward_pk),
            "legacy_district": "", "legacy_commune": "", "phone": "0901 234 567", "email": "lienhe@sen-lai-vung.example",
            "founding_year": "", "accept_privacy": "on", "ocop-TOTAL_FORMS": "1", "ocop-INITIAL_FORMS": "0",
            "ocop-MIN_NUM_FORMS": "0", "ocop-MAX_NUM_FORMS": "20"}
    data.update(overrides)
    return data


def test_the_link_shows_nothing_personal_before_it_is_used(province, smtp, client):
    # given
    _campaign, message = sent_campaign(province)

    # when: opened by someone not signed in (or a mail scanner)
    page = client.get(link_path(message))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sen Lai Vung" not in html and message.identifier not in html and message.address not in html
    message.refresh_from_db()
    assert message.link_opened_at is not None and message.link_used_at is None
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_LINK_OPENED).count() == 1


def test_following_the_link_registers_the_business_pre_filled_and_confirmed(province, smtp, client):
    # given
    _campaign, message = sent_campaign(province)
    user = owner_user(preferred_language="en")
    client.force_login(user)

    # when: the owner uses the link and sees the form pre-filled from the register
    used = client.post(link_path(message))
    form_page = client.get(used["Location"])
    done = client.post(used["Location"], registration(message.identifier, province.lai_vung_entry.ward_id))

    # then
    assert used.status_code == 302
    assert done.status_code == 302, done.context["form"].errors
    form_html = form_page.content.decode()
    assert 'value="Công ty TNHH Sen Lai Vung"' in form_html and f'value="{message.identifier}"' in form_html
    assert done.status_code == 302 and done["Location"] == reverse("businesses:home")
    business = Business.objects.get(identifier=message.identifier)
    assert business.claimed_from_register
    assert business.ownership_status == OwnershipStatus.CONFIRMED
    assert business.ownership_confirmed_at is not None
    assert business.ownership_claims.get().status == ClaimStatus.CONFIRMED
    assert AuditEvent.objects.filter(action=AuditAction.OWNERSHIP_CONFIRMED, target=business.identifier,
                                     details__proof="register_link").exists()
    message.refresh_from_db()
    assert message.link_used_by == user and message.business == business


def test_the_link_works_for_one_account_only(province, smtp, client):
    # given
    _campaign, message = sent_campaign(province)
    client.force_login(owner_user(preferred_language="en"))
    client.post(link_path(message))
    client.force_login(owner_user(preferred_language="en"))

    # when
    second = client.post(link_path(message))

    # then
    assert second.status_code == 410
    assert "already used" in second.content.decode()


def test_an_expired_or_altered_link_is_refused_clearly(province, smtp, client, settings):
    # given
    _campaign, message = sent_campaign(province)
    path = link_path(message)
    client.force_login(owner_user(preferred_language="en"))

    # when
    altered = client.get(path[:-3] + "xyz/")
    unsent = client.get(reverse("outreach:invitation", args=[signing.dumps(10**9, salt=services.LINK_SALT)]))
    settings.OUTREACH_LINK_DAYS = -1
    expired = client.post(path)

    # then
    assert altered.status_code == 404 and "not valid" in altered.content.decode()
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert unsent.status_code == 404
    message.refresh_from_db()
    assert message.link_used_at is None


def test_a_link_sent_to_another_address_than_the_registers_is_no_ownership_proof(province, smtp, client):
    # given: the message did not go to the register's own address (for instance a letter)
    _campaign, message = sent_campaign(province)
    Message.objects.filter(pk=message.pk).update(to_register_contact=False)
    client.force_login(owner_user(preferred_language="en"))

    # when
    used = client.post(link_path(message))
    client.post(used["Location"], registration(message.identifier, province.lai_vung_entry.ward_id))

    # then
    business = Business.objects.get(identifier=message.identifier)
    assert business.ownership_status == OwnershipStatus.UNCONFIRMED


def test_the_funnel_follows_the_business_to_its_first_order(province, smtp, client):
    # given: the invitation used, the business registered, a product, a live listing, an order
    campaign, message = sent_campaign(province)
    client.force_login(owner_user(preferred_language="en"))
    used = client.post(link_path(message))
    client.post(used["Location"], registration(message.identifier, province.lai_vung_entry.ward_id))
    business = Business.objects.get(identifier=message.identifier)
    listing(business, published=timezone.now())
    order(business, placed=timezone.now() + datetime.timedelta(minutes=1))

    # when
    funnel = selectors.campaign_funnel(campaign=campaign)

    # then: two businesses were sent an e-mail, one went all the way
    assert funnel.total.counts == {"sent": 2, "opened": 1, "signed_up": 1, "confirmed": 1, "first_product": 1,
                                   "first_live_listing": 1, "first_order": 1}
    assert [r.key for r in funnel.by_channel] == ["email"]
    assert funnel.by_channel[0].counts == funnel.total.counts
    lai_vung = [r for r in funnel.by_ward if r.key == "30226"][0]
    assert lai_vung.counts["first_order"] == 1
    assert funnel.total.median_hours["first_order"] is not None
    assert selectors.brought_online_count() == 1

    # and the page, the export and the API say the same
    client.force_login(province.officer)
    page = client.get(reverse("outreach:campaign_detail", args=[campaign.pk])).content.decode()
    assert '<td data-step="first_order">1' in page
    exported = client.get(reverse("outreach:campaign_export", args=[campaign.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Whole campaign", "Whole campaign", "2", "1"]
    assert rows[1][-2] == "1"
    record, _secret = api_token_create(user=province.officer, name="bi")
    ApiToken.objects.filter(pk=record.pk).update(token_hash=token_hash("dta_test"))
    api = client.get(reverse("outreach:api_campaign_funnel", args=[campaign.pk]),
                     HTTP_AUTHORIZATION="Bearer dta_test").json()
    assert {s["step"]: s["count"] for s in api["total"]["steps"]} == funnel.total.counts
    listed = client.get(reverse("outreach:api_campaigns"), HTTP_AUTHORIZATION="Bearer dta_test").json()
    assert listed["brought_online"] == 1 and listed["campaigns"][0]["id"] == campaign.pk

    # and the officers' dashboard shows it beside the share, with the campaigns in its navigation
    snapshot_store(day=timezone.localdate())
    dashboard = client.get(reverse("adoption:dashboard")).content.decode()
    assert "Outreach campaigns brought 1 business online." in dashboard
    assert f'href="{reverse("outreach:campaign_list")}"' in dashboard
