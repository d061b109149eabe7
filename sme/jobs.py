"""Background work is asked for by the task's name, once the current transaction commits.

Services call ``task_enqueue("<app>.tasks.<name>", *ids)`` instead of importing their app's ``tasks`` module:
a task calls its service, so a service importing the task would make the two modules need each other (an
import circle, even when the import hides inside a function). Only Celery imports ``tasks`` modules, through
its autodiscovery of the installed apps, as the worker does when it starts.

Arguments are ids and other JSON-able values, as every task takes. With ``CELERY_TASK_ALWAYS_EAGER`` (tests)
the task runs inline once the transaction commits, exactly as ``.delay()`` would.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def task_enqueue(name: str, *args, **kwargs) -> None:
    """Send the Celery task registered as ``name`` with these arguments once the current transaction
    commits (at once outside a transaction). Raises ``celery.exceptions.NotRegistered`` when no installed
    app's ``tasks`` module defines ``name``."""
    transaction.on_commit(lambda: _send(name, args, kwargs))


def _send(name: str, args: tuple, kwargs: dict) -> None:
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's own autodiscovery of every app's tasks module
    app.tasks[name].apply_async(args=args, kwargs=kwargs)
