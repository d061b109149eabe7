"""Pushes as each marketplace signs them, for the push endpoint's security tests: every marketplace configured
with known secrets, the headers a push carries computed from the marketplace's published signing rules (not
from the connectors' code), and what a push could change."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.urls import reverse

from marketplace_connectors.backends.woocommerce.mappers import webhook_secret
from marketplace_connectors.models import MarketplaceAccount, Order, PushReceipt
from marketplace_connectors.registry import registry_reset
from sme.catalog.models import StockMovement, Variant

CODES = ("shopee", "lazada", "tiktok", "tiki", "woocommerce")
PUSHING = ("shopee", "lazada", "tiktok", "woocommerce")
BASE_URL = "https://sme.example.vn"
SHOPEE_KEY, LAZADA_KEY, LAZADA_SECRET = "fuzz-partner-key", "104213", "fuzz-lazada-secret"
TIKTOK_KEY, TIKTOK_SECRET, WOO_KEY = "6abc1fuzz", "fuzz-tiktok-secret", "fuzz-webhook-key"
WOO_SHOP = "https://shop.example.vn"
SHOP_IDS = {"shopee": "14701711", "lazada": "100200300", "tiktok": "7494000000000000001", "tiki": "4001",
            "woocommerce": WOO_SHOP}


def configure(settings) -> None:
    """Every marketplace configured with the secrets above, pushes signed for BASE_URL."""
    settings.MARKETPLACE_PUSH_BASE_URL = BASE_URL
    settings.SHOPEE_PARTNER_ID, settings.SHOPEE_PARTNER_KEY = 2001887, SHOPEE_KEY
    settings.LAZADA_APP_KEY, settings.LAZADA_APP_SECRET = LAZADA_KEY, LAZADA_SECRET
    settings.TIKTOK_APP_KEY, settings.TIKTOK_APP_SECRET = TIKTOK_KEY, TIKTOK_SECRET
    settings.WOOCOMMERCE_WEBHOOK_KEY = WOO_KEY
    registry_reset()


def sign(code: str, body: bytes, *, topic: str = "order.updated", delivery: str = "d1") -> dict[str, str]:
    """The headers marketplace ``code`` sends with ``body``: Shopee hex HMAC-SHA256(partner key, URL|body),
    Lazada and TikTok Shop hex HMAC-SHA256(app secret, app key + body), WooCommerce base64 HMAC-SHA256 with the
    shop's webhook secret (docs/marketplaces/<code>.md)."""
    url = f"{BASE_URL}/marketplaces/push/{code}/"
    if code == "shopee":
        return {"Authorization": hmac.new(SHOPEE_KEY.encode(), url.encode() + b"|" + body, hashlib.sha256).hexdigest()}
    if code == "lazada":
        return {"Authorization": hmac.new(LAZADA_SECRET.encode(), LAZADA_KEY.encode() + body, hashlib.sha256).hexdigest()}
    if code == "tiktok":
        return {"Authorization": hmac.new(TIKTOK_SECRET.encode(), TIKTOK_KEY.encode() + body, hashlib.sha256).hexdigest()}
    secret = webhook_secret(key=WOO_KEY, shop_url=WOO_SHOP)
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-WC-Webhook-Source": WOO_SHOP + "/", "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Signature": signature,
            "X-WC-Webhook-Delivery-ID": delivery, "X-WC-Webhook-ID": "1"}


def state() -> tuple:
    """What a push could change: orders, receipts, stock and its ledger, the shops' status."""
    return (Order.objects.count(), PushReceipt.objects.count(), StockMovement.objects.count(),
            sorted(Variant.objects.values_list("sku", "stock")),
            sorted(MarketplaceAccount.objects.values_list("marketplace", "status")))


def post(client, code: str, body: bytes, headers: dict[str, str], content_type: str = "application/json"):
    """POST ``body`` with ``headers`` to our push endpoint for ``code``."""
    return client.post(reverse("marketplaces:push_receive", args=[code]), data=body, content_type=content_type,
                       headers=headers)
