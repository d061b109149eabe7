"""Heartbeats of the Celery workers, shared by every process through the database.

Worker events (``celery inspect``) need a broker with fanout, which the embedded SQLite broker lacks, and the
embedded cache is per process; so each worker writes its own row here every few seconds (config.worker_health)
and /healthz reads them on either stack.
"""

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of one Celery worker (its node name, e.g. ``worker@host``)."""

    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["hostname"]
        constraints = [models.UniqueConstraint(fields=["hostname"], name="uniq_worker_heartbeat_hostname")]

    def __str__(self) -> str:
        return f"{self.hostname} ({self.last_seen_at:%Y-%m-%d %H:%M:%S})"
