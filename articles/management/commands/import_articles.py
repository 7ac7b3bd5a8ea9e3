"""python manage.py import_articles PATH... : stories from files, folders and zips."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import ImportBatch
from articles.services import articles_import

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
        "and .zip) and zips. Exits with status 1 when any file was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and extract, store nothing"
        )
        parser.add_argument(
            "--origin",
            choices=ImportBatch.Origin.values,
            default=ImportBatch.Origin.COMMAND,
            help="what the import batch records as its origin",
        )

    def handle(self, *args, paths, dry_run, origin, verbosity, **options):
        files = story_paths(paths)
        progress = tqdm(
            total=len(files),
            unit="file",
            file=sys.stderr,
            disable=verbosity < 1 or not sys.stderr.isatty(),
        )

        def read():
            for path in files:
                yield str(path), path.read_bytes()
                progress.update()

        def show(report):
            if verbosity < 1:
                return
            if report.outcome == "rejected":
                line = self.style.ERROR(f"{'rejected':<10}{report.message}")
            else:
                line = f"{report.outcome:<10}{report.filename}  {report.message}"
            if progress.disable:
                self.stdout.write(line)
            else:
                progress.write(line, file=self.stdout)

        with progress:
            report = articles_import(read(), origin=origin, dry_run=dry_run, on_file=show)
        counts = ", ".join(
            f"{report.count(outcome)} {outcome}"
            for outcome in ("created", "updated", "unchanged", "rejected")
        )
        where = " (dry run: nothing stored)" if dry_run else f" (import #{report.batch.pk})"
        if verbosity >= 1:
            self.stdout.write(f"{counts} in {report.seconds:.1f} s{where}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} file(s) rejected", returncode=1)
