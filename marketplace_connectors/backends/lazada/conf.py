"""Lazada settings: read from the environment here, resolved at call time so tests and the sandbox can point
the connector elsewhere (a Django setting of the same name wins)."""

from __future__ import annotations

from dataclasses import dataclass

import environ
from django.core.exceptions import ImproperlyConfigured

from .._common import settings_reader

env = environ.Env()
# Lazada Open Platform, Vietnamese gateway. Lazada documents 50 inventory calls per second per seller; other
# per-API limits are unpublished, so stay under LAZADA_RATE_LIMIT per app and LAZADA_SELLER_RATE_LIMIT per
# seller and API.
setting = settings_reader({
    "LAZADA_API_HOST": env.str("LAZADA_API_HOST", default="https://api.lazada.vn/rest"),
    "LAZADA_AUTH_HOST": env.str("LAZADA_AUTH_HOST", default="https://auth.lazada.com/rest"),
    "LAZADA_AUTHORIZE_URL": env.str("LAZADA_AUTHORIZE_URL", default="https://auth.lazada.com/oauth/authorize"),
    "LAZADA_APP_KEY": env.str("LAZADA_APP_KEY", default=""),
    "LAZADA_APP_SECRET": env.str("LAZADA_APP_SECRET", default=""),
    "LAZADA_RATE_LIMIT": env.float("LAZADA_RATE_LIMIT", default=100.0),
    "LAZADA_SELLER_RATE_LIMIT": env.float("LAZADA_SELLER_RATE_LIMIT", default=10.0),
    "LAZADA_INVENTORY_RATE_LIMIT": env.float("LAZADA_INVENTORY_RATE_LIMIT", default=50.0),
    "LAZADA_PRICE_QUANTITY_BATCH": env.int("LAZADA_PRICE_QUANTITY_BATCH", default=50),
    "LAZADA_IMAGE_MAX_BYTES": env.int("LAZADA_IMAGE_MAX_BYTES", default=1024 * 1024),
})


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
    key, secret = setting("LAZADA_APP_KEY"), setting("LAZADA_APP_SECRET")
    api_host, auth_host = setting("LAZADA_API_HOST"), setting("LAZADA_AUTH_HOST")
    authorize = setting("LAZADA_AUTHORIZE_URL")
    if not key or not secret:
        raise ImproperlyConfigured("Set both LAZADA_APP_KEY and LAZADA_APP_SECRET.")
    batch = int(setting("LAZADA_PRICE_QUANTITY_BATCH"))
    if not 1 <= batch <= 50:
        raise ImproperlyConfigured("LAZADA_PRICE_QUANTITY_BATCH must be 1 to 50 (Lazada's documented maximum).")
    return LazadaConfig(
        api_host=api_host.rstrip("/"),
        auth_host=auth_host.rstrip("/"),
        authorize_url=authorize,
        app_key=str(key),
        app_secret=secret,
        rate_limit=float(setting("LAZADA_RATE_LIMIT")),
        seller_rate_limit=float(setting("LAZADA_SELLER_RATE_LIMIT")),
        inventory_rate_limit=float(setting("LAZADA_INVENTORY_RATE_LIMIT")),
        price_quantity_batch=batch,
        image_max_bytes=int(setting("LAZADA_IMAGE_MAX_BYTES")),
    )


def lazada_is_configured() -> bool:
    try:
        lazada_config()
    except ImproperlyConfigured:
        return False
    return True
