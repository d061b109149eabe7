"""A strict local TikTok Shop Partner API for tests and the ``make run`` sandbox (see server.py)."""

from .server import TikTokSimulator

__all__ = ["TikTokSimulator", "sandbox_server"]


def sandbox_server(*, host: str, port: int, rate_limit_per_second: float | None = None,
                   push_url: str | None = None) -> TikTokSimulator:
    """The sandbox TikTok Shop for ``make run`` (manage.py run_sandbox_marketplaces): the public test app of
    conf.py on a fixed loopback port, started.

    New products pass the audit after TIKTOK_SANDBOX_AUDIT_SECONDS; a title containing
    TIKTOK_SANDBOX_REJECT_MARKER (default "REJECT") is rejected with a reason, so the rejection can be seen
    in the browser. Webhooks go to ``push_url``, by default MARKETPLACE_PUSH_BASE_URL + /marketplaces/push/tiktok/
    (none when that setting is empty: the platform's audit poll still sees the decision)."""
    from django.conf import settings

    from ..conf import SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SERVICE_ID, setting

    if push_url is None and settings.MARKETPLACE_PUSH_BASE_URL:
        push_url = f"{settings.MARKETPLACE_PUSH_BASE_URL.rstrip('/')}/marketplaces/push/tiktok/"
    audit = setting("TIKTOK_SANDBOX_AUDIT_SECONDS")
    return TikTokSimulator(app_key=SANDBOX_APP_KEY, app_secret=SANDBOX_APP_SECRET, service_id=SANDBOX_SERVICE_ID,
                           host=host, port=port, rate_limit_per_second=rate_limit_per_second or 50.0,
                           audit_seconds=None if audit is None or float(audit) < 0 else float(audit),
                           reject_marker=setting("TIKTOK_SANDBOX_REJECT_MARKER") or None, zero_stock_allowed=True,
                           push_url=push_url).start()
