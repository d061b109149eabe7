"""Fault (b): a worker is killed with SIGKILL during a publish run and another is started: every product
ends with exactly one listing. Real worker processes share a migrated SQLite file with the scenario."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_b_worker_killed_mid_publish_leaves_exactly_one_listing_per_product(tmp_path):
    # given a migrated database file, a filesystem broker and the simulator's port, shared by every process
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
        "CELERY_RESULT_BACKEND": f"file://{tmp_path / 'results'}",
        "SHOPEE_API_HOST": f"http://127.0.0.1:{port}",
        "SHOPEE_PARTNER_ID": "2001887",
        "SHOPEE_PARTNER_KEY": "test_partner_key",
        "SHOPEE_RATE_LIMIT": "1000",
        "SHOPEE_SHOP_RATE_LIMIT": "1000",
        "MARKETPLACE_RATE_LIMIT_REDIS_URL": "",
        "MARKETPLACE_CLAIM_STALE_SECONDS": "3",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    for sub in ("broker/queue", "broker/processed", "broker/control", "results", "media", "var"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"], env=env, cwd=REPO,
                   check=True, timeout=600)
    # when the scenario kills the first worker while Shopee acts on a create, then starts a second one
    completed = subprocess.run([sys.executable, str(Path(__file__).with_name("worker_scenario.py")), str(port)],
                               env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-4000:]
    outcome = json.loads(completed.stdout.strip().splitlines()[-1])
    # then the kill really hit a create in flight, and still every product has exactly one live listing
    assert outcome["killed_mid_request"] is True
    assert outcome["requeued"] >= 1
    assert outcome["finished"] is True
    assert outcome["items_by_sku"] == dict.fromkeys(outcome["skus"], 1)
    assert outcome["statuses"] == ["live"] * 6
    assert outcome["external_ids"] == outcome["item_ids"]
