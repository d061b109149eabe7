"""Soak: the web process, beat and two workers producing and consuming at once on the configured broker
(the embedded SQLite broker, or Redis when CELERY_BROKER_URL says so): every task runs, none twice, no
process exits, and /healthz sees the workers, then answers 503 once they are gone.

SOAK_TASKS sets the number of ledger tasks (CI: 10,000; ``make soak``: 100,000).
"""

import atexit
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.soak, pytest.mark.worker]
SUCCEEDED = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] succeeded")
RECEIVED = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] received")
RETRIED = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]{36})\] retry:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Stack:
    """The soak's own database (a fresh SQLite file, or a fresh PostgreSQL database when DATABASE_URL is
    PostgreSQL) and broker (a fresh SQLite broker file, or the configured Redis database)."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        base_db = os.environ.get("DATABASE_URL", "")
        self.pg_name = ""
        if base_db.startswith("postgres"):
            self.pg_name = f"{base_db.rsplit('/', 1)[1]}_soak_{uuid.uuid4().hex[:6]}"
            self.admin_url = base_db
            self.database_url = base_db.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if broker.startswith("redis"):
            self.broker_url = broker
            self.result_backend = os.environ.get("CELERY_RESULT_BACKEND", broker)
        else:
            self.broker_url = f"sqlite:///{tmp_path / 'broker.sqlite3'}"
            self.result_backend = f"file://{tmp_path / 'results'}"
        self.ledger = tmp_path / "ledger.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.result_backend,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "VAR_DIR": str(tmp_path / "var"),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "SOAK_LEDGER": str(self.ledger),
            "WORKER_HEARTBEAT_SECONDS": "1",
            # long enough for a heartbeat delayed by a busy machine (load 16 seen in CI-like runs), short enough
            # to see /healthz turn 503 at the end
            "HEALTHZ_WORKER_SILENCE_SECONDS": "20",
            # beat's real schedule, with the stock sweep every second
            "MARKETPLACE_STOCK_SYNC_SECONDS": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    # The first stack of a session migrates a template (a SQLite file, or a PostgreSQL template database);
    # the next ones copy it: migrating costs ~20 s of CPU, copying well under one.
    _templates: dict[str, str] = {}

    def __enter__(self):
        if self.pg_name:
            import psycopg

            template = self._templates.get("postgres")
            if template is None:
                template = f"{self.pg_name}_template"
                with psycopg.connect(self.admin_url, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{template}"')
                atexit.register(_database_drop, self.admin_url, template)
                self._migrate(self.database_url.rsplit("/", 1)[0] + "/" + template)
                Stack._templates["postgres"] = template
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{template}"')
        else:
            template = self._templates.get("sqlite")
            if template is None:
                folder = tempfile.mkdtemp(prefix="stack-template-")
                atexit.register(shutil.rmtree, folder, True)
                template = f"{folder}/db.sqlite3"
                self._migrate(f"sqlite:///{template}")
                Stack._templates["sqlite"] = template
            shutil.copyfile(template, self.tmp / "db.sqlite3")
        return self

    def _migrate(self, database_url: str) -> None:
        subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"],
                       env={**self.env, "DATABASE_URL": database_url}, cwd=REPO, check=True, timeout=900)

    def __exit__(self, *exc):
        if self.pg_name:
            _database_drop(self.admin_url, self.pg_name)

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        return subprocess.Popen([sys.executable, "-m", *args], cwd=self.tmp, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")


def _database_drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 60) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _login(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    response = session.post(f"{base}/accounts/login/", timeout=30, allow_redirects=False, data={
        "login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"})
    assert response.status_code == 302, response.text[:2000]
    return session


def test_web_beat_and_two_workers_run_every_task_once_and_healthz_sees_them(tmp_path, monkeypatch):
    total = int(os.environ.get("SOAK_TASKS", "10000"))
    spawned_share = total // 5  # made by the workers themselves, 100 per spawn task
    direct = total - spawned_share
    web_posts = 30
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)  # Celery lets these override the producer app's own
    with Stack(tmp_path) as stack:
        setup = subprocess.run([sys.executable, str(Path(__file__).with_name("soak_setup.py"))], env=stack.env,
                               cwd=REPO, check=True, capture_output=True, text=True, timeout=300)
        owner = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        worker_args = ["celery", "-A", "config", "worker", "-I", "tests.config.soak_tasks", "--concurrency", "2",
                       "-l", "info"]
        processes = {
            "web": stack.start("web", ["gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
                                       "--threads", "4", "--no-control-socket", "--chdir", str(REPO)]),
            "beat": stack.start("beat", ["celery", "-A", "config", "beat", "-l", "info",
                                         "-s", str(tmp_path / "beat-schedule")]),
            "worker1": stack.start("worker1", [*worker_args, "-n", "soak1@%h"]),
            "worker2": stack.start("worker2", [*worker_args, "-n", "soak2@%h"]),
        }
        try:
            def health() -> requests.Response | None:
                try:
                    return requests.get(f"{base}/healthz", timeout=30)
                except requests.RequestException:
                    return None

            # given both workers beating and the web process answering
            assert _wait_for(lambda: (r := health()) is not None and r.status_code == 200
                             and len(r.json()["worker_list"]) == 2, 120), (health() and health().text)

            # when the test enqueues tasks from two threads, the workers enqueue more, the owner presses
            # "Push stock now" in the web process, and beat sends its scheduled tasks
            from celery import Celery

            producer = Celery("soak-producer", broker=stack.broker_url, backend=stack.result_backend,
                              set_as_current=False)
            producer.conf.task_serializer = "json"
            started = time.monotonic()

            def send(keys):
                for key in keys:
                    producer.send_task("soak.record", args=[key])

            keys = [f"direct-{n}" for n in range(direct)]
            threads = [threading.Thread(target=send, args=(keys[i::2],)) for i in range(2)]
            for t in threads:
                t.start()
            for n in range(spawned_share // 100):
                producer.send_task("soak.spawn", args=[f"spawn{n}", 100])
            web = _login(base, owner["email"], owner["password"])
            answers = []
            healthy_during = []
            for _ in range(web_posts):
                page = web.get(f"{base}/marketplaces/orders/", timeout=30)
                answers.append(page.status_code)
                answers.append(web.post(f"{base}/marketplaces/stock/push/", timeout=30, allow_redirects=False,
                                        data={"csrfmiddlewaretoken": web.cookies["csrftoken"]},
                                        headers={"Referer": f"{base}/marketplaces/orders/"}).status_code)
                healthy_during.append(getattr(health(), "status_code", None))
            for t in threads:
                t.join()

            def ledger_count() -> int:
                if not stack.ledger.exists():
                    return 0
                with sqlite3.connect(stack.ledger, timeout=60) as conn:
                    try:
                        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]
                    except sqlite3.OperationalError:
                        return 0

            everything_ran = _wait_for(lambda: ledger_count() >= total, 1800, 1.0)
            elapsed = time.monotonic() - started
            time.sleep(3)  # anything run twice would show up now

            def waiting() -> int | None:
                answer = health()
                return answer.json()["queue"]["waiting"] if getattr(answer, "status_code", None) == 200 else None

            # beat keeps queueing its sweeps every second: on a busy machine a few wait for a moment, and the
            # queue must drain (a task nobody consumes would keep it from ever reaching 0)
            queue_drained = _wait_for(lambda: waiting() == 0, 300, 0.5)
            alive = {name: p.poll() is None for name, p in processes.items()}

            # then every ledger task ran exactly once
            with sqlite3.connect(stack.ledger) as conn:
                runs = Counter(dict(conn.execute("SELECT key, count(*) FROM runs GROUP BY key").fetchall()))
            assert everything_ran, f"{ledger_count()} of {total} ran in {elapsed:.0f} s"
            expected = set(keys) | {f"spawn{n}-{i}" for n in range(spawned_share // 100) for i in range(100)}
            assert set(runs) == expected
            assert {k: c for k, c in runs.items() if c != 1} == {}
            # and every task a worker received (ledger, spawns, the web's stock pushes, beat's sweeps) it
            # received once and finished once
            logs = stack.log("worker1") + stack.log("worker2")
            received = Counter(m["id"] for m in RECEIVED.finditer(logs))
            succeeded = Counter(m["id"] for m in SUCCEEDED.finditer(logs))
            retried = {m["id"] for m in RETRIED.finditer(logs)}  # a retry is received again, on purpose
            assert [i for i, c in received.items() if c > 1 and i not in retried] == []
            assert [i for i, c in succeeded.items() if c > 1] == []
            names = Counter(m["name"] for m in SUCCEEDED.finditer(logs))
            assert names["soak.record"] == total
            assert answers.count(200) == web_posts and answers.count(302) == web_posts, answers
            assert names["marketplace_connectors.tasks.stock_push_account_task"] == web_posts * owner["accounts"]
            assert names["marketplace_connectors.tasks.stock_push_due_task"] >= 3  # beat kept sending
            # and no process exited, the queue is empty, and /healthz said ok all along
            assert alive == dict.fromkeys(processes, True), {n: stack.log(n)[-3000:] for n, a in alive.items() if not a}
            assert "Unrecoverable error" not in logs
            assert queue_drained, f"{waiting()} tasks still waiting"
            assert set(healthy_during) == {200}
            print(f"\nsoak: {total} ledger tasks + {spawned_share // 100} spawns + {web_posts * 4} web stock pushes"
                  f" in {elapsed:.1f} s ({total / elapsed:.0f} tasks/s) on {stack.broker_url.split(':')[0]}")

            # when one worker stops cleanly and the other is killed
            _stop(processes["worker1"])
            _stop(processes["worker2"], signal.SIGKILL)
            # then /healthz answers 503 once no worker has beaten for the silence
            assert _wait_for(lambda: getattr(health(), "status_code", None) == 503, 90), health().text
            body = health().json()
            assert body["workers"] == "none seen"
            assert body["database"] == "ok" and body["broker"] == "ok"
        finally:
            for process in processes.values():
                _stop(process)
