import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_vietnamese_is_the_default_language(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_a_browser_set_to_english_still_gets_vietnamese_until_someone_chooses(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="vi">' in response.content.decode()


def test_switching_language_is_remembered_in_a_cookie(client):
    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["sme_language"].value == "en"
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_a_signed_in_users_choice_is_saved_on_their_account(client):
    user = UserFactory()
    client.force_login(user)

    client.post("/language/", {"language": "en", "next": "/me/"})
    client.cookies.clear()
    client.force_login(user)

    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/me/").content.decode()


def test_an_unknown_language_or_foreign_redirect_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/phish"})

    assert response["Location"] == "/"
    assert "sme_language" not in response.cookies
    assert User.objects.get(pk=user.pk).preferred_language == "vi"
