"""The embedded PostgreSQL: one server per data folder, shared by processes, robust to kills."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A process that holds the server: prints the postmaster pid, answers a query per input line,
# and releases the server when its stdin closes.
HOLDER = """
import sys
import psycopg
from archive import embedded_db

config = embedded_db.start(sys.argv[1], "probe")
def query():
    with psycopg.connect(dbname=config["NAME"], user=config["USER"], host=config["HOST"],
                         port=config["PORT"]) as connection:
        return connection.execute("SELECT 41 + 1").fetchone()[0]
pid = open(sys.argv[1] + "/postmaster.pid").readline().strip()
print(pid, query(), flush=True)
for line in sys.stdin:
    print(query(), flush=True)
"""


def start_holder(data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    postmaster_pid, answer = holder.stdout.readline().split()
    assert answer == "42"
    return holder, int(postmaster_pid)


def ask(holder):
    holder.stdin.write("again\n")
    holder.stdin.flush()
    return holder.stdout.readline().strip()


def release(holder):
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def wait_until_stopped(postmaster_pid, timeout=15):
    deadline = time.monotonic() + timeout
    while psutil.pid_exists(postmaster_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not psutil.pid_exists(postmaster_pid)


@pytest.fixture
def data_dir(tmp_path):
    directory = tmp_path / "pgdata"
    yield directory
    # Never leave a server behind, whatever the test did.
    pid_file = directory / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        if psutil.pid_exists(pid):
            os.kill(pid, signal.SIGTERM)
            wait_until_stopped(pid)


def test_two_processes_share_one_server_and_the_last_one_stops_it(data_dir):
    first, first_server = start_holder(data_dir)
    second, second_server = start_holder(data_dir)
    assert first_server == second_server

    release(first)
    assert ask(second) == "42", "the server must outlive the first process"
    assert psutil.pid_exists(second_server)

    release(second)
    assert wait_until_stopped(second_server), "the last process out stops the server"


def test_a_killed_process_leaves_a_stale_pid_that_the_next_one_recovers_from(data_dir):
    killed, server = start_holder(data_dir)
    killed.kill()
    killed.wait()
    assert str(killed.pid) in (data_dir / ".handle_pids.json").read_text()

    survivor, survivor_server = start_holder(data_dir)
    assert survivor_server == server, "the running server is reused, not started twice"
    assert ask(survivor) == "42"

    release(survivor)
    assert wait_until_stopped(server), "the dead pid must not keep the server running forever"


def test_the_last_live_process_stops_the_server_though_another_was_killed(data_dir):
    # As when runserver's reloader is stopped: it SIGKILLs its child, then exits itself.
    parent, server = start_holder(data_dir)
    child, _ = start_holder(data_dir)
    child.kill()
    child.wait()
    release(parent)
    assert wait_until_stopped(server)


def test_sigterm_releases_the_server(data_dir):
    holder, server = start_holder(data_dir)
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=30)
    assert wait_until_stopped(server)


def test_a_server_killed_hard_is_restarted_on_the_same_data(data_dir):
    holder, server = start_holder(data_dir)
    holder.kill()
    holder.wait()
    os.kill(server, signal.SIGKILL)
    assert wait_until_stopped(server)

    restarted, new_server = start_holder(data_dir)
    assert new_server != server
    release(restarted)
    assert wait_until_stopped(new_server)
