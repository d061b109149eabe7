"""Fixtures: a WooCommerce shop simulator on a random loopback port, and the connector's settings for it."""

import pytest

from marketplace_connectors import crypto
from marketplace_connectors.backends.woocommerce.mappers import webhook_secret
from marketplace_connectors.base import Credentials
from marketplace_connectors.registry import registry_reset
from marketplace_sandbox.woocommerce import WooCommerceSimulator
from marketplace_sandbox.woocommerce.state import (
    SANDBOX_APP_PASSWORD,
    SANDBOX_CONSUMER_KEY,
    SANDBOX_CONSUMER_SECRET,
    SANDBOX_USERNAME,
)

WEBHOOK_KEY = "test-webhook-key"
CONNECTOR_PATH = "marketplace_connectors.backends.woocommerce.connector.WooCommerceConnector"
USER, APP_PASSWORD = SANDBOX_USERNAME, SANDBOX_APP_PASSWORD
CK, CS = SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET


@pytest.fixture
def woo(settings):
    """A running shop; the connector is not rate limited (the simulator has no limit unless a test sets one)."""
    sim = WooCommerceSimulator(
        push_secret=lambda shop_url: webhook_secret(key=WEBHOOK_KEY, shop_url=shop_url.rstrip("/")),
        push_retry_delays=(0.05, 0.1),
    ).start()
    settings.WOOCOMMERCE_RATE_LIMIT = 0
    settings.WOOCOMMERCE_WEBHOOK_KEY = WEBHOOK_KEY
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    settings.MARKETPLACE_PUSH_BASE_URL = ""
    if CONNECTOR_PATH not in settings.MARKETPLACE_CONNECTORS:
        settings.MARKETPLACE_CONNECTORS = [*settings.MARKETPLACE_CONNECTORS, CONNECTOR_PATH]
    registry_reset()
    crypto._fernet.cache_clear()
    yield sim
    sim.stop()
    registry_reset()


@pytest.fixture
def creds(woo) -> Credentials:
    """The shop's WordPress user with an Application Password (every route, photos included)."""
    return Credentials(shop_id=woo.url, access_token=USER, refresh_token=APP_PASSWORD)


@pytest.fixture
def key_creds(woo) -> Credentials:
    """The shop's WooCommerce consumer key and secret (the /wc/ routes only)."""
    return Credentials(shop_id=woo.url, access_token=CK, refresh_token=CS)


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the connector's messages in English (the platform's default language is Vietnamese,
    whose catalog is installed); the Vietnamese ones are checked where a test overrides the language."""
    from django.utils import translation

    with translation.override("en"):
        yield
