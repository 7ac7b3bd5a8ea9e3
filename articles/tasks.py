"""Background jobs on Procrastinate (PostgreSQL is the queue: see README, "Background jobs").

Each job calls a service and records its progress in the database; workers run anywhere they
reach the database: `python manage.py worker`.
"""

import logging

from asgiref.sync import sync_to_async
from django.db import IntegrityError, close_old_connections, connection, transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from articles.models import ImportBatch
from articles.services import archive_resolve, known_entities
from articles.services.uploads import batch_started, file_process, previews_prune

logger = logging.getLogger(__name__)

IMPORT_QUEUE = "imports"
MAINTENANCE_QUEUE = "maintenance"
# A job that fails (the database restarting, say) is tried again; files it already stored are
# skipped, so a retry repeats nothing.
IMPORT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
# A worker that sent no heartbeat for this long is dead (killed, machine lost): its jobs run
# again elsewhere.
STALLED_AFTER_SECONDS = 30


@app.task(queue=IMPORT_QUEUE, retry=IMPORT_RETRY)
def import_files(batch_id: int, file_ids: list[int]) -> None:
    """Store (or re-extract) these files of a batch; the batch's counts move as each finishes."""
    connection_refresh()
    known = known_entities()
    batch_started(batch_id)
    for file_id in file_ids:
        file_process(file_id, known)  # a cancelled batch's files are no longer pending
    if ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.DONE).exists():
        try:
            with transaction.atomic():
                resolve_entities.configure(queueing_lock="resolve_entities").defer()
        except (AlreadyEnqueued, IntegrityError):
            pass  # one resolution already waits to run, and will see this batch


@app.task(queue=MAINTENANCE_QUEUE, retry=IMPORT_RETRY)
def resolve_entities() -> None:
    """Resolution over the stored archive (articles/services/resolution.py)."""
    connection_refresh()
    report = archive_resolve()
    logger.info("resolution: %d merged, %d proposed", len(report.merged), report.proposed)


def connection_refresh() -> None:
    """A worker lives for days: drop a connection the database closed (a restart, a
    fail-over) before using it, as Django does at the start of each request. Not inside a
    transaction, where the caller (a test) owns the connection."""
    if not connection.in_atomic_block:
        close_old_connections()


@app.periodic(cron="* * * * *")
@app.task(queue=MAINTENANCE_QUEUE, queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Run again the jobs of workers that died mid-job, and drop abandoned previews."""
    await stalled_jobs_retry(context.app.job_manager, STALLED_AFTER_SECONDS)
    await sync_to_async(previews_prune)()


async def stalled_jobs_retry(job_manager, seconds_since_heartbeat: float) -> int:
    """Put back in the queue the jobs of workers silent for this long; returns how many."""
    stalled = await job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    for job in stalled:
        logger.warning("retrying job %s of a worker that stopped", job.id)
        await job_manager.retry_job(job)
    return len(stalled)
