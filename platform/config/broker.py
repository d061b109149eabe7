"""The embedded Celery broker: kombu's SQLAlchemy transport on a SQLite file, made safe to share.

``make run`` needs a broker that is no server. kombu's filesystem transport was the first choice and lets a
worker read a message file another process is still writing (kombu issue #1551: the worker exits with
``JSONDecodeError``). kombu's SQLAlchemy transport writes each message in a transaction, so a half-written
message is never seen; on its own it still falls short in three ways, which this subclass fixes:

- a delivered message is only marked invisible and never deleted, and nothing ever makes it visible again: the
  messages a killed worker had reserved were lost, and the table grew forever. Here a message is deleted when
  it is acknowledged, and one that stays unacknowledged longer than ``visibility_timeout`` (its worker died) is
  delivered again, as Redis does;
- every option it does not know is handed to ``create_engine`` (``polling_interval`` or
  ``visibility_timeout`` would break it); here they are taken out first;
- its tables are created by whichever process connects first, with a check-then-create that two processes
  starting together both pass: the second fails with "table kombu_queue already exists" and a worker can exit
  before it is ready (seen when two workers started at once on a fresh file). Here creation is retried until
  the tables are there; the same holds for a queue's row, which two processes declaring the same queue both
  insert (the second fails on the unique name, an error no worker recovers from): it is read again instead;
- SQLite's locking: every connection runs in WAL mode (readers never wait for the writer) with a busy timeout,
  so two workers, beat and the web process queue up for the write lock instead of failing with "database is
  locked"; taking a message is one ``BEGIN IMMEDIATE`` transaction, so two workers never take the same one.

Use it with ``CELERY_BROKER_URL=sqlite:///<path>`` (see config.settings.base); nothing else here is SQLite
specific, but only SQLite is tested.
"""

from __future__ import annotations

import datetime
import time
from json import loads
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES, virtual
from kombu.transport import sqlalchemy as kombu_sqla
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, delete, event, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

# The row a delivered message came from travels with it, so acknowledging it can delete that row.
ROW_PROPERTY = "sqlite_broker_row"
# Options of the virtual transport and of this one, which are not create_engine() arguments.
_NOT_ENGINE_OPTIONS = ("visibility_timeout", "polling_interval", "busy_timeout", "queue_tablename",
                       "message_tablename", "callback", "errback", "max_retries", "interval_start",
                       "interval_step", "interval_max", "retry_errors", "confirm_publish")


class QoS(virtual.QoS):
    """Deletes a message's row once it is acknowledged (or rejected without requeueing)."""

    def ack(self, delivery_tag):
        self.channel._delete_row(self._delivered.get(delivery_tag))
        super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        if not requeue:
            self.channel._delete_row(self._delivered.get(delivery_tag))
        super().reject(delivery_tag, requeue=requeue)


class Channel(kombu_sqla.Channel):
    QoS = QoS
    #: seconds a delivered message may stay unacknowledged before it is delivered again
    visibility_timeout = 3600
    #: seconds between two looks for such messages
    restore_every = 10.0

    def __init__(self, connection, **kwargs):
        options = connection.client.transport_options
        self.visibility_timeout = options.get("visibility_timeout", self.visibility_timeout)
        self._next_restore = 0.0
        super().__init__(connection, **kwargs)

    def _engine_from_config(self):
        conninfo = self.connection.client
        options = {k: v for k, v in conninfo.transport_options.items() if k not in _NOT_ENGINE_OPTIONS}
        busy_ms = int(conninfo.transport_options.get("busy_timeout", 60) * 1000)
        engine = create_engine(conninfo.hostname, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: safe against a process crash
            cursor.close()

        return engine

    def _open(self):
        """The engine and session factory of this broker file, made once per process (as kombu does), with
        the tables created safely when several processes start at the same time on a fresh file."""
        hostname = self.connection.client.hostname
        if hostname not in self._engines:
            with kombu_sqla._MUTEX:
                if hostname not in self._engines:
                    engine = self._engine_from_config()
                    _create_tables(engine)
                    self._engines[hostname] = engine, sessionmaker(bind=engine)
        return self._engines[hostname]

    @property
    def _engine(self):
        return self._open()[0]

    def _get_or_create(self, queue):
        """The queue's row; when another process inserted it between our look and our insert, theirs."""
        try:
            return super()._get_or_create(queue)
        except IntegrityError:
            self.session.rollback()
            return self.session.query(self.queue_cls).filter(self.queue_cls.name == queue).one()

    def _get(self, queue):
        """Take the oldest visible message of ``queue`` in one write transaction (no other consumer can
        take it too), after making visible again the messages whose consumer never acknowledged them."""
        obj = self._get_or_create(queue)
        message_cls = self.message_cls
        session = self.session
        restore = time.monotonic() >= self._next_restore
        if not restore and not self._anything_visible(session, obj.id):
            raise Empty()  # the idle poll: a read in WAL mode, no write lock taken
        session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            if restore:
                self._next_restore = time.monotonic() + self.restore_every
                self._restore_expired(session, obj.id)
            msg = (session.query(message_cls)
                   .filter(message_cls.queue_id == obj.id, message_cls.visible != False)  # noqa: E712
                   .order_by(message_cls.sent_at, message_cls.id).limit(1).first())
            if msg is None:
                raise Empty()
            msg.visible = False  # the column's onupdate stamps sent_at: the delivery time
            payload = loads(bytes_to_str(msg.payload))
            payload.setdefault("properties", {})[ROW_PROPERTY] = msg.id
            return payload
        finally:
            session.commit()

    def _anything_visible(self, session, queue_id: int) -> bool:
        message_cls = self.message_cls
        try:
            return session.query(message_cls.id).filter(
                message_cls.queue_id == queue_id, message_cls.visible != False).limit(1).first() is not None  # noqa: E712
        finally:
            session.commit()

    def _restore_expired(self, session, queue_id: int) -> None:
        cutoff = datetime.datetime.now() - datetime.timedelta(seconds=self.visibility_timeout)
        message_cls = self.message_cls
        session.execute(update(message_cls)
                        .where(message_cls.queue_id == queue_id, message_cls.visible == False,  # noqa: E712
                               message_cls.sent_at < cutoff)
                        .values(visible=True)
                        .execution_options(synchronize_session=False))

    def _delete_row(self, message) -> None:
        row = message.properties.get(ROW_PROPERTY) if message is not None else None
        if row is None:
            return
        # Acknowledgements can come from another thread than the consumer's session: own connection.
        with self._engine.begin() as conn:
            conn.execute(delete(self.message_cls).where(self.message_cls.id == row))

    def _restore(self, message):
        """Put an unacknowledged message back (warm shutdown, requeue) as a new row; the old row goes."""
        self._delete_row(message)
        message.properties.pop(ROW_PROPERTY, None)
        super()._restore(message)


class Transport(kombu_sqla.Transport):
    Channel = Channel
    # How long a consumer waits before it looks again when it took nothing (kombu's default is 1 s, which
    # paces a worker that prefetches one message per process at two tasks a second).
    polling_interval = 0.05
    # No fanout: `celery inspect` and worker events do not reach a worker on this broker; /healthz reads
    # the workers' heartbeats from the cache instead (config.tasks.worker_heartbeat).


def _create_tables(engine, attempts: int = 50) -> None:
    """kombu's tables, created when missing. Another process may create them between our check and our
    CREATE (SQLite then says "already exists") or hold the write lock past the busy timeout: look again."""
    for attempt in range(attempts):
        try:
            kombu_sqla.metadata.create_all(engine)
            return
        except OperationalError as error:
            text_of_error = str(error).lower()
            if attempt == attempts - 1 or not ("already exists" in text_of_error or "locked" in text_of_error):
                raise
            time.sleep(min(0.02 * (attempt + 1), 0.5))


def register() -> None:
    """Make ``sqlite://`` broker URLs use this transport (kombu looks transports up by URL scheme)."""
    TRANSPORT_ALIASES.setdefault("sqlite", "config.broker:Transport")


def peek(channel, queue: str) -> tuple[int, dict | None]:
    """How many messages of ``queue`` wait on this broker, and the oldest of them (its envelope), read-only."""
    obj = channel._get_or_create(queue)
    message_cls = channel.message_cls
    session = channel.session
    try:
        waiting = session.query(message_cls).filter(message_cls.queue_id == obj.id,
                                                    message_cls.visible != False).count()  # noqa: E712
        oldest = (session.query(message_cls.payload)
                  .filter(message_cls.queue_id == obj.id, message_cls.visible != False)  # noqa: E712
                  .order_by(message_cls.id).limit(1).first())
    finally:
        session.commit()
    return waiting, (loads(bytes_to_str(oldest[0])) if oldest else None)
