"""TikTok Shop settings: read from the environment here (the rest are constants a Django setting may
override), resolved at call time so tests and the sandbox can point the connector elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

import environ
from django.core.exceptions import ImproperlyConfigured

from .._common import settings_reader

env = environ.Env()

# TikTok Shop Partner API (202309 generation). TikTok returns sellers to the redirect URL registered in Partner
# Center: <site>/marketplaces/connect/tiktok/callback/. The app secret also signs webhooks.
setting = settings_reader({
    "TIKTOK_API_HOST": env.str("TIKTOK_API_HOST", default="https://open-api.tiktokglobalshop.com"),
    # docs/marketplaces/tiktok.md, Hosts and paths (G-auth, G-auth309): the current docs spell the auth host auth.tiktok-shops.com, older sources
    # auth.tiktokglobalshop.com; configurable for that reason
    "TIKTOK_AUTH_HOST": env.str("TIKTOK_AUTH_HOST", default="https://auth.tiktok-shops.com"),
    "TIKTOK_AUTHORIZE_URL": env.str("TIKTOK_AUTHORIZE_URL", default="https://services.tiktokshop.com/open/authorize"),
    "TIKTOK_APP_KEY": env.str("TIKTOK_APP_KEY", default=""),
    "TIKTOK_APP_SECRET": env.str("TIKTOK_APP_SECRET", default=""),
    "TIKTOK_SERVICE_ID": env.str("TIKTOK_SERVICE_ID", default=""),
    # per API and shop; TikTok documents 50 QPS (§3.3): stay below it
    "TIKTOK_RATE_LIMIT": env.float("TIKTOK_RATE_LIMIT", default=40.0),
})


@dataclass(frozen=True)
class TikTokConfig:
    api_host: str  # https://open-api.tiktokglobalshop.com: every Partner API call
    auth_host: str  # https://auth.tiktok-shops.com: token get / refresh
    authorize_url: str  # the seller's consent page (Partner Center's authorisation link, ROW)
    app_key: str
    app_secret: str
    service_id: str
    rate_limit: float  # requests per second per (shop, API)


def tiktok_config() -> TikTokConfig:
    """The app credentials and hosts; ImproperlyConfigured when half-configured."""
    key, secret, service_id = setting("TIKTOK_APP_KEY"), setting("TIKTOK_APP_SECRET"), setting("TIKTOK_SERVICE_ID")
    api_host, auth_host, authorize = setting("TIKTOK_API_HOST"), setting("TIKTOK_AUTH_HOST"), setting("TIKTOK_AUTHORIZE_URL")
    if not key or not secret:
        raise ImproperlyConfigured("Set both TIKTOK_APP_KEY and TIKTOK_APP_SECRET.")
    return TikTokConfig(
        api_host=str(api_host).rstrip("/"),
        auth_host=str(auth_host).rstrip("/"),
        authorize_url=str(authorize),
        app_key=str(key),
        app_secret=str(secret),
        service_id=str(service_id or ""),
        rate_limit=float(setting("TIKTOK_RATE_LIMIT")),
    )


def tiktok_is_configured() -> bool:
    try:
        tiktok_config()
    except ImproperlyConfigured:
        return False
    return True
