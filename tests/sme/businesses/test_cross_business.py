"""Every URL taking an object id: another business's (or user's) id gives 404 and changes nothing."""

import pytest
from django.urls import reverse

from sme.businesses.models import ErasureRequest, Invitation, JoinRequest, MemberRole, Membership, OcopProduct
from sme.businesses.services import erasure_request_create
from tests.factories import UserFactory

from .factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    OcopProductFactory,
    business_with_owner,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_businesses(client):
    """The signed-in owner of business A, and business B with its own objects."""
    mine, me = business_with_owner()
    theirs, _their_owner = business_with_owner()
    client.force_login(me)
    return mine, theirs


def test_switch_to_another_business_is_404(client, two_businesses):
    mine, theirs = two_businesses
    response = client.post(reverse("businesses:switch"), {"business_id": theirs.pk})
    assert response.status_code == 404
    assert client.get(reverse("businesses:home")).context["business"] == mine


def test_ocop_edit_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    product = OcopProductFactory(business=theirs, name="Trà tim sen")
    url = reverse("businesses:ocop_edit", args=[product.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hacked", "stars": 5, "product_group": "food"}).status_code == 404
    product.refresh_from_db()
    assert (product.name, product.stars) == ("Trà tim sen", 4)


def test_ocop_delete_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    product = OcopProductFactory(business=theirs)
    assert client.post(reverse("businesses:ocop_delete", args=[product.pk])).status_code == 404
    assert OcopProduct.objects.filter(pk=product.pk).exists()


def test_invitation_revoke_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    invitation = InvitationFactory(business=theirs)
    assert client.post(reverse("businesses:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_member_role_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    member = MembershipFactory(business=theirs, role=MemberRole.STAFF)
    url = reverse("businesses:member_role", args=[member.pk])
    assert client.post(url, {"role": "owner"}).status_code == 404
    assert Membership.objects.get(pk=member.pk).role == MemberRole.STAFF


def test_member_remove_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    member = MembershipFactory(business=theirs)
    assert client.post(reverse("businesses:member_remove", args=[member.pk])).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_join_request_decide_of_another_business_is_404(client, two_businesses):
    _mine, theirs = two_businesses
    request = JoinRequestFactory(business=theirs)
    url = reverse("businesses:join_request_decide", args=[request.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"
    assert not Membership.objects.filter(user=request.user).exists()


def test_erasure_confirm_of_another_user_is_404(client, two_businesses):
    other = UserFactory()
    erasure = erasure_request_create(user=other)
    url = reverse("businesses:erasure_confirm", args=[erasure.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert ErasureRequest.objects.get(pk=erasure.pk).status == "requested"


def test_owner_of_both_must_switch_before_touching_the_other(client):
    # given the user owns A (current) and B
    mine, me = business_with_owner()
    theirs, _ = business_with_owner()
    MembershipFactory(business=theirs, user=me, role=MemberRole.OWNER)
    client.force_login(me)
    client.post(reverse("businesses:switch"), {"business_id": mine.pk})
    product = OcopProductFactory(business=theirs)

    # then an id of B is 404 while A is current
    assert client.post(reverse("businesses:ocop_delete", args=[product.pk])).status_code == 404
    assert OcopProduct.objects.filter(pk=product.pk).exists()
