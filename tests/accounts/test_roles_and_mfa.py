import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_role_is_a_group_with_its_permissions():
    # other apps may grant a role more (cms gives editors its snippets); these are the role's core
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert set(perms) <= granted, role
    officer_perms = set(Group.objects.get(name=Role.TRADE_OFFICER).permissions.values_list("codename", flat=True))
    assert "access_admin" not in officer_perms
    assert "use_business_tools" not in officer_perms


@pytest.mark.parametrize("role", [Role.TRADE_OFFICER, Role.CONTENT_EDITOR])
def test_officers_and_editors_are_sent_to_set_up_two_factor_first(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)

    for path in ["/me/", "/admin/", "/django-admin/", "/officer/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path

    # the set-up page itself stays reachable (allauth first asks for the password again)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200


def test_staff_must_set_up_two_factor_too(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)

    response = client.get("/django-admin/")

    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_with_two_factor_set_up_an_editor_reaches_the_wagtail_admin(client):
    user = UserFactory(roles=[Role.CONTENT_EDITOR])
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=user).count() == 1


def test_business_members_are_not_forced_to_use_two_factor(client):
    user = UserFactory(roles=[Role.BUSINESS_MEMBER])
    client.force_login(user)

    response = client.get("/me/")

    assert response.status_code == 200


def test_a_business_member_cannot_enter_the_cms_admin(client):
    user = UserFactory(roles=[Role.BUSINESS_MEMBER])
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_navigation_shows_what_each_role_can_use(client):
    editor = UserFactory(roles=[Role.CONTENT_EDITOR])
    TOTP.activate(editor, generate_totp_secret())
    member = UserFactory(roles=[Role.BUSINESS_MEMBER])

    client.force_login(editor)
    editor_page = client.get("/me/").content.decode()
    client.force_login(member)
    member_page = client.get("/me/").content.decode()

    assert 'href="/admin/"' in editor_page
    assert 'href="/admin/"' not in member_page
