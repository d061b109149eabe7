"""The sandbox Lazada: a strict local Lazada Open Platform (see server.py), and how the tests, the contract
suite and ``make run`` start it (see ``marketplace_sandbox.sandbox``)."""

from __future__ import annotations

import environ

from ..sandbox import Sandbox
from .server import LazadaSimulator

__all__ = ["LazadaSimulator", "connector_settings", "sandbox", "sandbox_server"]

env = environ.Env()
PORT = env.int("LAZADA_SANDBOX_PORT", default=8702)
CREDENTIAL_SETTINGS = ("LAZADA_APP_KEY", "LAZADA_APP_SECRET")
# The sandbox's public test app.
APP_KEY = "100001"
APP_SECRET = "sandbox-app-secret-not-a-secret"


def connector_settings(url: str) -> dict:
    return {"LAZADA_API_HOST": f"{url}/rest", "LAZADA_AUTH_HOST": f"{url}/rest",
            "LAZADA_AUTHORIZE_URL": f"{url}/oauth/authorize", "LAZADA_APP_KEY": APP_KEY,
            "LAZADA_APP_SECRET": APP_SECRET}


def sandbox() -> Sandbox:
    sim = LazadaSimulator(app_key=APP_KEY, app_secret=APP_SECRET).start()
    return Sandbox(
        simulator=sim, settings=connector_settings(sim.url), callback_params=lambda: {"code": sim.issue_code()[0]},
        category_id="10000101", attribute_values={"origin": ["Việt Nam"], "shelf_life": ["12 tháng"]},
        shipping_channel_id="", create_path="/product/create",
    )


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> LazadaSimulator:
    """The sandbox Lazada for ``make run``: the public test app on a fixed loopback port, started.
    ``rate_limit_per_second`` adds a per-seller limit to every API."""
    return LazadaSimulator(app_key=APP_KEY, app_secret=APP_SECRET, host=host, port=port,
                           default_api_rate_limit=rate_limit_per_second).start()
