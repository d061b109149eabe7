"""10,000 stock updates to the Lazada simulator.

Target (issue 5): at most 1.25x the bound set by Lazada's batch size and rate. UpdatePriceQuantity takes at
most 50 SKUs per call and Lazada documents 50 inventory calls per second per seller, so 10,000 updates need
200 calls and at least 200 / 50 = 4.0 s; the target is 5.0 s. Measured end to end through the connector
(signing, the shared rate limiter, HTTP to the simulator on loopback, which enforces the 50/s limit and
answers ApiCallLimit above it), 5,000 products with 2 SKUs each, one seller. The shared rate limiter runs
in Redis (production's setting) when BENCH_REDIS_URL answers, and in the database (the fallback) always.
"""

import os
import time

from _harness import bench_databases, measurement, run_step

UPDATES = 10_000
BATCH = 50  # documented maximum SKUs per UpdatePriceQuantity call
RATE = 50.0  # documented inventory calls per second per seller
BOUND_SECONDS = UPDATES / BATCH / RATE


def _redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return ""


def measure(redis_url: str = "") -> dict:
    """Runs in its own process: start the simulator, connect a shop, push 10,000 stock levels."""
    from django.conf import settings

    from marketplace_connectors.backends.lazada.connector import LazadaConnector
    from marketplace_connectors.base import Credentials, PriceStockUpdate
    from marketplace_connectors.registry import registry_reset
    from marketplace_sandbox.lazada import LazadaSimulator

    sim = LazadaSimulator(app_key="bench-app", app_secret="bench-secret").start()  # noqa: S106 - local simulator
    settings.LAZADA_API_HOST = settings.LAZADA_AUTH_HOST = f"{sim.url}/rest"
    settings.LAZADA_AUTHORIZE_URL = f"{sim.url}/oauth/authorize"
    settings.LAZADA_APP_KEY, settings.LAZADA_APP_SECRET = "bench-app", "bench-secret"
    settings.LAZADA_INVENTORY_RATE_LIMIT = RATE
    settings.LAZADA_PRICE_QUANTITY_BATCH = BATCH
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = redis_url
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter("mkt:rl:lazada:*"):  # slots left by an earlier run
            client.delete(key)
    registry_reset()
    try:
        products = sim.seed_products(count=UPDATES // 2, skus_per_product=2)
        connector = LazadaConnector()
        tokens = connector.exchange_code(params={"code": sim.issue_code()[0]})
        credentials = Credentials(shop_id=tokens.shop_id, access_token=tokens.access_token)
        updates = [(str(p.item_id), PriceStockUpdate(external_variant_id=str(s.sku_id), stock=(p.item_id + k) % 97))
                   for p in products for k, s in enumerate(p.skus)]
        calls_before = len(sim.calls)
        started = time.perf_counter()
        outcome = connector.update_price_stock_many(credentials=credentials, updates=updates)
        seconds = time.perf_counter() - started
        calls = sim.calls[calls_before:]
        applied = sum(1 for p in products for k, s in enumerate(p.skus) if s.quantity == (p.item_id + k) % 97)
        return {
            "seconds": seconds, "calls": len(calls), "succeeded": len(outcome.succeeded), "failed": len(outcome.failed),
            "applied": applied, "rate_limited": sum(1 for _path, _status, code in calls if code == "ApiCallLimit"),
            "limiter": "Redis" if settings.MARKETPLACE_RATE_LIMIT_REDIS_URL else "database",
            "safety": settings.MARKETPLACE_RATE_LIMIT_SAFETY,
        }
    finally:
        sim.stop()


def run() -> list[dict]:
    results = []
    limiters = [("Redis", _redis_url())] if _redis_url() else []
    limiters.append(("database", ""))
    for db in bench_databases("lazada_stock"):
        with db:
            for label, url in limiters:
                r = run_step("bench_lazada_stock", "measure", database_url=db.url, args={"redis_url": url})
                where = f"{db.label}, {label} limiter"
                notes = (f"{r['calls']} calls of ≤{BATCH} SKUs; bound {BOUND_SECONDS:.1f} s at {RATE:.0f} calls/s; "
                         f"{r['applied']:,} of {UPDATES:,} applied, {r['failed']} failed, {r['rate_limited']} "
                         f"ApiCallLimit; limiter at {r['safety']:.0%} of the limit")
                results.append(measurement("10,000 stock updates, total time", r["seconds"], "s",
                                           target=1.25 * BOUND_SECONDS, database=where, notes=notes))
                results.append(measurement("ratio to the bound", r["seconds"] / BOUND_SECONDS, "x", target=1.25,
                                           database=where))
                results.append(measurement("rate-limit answers", r["rate_limited"], "", target=0, database=where))
                results.append(measurement("updates applied", r["applied"], "", target=UPDATES, lower_is_better=False,
                                           database=where))
    return results
