"""Fault (b) scenario, run as its own process by test_worker_kill.py (it needs a database that real worker
processes share, which the in-memory test database is not).

``python worker_scenario.py``: on the migrated database in DATABASE_URL, start the five marketplaces'
simulators (each connector's sandbox), connect a shop on each and publish the same 6 products to all five
with one real ``celery worker`` running 5 threads. Every marketplace takes its time acting on a create, so
when the worker's process group is SIGKILLed a create is in flight on each of them. Then a second worker
starts, the stale-listing sweeper runs, the marketplaces that review new listings (TikTok Shop, Tiki)
approve what waits, and the outcome per marketplace is printed as JSON on the last line.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
PRODUCTS = 6
# How long each marketplace takes before it acts on a create (its sandbox's create path), so that the creates
# are in flight at once. WooCommerce lists (the lookup by SKU before a create) and creates on the same path, so
# its lookup is slowed too: the others take longer than its lookup and create together.
CREATE_LATENCY = 4.0
CREATE_LATENCY_BY_CODE = {"woocommerce": 1.5}


def start_worker(name: str, log: Path, *, prefetch: int = 1) -> subprocess.Popen:
    """A worker running 5 threads, in a process group of its own (its output goes to ``log``)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)])}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "threads", "--concurrency", "5",
             "--prefetch-multiplier", str(prefetch), "-n", f"{name}@%h", "--without-heartbeat", "--without-gossip",
             "--without-mingle", "-l", "info"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def remote_listings(code: str, sim) -> dict[str, set[str]]:
    """Every listing the marketplace holds (deleted ones aside): its id -> the SKUs it holds. Tiki's
    listing is the approved products of one request, under their configurable parent."""
    if code == "shopee":
        return {str(i.item_id): {i.item_sku, *(m.model_sku for m in i.models)} for i in sim.items()}
    if code == "lazada":
        return {str(p.item_id): {s.seller_sku for s in p.live_skus()} for p in sim.live_products()}
    if code == "tiktok":
        return {p.product_id: {s.seller_sku for s in p.skus} for p in sim.live_products()}
    with sim.lock:
        if code == "tiki":
            found: dict[str, set[str]] = {}
            for p in sim.products.values():
                found.setdefault(str(p.super_id or p.product_id), set()).add(p.original_sku)
            return found
        return {str(p["id"]): {p["sku"] or "", *(sim.variations[v]["sku"] or "" for v in p["variations"])} - {""}
                for p in sim.live_products()}


def tiki_requests_by_sku(sim) -> dict[str, int]:
    """How many product requests (in any state: a refused duplicate counts) carried each SKU."""
    counts: dict[str, int] = {}
    with sim.lock:
        for request in sim.requests.values():
            for variant in request.body.get("variants") or []:
                counts[str(variant.get("sku"))] = counts.get(str(variant.get("sku")), 0) + 1
    return counts


def landed(code: str, sim, skus: set[str]) -> bool:
    """Whether the marketplace acted on a create carrying ``skus`` (Tiki: a request was made)."""
    if code == "tiki":
        return bool(skus & set(tiki_requests_by_sku(sim)))
    return any(skus & held for held in remote_listings(code, sim).values())


def main() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from marketplace_connectors import crypto, sync
    from marketplace_connectors.models import (
        CategoryMapping,
        ListingBinding,
        ListingStatus,
        SyncKind,
        SyncRun,
    )
    from marketplace_connectors.registry import connector_codes, connector_get, registry_reset
    from marketplace_sandbox.sandbox import sandbox_start
    from tests.marketplace_connectors.factories import AccountFactory, BusinessFactory, rice_category
    from tests.marketplace_connectors.lazada.factories import lazada_product

    logs = Path(os.environ["VAR_DIR"])
    codes = connector_codes()
    sandboxes, workers = {}, []
    try:
        # given every registered marketplace, each slow to act on a create, and the connectors pointed at them here and
        # in the workers' environment
        for code in codes:
            registry_reset()
            sandboxes[code] = sandbox_start(code)
            for key, value in sandboxes[code].settings.items():
                setattr(settings, key, value)
                os.environ[key] = str(value)
        registry_reset()
        crypto._fernet.cache_clear()
        sims = {code: sandbox.simulator for code, sandbox in sandboxes.items()}
        sims["tiktok"].audit_seconds = None  # TikTok Shop's reviewers decide below (Tiki's always wait)
        for code, sim in sims.items():
            sim.set_faults(latency=CREATE_LATENCY_BY_CODE.get(code, CREATE_LATENCY),
                           paths=frozenset({sandboxes[code].create_path}))
        first = start_worker("first", logs / "worker-first.log")  # it starts up while the shops are connected
        workers.append(first)

        # and one business with a shop on each, its rice category mapped, and 6 products
        business = BusinessFactory()
        accounts = {}
        for code, sandbox in sandboxes.items():
            tokens = sandbox.connect(connector_get(code))
            account = AccountFactory(business=business, marketplace=code, external_shop_id=tokens.shop_id,
                                     shop_name=tokens.shop_name or code, logistics_channel_id=sandbox.shipping_channel_id,
                                     access_expires_at=tokens.access_expires_at,
                                     refresh_expires_at=tokens.refresh_expires_at)
            account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
            account.save()
            CategoryMapping.objects.create(account=account, category=rice_category(),
                                           external_category_id=sandbox.category_id,
                                           attribute_values=sandbox.attribute_values)
            accounts[code] = account
        products = [lazada_product(business, n=n, name=f"Gạo ST25 Đồng Tháp túi hút chân không {n}")
                    for n in range(1, PRODUCTS + 1)]
        skus = {p.key: {v.sku for v in p.variants.all()} for p in products}

        # when the first worker publishes them everywhere: the first product on each marketplace (a run of its
        # own, queued first, so each of the worker's 5 threads takes one marketplace), then the other 5 in one
        # run per marketplace; and it is killed once a create is in flight on every marketplace
        for batch in (products[:1], products[1:]):
            for code in codes:
                with transaction.atomic():
                    sync.sync_run_start(account=accounts[code], kind=SyncKind.PUBLISH, product_ids=[p.pk for p in batch])
                time.sleep(0.005)  # queued messages are ordered by their millisecond

        def creating(code: str):
            return ListingBinding.objects.filter(account=accounts[code], status=ListingStatus.PUBLISHING,
                                                 attempt_started_at__isnull=False, external_id="")

        all_in_flight = wait_for(lambda: all(creating(code).exists() for code in codes), 90)
        time.sleep(0.3)  # the requests reach the marketplaces
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        in_flight = {code: list(creating(code).values_list("product__key", flat=True)) for code in codes}
        for sim in sims.values():
            sim.set_faults()
        # and a second worker starts at once and publishes what is still queued (it reserves more messages than
        # the first, so the broker's polling does not pace it)
        second = start_worker("second", logs / "worker-second.log", prefetch=8)
        workers.append(second)
        # each marketplace finishes the create the dead worker asked for
        created_while_dead = {code: bool(in_flight[code]) and wait_for(
            lambda c=code: all(landed(c, sims[c], {key, *skus[key]}) for key in in_flight[c]), 15)
            for code in codes}
        # the beat's sweeper runs once the dead worker's claims are stale (and the second worker has published the
        # rest), finds those listings and queues them again
        dead = list(ListingBinding.objects.filter(status=ListingStatus.PUBLISHING,
                                                  product__key__in=set().union(*in_flight.values())))
        wait_for(lambda: not ListingBinding.objects.filter(status__in=(ListingStatus.PENDING, ListingStatus.PUBLISHING))
                 .exclude(pk__in=[b.pk for b in dead]).exists(), 60, 0.2)
        if dead:
            stale_at = max(b.claimed_at for b in dead).timestamp() + settings.MARKETPLACE_CLAIM_STALE_SECONDS + 0.2
            time.sleep(max(0.0, stale_at - time.time()))
        with transaction.atomic():
            requeued = sync.listings_requeue_stale()
        finished = wait_for(lambda: not SyncRun.objects.filter(finished_at__isnull=True).exists(), 180, 0.2)
        # An idle worker has nothing to lose: no need for a warm shutdown, which takes seconds.
        idle = wait_for(lambda: not ListingBinding.objects.filter(
            status__in=(ListingStatus.PENDING, ListingStatus.PUBLISHING)).exists(), 30, 0.2)
        os.killpg(second.pid, signal.SIGKILL if idle else signal.SIGTERM)
        second.wait(timeout=30)

        # and the reviewers of TikTok Shop and Tiki approve everything waiting, which the audit check then sees
        for product in sims["tiktok"].live_products():
            if product.status == "PENDING":
                sims["tiktok"].decide_audit(product.product_id, True)
        for request in sims["tiki"].pending_requests():
            sims["tiki"].decide_request(request.track_id, True)
        for binding_id in ListingBinding.objects.filter(status=ListingStatus.UNDER_REVIEW).values_list("pk", flat=True):
            sync.listing_review_check(binding_id=binding_id)

        outcome = {"all_in_flight": all_in_flight, "requeued": requeued, "finished": finished,
                   "products": sorted(skus), "markets": {}}
        for code in codes:
            listings = remote_listings(code, sims[code])
            held = {sku: sum(sku in listing for listing in listings.values()) for group in skus.values() for sku in group}
            bindings = ListingBinding.objects.filter(account=accounts[code])
            outcome["markets"][code] = {
                "in_flight": in_flight[code],
                "created_while_dead": created_while_dead[code],
                "listings": len(listings),
                "held": held,
                "listings_per_product": {key: sum(bool({key, *group} & listing) for listing in listings.values())
                                         for key, group in skus.items()},
                "statuses": sorted(bindings.values_list("status", flat=True)),
                "errors": sorted(e for e in bindings.values_list("last_error", flat=True) if e),
                "external_ids": sorted(bindings.values_list("external_id", flat=True)),
                "remote_ids": sorted(listings),
            }
        outcome["markets"]["shopee"]["items_by_sku"] = {sku: len(items) for sku, items in sims["shopee"].items_by_sku().items()}
        outcome["markets"]["tiki"]["requests_by_sku"] = tiki_requests_by_sku(sims["tiki"])
        return outcome
    finally:
        for worker in workers:  # a failure above leaves no worker behind
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        for sandbox in sandboxes.values():
            sandbox.simulator.stop()


if __name__ == "__main__":
    print(json.dumps(main()))
