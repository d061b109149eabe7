"""The sandbox Shopee: a strict local Shopee Open Platform v2 (see server.py), and how the tests, the contract
suite and ``make run`` start it (see ``marketplace_sandbox.sandbox``)."""

from __future__ import annotations

import environ

from ..sandbox import Sandbox
from .server import ShopeeSimulator

__all__ = ["ShopeeSimulator", "connector_settings", "sandbox", "sandbox_server"]

env = environ.Env()
PORT = env.int("SHOPEE_SANDBOX_PORT", default=8701)
CREDENTIAL_SETTINGS = ("SHOPEE_PARTNER_ID", "SHOPEE_PARTNER_KEY")
# The sandbox's public test partner.
PARTNER_ID = 1000001
PARTNER_KEY = "sandbox-partner-key-not-a-secret"


def connector_settings(url: str) -> dict:
    return {"SHOPEE_API_HOST": url, "SHOPEE_PARTNER_ID": PARTNER_ID, "SHOPEE_PARTNER_KEY": PARTNER_KEY}


def sandbox() -> Sandbox:
    sim = ShopeeSimulator(partner_id=PARTNER_ID, partner_key=PARTNER_KEY, reject_repeated_items=False).start()

    def approve() -> dict[str, str]:
        code, shop_id = sim.issue_code()
        return {"code": code, "shop_id": str(shop_id)}

    return Sandbox(
        simulator=sim, settings=connector_settings(sim.url), callback_params=approve, category_id="100101",
        attribute_values={"501": ["5011"], "502": ["12 tháng"]}, shipping_channel_id="50011",
        create_path="/api/v2/product/add_item",
    )


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> ShopeeSimulator:
    """The sandbox Shopee for ``make run``: the public test partner on a fixed loopback port, started."""
    return ShopeeSimulator(partner_id=PARTNER_ID, partner_key=PARTNER_KEY, host=host, port=port,
                           rate_limit_per_second=rate_limit_per_second).start()
