"""Redirect targets taken from input (``next`` and the like) stay on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_redirect_target(*, request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` when it points to this site (a path, or this host with the request's scheme), else ``default``.

    Every view that redirects to a URL it was given uses this: ``//evil.example``, ``https://evil.example/``,
    ``/\\evil.example`` and ``javascript:`` are refused, so a link on this site cannot send a user elsewhere.
    """
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
