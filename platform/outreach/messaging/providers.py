"""Which provider sends on which channel: the one place that picks, from the environment (``conf.py``)."""

from __future__ import annotations

from enum import StrEnum

from .base import MessageProvider, ProviderNotConfigured
from .esms import EsmsSmsProvider
from .zalo import ZaloZnsProvider
from .zalo_tokens import StoredZaloTokens


class Channel(StrEnum):
    ZALO = "zalo"
    SMS = "sms"


def provider_for(channel: str) -> MessageProvider:
    """The provider that sends on ``channel`` ("zalo" or "sms"), configured from the settings at call time.
    It raises ProviderNotConfigured when it is asked to send while unconfigured; ``.configured`` says so
    beforehand (a campaign offers only configured channels). ValueError for an unknown channel."""
    if channel == Channel.ZALO:
        stored = StoredZaloTokens()
        if stored.configured:  # the OAuth app is configured: tokens from the database, refreshed there
            return ZaloZnsProvider(tokens=stored, refreshable=True)
        return ZaloZnsProvider()
    if channel == Channel.SMS:
        return EsmsSmsProvider()
    raise ValueError(f"unknown messaging channel: {channel!r}")


def authorization_refusal(channel: str) -> str:
    """The code of the provider's refusal of the platform's authorization on ``channel`` (Zalo refused the
    Official Account's refresh token: ``token_-14020``...), or "" when nothing known refuses it now: a new
    refresh token is in place (set in the environment, or by ``manage.py outreach_zalo_authorize``), or the
    channel has no such authorization. Reads the token store only: asks Zalo nothing."""
    if channel != Channel.ZALO:
        return ""
    stored = StoredZaloTokens()
    if not stored.configured:
        return ""
    try:
        return stored.refusal()
    except ProviderNotConfigured as exc:
        return exc.code or "not_configured"
