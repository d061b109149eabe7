"""`make run` starts its Celery worker through platform/deploy/keep-running: a worker that exits (or is
killed) is started again, and stopping make run stops it for good."""

import os
import signal
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEEP_RUNNING = REPO / "platform" / "deploy" / "keep-running"


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_a_process_that_dies_is_started_again_and_stopping_stops_it(tmp_path):
    # given a long-running command under keep-running that writes its pid when it starts
    pids = tmp_path / "pids"
    supervisor = subprocess.Popen([str(KEEP_RUNNING), "sh", "-c", f"echo $$ >> {pids}; exec sleep 60"],
                                  start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: len(_pids(pids)) == 1, 10)
        first = _pids(pids)[0]

        # when the command is killed
        os.kill(first, signal.SIGKILL)

        # then it is started again, as a new process
        assert _wait_for(lambda: len(_pids(pids)) == 2, 10)
        second = _pids(pids)[1]
        assert second != first
        os.kill(second, 0)  # alive

        # when keep-running itself is stopped
        supervisor.terminate()
        supervisor.wait(timeout=10)

        # then the command stops too and is not started again
        assert _wait_for(lambda: not Path(f"/proc/{second}").exists(), 10)
        time.sleep(2.5)
        assert len(_pids(pids)) == 2
        assert "exited with status 137" in supervisor.stderr.read()
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
