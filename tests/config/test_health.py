from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from config import health
from operations.models import WorkerHeartbeat


def _beat(hostname: str, seconds_ago: float, stopped: bool = False) -> WorkerHeartbeat:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(hostname=hostname, pid=1, started_at=seen - timedelta(hours=1),
                                          last_seen_at=seen, stopped_at=seen if stopped else None)


@pytest.mark.django_db
def test_healthz_reports_database_broker_workers_and_queue(client, settings):
    # given tasks that run on workers, and a worker that beat 5 s ago
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _beat("worker@a", 5)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["workers"]) == ("ok", "ok", "ok", "ok")
    assert 4 <= body["worker_last_seen_seconds"] <= 30
    assert [w["name"] for w in body["worker_list"]] == ["worker@a"]
    assert body["queue"]["waiting"] is not None


@pytest.mark.django_db
def test_healthz_answers_503_when_no_worker_was_seen_for_a_minute(client, settings):
    # given tasks that run on workers, and the only worker last seen 61 s ago (killed: it never said it stopped)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _beat("worker@a", 61)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["workers"] == "none seen"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_every_worker_stopped_or_none_ever_ran(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").status_code == 503  # none ever ran

    _beat("worker@a", 2, stopped=True)  # shut down cleanly 2 s ago

    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_healthz_needs_no_worker_when_tasks_run_inline(client, settings):
    # given tasks that run inline in the web process (the unit tests' setting): no worker is needed
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["workers"] == "ok"
    assert response.json()["worker_list"] == []


@pytest.mark.django_db
def test_healthz_reports_the_oldest_waiting_task(client, settings):
    # given a queue of its own (the shared CI Redis may hold older messages in the default queue, left by
    # other runs) and one message enqueued now, with no worker consuming it
    import uuid

    from celery import Celery

    from config.queues import queue_state

    app = Celery("probe", broker=health.celery_app.conf.broker_url, set_as_current=False)
    queue = f"probe-{uuid.uuid4().hex[:8]}"
    try:
        app.send_task("config.tasks.ping", args=["x"], queue=queue)

        # then the queue has that one message, which has waited less than a minute
        state = queue_state(health.celery_app, queue)
        assert state.waiting == 1
        assert 0 <= state.oldest_waiting_seconds < 60
    finally:
        with app.connection_for_write() as conn:
            bound = app.amqp.queues[queue](conn.default_channel)  # a channel deletes only what it declared
            bound.declare()
            bound.delete()


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    # given a broker URL nothing listens on (a closed loopback port)
    from celery import Celery

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery lets the environment override `broker`
    monkeypatch.setattr(health, "celery_app", Celery("down", broker="redis://127.0.0.1:1/0", set_as_current=False))

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"
