"""Tasks only the soak test's workers load (``celery worker -I tests.config.soak_tasks``).

``soak.record`` writes one row per run into a ledger (a SQLite file of its own, SOAK_LEDGER), so the test can
count how often each task ran; ``soak.spawn`` makes a worker a producer too.
"""

import os
import sqlite3

from celery import shared_task


def ledger() -> sqlite3.Connection:
    conn = sqlite3.connect(os.environ["SOAK_LEDGER"], timeout=120, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS runs (key TEXT NOT NULL, pid INTEGER NOT NULL)")
    return conn


@shared_task(name="soak.record", acks_late=True, ignore_result=True)
def record(key: str) -> None:
    conn = ledger()
    try:
        conn.execute("INSERT INTO runs (key, pid) VALUES (?, ?)", (key, os.getpid()))
    finally:
        conn.close()


@shared_task(name="soak.spawn", acks_late=True, ignore_result=True)
def spawn(prefix: str, count: int) -> None:
    for n in range(count):
        record.delay(f"{prefix}-{n}")


@shared_task(name="scaleout.call", acks_late=True, ignore_result=True)
def call(url: str, key: str, rate: float) -> None:
    """One call to a rate-limited marketplace stand-in, through the shared limiter and the session factory."""
    from marketplace_connectors import http
    from marketplace_connectors.ratelimit import rate_limit_wait

    rate_limit_wait(key=key, rate_per_second=rate)
    http.session_create(marketplace="scaleout", connect_timeout=5, read_timeout=10).get(url)
