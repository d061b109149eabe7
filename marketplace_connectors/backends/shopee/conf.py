"""Shopee settings, resolved at call time so tests and the sandbox can point the connector elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The sandbox simulator's public test partner: only ever used with MARKETPLACE_SANDBOX on.
SANDBOX_PARTNER_ID = 1000001
SANDBOX_PARTNER_KEY = "sandbox-partner-key-not-a-secret"


@dataclass(frozen=True)
class ShopeeConfig:
    host: str
    partner_id: int
    partner_key: str
    rate_limit: float
    shop_rate_limit: float


def shopee_config() -> ShopeeConfig:
    """The partner credentials and host; ImproperlyConfigured when half-configured."""
    partner_id, partner_key, host = settings.SHOPEE_PARTNER_ID, settings.SHOPEE_PARTNER_KEY, settings.SHOPEE_API_HOST
    if not partner_id and not partner_key and settings.MARKETPLACE_SANDBOX:
        port = settings.MARKETPLACE_SANDBOX_PORTS["shopee"]
        partner_id, partner_key = SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY
        host = f"http://{settings.MARKETPLACE_SANDBOX_HOST}:{port}"
    if not partner_id or not partner_key:
        raise ImproperlyConfigured("Set both SHOPEE_PARTNER_ID and SHOPEE_PARTNER_KEY (or MARKETPLACE_SANDBOX=on).")
    return ShopeeConfig(
        host=host.rstrip("/"),
        partner_id=int(partner_id),
        partner_key=partner_key,
        rate_limit=settings.SHOPEE_RATE_LIMIT,
        shop_rate_limit=settings.SHOPEE_SHOP_RATE_LIMIT,
    )


def shopee_is_configured() -> bool:
    try:
        shopee_config()
    except ImproperlyConfigured:
        return False
    return True
