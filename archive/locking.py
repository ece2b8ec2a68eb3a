"""One writer at a time per archive, across processes; readers never wait.

Every write to an archive (an import, a reindex, ``check --repair``, a tag, a note, a delete)
holds an advisory lock on the archive's ``import.lock`` file. A second writer waits for it,
saying so once (or, told not to wait, gets ``ArchiveBusy`` at once: the terminal UI, which
must not freeze). Readers take no lock: SQLite's WAL mode and Whoosh's immutable segments let
a search run beside a write. The OS releases the lock when its holder dies, even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .models import ArchiveBusy

LOCK_FILE = "import.lock"  # (its name from when only imports took it; backups know it)
BUSY = "another import is running in this archive"


@contextlib.contextmanager
def exclusive_lock(
    path: Path, on_wait: Callable[[], None] | None = None, *, wait: bool = True
) -> Iterator[None]:
    """Hold an advisory lock on ``path`` across processes. If another holds it: call
    ``on_wait`` once and wait for it, or raise ``ArchiveBusy`` when not ``wait``."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the index writer's own lock still keeps writes apart
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise ArchiveBusy(f"{BUSY}: try again when it is done") from None
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
