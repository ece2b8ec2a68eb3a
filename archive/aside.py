"""What a killed restore or backup left beside its target: an archive moved aside, put back;
temporary files and folders of a run long over, swept away.

A restore over an archive (``restore --force``) moves the archive aside into a hidden folder
beside it (``.NAME.replaced-XXXX/NAME``), renames the restored one into its place, then deletes
the one aside. A kill between the two renames would leave no archive at ``NAME``, and the next
command would start a new, empty one there: ``put_back`` moves the archive aside back first.
An archive aside is never deleted here: when a restore was killed after the second rename, the
one aside is the archive it replaced, which only costs disk.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

# a restore's or a backup's temporary files untouched for this long (seconds) are those of a
# run that was killed: no run takes a day, and a newer one may be a run under way
STALE_SECONDS = 24 * 3600


def aside_prefix(folder: Path) -> str:
    """The name's start of the hidden folder a restore moves the archive ``folder`` into."""
    return f".{folder.name}.replaced-"


def restoring_prefix(folder: Path) -> str:
    """The name's start of the hidden folder a restore into ``folder`` unpacks into."""
    return f".{folder.name}.restoring-"


def put_back(folder: Path) -> Path | None:
    """The archive a killed restore moved aside from ``folder``, moved back when nothing took
    its place (``folder`` missing or empty); returns where it was, or None."""
    try:
        if folder.is_dir() and any(folder.iterdir()):
            return None
        found = [
            place / folder.name
            for place in folder.parent.glob(f"{aside_prefix(folder)}*")
            if (place / folder.name / "catalog.sqlite3").is_file()
        ]
        if not found:
            return None
        latest = max(found, key=lambda path: path.stat().st_mtime)
        if folder.is_dir():
            folder.rmdir()
        os.rename(latest, folder)
        latest.parent.rmdir()
    except OSError:  # it stays where it is: the next command tries again
        return None
    # what that restore had unpacked (its backup file still holds it)
    sweep(folder.parent, f"{restoring_prefix(folder)}*", stale=0)
    return latest


def sweep(parent: Path, pattern: str, *, stale: float = STALE_SECONDS) -> int:
    """Delete the files and folders in ``parent`` matching ``pattern`` untouched for ``stale``
    seconds (those of runs that were killed); returns how many."""
    limit = time.time() - stale
    swept = 0
    for path in parent.glob(pattern):
        try:
            if path.lstat().st_mtime > limit:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            swept += 1
        except OSError:
            continue
    return swept
