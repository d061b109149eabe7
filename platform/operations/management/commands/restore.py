"""``manage.py restore`` (``make restore``): a backup into a new, empty database and the upload folders, then
a check of every table and file against the backup's manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import BackupError, Database, backup_latest, backup_restore
from sme.catalog.storage import private_storage


class Command(BaseCommand):
    help = ("Restore a backup (default: the newest in BACKUP_DIR) into a new database (--database-url, default "
            "DATABASE_URL, which must be empty; --create makes a PostgreSQL one) and the upload folders.")

    def add_arguments(self, parser):
        parser.add_argument("--backup", help="a backup folder (default: the newest in BACKUP_DIR)")
        parser.add_argument("--database-url", help="the database to restore into (default: DATABASE_URL)")
        parser.add_argument("--create", action="store_true", help="create that PostgreSQL database first")

    def handle(self, *args, backup=None, database_url=None, create=False, **options):
        source = Path(backup) if backup else backup_latest(Path(settings.BACKUP_DIR))
        target = Database.from_url(database_url) if database_url else Database.from_settings(connection.settings_dict)
        connection.close()  # the restore writes through its own connections
        try:
            if create and target.vendor == "postgresql":
                import psycopg

                with psycopg.connect(target.with_name("postgres").url, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{target.name}"')
            result = backup_restore(source=source, database=target, media_root=Path(settings.MEDIA_ROOT),
                                    private_root=Path(private_storage().location))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {source} in {result['restore_seconds']} s: {len(result['tables'])} tables, "
                          f"{sum(len(f) for f in result['files'].values())} files, all equal to the backup")
