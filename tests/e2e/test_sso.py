"""In the browser, on a phone-sized screen in Vietnamese: a business owner and a trade officer sign in through the
province's identity provider (oidc-provider, OpenID Certified, on a loopback port: tests/sso_provider); the
officer still passes this platform's two-factor step; signing out ends the provider's session too."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory
from tests.sso_provider import CLIENT_ID, CLIENT_SECRET, PASSWORD, IdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "JBSWY3DPEHPK3PXPSSOE2ETESTSSSOE2"
BUTTON = "Đăng nhập bằng tài khoản của tỉnh"


@pytest.fixture
def identity_provider(live_server, settings):
    provider = IdentityProvider(redirect_uris=[f"{live_server.url}/accounts/oidc/province/login/callback/"],
                                post_logout_redirect_uris=[f"{live_server.url}/"]).start()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "province", "name": "Cổng định danh tỉnh (test)", "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET, "settings": {"server_url": provider.issuer}}]}}
    yield provider
    provider.stop()


def sign_in_at_the_provider(page, login: str) -> None:
    expect(page.get_by_role("heading", name="Cổng định danh tỉnh Đồng Tháp (test)")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_owner_signs_in_through_the_province_and_signing_out_ends_both_sessions(live_server, page,
                                                                                  identity_provider):
    # when a newcomer presses the province button on the login page and signs in at the provider
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(f"{identity_provider.issuer}/interaction/**")
    sign_in_at_the_provider(page, "chu-doanh-nghiep")

    # then they are back, signed in to a new account named as the provider says
    page.wait_for_url("**/me/")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hoa")
    assert User.objects.get(email="chu.dn@example.vn").full_name == "Nguyễn Thị Hoa"

    # when they sign out here, the provider asks to end its session too
    page.goto(live_server.url + "/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{identity_provider.issuer}/session/end**")
    page.get_by_role("button", name="Đăng xuất").click()

    # then they are back on the home page, signed out of both
    page.wait_for_url(f"{live_server.url}/")
    assert page.context.request.get(live_server.url + "/me/", max_redirects=0).status == 302
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(f"{identity_provider.issuer}/interaction/**")
    expect(page.get_by_label("Mật khẩu")).to_be_visible()


def test_an_officer_signs_in_through_the_province_and_still_passes_two_factor(live_server, page,
                                                                               identity_provider):
    # given an officer with an authenticator, whose province account is linked
    officer = UserFactory(email="can.bo@example.vn", roles=[Role.TRADE_OFFICER], preferred_language="vi")
    TOTP.activate(officer, SECRET)
    SocialAccount.objects.create(user=officer, provider="province", uid="can-bo")

    # when they sign in through the province (a password only, as far as its ID token says)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name=BUTTON).click()
    sign_in_at_the_provider(page, "can-bo")

    # then this platform asks for the authenticator code before anything opens
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert page.context.request.get(live_server.url + "/officer/", max_redirects=0).status == 302
    page.fill("input[name=code]", format_hotp_value(hotp_value(SECRET, int(time.time()) // 30)))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/me/")

    # and then the officers' pages open
    response = page.goto(live_server.url + "/officer/")
    assert response.status == 200
