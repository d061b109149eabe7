"""The Vietnamese translation is complete, and the sign-in pages and emails really come out in Vietnamese.

The catalog checks read every ``django.po`` in the project, so they also hold the other apps' catalogs
to the rule "no empty msgstr, no fuzzy entry".
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core import mail
from django.utils.translation import trans_real

from accounts.models import User
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
CATALOG_ROOTS = ("platform", "sme", "cms", "marketplace_connectors")
SIGN_UP_PASSWORD = "song-tien-sa-dec-2026"


def project_catalogs() -> list[Path]:
    return sorted(
        path
        for root in CATALOG_ROOTS
        for path in (REPO / root).glob("**/locale/*/LC_MESSAGES/django.po")
        if ".venv" not in path.parts
    )


def read_catalog(path: Path):
    with path.open("rb") as po:
        return read_po(po, abort_invalid=True)


def describe(path: Path, message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    context = f" [{message.context}]" if message.context else ""
    return f"{path.relative_to(REPO)}: {msgid!r}{context}"


@pytest.fixture(scope="module")
def compiled_catalogs():
    """Compile stale .mo files as ``make messages`` does, so these tests also run on a fresh checkout."""
    for po_path in project_catalogs():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = read_catalog(po_path)
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, suffix=".mo.tmp", delete=False) as tmp:
            write_mo(tmp, catalog, use_fuzzy=False)
        os.replace(tmp.name, mo_path)
    # Django caches loaded catalogs per process; drop them so the fresh .mo files are read.
    trans_real._translations = {}
    trans_real._default = None


def test_the_platform_and_allauth_catalogs_exist():
    catalogs = {str(path.relative_to(REPO)) for path in project_catalogs()}

    assert "platform/config/locale/vi/LC_MESSAGES/django.po" in catalogs
    assert "platform/accounts/locale/vi/LC_MESSAGES/django.po" in catalogs


def test_no_catalog_has_an_untranslated_or_fuzzy_entry():
    problems = []
    for path in project_catalogs():
        catalog = read_catalog(path)
        if catalog.fuzzy:
            problems.append(f"{path.relative_to(REPO)}: header is marked fuzzy (pybabel compile skips the file)")
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"untranslated {describe(path, message)}")
            if message.fuzzy:
                problems.append(f"fuzzy {describe(path, message)}")

    assert problems == [], "\n".join(problems)


def test_translations_keep_the_placeholders_and_plural_forms_of_their_source():
    problems = []
    for path in project_catalogs():
        for message, errors in read_catalog(path).check():
            problems.extend(f"{describe(path, message)}: {error}" for error in errors)

    assert problems == [], "\n".join(problems)


def test_allauths_account_and_two_factor_strings_are_in_vietnamese():
    catalog = read_catalog(REPO / "platform/config/locale/vi/LC_MESSAGES/django.po")

    assert catalog.get("Sign In").string == "Đăng nhập"
    assert catalog.get("Please Confirm Your Email Address").string == "Vui lòng xác nhận địa chỉ email của bạn"
    assert catalog.get("Password Reset Email").string == "Email đặt lại mật khẩu"
    assert catalog.get("Activate Authenticator App").string == "Bật ứng dụng xác thực"
    assert catalog.get("Recovery Codes").string == "Mã khôi phục"


@pytest.mark.django_db
def test_the_login_page_is_in_vietnamese_by_default(client, compiled_catalogs):
    # when
    page = client.get("/accounts/login/").content.decode()

    # then
    assert re.search(r"<h1>\s*Đăng nhập\s*</h1>", page)
    assert "Quên mật khẩu?" in page
    assert "Sign In" not in page


@pytest.mark.django_db
def test_the_login_page_is_in_english_with_the_english_cookie(client, compiled_catalogs):
    # given
    client.cookies["sme_language"] = "en"

    # when
    page = client.get("/accounts/login/").content.decode()

    # then
    assert re.search(r"<h1>\s*Sign In\s*</h1>", page)
    assert "Forgot your password?" in page
    assert "Đăng nhập" not in page.split("<main", 1)[1]


@pytest.mark.django_db
def test_signing_up_in_vietnamese_sends_a_vietnamese_verification_email(client, compiled_catalogs):
    # when
    response = client.post("/accounts/signup/", {
        "email": "chu.cua.hang@example.test",
        "full_name": "Nguyễn Thị Hoa",
        "password1": SIGN_UP_PASSWORD,
        "password2": SIGN_UP_PASSWORD,
        "accept_terms": "on",
    })

    # then
    assert response.status_code == 302
    user = User.objects.get(email="chu.cua.hang@example.test")
    assert user.preferred_language == "vi"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chu.cua.hang@example.test"]
    assert message.subject == "[Đồng Tháp SME] Vui lòng xác nhận địa chỉ email của bạn"
    assert "Đồng Tháp SME Online xin chào bạn!" in message.body
    assert "Để xác nhận thông tin này là đúng, hãy mở liên kết http://testserver/accounts/confirm-email/" in message.body


@pytest.mark.django_db
def test_signing_up_in_english_sends_an_english_verification_email(client, compiled_catalogs):
    # given
    client.cookies["sme_language"] = "en"

    # when
    client.post("/accounts/signup/", {
        "email": "shop.owner@example.test",
        "full_name": "Tran Van Minh",
        "password1": SIGN_UP_PASSWORD,
        "password2": SIGN_UP_PASSWORD,
        "accept_terms": "on",
    })

    # then
    assert User.objects.get(email="shop.owner@example.test").preferred_language == "en"
    assert [m.subject for m in mail.outbox] == ["[Đồng Tháp SME] Please Confirm Your Email Address"]
    assert "Hello from Đồng Tháp SME Online!" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_too_short_password_is_refused_in_vietnamese_and_nothing_is_created(client, compiled_catalogs):
    # when
    response = client.post("/accounts/signup/", {
        "email": "ngan@example.test",
        "full_name": "Lê Văn Ngắn",
        "password1": "dt-2026",
        "password2": "dt-2026",
        "accept_terms": "on",
    })

    # then
    assert response.status_code == 200
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 12 ký tự." in response.content.decode()
    assert not User.objects.filter(email="ngan@example.test").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_password_reset_email_is_in_vietnamese(client, compiled_catalogs):
    # given
    user = UserFactory(email="quen.mat.khau@example.test")

    # when
    response = client.post("/accounts/password/reset/", {"email": user.email})

    # then
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["[Đồng Tháp SME] Email đặt lại mật khẩu"]
    assert "Bấm vào liên kết bên dưới để đặt lại mật khẩu." in mail.outbox[0].body
    assert "http://testserver/accounts/password/reset/key/" in mail.outbox[0].body
