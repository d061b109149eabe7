"""The provider interface every messaging channel implements, its result and its three kinds of failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class SendError(Exception):
    """Base class. ``code`` is the provider's own error code ("-108", "103") or ours ("phone_invalid");
    ``message`` says what went wrong in words an officer can act on. Never carries a credential."""

    def __init__(self, message: str, *, code: str = "", provider: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.provider = message, code, provider


class RetryableSendError(SendError):
    """Try the same message again later: the provider is unreachable, overloaded (HTTP 429/5xx) or says so.
    Nothing was sent."""


class AmbiguousSendError(RetryableSendError):
    """The request may have reached the provider (a read timeout, a dropped connection): a retry may send the
    message twice unless the provider recognises the tracking id (``MessageProvider.deduplicates``)."""


class PermanentSendError(SendError):
    """The provider refused this message (bad number, no such template, no balance, wrong credentials):
    sending it again unchanged fails again. Nothing was sent."""


class ProviderNotConfigured(PermanentSendError):
    """The environment does not configure this channel (or only half of it): an operator's fix."""


class AuthorizationRefused(ProviderNotConfigured):
    """The provider refuses the platform's authorization itself (Zalo refused the Official Account's refresh
    token): no message can be sent on the channel until an operator authorizes the app again. Nothing was
    sent. The caller holds the channel's messages instead of failing them one by one; the channel's
    ``authorization_refusal`` says when a new authorization is in place."""


@dataclass(frozen=True)
class SendResult:
    """A message the provider accepted. ``provider_message_id`` is its id there (ZNS ``msg_id``, eSMS
    ``SMSID``; empty when the provider answered "already accepted" without repeating it); ``phone`` is the
    number as sent (the provider's format); ``duplicate`` is True when the provider recognised the tracking id
    of a message it had already accepted, so nothing new was sent."""

    provider: str
    provider_message_id: str
    phone: str
    duplicate: bool = False


class MessageProvider(Protocol):
    """One way of sending a campaign's message to a phone number. Implementations are thin HTTP clients.

    ``send`` sends one message to ``phone`` (any usual Vietnamese writing of a mobile number; normalised to
    the provider's format) and returns a ``SendResult``. ``tracking_id`` is the caller's id of this message,
    unique per message and the same on every retry of it (at most 48 characters, letters, digits, ``-``,
    ``_``): the provider stores it for reconciliation. A template channel (Zalo ZNS) takes ``template_id``
    and ``params``; a text channel (SMS) takes ``text``; each refuses what it does not take.

    Raises ``PermanentSendError`` (including a number that is not a Vietnamese mobile number, before any
    request), ``RetryableSendError``, or ``AmbiguousSendError``. Idempotent only where ``deduplicates`` is
    True: the provider refuses a second message with the same tracking id, and ``send`` then returns the
    result with ``duplicate=True`` instead of sending again.
    """

    code: str  # "zalo_zns", "esms"
    channel: str  # "zalo" or "sms"
    deduplicates: bool

    @property
    def configured(self) -> bool:
        """Whether the settings configure this provider (a campaign offers only configured channels)."""

    def send(self, *, phone: str, tracking_id: str, text: str = "", template_id: str = "",
             params: Mapping[str, str] | None = None) -> SendResult: ...
