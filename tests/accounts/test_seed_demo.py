import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.demo import DEMO_USERS
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_the_logins(capsys, client):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out

    emails = [email for email, *_ in DEMO_USERS]
    assert User.objects.filter(email__in=emails).count() == 3
    assert EmailAddress.objects.filter(email__in=emails, verified=True).count() == 3
    assert Authenticator.objects.filter(user__email__in=emails, type="totp").count() == 2
    for email, _name, _role, password, _totp in DEMO_USERS:
        assert email in out and password in out
    # the printed owner password works
    owner_email, _, _, owner_password, _ = DEMO_USERS[0]
    response = client.post("/accounts/login/", {"login": owner_email, "password": owner_password})
    assert response.status_code == 302


def test_demo_totp_prints_a_code_the_officer_can_sign_in_with(capsys):
    from allauth.mfa.totp.internal.auth import TOTP

    call_command("seed_demo")
    capsys.readouterr()
    call_command("demo_totp", "officer@demo.dongthap.local")
    code = capsys.readouterr().out.strip()

    authenticator = Authenticator.objects.get(user__email="officer@demo.dongthap.local", type="totp")
    assert TOTP(authenticator).validate_code(code)


@pytest.mark.parametrize(("email", "password", "page"), [
    ("officer@demo.dongthap.local", "demo-officer-2026", "/officer/"),
    ("editor@demo.dongthap.local", "demo-editor-2026", "/admin/"),
])
def test_the_demo_officer_and_editor_sign_in_with_password_and_demo_totp_code(client, capsys, email, password, page):
    # given `make run`'s demo data
    call_command("seed_demo")
    capsys.readouterr()

    # when they sign in with the printed password, then the code demo_totp prints
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    call_command("demo_totp", email)
    client.post("/accounts/2fa/authenticate/", {"code": capsys.readouterr().out.strip()})

    # then their area opens
    assert client.get(page).status_code == 200
