"""Production settings refuse to start half-configured, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "r0duct10n-s3cr3t-k3y-w1th-3n0ugh-ch4rs!",
    "DJANGO_ALLOWED_HOSTS": "sme.dongthap.example",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "MARKETPLACE_TOKEN_KEYS": "kq9y0QWq3a8o7cBqbd2zB1rZ0m7qXKQdQnJ3xWk6lVA=",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
}


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {*GOOD_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check", *args],
        env={**base, **env}, cwd=REPO, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "MARKETPLACE_TOKEN_KEYS", "REDIS_URL"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}

    result = _check(env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_passes_the_deployment_checklist():
    result = _check(GOOD_ENV, "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_default_to_embedded_services(settings):
    if os.environ.get("DATABASE_URL") or os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("this run is configured for PostgreSQL/Redis")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_BROKER_URL.endswith("/celery-broker.sqlite3")
    assert settings.CELERY_BROKER_URL.startswith("sqlite:///")
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_the_operators_come_from_the_environment_with_the_sites_subject_prefix():
    # given two operators in DJANGO_ADMINS, one with a Vietnamese name
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    code = "from django.conf import settings; print(repr(settings.ADMINS)); print(settings.EMAIL_SUBJECT_PREFIX)"
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "shell", "--verbosity", "0", "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.test",
             "DJANGO_ADMINS": "Vận hành <van-hanh@dongthap.example>, ops@dongthap.example"},
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    # then Django's mail_admins reaches both, under the site's own subject prefix
    assert result.returncode == 0, result.stderr
    admins, prefix = result.stdout.splitlines()[-2:]
    assert admins == repr([("Vận hành", "van-hanh@dongthap.example"), ("", "ops@dongthap.example")])
    assert prefix.strip() == "[Đồng Tháp SME]"
