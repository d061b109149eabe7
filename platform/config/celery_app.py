"""The Celery application: ``celery -A config worker`` / ``celery -A config beat``.

Settings are read from Django settings under the ``CELERY_`` prefix (see config.settings.base). Without
DJANGO_SETTINGS_MODULE a worker starts with the production settings (which refuse to start half-configured),
never the development ones: ``make run`` and the tests set the module themselves.
"""

import os

from celery import Celery

from . import broker, worker_health

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
broker.register()  # the embedded broker's sqlite:// URLs

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# config itself is not an installed app; its tasks module holds the ping and heartbeat tasks.
app.autodiscover_tasks(["config"], related_name="tasks")
worker_health.install(app)
