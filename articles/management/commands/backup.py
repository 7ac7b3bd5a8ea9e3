"""`manage.py backup FILE`: the whole database in pg_dump's custom format, and beside it
FILE.json with what it holds (stories, entities, quotes, editor decisions), counted in the very
snapshot that was dumped, for `restore` to compare with. See README, "Backups"."""

import hashlib
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from archive import backups
from articles.selectors import archive_counts


def counts_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def counts_lines(counts: dict[str, int]) -> str:
    return "\n".join(f"  {label:<28} {count:>12,}" for label, count in counts.items())


class Command(BaseCommand):
    help = "Back up the archive's database to FILE (pg_dump --format=custom) and FILE.json."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="where to write the backup (*.dump)")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    def handle(self, *args, file: Path, overwrite: bool, **options):
        if file.exists() and not overwrite:
            raise CommandError(f"{file} exists: choose another name or pass --overwrite")
        name = connection.settings_dict["NAME"]
        server_version = connection.pg_version
        started = time.monotonic()
        try:
            # pg_dump reads the snapshot this transaction exported, so the counts below are
            # those of the backup even while editors and workers keep writing.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                [snapshot] = cursor.fetchone()
                counts = archive_counts()
                tool_version = backups.dump(
                    connection.settings_dict,
                    file,
                    server_major=server_version // 10000,
                    snapshot=snapshot,
                )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        size = file.stat().st_size
        with file.open("rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        counts_path(file).write_text(
            json.dumps(
                {
                    "database": name,
                    "server_version": server_version,
                    "pg_dump": ".".join(map(str, tool_version)),
                    "created": timezone.now().isoformat(timespec="seconds"),
                    "bytes": size,
                    "sha256": digest,
                    "counts": counts,
                },
                indent=2,
            )
            + "\n"
        )
        self.stdout.write(
            f"Backed up database {name!r} to {file} ({size / 1e6:,.1f} MB in {seconds:.1f} s, "
            f"pg_dump {'.'.join(map(str, tool_version))}); it holds:\n{counts_lines(counts)}\n"
            f"The counts are kept in {counts_path(file)}: `restore` compares them."
        )
