"""Backup drill: back up the database and the uploaded files, change data, restore into a fresh database and
folders, and compare the row count and checksum of every table and the checksum of every file with the
backup. Runs on the suite's database engine (SQLite, or PostgreSQL when DATABASE_URL says so)."""

import json
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from operations.backup import (
    MANIFEST,
    BackupError,
    Database,
    backup_compare,
    backup_create,
    backup_prune,
    backup_restore,
    database_fingerprints,
)
from sme.catalog.models import Product
from tests.sme.catalog.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_DIR = str(tmp_path / "backups")
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "products").mkdir(parents=True)
    (private / "imports" / "sheets").mkdir(parents=True)
    (media / "products" / "gao-st25.png").write_bytes(b"\x89PNG fake photo " * 100)
    (private / "imports" / "sheets" / "danh-muc.xlsx").write_bytes(b"PK fake sheet")
    return media, private


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the suite's engine to restore into (dropped afterwards)."""
    source = Database.from_settings(connection.settings_dict)
    if source.vendor == "sqlite":
        yield Database("sqlite", path=str(tmp_path / "restored.sqlite3"))
        return
    import psycopg

    target = source.with_name(f"{source.name}_restore_{uuid.uuid4().hex[:6]}")
    admin = source.with_name("postgres").url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target.name}"')
    yield target
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')


def test_backup_change_restore_into_a_fresh_database_gives_back_every_row_and_file(roots, fresh_database, tmp_path):
    media, private = roots
    source = Database.from_settings(connection.settings_dict)
    # given a business with a product, and its files
    owner = member()
    Product.objects.create(business=owner.business, name="Gạo ST25", key="GAO-1")

    # when it is backed up
    folder = backup_create(database=source, media_root=media, private_root=private, backup_dir=tmp_path / "b",
                           keep=14)
    manifest = json.loads((folder / MANIFEST).read_text())

    # and then the data and the files change
    Product.objects.create(business=owner.business, name="Mắm cá linh", key="MAM-1")
    Product.objects.filter(key="GAO-1").update(name="Gạo ST25 (sửa)")
    (media / "products" / "gao-st25.png").write_bytes(b"another photo")
    (private / "imports" / "sheets" / "new.xlsx").write_bytes(b"PK new")
    # (the live database now differs from the backup, and the comparison sees it)
    changed = backup_compare(manifest=manifest, database=source, media_root=media, private_root=private)
    assert "table catalog_product" in " ".join(changed) and "media file products/gao-st25.png" in changed

    # and it is restored into a fresh database and emptied folders
    result = backup_restore(source=folder, database=fresh_database, media_root=tmp_path / "restored-media",
                            private_root=tmp_path / "restored-private")

    # then every table has the same rows (count and checksum) and every file the same bytes as at the backup
    assert database_fingerprints(fresh_database) == manifest["tables"]
    assert len(manifest["tables"]) > 50 and manifest["tables"]["catalog_product"]["rows"] == 1
    assert (tmp_path / "restored-media" / "products" / "gao-st25.png").read_bytes() == b"\x89PNG fake photo " * 100
    assert not (tmp_path / "restored-private" / "imports" / "sheets" / "new.xlsx").exists()
    assert result["restore_seconds"] >= 0


def test_a_restore_refuses_a_database_in_use_and_reports_a_tampered_backup(roots, tmp_path):
    media, private = roots
    source = Database.from_settings(connection.settings_dict)
    folder = backup_create(database=source, media_root=media, private_root=private, backup_dir=tmp_path / "b",
                           keep=14)
    if source.vendor == "sqlite":
        used = tmp_path / "used.sqlite3"
        used.write_bytes(b"x")
        with pytest.raises(BackupError, match="restore into a new file"):
            backup_restore(source=folder, database=Database("sqlite", path=str(used)), media_root=tmp_path / "m",
                           private_root=tmp_path / "p")
    # a file changed inside the backup is found by the check
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["media"]["products/gao-st25.png"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest))
    target = Database("sqlite", path=str(tmp_path / "r.sqlite3")) if source.vendor == "sqlite" else None
    if target is not None:
        with pytest.raises(BackupError, match="media file products/gao-st25.png"):
            backup_restore(source=folder, database=target, media_root=tmp_path / "m", private_root=tmp_path / "p")


def test_only_the_newest_backups_are_kept(tmp_path):
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / MANIFEST).write_text("{}")
    (tmp_path / "20260104T000000Z").mkdir()  # unfinished: no manifest, never counted or pruned

    gone = backup_prune(backup_dir=tmp_path, keep=2)

    assert [p.name for p in gone] == ["20260101T000000Z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20260102T000000Z", "20260103T000000Z", "20260104T000000Z"]


def test_make_backup_command_writes_a_backup_folder(roots, settings, capsys):
    call_command("backup")
    folder = Path(capsys.readouterr().out.strip())
    assert folder.parent == Path(settings.BACKUP_DIR)
    assert {p.name for p in folder.iterdir()} >= {MANIFEST, "media.tar.gz", "private.tar.gz"}
