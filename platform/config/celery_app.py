"""The Celery application: ``celery -A config worker`` / ``celery -A config beat``.

Settings are read from Django settings under the ``CELERY_`` prefix (see config.settings.base).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# config itself is not an installed app; its tasks module holds the ping and heartbeat tasks.
app.autodiscover_tasks(["config"], related_name="tasks")


def ensure_broker_folders() -> None:
    """Create the filesystem transport's folders; kombu does not create them itself."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)
    backend = getattr(settings, "CELERY_RESULT_BACKEND", "")
    if backend.startswith("file://"):
        os.makedirs(backend.removeprefix("file://"), exist_ok=True)
