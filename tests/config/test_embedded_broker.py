"""The embedded broker (config.broker) when several processes open a fresh broker file at the same moment, as
``make run`` does with the web process, beat and the workers on a new machine: each of them connects and
declares its queue, none fails (kombu's own transport let the second one fail with "table kombu_queue already
exists" or a duplicate queue row, and a worker that fails there exits before it is ready)."""

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROCESSES = 6
ROUNDS = 4

# Each process waits for the same start signal (a file appearing), then opens the broker and declares the
# queue the workers consume, sends one message to it and reads the queue's size.
OPEN_AND_DECLARE = """
import os, sys, time
sys.path[:0] = [{platform!r}, {repo!r}]
from config import broker
broker.register()
from kombu import Connection
while not os.path.exists({go!r}):
    time.sleep(0.001)
with Connection({url!r}) as connection:
    with connection.SimpleQueue("celery") as queue:
        queue.put({{"from": os.getpid()}})
print("connected")
"""


def test_processes_opening_a_fresh_broker_file_together_all_connect(tmp_path):
    for round_number in range(ROUNDS):
        folder = tmp_path / f"round{round_number}"
        folder.mkdir()
        url = f"sqlite:///{folder / 'broker.sqlite3'}"
        go = folder / "go"
        code = OPEN_AND_DECLARE.format(platform=str(REPO / "platform"), repo=str(REPO), go=str(go), url=url)
        # given several processes ready to open the same fresh broker file
        processes = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
        time.sleep(1.5)  # every interpreter started and waiting
        # when they all open it at once
        go.touch()
        results = [process.communicate(timeout=120) for process in processes]
        # then every one connected, declared the queue and sent its message
        failures = [err[-600:] for (out, err), process in zip(results, processes, strict=True)
                    if process.returncode != 0 or "connected" not in out]
        assert failures == [], f"round {round_number}: {failures[0]}"
        with _connection(url) as connection, connection.SimpleQueue("celery") as queue:
            assert queue.qsize() == PROCESSES


def _connection(url):
    from kombu import Connection

    from config import broker

    broker.register()
    return Connection(url)
