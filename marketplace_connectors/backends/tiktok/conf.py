"""TikTok Shop settings, resolved at call time so tests and the sandbox can point the connector elsewhere.

Read with ``getattr`` and the documented defaults, so the backend works before the project's settings list
every name (the lead adds them to config/settings, .env.example and the README table).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The sandbox simulator's public test app: only ever used with MARKETPLACE_SANDBOX on.
SANDBOX_APP_KEY = "sandbox-tiktok-app"
SANDBOX_APP_SECRET = "sandbox-tiktok-app-secret-not-a-secret"
SANDBOX_SERVICE_ID = "7100000000000000001"
SANDBOX_PORT = 8704

DEFAULTS = {
    "TIKTOK_API_HOST": "https://open-api.tiktokglobalshop.com",
    # marketplaces.md §3.1/§8: the current docs spell the auth host auth.tiktok-shops.com, older sources
    # auth.tiktokglobalshop.com; configurable for that reason
    "TIKTOK_AUTH_HOST": "https://auth.tiktok-shops.com",
    "TIKTOK_AUTHORIZE_URL": "https://services.tiktokshop.com/open/authorize",
    "TIKTOK_APP_KEY": "",
    "TIKTOK_APP_SECRET": "",
    "TIKTOK_SERVICE_ID": "",
    "TIKTOK_RATE_LIMIT": 40.0,  # per API and shop; TikTok documents 50 QPS (§3.3): stay below it
    "TIKTOK_SANDBOX_AUDIT_SECONDS": 20.0,
    "TIKTOK_SANDBOX_REJECT_MARKER": "REJECT",
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


@dataclass(frozen=True)
class TikTokConfig:
    api_host: str  # https://open-api.tiktokglobalshop.com: every Partner API call
    auth_host: str  # https://auth.tiktok-shops.com: token get / refresh
    authorize_url: str  # the seller's consent page (Partner Center's authorisation link, ROW)
    app_key: str
    app_secret: str
    service_id: str
    rate_limit: float  # requests per second per (shop, API)
    sandbox: bool = False  # talking to the local simulator: the consent link also carries our redirect URL


def tiktok_config() -> TikTokConfig:
    """The app credentials and hosts; ImproperlyConfigured when half-configured."""
    key, secret, service_id = setting("TIKTOK_APP_KEY"), setting("TIKTOK_APP_SECRET"), setting("TIKTOK_SERVICE_ID")
    api_host, auth_host, authorize = setting("TIKTOK_API_HOST"), setting("TIKTOK_AUTH_HOST"), setting("TIKTOK_AUTHORIZE_URL")
    sandbox = False
    if not key and not secret and settings.MARKETPLACE_SANDBOX:
        port = getattr(settings, "MARKETPLACE_SANDBOX_PORTS", {}).get("tiktok", SANDBOX_PORT)
        key, secret, service_id = SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SERVICE_ID
        base = f"http://{settings.MARKETPLACE_SANDBOX_HOST}:{port}"
        api_host, auth_host, authorize = base, base, f"{base}/open/authorize"
        sandbox = True
    if not key or not secret:
        raise ImproperlyConfigured("Set both TIKTOK_APP_KEY and TIKTOK_APP_SECRET (or MARKETPLACE_SANDBOX=on).")
    if key == SANDBOX_APP_KEY or api_host.startswith(("http://127.0.0.1", "http://localhost")):
        sandbox = True
    return TikTokConfig(
        api_host=str(api_host).rstrip("/"),
        auth_host=str(auth_host).rstrip("/"),
        authorize_url=str(authorize),
        app_key=str(key),
        app_secret=str(secret),
        service_id=str(service_id or ""),
        rate_limit=float(setting("TIKTOK_RATE_LIMIT")),
        sandbox=sandbox,
    )


def tiktok_is_configured() -> bool:
    try:
        tiktok_config()
    except ImproperlyConfigured:
        return False
    return True
