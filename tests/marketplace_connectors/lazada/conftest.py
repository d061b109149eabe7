"""Fixtures: a Lazada simulator on a random loopback port with the connector pointed at it."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from marketplace_connectors import crypto
from marketplace_connectors.registry import registry_reset
from marketplace_sandbox.lazada import LazadaSimulator

APP_KEY = "123456"
APP_SECRET = "test_secret"
SELLER = "200100300"
LAZADA_PO = Path(__file__).resolve().parents[3] / "marketplace_connectors/backends/lazada/locale/vi/LC_MESSAGES/django.po"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(scope="session")
def lazada_locale(tmp_path_factory):
    """Lazada's Vietnamese catalog compiled to a temporary locale folder (not a Django app folder, so it
    is read through LOCALE_PATHS)."""
    root = tmp_path_factory.mktemp("lazada-locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with LAZADA_PO.open("rb") as po, (target / "django.mo").open("wb") as mo:
        write_mo(mo, read_po(po, locale="vi"))
    return root


@pytest.fixture
def lazada(settings, media, lazada_locale):
    """A running simulator; the connector talks to it, rate limited generously so tests stay fast."""
    sim = LazadaSimulator(app_key=APP_KEY, app_secret=APP_SECRET).start()
    settings.LAZADA_API_HOST = f"{sim.url}/rest"
    settings.LAZADA_AUTH_HOST = f"{sim.url}/rest"
    settings.LAZADA_AUTHORIZE_URL = f"{sim.url}/oauth/authorize"
    settings.LAZADA_APP_KEY = APP_KEY
    settings.LAZADA_APP_SECRET = APP_SECRET
    settings.LAZADA_RATE_LIMIT = 2000
    settings.LAZADA_SELLER_RATE_LIMIT = 2000
    settings.LAZADA_INVENTORY_RATE_LIMIT = 45  # under the simulator's documented 50 per second
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(lazada_locale)]
    registry_reset()
    crypto._fernet.cache_clear()
    yield sim
    sim.stop()


@pytest.fixture
def connected(lazada, db):
    """An active Lazada account holding real tokens issued by the simulator."""
    from marketplace_connectors.backends.lazada.connector import LazadaConnector

    from ..factories import AccountFactory

    code, _seller = lazada.issue_code(SELLER)
    tokens = LazadaConnector().exchange_code(params={"code": code})
    account = AccountFactory(marketplace="lazada", external_shop_id=tokens.shop_id, shop_name=tokens.shop_name,
                             logistics_channel_id="lazada", access_expires_at=tokens.access_expires_at,
                             refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return account
