"""python manage.py reextract : run extraction again over every story, keeping editor decisions."""

import time

from django.core.management.base import BaseCommand

from articles.management.workers import batch_arguments, batch_carry_out
from articles.services import reextract_stage


class Command(BaseCommand):
    help = (
        "Run extraction again over every stored story, as background jobs with progress (a "
        "batch in the admin). Verified and rejected quotes, merges, confirmed names and names "
        "marked not an entity are kept. An interrupted run is resumed by the workers."
    )

    def add_arguments(self, parser):
        batch_arguments(parser)

    def handle(self, *args, workers, inline, no_wait, verbosity, **options):
        started = time.perf_counter()
        batch = batch_carry_out(
            reextract_stage(),
            workers=workers,
            inline=inline,
            no_wait=no_wait,
            show=verbosity >= 1,
            write=self.stdout.write,
        )
        if batch is not None and verbosity >= 1:
            self.stdout.write(
                f"Re-extracted {batch.updated_count} stories in "
                f"{time.perf_counter() - started:.1f} s ({batch.failed_count} failed)."
            )
