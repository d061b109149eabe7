"""The sandbox TikTok Shop: a strict local TikTok Shop Partner API (see server.py), and how the tests, the
contract suite and ``make run`` start it (see ``marketplace_sandbox.sandbox``)."""

from __future__ import annotations

import environ
from django.conf import settings

from ..sandbox import Sandbox
from .server import TikTokSimulator

__all__ = ["TikTokSimulator", "connector_settings", "sandbox", "sandbox_server"]

env = environ.Env()
PORT = env.int("TIKTOK_SANDBOX_PORT", default=8704)
CREDENTIAL_SETTINGS = ("TIKTOK_APP_KEY", "TIKTOK_APP_SECRET")
# The sandbox's public test app.
APP_KEY = "sandbox-tiktok-app"
APP_SECRET = "sandbox-tiktok-app-secret-not-a-secret"
SERVICE_ID = "7100000000000000001"
# `make run`: new products pass the audit after this many seconds; a title containing the marker is rejected
# with a reason, so a rejection can be seen in the browser.
AUDIT_SECONDS = 20.0
REJECT_MARKER = "REJECT"


# The Redirect URL the sandbox's public test app registers, as in Partner Center: make run's platform
# (Makefile: 127.0.0.1:8000), or the test client's host.
MAKE_RUN_REDIRECT_URL = "http://127.0.0.1:8000/marketplaces/connect/tiktok/callback/"
TEST_REDIRECT_URL = "http://testserver/marketplaces/connect/tiktok/callback/"


def connector_settings(url: str) -> dict:
    return {"TIKTOK_API_HOST": url, "TIKTOK_AUTH_HOST": url, "TIKTOK_AUTHORIZE_URL": f"{url}/open/authorize",
            "TIKTOK_APP_KEY": APP_KEY, "TIKTOK_APP_SECRET": APP_SECRET, "TIKTOK_SERVICE_ID": SERVICE_ID}


def sandbox() -> Sandbox:
    """Its audit passes every product at once, so the contract suite can go on to price, stock and pausing.
    Stock keeps to the documented range 1-99 999 (a 0 is refused, 12052055), as in ``make run``."""
    sim = TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, service_id=SERVICE_ID, audit_seconds=0,
                          registered_redirect_uri=TEST_REDIRECT_URL).start()
    return Sandbox(
        simulator=sim, settings=connector_settings(sim.url), callback_params=lambda: {"code": sim.issue_code()},
        category_id="600103", attribute_values={"100101": ["1001011"]}, shipping_channel_id="",
        create_path="/product/202309/products",
    )


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None,
                   push_url: str | None = None) -> TikTokSimulator:
    """The sandbox TikTok Shop for ``make run``: the public test app on a fixed loopback port, started, its
    audit as ``AUDIT_SECONDS`` and ``REJECT_MARKER`` say. Webhooks go to ``push_url``, by default
    MARKETPLACE_PUSH_BASE_URL + /marketplaces/push/tiktok/ (none when that setting is empty: the platform's
    audit poll still sees the decision)."""
    if push_url is None and settings.MARKETPLACE_PUSH_BASE_URL:
        push_url = f"{settings.MARKETPLACE_PUSH_BASE_URL.rstrip('/')}/marketplaces/push/tiktok/"
    return TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, service_id=SERVICE_ID, host=host, port=port,
                           rate_limit_per_second=rate_limit_per_second or 50.0, audit_seconds=AUDIT_SECONDS,
                           reject_marker=REJECT_MARKER, push_url=push_url,
                           registered_redirect_uri=MAKE_RUN_REDIRECT_URL).start()
