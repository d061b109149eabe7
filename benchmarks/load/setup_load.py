"""The load test's data, made in the process that runs ``make load`` (Django on the load database), with the
sandbox Shopee running in that same process so the shops' tokens and the orders live where the web
processes and the workers will find them.

``load_data_create`` makes: the demo data (``seed_demo``: journey, register, a year of indicator history);
OWNERS owners, each with a business (on DEFAULT_PLAN, pro here: without Stripe every business runs on it),
PRODUCTS products (2 variants, 1 photo), a Shopee shop connected through the sandbox's consent flow with the
rice category mapped, PUBLISHED of the products live on it and ORDERS orders imported from it; OFFICERS
trade officers with two-factor set up and an API token.
Everyone gets a signed-in session (what allauth records after a password, plus two-factor for officers), so
the load measures the pages, not the login throttle.
"""

from __future__ import annotations

import uuid

ORDER_QUANTITY = 1


def _session_for(user) -> str:
    from django.test import Client

    from tests.factories import record_allauth_sign_in

    client = Client()
    client.force_login(user)
    record_allauth_sign_in(client, user)
    return client.cookies["sessionid"].value


def load_data_create(*, sim, owners: int, products: int, published: int, orders: int, officers: int) -> dict:
    """Returns what the locustfile needs (sessions, ids, the orders a push may name); see the module docstring."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.core.management import call_command

    from accounts.roles import Role
    from adoption.services import api_token_create
    from marketplace_connectors import sync
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector
    from marketplace_connectors.models import (
        ListingBinding,
        ListingStatus,
        MarketplaceAccount,
        Order,
        SyncKind,
    )
    from tests.factories import UserFactory
    from tests.marketplace_connectors.factories import (
        BusinessFactory,
        make_product,
        map_rice,
        owner_membership,
    )

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - output not wanted
    out: dict = {"owners": [], "officers": [], "shops": []}
    shop_ids = list(sim.shops)
    # Setting up publishes PUBLISHED products per shop in this process: the limiter would make it wait for
    # nothing (the sandbox has no limit), so it is lifted here only; the web and workers keep the real one.
    settings.SHOPEE_RATE_LIMIT = settings.SHOPEE_SHOP_RATE_LIMIT = 1000.0
    for n in range(owners):
        business = BusinessFactory(legal_name=f"Hộ kinh doanh tải thử {n}")
        membership = owner_membership(business, email=f"load-owner-{n}-{uuid.uuid4().hex[:4]}@example.test",
                                      preferred_language="vi")
        made = [make_product(business, n=n * 1000 + i) for i in range(products)]
        code, shop_id = sim.issue_code(shop_ids[n])
        tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
        account = MarketplaceAccount(business=business, marketplace="shopee", external_shop_id=tokens.shop_id,
                                     shop_name=tokens.shop_name, access_expires_at=tokens.access_expires_at,
                                     refresh_expires_at=tokens.refresh_expires_at, logistics_channel_id="50011",
                                     connected_by=membership.user)
        account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        account.save()
        map_rice(account)
        run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in made[:published]],
                                  user=membership.user)  # eager in this process
        run.refresh_from_db()
        live = ListingBinding.objects.filter(account=account, status=ListingStatus.LIVE).count()
        if live != published:
            raise RuntimeError(f"setup: {live} of {published} products went live on shop {shop_id}")
        skus = [v.sku for p in made[:published] for v in p.variants.all()]
        sns = [sim.create_order(shop_id=shop_id, items=[(skus[i % len(skus)], ORDER_QUANTITY)]) for i in range(orders)]
        sync.orders_import(account_id=account.pk)
        if Order.objects.filter(account=account).count() != orders:
            raise RuntimeError(f"setup: orders of shop {shop_id} not imported")
        out["owners"].append({
            "session": _session_for(membership.user), "account_id": account.pk,
            "product_ids": [p.pk for p in made], "published_ids": [p.pk for p in made[:published]],
            "unpublished_ids": [p.pk for p in made[published:]],
            "variant_ids": [v.pk for p in made[:5] for v in p.variants.all()],
            "order_ids": list(Order.objects.filter(account=account).values_list("pk", flat=True)),
        })
        out["shops"].append({"shop_id": int(shop_id), "order_sns": sns})
    for n in range(officers):
        officer = UserFactory(email=f"load-officer-{n}-{uuid.uuid4().hex[:4]}@example.test", roles=[Role.TRADE_OFFICER])
        TOTP.activate(officer, generate_totp_secret())
        _record, token = api_token_create(user=officer, name="load")
        out["officers"].append({"session": _session_for(officer), "api_token": token})
    return out
