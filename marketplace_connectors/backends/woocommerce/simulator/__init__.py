"""A strict local WooCommerce shop for tests and the ``make run`` sandbox (see server.py)."""

from .server import WooCommerceSimulator

__all__ = ["WooCommerceSimulator", "sandbox_server"]


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> WooCommerceSimulator:
    """The sandbox web shop for ``make run`` (manage.py run_sandbox_marketplaces) on a fixed loopback port,
    started. Connect it at "Connect WooCommerce" with the shop address ``http://<host>:<port>`` and the demo
    WordPress user and Application Password of conf.py (SANDBOX_USERNAME / SANDBOX_APP_PASSWORD; photos
    work), or the demo consumer key and secret (SANDBOX_CONSUMER_KEY / SANDBOX_CONSUMER_SECRET; photos are
    refused, as on a real shop). Webhooks the connector registers are signed with the secret it sent;
    pushes to ``push_url`` with the platform's derived secret for this shop."""
    from ..conf import woocommerce_config
    from ..mappers import normalise_shop_url, webhook_secret

    def secret(shop_url: str) -> str:
        return webhook_secret(key=woocommerce_config().webhook_key, shop_url=normalise_shop_url(shop_url))

    return WooCommerceSimulator(host=host, port=port, rate_limit_per_second=rate_limit_per_second,
                                push_secret=secret).start()
