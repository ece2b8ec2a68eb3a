"""Child processes (extraction workers, index sub-writers): how they start, how many, and
that they end when their parent dies, not of the signals meant for it."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Iterator

# After a kill -9 of an import, multiprocessing's resource tracker (a process of its own, which
# outlives it) cleans up the semaphores of its queues and warns of them on the user's terminal:
# Python's words, about nothing lost. It is started with the interpreter's -W options.
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"
if _QUIET_TRACKER not in sys.warnoptions:
    sys.warnoptions.append(_QUIET_TRACKER)


# A child starts as a fork of a "fork server": a process started fresh, as "spawn" starts
# each child (nothing of this one is inherited: not its locks, its catalog, its threads),
# which has loaded once what every child would load before its first page (``archive.warm``:
# the extractor and its models, the index writer; 1.5 s of CPU a child). It lives as long as
# this process, so the next import of a long-lived one (``watch``, ``serve``) starts at once.
_WARM_MODULE = "archive.warm"


# an import of fewer pages extracts them in its own process: workers would cost more to start
WORKERS_FROM = 8


def context() -> multiprocessing.context.BaseContext:
    """The way to start children: a fork of the warm fork server, or where a system has
    none (Windows), a new interpreter for each."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload([_WARM_MODULE])
    return forkserver


def start_early() -> None:
    """Start the fork server now, where there is one: its warm-up (1.3 s) then runs beside
    what this process does first (loading its own modules, opening the archive, listing the
    files) rather than after it, when the first worker is asked for. For a command that will
    most likely start workers: an import of a folder or of many files."""
    if context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with born_deaf():  # as if started by the first worker's start (``born_deaf``)
        forkserver.ensure_running()


def cores() -> int:
    """The cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def exit_with_parent() -> None:
    """End this child process when the process that started it dies (SIGKILL, a crash): a
    queue never tells a child so when the child holds its writing end too, and killed imports
    left their workers waiting forever. What a child writes is atomic (an original renamed
    into place once whole; an index segment that no commit lists is deleted by the next), so
    ending it at any moment loses nothing."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    # Ctrl+C (and a service manager's SIGTERM) reach every process of the group: the parent
    # decides what they mean (stop after the page under way, or end, which ends this one);
    # a child that died of them would be a broken pool and a page reported as crashed
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_IGN)

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


_tracker_started_in = 0  # the process that started multiprocessing's resource tracker


def _start_tracker() -> None:
    global _tracker_started_in
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    _tracker_started_in = os.getpid()


@contextlib.contextmanager
def born_deaf() -> Iterator[None]:
    """Start child processes inside this: they are born with Ctrl+C and SIGTERM blocked (a
    child inherits its parent's blocked signals, through ``exec`` too), until
    ``exit_with_parent`` ignores them. A Ctrl+C in the moment a child was starting (its
    interpreter loading, before its first line) killed it, and an index commit failed; one
    while the fork server loaded the extractor (1.3 s) printed its traceback. In the parent,
    a signal that comes meanwhile waits the few milliseconds of the start.

    multiprocessing's resource tracker is started first (once a process: this wraps each
    page's hand-over to the pool, and asking it again is a write to it): its start unblocks
    both signals in this process, and the fork server started after it was born hearing
    them."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    if _tracker_started_in != os.getpid():
        _start_tracker()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
