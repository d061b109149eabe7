"""Shared helpers for benchmarks: throw-away databases, and steps run in a fresh Python process.

A step runs in its own process so its peak memory (``ru_maxrss``) and timings belong to it alone, and so each
database engine is measured under its own ``DATABASE_URL``. Use it from a ``bench_*.py`` module::

    for db in bench_databases("shopee"):
        with db:                      # creates and migrates, drops afterwards
            result = run_step("bench_shopee_publish", "measure", database_url=db.url, args={...})
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MARKER = "@@BENCH-RESULT@@"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
# Prefix of the throw-away PostgreSQL databases (a helper on a shared server uses its own).
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")


def _env(database_url: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "platform"), str(ROOT)])
    env["DJANGO_LOG_LEVEL"] = "WARNING"
    return env


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.rstrip("/") + "/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False


@dataclass
class BenchDatabase:
    """A fresh, migrated database for one benchmark; ``with db:`` creates it and drops it afterwards."""

    label: str
    engine: str
    url: str = ""
    _name: str = ""
    _dir: str = ""
    migrate_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def __enter__(self):
        if self.engine == "sqlite":
            self._dir = tempfile.mkdtemp(prefix="bench-")
            self.url = f"sqlite:///{self._dir}/bench.sqlite3"
        else:
            import psycopg

            with psycopg.connect(POSTGRES_URL.rstrip("/") + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._name}"')
                conn.execute(f'CREATE DATABASE "{self._name}"')
            self.url = POSTGRES_URL.rstrip("/") + "/" + self._name
        started = time.perf_counter()
        subprocess.run([PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], check=True,
                       env=_env(self.url), cwd=ROOT, stdout=subprocess.DEVNULL)
        self.migrate_seconds = time.perf_counter() - started
        return self

    def __exit__(self, *exc):
        if self.engine == "sqlite":
            shutil.rmtree(self._dir, ignore_errors=True)
        else:
            import psycopg

            with psycopg.connect(POSTGRES_URL.rstrip("/") + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
        return False


def bench_databases(name: str) -> list[BenchDatabase]:
    """PostgreSQL (when reachable at BENCH_POSTGRES_URL) and SQLite, each a fresh database."""
    databases = []
    if postgres_available():
        databases.append(BenchDatabase(label="PostgreSQL", engine="postgresql",
                                       _name=f"{DB_PREFIX}_{name}_{uuid.uuid4().hex[:6]}"))
    databases.append(BenchDatabase(label="SQLite", engine="sqlite"))
    return databases


def run_step(module: str, function: str, *, database_url: str, args: dict | None = None) -> dict:
    """Run ``benchmarks/<module>.py:<function>(**args)`` in a new process with Django set up on
    ``database_url``; returns its JSON-able result plus ``peak_rss_mb`` of that process."""
    completed = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "_worker.py"), module, function, json.dumps(args or {})],
        env=_env(database_url), cwd=ROOT, capture_output=True, text=True, check=False,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise RuntimeError(f"benchmark step {module}.{function} failed:\n{completed.stdout[-3000:]}\n"
                       f"{completed.stderr[-5000:]}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measurement(name: str, value: float, unit: str, *, target: float | None = None, lower_is_better: bool = True,
                database: str = "", notes: str = "") -> dict:
    """One row of docs/benchmarks.md."""
    ok = None
    if target is not None:
        ok = value <= target if lower_is_better else value >= target
    return {"name": name, "value": round(value, 3), "unit": unit, "target": target, "ok": ok,
            "database": database, "notes": notes}
