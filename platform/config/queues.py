"""How much work waits in the Celery queue, and for how long: read from the broker itself (Redis or the
embedded SQLite broker), for /healthz and the metrics."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from . import broker
from .request_context import ENQUEUED_AT_HEADER


@dataclass(frozen=True)
class QueueState:
    waiting: int | None  # None: this broker cannot tell
    oldest_waiting_seconds: float | None  # None: nothing waits (or the broker cannot tell)


def _age(envelope: dict | None) -> float | None:
    if not envelope:
        return None
    stamp = (envelope.get("headers") or {}).get(ENQUEUED_AT_HEADER)
    return max(0.0, time.time() - float(stamp)) if stamp else None


def queue_state(app, queue: str | None = None) -> QueueState:
    """The number of waiting messages and the age of the oldest. Raises the broker's connection errors."""
    queue = queue or app.conf.task_default_queue
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        if isinstance(channel, broker.Channel):
            waiting, oldest = broker.peek(channel, queue)
            return QueueState(waiting, _age(oldest))
        if conn.transport.driver_type == "redis":
            client = channel.client
            waiting = int(client.llen(queue))
            raw = client.lindex(queue, -1)  # kombu pushes on the left and pops on the right
            return QueueState(waiting, _age(json.loads(raw)) if raw else None)
    return QueueState(None, None)
