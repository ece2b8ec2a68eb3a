"""What a failed write to the archive means, in one line: a full disk, a read-only folder.

The operating system says ``[Errno 28] No space left on device`` and SQLite says ``database or
disk is full``; a user is told ``can't write to the archive: the disk is full (FOLDER)``, and
that what was committed before stays (see ``archive.importer`` for the order of writes).
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .models import ArchiveWriteError

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "it is on a read-only file system",
    errno.EACCES: "no permission to write in it",
    errno.EPERM: "no permission to write in it",
}
# failures that can only come from writing (reading a saved page never fills a disk)
_WRITE_ONLY = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
_SQLITE_REASONS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "it is read-only",
    "SQLITE_CANTOPEN": "its catalog can't be opened for writing",
    "SQLITE_IOERR": "a disk error",
}


def write_error(error: OSError, where: Path | str) -> ArchiveWriteError:
    """``error``, raised writing ``where`` in the archive, as one line for the user."""
    reason = _REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()
    return ArchiveWriteError(f"can't write to the archive: {reason} ({where})")


def as_write_error(error: BaseException, archive: Path) -> ArchiveWriteError | None:
    """``error`` as an ``ArchiveWriteError`` when it is a failed write to the archive at
    ``archive``: the catalog's (any SQLite error but a busy one), or the index's or an
    original's (an ``OSError`` naming a file in the archive, or one only writes raise)."""
    if isinstance(error, ArchiveWriteError):
        return error
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        reason = next((r for code, r in _SQLITE_REASONS.items() if name.startswith(code)), None)
        if reason is None:
            return None
        return ArchiveWriteError(f"can't write to the archive: {reason} ({archive})")
    if isinstance(error, OSError):
        filename = str(error.filename or "")
        inside = bool(filename) and _is_inside(Path(filename), archive)
        if error.errno in _WRITE_ONLY or (inside and error.errno in _REASONS):
            return write_error(error, archive)
    return None


@contextlib.contextmanager
def translated(archive: Path) -> Iterator[None]:
    """Turn a failed write to the archive at ``archive`` into an ``ArchiveWriteError``."""
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        found = as_write_error(error, archive)
        if found is None or found is error:
            raise
        raise found from error


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True
