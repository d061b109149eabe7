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
