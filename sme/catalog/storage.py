"""Private file storage for catalog files that must never have a public URL (product documents)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Outside MEDIA_ROOT's public URL space, never served by the web server; read through a view that checks
    membership. The same folder as the import uploads (PRIVATE_MEDIA_ROOT, or ``private`` beside MEDIA_ROOT)."""

    # Read the settings on every use (not cached) so a changed MEDIA_ROOT, as in tests, is followed.
    @property
    def base_location(self):
        return getattr(settings, "PRIVATE_MEDIA_ROOT", "") or str(Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no URL")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
