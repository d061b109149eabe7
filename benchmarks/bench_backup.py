"""Backup and restore: 5,000 products (15,000 variants, 15,000 stock movements) and 500 photos.

`manage.py backup` then `manage.py restore` into a fresh database and folders, as the drill does (every table
and file compared with the manifest). Timed inside one process on each engine; the restore includes the
comparison.
"""

import os
import tempfile
import time
from pathlib import Path

from _harness import bench_databases, measurement, run_step

PRODUCTS = 5_000
PHOTOS = 500


def measure(workdir: str) -> dict:
    from django.db import connection

    from operations.backup import Database, backup_create, backup_restore
    from sme.businesses.models import Business, LegalForm, MemberRole, Membership
    from sme.catalog.models import Category, Product, StockMovement, StockReason, Variant
    from tests.factories import UserFactory

    user = UserFactory(email="bench-backup@example.test")
    business = Business.objects.create(legal_form=LegalForm.HOUSEHOLD, legal_name="Bench", identifier="087000000003",
                                       created_by=user)
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    categories = list(Category.objects.all())
    products = Product.objects.bulk_create(
        [Product(business=business, key=f"SP{i:05d}", name=f"Hạt sen sấy Tháp Mười {i}",
                 search_text=f"hat sen say thap muoi {i}", category=categories[i % len(categories)], status="active")
         for i in range(PRODUCTS)], batch_size=1000)
    variants = Variant.objects.bulk_create(
        [Variant(product=p, business=business, sku=f"SKU-{p.key}-{v}", option1_value=f"{v} kg", price=50_000 + v,
                 stock=v * 3) for p in products for v in range(3)], batch_size=2000)
    StockMovement.objects.bulk_create(
        [StockMovement(variant=v, business=business, delta=v.stock, quantity_after=v.stock, reason=StockReason.IMPORT,
                       reference="bench") for v in variants], batch_size=2000)
    work = Path(workdir)
    media, private = work / "media", work / "private"
    (media / "products").mkdir(parents=True)
    (private / "imports").mkdir(parents=True)
    for n in range(PHOTOS):
        (media / "products" / f"p{n}.jpg").write_bytes(os.urandom(40_000))
    (private / "imports" / "sheet.xlsx").write_bytes(os.urandom(900_000))

    source = Database.from_settings(connection.settings_dict)
    started = time.perf_counter()
    folder = backup_create(database=source, media_root=media, private_root=private, backup_dir=work / "backups",
                           keep=14)
    backup_seconds = time.perf_counter() - started
    if source.vendor == "sqlite":
        target = Database("sqlite", path=str(work / "restored.sqlite3"))
    else:
        import psycopg

        target = source.with_name(source.name + "_restored")
        with psycopg.connect(source.with_name("postgres").url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target.name}"')
            admin.execute(f'CREATE DATABASE "{target.name}"')
    connection.close()
    started = time.perf_counter()
    result = backup_restore(source=folder, database=target, media_root=work / "restored-media",
                            private_root=work / "restored-private")
    restore_seconds = time.perf_counter() - started
    if source.vendor == "postgresql":
        with psycopg.connect(source.with_name("postgres").url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')
    size = sum(p.stat().st_size for p in folder.iterdir())
    return {"backup_seconds": backup_seconds, "restore_seconds": restore_seconds, "bytes": size,
            "tables": len(result["tables"]), "rows": sum(t["rows"] for t in result["tables"].values()),
            "files": sum(len(f) for f in result["files"].values())}


def run() -> list[dict]:
    results = []
    for db in bench_databases("backup"):
        with db, tempfile.TemporaryDirectory(prefix="bench-backup-") as work:
            r = run_step("bench_backup", "measure", database_url=db.url, args={"workdir": work})
            notes = (f"{r['tables']} tables, {r['rows']:,} rows, {r['files']} files; backup {r['bytes'] / 1e6:.1f} MB;"
                     " restore includes comparing every table and file with the manifest")
            results.append(measurement("backup", r["backup_seconds"], "s", database=db.label, notes=notes,
                                       ) | {"database_version": r.get("database_version")})
            results.append(measurement("restore into a fresh database + check", r["restore_seconds"], "s",
                                       target=600, database=db.label) | {"database_version": r.get("database_version")})
    return results
