"""Fault (b) scenario, run as its own process by test_worker_kill.py (it needs a database that real worker
processes share, which the in-memory test database is not).

``python worker_scenario.py <port>``: on the migrated database in DATABASE_URL, publish 6 products with one
real ``celery worker``, SIGKILL it while Shopee is acting on a create request, start a second worker, let the
stale-listing sweeper run, and print the outcome as JSON on the last line.
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
ADD = "/api/v2/product/add_item"


def start_worker(name: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)])}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-n", f"{name}@%h",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def main(port: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from marketplace_connectors import sync
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector
    from marketplace_connectors.backends.shopee.simulator import ShopeeSimulator
    from marketplace_connectors.models import ListingBinding, ListingStatus, SyncKind
    from tests.marketplace_connectors.factories import AccountFactory, make_product, map_rice

    sim = ShopeeSimulator(partner_id=settings.SHOPEE_PARTNER_ID, partner_key=settings.SHOPEE_PARTNER_KEY, port=port,
                          reject_repeated_items=False).start()
    try:
        code, shop_id = sim.issue_code()
        tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
        account = AccountFactory(external_shop_id=tokens.shop_id, access_expires_at=tokens.access_expires_at)
        account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
        account.save()
        map_rice(account)
        products = [make_product(account.business, n=n) for n in range(1, 7)]
        # Shopee takes 2 s to act on each create, so the kill lands while it is acting.
        sim.set_faults(latency=2.0, paths=frozenset({ADD}))
        first = start_worker("first")
        with transaction.atomic():
            run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[p.pk for p in products])
        in_flight = wait_for(lambda: ListingBinding.objects.filter(status=ListingStatus.PUBLISHING,
                                                                   attempt_started_at__isnull=False).exists(), 60)
        time.sleep(0.5)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_mid_request = in_flight and ListingBinding.objects.filter(
            status=ListingStatus.PUBLISHING, external_id="", attempt_started_at__isnull=False).exists()
        time.sleep(2.5)  # Shopee finishes the create the dead worker asked for
        items_after_kill = len(sim.items())
        second = start_worker("second")
        # The beat's sweeper finds the listing the dead worker held (its claim is stale) and queues it again.
        time.sleep(settings.MARKETPLACE_CLAIM_STALE_SECONDS + 0.5)
        with transaction.atomic():
            requeued = sync.listings_requeue_stale()
        finished = wait_for(lambda: run.__class__.objects.get(pk=run.pk).finished_at is not None, 120, 0.5)
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
        by_sku = {sku: len(items) for sku, items in sim.items_by_sku().items()}
        return {
            "killed_mid_request": killed_mid_request, "items_after_kill": items_after_kill, "requeued": requeued,
            "finished": finished, "items_by_sku": by_sku, "skus": sorted(p.key for p in products),
            "statuses": sorted(ListingBinding.objects.values_list("status", flat=True)),
            "external_ids": sorted(ListingBinding.objects.values_list("external_id", flat=True)),
            "item_ids": sorted(str(i.item_id) for i in sim.items()),
        }
    finally:
        sim.stop()


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
