"""Zalo and SMS behind one interface: an extension point of the campaigns (issue 22).

A campaign sends its invitation on a channel; every channel that talks to a provider over HTTP offers the
same narrow ``MessageProvider.send(...)`` (``base.py``), so the sending task does not care which provider
answers. Two real providers, each a thin client that alone speaks its HTTP API (through the platform's one
outbound session factory, ``marketplace_connectors.http.session_create``, with its timeouts):

- ``zalo.ZaloZnsProvider``: Zalo Notification Service, a template message from the province's Zalo Official
  Account to the phone number's Zalo account;
- ``esms.EsmsSmsProvider``: an SMS under the province's registered brandname, through eSMS.vn.

Their documented request and error shapes are recorded with sources in ``docs/outreach/providers.md``; the
local sandbox of each (``messaging_sandbox/``, test-only) enforces those shapes and records what it would
send. ``provider_for(channel)`` builds the configured provider (``conf.py``: from the environment).

Everything here takes plain data: no campaign model is imported, so the campaigns core calls in, never the
other way round. The one model used here is the Zalo Official Account's token store (``zalo_tokens.py``:
``ZaloOaToken``, encrypted, refreshed one process at a time).
"""

from .base import (
    AmbiguousSendError,
    AuthorizationRefused,
    MessageProvider,
    PermanentSendError,
    ProviderNotConfigured,
    RetryableSendError,
    SendError,
    SendResult,
)
from .providers import Channel, authorization_refusal, provider_for

__all__ = [
    "AmbiguousSendError",
    "AuthorizationRefused",
    "Channel",
    "MessageProvider",
    "PermanentSendError",
    "ProviderNotConfigured",
    "RetryableSendError",
    "SendError",
    "SendResult",
    "authorization_refusal",
    "provider_for",
]
