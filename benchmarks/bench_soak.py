"""Soak: web (gunicorn), beat and two Celery workers, 10,000 tasks produced and consumed at once.

Runs tests/config/test_soak.py (SOAK_TASKS, default 10,000) on the embedded stack (SQLite database and broker)
and, when reachable, on PostgreSQL + Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL): every task must run exactly
once with no process exiting; the rate is ledger tasks per second while web, beat and workers all run.
"""

import os
import re
import subprocess
import sys
import time

from _harness import POSTGRES_URL, ROOT, measurement, postgres_available

LINE = re.compile(r"soak: (?P<tasks>\d+) ledger tasks .* in (?P<seconds>[\d.]+) s \((?P<rate>\d+) tasks/s\)")


def _redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001 - not reachable here
        return ""


def _soak(env: dict) -> tuple[dict | None, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "SOAK_TASKS": os.environ.get(
        "SOAK_TASKS", "10000"), **env}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:randomly", "-m", "soak",
                                "tests/config/test_soak.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    match = LINE.search(completed.stdout)
    ok = completed.returncode == 0 and match is not None
    return ({**match.groupdict(), "wall": time.perf_counter() - started} if ok else None), completed.stdout[-3000:]


def run() -> list[dict]:
    results = []
    stacks = [("SQLite + SQLite broker", {"DATABASE_URL": "", "CELERY_BROKER_URL": "", "CELERY_RESULT_BACKEND": "",
                                          "REDIS_URL": ""})]
    redis_url = _redis_url()
    if postgres_available() and redis_url:
        # the soak creates (and drops) <database>_soak_<random> next to this existing database
        base = POSTGRES_URL.rstrip("/") + "/" + os.environ.get("BENCH_SOAK_DATABASE", "postgres")
        stacks.append(("PostgreSQL + Redis", {"DATABASE_URL": base, "CELERY_BROKER_URL": redis_url,
                                              "CELERY_RESULT_BACKEND": redis_url, "REDIS_URL": redis_url}))
    for label, env in stacks:
        outcome, tail = _soak(env)
        if outcome is None:
            results.append(measurement("soak passed", 0, "", target=None, database=label, notes=tail[-300:]))
            continue
        results.append(measurement("tasks run once, none lost, no process exit", float(outcome["tasks"]), "tasks",
                                   database=label, notes=f"{outcome['seconds']} s with web, beat and 2 workers"))
        results.append(measurement("throughput while web, beat and workers run", float(outcome["rate"]), "tasks/s",
                                   database=label, notes=f"whole test incl. migrations {outcome['wall']:.0f} s"))
    return results
