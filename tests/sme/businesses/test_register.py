"""Registering a business from the form: identifier rules, address, phone, consent, duplicates, prefill."""

import pytest
from django.urls import reverse

from sme.businesses.models import (
    AdministrativeUnit,
    Business,
    ConsentRecord,
    JoinRequest,
    LegalForm,
    MemberRole,
    Membership,
    OcopProduct,
)
from sme.businesses.privacy import privacy_notice_current
from tests.factories import owner_user

from .factories import BusinessFactory, business_with_owner, ward

pytestmark = pytest.mark.django_db
REGISTER = reverse("businesses:register")


def form_data(**overrides):
    data = {
        "legal_form": LegalForm.LLC_ONE_MEMBER, "legal_name": "Công ty TNHH Sen Tháp Mười",
        "trade_name": "Sen Tháp Mười", "identifier": "0109.527.605", "main_sector": "C",
        "street": "Quốc lộ 30, khóm 3", "ward": str(ward("30037").pk), "legacy_district": "",
        "legacy_commune": "", "phone": "0901 234 567", "email": "LienHe@Sen.example", "founding_year": "2018",
        "accept_privacy": "on",
        "ocop-TOTAL_FORMS": "1", "ocop-INITIAL_FORMS": "0", "ocop-MIN_NUM_FORMS": "0", "ocop-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def test_new_user_without_business_is_sent_to_registration(client):
    # given
    client.force_login(owner_user())

    # when
    response = client.get(reverse("businesses:home"))

    # then
    assert response.status_code == 302
    assert response["Location"] == REGISTER


def test_register_company_makes_the_user_owner_and_records_consent(client):
    # given
    user = owner_user()
    client.force_login(user)

    # when
    response = client.post(REGISTER, form_data())

    # then
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.identifier == "0109527605"
    assert business.phone == "+84901234567"
    assert business.email == "lienhe@sen.example"
    assert business.ward.name == "Xã Tháp Mười"
    assert business.sector_group == "agriculture_industry"
    assert Membership.objects.get(business=business).user == user
    assert Membership.objects.get(business=business).role == MemberRole.OWNER
    consent = ConsentRecord.objects.get(user=user)
    notice = privacy_notice_current()
    assert consent.notice_version == notice.version
    assert consent.text_sha256 == notice.sha256("vi")
    assert consent.business == business
    assert client.get(reverse("businesses:home")).context["business"] == business


def test_register_household_with_personal_id_and_ocop_product(client):
    # given
    client.force_login(owner_user())
    data = form_data(
        legal_form=LegalForm.HOUSEHOLD, legal_name="Hộ kinh doanh Nguyễn Thị Hoa", identifier="087 186 001 239",
        main_sector="A", ward=str(ward("30226").pk), **{
            "ocop-0-name": "Quýt hồng Lai Vung", "ocop-0-stars": "3", "ocop-0-product_group": "food",
            "ocop-0-certificate_no": "OCOP-1", "ocop-0-issued_on": "2024-06-01", "ocop-0-expires_on": "2027-06-01"})

    # when
    response = client.post(REGISTER, data)

    # then
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.is_household
    assert business.identifier == "087186001239"
    assert [(p.name, p.stars) for p in OcopProduct.objects.filter(business=business)] == [("Quýt hồng Lai Vung", 3)]


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"identifier": "0109527604"}, "identifier", "check digit is wrong"),
    ({"identifier": "087186001239"}, "identifier", "12-digit personal ID is only for household"),
    ({"legal_form": LegalForm.HOUSEHOLD, "identifier": "0109527605"}, "identifier", "12-digit personal ID"),
    ({"identifier": "0314409058-000"}, "identifier", "000"),
    ({"phone": "12345"}, "phone", "not valid"),
    ({"ward": ""}, "ward", "required"),
    ({"founding_year": "1850"}, "founding_year", "1900"),
    ({"accept_privacy": ""}, "accept_privacy", "privacy notice"),
    ({"ocop-0-name": "Trà sen", "ocop-0-stars": "2", "ocop-0-product_group": "food"}, None, None),
])
def test_invalid_registration_shows_the_problem_and_writes_nothing(client, overrides, field, text):
    # given
    client.force_login(owner_user(preferred_language="en"))

    # when
    response = client.post(REGISTER, form_data(**overrides))

    # then
    assert response.status_code == 200
    if field:
        errors = " ".join(response.context["form"].errors[field])
        assert text in errors
    else:
        assert response.context["formset"].total_error_count() == 1
    assert Business.objects.count() == 0
    assert Membership.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert OcopProduct.objects.count() == 0


def test_legacy_commune_must_match_the_new_ward(client):
    # given Xã Gáo Giồng became Xã Phong Mỹ or Xã Phú Cường, not Xã Lai Vung
    client.force_login(owner_user(preferred_language="en"))
    gao_giong = AdministrativeUnit.objects.legacy_communes().get(name="Xã Gáo Giồng")

    # when
    response = client.post(REGISTER, form_data(ward=str(ward("30226").pk), legacy_commune=str(gao_giong.pk)))

    # then
    assert response.status_code == 200
    assert "Xã Phong Mỹ / Xã Phú Cường" in " ".join(response.context["form"].errors["legacy_commune"])
    assert Business.objects.count() == 0


def test_legacy_commune_stores_its_old_district(client):
    # given
    client.force_login(owner_user())
    gao_giong = AdministrativeUnit.objects.legacy_communes().get(name="Xã Gáo Giồng")
    phu_cuong = AdministrativeUnit.objects.current().get(name="Xã Phú Cường")

    # when
    client.post(REGISTER, form_data(ward=str(phu_cuong.pk), legacy_commune=str(gao_giong.pk)))

    # then
    business = Business.objects.get()
    assert business.legacy_commune == gao_giong
    assert business.legacy_district.name == "Huyện Cao Lãnh"


def test_existing_identifier_offers_to_join_and_join_request_reaches_the_owner(client, mailoutbox):
    # given a business registered by someone else
    existing, owner = business_with_owner(identifier="0109527605")
    user = owner_user(preferred_language="en")
    client.force_login(user)

    # when the user tries to register the same tax code (typed differently)
    response = client.post(REGISTER, form_data(identifier="0109 527 605"))

    # then
    assert response.status_code == 200
    assert response.context["already_registered"] == "0109527605"
    assert b"already registered" in response.content
    assert response.context["join_url"] == reverse("businesses:join") + "?identifier=0109527605"
    assert Business.objects.count() == 1
    assert not Membership.objects.filter(user=user).exists()

    # when they ask to join
    response = client.post(reverse("businesses:join"), {"identifier": "0109527605", "message": "Tôi là kế toán"})

    # then the owner is emailed and the request waits
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert (request.business, request.user, request.status) == (existing, user, "pending")
    assert mailoutbox[-1].to == [owner.email]
    assert not Membership.objects.filter(user=user).exists()


def test_prefill_providers_fill_the_form(client, settings):
    # given
    settings.BUSINESS_PREFILL_PROVIDERS = [
        "tests.sme.businesses.prefill_providers.nothing",
        "tests.sme.businesses.prefill_providers.register_lookup",
    ]
    client.force_login(owner_user())

    # when
    response = client.get(REGISTER + "?identifier=0109.527.605")

    # then
    initial = response.context["form"].initial
    assert initial["legal_name"] == "Công ty TNHH Xoài Cao Lãnh"
    assert initial["identifier"] == "0109527605"
    assert initial["ward"] == ward("29869").pk
    assert "unknown_key" not in initial


def test_prefill_without_providers_keeps_the_identifier_only(client):
    client.force_login(owner_user())
    response = client.get(REGISTER + "?identifier=0109527605")
    assert response.context["form"].initial == {}


def test_edit_profile_by_owner(client):
    # given
    business, owner = business_with_owner()
    client.force_login(owner)
    data = form_data(identifier=business.identifier, legal_name="Tên mới", phone="+84 90 999 8888")
    data.pop("accept_privacy")

    # when
    response = client.post(reverse("businesses:edit"), data)

    # then
    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.legal_name, business.phone) == ("Tên mới", "+84909998888")


def test_edit_cannot_take_another_business_identifier(client):
    # given
    other = BusinessFactory()
    business, owner = business_with_owner()
    owner.preferred_language = "en"
    owner.save()
    client.force_login(owner)

    # when
    response = client.post(reverse("businesses:edit"), form_data(identifier=other.identifier))

    # then
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["identifier"])
    business.refresh_from_db()
    assert business.identifier != other.identifier
