"""Fixtures: a TikTok Shop simulator on a random loopback port with the connector pointed at it."""

import pytest

from marketplace_connectors import crypto
from marketplace_connectors.backends.tiktok import connector as tiktok_connector
from marketplace_connectors.backends.tiktok.connector import TikTokShopConnector
from marketplace_connectors.base import Credentials, ImageDraft, ListingDraft, VariantDraft
from marketplace_connectors.models import CategoryMapping
from marketplace_connectors.registry import registry_reset
from marketplace_sandbox.tiktok import TikTokSimulator

from ..factories import AccountFactory, png_bytes, rice_category

APP_KEY = "29a39d"  # the documented signing example's app (§3.2)
APP_SECRET = "e59af819cc"
SERVICE_ID = "7100000000000000001"
REDIRECT_URL = "http://testserver/marketplaces/connect/tiktok/callback/"  # registered in Partner Center


@pytest.fixture
def sim_options():
    """Override in a test module to start the simulator differently."""
    return {}


@pytest.fixture
def tiktok(settings, sim_options):
    """A running simulator; the connector talks to it, rate limited generously so tests stay fast."""
    sim = TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, service_id=SERVICE_ID,
                          registered_redirect_uri=REDIRECT_URL, **sim_options).start()
    settings.TIKTOK_API_HOST = sim.url
    settings.TIKTOK_AUTH_HOST = sim.url
    settings.TIKTOK_AUTHORIZE_URL = f"{sim.url}/open/authorize"
    settings.TIKTOK_APP_KEY = APP_KEY
    settings.TIKTOK_APP_SECRET = APP_SECRET
    settings.TIKTOK_SERVICE_ID = SERVICE_ID
    settings.TIKTOK_RATE_LIMIT = 2000
    # generous: the simulator answers from a thread of the test process, slow on a busy machine (a 1 s read
    # timeout fired in a full run at load 6); the fault tests set their own short timeouts
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 5.0)
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    registry_reset()
    crypto._fernet.cache_clear()
    tiktok_connector._shop_ciphers.clear()
    tiktok_connector._warehouses.clear()
    yield sim
    sim.stop()


@pytest.fixture
def connector():
    return tiktok_connector.TikTokShopConnector()


@pytest.fixture
def creds(tiktok, connector, db):
    """Credentials holding real tokens the simulator issued after the seller approved."""
    tokens = connector.exchange_code(params={"code": tiktok.issue_code()})
    return Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)


def make_draft(sku="SEN-1", *, name="Hạt sen sấy Đồng Tháp loại đặc biệt 500 g", variants=2, **overrides) -> ListingDraft:
    image = png_bytes()
    fields = {
        "product_id": 7, "sku": sku, "name": name,
        "description": "Hạt sen Tháp Mười sấy giòn.\n\nKhông chất bảo quản, đóng gói hút chân không.",
        "variants": tuple(VariantDraft(variant_id=n, sku=f"{sku}-{n}", option_name=f"{n * 250} g", price_vnd=45_000 * n,
                                    stock=10 + n, weight_grams=300 * n, length_cm=20, width_cm=15, height_cm=5)
                       for n in range(1, variants + 1)),
        "images": (ImageDraft(key="img-1", filename="sen.png", size_bytes=len(image), content=image),),
        "category_id": "600102", "attributes": {"100101": ["1001011"]}, "variation_name": "Khối lượng",
        "shipping_channel_id": "tiktok",
    }
    fields.update(overrides)
    return ListingDraft(**fields)


@pytest.fixture(scope="session")
def tiktok_locale(tmp_path_factory):
    """TikTok's Vietnamese catalog compiled to a temporary locale folder, read through LOCALE_PATHS."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = Path(__file__).resolve().parents[3] / "marketplace_connectors/backends/tiktok/locale/vi/LC_MESSAGES/django.po"
    root = tmp_path_factory.mktemp("tiktok-locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with po_path.open("rb") as po, (target / "django.mo").open("wb") as mo:
        write_mo(mo, read_po(po, locale="vi"))
    return root


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the connector's messages in English (the platform's default language is Vietnamese,
    whose catalog is installed); the Vietnamese ones are checked where a test overrides the language."""
    from django.utils import translation

    with translation.override("en"):
        yield


def connect_shop_with_rice_mapped(sim: TikTokSimulator):
    """A TikTok shop connected with the simulator's tokens, the rice category mapped to a leaf with its
    required attribute (as an owner leaves it after connecting and mapping)."""
    tokens = TikTokShopConnector().exchange_code(params={"code": sim.issue_code()})
    account = AccountFactory(marketplace="tiktok", external_shop_id=tokens.shop_id, logistics_channel_id="tiktok",
                             access_expires_at=tokens.access_expires_at, refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id="600102",
                                   attribute_values={"100101": ["1001011"]})
    return account
