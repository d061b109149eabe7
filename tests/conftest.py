"""Shared fixtures. Tests reach no network but loopback (pytest-socket, see pyproject addopts)."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone-sized screen by default: most owners use the platform on a phone.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "vi-VN"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits and other counters live in the cache: start every test from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_join_guard_reset():
    """Celery keeps "a task is running here" in a process-wide flag, set and restored around each eager
    task; two eager tasks in two threads (the live server's) can restore it in the wrong order and leave it
    set, after which any ``result.get()`` in this process is refused. Start every test with it clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _force_login_is_a_finished_sign_in(monkeypatch):
    """``client.force_login(user)`` stands for a sign-in through allauth that was finished: the password and,
    for a user with an authenticator, the two-factor step, recorded in the session the way allauth records
    them (accounts.middleware.SessionPolicyMiddleware ends sessions without that record). Tests of the policy
    itself sign in with ``client.login()`` (no allauth) or through the login pages."""
    from django.test import AsyncClient, Client

    from tests.factories import record_allauth_sign_in

    for client_class in (Client, AsyncClient):
        original = client_class.force_login

        def force_login(self, user, backend=None, _original=original):
            _original(self, user, backend)
            record_allauth_sign_in(self, user)

        monkeypatch.setattr(client_class, "force_login", force_login)
