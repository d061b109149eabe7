"""The sandbox Tiki: a strict local Tiki Open API (see server.py), and how the tests, the contract suite and
``make run`` start it (see ``marketplace_sandbox.sandbox``)."""

from __future__ import annotations

import environ

from marketplace_connectors.backends.tiki.mappers import REQUEST_PREFIX

from ..sandbox import Sandbox
from .server import TikiSimulator

__all__ = ["TikiSimulator", "connector_settings", "sandbox", "sandbox_server"]

env = environ.Env()
PORT = env.int("TIKI_SANDBOX_PORT", default=8703)
CREDENTIAL_SETTINGS = ("TIKI_CLIENT_ID", "TIKI_CLIENT_SECRET")
# The sandbox's public test app.
CLIENT_ID = "7590139168389961"
CLIENT_SECRET = "sandbox-client-secret-not-a-secret"
REDIRECT_URI = "http://testserver/marketplaces/connect/tiki/callback/"
# `make run`'s platform (Makefile: 127.0.0.1:8000): the callback the sandbox's public test app registers
MAKE_RUN_REDIRECT_URI = "http://127.0.0.1:8000/marketplaces/connect/tiki/callback/"


def connector_settings(url: str, *, media_base_url: str = "http://localhost") -> dict:
    """``media_base_url``: where the sandbox "downloads" photos and certificates from (it never does)."""
    return {"TIKI_API_HOST": url, "TIKI_AUTHORIZE_URL": f"{url}/sc/oauth2/auth", "TIKI_TOKEN_URL": f"{url}/sc/oauth2/token",
            "TIKI_CLIENT_ID": CLIENT_ID, "TIKI_CLIENT_SECRET": CLIENT_SECRET, "TIKI_MEDIA_BASE_URL": media_base_url,
            "TIKI_REDIRECT_URI": MAKE_RUN_REDIRECT_URI}


def sandbox() -> Sandbox:
    """Product requests wait until ``decide_review`` decides them, as Tiki's reviewers would."""
    sim = TikiSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    return Sandbox(
        simulator=sim,
        settings={**connector_settings(sim.url, media_base_url="http://testserver"), "TIKI_REDIRECT_URI": REDIRECT_URI},
        callback_params=lambda: {"code": sim.issue_code(redirect_uri=REDIRECT_URI)[0]},
        category_id=str(sim.sandbox_category_id), attribute_values={"origin": ["Việt Nam"]},
        shipping_channel_id="", create_path="/integration/v2.1/requests",
        decide_review=lambda external_id, approve, reason: sim.decide_request(
            external_id.removeprefix(REQUEST_PREFIX), approve, reason),
    )


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> TikiSimulator:
    """The sandbox Tiki for ``make run``: the public test app on a fixed loopback port, started. Product
    requests are approved 30 seconds after they are made, as if a reviewer had looked; the app's registered
    callback is make run's platform (MAKE_RUN_REDIRECT_URI, the dev settings' TIKI_REDIRECT_URI), which the consent
    link and the code exchange must both carry, as on Tiki."""
    return TikiSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, host=host, port=port,
                         auto_approve_after=30.0, registered_redirect_uris=(MAKE_RUN_REDIRECT_URI,),
                         rate_limit_per_second=rate_limit_per_second or 200.0).start()
