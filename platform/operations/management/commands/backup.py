"""``manage.py backup`` (``make backup``): the database and the uploaded files into BACKUP_DIR/<timestamp>/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import BackupError, Database, backup_create
from sme.catalog.storage import private_storage


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (public media and private uploads); keep BACKUP_KEEP."

    def handle(self, *args, **options):
        try:
            folder = backup_create(database=Database.from_settings(connection.settings_dict),
                                   media_root=Path(settings.MEDIA_ROOT), private_root=Path(private_storage().location),
                                   backup_dir=Path(settings.BACKUP_DIR), keep=settings.BACKUP_KEEP)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
