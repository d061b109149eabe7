"""A strict local Shopee Open Platform v2 for tests and the ``make run`` sandbox (see server.py)."""

from .server import Faults, ShopeeSimulator

__all__ = ["Faults", "ShopeeSimulator", "sandbox_server"]


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> ShopeeSimulator:
    """The sandbox Shopee for ``make run`` (manage.py run_sandbox_marketplaces): the public sandbox partner
    of conf.py on a fixed loopback port, started."""
    from ..conf import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY

    return ShopeeSimulator(partner_id=SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY, host=host, port=port,
                           rate_limit_per_second=rate_limit_per_second).start()
