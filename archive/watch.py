"""The folder watcher: pages saved into watched folders are imported once they are complete.

watchdog reports what changes in the folders and below (inotify on Linux, FSEvents on macOS).
A page is imported once it is complete: quiet for ``settle`` seconds twice over (its size and
time unchanged between two looks, a moment apart) and, where the system says so (inotify),
closed by the program writing it. A browser's download in progress (``.crdownload``, ``.part``,
``.download``) is no page by its name: it is taken when renamed to one. The files of a
"Webpage, complete" save (``Page_files/``) count as part of their page, which waits for them;
a folder that comes after its page was imported takes the page again, and the import stores
the folder with its clipping (if it had none).

The watcher never deletes, moves or changes the files it watches. When it starts it imports
what arrived while it was not running: an import of the whole folders, through the same
pipeline as ``clippings import``. It knows what it has seen by content: the catalog holds the
SHA-256 of every page imported, so a page seen before is "already in the archive", whatever
its name or time. A file it could not import is told of once: the catalog keeps its size and
time (``watch_failures``), and it is tried again only once it changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .models import ClippingsError
from .sources import (
    Candidate,
    candidates,
    format_for,
    page_candidate,
    page_of_asset,
    page_of_files_folder,
    shown,
)

if TYPE_CHECKING:
    from .api import Archive
    from .importer import ImportProgress
    from .models import ImportReport

# seconds a page must stay unchanged (looked at twice) before it is imported: a browser writes
# a page in well under a second; a page written in bursts a moment apart is taken whole
SETTLE_SECONDS = 1.5
# seconds after which a file still open for writing is taken anyway (a writer that never
# closes it, or a close the system did not report)
LONGEST_WRITE = 60.0
TICK = 0.2  # seconds between two looks at what is due


@dataclass
class WatchEvent:
    """What became of one page the watcher took."""

    path: str
    outcome: str  # imported | version | present | files (its files folder added) | failed
    id: int | None = None
    reason: str = ""
    folder: str = ""  # files: the page's files folder, now stored with it...
    files: int = 0  # ... and how many files it holds

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "path": self.path,
            "outcome": self.outcome,
            "id": self.id,
            "reason": self.reason,
        }
        if self.outcome == "files":
            found.update(folder=self.folder, files=self.files)
        return found


@dataclass
class CaughtUp:
    """What the import at start found: pages already in the archive, and files that failed
    before and are unchanged (not tried again)."""

    present: int = 0
    failed_before: int = 0


@dataclass
class _Page:
    """A page that changed and is not imported yet."""

    last: float  # when it (or its files folder) last changed
    # its files written to and not closed since (inotify tells when a writer closes a file)
    open: set[Path] = field(default_factory=set)
    stamp: tuple[int, int] | None = None  # its size and time when last looked at


def _stamp(page: Path) -> tuple[int, int] | None:
    """The size and latest time of a page and its files folder (None once it is gone; a
    page that is there but can't be read, a link in a loop, is taken: its import says why)."""
    try:
        stat = page.stat()
    except OSError:
        try:
            return (-1, page.lstat().st_mtime_ns)
        except OSError:
            return None
    size, latest = stat.st_size, stat.st_mtime_ns
    assets = page_candidate(page).assets
    if assets:
        for folder, _, files in os.walk(assets):
            for name in files:
                try:
                    inner = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                size, latest = size + inner.st_size, max(latest, inner.st_mtime_ns)
    return size, latest


def _stamp_text(path: Path) -> str | None:
    stamp = _stamp(path)
    return None if stamp is None else f"{stamp[0]}:{stamp[1]}"


def _is_page(path: Path) -> bool:
    return not path.name.startswith(".") and format_for(path) is not None


class _Changes(FileSystemEventHandler):
    """watchdog's events (on its thread) turned into pages waiting to settle."""

    def __init__(self, roots: list[Path], closes_reported: bool) -> None:
        self.roots = set(roots)
        self.lock = threading.Lock()
        self.pages: dict[Path, _Page] = {}
        self.closes_reported = closes_reported

    def on_any_event(self, event: FileSystemEvent) -> None:
        now = time.monotonic()
        if isinstance(event, (FileMovedEvent, DirMovedEvent)):
            self._forget(_path(event.src_path))
            self._changed(_path(event.dest_path), now, folder=event.is_directory)
        elif isinstance(event, FileDeletedEvent):
            self._forget(_path(event.src_path))
        elif isinstance(event, DirCreatedEvent):
            self._changed(_path(event.src_path), now, folder=True)
        elif isinstance(event, FileCreatedEvent):
            self._changed(_path(event.src_path), now)
        elif isinstance(event, FileModifiedEvent):
            self._changed(_path(event.src_path), now, writing=self.closes_reported)
        elif isinstance(event, FileClosedEvent):  # closed after writing (inotify)
            self._changed(_path(event.src_path), now, writing=False)
        # opened, closed without writing, attributes: no change to a page's bytes. (A file
        # made in a folder made a moment before may have been written before the folder was
        # watched: its creation is reported, its writes and close may not be.)

    def _through_link(self, path: Path) -> bool:
        """Whether ``path`` is reached through a link to a folder (not followed, as in an
        import: a link to a folder above would be a loop)."""
        for parent in path.parents:
            if parent in self.roots:
                return False
            if parent.is_symlink():
                return True
        return False

    def _changed(
        self, path: Path, now: float, *, writing: bool | None = None, folder: bool = False
    ) -> None:
        if self._through_link(path) or (folder and path.is_symlink()):
            return
        pages = [path] if _is_page(path) else []
        if folder:  # a folder moved in (or made): the pages in it, and its page if it is files
            pages = [Path(f, n) for f, _, names in os.walk(path) for n in names]  # (no links)
            pages = [p for p in pages if _is_page(p) and page_of_asset(p) is None]
        # a file in a page's files folder, or that folder itself (made, or moved in whole
        # after its page: the page is taken again, and its clipping given the folder)
        owner = page_of_asset(path) or (page_of_files_folder(path) if folder else None)
        if owner is not None:
            pages = [owner]
        with self.lock:
            for page in pages:
                state = self.pages.setdefault(page, _Page(now))
                state.last = now
                if writing:
                    state.open.add(path)
                elif writing is False:
                    state.open.discard(path)

    def _forget(self, path: Path) -> None:
        with self.lock:
            self.pages.pop(path, None)

    def due(self, settle: float) -> list[Path]:
        """The pages quiet for ``settle`` seconds, unchanged since the last look, and closed
        (taken off the waiting list)."""
        now = time.monotonic()
        ready: list[Path] = []
        with self.lock:
            waiting = [
                (page, state)
                for page, state in self.pages.items()
                if now - state.last >= settle
                and (not state.open or now - state.last >= LONGEST_WRITE)
            ]
        for page, state in waiting:
            stamp = _stamp(page)
            with self.lock:
                if self.pages.get(page) is not state or state.last > now:
                    continue  # changed meanwhile
                if stamp is None or stamp[0] == 0:
                    # gone; or empty: a browser's placeholder for a download in progress
                    # (Firefox's beside its .part), which the finished page replaces
                    del self.pages[page]
                elif stamp != state.stamp:
                    state.stamp, state.last = stamp, now  # look again a moment later
                else:
                    del self.pages[page]
                    ready.append(page)
        return sorted(ready)


def _placeholder(candidate: Candidate) -> bool:
    """Whether ``candidate`` is an empty file: a browser's placeholder for a download in
    progress (Firefox's beside its .part). Left alone at the start too: it failed there as an
    "empty file" but was passed over while watching."""
    if candidate.member or candidate.format is None:
        return False
    try:
        return candidate.path.is_file() and candidate.path.stat().st_size == 0
    except OSError:
        return False


def _path(raw: str | bytes) -> Path:
    return Path(os.fsdecode(raw))


class Stopped(Exception):
    """Raised (by the caller's signal handler) to stop a watcher that waits for the write
    lock: nothing is being written then, so it can end at once."""


class Watcher:
    """Watches ``folders`` and imports their pages into ``archive``, telling ``report`` what
    became of each as it happens. ``stop`` ends it: after the page under way when importing
    (what was imported is kept, the rest is imported at the next start)."""

    def __init__(
        self,
        archive: Archive,
        folders: list[Path],
        report: Callable[[WatchEvent], None],
        *,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self.archive = archive
        self.folders = [Path(f).expanduser().absolute() for f in folders]
        self.report = report
        self.settle = settle
        self.stop = threading.Event()
        self.waiting_for_lock = False  # another process writes: a stop can end it at once
        self.observer = Observer()
        # inotify says when a writer closes a file: a page still open is not complete
        self.changes = _Changes(
            self.folders, closes_reported=type(self.observer).__name__ == "InotifyObserver"
        )
        self.seen: dict[Path, tuple[int, int] | None] = {}  # pages imported, as they were then
        self.failed: dict[str, str] = {}  # files that failed, as they were then (the catalog's)
        self._failed_now: dict[str, str] = {}  # ... in the import under way
        self._imported_now: list[str] = []
        self._quiet_present = False

    def run(
        self,
        stop: threading.Event | None = None,
        *,
        on_start: Callable[[], None] | None = None,
        on_caught_up: Callable[[CaughtUp], None] | None = None,
    ) -> None:
        """Import what arrived while not running, then what arrives, until ``stop`` (or
        ``self.stop``) is set. ``on_start`` hears when the folders are watched (before the
        first import), ``on_caught_up`` what that import found."""
        if stop is not None:
            self.stop = stop
        for folder in self.folders:
            self.observer.schedule(self.changes, str(folder), recursive=True)
        self.observer.start()  # before the first import: nothing saved meanwhile is missed
        try:
            if on_start:
                on_start()
            caught_up = self.catch_up()
            self.archive.start_merges()  # (what a closed command left unmerged)
            if on_caught_up and not self.stop.is_set():
                on_caught_up(caught_up)
            while not self.stop.wait(TICK):
                due = [p for p in self.changes.due(self.settle) if self.seen.get(p) != _stamp(p)]
                if due:
                    self._import_due(due)
        finally:
            self.observer.stop()
            self.observer.join()

    def catch_up(self) -> CaughtUp:
        """Import the folders as they are, but the files that failed before and have not
        changed since; returns what it found."""
        self.failed = self.archive.watch_failures()
        todo: list[Candidate] = []
        unchanged: dict[str, str] = {}
        for candidate in candidates(self.folders):
            if _placeholder(candidate):
                continue  # left alone, as while watching: the finished page replaces it
            stamp = self.failed.get(candidate.source)
            if stamp is not None and stamp == _stamp_text(Path(candidate.source)):
                unchanged[candidate.source] = stamp
            else:
                todo.append(candidate)
        self._quiet_present = True  # (not a line each: they are most of a folder)
        try:
            report = self._import(todo, paths=self.folders)
        finally:
            self._quiet_present = False
        if report is not None and not self.stop.is_set():
            # what failed now, and what failed before and is still there as it was
            self._remember({**unchanged, **self._failed_now}, only=True)
        present = len(report.already_present) if report else 0
        return CaughtUp(present, len(unchanged))

    def _import(
        self, todo: list[Path] | list[Candidate], paths: list[Path] | None = None
    ) -> ImportReport | None:
        # a page with its files folder; a folder, or a container of pages (a zip, a WARC), opened
        given = [
            page_candidate(p) if isinstance(p, Path) and format_for(p) == "html" else p
            for p in todo
        ]
        self._failed_now, self._imported_now = {}, []
        try:
            report = self.archive.import_paths(
                given,
                progress=self._event,
                waiting=self._waiting,
                stop=self.stop.is_set,
                remember=False,  # (it keeps its own: ``remember_watch_failures``)
            )
        except ClippingsError as error:  # the archive can't be written: say so, go on watching
            for path in paths or todo:
                source = path.source if isinstance(path, Candidate) else path
                self.report(WatchEvent(shown(source), "failed", reason=str(error)))
            return None
        finally:
            self.waiting_for_lock = False
        for path in todo:
            if isinstance(path, Path) and not path.is_dir():
                self.seen[path] = _stamp(path)
        return report

    def _import_due(self, due: list[Path]) -> None:
        """Import pages that arrived or changed, and keep what failed."""
        if self._import(due) is None:  # (stopped meanwhile: what it did is still true)
            return
        forget = [source for source in self._imported_now if source in self.failed]
        if self._failed_now or forget:
            self._remember(self._failed_now, forget)

    def _remember(
        self, failed: dict[str, str], forget: list[str] | None = None, *, only: bool = False
    ) -> None:
        try:
            self.archive.remember_watch_failures(failed, forget or [], only=only)
        except ClippingsError:  # the archive can't be written: they are told again next time
            return
        if only:
            self.failed = {}
        for source in forget or []:
            self.failed.pop(source, None)
        self.failed.update(failed)

    def _waiting(self) -> None:
        self.waiting_for_lock = True
        if self.archive.on_wait:
            self.archive.on_wait()

    def _event(self, event: ImportProgress) -> None:
        """One file of an import done: reported as it happens. (An import also tells of the
        index catching up first: those events have no outcome.)"""
        self.waiting_for_lock = False
        if not hasattr(event, "outcome"):
            return
        source = shown(event.path)
        if event.outcome == "failed":
            stamp = _stamp_text(event.path)
            if stamp is not None:
                self._failed_now[str(event.path)] = stamp
        elif event.outcome in ("imported", "present", "duplicate"):
            self._imported_now.append(str(event.path))
        if event.outcome == "imported":
            outcome = "version" if event.version else "imported"
            self.report(WatchEvent(source, outcome, event.clipping_id))
        elif event.files_added:  # a page there already, its files folder arrived after it
            folder, files = event.files_folder, event.files_added
            self.report(WatchEvent(source, "files", event.clipping_id, folder=folder, files=files))
        elif event.outcome in ("present", "duplicate") and not self._quiet_present:
            self.report(WatchEvent(source, "present", event.clipping_id))
        elif event.outcome == "failed":
            self.report(WatchEvent(source, "failed", reason=event.reason))
