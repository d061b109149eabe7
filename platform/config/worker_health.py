"""What every Celery worker and every producer adds to the Celery app (installed by config.celery_app).

- Each worker writes its heartbeat to the database every ``WORKER_HEARTBEAT_SECONDS`` (operations app), so
  /healthz sees every worker on either broker (the embedded one has no fanout for ``celery inspect``), and
  says when it stops cleanly.
- Each message carries the time it was enqueued and the id of the web request (or task) that enqueued it:
  /healthz reports the age of the oldest waiting message, and a task's log lines carry the request id.
"""

from __future__ import annotations

import logging
import os
import time

from celery import bootsteps
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from . import metrics, request_context

logger = logging.getLogger(__name__)
ENQUEUED_AT_HEADER = request_context.ENQUEUED_AT_HEADER
REQUEST_ID_HEADER = request_context.REQUEST_ID_HEADER


class HeartbeatStep(bootsteps.StartStopStep):
    """Writes this worker's heartbeat row at start, every few seconds, and its stop at a clean shutdown."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.hostname = ""

    def start(self, worker):
        from django.conf import settings

        self.hostname = worker.hostname
        self._beat(started_at=timezone.now())
        self.tref = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_SECONDS, self._beat)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        from operations.services import worker_stopped

        try:
            close_old_connections()
            worker_stopped(hostname=self.hostname)
        except DatabaseError:
            logger.warning("could not record that worker %s stopped", self.hostname, exc_info=True)

    def _beat(self, started_at=None):
        from operations.services import worker_heartbeat_record

        try:
            close_old_connections()
            worker_heartbeat_record(hostname=self.hostname, pid=os.getpid(), started_at=started_at)
        except DatabaseError:
            # The database is down: /healthz says so itself; the worker keeps working on what it can.
            logger.warning("could not record the heartbeat of worker %s", self.hostname, exc_info=True)


def _stamp_message(headers=None, **_kwargs):
    """Every message carries when it was enqueued, and by which request (or task)."""
    if headers is None:
        return
    headers.setdefault(ENQUEUED_AT_HEADER, time.time())
    request_id = request_context.current_request_id()
    if request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def _adopt_request_id(task=None, **_kwargs):
    """A task's log lines carry the id of the request that enqueued it (and pass it to what it enqueues)."""
    request = getattr(task, "request", None)
    request_context.set_request_id(getattr(request, REQUEST_ID_HEADER, None) or (request.id if request else None))


def install(app) -> None:
    app.steps["worker"].add(HeartbeatStep)
    before_task_publish.connect(_stamp_message, weak=False)
    task_prerun.connect(_adopt_request_id, weak=False)
    task_prerun.connect(metrics.task_started, weak=False)
    task_postrun.connect(metrics.task_finished, weak=False)
