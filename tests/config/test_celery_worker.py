"""A real ``celery -A config worker`` process consumes a task from each broker we support."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def _redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else "redis://127.0.0.1:6379/15"


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def _broker_config(kind: str, tmp_path: Path) -> dict[str, str]:
    if kind == "sqlite":
        (tmp_path / "results").mkdir(parents=True, exist_ok=True)
        return {
            "CELERY_BROKER_URL": f"sqlite:///{tmp_path / 'broker.sqlite3'}",
            "CELERY_RESULT_BACKEND": f"file://{tmp_path / 'results'}",
        }
    url = _redis_url()
    if not _redis_answers(url):
        pytest.skip(f"no Redis answers at {url} (CI runs this against the local Redis)")
    return {"CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url}


def _sender(config: dict[str, str]) -> Celery:
    app = Celery("test-sender", broker=config["CELERY_BROKER_URL"], backend=config["CELERY_RESULT_BACKEND"])
    app.conf.task_serializer = "json"
    app.conf.accept_content = ["json"]
    return app


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_a_real_worker_process_consumes_a_task(kind, tmp_path, monkeypatch):
    # given a worker process started the way `make run` and production start it
    config = _broker_config(kind, tmp_path)
    env_before = dict(os.environ)
    # Celery lets CELERY_BROKER_URL / CELERY_RESULT_BACKEND in the environment override the sender's own
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **env_before,
        **config,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        # when a separate process sends the ping task
        sender = _sender(config)
        result = sender.send_task("config.tasks.ping", args=[f"xin chào {kind}"], queue=queue)

        # then the worker ran it and stored its result
        assert result.get(timeout=90) == f"xin chào {kind}"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output, _ = worker.communicate()
    assert f"transport:   {kind}://" in output, output[-2000:]
    assert "config.tasks.ping" in output
