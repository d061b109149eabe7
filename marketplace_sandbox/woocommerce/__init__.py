"""The sandbox WooCommerce shop: a strict local WordPress + WooCommerce REST API (see server.py), and how the
tests, the contract suite and ``make run`` start it (see ``marketplace_sandbox.sandbox``)."""

from __future__ import annotations

import environ

from marketplace_connectors.backends.woocommerce.conf import woocommerce_config
from marketplace_connectors.backends.woocommerce.mappers import normalise_shop_url, webhook_secret

from ..sandbox import Sandbox
from .server import WooCommerceSimulator
from .state import SANDBOX_APP_PASSWORD, SANDBOX_USERNAME

__all__ = ["WooCommerceSimulator", "connector_settings", "sandbox", "sandbox_server"]

env = environ.Env()
PORT = env.int("WOOCOMMERCE_SANDBOX_PORT", default=8705)
# An owner's own web shop: the owner types its address and keys; the platform has no app credentials.
CREDENTIAL_SETTINGS = ()


def connector_settings(url: str) -> dict:
    """Nothing to point: the owner connects the sandbox shop at ``url`` with its demo keys (state.py)."""
    return {}


def sandbox() -> Sandbox:
    """A KEYS connector has no consent page: ``callback_params()`` returns the sandbox shop's
    ``shop_url``/``key``/``secret``, the arguments of ``connect_with_keys``. ``settings`` set the webhook key
    the simulator signs with."""
    key = "sandbox-webhook-key-not-a-secret"
    sim = WooCommerceSimulator(
        push_secret=lambda shop_url: webhook_secret(key=key, shop_url=normalise_shop_url(shop_url)),
    ).start()
    return Sandbox(
        simulator=sim, settings={"WOOCOMMERCE_WEBHOOK_KEY": key},
        callback_params=lambda: {"shop_url": sim.url, "key": SANDBOX_USERNAME, "secret": SANDBOX_APP_PASSWORD},
        category_id=sim.leaf_category_id, attribute_values={}, shipping_channel_id="",
        create_path="/wp-json/wc/v3/products",
    )


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> WooCommerceSimulator:
    """The sandbox web shop for ``make run`` on a fixed loopback port, started. Connect it at "Connect
    WooCommerce" with the shop address ``http://<host>:<port>`` and the demo WordPress user and Application
    Password of state.py (SANDBOX_USERNAME / SANDBOX_APP_PASSWORD; photos work), or the demo consumer key and
    secret (SANDBOX_CONSUMER_KEY / SANDBOX_CONSUMER_SECRET; photos are refused, as on a real shop). Webhooks
    the connector registers are signed with the secret it sent; pushes to ``push_url`` with the platform's
    derived secret for this shop."""

    def secret(shop_url: str) -> str:
        return webhook_secret(key=woocommerce_config().webhook_key, shop_url=normalise_shop_url(shop_url))

    return WooCommerceSimulator(host=host, port=port, rate_limit_per_second=rate_limit_per_second,
                                push_secret=secret).start()
