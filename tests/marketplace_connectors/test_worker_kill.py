"""Fault (b): a worker is killed with SIGKILL while it publishes to all five marketplaces (a create in flight on
each) and another is started: every product ends with exactly one listing on every marketplace. Real worker
processes share a migrated SQLite file with the scenario, which starts the marketplaces' simulators."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace_connectors.registry import connector_codes

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def test_b_worker_killed_mid_publish_leaves_exactly_one_listing_per_product_on_every_marketplace(tmp_path):
    # given a migrated database file and the embedded SQLite broker, shared by every process
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": f"sqlite:///{tmp_path / 'broker.sqlite3'}",
        "CELERY_RESULT_BACKEND": f"file://{tmp_path / 'results'}",
        "SHOPEE_RATE_LIMIT": "1000",
        "SHOPEE_SHOP_RATE_LIMIT": "1000",
        "LAZADA_RATE_LIMIT": "1000",
        "LAZADA_SELLER_RATE_LIMIT": "1000",
        "TIKTOK_RATE_LIMIT": "1000",
        "TIKI_SELLER_RATE_LIMIT": "1000",
        "WOOCOMMERCE_RATE_LIMIT": "1000",
        "REDIS_URL": "",
        "MARKETPLACE_RATE_LIMIT_REDIS_URL": "",
        "MARKETPLACE_PUSH_BASE_URL": "",
        "MARKETPLACE_CLAIM_STALE_SECONDS": "3",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    for sub in ("results", "media", "var"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"], env=env, cwd=REPO,
                   check=True, timeout=600)
    # when the scenario kills the first worker while each marketplace acts on a create, then starts a second one
    completed = subprocess.run([sys.executable, str(Path(__file__).with_name("worker_scenario.py"))],
                               env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    logs = "".join(p.read_text(errors="replace")[-3000:] for p in sorted((tmp_path / "var").glob("worker-*.log")))
    assert completed.returncode == 0, completed.stderr[-4000:] + logs
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    # then the kill really hit a create in flight on every marketplace, the sweeper queued those listings again,
    # and every run finished
    assert outcome["all_in_flight"] is True
    codes = connector_codes()
    assert sorted(outcome["markets"]) == sorted(codes)
    assert outcome["requeued"] >= len(codes)
    assert outcome["finished"] is True, logs
    products = outcome["products"]
    assert len(products) == 6
    for code in codes:
        market = outcome["markets"][code]
        assert len(market["in_flight"]) >= 1, code
        assert market["created_while_dead"] is True, code
        # and each product has exactly one listing there, holding every variant's SKU, live and bound to it
        assert market["listings_per_product"] == dict.fromkeys(products, 1), (code, market)
        assert set(market["held"].values()) == {1}, (code, market["held"])
        assert market["listings"] == 6, (code, market)
        assert market["statuses"] == ["live"] * 6, (code, market["statuses"], market["errors"])
        assert market["errors"] == [], code
        assert market["external_ids"] == market["remote_ids"], (code, market)
    # Shopee holds one item per product SKU; Tiki was sent one product request per product, none twice
    assert outcome["markets"]["shopee"]["items_by_sku"] == dict.fromkeys(products, 1)
    assert outcome["markets"]["tiki"]["requests_by_sku"] == outcome["markets"]["tiki"]["held"]
