"""Zips of stories: what is refused as a whole, and the members of the rest.

Pure Python (no Django): the limits come in as arguments, so the upload service and the
command line share one set of checks.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator


class ArchiveRefused(ValueError):
    """A zip refused as a whole: nothing in it is imported."""


NESTED_ARCHIVE_SUFFIXES = (
    ".zip",
    ".jar",
    ".tar",
    ".tgz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".7z",
    ".rar",
)
NESTED_ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x28\xb5\x2f\xfd",
)


def is_zip(name: str, raw: bytes) -> bool:
    return name.lower().endswith(".zip") or raw[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def zip_members(
    name: str, raw: bytes, *, max_files: int, max_bytes: int
) -> list[tuple[str, bytes]]:
    """The stories in a zip, or ArchiveRefused naming why the whole zip is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not _zip_member_ignored(info.filename)
        ]
        if len(infos) > max_files:
            raise ArchiveRefused(
                f"{name}: the zip holds {len(infos):,} files, over the limit of {max_files:,}"
            )
        for info in infos:
            if _zip_member_outside(info.filename):
                raise ArchiveRefused(
                    f"{name}: the member '{info.filename}' points outside the archive"
                )
            if info.filename.lower().endswith(NESTED_ARCHIVE_SUFFIXES):
                raise ArchiveRefused(f"{name}: '{info.filename}' is an archive inside the zip")
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise ArchiveRefused(
                f"{name}: the zip unpacks to {declared:,} bytes, over the limit of {max_bytes:,}"
            )
        members = []
        total = 0
        for info in infos:
            # Declared sizes can lie (a zip bomb): count the bytes actually inflated.
            chunks = []
            with archive.open(info) as member:
                while chunk := member.read(1 << 16):
                    total += len(chunk)
                    if total > max_bytes:
                        raise ArchiveRefused(
                            f"{name}: the zip unpacks to more than the limit of {max_bytes:,} bytes"
                        )
                    chunks.append(chunk)
            content = b"".join(chunks)
            if content.startswith(NESTED_ARCHIVE_MAGIC):
                raise ArchiveRefused(f"{name}: '{info.filename}' is an archive inside the zip")
            members.append((f"{name}/{info.filename}", content))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise ArchiveRefused(f"{name}: not a readable zip archive ({error})") from None
    return members


def _zip_member_ignored(path: str) -> bool:
    """Folders that archivers add on their own (macOS resource forks, hidden files)."""
    parts = path.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith(".")


def _zip_member_outside(path: str) -> bool:
    path = path.replace("\\", "/")
    return (
        path.startswith("/") or re.match(r"^[A-Za-z]:", path) is not None or ".." in path.split("/")
    )


def files_expand(
    files: Iterable[tuple[str, bytes]], *, max_files: int, max_bytes: int
) -> Iterator[tuple[str, bytes | None, str]]:
    """(name, raw, refusal) for each story: zips opened, a refused zip yields its reason."""
    for name, raw in files:
        if not is_zip(name, raw):
            yield name, raw, ""
            continue
        try:
            members = zip_members(name, raw, max_files=max_files, max_bytes=max_bytes)
        except ArchiveRefused as refusal:
            yield name, None, str(refusal)
            continue
        for member_name, content in members:
            yield member_name, content, ""
