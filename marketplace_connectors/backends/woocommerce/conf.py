"""WooCommerce settings: read from the environment here, resolved at call time so tests and the sandbox can
change them (a Django setting of the same name wins).

A WooCommerce shop is the owner's own web shop: there is no app to register and no host to configure. The
owner types the shop URL and keys; everything here is a platform-wide policy, and has a default.
"""

from __future__ import annotations

from dataclasses import dataclass

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .._common import settings_reader

env = environ.Env()

BATCH_LIMIT = 100  # woocommerce_rest_batch_items_limit's default: objects per batch request, all lists together
PER_PAGE_MAX = 100  # WordPress refuses per_page above 100 (rest_invalid_param)

# Each shop's webhook secret is derived from WOOCOMMERCE_WEBHOOK_KEY (SECRET_KEY when empty); changing it means
# shops reconnect.
setting = settings_reader({
    "WOOCOMMERCE_RATE_LIMIT": env.float("WOOCOMMERCE_RATE_LIMIT", default=5.0),
    "WOOCOMMERCE_WEBHOOK_KEY": env.str("WOOCOMMERCE_WEBHOOK_KEY", default=""),
    "WOOCOMMERCE_BATCH_SIZE": BATCH_LIMIT,
})


@dataclass(frozen=True)
class WooCommerceConfig:
    rate_limit: float  # requests per second per shop: shared hosting is slow and publishes no limit
    batch_size: int  # objects per /batch request (1..100)
    webhook_key: str  # derives each shop's webhook secret (see mappers.webhook_secret)


def woocommerce_config() -> WooCommerceConfig:
    """The platform's WooCommerce policy; ImproperlyConfigured when a value is out of range."""
    batch = int(setting("WOOCOMMERCE_BATCH_SIZE"))
    if not 1 <= batch <= BATCH_LIMIT:
        raise ImproperlyConfigured("WOOCOMMERCE_BATCH_SIZE must be 1 to 100 (WooCommerce's default batch limit).")
    return WooCommerceConfig(
        rate_limit=float(setting("WOOCOMMERCE_RATE_LIMIT")),
        batch_size=batch,
        webhook_key=str(setting("WOOCOMMERCE_WEBHOOK_KEY") or settings.SECRET_KEY),
    )
