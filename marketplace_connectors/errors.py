"""The three kinds of failure a connector may raise. Callers decide what to do by kind, never by message.

- ``RetryableError``: network trouble, timeouts, 5xx, rate limiting. Retrying later may succeed.
- ``PermanentError``: the marketplace refused the request (validation, business rule). Retrying the same
  request fails again; the message is shown to the owner.
- ``AuthError``: the shop's authorisation is gone (token revoked, refresh token spent or expired). The
  account needs the owner to reconnect; nothing is retried.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class. ``code`` is the marketplace's error code (e.g. ``error_sign``) when there is one."""

    def __init__(self, message: str = "", *, code: str = "", request_id: str = "") -> None:
        super().__init__(message or code)
        self.message = message
        self.code = code
        self.request_id = request_id


class RetryableError(ConnectorError):
    """Try again later: network errors, timeouts, HTTP 5xx/429, marketplace "busy" errors."""


class MarketplaceNotConfigured(RetryableError):
    """This server holds no (or half of the) app keys of the shop's marketplace: an operator's fix, after which
    the same call succeeds. Treated as the marketplace being unavailable, so owner pages still open (saying it
    could not be reached) and jobs retry later, instead of a 500."""


class AmbiguousResultError(RetryableError):
    """The request may or may not have reached the marketplace (read timeout, dropped connection).

    Writes that are not idempotent (creating a listing) must look for their effect before repeating.
    """


class PermanentError(ConnectorError):
    """The marketplace refused the request; repeating it unchanged will not help."""


class ListingGone(PermanentError):
    """The listing no longer exists on the marketplace (the seller deleted it there, or the marketplace
    removed it): pushing to it will never work; the owner is told it is gone and may publish it again."""


class AuthError(ConnectorError):
    """The shop's authorisation is no longer valid; the owner must reconnect the shop."""


class AccessTokenExpired(ConnectorError):
    """The access token was refused as expired/invalid; refreshing it may fix the call."""
