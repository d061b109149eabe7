"""Shopee settings: read from the environment here, resolved at call time so tests and the sandbox can point
the connector elsewhere (a Django setting of the same name wins)."""

from __future__ import annotations

from dataclasses import dataclass

import environ
from django.core.exceptions import ImproperlyConfigured

from .._common import settings_reader

env = environ.Env()
# Shopee Open Platform v2. Shopee publishes no rate limit: stay under SHOPEE_RATE_LIMIT per second per partner
# (app) and SHOPEE_SHOP_RATE_LIMIT per shop.
setting = settings_reader({
    "SHOPEE_API_HOST": env.str("SHOPEE_API_HOST", default="https://partner.shopeemobile.com"),
    "SHOPEE_PARTNER_ID": env.int("SHOPEE_PARTNER_ID", default=0),
    "SHOPEE_PARTNER_KEY": env.str("SHOPEE_PARTNER_KEY", default=""),
    "SHOPEE_RATE_LIMIT": env.float("SHOPEE_RATE_LIMIT", default=10.0),
    "SHOPEE_SHOP_RATE_LIMIT": env.float("SHOPEE_SHOP_RATE_LIMIT", default=10.0),
})


@dataclass(frozen=True)
class ShopeeConfig:
    host: str
    partner_id: int
    partner_key: str
    rate_limit: float
    shop_rate_limit: float


def shopee_config() -> ShopeeConfig:
    """The partner credentials and host; ImproperlyConfigured when half-configured."""
    partner_id, partner_key, host = setting("SHOPEE_PARTNER_ID"), setting("SHOPEE_PARTNER_KEY"), setting("SHOPEE_API_HOST")
    if not partner_id or not partner_key:
        raise ImproperlyConfigured("Set both SHOPEE_PARTNER_ID and SHOPEE_PARTNER_KEY.")
    return ShopeeConfig(
        host=host.rstrip("/"),
        partner_id=int(partner_id),
        partner_key=partner_key,
        rate_limit=float(setting("SHOPEE_RATE_LIMIT")),
        shop_rate_limit=float(setting("SHOPEE_SHOP_RATE_LIMIT")),
    )


def shopee_is_configured() -> bool:
    try:
        shopee_config()
    except ImproperlyConfigured:
        return False
    return True
