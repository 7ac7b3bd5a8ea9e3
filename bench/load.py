"""Load: readers and editors at once against gunicorn on loopback, with production settings.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --readers 50 --editors 1 --seconds 60
    .venv/bin/python bench/load.py --database archive_bench_search --reuse   # a built archive

The runner (this file run as a script) prepares a database of its own (archive_bench_load on
the configured server: created, migrated, the stories of --stories imported through
`import_articles` with worker processes, an editor account added; dropped at the end unless
--keep; --reuse takes an existing database as it is), collects static files, starts gunicorn
with gunicorn.conf.py on 127.0.0.1 (DJANGO_DEBUG=0, as in production, less the https
redirect, which needs the TLS proxy) and, when there are editors, one background worker. Then
it runs locust headless on this same file, as a locustfile, for --seconds: --readers readers
who search (with and without filters), page through results and open stories, people,
organisations, the indexes and quotes, and --editors editors who sign in to the admin and
import a small zip of invented stories (preview, confirm, progress) now and then.

Printed and written to bench/results/load.json: requests/s, p50, p95, p99 and errors per
request class and overall, the errors' messages, the machine's load average. By default the
stories are those of ../shared/corpus/eval_reserve and eval_seedlike (350 real stories);
without the corpus, invented ones.

The runner never imports locust: locust patches the standard library for gevent on import,
which Django, psycopg and spaCy in this process must not see. Locust reads the scenario below
the `__main__` block in a process of its own.
"""

import argparse
import csv
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from bench.ingest import generated_stories, zip_build  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_STORIES = [CORPUS / "eval_reserve", CORPUS / "eval_seedlike"]
EDITOR_USERNAME = "load-editor"
STARTUP_SECONDS = 120
# Targets handed to the locust process: what there is to search for and open.
TARGETS_ENVIRONMENT = "ARCHIVE_LOAD_TARGETS"
EDITOR_PASSWORD_ENVIRONMENT = "ARCHIVE_LOAD_EDITOR_PASSWORD"
STORIES_PER_UPLOAD = 3
# How long a run may go on past --seconds for the editors to finish --imports imports.
IMPORTS_WAIT_SECONDS = 600
WORD = re.compile(r"[a-z]{5,}")


# --- The archive under load ----------------------------------------------------------------------


def database_prepare(name: str, stories: list[Path], generated: int, workers: int) -> dict:
    """A fresh database `name`, migrated, with the stories imported as an editor would."""
    from django.db import connection

    from archive import backups

    backups.database_drop(connection, name)
    backups.database_create(connection, name)
    environment = {**os.environ, "DJANGO_DATABASE_NAME": name}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=environment, check=True)
    with tempfile.TemporaryDirectory() as folder:
        paths = [str(path) for path in stories]
        if generated:
            for filename, text in generated_stories(generated, host="load"):
                (Path(folder) / filename).write_bytes(text)
            paths = [folder]
        started = time.monotonic()
        # Exit status 1 means some file was rejected; the counts below say how many stored.
        subprocess.run(
            [*manage, "import_articles", "--workers", str(workers), "-v", "0", *paths],
            env=environment,
            check=False,
        )
        return {"import_seconds": round(time.monotonic() - started, 1)}


def database_use(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def editor_ensure() -> str:
    """The load's editor account, in the Editors group, with a new password each run."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    password = secrets.token_urlsafe(16)
    user, _created = get_user_model().objects.get_or_create(
        username=EDITOR_USERNAME, defaults={"is_staff": True}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return password


def targets_collect(limit: int = 300) -> dict:
    """What readers search for and open, drawn from the archive under load."""
    from django.db.models.functions import ExtractYear

    from articles.models import Article, Organisation, Person, Quote, Source

    titles = Article.objects.order_by("?").values_list("title", flat=True)[:limit]
    words = sorted({word for title in titles for word in WORD.findall(title.lower())})
    speakers = (
        Quote.objects.exclude(person=None).values_list("person__slug", flat=True).distinct()[:limit]
    )
    return {
        "stories": Article.objects.count(),
        "articles": list(Article.objects.order_by("?").values_list("slug", flat=True)[:limit]),
        "people": list(
            Person.objects.filter(article_count__gt=0)
            .order_by("-article_count")
            .values_list("slug", flat=True)[:limit]
        ),
        "organisations": list(
            Organisation.objects.filter(article_count__gt=0)
            .order_by("-article_count")
            .values_list("slug", flat=True)[:limit]
        ),
        "sources": list(Source.objects.values_list("slug", flat=True)[:limit]),
        "years": sorted(
            Article.objects.annotate(year=ExtractYear("published"))
            .values_list("year", flat=True)
            .distinct()
        ),
        "words": words[:limit] or ["news"],
        "speakers": list(speakers),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(database: str, port: int) -> dict:
    """Production settings on loopback: no debug, a throwaway key, no https redirect (there is
    no TLS proxy in front here), gunicorn on 127.0.0.1 only."""
    return {
        **os.environ,
        "DJANGO_DATABASE_NAME": database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
    }


def serving(port: int) -> bool:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def processes_start(environment: dict, port: int, editors: int, logs: Path) -> list:
    """gunicorn, and one background worker when editors import."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=environment,
        check=True,
    )
    commands = {"gunicorn": [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]}
    if editors:
        manage = [sys.executable, str(ROOT / "manage.py")]
        commands["worker"] = [*manage, "worker"]
    processes = []
    for label, command in commands.items():
        log = (logs / f"{label}.log").open("w")
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped as a group: gunicorn's workers with it
            )
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while not serving(port):
        if time.monotonic() > deadline or processes[0].poll() is not None:
            processes_stop(processes)
            raise RuntimeError(f"gunicorn did not serve:\n{(logs / 'gunicorn.log').read_text()}")
        time.sleep(0.5)
    return processes


class CpuSampler(threading.Thread):
    """CPU time spent by gunicorn (the arbiter and its workers) and by the PostgreSQL
    processes serving the database (those on this machine: each connection's backend is
    named after its database), read every second, so that a worker replaced or a connection
    closed during the run still counts up to its last reading."""

    def __init__(self, gunicorn_pid: int, database: str):
        super().__init__(daemon=True)
        self.gunicorn_pid, self.database = gunicorn_pid, database
        self.readings = {"gunicorn": {}, "database": {}}  # pid: (first, last) CPU seconds
        self.stopping = threading.Event()

    def _members(self):
        import psutil

        try:
            arbiter = psutil.Process(self.gunicorn_pid)
            yield from (("gunicorn", member) for member in [arbiter, *arbiter.children(True)])
        except psutil.NoSuchProcess:
            pass
        for process in psutil.process_iter(["cmdline"]):
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith("postgres:") and f" {self.database} " in f"{title} ":
                yield "database", process

    def read(self, *, first: bool = False) -> None:
        import psutil

        for side, process in self._members():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            used = times.user + times.system
            # A process born during the run counts from zero; one alive before from now.
            earlier = self.readings[side].get(process.pid, (used if first else 0.0, 0.0))
            self.readings[side][process.pid] = (earlier[0], used)

    def run(self):
        while not self.stopping.wait(1.0):
            self.read()

    def seconds(self, side: str) -> float:
        self.stopping.set()
        self.read()
        return sum(last - first for first, last in self.readings[side].values())


def processes_stop(processes: list) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- Running locust and reading its figures ------------------------------------------------------


def locust_run(
    port: int,
    readers: int,
    editors: int,
    seconds: int,
    think: str,
    folder: Path,
    targets: dict,
    editor_password: str,
    imports: int,
) -> tuple[Path, float]:
    """Locust headless on this file, every user started within a second, for `seconds` and
    until every editor finished `imports` imports; its CSV prefix and how long it ran."""
    (folder / "targets.json").write_text(json.dumps(targets))
    environment = {
        **os.environ,
        TARGETS_ENVIRONMENT: str(folder / "targets.json"),
        EDITOR_PASSWORD_ENVIRONMENT: editor_password,
        "ARCHIVE_LOAD_THINK": think,
        "ARCHIVE_LOAD_EDITORS": str(editors),
        "ARCHIVE_LOAD_SECONDS": str(seconds),
        "ARCHIVE_LOAD_IMPORTS": str(imports * editors),
    }
    users = readers + editors
    prefix = folder / "locust"
    classes = ["Reader", "Editor"] if editors else ["Reader"]
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(Path(__file__).resolve()),
            "--headless", "--host", f"http://127.0.0.1:{port}",
            "--users", str(users), "--spawn-rate", str(max(users, 1)),
            "--stop-timeout", "10",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
            *classes,
        ],
        env=environment,
        cwd=ROOT,
        check=False,  # locust exits 1 when a request failed: the report says which
        timeout=seconds + IMPORTS_WAIT_SECONDS + 120,
    )  # fmt: skip
    return prefix, time.monotonic() - started


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:  # "N/A" for a class with no request
        return None


def stats_read(prefix: Path) -> dict:
    """Per request class and overall: requests, errors, requests/s and percentiles (ms)."""
    classes = {}
    with open(f"{prefix}_stats.csv", newline="") as lines:
        for row in csv.DictReader(lines):
            label = row["Name"] if row["Name"] != "Aggregated" else "overall"
            classes[label] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "requests_per_second": round(float(row["Requests/s"]), 2),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": _number(row["Max Response Time"]),
            }
    errors = []
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as lines:
            errors = [
                {"name": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
                for row in csv.DictReader(lines)
            ]
    overall = classes.pop("overall")
    return {"classes": dict(sorted(classes.items())), "overall": overall, "errors": errors}


def report_print(report: dict) -> None:
    print(
        f"{report['readers']} readers, {report['editors']} editors, {report['seconds']} s, "
        f"{report['archive']['stories']} stories, think time {report['think_seconds']} s"
    )
    print(
        f"{'request class':<28}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    )
    rows = [*report["classes"].items(), ("overall", report["overall"])]
    for label, row in rows:
        print(
            f"{label:<28}{row['requests']:>9}{row['errors']:>8}{row['requests_per_second']:>8}"
            f"{row['p50_ms'] or 0:>9.0f}{row['p95_ms'] or 0:>9.0f}"
        )
    print(
        f"CPU a request: gunicorn {report['gunicorn_cpu_ms_per_request']} ms, PostgreSQL "
        f"{report['database_cpu_ms_per_request']} ms (its processes on this machine)"
    )
    for error in report["errors"]:
        print(f"error x{error['count']}: {error['name']}: {error['error']}")


# --- Main ----------------------------------------------------------------------------------------


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--editors", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--imports",
        type=int,
        default=0,
        help="go on past --seconds until each editor finished this many imports",
    )
    parser.add_argument(
        "--think", default="1-3", help="seconds a reader waits between pages, MIN-MAX"
    )
    parser.add_argument(
        "--stories", type=Path, nargs="+", default=DEFAULT_STORIES, help="folders or zips"
    )
    parser.add_argument("--generated", type=int, default=0, help="invented stories instead")
    parser.add_argument("--import-workers", type=int, default=2)
    parser.add_argument("--database", default="archive_bench_load")
    parser.add_argument("--reuse", action="store_true", help="use --database as it is")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for load.json")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.db import connection

    from archive import backups

    stories = arguments.stories
    generated = arguments.generated
    if not generated and not all(path.exists() for path in stories):
        generated = 40  # no corpus here: invented stories, and the report says so
    original_name = connection.settings_dict["NAME"]
    report = {
        "readers": arguments.readers,
        "editors": arguments.editors,
        "seconds": arguments.seconds,
        "think_seconds": arguments.think,
        "database": arguments.database,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(load, 2) for load in os.getloadavg()],
    }
    try:
        if not arguments.reuse:
            report["archive"] = database_prepare(
                arguments.database, stories, generated, arguments.import_workers
            )
        else:
            report["archive"] = {}
        report["archive"]["source"] = (
            {"generated": generated} if generated else {"folders": [str(path) for path in stories]}
        )
        database_use(arguments.database)
        password = editor_ensure()
        targets = targets_collect()
        report["archive"]["stories"] = targets["stories"]
        connection.close()

        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            environment = production_environment(arguments.database, port)
            processes = processes_start(environment, port, arguments.editors, folder)
            try:
                sampler = CpuSampler(processes[0].pid, arguments.database)
                sampler.read(first=True)
                sampler.start()
                prefix, seconds_run = locust_run(
                    port, arguments.readers, arguments.editors, arguments.seconds,
                    arguments.think, folder, targets, password, arguments.imports,
                )  # fmt: skip
                report["seconds_run"] = round(seconds_run, 1)
                report.update(stats_read(prefix))
                # What serving cost the web server (not PostgreSQL): CPU ms a request, from
                # which the requests/s of idle cores can be estimated on a busy machine.
                cpu, database_cpu = sampler.seconds("gunicorn"), sampler.seconds("database")
                report["gunicorn_cpu_seconds"] = round(cpu, 1)
                report["gunicorn_cpu_ms_per_request"] = round(
                    1000 * cpu / max(report["overall"]["requests"], 1), 1
                )
                report["database_cpu_ms_per_request"] = round(
                    1000 * database_cpu / max(report["overall"]["requests"], 1), 1
                )
            finally:
                processes_stop(processes)
                report["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
                served = (folder / "gunicorn.log").read_text(errors="replace")
                report["server_errors_logged"] = served.count("Internal Server Error")
                # Kept for a look at what the server said (access log, tracebacks).
                arguments.results.mkdir(parents=True, exist_ok=True)
                (arguments.results / "load-gunicorn.log").write_text(served)
    finally:
        database_use(original_name)
        if not (arguments.keep or arguments.reuse):
            backups.database_drop(connection, arguments.database)

    arguments.results.mkdir(parents=True, exist_ok=True)
    output = arguments.results / "load.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    report_print(report)
    print(f"wrote {output}")
    return report


if __name__ == "__main__":
    main()
    sys.exit(0)


# --- The scenario, read by locust (`locust -f bench/load.py`) ------------------------------------

import gevent  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402


def _targets() -> dict:
    return json.loads(Path(os.environ[TARGETS_ENVIRONMENT]).read_text())


TARGETS = _targets() if os.environ.get(TARGETS_ENVIRONMENT) else {}
THINK_MIN, THINK_MAX = (
    float(part) for part in os.environ.get("ARCHIVE_LOAD_THINK", "1-3").split("-")
)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IMPORTS_FINISHED = [0]


@events.test_start.add_listener
def _stop_in_time(environment, **kwargs):
    """Stop after ARCHIVE_LOAD_SECONDS, once the editors finished ARCHIVE_LOAD_IMPORTS
    imports (a run that must see an import through does not depend on the machine's speed)."""

    def stop():
        gevent.sleep(float(os.environ.get("ARCHIVE_LOAD_SECONDS", "60")))
        deadline = time.monotonic() + IMPORTS_WAIT_SECONDS
        wanted = int(os.environ.get("ARCHIVE_LOAD_IMPORTS", "0"))
        while IMPORTS_FINISHED[0] < wanted and time.monotonic() < deadline:
            gevent.sleep(0.5)
        environment.runner.quit()

    gevent.spawn(stop)


class Reader(HttpUser):
    """A member of the public: searches, narrows, pages, reads stories and who is in them."""

    wait_time = between(THINK_MIN, THINK_MAX)

    def _pick(self, kind: str):
        return random.choice(TARGETS[kind]) if TARGETS.get(kind) else None

    def _words(self) -> str:
        return " ".join(
            random.sample(TARGETS["words"], k=min(len(TARGETS["words"]), random.choice([1, 1, 2])))
        )

    @task(6)
    def search(self):
        self.client.get("/search/", params={"q": self._words()}, name="search")

    @task(4)
    def search_filtered(self):
        filters = random.choice(["person", "organisation", "year", "source"])
        params = {"q": self._words()} if random.random() < 0.5 else {}
        value = self._pick(
            {"person": "people", "organisation": "organisations"}.get(filters, filters + "s")
        )
        if value is not None:
            params[filters] = value
        self.client.get("/search/", params=params, name="search + filter")

    @task(2)
    def search_pages(self):
        params = {"page": random.randint(2, 5)}
        if person := self._pick("people"):
            params["person"] = person
        self.client.get("/search/", params=params, name="search, page 2-5")

    @task(6)
    def article(self):
        if slug := self._pick("articles"):
            self.client.get(f"/articles/{slug}/", name="article")

    @task(3)
    def person(self):
        if slug := self._pick("people"):
            self.client.get(f"/people/{slug}/", name="person")

    @task(2)
    def organisation(self):
        if slug := self._pick("organisations"):
            self.client.get(f"/organisations/{slug}/", name="organisation")

    @task(1)
    def indexes(self):
        self.client.get(
            random.choice(["/people/", "/organisations/"]), name="people / organisations index"
        )

    @task(2)
    def quotes(self):
        params = {"q": self._words()} if random.random() < 0.5 else {}
        if random.random() < 0.5 and (speaker := self._pick("speakers")):
            params["person"] = speaker
        self.client.get("/quotes/", params=params, name="quotes")

    @task(1)
    def home(self):
        self.client.get("/", name="home")


class Editor(HttpUser):
    """A newsroom editor: signs in to the admin and imports a small zip now and then."""

    fixed_count = int(os.environ.get("ARCHIVE_LOAD_EDITORS", "1"))
    wait_time = between(10, 20)

    def _send(self, method: str, path: str, name: str, expected: int = 200, **options):
        """One request, redirects not followed. Production marks the session and CSRF
        cookies Secure, which a client returns over https only; no TLS proxy stands in front
        of gunicorn here, so they are made plain before the next request."""
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **options
        ) as response:
            if response.status_code != expected:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
        for cookie in self.client.cookies:
            cookie.secure = False
        return response

    def _csrf(self, response) -> str:
        match = CSRF_FIELD.search(response.text)
        return match.group(1) if match else ""

    def on_start(self):
        page = self._send("GET", "/admin/login/", "admin login page")
        self._send(
            "POST",
            "/admin/login/?next=/admin/",
            "admin sign in",
            expected=302,
            data={
                "username": EDITOR_USERNAME,
                "password": os.environ[EDITOR_PASSWORD_ENVIRONMENT],
                "csrfmiddlewaretoken": self._csrf(page),
                "next": "/admin/",
            },
        )

    @task
    def import_zip(self):
        page = self._send("GET", "/admin/articles/importbatch/import/", "admin import page")
        host = f"load-{secrets.token_hex(4)}"
        upload = zip_build(
            generated_stories(STORIES_PER_UPLOAD, seed=random.randrange(10**9), host=host)
        )
        preview = self._send(
            "POST",
            "/admin/articles/importbatch/import/",
            "admin upload (preview)",
            expected=302,
            data={"csrfmiddlewaretoken": self._csrf(page)},
            files={"files": ("stories.zip", upload, "application/zip")},
        )
        batch_url = preview.headers.get("Location", "")
        if "/batch/" not in batch_url:
            IMPORTS_FINISHED[0] += 1  # failed, and counted as such: the run may stop
            return
        batch = self._send("GET", batch_url, "admin batch page (preview)")
        self._send(
            "POST",
            batch_url,
            "admin confirm",
            expected=302,
            data={"action": "confirm", "csrfmiddlewaretoken": self._csrf(batch)},
        )
        self._send("GET", batch_url, "admin batch page (progress)")
        self._send("GET", batch_url.replace("/batch/", "/progress/"), "admin batch progress")
        IMPORTS_FINISHED[0] += 1
