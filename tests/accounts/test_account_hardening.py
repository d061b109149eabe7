"""The rest of ASVS level 2 on accounts (issue 14 item 8): password length, consent at sign-up, throttled join
requests and invitations, redirects only to this site, demo data and Celery never on development defaults."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from sme.businesses.models import ConsentRecord, Invitation, JoinRequest
from sme.businesses.privacy import privacy_notice_current
from tests.accounts.test_client_ip_and_shared_cache import PRODUCTION_ENV
from tests.cms.factories import add_step, owner_of
from tests.factories import DEFAULT_PASSWORD, UserFactory, owner_user
from tests.sme.businesses.factories import BusinessFactory, business_with_owner

REPO = Path(__file__).resolve().parents[2]
HOSTILE_TARGETS = ["//evil.example/", "https://evil.example/me/", "/\\evil.example", "javascript:alert(1)",
                   "http://testserver.evil.example/"]


def _sign_up(client, **fields):
    data = {"email": "hoa@example.test", "full_name": "Nguyễn Thị Hoa", "password1": "sen-thap-muoi-2026",
            "password2": "sen-thap-muoi-2026", "accept_terms": "on"}
    return client.post("/accounts/signup/", {**data, **fields})


# --- Passwords ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_of_11_characters_is_refused_and_12_are_accepted(client):
    client.cookies["sme_language"] = "en"

    refused = _sign_up(client, email="eleven@example.test", password1="xoai-cat-26", password2="xoai-cat-26")
    accepted = _sign_up(client, email="twelve@example.test", password1="xoai-cat-267", password2="xoai-cat-267")

    assert refused.status_code == 200
    assert "at least 12 characters" in refused.content.decode()
    assert not User.objects.filter(email="eleven@example.test").exists()
    assert accepted["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="twelve@example.test").exists()


# --- Consent at sign-up ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_records_consent_with_the_notices_version_and_the_time(client):
    before = timezone.now()

    response = _sign_up(client)

    assert response["Location"] == "/accounts/confirm-email/"
    consent = ConsentRecord.objects.get(user__email="hoa@example.test")
    notice = privacy_notice_current()
    assert consent.business is None
    assert (consent.notice_version, consent.language, consent.text_sha256) == (notice.version, "vi", notice.sha256("vi"))
    assert before <= consent.accepted_at <= timezone.now()


@pytest.mark.django_db
def test_sign_up_without_consent_is_refused_with_a_message_and_creates_nothing(client):
    page = _sign_up(client, accept_terms="").content.decode()

    assert "chúng tôi không thể tạo tài khoản khi chưa có sự đồng ý của bạn" in page
    assert not User.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sign_up_page_links_to_the_privacy_notice(client):
    page = client.get("/accounts/signup/").content.decode()

    assert 'name="accept_terms"' in page
    assert f'href="{reverse("businesses:privacy")}"' in page


# --- Throttles ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_join_requests_are_throttled_and_a_refused_one_changes_nothing(client):
    # given a user asking to join six businesses within the hour
    businesses = [BusinessFactory() for _ in range(6)]
    for business in businesses:
        business.memberships.create(user=owner_user(), role="owner")
    client.force_login(owner_user(preferred_language="en"))
    client.cookies["sme_language"] = "en"

    answers = [client.post(reverse("businesses:join"), {"identifier": b.identifier, "message": "Tôi là con của chủ"})
               for b in businesses]

    # then five go out, the sixth is refused with a message and sends nothing
    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert "too many requests to join" in answers[5].content.decode()
    assert JoinRequest.objects.count() == 5
    assert not JoinRequest.objects.filter(business=businesses[5]).exists()
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_invitations_are_throttled_and_a_refused_one_sends_nothing(client):
    business, owner = business_with_owner()
    client.force_login(owner)

    for n in range(21):
        response = client.post(reverse("businesses:team_invite"), {"email": f"staff{n}@example.test", "role": "staff"},
                               follow=True)

    assert "Đã gửi quá nhiều lời mời trong thời gian ngắn" in response.content.decode()
    assert Invitation.objects.filter(business=business).count() == 20
    assert not Invitation.objects.filter(email="staff20@example.test").exists()
    assert len(mail.outbox) == 20


# --- Redirects stay on this site ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_language_switch_never_redirects_to_another_site(client, target):
    response = client.post("/language/", {"language": "en", "next": target})

    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_login_never_redirects_to_another_site(client, target):
    user = UserFactory()

    response = client.post(f"/accounts/login/?next={target}", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_login_goes_on_to_the_page_on_this_site_it_was_asked_for(client):
    user = UserFactory()

    response = client.post("/accounts/login/?next=/catalog/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert response["Location"] == "/catalog/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_marking_a_step_done_never_redirects_to_another_site(client, target):
    step = add_step(title="Đọc quy định")
    _business, owner = owner_of()
    client.force_login(owner)

    response = client.post(reverse("cms:step_done", args=[step.translation_key]), {"next": target})

    assert response["Location"] == reverse("cms:journey")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_pushing_stock_now_never_redirects_to_another_site(client, target):
    _business, owner = owner_of()
    client.force_login(owner)

    response = client.post(reverse("marketplaces:stock_push_now"), {"next": target})

    assert response["Location"] == reverse("marketplaces:order_list")


@pytest.mark.django_db
def test_pushing_stock_now_goes_back_to_the_page_on_this_site(client):
    _business, owner = owner_of()
    client.force_login(owner)

    response = client.post(reverse("marketplaces:stock_push_now"), {"next": "/marketplaces/orders/?page=2"})

    assert response["Location"] == "/marketplaces/orders/?page=2"


# --- Production never runs on development defaults ------------------------------------------------------------


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    base = {k: v for k, v in os.environ.items()
            if k not in {*PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(args, env={**base, **env, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}"}, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [["seed_demo"], ["demo_totp", "officer@demo.dongthap.local"]])
def test_demo_commands_refuse_to_run_with_production_settings(tmp_path, command):
    database = tmp_path / "production.sqlite3"

    result = _run([sys.executable, "manage.py", *command],
                  {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}"})

    assert result.returncode != 0
    assert "refuses to run with these settings (production)" in result.stderr
    assert not database.exists()


def test_celery_without_a_settings_module_starts_on_production_settings_never_development():
    code = ("import os; from config.celery_app import app; from django.conf import settings; "
            "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG, settings.DEMO_DATA_ALLOWED)")
    production = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}

    configured = _run([sys.executable, "-c", code], production)
    unconfigured = _run([sys.executable, "-c", code], {})

    assert configured.stdout.split() == ["config.settings.production", "False", "False"], configured.stderr
    assert unconfigured.returncode != 0  # refuses loudly instead of running with the development settings
    assert "DJANGO_SECRET_KEY" in unconfigured.stderr


@pytest.mark.django_db
def test_an_api_token_expires(client):
    from adoption.indicator import snapshot_store
    from adoption.models import ApiToken
    from adoption.services import api_token_create
    from tests.adoption.factories import officer

    # today's figures are stored, so a valid token reads them (without a snapshot the API answers 202)
    snapshot_store(day=timezone.localdate())
    record, token = api_token_create(user=officer(), name="Superset")
    url = reverse("adoption:api_indicator")

    assert abs(record.expires_at - (timezone.now() + datetime.timedelta(days=90))) < datetime.timedelta(minutes=1)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
