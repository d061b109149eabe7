"""Shopee publishing: 1,000 products (2 variants, 1 image each) to the simulator limited to 10 requests/s.

Target (issue 4): with 2 workers, total time at most 1.25x the minimum the limit allows for the calls made,
zero rate-limit errors (HTTP 429), zero duplicate listings. Two real ``celery worker --pool solo`` processes
publish; the rate limiter they share lives in the database (Redis when BENCH_REDIS_URL answers). The
simulator runs in the measuring process; its rate limit is a sliding 1-second window per partner.
Runs on PostgreSQL when reachable (else SQLite): one run takes about six minutes.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _harness import ROOT, bench_databases, measurement, run_step

PRODUCTS = int(os.environ.get("BENCH_SHOPEE_PRODUCTS", "1000"))
RATE = 10.0
WORKERS = 2
PARTNER_ID, PARTNER_KEY = 2001887, "bench_partner_key"


def _redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return ""


def _setup(business_name: str, sim) -> tuple:
    """Owner, business, 1,000 products through the catalog services, a connected account, a category mapping."""
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector
    from marketplace_connectors.models import CategoryMapping, MarketplaceAccount
    from sme.businesses.models import Business, LegalForm, MemberRole, Membership
    from sme.catalog.models import Category
    from sme.catalog.services import ProductInput, VariantInput, image_add, product_create
    from tests.factories import UserFactory
    from tests.marketplace_connectors.factories import LONG_DESCRIPTION, png_bytes

    user = UserFactory(email=f"bench-{uuid.uuid4().hex[:6]}@example.test")
    business = Business.objects.create(legal_form=LegalForm.HOUSEHOLD, legal_name=business_name,
                                       identifier=f"0870{uuid.uuid4().int % 10**8:08d}", created_by=user)
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    rice = Category.objects.get(code="rice-products")
    products = []
    for n in range(PRODUCTS):
        product = product_create(
            business=business,
            data=ProductInput(name=f"Gạo ST25 Đồng Tháp loại {n}", description=LONG_DESCRIPTION, category=rice,
                              option1_name="Khối lượng", key=f"GAO-{n:05d}", status="active"),
            variants=[VariantInput(sku=f"GAO-{n:05d}-{i}", price=50_000 * i, option1_value=f"{i} kg", stock=10 * i,
                                   weight_g=1000 * i) for i in (1, 2)],
            actor=user,
        )
        image_add(product=product, data=png_bytes((n % 256, 90, 40)), name=f"gao-{n}.png")
        products.append(product)
    code, shop_id = sim.issue_code()
    tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
    account = MarketplaceAccount(business=business, marketplace="shopee", external_shop_id=tokens.shop_id,
                                 shop_name=tokens.shop_name, access_expires_at=tokens.access_expires_at,
                                 logistics_channel_id="50011", connected_by=user)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice, external_category_id="100101",
                                   external_category_name="Gạo", attribute_values={"501": ["5011"], "502": ["12 tháng"]})
    return user, account, products


def measure(port: int, broker: str, limiter_url: str, media: str) -> dict:
    """Runs in its own process (Django on the benchmark database): simulator, data, 2 workers, one publish run."""
    from django.conf import settings

    from config.celery_app import app
    from marketplace_connectors import sync
    from marketplace_connectors.models import ListingBinding, SyncKind, SyncRun
    from marketplace_connectors.registry import registry_reset
    from marketplace_sandbox.shopee import ShopeeSimulator

    sim = ShopeeSimulator(partner_id=PARTNER_ID, partner_key=PARTNER_KEY, port=port, rate_limit_per_second=RATE,
                          reject_repeated_items=False).start()
    settings.SHOPEE_API_HOST = sim.url
    registry_reset()
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    try:
        setup_started = time.perf_counter()
        user, account, products = _setup("Bench Shopee", sim)
        # Warm the per-category metadata the way the owner's screens do before publishing (3 calls, once).
        for product in products[:1]:
            sync.listing_validate(account=account, product=product)
        setup_seconds = time.perf_counter() - setup_started
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)])}
        workers = [
            subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue,
                              "-n", f"{queue}-{i}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
                              "-l", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            for i in range(WORKERS)
        ]
        time.sleep(8)  # let both workers connect before the clock starts
        calls_before = len(sim.calls)
        started = time.perf_counter()
        run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in products], user=user)
        deadline = started + 3600
        while time.perf_counter() < deadline:
            run.refresh_from_db()
            if run.finished_at is not None:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        for w in workers:
            os.killpg(w.pid, signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(w.pid, signal.SIGKILL)
        calls = sim.calls[calls_before:]
        by_sku = sim.items_by_sku()
        statuses = {}
        for s in ListingBinding.objects.filter(account=account).values_list("status", flat=True):
            statuses[s] = statuses.get(s, 0) + 1
        return {
            "elapsed": elapsed, "setup_seconds": setup_seconds, "calls": len(calls),
            "calls_429": sum(1 for c in calls if c[1] == 429), "calls_error": sum(1 for c in calls if c[1] != 200),
            "items": sum(len(v) for v in by_sku.values()), "duplicates": sum(len(v) - 1 for v in by_sku.values()),
            "statuses": statuses, "run": [run.total, run.succeeded, run.failed],
            "limiter": "Redis" if limiter_url else "database", "runs": SyncRun.objects.count(),
        }
    finally:
        sim.stop()


def run() -> list[dict]:
    results = []
    redis_url = _redis_url()
    databases = bench_databases("shopee")[:1]  # PostgreSQL when reachable, else SQLite: one run is ~6 minutes
    with tempfile.TemporaryDirectory() as tmp:
        broker = redis_url or f"sqlite:///{tmp}/broker.sqlite3"
        os.environ.update({
            "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": redis_url or f"file://{tmp}/results",
            "SHOPEE_PARTNER_ID": str(PARTNER_ID), "SHOPEE_PARTNER_KEY": PARTNER_KEY,
            "SHOPEE_RATE_LIMIT": str(RATE), "SHOPEE_SHOP_RATE_LIMIT": str(RATE),
            "MARKETPLACE_RATE_LIMIT_REDIS_URL": redis_url, "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "SHOPEE_API_HOST": "http://127.0.0.1:8799",
            # 1,000 active products need a paid plan (Free stops at 50). Without Stripe keys a subscription
            # row counts for nothing: every business runs on DEFAULT_PLAN (sme.billing.selectors).
            "DEFAULT_PLAN": "pro",
        })
        for sub in ("results", "media"):
            Path(tmp, sub).mkdir(parents=True, exist_ok=True)
        for db in databases:
            with db:
                r = run_step("bench_shopee_publish", "measure", database_url=db.url,
                             args={"port": 8799, "broker": broker, "limiter_url": redis_url, "media": f"{tmp}/media"})
            minimum = (r["calls"] - r["calls_429"]) / RATE
            ratio = r["elapsed"] / minimum
            notes = (f"{PRODUCTS:,} products, {WORKERS} workers, limiter: {r['limiter']}; {r['calls']:,} calls "
                     f"({r['calls'] / PRODUCTS:.2f} per product); minimum at {RATE:g} req/s = {minimum:.0f} s; "
                     f"listings {r['statuses']}")
            version = r["database_version"]
            results += [
                {**measurement("publish 1,000 products: total time", r["elapsed"], "s", database=db.label, notes=notes),
                 "database_version": version},
                {**measurement("total time / minimum the rate limit allows", ratio, "x", target=1.25, database=db.label,
                               notes="minimum = successful calls / 10 req/s"), "database_version": version},
                {**measurement("rate-limit errors (HTTP 429)", r["calls_429"], "calls", target=0, database=db.label),
                 "database_version": version},
                {**measurement("duplicate listings", r["duplicates"], "listings", target=0, database=db.label,
                               notes=f"{r['items']:,} items on the simulator"), "database_version": version},
                {**measurement("calls per product", r["calls"] / PRODUCTS, "calls", database=db.label,
                               notes="upload_image + add_item + init_tier_variation"), "database_version": version},
            ]
    return results
