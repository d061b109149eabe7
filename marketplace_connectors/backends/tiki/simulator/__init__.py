"""A strict local Tiki Open API for tests and the ``make run`` sandbox (see server.py)."""

from .server import Faults, TikiSimulator

__all__ = ["Faults", "TikiSimulator", "sandbox_server"]


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None) -> TikiSimulator:
    """The sandbox Tiki for ``make run`` (manage.py run_sandbox_marketplaces): the public sandbox app of
    conf.py on a fixed loopback port, started. Product requests are approved 30 seconds after they are
    made, as if a reviewer had looked; the code exchange does not insist on the redirect URI (the sandbox
    cannot know the platform's host)."""
    from ..conf import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

    return TikiSimulator(client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET, host=host, port=port,
                         auto_approve_after=30.0, require_redirect_uri=False,
                         rate_limit_per_second=rate_limit_per_second or 200.0).start()
