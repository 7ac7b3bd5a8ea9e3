"""`manage.py runarchive` (what `make run` serves with): the web server and its workers as
real processes, a worker that stops replaced, and Ctrl-C stopping everything it started."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

from articles.management.workers import MANAGE_PY

pytestmark = pytest.mark.django_db(transaction=True)
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"still waiting after {seconds} s for {what}")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def workers_of(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid), "-f", "manage.py worker"], capture_output=True, text=True
    )
    return [int(line) for line in found.stdout.split()]


def group_members(group: int) -> list[str]:
    found = subprocess.run(["pgrep", "-a", "-g", str(group)], capture_output=True, text=True)
    return found.stdout.splitlines()


def test_a_stopped_worker_is_replaced_and_ctrl_c_stops_everything():
    port = free_port()
    env = {**os.environ, "DJANGO_DATABASE_NAME": connection.settings_dict["NAME"]}
    archive = subprocess.Popen(
        [sys.executable, str(MANAGE_PY), "runarchive", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        start_new_session=True,  # its own process group, as a terminal gives it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: answers(port), START_SECONDS, "the web server")
        [worker] = wait_for(lambda: workers_of(archive.pid), START_SECONDS, "the worker")
        os.kill(worker, signal.SIGKILL)
        replaced = wait_for(
            lambda: [pid for pid in workers_of(archive.pid) if pid != worker],
            START_SECONDS,
            "a new worker",
        )
        assert len(replaced) == 1
        os.killpg(archive.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
        archive.wait(timeout=60)
        wait_for(lambda: not group_members(archive.pid), 30, "every process to stop")
        assert "A worker stopped" in archive.stderr.read()
    finally:
        if archive.poll() is None or group_members(archive.pid):
            os.killpg(archive.pid, signal.SIGKILL)
            archive.wait()
