"""Runs one benchmark step in a fresh process: ``_worker.py <module> <function> '<json args>'``."""

import importlib
import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT), str(ROOT / "benchmarks")]


def main() -> None:
    import django

    django.setup()
    module, function, raw_args = sys.argv[1], sys.argv[2], sys.argv[3]
    result = getattr(importlib.import_module(module), function)(**json.loads(raw_args))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from django.db import connection

    result.setdefault("database_version", _db_version(connection))
    print("@@BENCH-RESULT@@" + json.dumps(result, default=str), flush=True)


def _db_version(connection) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        import sqlite3

        return "SQLite " + sqlite3.sqlite_version
    return connection.vendor


if __name__ == "__main__":
    main()
