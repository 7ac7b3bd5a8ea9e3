"""python manage.py import_articles PATH... : stories from files, folders and zips."""

import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.management.workers import batch_arguments, batch_carry_out
from articles.models import ImportBatch
from articles.services import batch_stage, files_preview

# What a folder is searched for; a file named on the command line is always read.
STORY_SUFFIXES = {".txt", ".zip"}


def story_paths(paths: list[str]) -> list[Path]:
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and child.suffix.lower() in STORY_SUFFIXES
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{name}: no such file or folder")
    return found


class Command(BaseCommand):
    help = (
        "Import stories in the seed format from files, folders (searched recursively for .txt "
        "and .zip) and zips, as background jobs: by worker processes started here (--workers, "
        "one per core by default), by the deployment's workers (--workers 0), or in this "
        "process (--inline). Exits with status 1 when any file was rejected or failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and predict, store nothing"
        )
        parser.add_argument(
            "--origin",
            choices=[ImportBatch.Origin.COMMAND, ImportBatch.Origin.SEEDS],
            default=ImportBatch.Origin.COMMAND,
            help="what the import batch records as its origin",
        )
        batch_arguments(parser)

    def handle(self, *args, paths, dry_run, origin, workers, inline, no_wait, verbosity, **_):
        files = [(str(path), path.read_bytes()) for path in story_paths(paths)]
        if dry_run:
            return self._preview(files_preview(files), verbosity)
        started = time.perf_counter()
        batch = batch_carry_out(
            batch_stage(files, origin=origin),
            workers=workers,
            inline=inline,
            no_wait=no_wait,
            show=verbosity >= 1,
            write=self.stdout.write,
        )
        if batch is not None:
            self._report(batch, time.perf_counter() - started, verbosity)

    def _preview(self, rows, verbosity):
        counts = Counter(row.expected for row in rows)
        if verbosity >= 1:
            for row in rows:
                self._line(row.expected, row.filename, row.message)
            totals = ", ".join(
                f"{counts[o]} {o}" for o in ("created", "updated", "unchanged", "rejected")
            )
            self.stdout.write(f"{totals} (dry run: nothing stored)")
        if counts["rejected"]:
            raise CommandError(f"{counts['rejected']} file(s) rejected", returncode=1)

    def _report(self, batch, seconds: float, verbosity):
        files = batch.files.order_by("pk")
        if verbosity >= 1:
            for upload in files:
                self._line(upload.outcome, upload.filename, upload.message)
            counts = ", ".join(
                f"{getattr(batch, f'{outcome}_count')} {outcome}"
                for outcome in ("created", "updated", "unchanged", "rejected", "failed")
            )
            self.stdout.write(f"{counts} in {seconds:.1f} s (import #{batch.pk})")
        bad = batch.rejected_count + batch.failed_count
        if bad:
            raise CommandError(f"{bad} file(s) rejected", returncode=1)

    def _line(self, outcome: str, filename: str, message: str):
        if outcome in ("rejected", "failed"):
            self.stdout.write(self.style.ERROR(f"{outcome:<10}{message}"))
        else:
            self.stdout.write(f"{outcome:<10}{filename}  {message}")
