"""python manage.py reextract : run extraction again over every story, keeping editor decisions."""

import os
import time

from django.core.management.base import BaseCommand

from articles.management.workers import batch_follow
from articles.services import batch_confirm, batch_run_here, reextract_stage


class Command(BaseCommand):
    help = (
        "Run extraction again over every stored story, as background jobs with progress (a "
        "batch in the admin). Verified and rejected quotes, merges, confirmed names and names "
        "marked not an entity are kept. An interrupted run is resumed by the workers."
    )

    def add_arguments(self, parser):
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="worker processes to start here (0: wait for the deployment's workers)",
        )
        how.add_argument("--inline", action="store_true", help="in this process, no jobs")
        how.add_argument("--no-wait", action="store_true", help="queue the jobs and return")

    def handle(self, *args, workers, inline, no_wait, verbosity, **options):
        started = time.perf_counter()
        batch = reextract_stage()
        if inline:
            batch = batch_run_here(batch, started=started).batch
        else:
            batch_confirm(batch)
            if no_wait:
                self.stdout.write(f"Queued re-extraction #{batch.pk}: {batch.total_count} stories.")
                return
            batch = batch_follow(batch, workers, show=verbosity >= 1, write=self.stdout.write)
        if verbosity >= 1:
            self.stdout.write(
                f"Re-extracted {batch.updated_count} stories in "
                f"{time.perf_counter() - started:.1f} s ({batch.failed_count} failed)."
            )
