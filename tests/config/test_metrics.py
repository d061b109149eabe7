"""Prometheus metrics at /metrics (token only), JSON logs carrying the request id into enqueued tasks."""

import io
import json
import logging
import logging.config
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from celery import Celery
from prometheus_client import REGISTRY

from config import broker, request_context
from config.tasks import ping
from marketplace_connectors import http
from marketplace_connectors.ratelimit import rate_limit_wait

pytestmark = pytest.mark.django_db


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _scrape(client, token="s3cret-metrics-token"):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert _scrape(client).status_code == 404  # off without a token
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 404
    assert _scrape(client, "wrong").status_code == 404
    assert _scrape(client).status_code == 200


def test_requests_queue_and_workers_are_measured(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    before = _value("http_requests_total", view="healthz", method="GET", status="2xx")

    client.get("/healthz")
    body = _scrape(client).content.decode()

    assert _value("http_requests_total", view="healthz", method="GET", status="2xx") == before + 1
    assert 'http_request_duration_seconds_count{view="healthz"}' in body
    assert "celery_queue_waiting{" in body and "celery_queue_oldest_waiting_seconds{" in body
    assert "celery_broker_up 1.0" in body


def test_tasks_are_counted_and_timed_per_task():
    before = _value("celery_tasks_total", task="config.tasks.ping", state="success")
    timed = _value("celery_task_duration_seconds_count", task="config.tasks.ping")

    ping.delay("x")

    assert _value("celery_tasks_total", task="config.tasks.ping", state="success") == before + 1
    assert _value("celery_task_duration_seconds_count", task="config.tasks.ping") == timed + 1


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(429 if self.path == "/limited" else 200)
        self.end_headers()

    def log_message(self, *args):
        return


def test_marketplace_calls_errors_and_rate_limit_waits_are_counted_per_marketplace(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    counts = {o: _value("marketplace_calls_total", marketplace="lazada", outcome=o) for o in ("2xx", "429", "network")}
    waits = _value("marketplace_rate_limit_wait_seconds_count", marketplace="lazada")
    try:
        session = http.session_create(marketplace="lazada", connect_timeout=1, read_timeout=1)
        session.get(base + "/ok")
        session.get(base + "/limited")
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(requests.ConnectionError):
        session.get(base + "/gone")
    settings.MARKETPLACE_RATE_LIMIT_REDIS_URL = ""
    rate_limit_wait(key="lazada:app:test-metrics", rate_per_second=1000)

    assert _value("marketplace_calls_total", marketplace="lazada", outcome="2xx") == counts["2xx"] + 1
    assert _value("marketplace_calls_total", marketplace="lazada", outcome="429") == counts["429"] + 1
    assert _value("marketplace_calls_total", marketplace="lazada", outcome="network") == counts["network"] + 1
    assert _value("marketplace_rate_limit_wait_seconds_count", marketplace="lazada") == waits + 1


def test_a_request_id_is_answered_and_carried_into_the_tasks_it_enqueues(client, tmp_path, monkeypatch):
    # the answer carries an id: the proxy's when it is a plain token, a fresh one otherwise
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-12345678").headers["X-Request-ID"] == "edge-12345678"
    fresh = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline").headers["X-Request-ID"]
    assert len(fresh) == 32 and "\n" not in fresh

    # a message enqueued while a request is handled carries its id and when it was enqueued
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    app = Celery("probe", broker=f"sqlite:///{tmp_path / 'broker.sqlite3'}", set_as_current=False)
    request_context.set_request_id("req-abcdef12")
    try:
        app.send_task("config.tasks.ping", args=["x"])
    finally:
        request_context.set_request_id(None)
    with app.connection_for_read() as conn:
        waiting, oldest = broker.peek(conn.default_channel, "celery")
    assert waiting == 1
    assert oldest["headers"]["request_id"] == "req-abcdef12"
    assert oldest["headers"]["enqueued_at"] > 0


def test_json_logs_carry_the_request_id(settings):
    stream = io.StringIO()
    config = json.loads(json.dumps(settings.LOGGING))
    logging.config.dictConfig({**config, "handlers": {"console": {
        "class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"], "stream": stream}}})
    try:
        request_context.set_request_id("req-0123456789")
        logging.getLogger("sme.test").warning("Đã nhập %s dòng", 3)
    finally:
        request_context.set_request_id(None)
        logging.config.dictConfig(settings.LOGGING)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "Đã nhập 3 dòng"
    assert line["request_id"] == "req-0123456789"
    assert line["level"] == "WARNING" and line["logger"] == "sme.test"
