"""Run by test_scale_out.py on the stack's own migrated database (the web processes and workers share it).

``setup <code> <shop_id>``: an owner with one product (SKU SCALE-1, 20 in stock) and a Shopee shop connected
through the sandbox's consent code; prints the account's shop id. ``state``: the orders, push receipts, the
variant's stock and its stock movements, as JSON.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
SKU = "SCALE-1"
STOCK = 20


def setup(code: str, shop_id: str) -> dict:
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector
    from marketplace_connectors.models import MarketplaceAccount
    from sme.catalog.services import ProductInput, VariantInput, product_create
    from tests.marketplace_connectors.factories import owner_membership, rice_category

    membership = owner_membership()
    product_create(business=membership.business, actor=None, data=ProductInput(
        name="Gạo ST25 túi 5 kg", description="Gạo ST25 Đồng Tháp", category=rice_category(), key=SKU, status="active"),
        variants=[VariantInput(sku=SKU, price=120_000, stock=STOCK, weight_g=5000)])
    tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": shop_id})
    account = MarketplaceAccount(business=membership.business, marketplace="shopee", external_shop_id=tokens.shop_id,
                                 shop_name=tokens.shop_name, access_expires_at=tokens.access_expires_at,
                                 refresh_expires_at=tokens.refresh_expires_at, logistics_channel_id="50011",
                                 connected_by=membership.user)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    return {"shop_id": account.external_shop_id}


def state() -> dict:
    from marketplace_connectors.models import Order, PushReceipt
    from sme.catalog.models import StockMovement, Variant

    variant = Variant.objects.get(sku=SKU)
    return {
        "orders": list(Order.objects.values_list("external_id", flat=True)),
        "receipts": PushReceipt.objects.count(),
        "stock": variant.stock,
        "movements": list(StockMovement.objects.filter(variant=variant).order_by("id").values_list("delta", flat=True)),
    }


if __name__ == "__main__":
    import django

    django.setup()
    result = setup(*sys.argv[2:4]) if sys.argv[1] == "setup" else state()
    print(json.dumps(result))
