"""WooCommerce settings, read at call time so tests and the sandbox can change them.

A WooCommerce shop is the owner's own web shop: there is no app to register and no host to configure. The
owner types the shop URL and keys; everything here is a platform-wide policy. Every setting has a default,
so none must be declared for the connector to work (see the report for the names to add to settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The sandbox shop's public demo credentials (simulator only; documented for `make run`). The WordPress
# user and Application Password work on every REST route, photos included; the WooCommerce consumer key
# and secret work on /wc/ routes only, exactly as on a real shop.
SANDBOX_USERNAME = "chu-shop"
SANDBOX_APP_PASSWORD = "SAND BOX0 DEMO PASS WORD 0000"  # noqa: S105 - public sandbox value
SANDBOX_CONSUMER_KEY = "ck_sandbox_0000000000000000000000000000000000"
SANDBOX_CONSUMER_SECRET = "cs_sandbox_0000000000000000000000000000000000"  # noqa: S105 - public sandbox value
SANDBOX_SHOP_NAME = "Đặc sản Sen Hồng Đồng Tháp"

BATCH_LIMIT = 100  # woocommerce_rest_batch_items_limit's default: objects per batch request, all lists together
PER_PAGE_MAX = 100  # WordPress refuses per_page above 100 (rest_invalid_param)


@dataclass(frozen=True)
class WooCommerceConfig:
    rate_limit: float  # requests per second per shop: shared hosting is slow and publishes no limit
    batch_size: int  # objects per /batch request (1..100)
    webhook_key: str  # derives each shop's webhook secret (see mappers.webhook_secret)


def woocommerce_config() -> WooCommerceConfig:
    """The platform's WooCommerce policy; ImproperlyConfigured when a value is out of range."""
    batch = int(getattr(settings, "WOOCOMMERCE_BATCH_SIZE", BATCH_LIMIT))
    if not 1 <= batch <= BATCH_LIMIT:
        raise ImproperlyConfigured("WOOCOMMERCE_BATCH_SIZE must be 1 to 100 (WooCommerce's default batch limit).")
    return WooCommerceConfig(
        rate_limit=float(getattr(settings, "WOOCOMMERCE_RATE_LIMIT", 5.0)),
        batch_size=batch,
        webhook_key=str(getattr(settings, "WOOCOMMERCE_WEBHOOK_KEY", "") or settings.SECRET_KEY),
    )
