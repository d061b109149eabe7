"""Run by test_soak.py on the soak's own migrated database: one owner with a business and four connected
WooCommerce shops (no listings: a stock push finds nothing to send and no marketplace is called)."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]


def main() -> dict:
    import django

    django.setup()
    from tests.factories import DEFAULT_PASSWORD
    from tests.marketplace_connectors.factories import AccountFactory, owner_membership

    membership = owner_membership()
    for n in range(4):
        AccountFactory(business=membership.business, marketplace="woocommerce",
                       external_shop_id=f"http://127.0.0.1:9/{n}", shop_name=f"Soak shop {n}")
    return {"email": membership.user.email, "password": DEFAULT_PASSWORD, "accounts": 4}


if __name__ == "__main__":
    print(json.dumps(main()))
