"""Fixtures: a Shopee simulator on a random loopback port with the connector pointed at it."""

import pytest

from marketplace_connectors import crypto
from marketplace_connectors.registry import registry_reset
from marketplace_sandbox.shopee import ShopeeSimulator

PARTNER_ID = 2001887
PARTNER_KEY = "test_partner_key"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def shopee(settings, media):
    """A running simulator; the connector talks to it, rate limited generously so tests stay fast."""
    sim = ShopeeSimulator(partner_id=PARTNER_ID, partner_key=PARTNER_KEY, reject_repeated_items=False).start()
    settings.SHOPEE_API_HOST = sim.url
    settings.SHOPEE_PARTNER_ID = PARTNER_ID
    settings.SHOPEE_PARTNER_KEY = PARTNER_KEY
    settings.SHOPEE_RATE_LIMIT = 2000
    settings.SHOPEE_SHOP_RATE_LIMIT = 2000
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    registry_reset()
    crypto._fernet.cache_clear()
    yield sim
    sim.stop()


@pytest.fixture
def connected(shopee, db):
    """An active account holding real tokens issued by the simulator."""
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector

    from .factories import AccountFactory

    code, shop_id = shopee.issue_code()
    tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
    account = AccountFactory(external_shop_id=str(shop_id), access_expires_at=tokens.access_expires_at,
                             refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return account
