"""`manage.py restore FILE`: load a backup made by `backup` (or `pg_dump -Fc`) into the
configured database, creating it if it does not exist, then count what it holds and compare
with the counts the backup recorded (FILE.json). A database that already holds tables is
left alone unless `--force` says to replace what the backup holds. `--check` restores into a
scratch database beside the configured one, compares, and drops it. See README, "Backups"."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive import backups
from articles.management.commands.backup import counts_lines, counts_path
from articles.selectors import archive_counts


class Command(BaseCommand):
    help = "Restore the archive's database from FILE, a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a backup (*.dump) made by `backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a database that already holds tables, replacing what the "
            "backup holds (stop the web servers and workers first)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="restore into a scratch database (NAME_restore_check), compare the counts "
            "with the backup's, and drop it: the configured database is not touched",
        )

    def handle(self, *args, file: Path, force: bool, check: bool, **options):
        server_major = backups.server_major(connection)
        try:
            pg_restore, contents = backups.archive_check(file, server_major=server_major)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        recorded = json.loads(counts_path(file).read_text()) if counts_path(file).exists() else None

        configured = connection.settings_dict["NAME"]
        target = f"{configured}_restore_check" if check else configured
        if check:
            backups.database_drop(connection, target)
        try:
            self.database_prepare(target, force=force)
            self.stdout.write(f"Restoring {file} ({len(contents)} items) into database {target!r}")
            connection.close()
            try:
                backups.restore(connection.settings_dict, file, pg_restore=pg_restore, clean=force)
            except backups.BackupError as error:
                raise CommandError(
                    f"{error}\nNothing was changed: the restore is one transaction."
                ) from error
            counts = archive_counts()
        finally:
            if check:
                backups.database_drop(connection, target)
                connection.settings_dict["NAME"] = configured
        self.report(counts, recorded, check=check)

    def database_prepare(self, name: str, *, force: bool) -> None:
        """Point the connection at `name`, created if missing; refuse one with tables in it
        unless forced."""
        connection.close()
        connection.settings_dict["NAME"] = name
        if not backups.database_exists(connection, name):
            backups.database_create(connection, name)
            self.stdout.write(f"Created database {name!r}.")
            return
        found = backups.tables(connection)
        if found and not force:
            stories = ""
            if "public.articles_article" in found:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM articles_article")
                    stories = f", {cursor.fetchone()[0]:,} stories among them"
            raise CommandError(
                f"Database {name!r} is not empty: it holds {len(found)} tables{stories}. "
                "Nothing was changed. Restore into a new database (set DATABASE_URL or "
                "DJANGO_DATABASE_NAME to a name that does not exist yet: it is created), or "
                "pass --force to replace what the backup holds (stop the web servers and "
                "workers first)."
            )

    def report(self, counts: dict[str, int], recorded: dict | None, *, check: bool) -> None:
        self.stdout.write(f"The restored database holds:\n{counts_lines(counts)}")
        if recorded is None:
            self.stdout.write("No counts were recorded with this backup: nothing to compare.")
            return
        differences = {
            label: (expected, counts.get(label))
            for label, expected in recorded["counts"].items()
            if counts.get(label) != expected
        }
        if differences:
            listed = "\n".join(
                f"  {label}: {expected:,} in the backup, {found} restored"
                for label, (expected, found) in differences.items()
            )
            raise CommandError(f"The restore does not match the backup's counts:\n{listed}")
        verb = "Checked" if check else "Restored"
        self.stdout.write(
            f"{verb}: every count matches the backup made {recorded['created']}"
            + (" (the scratch database was dropped)." if check else ".")
        )
