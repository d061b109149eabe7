"""Team: invitations by email, accepting, roles, removing, join requests, switching businesses."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sme.businesses.models import Invitation, JoinRequest, MemberRole, Membership
from tests.factories import UserFactory, owner_user

from .factories import (
    BusinessFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    business_with_owner,
)

pytestmark = pytest.mark.django_db


def _invite(client, email, role=MemberRole.STAFF):
    return client.post(reverse("businesses:team_invite"), {"email": email, "role": role})


def _link(mail) -> str:
    return re.search(r"http://testserver(/business/invitations/[^/\s]+/)", mail.body).group(1)


def test_owner_invites_by_email_and_invitee_accepts(client, mailoutbox):
    # given
    business, owner = business_with_owner()
    client.force_login(owner)

    # when the owner invites
    response = _invite(client, "Staff@Example.test")

    # then an email with a link valid for 7 days goes out
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "staff@example.test"
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert mailoutbox[-1].to == ["staff@example.test"]
    link = _link(mailoutbox[-1])

    # when the invitee signs in with that address and accepts
    staff = UserFactory(email="staff@example.test")
    client.force_login(staff)
    assert client.get(link).status_code == 200
    response = client.post(link)

    # then
    assert response.status_code == 302
    assert Membership.objects.get(business=business, user=staff).role == MemberRole.STAFF
    assert client.get(reverse("businesses:home")).context["business"] == business


def test_invitation_for_another_address_is_refused(client, mailoutbox):
    # given
    business, owner = business_with_owner()
    client.force_login(owner)
    _invite(client, "staff@example.test")
    link = _link(mailoutbox[-1])
    stranger = UserFactory(email="someone-else@example.test", preferred_language="en")

    # when
    client.force_login(stranger)
    response = client.post(link)

    # then
    assert response.status_code == 200
    assert "sent to staff@example.test" in response.context["error"]
    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().accepted_at is None


def test_expired_invitation_cannot_be_accepted(client):
    # given
    InvitationFactory(email="late@example.test", token="late-token",
                      expires_at=timezone.now() - datetime.timedelta(minutes=1))
    user = UserFactory(email="late@example.test")
    client.force_login(user)

    # when
    response = client.post(reverse("businesses:invitation_accept", args=["late-token"]))

    # then
    assert response.status_code == 200
    assert response.context["expired"]
    assert not Membership.objects.filter(user=user).exists()


def test_revoked_invitation_cannot_be_accepted(client, mailoutbox):
    # given
    business, owner = business_with_owner()
    client.force_login(owner)
    _invite(client, "staff@example.test")
    link = _link(mailoutbox[-1])
    client.post(reverse("businesses:invitation_revoke", args=[Invitation.objects.get().pk]))

    # when
    staff = UserFactory(email="staff@example.test")
    client.force_login(staff)
    client.post(link)

    # then
    assert not Membership.objects.filter(user=staff).exists()
    assert Invitation.objects.get().revoked_at is not None


def test_anonymous_visitor_is_asked_to_sign_in(client, mailoutbox):
    business, owner = business_with_owner()
    client.force_login(owner)
    _invite(client, "new@example.test")
    link = _link(mailoutbox[-1])
    client.logout()

    # when
    page = client.get(link)
    response = client.post(link)

    # then
    assert page.status_code == 200
    assert reverse("account_signup") in page.content.decode()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Invitation.objects.get().accepted_at is None


def test_unknown_token_is_404(client):
    client.force_login(owner_user())
    assert client.get(reverse("businesses:invitation_accept", args=["nope"])).status_code == 404


def test_inviting_a_member_is_refused(client):
    business, owner = business_with_owner()
    MembershipFactory(business=business, user=UserFactory(email="already@example.test"))
    client.force_login(owner)

    _invite(client, "already@example.test")

    assert Invitation.objects.count() == 0


def test_staff_cannot_manage_the_team(client):
    # given
    business, owner = business_with_owner()
    staff = MembershipFactory(business=business).user
    client.force_login(staff)

    # when / then: the page is visible, management is not
    assert client.get(reverse("businesses:team")).status_code == 200
    assert _invite(client, "x@example.test").status_code == 404
    owner_membership = Membership.objects.get(user=owner)
    assert client.post(reverse("businesses:member_remove", args=[owner_membership.pk])).status_code == 404
    assert client.post(reverse("businesses:member_role", args=[owner_membership.pk]),
                       {"role": "staff"}).status_code == 404
    assert Invitation.objects.count() == 0
    assert Membership.objects.get(user=owner).role == MemberRole.OWNER


def test_owner_changes_role_and_removes_a_member(client):
    business, owner = business_with_owner()
    member = MembershipFactory(business=business)
    client.force_login(owner)

    client.post(reverse("businesses:member_role", args=[member.pk]), {"role": "owner"})
    member.refresh_from_db()
    assert member.role == MemberRole.OWNER

    client.post(reverse("businesses:member_remove", args=[member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_last_owner_can_be_neither_demoted_nor_removed(client):
    business, owner = business_with_owner()
    MembershipFactory(business=business)
    mine = Membership.objects.get(user=owner)
    client.force_login(owner)

    client.post(reverse("businesses:member_role", args=[mine.pk]), {"role": "staff"})
    client.post(reverse("businesses:member_remove", args=[mine.pk]))

    mine.refresh_from_db()
    assert mine.role == MemberRole.OWNER


def test_owner_approves_a_join_request(client, mailoutbox):
    # given
    business, owner = business_with_owner()
    request = JoinRequestFactory(business=business)
    client.force_login(owner)

    # when
    client.post(reverse("businesses:join_request_decide", args=[request.pk]), {"decision": "approve"})

    # then
    request.refresh_from_db()
    assert request.status == "approved"
    assert Membership.objects.get(business=business, user=request.user).role == MemberRole.STAFF
    assert mailoutbox[-1].to == [request.user.email]


def test_owner_rejects_a_join_request(client):
    business, owner = business_with_owner()
    request = JoinRequestFactory(business=business)
    client.force_login(owner)

    client.post(reverse("businesses:join_request_decide", args=[request.pk]), {"decision": "reject"})

    request.refresh_from_db()
    assert request.status == "rejected"
    assert not Membership.objects.filter(user=request.user).exists()


def test_join_request_for_unknown_identifier_is_refused(client):
    client.force_login(owner_user())
    response = client.post(reverse("businesses:join"), {"identifier": "0109527605"})
    assert response.status_code == 200
    assert JoinRequest.objects.count() == 0


def test_user_switches_between_businesses(client):
    # given
    first, owner = business_with_owner(legal_name="A Một")
    second = BusinessFactory(legal_name="B Hai")
    MembershipFactory(business=second, user=owner, role=MemberRole.STAFF)
    client.force_login(owner)
    assert client.get(reverse("businesses:home")).context["business"] == first

    # when
    client.post(reverse("businesses:switch"), {"business_id": second.pk})

    # then
    response = client.get(reverse("businesses:home"))
    assert response.context["business"] == second
    assert b'name="business_id"' in response.content
