"""Scale out: two Celery workers (separate processes, 2 each) share one rate limit, and two web processes
with two workers apply an order pushed to both once (one order, stock taken once). A burst of calls well over
the marketplace's limit, enqueued at once and split between both workers, reaches a stand-in marketplace that
answers 429 to any call over its limit in a sliding second: it never does. The limiter lives in Redis when
REDIS_URL is set (the production stack), else in the database; both are shared by every process."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from marketplace_sandbox import shopee

from .scale_out_orders import SKU, STOCK
from .test_soak import REPO, Stack, _free_port, _stop, _wait_for

pytestmark = pytest.mark.worker
LIMIT = 8  # calls the stand-in accepts in any sliding second
RATE = 8.0  # what our settings say the marketplace allows (the limiter keeps 90% of it)
CALLS = 48


class _Marketplace(BaseHTTPRequestHandler):
    """Answers 429 to a call that would make more than LIMIT in the last second, as a marketplace does."""

    lock = threading.Lock()
    times: list[float] = []
    refused = 0

    def do_GET(self):
        now = time.monotonic()
        with self.lock:
            recent = [t for t in type(self).times if now - t < 1.0]
            over = len(recent) >= LIMIT
            if over:
                type(self).refused += 1
            else:
                type(self).times.append(now)
        self.send_response(429 if over else 200)
        self.end_headers()

    def log_message(self, *args):
        return


def test_a_burst_from_two_workers_stays_under_the_marketplace_limit(tmp_path, monkeypatch):
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Marketplace)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/product/stock"
    _Marketplace.times, _Marketplace.refused = [], 0
    with Stack(tmp_path) as stack:
        # the limiter: Redis when the stack has it, else the shared database
        stack.env["MARKETPLACE_RATE_LIMIT_REDIS_URL"] = os.environ.get("REDIS_URL", "")
        args = ["celery", "-A", "config", "worker", "-I", "tests.config.soak_tasks", "--concurrency", "2", "-l", "info"]
        workers = [stack.start(f"w{n}", [*args, "-n", f"scale{n}@%h"]) for n in (1, 2)]
        try:
            from celery import Celery

            producer = Celery("scale-producer", broker=stack.broker_url, set_as_current=False)
            assert _wait_for(lambda: all("ready" in stack.log(f"w{n}") for n in (1, 2)), 120), _workers_log(stack)
            key = f"scaleout:test:{tmp_path.name}"
            started = time.monotonic()
            # when a burst six times the per-second limit is enqueued at once
            for _ in range(CALLS):
                producer.send_task("scaleout.call", args=[url, key, RATE])
            done = _wait_for(lambda: len(_Marketplace.times) + _Marketplace.refused >= CALLS, 180, 0.2)
            elapsed = time.monotonic() - started
            time.sleep(3)  # every call acknowledged; a task still unacknowledged at shutdown may run again
            arrived, refused = len(_Marketplace.times), _Marketplace.refused
        finally:
            for worker in workers:
                _stop(worker)
            server.shutdown()
            server.server_close()
        logs = stack.log("w1") + stack.log("w2")
    # then both workers took part, every call arrived, none was refused
    assert done, f"{len(_Marketplace.times)} calls arrived"
    assert logs.count("scaleout.call") >= CALLS and all(
        Path(tmp_path / f"w{n}.log").read_text().count("succeeded") > 0 for n in (1, 2))
    assert refused == 0
    assert arrived == CALLS
    # and the limit was used, not avoided by running slowly: about CALLS / (RATE * 0.9) seconds
    assert elapsed < CALLS / RATE * 3


def _workers_log(stack) -> str:
    """What both workers printed last, to read why one never became ready."""
    return "\n".join(f"--- w{n} ---\n{stack.log(f'w{n}')[-3000:]}" for n in (1, 2))


def _state(stack) -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("scale_out_orders.py")), "state"],
                         env=stack.env, cwd=REPO, check=True, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_order_pushed_to_both_web_processes_is_applied_once(tmp_path, monkeypatch):
    """Two web processes (gunicorn, separate ports, one public address as behind a load balancer) and two
    workers share the database and the broker. The marketplace delivers the same order notification to both
    at once, then a second notification of the same order to both at once: the order is recorded once and
    its stock taken once."""
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    sim = shopee.ShopeeSimulator(partner_id=shopee.PARTNER_ID, partner_key=shopee.PARTNER_KEY).start()
    public = "https://sme.example.test"  # what the marketplace is told: the load balancer in front of both
    processes = []
    try:
        with Stack(tmp_path) as stack:
            stack.env.update({k: str(v) for k, v in shopee.connector_settings(sim.url).items()})
            stack.env["MARKETPLACE_PUSH_BASE_URL"] = public
            code, shop_id = sim.issue_code()
            subprocess.run([sys.executable, str(Path(__file__).with_name("scale_out_orders.py")), "setup",
                            code, str(shop_id)], env=stack.env, cwd=REPO, check=True, capture_output=True, timeout=300)
            # given a buyer's order of 3 on the marketplace, for the product with 20 in stock, placed after the
            # shop was connected (Shopee's times are whole seconds: an order in the second of the connection
            # would count as older than it, and older orders do not move the stock)
            time.sleep(1.5)
            sim.seed_item(sku=SKU, stock=50, shop_id=shop_id)
            order_sn = sim.create_order(shop_id=shop_id, items=[(SKU, 3)])
            before = _state(stack)
            ports = [_free_port(), _free_port()]
            for n, port in enumerate(ports):
                processes.append(stack.start(f"web{n}", ["gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w",
                                                         "1", "--threads", "4", "--no-control-socket"]))
            args = ["celery", "-A", "config", "worker", "--concurrency", "2", "-l", "info"]
            processes += [stack.start(f"w{n}", [*args, "-n", f"orders{n}@%h"]) for n in (1, 2)]
            bases = [f"http://127.0.0.1:{port}" for port in ports]

            def answers(url):
                try:
                    return requests.get(url, timeout=5).status_code
                except requests.RequestException:
                    return None

            assert _wait_for(lambda: all(answers(f"{b}/healthz") in (200, 503) for b in bases), 120)
            assert _wait_for(lambda: all("ready" in stack.log(f"w{n}") for n in (1, 2)), 120), _workers_log(stack)

            # when the marketplace delivers one notification to both web processes at once, then another
            # notification of the same order (a later timestamp: a new event) to both at once
            path = "/marketplaces/push/shopee/"
            statuses = []
            for stamp in (1, 2):
                body = json.dumps({"code": 3, "shop_id": shop_id, "timestamp": int(time.time()) + stamp,
                                   "data": {"ordersn": order_sn, "status": "READY_TO_SHIP",
                                            "update_time": int(time.time())}}, separators=(",", ":")).encode()
                headers = {"Authorization": sim.push_signature(public + path, body),
                           "Content-Type": "application/json"}
                barrier = threading.Barrier(len(bases))

                def deliver(base, body=body, headers=headers, barrier=barrier):
                    barrier.wait()
                    statuses.append(requests.post(base + path, data=body, headers=headers, timeout=60).status_code)

                threads = [threading.Thread(target=deliver, args=(base,)) for base in bases]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            # both events' imports run in the workers (each event's import is enqueued once)
            imported = _wait_for(lambda: (stack.log("w1") + stack.log("w2")).count("order_import_one_task") >= 4
                                 and _state(stack)["orders"], 180, 0.5)
            time.sleep(3)  # a second import, had one been enqueued, would finish now
            after = _state(stack)
            logs = stack.log("w1") + stack.log("w2")
    finally:
        for process in processes:
            _stop(process)
        sim.stop()

    # then every delivery was acknowledged, the two events were recorded once each, the order exists once,
    # and the stock went down by 3 once
    assert statuses == [200, 200, 200, 200]
    assert imported, logs[-3000:]
    assert after["receipts"] == 2
    assert after["orders"] == [order_sn]
    assert after["stock"] == before["stock"] - 3 == STOCK - 3
    assert after["movements"] == [*before["movements"], -3]
    assert "Traceback" not in logs
