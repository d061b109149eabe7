"""Backups: the database (pg_dump, or SQLite's online backup) plus the uploaded files (public media and the
private uploads), with a manifest of every table's row count and checksum and every file's checksum, so a
restore can be proved equal to what was backed up.

A backup is a folder ``<BACKUP_DIR>/<UTC timestamp>/`` holding ``database.dump`` (PostgreSQL custom format) or
``database.sqlite3``, ``media.tar.gz``, ``private.tar.gz`` and ``manifest.json``. The newest ``BACKUP_KEEP``
backups are kept. Table checksums are read in the same snapshot as the dump (pg_dump --snapshot), so they
describe exactly what was dumped even while the site runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore could not be made or does not match its manifest."""


@dataclass(frozen=True)
class Database:
    """Where a database is, from a DATABASE_URL-style URL or a Django settings dict."""

    vendor: str  # "postgresql" or "sqlite"
    url: str = ""
    path: str = ""  # SQLite: a file, or a shared in-memory URI (tests)

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        if settings_dict["ENGINE"].endswith("sqlite3"):
            return cls("sqlite", path=str(settings_dict["NAME"]))
        user, password = settings_dict.get("USER", ""), settings_dict.get("PASSWORD", "")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}"
        return cls("postgresql", url=f"postgresql://{auth}{host}/{settings_dict['NAME']}")

    @classmethod
    def from_url(cls, url: str) -> Database:
        if url.startswith("sqlite"):
            return cls("sqlite", path=unquote(urlsplit(url).path))
        return cls("postgresql", url=url.replace("postgres://", "postgresql://", 1))

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/") if self.vendor == "postgresql" else self.path

    def with_name(self, name: str) -> Database:
        parts = urlsplit(self.url)
        return Database(self.vendor, url=parts._replace(path="/" + name).geturl())


# --- fingerprints ---------------------------------------------------------------------------------
def _sqlite_connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, uri=path.startswith("file:"))


def _table_fingerprints(cursor, tables: list[str]) -> dict[str, dict]:
    """Row count and a checksum of the sorted rows of each table (independent of the physical order)."""
    result = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names come from the catalog, not input
        rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
        result[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return result


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def database_fingerprints(database: Database) -> dict[str, dict]:
    """Every table's row count and checksum (read in one snapshot)."""
    if database.vendor == "sqlite":
        with _sqlite_connect(database.path) as conn:
            return _table_fingerprints(conn.cursor(), _sqlite_tables(conn))
    import psycopg

    with psycopg.connect(database.url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with conn.cursor() as cursor:
            return _table_fingerprints(cursor, _pg_tables(cursor))


def files_fingerprints(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by path relative to it."""
    result = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            result[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


# --- backup ---------------------------------------------------------------------------------------
def backup_create(*, database: Database, media_root: Path, private_root: Path, backup_dir: Path,
                  keep: int) -> Path:
    """Write a new backup folder under ``backup_dir`` and prune all but the newest ``keep``. Returns it."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / stamp
    target.mkdir(parents=True)
    started = time.perf_counter()
    try:
        if database.vendor == "sqlite":
            tables = _sqlite_backup(database, target / "database.sqlite3")
        else:
            tables = _pg_backup(database, target / "database.dump")
        files = {}
        for label, root in (("media", media_root), ("private", private_root)):
            files[label] = files_fingerprints(root)
            with tarfile.open(target / f"{label}.tar.gz", "w:gz") as archive:
                if root.exists():
                    archive.add(root, arcname=".")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    manifest = {"created_at": stamp, "database": database.vendor, "tables": tables, "files": files,
                "seconds": round(time.perf_counter() - started, 3)}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    backup_prune(backup_dir=backup_dir, keep=keep)
    return target


def _sqlite_backup(database: Database, destination: Path) -> dict:
    source = _sqlite_connect(database.path)
    try:
        with sqlite3.connect(destination) as copy:
            source.backup(copy)  # SQLite's online backup: a consistent copy while others write
    finally:
        source.close()
    with sqlite3.connect(destination) as copy:
        return _table_fingerprints(copy.cursor(), _sqlite_tables(copy))


def _pg_backup(database: Database, destination: Path) -> dict:
    import psycopg

    with psycopg.connect(database.url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with conn.cursor() as cursor:
            tables = _table_fingerprints(cursor, _pg_tables(cursor))
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={destination}",
              f"--dbname={database.url}"])
        conn.rollback()
    return tables


def backup_prune(*, backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (folders with a manifest). Returns the deleted ones."""
    complete = sorted(p for p in backup_dir.iterdir() if (p / MANIFEST).exists())
    gone = complete[:-keep] if keep > 0 else []
    for folder in gone:
        shutil.rmtree(folder)
    return gone


def backup_latest(backup_dir: Path) -> Path:
    complete = sorted(p for p in backup_dir.iterdir() if (p / MANIFEST).exists()) if backup_dir.exists() else []
    if not complete:
        raise BackupError(f"no backup in {backup_dir}")
    return complete[-1]


# --- restore --------------------------------------------------------------------------------------
def backup_restore(*, source: Path, database: Database, media_root: Path, private_root: Path) -> dict:
    """Restore ``source`` into ``database`` (a PostgreSQL database that is new and empty, or a SQLite file
    that does not exist yet) and the two folders (emptied first), then check every table and file against the
    manifest. Returns the manifest plus ``restore_seconds``. Raises BackupError on any difference."""
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest["database"] != database.vendor:
        raise BackupError(f"a {manifest['database']} backup cannot be restored into {database.vendor}")
    started = time.perf_counter()
    if database.vendor == "sqlite":
        if Path(database.path).exists() and Path(database.path).stat().st_size:
            raise BackupError(f"{database.path} exists: restore into a new file")
        shutil.copyfile(source / "database.sqlite3", database.path)
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database.url}",
              str(source / "database.dump")])
    for label, root in (("media", media_root), ("private", private_root)):
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        with tarfile.open(source / f"{label}.tar.gz", "r:gz") as archive:
            archive.extractall(root, filter="data")
    seconds = time.perf_counter() - started
    differences = backup_compare(manifest=manifest, database=database, media_root=media_root,
                                 private_root=private_root)
    if differences:
        raise BackupError("restore differs from the backup: " + "; ".join(differences[:20]))
    return {**manifest, "restore_seconds": round(seconds, 3)}


def backup_compare(*, manifest: dict, database: Database, media_root: Path, private_root: Path) -> list[str]:
    """What differs between a backup's manifest and a database plus folders (empty: they are equal)."""
    differences = []
    tables = database_fingerprints(database)
    for table in sorted(set(manifest["tables"]) | set(tables)):
        if manifest["tables"].get(table) != tables.get(table):
            differences.append(f"table {table}: {manifest['tables'].get(table)} != {tables.get(table)}")
    for label, root in (("media", media_root), ("private", private_root)):
        files = files_fingerprints(root)
        for name in sorted(set(manifest["files"][label]) | set(files)):
            if manifest["files"][label].get(name) != files.get(name):
                differences.append(f"{label} file {name}")
    return differences


def _run(command: list[str]) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False,  # noqa: S603 - pg_dump/pg_restore
                               env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[-2000:]}")
