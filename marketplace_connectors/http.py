"""The one way marketplace code makes outbound HTTP requests.

Explicit connect/read timeouts, our User-Agent, no redirects (a redirect from an API is an error, and
following it could carry signed query strings elsewhere), and logging that never shows tokens or
signatures.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import requests
from django.conf import settings

logger = logging.getLogger("marketplace_connectors.http")

SECRET_PARAMS = ("sign", "access_token", "refresh_token", "code", "partner_key", "app_secret", "client_secret")
_SECRET_RE = re.compile(r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=([^&\s]+)")


def redact(url_or_text: str) -> str:
    """Replace the values of secret query parameters with ``***``."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}=***", url_or_text)


class _NoRedirectSession(requests.Session):
    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = settings.MARKETPLACE_HTTP_USER_AGENT
        self.headers["Accept"] = "application/json"
        self.trust_env = False  # no proxies or .netrc credentials picked up from the environment

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - same signature as requests
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False
        response = super().request(method, url, *args, **kwargs)
        parts = urlsplit(url)
        logger.debug("%s %s%s -> %s", method, parts.netloc, redact(parts.path), response.status_code)
        return response


def session_create(*, connect_timeout: float | None = None, read_timeout: float | None = None) -> requests.Session:
    """A new session with the platform's timeouts, User-Agent and no redirects."""
    default_connect, default_read = settings.MARKETPLACE_HTTP_TIMEOUTS
    return _NoRedirectSession((connect_timeout or default_connect, read_timeout or default_read))
