"""Lazada settings, resolved at call time so tests and the sandbox can point the connector elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The sandbox simulator's public test app: only ever used with MARKETPLACE_SANDBOX on.
SANDBOX_APP_KEY = "100001"
SANDBOX_APP_SECRET = "sandbox-app-secret-not-a-secret"


@dataclass(frozen=True)
class LazadaConfig:
    api_host: str  # e.g. https://api.lazada.vn/rest (the Vietnamese gateway)
    auth_host: str  # https://auth.lazada.com/rest for every country: token create / refresh
    authorize_url: str  # https://auth.lazada.com/oauth/authorize: the seller's consent page
    app_key: str
    app_secret: str
    rate_limit: float  # requests per second for the whole app (Lazada publishes none: configured)
    seller_rate_limit: float  # per seller and API, for APIs without a published limit
    inventory_rate_limit: float  # per seller, the inventory API (documented: 50 calls per second)
    price_quantity_batch: int  # SKUs per UpdatePriceQuantity call (documented maximum: 50)
    image_max_bytes: int  # images are re-encoded below this before upload


def lazada_config() -> LazadaConfig:
    """The app credentials and hosts; ImproperlyConfigured when half-configured."""
    key, secret = settings.LAZADA_APP_KEY, settings.LAZADA_APP_SECRET
    api_host, auth_host, authorize = settings.LAZADA_API_HOST, settings.LAZADA_AUTH_HOST, settings.LAZADA_AUTHORIZE_URL
    if not key and not secret and settings.MARKETPLACE_SANDBOX:
        port = settings.MARKETPLACE_SANDBOX_PORTS["lazada"]
        key, secret = SANDBOX_APP_KEY, SANDBOX_APP_SECRET
        base = f"http://{settings.MARKETPLACE_SANDBOX_HOST}:{port}"
        api_host, auth_host, authorize = f"{base}/rest", f"{base}/rest", f"{base}/oauth/authorize"
    if not key or not secret:
        raise ImproperlyConfigured("Set both LAZADA_APP_KEY and LAZADA_APP_SECRET (or MARKETPLACE_SANDBOX=on).")
    batch = int(settings.LAZADA_PRICE_QUANTITY_BATCH)
    if not 1 <= batch <= 50:
        raise ImproperlyConfigured("LAZADA_PRICE_QUANTITY_BATCH must be 1 to 50 (Lazada's documented maximum).")
    return LazadaConfig(
        api_host=api_host.rstrip("/"),
        auth_host=auth_host.rstrip("/"),
        authorize_url=authorize,
        app_key=str(key),
        app_secret=secret,
        rate_limit=settings.LAZADA_RATE_LIMIT,
        seller_rate_limit=settings.LAZADA_SELLER_RATE_LIMIT,
        inventory_rate_limit=settings.LAZADA_INVENTORY_RATE_LIMIT,
        price_quantity_batch=batch,
        image_max_bytes=int(settings.LAZADA_IMAGE_MAX_BYTES),
    )


def lazada_is_configured() -> bool:
    try:
        lazada_config()
    except ImproperlyConfigured:
        return False
    return True
