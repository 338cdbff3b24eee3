"""make run's last step: the server, the worker and the scheduler start and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_the_server_worker_and_scheduler_start_and_stop_together(tmp_path, stop_signal):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CHARTE_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/run.sqlite3")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "devserver", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/compte/connexion/", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        children = subprocess.run(
            ["pgrep", "-s", str(server.pid), "-f", "manage.py"], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 4  # devserver, runserver, db_worker, scheduler

        server.send_signal(stop_signal)
        server.wait(timeout=20)

        time.sleep(0.5)
        left = subprocess.run(
            ["pgrep", "-s", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert left == []
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
