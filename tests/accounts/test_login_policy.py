"""One sign-in policy behind every login path (issue 14 item 1, ASVS V2/V3).

Every login-like URL of the URL conf (listed from it, so a new one is caught) ends on allauth's pages, and
a session reaches nothing but its two-factor step until it passed two-factor in this session; a session
signed in any other way, or whose user has no verified email, is ended.
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, owner_user, record_allauth_sign_in

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPLOGINPOLICYTESTS"
# Words that make a URL a way to sign in, recover or prove an account.
LOGIN_WORDS = ("login", "signin", "sign-in", "signup", "password", "2fa", "mfa", "authenticate",
               "reauth", "confirm-email")
# Pages only a signed-in user who must use two-factor can see: a password alone opens none of them.
PROTECTED_PAGES = ["/officer/", "/admin/", "/django-admin/", "/me/"]


def current_code() -> str:
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _regex_group_sample(match) -> str:
    body = match.group(1)
    return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x-1"


def _sample_path(route: str) -> str:
    """A path that the pattern matches: regex groups and converters filled with harmless values."""
    path = re.sub(r"\(\?P<\w+>([^)]*)\)", _regex_group_sample, route)
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x-1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


# Login-like URLs that sign no user in, each with the reason; a password posted to them opens nothing (tested).
NOT_ACCOUNT_LOGINS = {
    "wagtailcore_authenticate_with_password": "the shared password of a page an editor made private",
    "wagtaildocs_authenticate_with_password": "the shared password of a document an editor made private",
}


def login_like_paths(*, account_logins_only: bool = False) -> list[str]:
    found = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if account_logins_only and pattern.name in NOT_ACCOUNT_LOGINS:
            continue
        if any(word in f"{route} {pattern.name or ''}".lower() for word in LOGIN_WORDS):
            found.add(_sample_path(route))
    return sorted(found)


def _view_module(response) -> str:
    func = response.resolver_match.func
    return getattr(func, "view_class", func).__module__


def privileged_user_with_totp(**kwargs):
    """An officer who is also a content editor and staff: every protected area opens for them."""
    user = UserFactory(roles=[Role.TRADE_OFFICER, Role.CONTENT_EDITOR], is_staff=True, **kwargs)
    TOTP.activate(user, SECRET)
    return user


def test_the_url_conf_lists_both_admins_and_allauths_login_pages():
    paths = login_like_paths()

    for expected in ["/admin/login/", "/django-admin/login/", "/accounts/login/", "/accounts/password/reset/",
                     "/accounts/2fa/authenticate/", "/accounts/signup/", "/_util/login/"]:
        assert expected in paths
    assert any(path.startswith("/admin/password_reset/") for path in paths)


# allauth's page for a provider sign-in that failed answers 401 (it signs nobody in).
LOGIN_ERROR_PAGES = {"/accounts/3rdparty/login/error/": 401, "/accounts/social/login/error/": 401}


@pytest.mark.parametrize("path", login_like_paths(account_logins_only=True))
def test_every_login_url_ends_on_allauths_pages(client, path):
    # when a visitor opens it
    response = client.get(path, follow=True)

    # then the page they end on is allauth's (its login, sign-up, reset or verification flow)
    assert response.status_code == LOGIN_ERROR_PAGES.get(path, 200), (path, response.redirect_chain)
    assert _view_module(response).startswith("allauth."), (path, response.redirect_chain)


@pytest.mark.parametrize("path", login_like_paths())
def test_a_password_alone_opens_nothing_through_any_login_url(client, path):
    # given an officer, editor and staff member with two-factor set up
    user = privileged_user_with_totp()
    credentials = {"login": user.email, "username": user.email, "email": user.email, "password": DEFAULT_PASSWORD,
                   "oldpassword": DEFAULT_PASSWORD, "code": "000000"}

    # when their password is posted to the login URL (and any redirect followed)
    client.post(path, credentials, follow=True)

    # then no session is signed in, and none of their pages opens
    assert "_auth_user_id" not in client.session, path
    for page in PROTECTED_PAGES:
        assert client.get(page).status_code == 302, (path, page)


@pytest.mark.parametrize(("login_page", "next_page"), [("/admin/login/", "/admin/pages/"),
                                                       ("/django-admin/login/", "/django-admin/accounts/user/")])
def test_both_admins_login_pages_redirect_to_allauth_keeping_the_page_asked_for(client, login_page, next_page):
    response = client.get(login_page, {"next": next_page})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query) == {"next": [next_page]}


@pytest.mark.parametrize("login_page", ["/admin/login/", "/django-admin/login/"])
@pytest.mark.parametrize("hostile", ["//evil.example/", "https://evil.example/admin/", "/\\evil.example",
                                     "javascript:alert(1)"])
def test_admin_login_redirects_never_carry_another_sites_address(client, login_page, hostile):
    response = client.get(login_page, {"next": hostile})

    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize("path", ["/admin/password_reset/", "/admin/password_reset/done/",
                                  "/admin/password_reset/confirm/MQ/set-password/"])
def test_wagtails_password_reset_pages_redirect_to_allauths(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"


def test_the_editor_signs_in_with_password_and_code_and_reaches_both_admins(client):
    user = privileged_user_with_totp()

    # when they post their password to allauth's login
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    # then allauth asks for the code before signing in
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/officer/").status_code == 302

    # when they enter the code
    client.post("/accounts/2fa/authenticate/", {"code": current_code()})

    # then every area opens
    for page in PROTECTED_PAGES:
        assert client.get(page).status_code == 200, page


def test_a_session_signed_in_outside_allauth_is_ended(client):
    # given a session signed in by Django's own login (what the admins' login forms did), no allauth
    user = privileged_user_with_totp()
    client.login(email=user.email, password=DEFAULT_PASSWORD)
    assert "_auth_user_id" in client.session

    # when it opens an officer page
    response = client.get("/officer/")

    # then it is signed out and sent to allauth's login, back to that page afterwards
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fofficer%2F"
    assert "_auth_user_id" not in client.session


def test_a_business_owner_signed_in_outside_allauth_is_ended_too(client):
    user = owner_user()
    client.login(email=user.email, password=DEFAULT_PASSWORD)

    response = client.get("/me/")

    assert response["Location"] == "/accounts/login/?next=%2Fme%2F"
    assert "_auth_user_id" not in client.session


def test_an_officer_who_set_up_two_factor_in_this_session_passes_it_before_anything_else(client):
    # given an officer who signed in with a password only (no authenticator yet) ...
    user = UserFactory(roles=[Role.TRADE_OFFICER])
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert client.get("/officer/")["Location"] == "/accounts/2fa/totp/activate/"
    # ... and then set up an authenticator
    TOTP.activate(user, SECRET)

    # when they open an officer page
    response = client.get("/officer/")

    # then only the two-factor step opens, and the page after it
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fofficer%2F"
    assert client.get("/me/")["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fme%2F"
    assert client.get("/accounts/email/")["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.get("/accounts/2fa/reauthenticate/").status_code == 200

    # when a wrong code is entered: still nothing
    client.post("/accounts/2fa/reauthenticate/?next=/officer/", {"code": "000000"})
    assert client.get("/officer/").status_code == 302

    # when the right code is entered
    response = client.post("/accounts/2fa/reauthenticate/?next=/officer/", {"code": current_code()})

    # then they go on to the page
    assert response["Location"] == "/officer/"
    assert client.get("/officer/").status_code == 200


def test_a_session_whose_user_has_no_verified_email_is_ended(client):
    # given a user whose address was never verified, with a session (however it was made)
    user = owner_user(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.login(email=user.email, password=DEFAULT_PASSWORD)
    record_allauth_sign_in(client, user)

    # when
    response = client.get("/me/")

    # then it is signed out and sent to sign in (where allauth sends the verification link)
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_officer_idle_for_30_minutes_is_signed_out(client, monkeypatch):
    # given an officer signed in with two-factor who opened a page
    user = privileged_user_with_totp()
    client.force_login(user)
    assert client.get("/officer/").status_code == 200
    started = time.time()

    # when 29 minutes pass, the session goes on
    monkeypatch.setattr("accounts.middleware.time.time", lambda: started + 29 * 60)
    assert client.get("/officer/").status_code == 200

    # when 31 minutes pass after that without activity
    monkeypatch.setattr("accounts.middleware.time.time", lambda: started + 29 * 60 + 31 * 60)
    response = client.get("/officer/")

    # then it is signed out
    assert response["Location"] == "/accounts/login/?next=%2Fofficer%2F"
    assert "_auth_user_id" not in client.session


def test_an_active_officer_signs_in_again_after_12_hours(client, monkeypatch):
    user = privileged_user_with_totp()
    client.force_login(user)
    started = time.time()

    # active every 20 minutes for just under 12 hours: still signed in
    for minutes in range(20, 12 * 60, 20):
        monkeypatch.setattr("accounts.middleware.time.time", lambda m=minutes: started + m * 60)
        assert client.get("/me/").status_code == 200, minutes

    # then at 12 hours and a minute
    monkeypatch.setattr("accounts.middleware.time.time", lambda: started + 12 * 3600 + 60)
    response = client.get("/me/")

    assert response["Location"] == "/accounts/login/?next=%2Fme%2F"
    assert "_auth_user_id" not in client.session


def test_business_owners_are_not_signed_out_after_30_idle_minutes(client, monkeypatch):
    user = owner_user()
    client.force_login(user)
    started = time.time()

    monkeypatch.setattr("accounts.middleware.time.time", lambda: started + 2 * 3600)

    assert client.get("/me/").status_code == 200


def test_signing_in_gives_the_session_a_new_key(client):
    # given a visitor's session from before they signed in (a key that may have been planted on them)
    user = UserFactory()
    session = client.session
    session["seen_home_page"] = True
    session.save()
    before = session.session_key

    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.cookies["sessionid"].value != before


def test_after_signing_out_the_old_session_key_opens_nothing(client):
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    old_key = client.cookies["sessionid"].value

    client.post("/accounts/logout/")
    client.cookies["sessionid"] = old_key

    assert client.get("/me/")["Location"] == "/accounts/login/?next=/me/"


def test_a_two_factor_code_works_once(client):
    # given an editor who signed in with a code
    user = privileged_user_with_totp()
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    code = current_code()
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/officer/").status_code == 200

    # when someone who saw the code and knows the password tries it in the same 30 seconds
    other = Client()
    other.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    other.post("/accounts/2fa/authenticate/", {"code": code})

    # then they are not signed in
    assert "_auth_user_id" not in other.session
    assert other.get("/officer/").status_code == 302


def test_an_officer_cannot_turn_two_factor_off_and_an_owner_can(client):
    # given an officer and an owner with an authenticator, both signed in with it
    officer = privileged_user_with_totp()
    client.force_login(officer)
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})

    # when the officer deactivates it
    client.post("/accounts/2fa/totp/deactivate/")

    # then it stays
    assert officer.authenticator_set.filter(type="totp").exists()

    owner = owner_user()
    TOTP.activate(owner, SECRET)
    client.force_login(owner)
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    client.post("/accounts/2fa/totp/deactivate/")
    assert not owner.authenticator_set.filter(type="totp").exists()
