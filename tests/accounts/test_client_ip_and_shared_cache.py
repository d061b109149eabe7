"""Per-IP sign-in limits hold behind the shipped nginx and across processes (issue 14 item 5, ASVS V2.2.1).

Behind nginx every request reaches gunicorn from 127.0.0.1; production settings read the client's address from
the header nginx sets, and refuse to start without the shared cache (Redis) the limits are counted in.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory

REPO = Path(__file__).resolve().parents[2]
NGINX_SITE = REPO / "platform" / "deploy" / "nginx" / "dongthap-sme.conf"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "r0duct10n-s3cr3t-k3y-w1th-3n0ugh-ch4rs!",
    "DJANGO_ALLOWED_HOSTS": "sme.dongthap.example",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "MARKETPLACE_TOKEN_KEYS": "kq9y0QWq3a8o7cBqbd2zB1rZ0m7qXKQdQnJ3xWk6lVA=",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
}


def production_settings(*names: str, env: dict[str, str] = PRODUCTION_ENV) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh process and print ``names`` as JSON."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))")
    base = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}"},
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def nginx_client_ip_header() -> str:
    """The header the shipped nginx site sets to the client's address for the app."""
    app_block = NGINX_SITE.read_text().split("proxy_pass http://dongthap_sme_app;")[1].split("}")[0]
    found = re.findall(r"proxy_set_header\s+(\S+)\s+\$remote_addr;", app_block)
    assert len(found) == 1, found
    return found[0]


def test_production_reads_the_client_address_from_the_header_nginx_sets_and_counts_in_redis():
    result = production_settings("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "CACHES")

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"] == nginx_client_ip_header() == "X-Real-IP"
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]


def test_production_refuses_to_start_without_redis():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}

    result = production_settings("CACHES", env=env)

    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


@pytest.mark.django_db
def test_one_client_guessing_passwords_does_not_lock_out_the_others_behind_nginx(client):
    # given production's client-IP header, and every request arriving from nginx on 127.0.0.1
    header = nginx_client_ip_header()
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    victims = [UserFactory() for _ in range(3)]
    owner = UserFactory()
    client.cookies["sme_language"] = "en"

    with override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER=header):
        # when one client fails logins until it is refused (allauth: 10 failures a minute per address)
        refused = False
        for attempt in range(12):
            page = client.post("/accounts/login/", {"login": victims[attempt % 3].email, "password": "wrong-guess"},
                               REMOTE_ADDR="127.0.0.1", **{meta_key: "203.0.113.9"}).content.decode()
            refused = refused or "Too many failed login attempts" in page
        assert refused

        # then another client (another address in the header, same 127.0.0.1 peer) still signs in
        response = client.post("/accounts/login/", {"login": owner.email, "password": DEFAULT_PASSWORD},
                               REMOTE_ADDR="127.0.0.1", **{meta_key: "198.51.100.7"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
