"""A test hook: kill this process at a named point of a write, to prove that nothing is lost.

Only the crash-safety tests (``tests/test_crash.py``) set it::

    CLIPPINGS_CRASH_AT="catalog.during:3" clippings import ...

makes the third pass through ``crash_point("catalog.during")`` SIGKILL the process, as a power
cut or an out-of-memory kill would (no ``finally``, no ``atexit``). In a worker process of an
import, the import's main process is killed too. ``"catalog.during:3:stop"`` SIGSTOPs it
instead, there, holding its locks, until a SIGCONT (the locking tests). Unset (always, outside
those tests), the variable is read once when this module loads and ``crash_point`` returns at
once.

The points, in the order an import meets them for each page:

=====================  ===========================================================
``original.before``    an original is about to be written: nothing of it on disk
``original.during``    its temporary file holds half of its bytes
``original.synced``    its temporary file is whole and synced, not yet renamed
``original.after``     renamed into place under its hash
``catalog.before``     a clipping's row is about to be inserted
``catalog.during``     the row is inserted, the transaction not committed
``catalog.after``      the transaction is committed
``index.before``       documents are added to the index writer, not committed
``index.during``       the new segment is written, its table of contents not renamed
``index.after``        the index commit is done (the catalog not yet told)
``create.before_mark`` a new archive's bundled pages are in, it is not marked created
``restore.aside``      a restore moved the archive it replaces aside, the new one not in place
=====================  ===========================================================
"""

from __future__ import annotations

import os
import signal

ENV = "CLIPPINGS_CRASH_AT"


def _parse(value: str | None) -> tuple[str, int, signal.Signals] | None:
    """``point[:pass[:stop]]`` → the point, the pass and the signal."""
    if not value:
        return None
    name, count, action = [*value.split(":"), "", ""][:3]
    stop = action.strip() == "stop"
    return name.strip(), int(count or 1), signal.SIGSTOP if stop else signal.SIGKILL


_TARGET = _parse(os.environ.get(ENV))
_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill (or stop) this process on the pass through ``name`` that ``$CLIPPINGS_CRASH_AT``
    names; nothing when it is unset."""
    if _TARGET is None or _TARGET[0] != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] != _TARGET[1]:
        return
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # a worker: the import dies with it
        os.kill(os.getppid(), _TARGET[2])
    os.kill(os.getpid(), _TARGET[2])
