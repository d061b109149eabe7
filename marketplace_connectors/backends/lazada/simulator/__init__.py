"""A strict local Lazada Open Platform for tests and the ``make run`` sandbox (see server.py)."""

from .server import Faults, LazadaSimulator

__all__ = ["Faults", "LazadaSimulator", "sandbox_server"]


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> LazadaSimulator:
    """The sandbox Lazada for ``make run`` (manage.py run_sandbox_marketplaces): the public test app of
    conf.py on a fixed loopback port, started. ``rate_limit_per_second`` adds a per-seller limit to every API."""
    from ..conf import SANDBOX_APP_KEY, SANDBOX_APP_SECRET

    return LazadaSimulator(app_key=SANDBOX_APP_KEY, app_secret=SANDBOX_APP_SECRET, host=host, port=port,
                           default_api_rate_limit=rate_limit_per_second).start()
