"""`manage.py worker`: a worker for the archive's jobs that outlives a database restart.

Procrastinate's own worker (`manage.py procrastinate worker`) stops for good when one of its
queries fails: a restart or a fail-over of PostgreSQL at the moment it fetches the next job or
writes its heartbeat. This command runs that worker, and when it stops that way, waits until
the database answers and runs it again in the same process; a job that was cut short is run
again by `retry_stalled_jobs` (articles/tasks.py).
SIGTERM or Ctrl-C stop it after the running job, as they stop Procrastinate's worker.
"""

import asyncio
import logging
import signal

from django.core.management.base import BaseCommand, CommandError
from procrastinate.contrib.django import app
from procrastinate.contrib.django.utils import connector_params
from procrastinate.exceptions import ConnectorException
from procrastinate.psycopg_connector import PsycopgConnector
from procrastinate.worker import Worker

logger = logging.getLogger(__name__)

# How long a query waits for a pooled connection while the database is away; past it the
# worker stops, and this command runs it again once the database answers.
DATABASE_WAIT_SECONDS = 10
# How long to wait between two tries to reach the database, at first and at most.
RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 5.0


class Command(BaseCommand):
    help = "Run a worker for the archive's background jobs (imports, re-extraction, resolution)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help="jobs run at once (1: extraction is CPU-bound; run one worker per core)",
        )
        parser.add_argument(
            "--queues",
            default="",
            help="comma-separated queues to take jobs from (default: all)",
        )

    def handle(self, *args, concurrency: int, queues: str, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be 1 or more")
        names = [name.strip() for name in queues.split(",") if name.strip()] or None
        connector = PsycopgConnector(kwargs=connector_params(), timeout=DATABASE_WAIT_SECONDS)
        with app.replace_connector(connector):
            asyncio.run(work(concurrency=concurrency, queues=names))


async def work(**options) -> None:
    """Run Procrastinate's worker until a signal stops it, again after each database outage."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    worker: Worker | None = None

    def stop() -> None:
        stopping.set()
        if worker is not None:
            worker.stop()

    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop)
    app.perform_import_paths()
    async with app.open_async():
        while not stopping.is_set():
            worker = Worker(
                app=app, **{**app.worker_defaults, **options}, install_signal_handlers=False
            )
            try:
                await worker.run()
            except ConnectorException as error:
                logger.warning("worker stopped, the database failed: %s", error.__cause__ or error)
            if stopping.is_set():
                break
            # Stopped without a signal: a query of its own failed (the heartbeat, say).
            await database_reachable(stopping)
            if not stopping.is_set():
                logger.warning("the database answers again: the worker starts again")


async def database_reachable(stopping: asyncio.Event) -> None:
    """Return once the database answers a query, or a stop was asked for."""
    pause = RECONNECT_FIRST_SECONDS
    while not stopping.is_set():
        try:
            await app.job_manager.check_connection_async()
            return
        except ConnectorException:
            pass
        try:
            await asyncio.wait_for(stopping.wait(), timeout=pause)
        except TimeoutError:
            pause = min(pause * 2, RECONNECT_MAX_SECONDS)
