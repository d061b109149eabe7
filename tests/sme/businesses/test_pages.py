"""Dashboard, size declaration, OCOP pages and the demo seeder."""

import pytest
from django.urls import reverse

from accounts.demo import seed_users
from sme.businesses.demo import DEMO_BUSINESS_IDENTIFIERS, seed_businesses
from sme.businesses.identifiers import identifier_normalise
from sme.businesses.models import Business, MemberRole, OcopProduct, SizeAssessment
from tests.factories import UserFactory

from .factories import HouseholdFactory, MembershipFactory, OcopProductFactory, business_with_owner

pytestmark = pytest.mark.django_db


def test_dashboard_shows_profile_size_and_team(client):
    business, owner = business_with_owner(legal_name="Công ty TNHH Sen Tháp Mười")
    client.force_login(owner)

    response = client.get(reverse("businesses:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Công ty TNHH Sen Tháp Mười" in body
    assert business.identifier in body
    assert reverse("businesses:team") in body
    assert reverse("businesses:size") in body


def test_owner_declares_size_with_vietnamese_amounts(client):
    business, owner = business_with_owner(main_sector="G")
    client.force_login(owner)

    response = client.post(reverse("businesses:size"), {
        "fiscal_year": "2025", "insured_headcount": "12", "prior_year_revenue_vnd": "20.000.000.000 ₫",
        "total_capital_vnd": "5 000 000 000"})

    assert response.status_code == 302
    assessment = SizeAssessment.objects.get(business=business)
    assert (assessment.size_class, assessment.provenance, assessment.prior_year_revenue_vnd) == (
        "small", "declared", 20_000_000_000)


def test_household_has_no_size_page(client):
    household = HouseholdFactory()
    owner = UserFactory(preferred_language="en")
    MembershipFactory(business=household, user=owner, role=MemberRole.OWNER)
    client.force_login(owner)

    assert client.get(reverse("businesses:size")).status_code == 404
    assert "no SME size class" in client.get(reverse("businesses:home")).content.decode()


def test_staff_cannot_edit_profile_size_or_ocop(client):
    business, _owner = business_with_owner()
    product = OcopProductFactory(business=business)
    staff = MembershipFactory(business=business).user
    client.force_login(staff)

    assert client.get(reverse("businesses:home")).status_code == 200
    assert client.get(reverse("businesses:edit")).status_code == 404
    assert client.get(reverse("businesses:size")).status_code == 404
    assert client.post(reverse("businesses:ocop_delete", args=[product.pk])).status_code == 404
    assert OcopProduct.objects.filter(pk=product.pk).exists()


def test_owner_adds_edits_and_deletes_ocop_product(client):
    business, owner = business_with_owner()
    client.force_login(owner)

    client.post(reverse("businesses:ocop_add"), {"name": "Hạt sen sấy", "stars": "3", "product_group": "food",
                                                 "issued_on": "2025-01-01", "expires_on": "2028-01-01"})
    product = OcopProduct.objects.get(business=business)
    client.post(reverse("businesses:ocop_edit", args=[product.pk]),
                {"name": "Hạt sen sấy giòn", "stars": "4", "product_group": "food"})
    product.refresh_from_db()
    assert (product.name, product.stars) == ("Hạt sen sấy giòn", 4)

    client.post(reverse("businesses:ocop_delete", args=[product.pk]))
    assert not OcopProduct.objects.exists()


def test_ocop_expiry_must_follow_issue(client):
    business, owner = business_with_owner()
    client.force_login(owner)
    response = client.post(reverse("businesses:ocop_add"), {
        "name": "Trà sen", "stars": "3", "product_group": "beverages",
        "issued_on": "2025-01-01", "expires_on": "2024-01-01"})
    assert response.status_code == 200
    assert "expires_on" in response.context["form"].errors
    assert not OcopProduct.objects.exists()


def test_demo_seeder_is_idempotent_and_valid():
    # given
    seed_users()

    # when
    seed_businesses()
    seed_businesses()

    # then
    household = Business.objects.get(identifier=DEMO_BUSINESS_IDENTIFIERS["household"])
    company = Business.objects.get(identifier=DEMO_BUSINESS_IDENTIFIERS["company"])
    assert Business.objects.count() == 2
    assert household.is_household and household.ward.name == "Xã Lai Vung"
    assert company.legal_name == "Công ty TNHH Sen Tháp Mười"
    assert identifier_normalise(value=company.identifier, legal_form=company.legal_form).value == company.identifier
    assert identifier_normalise(value=household.identifier, legal_form=household.legal_form).value == \
        household.identifier
    for business in (household, company):
        owner = business.memberships.get()
        assert (owner.user.email, owner.role) == ("owner@demo.dongthap.local", MemberRole.OWNER)
    assert OcopProduct.objects.count() == 4
    assert SizeAssessment.objects.get(business=company).size_class == "micro"
