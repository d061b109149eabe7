import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "hoa@example.test",
    "full_name": "Nguyễn Thị Hoa",
    "password1": "sen-thap-muoi-2026",
    "password2": "sen-thap-muoi-2026",
    "accept_terms": "on",
}


def test_sign_up_creates_a_business_member_who_must_verify_their_email(client):
    # when
    response = client.post("/accounts/signup/", SIGNUP)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="hoa@example.test")
    assert user.full_name == "Nguyễn Thị Hoa"
    assert user.preferred_language == "vi"
    assert set(user.groups.values_list("name", flat=True)) == {Role.BUSINESS_MEMBER}
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hoa@example.test"]


def test_an_unverified_user_cannot_log_in_until_they_follow_the_link(client):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()

    # when logging in before verifying
    response = client.post("/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    # then allauth sends them to the verification notice, not in
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    # when following the link from the email
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.post(path)
    response = client.post("/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=SIGNUP["email"]).pk)


def test_email_is_the_login_and_is_case_insensitive(client):
    UserFactory(email="minh@example.test")

    response = client.post("/accounts/login/", {"login": "MINH@Example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="lan@example.test")
    client.cookies["sme_language"] = "en"
    pages = [
        client.post("/accounts/login/", {"login": "lan@example.test", "password": "wrong-password"}).content.decode()
        for _ in range(6)
    ]
    # five wrong passwords are answered as wrong; the sixth is refused by the rate limit
    assert all("Too many failed login attempts" not in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    # and even the right password is refused while limited
    response = client.post("/accounts/login/", {"login": "lan@example.test", "password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_to_known_addresses_only(client):
    UserFactory(email="tam@example.test")

    client.post("/accounts/password/reset/", {"email": "tam@example.test"})
    client.post("/accounts/password/reset/", {"email": "nobody@example.test"})

    assert [m.to for m in mail.outbox if "/accounts/password/reset/key/" in m.body] == [["tam@example.test"]]


def test_password_reset_email_is_in_the_users_saved_language_not_the_pages(client):
    UserFactory(email="quyen@example.test", preferred_language="vi")
    client.cookies["sme_language"] = "en"

    client.post("/accounts/password/reset/", {"email": "quyen@example.test"})

    assert len(mail.outbox) == 1
    assert "Reset" not in mail.outbox[0].subject
    assert "mật khẩu" in mail.outbox[0].subject.lower()
