"""Fixtures: a Tiki simulator on a random loopback port with the connector pointed at it."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from marketplace_connectors import crypto
from marketplace_connectors.base import Credentials
from marketplace_connectors.registry import registry_reset
from marketplace_sandbox.tiki import TikiSimulator

CLIENT_ID = "7590139168389961"
CLIENT_SECRET = "test_client_secret"
SELLER = "5678"
REDIRECT = "https://sme.example.vn/marketplaces/tiki/callback/"
TIKI_PO = Path(__file__).resolve().parents[3] / "marketplace_connectors/backends/tiki/locale/vi/LC_MESSAGES/django.po"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(scope="session")
def tiki_locale(tmp_path_factory):
    """Tiki's Vietnamese catalog compiled to a temporary folder read through LOCALE_PATHS."""
    root = tmp_path_factory.mktemp("tiki-locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with TIKI_PO.open("rb") as po, (target / "django.mo").open("wb") as mo:
        write_mo(mo, read_po(po, locale="vi"))
    return root


@pytest.fixture
def tiki(settings, media, tiki_locale):
    """A running simulator (decisions by hand: no auto-approval); the connector talks to it."""
    sim = TikiSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    settings.TIKI_API_HOST = sim.url
    settings.TIKI_AUTHORIZE_URL = f"{sim.url}/sc/oauth2/auth"
    settings.TIKI_TOKEN_URL = f"{sim.url}/sc/oauth2/token"
    settings.TIKI_CLIENT_ID = CLIENT_ID
    settings.TIKI_CLIENT_SECRET = CLIENT_SECRET
    settings.TIKI_REDIRECT_URI = REDIRECT
    settings.TIKI_MEDIA_BASE_URL = "https://sme.example.vn"
    settings.TIKI_SELLER_RATE_LIMIT = 2000
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 2.0)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(tiki_locale)]
    registry_reset()
    crypto._fernet.cache_clear()
    yield sim
    sim.stop()


@pytest.fixture
def connector():
    from marketplace_connectors.backends.tiki.connector import TikiConnector

    return TikiConnector()


@pytest.fixture
def creds(tiki, connector) -> Credentials:
    """Credentials holding real tokens issued by the simulator."""
    code, _seller = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    tokens = connector.exchange_code(params={"code": code})
    return Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
