"""Single sign-on through the province's OpenID Connect provider (issue 21), against a real OpenID Certified
provider (oidc-provider on a loopback port, tests/sso_provider), never a mock.

The platform is driven with Django's test client; the provider's pages with ``requests`` (its own cookies).
Every refused sign-in shows its reason (Vietnamese first) and leaves no session.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount

from accounts.models import AuditAction, AuditEvent, User
from accounts.roles import Role
from accounts.selectors import user_roles
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.sso_provider import IdentityProvider, sign_in_at_provider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/oidc/province/login/callback/"
LOGIN = "/accounts/oidc/province/login/"
SECRET = "JBSWY3DPEHPK3PXPSSOTESTSSSOTEST2"


@pytest.fixture(scope="module")
def identity_provider():
    provider = IdentityProvider(redirect_uris=[CALLBACK], post_logout_redirect_uris=["http://testserver/"]).start()
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, identity_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "province", "name": "Cổng định danh tỉnh (test)", "client_id": "dongthap-sme-test",
        "secret": "test-only-client-secret-of-the-test-provider",
        "settings": {"server_url": identity_provider.issuer, "scope": ["openid", "email", "profile", "phone",
                                                                      "groups"]}}]}}
    settings.SSO_MFA_AMR_VALUES = ["mfa"]
    settings.SSO_MFA_ACR_VALUES = []
    settings.SSO_ROLE_CLAIM = ""
    settings.SSO_ROLE_MAP = {}
    return identity_provider


def start(client) -> str:
    """Press the province button: the authorisation URL the platform sends the browser to."""
    response = client.post(LOGIN)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, login: str, *, browser=None):
    """The whole round trip: the platform's answer to the provider's redirect back."""
    url = sign_in_at_provider(authorize_url=start(client), login=login, browser=browser, stop_at=CALLBACK)
    return client.get(callback_path(url))


def assert_refused(response, words: str):
    assert response.status_code == 403
    text = response.content.decode()
    assert words in text, text[:3000]
    assert "_auth_user_id" not in response.client.session


def test_no_provider_configured_means_no_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}

    page = client.get("/accounts/login/").content.decode()

    assert "Đăng nhập bằng tài khoản của tỉnh" not in page
    assert client.post(LOGIN)["Location"] == "/accounts/login/"


def test_the_login_page_shows_the_province_button(client, sso):
    page = client.get("/accounts/login/").content.decode()

    assert "Đăng nhập bằng tài khoản của tỉnh" in page
    assert f'action="{LOGIN}?process=login"' in page or f'action="{LOGIN}"' in page


def test_several_providers_each_get_a_button_with_their_name(client, sso, settings):
    first = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    second = {**first, "provider_id": "hue", "name": "Cổng định danh Huế (test)"}
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [first, second]}}

    page = client.get("/accounts/login/").content.decode()

    assert "Đăng nhập bằng tài khoản của tỉnh: Cổng định danh tỉnh (test)" in page
    assert "Đăng nhập bằng tài khoản của tỉnh: Cổng định danh Huế (test)" in page
    assert 'action="/accounts/oidc/hue/login/' in page


def test_the_authorisation_request_uses_pkce_state_and_nonce(client, sso):
    query = parse_qs(urlsplit(start(client)).query)

    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 8 and len(query["nonce"][0]) >= 32
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}


def test_a_first_sign_in_creates_a_business_member_from_the_verified_claims(client, sso):
    response = sign_in(client, "chu-doanh-nghiep")

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="chu.dn@example.vn")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.full_name == "Nguyễn Thị Hoa"
    assert not user.has_usable_password()
    assert user_roles(user=user) == {Role.BUSINESS_MEMBER}
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "province"
    assert client.get("/me/").status_code == 200

    # and the owner's profile is pre-filled: the phone the provider gave, for the business registration
    from accounts.selectors import user_sso_profile

    assert user_sso_profile(user=user) == {"full_name": "Nguyễn Thị Hoa", "phone": "+84901234567"}
    registration = client.get("/business/register/").content.decode()
    assert 'value="+84901234567"' in registration


def test_a_returning_user_signs_in_to_the_same_account(client, sso):
    sign_in(client, "chu-doanh-nghiep")
    client.post("/accounts/logout/")

    response = sign_in(client, "chu-doanh-nghiep")

    assert response.status_code == 302
    assert User.objects.filter(email="chu.dn@example.vn").count() == 1
    assert "_auth_user_id" in client.session


def test_a_wrong_state_is_refused(client, sso):
    url = sign_in_at_provider(authorize_url=start(client), login="chu-doanh-nghiep", stop_at=CALLBACK)
    forged = callback_path(url).replace("state=", "state=forged")

    response = client.get(forged)

    assert_refused(response, "Start again from the sign-in page" if "Start" in response.content.decode()
                   else "Hãy bắt đầu lại")
    assert not User.objects.filter(email="chu.dn@example.vn").exists()


def test_a_replayed_code_is_refused(client, sso):
    # given a code the victim's browser already used
    url = sign_in_at_provider(authorize_url=start(client), login="chu-doanh-nghiep", stop_at=CALLBACK)
    assert client.get(callback_path(url)).status_code == 302
    code = parse_qs(urlsplit(url).query)["code"][0]

    # when an attacker who saw it plays it into a sign-in of their own (their own state)
    from django.test import Client

    attacker = Client()
    own = sign_in_at_provider(authorize_url=start(attacker), login="da-co-tai-khoan", stop_at=CALLBACK)
    state = parse_qs(urlsplit(own).query)["state"][0]
    response = attacker.get("/accounts/oidc/province/login/callback/", {"code": code, "state": state})

    # then the provider refuses the code, and the attacker has no session
    assert_refused(response, "đã được dùng")


@pytest.mark.parametrize(("mode", "words"), [
    ("other-issuer", "nhà cung cấp định danh khác"),
    ("bad-signature", "xác minh được phản hồi"),
    ("expired", "đã hết hạn"),
    ("wrong-nonce", "không thuộc về lần đăng nhập"),
    ("wrong-audience", "dành cho dịch vụ khác"),
])
def test_a_broken_id_token_is_refused(client, sso, mode, words):
    sso.tamper_next_id_token(mode)

    response = sign_in(client, "chu-doanh-nghiep")

    assert_refused(response, words)
    assert not User.objects.filter(email="chu.dn@example.vn").exists()


def test_a_clock_a_few_seconds_ahead_is_tolerated(client, sso):
    sso.tamper_next_id_token("skewed-iat")  # issued 30 s "in the future": within SSO_CLOCK_SKEW_SECONDS

    response = sign_in(client, "chu-doanh-nghiep")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_clock_skew_beyond_the_setting_is_refused(client, sso, settings):
    settings.SSO_CLOCK_SKEW_SECONDS = 10
    sso.tamper_next_id_token("skewed-iat")

    assert_refused(sign_in(client, "chu-doanh-nghiep"), "đã hết hạn")


def test_rotated_keys_are_fetched_again(client, sso):
    # given the platform saw the provider's keys once (they are cached)
    assert sign_in(client, "chu-doanh-nghiep").status_code == 302
    client.post("/accounts/logout/")

    # when the provider starts signing with a new key
    kids = sso.rotate_keys()
    assert len(kids) >= 2

    # then the next sign-in still works (the new key is fetched), and a token under an unknown key does not
    assert sign_in(client, "chu-doanh-nghiep").status_code == 302
    client.post("/accounts/logout/")
    sso.tamper_next_id_token("bad-signature")
    assert_refused(sign_in(client, "chu-doanh-nghiep"), "xác minh được phản hồi")


def test_an_unverified_email_is_refused(client, sso):
    response = sign_in(client, "chua-xac-minh")

    assert_refused(response, "chưa xác minh")
    assert not User.objects.filter(email="chua.xac.minh@example.vn").exists()


def test_an_existing_account_is_linked_only_after_signing_in_to_it(client, sso):
    # given an account with the same email, made with a password
    user = UserFactory(email="da.co@example.vn")

    # when its email arrives through the provider
    response = sign_in(client, "da-co-tai-khoan")

    # then it is not signed in: its owner is asked to sign in with the password first
    assert_refused(response, "Liên kết")
    assert not SocialAccount.objects.filter(user=user).exists()

    # when they sign in with their password and link the province account
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert 'href="/accounts/3rdparty/"' in client.get("/me/").content.decode()
    page = client.get("/accounts/3rdparty/").content.decode()
    assert "Liên kết" in page
    response = client.post(LOGIN, {"process": "connect"})
    url = sign_in_at_provider(authorize_url=response["Location"], login="da-co-tai-khoan", stop_at=CALLBACK)
    client.get(callback_path(url))

    # then the provider is linked (and audited), and the next provider sign-in opens this account
    account = SocialAccount.objects.get(user=user)
    assert AuditEvent.objects.filter(action=AuditAction.SSO_LINKED, actor=user).exists()
    client.post("/accounts/logout/")
    assert sign_in(client, "da-co-tai-khoan").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # and they can see and remove it
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    assert "Cổng định danh tỉnh (test)" in client.get("/accounts/3rdparty/").content.decode()
    client.post("/accounts/3rdparty/", {"account": account.pk})
    assert not SocialAccount.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SSO_UNLINKED, actor=user).exists()


def test_roles_are_never_granted_from_claims_by_default(client, sso):
    sign_in(client, "can-bo")

    user = User.objects.get(email="can.bo@example.vn")
    assert user_roles(user=user) == {Role.BUSINESS_MEMBER}


def test_the_role_mapping_grants_roles_and_is_audited(client, sso, settings):
    settings.SSO_ROLE_CLAIM = "groups"
    settings.SSO_ROLE_MAP = {"so-cong-thuong": Role.TRADE_OFFICER}

    sign_in(client, "can-bo")

    user = User.objects.get(email="can.bo@example.vn")
    assert Role.TRADE_OFFICER in user_roles(user=user)
    event = AuditEvent.objects.get(action=AuditAction.SSO_ROLES_GRANTED)
    assert event.actor == user
    assert event.details["roles"] == [Role.TRADE_OFFICER] and event.details["values"] == ["so-cong-thuong"]


def officer(email: str, *, totp: bool = True) -> User:
    user = UserFactory(email=email, roles=[Role.TRADE_OFFICER])
    if totp:
        TOTP.activate(user, SECRET)
    return user


def link(user: User, uid: str) -> None:
    SocialAccount.objects.create(user=user, provider="province", uid=uid)


def test_an_officer_signing_in_through_the_provider_still_passes_two_factor(client, sso):
    user = officer("can.bo@example.vn")
    link(user, "can-bo")

    response = sign_in(client, "can-bo")

    # then allauth asks for the code, and nothing opens before it
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/officer/").status_code == 302
    client.post("/accounts/2fa/authenticate/",
                {"code": format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))})
    assert client.get("/officer/").status_code == 200


def test_an_officer_without_an_authenticator_sets_one_up(client, sso):
    user = officer("can.bo@example.vn", totp=False)
    link(user, "can-bo")

    sign_in(client, "can-bo")

    assert client.get("/officer/")["Location"] == "/accounts/2fa/totp/activate/"


def test_an_officer_created_through_the_provider_confirms_it_is_them_there_and_sets_up_two_factor(client, sso,
                                                                                                  settings):
    # given an officer whose account exists only through the provider: no password here, no multi-factor there
    settings.SSO_ROLE_CLAIM = "groups"
    settings.SSO_ROLE_MAP = {"so-cong-thuong": Role.TRADE_OFFICER}
    browser = requests.Session()
    sign_in(client, "can-bo", browser=browser)
    user = User.objects.get(email="can.bo@example.vn")
    assert not user.has_usable_password() and Role.TRADE_OFFICER in user_roles(user=user)

    # when they open the two-factor set-up page, allauth asks them to confirm it is them: at the provider
    assert client.get("/officer/")["Location"] == "/accounts/2fa/totp/activate/"
    confirm = client.get("/accounts/2fa/totp/activate/")
    assert confirm.status_code == 302
    confirm_page = client.get(confirm["Location"])
    assert confirm_page.status_code == 200
    assert "Xác nhận lại bằng tài khoản của tỉnh" in confirm_page.content.decode()
    authorize = client.post(confirm["Location"])
    assert authorize.status_code == 302 and authorize["Location"].startswith(sso.issuer)
    query = parse_qs(urlsplit(authorize["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]

    # and the provider asks for the password again although its session is still open
    page = browser.get(authorize["Location"], allow_redirects=True, timeout=10)
    assert "/interaction/" in page.url and "Mật khẩu" in page.text
    url = sign_in_at_provider(authorize_url=authorize["Location"], login="can-bo", browser=browser, stop_at=CALLBACK)
    back = client.get(callback_path(url))

    # then they are back on the set-up page, and set up their authenticator
    assert back.status_code == 302 and back["Location"] == "/accounts/2fa/totp/activate/", back.content[:500]
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200, activate.get("Location")
    secret = activate.context["form"].secret
    done = client.post("/accounts/2fa/totp/activate/",
                       {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
    assert done.status_code == 302 and user.authenticator_set.filter(type="totp").exists()

    # and, like every officer, pass its two-factor step, which opens the officer pages
    assert client.get("/officer/")["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fofficer%2F"
    step = client.post("/accounts/2fa/reauthenticate/?next=/officer/",
                       {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
    assert step["Location"] == "/officer/"
    assert client.get("/officer/").status_code == 200


def test_confirming_at_the_provider_as_someone_else_is_refused(client, sso, settings):
    settings.SSO_ROLE_CLAIM = "groups"
    settings.SSO_ROLE_MAP = {"so-cong-thuong": Role.TRADE_OFFICER}
    sign_in(client, "can-bo")
    client.get("/accounts/2fa/totp/activate/")
    authorize = client.post("/accounts/oidc/province/reauthenticate/")

    url = sign_in_at_provider(authorize_url=authorize["Location"], login="chu-doanh-nghiep", stop_at=CALLBACK)
    response = client.get(callback_path(url))

    assert response.status_code == 403
    assert "tài khoản khác" in response.content.decode()
    assert client.get("/accounts/2fa/totp/activate/").status_code == 302


def test_a_user_with_no_linked_province_account_cannot_confirm_there(client, sso):
    assert client.post("/accounts/oidc/province/reauthenticate/")["Location"].startswith("/accounts/login/")
    user = UserFactory(email="khong.lien.ket@example.vn")
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    response = client.post("/accounts/oidc/province/reauthenticate/")

    assert response.status_code == 302 and not response["Location"].startswith(sso.issuer)


def test_the_providers_multi_factor_counts_when_its_amr_is_accepted(client, sso):
    user = officer("can.bo.mfa@example.vn", totp=False)
    link(user, "can-bo-mfa")

    response = sign_in(client, "can-bo-mfa")

    assert response.status_code == 302 and response["Location"] != "/accounts/2fa/authenticate/"
    assert client.get("/officer/").status_code == 200


def test_the_providers_acr_counts_only_when_the_setting_accepts_it(client, sso, settings):
    settings.SSO_MFA_AMR_VALUES = []
    user = officer("can.bo.mfa@example.vn")
    link(user, "can-bo-mfa")

    assert sign_in(client, "can-bo-mfa")["Location"] == "/accounts/2fa/authenticate/"

    client.logout()
    settings.SSO_MFA_ACR_VALUES = ["urn:dongthap:loa:2"]
    sign_in(client, "can-bo-mfa")
    assert client.get("/officer/").status_code == 200


def test_signing_out_ends_the_providers_session_too(client, sso):
    browser = requests.Session()
    sign_in(client, "chu-doanh-nghiep", browser=browser)

    response = client.post("/accounts/logout/")

    # then the local session is gone, and the browser goes to the provider's end-session endpoint
    assert "_auth_user_id" not in client.session
    location = response["Location"]
    assert location.startswith(f"{sso.issuer}/session/end")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"] and query["id_token_hint"]

    # when the browser confirms there, the provider signs it out and sends it home
    page = browser.get(location, timeout=10)
    xsrf = page.text.split('name="xsrf" value="')[1].split('"')[0]
    done = browser.post(f"{sso.issuer}/session/end/confirm", data={"xsrf": xsrf, "logout": "yes"},
                        allow_redirects=False, timeout=10)
    assert done.headers["Location"].startswith("http://testserver/")

    # and the next sign-in asks for the password at the provider again
    again = browser.get(start(client), allow_redirects=True, timeout=10)
    assert "/interaction/" in again.url and "Mật khẩu" in again.text


def test_an_unreachable_provider_gives_a_clear_page_and_no_error(client, sso, settings):
    from tests.sso_provider import _free_port

    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["server_url"] = (
        f"http://127.0.0.1:{_free_port()}")  # nothing listens there

    response = client.post(LOGIN)

    assert response.status_code == 503
    assert "Hiện không kết nối được cổng định danh của tỉnh" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_role_the_mapping_names_wrongly_is_ignored(client, sso, settings):
    settings.SSO_ROLE_CLAIM = "groups"
    settings.SSO_ROLE_MAP = {"so-cong-thuong": "superuser"}

    assert sign_in(client, "can-bo").status_code == 302

    assert user_roles(user=User.objects.get(email="can.bo@example.vn")) == {Role.BUSINESS_MEMBER}


@pytest.mark.parametrize(("providers", "words"), [
    ('[{"id": "dongthap", "issuer": "http://id.example.vn", "client_id": "x", "client_secret": "y"}]', "https://"),
    ('[{"id": "dong thap/../", "issuer": "https://id.example.vn", "client_id": "x"}]', "letters, digits"),
    ('[{"name": "no id"}]', "at least id, issuer and client_id"),
])
def test_production_refuses_a_provider_configured_wrongly(providers, words):
    from tests.config.test_settings import GOOD_ENV, _check

    result = _check({**GOOD_ENV, "SSO_PROVIDERS": providers})

    assert result.returncode != 0
    assert words in result.stderr


@pytest.mark.parametrize("query", [
    {}, {"state": "x"}, {"code": "x"}, {"code": "x" * 5000, "state": "y" * 5000}, {"error": "access_denied"},
    {"error": "server_error", "error_description": "<script>alert(1)</script>"}, {"code": "\x00", "state": "ø%00"},
])
def test_hostile_callbacks_are_refused_without_an_error(client, sso, query):
    response = client.get("/accounts/oidc/province/login/callback/", query)

    assert response.status_code in (302, 403), response.status_code
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_cancelled_sign_in_at_the_provider_says_so(client, sso):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]

    response = client.get("/accounts/oidc/province/login/callback/", {"error": "access_denied", "state": state},
                          follow=True)

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/3rdparty/login/cancelled/"


def test_nobody_removes_another_users_linked_account(client, sso):
    owner = UserFactory()
    theirs = SocialAccount.objects.create(user=owner, provider="province", uid="chu-doanh-nghiep")
    other = UserFactory()
    SocialAccount.objects.create(user=other, provider="province", uid="can-bo")
    client.post("/accounts/login/", {"login": other.email, "password": DEFAULT_PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})

    client.post("/accounts/3rdparty/", {"account": theirs.pk})

    assert SocialAccount.objects.filter(pk=theirs.pk, user=owner).exists()
