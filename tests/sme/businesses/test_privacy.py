"""Consent, data download and erasure."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from sme.businesses.models import Business, ConsentRecord, ErasureRequest, MemberRole, Membership
from sme.businesses.privacy import privacy_notice_current
from sme.businesses.services import consent_record
from tests.factories import UserFactory

from .factories import MembershipFactory, OcopProductFactory, business_with_owner

pytestmark = pytest.mark.django_db


def test_privacy_notice_is_public_in_both_languages(client):
    notice = privacy_notice_current()
    vi = client.get(reverse("businesses:privacy"))
    assert vi.status_code == 200
    assert "Mục đích" in vi.content.decode()
    assert notice.version in vi.content.decode()
    assert notice.sha256("vi") != notice.sha256("en")
    for heading in ("Purpose", "Retention", "Your rights"):
        assert heading in notice.text_en
    for heading in ("Mục đích", "Thời gian lưu trữ", "Quyền của bạn"):
        assert heading in notice.text_vi


def test_download_contains_the_user_and_owned_businesses_only(client):
    # given
    business, owner = business_with_owner(legal_name="Công ty Của Tôi")
    OcopProductFactory(business=business, name="Trà tim sen")
    consent_record(user=owner, notice=privacy_notice_current(), language="vi", business=business)
    staff_in, _ = business_with_owner(legal_name="Công ty Khác")
    MembershipFactory(business=staff_in, user=owner, role=MemberRole.STAFF)
    client.force_login(owner)

    # when
    response = client.get(reverse("businesses:my_data_download"))

    # then
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["user"]["email"] == owner.email
    assert [b["legal_name"] for b in data["businesses_owned"]] == ["Công ty Của Tôi"]
    assert data["businesses_owned"][0]["ocop_products"][0]["name"] == "Trà tim sen"
    assert {m["business"] for m in data["memberships"]} == {"Công ty Của Tôi", "Công ty Khác"}
    assert data["consents"][0]["notice_version"] == privacy_notice_current().version


def test_erasure_is_recorded_then_carried_out_after_confirmation(client):
    # given a sole owner of a household business with a consent record
    business, owner = business_with_owner(phone="+84901234567", street="Ấp 1")
    consent_record(user=owner, notice=privacy_notice_current(), language="vi", business=business)
    client.force_login(owner)

    # when the request is made
    response = client.post(reverse("businesses:erasure_request"), {"understood": "on", "reason": "Ngừng bán"})

    # then it is recorded but nothing is erased yet
    erasure = ErasureRequest.objects.get()
    assert response["Location"] == reverse("businesses:erasure_confirm", args=[erasure.pk])
    owner.refresh_from_db()
    assert owner.is_active and erasure.status == "requested"

    # when confirmed
    client.post(reverse("businesses:erasure_confirm", args=[erasure.pk]), {"action": "confirm"})

    # then personal data is gone, the legal record stays
    owner.refresh_from_db()
    erasure.refresh_from_db()
    business.refresh_from_db()
    assert erasure.status == "completed"
    assert owner.full_name == "" and owner.email.endswith("@erased.invalid")
    assert not owner.is_active and not owner.has_usable_password()
    assert not EmailAddress.objects.filter(user=owner).exists()
    assert not Membership.objects.filter(user=owner).exists()
    assert (business.phone, business.street, business.email) == ("", "", "")
    assert Business.objects.filter(pk=business.pk, identifier=business.identifier).exists()
    assert ConsentRecord.objects.filter(user=owner).count() == 1
    assert "_auth_user_id" not in client.session


def test_sole_owner_with_team_must_hand_over_first(client):
    # given
    business, owner = business_with_owner()
    MembershipFactory(business=business, user=UserFactory())
    client.force_login(owner)
    client.post(reverse("businesses:erasure_request"), {"understood": "on"})
    erasure = ErasureRequest.objects.get()

    # when
    response = client.post(reverse("businesses:erasure_confirm", args=[erasure.pk]), {"action": "confirm"})

    # then
    assert response.status_code == 200
    assert response.context["error"]
    owner.refresh_from_db()
    assert owner.is_active
    assert Membership.objects.filter(user=owner).exists()
    assert ErasureRequest.objects.get().status == "requested"


def test_erasure_request_can_be_cancelled(client):
    _business, owner = business_with_owner()
    client.force_login(owner)
    client.post(reverse("businesses:erasure_request"), {"understood": "on"})
    erasure = ErasureRequest.objects.get()

    client.post(reverse("businesses:erasure_confirm", args=[erasure.pk]), {"action": "cancel"})

    erasure.refresh_from_db()
    owner.refresh_from_db()
    assert erasure.status == "cancelled"
    assert owner.is_active


def test_erasure_needs_the_confirmation_box(client):
    _business, owner = business_with_owner()
    client.force_login(owner)
    response = client.post(reverse("businesses:erasure_request"), {})
    assert response.status_code == 200
    assert ErasureRequest.objects.count() == 0
