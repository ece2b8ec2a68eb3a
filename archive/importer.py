"""The import pipeline: files → saved pages → articles → originals + catalog → index.

Extraction runs in worker processes (``jobs``, default: every core). A worker reads a page,
hashes it, skips it if the catalog already has those bytes (writing its original back if the
stored copy is missing or damaged, and storing the ``Page_files/`` folder met with it if its
clipping has none, for the main process to attach), stores the original (atomic and
content-addressed, so two workers never clash) and extracts the article. The main process
takes the results in file order, so ids follow it whatever the number of workers; only a
bounded window of pages is in flight, so memory stays flat however many files there are.

Order of writes, so that a kill at any point loses nothing: the original first (atomic: see
``Originals.put``), then the catalog row (committed every ``BATCH`` clippings, with a note in
the catalog's journal that the index lacks it), then the index (committed every ``INDEX_EVERY``
clippings or ``INDEX_SECONDS``; the journal is cleared in the next catalog transaction). The
index is derived data: ``Archive`` brings it in step with the catalog from the journal when it
next opens. Running the same import again skips what is stored and finishes the rest. The
named points of ``archive.crashpoints`` are where the crash-safety tests kill an import.

A failed write to the archive (a full disk, a read-only folder) ends the import with an
``ArchiveWriteError``: the clippings recorded so far are committed if the catalog can still take
them, and nothing half-written is left behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from .children import WORKERS_FROM, born_deaf, context, cores, exit_with_parent
from .crashpoints import crash_point
from .extract import extract
from .index import Index
from .models import (
    ArchiveWriteError,
    Article,
    ClippingsError,
    ImportFailure,
    ImportReport,
    now_iso,
)
from .neardup import NearDuplicates, signature
from .sources import Candidate, candidates, read_page, shown
from .sources.assets import count as count_assets
from .sources.assets import pack as pack_assets
from .store import Catalog, Originals, sha256_of

BATCH = 50  # catalog rows per transaction...
# ...or fewer, once files done wait this long to be told: the progress bar and ``watch`` move
# while pages stream in slowly, or while a folder imported before is skipped page after page
# (those add no rows at all)
TELL_SECONDS = 0.2
INDEX_EVERY = 1000  # index commits: every so many new clippings...
INDEX_SECONDS = 30.0  # ...or so many seconds, so that searches see an import progress
WINDOW_PER_JOB = 4  # pages in flight per worker


@dataclass(frozen=True)
class ImportProgress:
    """Sent after each file: how far the import is, and what happened to that file."""

    done: int
    total: int
    path: Path
    outcome: str  # imported | present | duplicate | failed | skipped
    reason: str = ""  # why it failed, or was skipped
    clipping_id: int | None = None  # the clipping's id: the new one, or the one there already
    version: bool = False  # imported as a new version of a page saved before (same URL)
    restored: bool = False  # present, and its stored original (missing or damaged) written back
    # a page there already, stored without its Page_files/ folder: how many files of that
    # folder are now stored with it (0: none added), and the folder
    files_added: int = 0
    files_folder: str = ""


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class Prepared:
    """What a worker makes of one file (its original already stored when ``outcome`` is new)."""

    outcome: str  # new | present | failed | skipped
    source: str
    sha256: str = ""
    article: Article | None = None
    page_url: str | None = None
    page_saved: str | None = None
    reason: str = ""
    signature: bytes | None = None  # MinHash of the text (near-duplicates)
    assets_sha256: str | None = None  # the stored zip of its Page_files/ folder
    assets_folder: str = ""  # ... that folder, and how many files it holds
    assets_files: int = 0
    restored: bool = False  # present, and its original (or files folder) written back


def default_jobs() -> int:
    return cores()


def import_paths(
    paths: Iterable[str | Path | Candidate],
    *,
    originals: Originals,
    catalog: Catalog,
    index: Index,
    progress: ProgressCallback | None = None,
    jobs: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import ``paths`` (files and folders) into the archive; failures are reported per file.
    When ``stop`` says so (asked after each file), the import ends there, what it did kept.

    The caller holds the archive's write lock, with the index in step with the catalog (see
    ``Archive.import_paths``); raises ``ArchiveWriteError`` when the archive can't be written.
    """
    given = list(paths)
    # what to import (files and folders listed; candidates made by the caller, an upload):
    # the pages themselves are read as they go
    todo = [p for p in given if isinstance(p, Candidate)]
    todo += candidates(p for p in given if not isinstance(p, Candidate))
    report = ImportReport()
    jobs = 1 if len(todo) < WORKERS_FROM else max(1, jobs or default_jobs())
    near = _Near(catalog)
    seen: dict[str, int] = {}  # hashes stored by this import → their ids
    pending: list[int] = []  # new clippings for the index
    retired: list[int] = []  # clippings that became older versions: out of the index
    with ExitStack() as stack:
        feed = stack.enter_context(_IndexFeed(index, catalog, procs=cores() if jobs > 1 else 1))
        results = stack.enter_context(_Prepare(todo, jobs, originals, catalog))
        untold: list[ImportProgress] = []  # the files since the last commit
        committed = time.monotonic()
        catalog.db.execute("BEGIN IMMEDIATE")
        try:
            for done, (candidate, prepared) in enumerate(results, 1):
                versions, added = len(report.versions), len(report.files_added)
                outcome, clipping_id = _record(prepared, catalog, report, seen, pending, retired)
                if outcome == "imported" and prepared.signature:
                    near.check(prepared, clipping_id, report)
                if progress:
                    reason = prepared.reason if outcome in ("failed", "skipped") else ""
                    # its files folder, stored now with the page there already (if it was)
                    folder, files = (
                        report.files_added[-1][2:] if added < len(report.files_added) else ("", 0)
                    )
                    event = ImportProgress(
                        done,
                        len(todo),
                        Path(candidate.source),
                        outcome,
                        reason,
                        clipping_id,
                        version=len(report.versions) > versions,
                        restored=outcome == "present" and prepared.restored,
                        files_added=files,
                        files_folder=folder,
                    )
                    # told once the rows before it are committed: a page said imported is
                    # (a kill before the commit imports it again at the next run, and
                    # ``watch`` had said so too early); the files in order, as they came
                    untold.append(event)
                waited = untold and time.monotonic() - committed >= TELL_SECONDS
                if len(pending) >= BATCH or waited:
                    _commit(catalog, feed, pending, retired)
                    _tell(progress, untold)
                    committed = time.monotonic()
                if stop is not None and stop():
                    break
            _commit(catalog, feed, pending, retired, last=True)
            _tell(progress, untold)
        except ArchiveWriteError:
            # keep the clippings recorded so far (their originals are stored), if the catalog
            # and the index can still take them; else the catalog's transaction is rolled back
            # (the next import takes them in) or its journal names what the index lacks
            with contextlib.suppress(sqlite3.Error, OSError, ClippingsError):
                _commit(catalog, feed, pending, retired, last=True)
                _tell(progress, untold)
                feed.finish()
                with catalog.transaction():
                    catalog.mark_indexed()
            raise
        finally:
            if catalog.db.in_transaction:
                catalog.db.execute("ROLLBACK")
    # every index commit is done: the journal holds nothing the index lacks (the write lock
    # is held, and the index was in step when the import began)
    with catalog.transaction():
        catalog.mark_indexed()
    return report


def _tell(progress: ProgressCallback | None, untold: list[ImportProgress]) -> None:
    """Send the events of the files whose rows were just committed."""
    if progress:
        for event in untold:
            progress(event)
    untold.clear()


def _record(
    prepared: Prepared,
    catalog: Catalog,
    report: ImportReport,
    seen: dict[str, int],
    pending: list[int],
    retired: list[int],
) -> tuple[str, int | None]:
    """Write what a worker prepared into the catalog; returns the outcome for progress."""
    source = prepared.source
    if prepared.outcome == "skipped":
        report.skipped.append(source)
        if prepared.reason == "unknown file type":
            report.unknown.append(source)
        return "skipped", None
    if prepared.outcome == "failed":
        report.failed.append(ImportFailure(source, prepared.reason))
        return "failed", None
    if prepared.sha256 in seen:  # the same bytes twice in this import
        report.duplicates.append(source)
        _add_files(prepared, seen[prepared.sha256], catalog, report)
        return "duplicate", seen[prepared.sha256]
    present = catalog.id_for_hash(prepared.sha256)
    if prepared.outcome == "present" or present is not None:
        report.already_present.append(source)
        if present is not None:
            report.present_ids.append((source, present))
            if prepared.restored:
                report.restored.append((source, present))
            _add_files(prepared, present, catalog, report)
        return "present", present
    assert prepared.article is not None
    crash_point("catalog.before")
    try:
        clipping_id = catalog.add(
            sha256=prepared.sha256,
            source=source,
            # when the page was saved, if its file says (SingleFile, WARC, MHTML); else now
            saved=prepared.page_saved or now_iso(),
            article=prepared.article,
            page_url=prepared.page_url,
            page_saved=prepared.page_saved,
            assets_sha256=prepared.assets_sha256,
        )
    except (UnicodeError, ValueError, OverflowError, sqlite3.InterfaceError) as error:
        # a value SQLite cannot take (nothing was written): this page fails, the import goes on
        reason = f"can't be stored in the catalog ({type(error).__name__})"
        report.failed.append(ImportFailure(source, reason))
        return "failed", None
    crash_point("catalog.during")
    seen[prepared.sha256] = clipping_id
    report.imported.append(clipping_id)
    url = prepared.article.url
    older = catalog.current_for_url(url, other_than=clipping_id) if url else None
    if older is not None:
        # the same page saved again: one clipping, the newest save current, the other kept
        # as an older version (reachable by its id and from ``versions``)
        newer = (prepared.page_saved or now_iso()) >= catalog.saved_at(older)
        if newer and prepared.article.whole_page and not catalog.is_whole_page(older):
            # a later save in which no article is found (cut short, an error or a paywall
            # page) does not take the place of one that reads as the article: both are kept
            newer = False
        if newer:
            report.versions.append((source, clipping_id, clipping_id))
            catalog.supersede(older, clipping_id)
            retired.append(older)
        else:
            report.versions.append((source, clipping_id, older))
            catalog.supersede(clipping_id, older)
            return "imported", clipping_id
    pending.append(clipping_id)
    return "imported", clipping_id


def _add_files(
    prepared: Prepared, clipping_id: int, catalog: Catalog, report: ImportReport
) -> None:
    """A page there already, met again with its ``Page_files/`` folder (stored by the worker,
    content-addressed, before the catalog points at it): the clipping takes that folder when
    it has none (one it has is never replaced)."""
    if prepared.assets_sha256 and catalog.set_assets(clipping_id, prepared.assets_sha256):
        report.files_added.append(
            (prepared.source, clipping_id, prepared.assets_folder, prepared.assets_files)
        )


class _Near:
    """Near-duplicate lookups, the archive's signatures loaded on the first new clipping."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.index: NearDuplicates | None = None

    def check(self, prepared: Prepared, clipping_id: int, report: ImportReport) -> None:
        assert prepared.signature is not None and prepared.article is not None
        if self.index is None:
            self.index = NearDuplicates(self.catalog.signatures())
        versions = set(self.catalog.versions(clipping_id))  # a new save of a page is no news
        like = [i for i in self.index.like(prepared.signature) if i not in versions]
        if like:
            report.near_duplicates.append((prepared.source, clipping_id, like))
        self.index.add(clipping_id, prepared.signature)
        self.catalog.set_signature(clipping_id, prepared.signature)


def _commit(
    catalog: Catalog, feed: _IndexFeed, pending: list[int], retired: list[int], last: bool = False
) -> None:
    catalog.db.execute("COMMIT")
    crash_point("catalog.after")
    feed.add(pending, retired)
    pending.clear()
    retired.clear()
    if not last:
        catalog.db.execute("BEGIN IMMEDIATE")
        # first in the transaction, before anything in it marks a clipping changed again:
        # the clippings whose every change the index has now committed
        catalog.mark_indexed(feed.take_committed())


# -- the work of one file (in a worker process, or inline) ------------------------------------

_worker_catalog: sqlite3.Connection | None = None


def _start_worker(catalog_path: str) -> None:
    """A worker's start: it ends with its import, and reads the catalog to skip known pages."""
    exit_with_parent()
    global _worker_catalog
    _worker_catalog = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True, timeout=30.0)


@dataclass(frozen=True)
class Known:
    """A page the catalog has already (by its hash): the hash of its stored ``Page_files/``
    folder, None when it has none (a folder met with the page now is then stored for it)."""

    assets_sha256: str | None = None

    @staticmethod
    def lookup(db: sqlite3.Connection, sha256: str) -> Known | None:
        """What the catalog ``db`` knows of the page ``sha256``: None when it has no such page."""
        row = db.execute("SELECT assets_sha256 FROM clippings WHERE sha256 = ?", (sha256,))
        found = row.fetchone()
        return None if found is None else Known(found[0])


def _known_in_worker(sha256: str) -> Known | None:
    return None if _worker_catalog is None else Known.lookup(_worker_catalog, sha256)


def prepare(
    candidate: Candidate,
    originals_root: str,
    known: Callable[[str], Known | None] | None = None,
) -> Prepared:
    """Read, hash, store and extract one candidate; never raises."""
    source = candidate.source
    if candidate.format is None:
        return Prepared("skipped", source, reason=candidate.reason)
    try:
        page = read_page(candidate)
        if candidate.url and not page.url:
            page = replace(page, url=candidate.url)
        sha = sha256_of(page.stored)
        originals = Originals(Path(originals_root))
        there = (known or _known_in_worker)(sha)
        if there is not None:
            return _present(originals, page.source, page.stored, sha, candidate, there)
        article = extract(page)
        assets, files = _store_assets(originals, candidate.assets)
        originals.put(page.stored, sha)
    except ArchiveWriteError:
        raise  # the archive can't be written: not this page's fault, the import ends
    except ClippingsError as error:
        return Prepared("failed", source, reason=str(error))
    except Exception as error:  # a bug or a parser's surprise: name it, go on with the batch
        detail = (str(error).strip().splitlines() or [""])[0][:120]
        reason = f"unexpected {type(error).__name__}" + (f": {detail}" if detail else "")
        return Prepared("failed", source, reason=reason)
    return Prepared(
        "new",
        page.source,
        sha,
        article,
        page_url=page.url,
        page_saved=_iso_utc(page.saved),
        signature=signature(article.text),
        assets_sha256=assets,
        assets_folder=shown(candidate.assets) if assets else "",
        assets_files=files,
    )


def _present(
    originals: Originals, source: str, stored: bytes, sha: str, candidate: Candidate, known: Known
) -> Prepared:
    """A page the archive has, imported again. Its original is written back if the stored
    copy is missing or damaged (these bytes hash to it). Its ``Page_files/`` folder, when it
    comes with it: stored now if the clipping has none (whole on disk before the catalog
    points at it: ``_add_files``), else its zip written back, if lost, when the folder packs
    to the same bytes again. ``restored`` when an original or zip was written back."""
    restored = originals.write_back(stored, sha, hashed=True)  # (``sha`` is of ``stored``)
    if candidate.assets and known.assets_sha256 is None:
        assets, files = _store_assets(originals, candidate.assets)
        folder = shown(candidate.assets)
        return Prepared(
            "present",
            source,
            sha,
            assets_sha256=assets,
            assets_folder=folder,
            assets_files=files,
            restored=restored,
        )
    expected = known.assets_sha256
    if candidate.assets and expected and originals.state(expected) != "intact":
        with contextlib.suppress(ClippingsError):  # a folder too large now: the page is there
            if originals.write_back(pack_assets(Path(candidate.assets)), expected):
                restored = True
    return Prepared("present", source, sha, restored=restored)


def _store_assets(originals: Originals, folder: str) -> tuple[str | None, int]:
    """A page's ``Page_files/`` folder stored as one zip (if it has one): its hash, and how
    many files it holds."""
    if not folder:
        return None, 0
    packed = pack_assets(Path(folder))
    return originals.put(packed), count_assets(packed)


def _iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class _Prepare:
    """The candidates, prepared in order: inline for one job, else in a process pool with a
    bounded window of pages in flight."""

    def __init__(
        self, todo: list[Candidate], jobs: int, originals: Originals, catalog: Catalog
    ) -> None:
        self.todo = todo
        self.jobs = jobs
        self.originals = originals
        self.catalog = catalog
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Iterator[tuple[Candidate, Prepared]]:
        if self.jobs == 1:
            root = str(self.originals.root)
            return ((c, prepare(c, root, self._known_in_catalog)) for c in self.todo)
        return self._parallel()

    def _known_in_catalog(self, sha256: str) -> Known | None:
        return Known.lookup(self.catalog.db, sha256)

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        # not a fork of this process: it would inherit its open index lock and catalog
        self.pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context(),
            initializer=_start_worker,
            initargs=(str(self.catalog.path),),
        )
        return self.pool

    def _parallel(self) -> Iterator[tuple[Candidate, Prepared]]:
        root = str(self.originals.root)
        pool = self._new_pool()
        waiting = iter(self.todo)
        in_flight: deque[tuple[Candidate, Future[Prepared]]] = deque()

        def submit(candidate: Candidate) -> None:
            with born_deaf():  # (the pool starts its workers in ``submit``)
                in_flight.append((candidate, pool.submit(prepare, candidate, root)))

        for candidate in waiting:
            submit(candidate)
            if len(in_flight) >= self.jobs * WINDOW_PER_JOB:
                break
        breaks, worked = 0, False
        while in_flight:
            candidate, future = in_flight.popleft()
            try:
                prepared = future.result()
                breaks, worked = 0, True
            except BrokenProcessPool:  # a worker died (a crash in a parser, out of memory)
                breaks += 1
                prepared = Prepared(
                    "failed", candidate.source, reason="the extractor crashed on this page"
                )
                again = [c for c, _ in in_flight]
                in_flight.clear()
                if breaks > 1 or not worked:  # workers can't run here: go on in this process
                    rest = [*again, *waiting] if worked else [candidate, *again, *waiting]
                    if worked:
                        yield candidate, prepared
                    known = self._known_in_catalog
                    for other in rest:
                        yield other, prepare(other, root, known)
                    return
                pool = self._new_pool()
                for other in again:
                    submit(other)
            following = next(waiting, None)
            if following is not None:
                submit(following)
            yield candidate, prepared


class _IndexFeed:
    """Adds clippings to the index as their catalog rows commit (the indexing overlaps the
    extraction), committing every ``INDEX_EVERY`` clippings or ``INDEX_SECONDS``.

    Whoosh deletes only committed documents: a clipping that becomes an older version while
    still in the open writer is taken out right after that writer commits."""

    def __init__(self, index: Index, catalog: Catalog, procs: int = 1) -> None:
        self.index = index
        self.catalog = catalog
        self.procs = procs
        self.stack: ExitStack | None = None
        self.writer: object | None = None
        self.count = 0
        self.started = 0.0
        self.buffered: set[int] = set()  # added since the last commit
        self.deleted: set[int] = set()  # taken out since the last commit
        self.later: set[int] = set()  # to take out once they are committed
        self.committed: list[int] = []  # in the index since the catalog was last told

    def take_committed(self) -> list[int]:
        """The clippings the index has taken since the last call (for the catalog's journal)."""
        committed, self.committed = self.committed, []
        return committed

    def __enter__(self) -> _IndexFeed:
        return self

    def add(self, ids: list[int], retired: list[int]) -> None:
        gone = set(retired)
        ids = [i for i in ids if i not in gone]  # an older version from this very batch
        if not ids and not retired:
            return
        if self.writer is None:
            self.stack = ExitStack()
            self.writer = self.stack.enter_context(self.index.writer(procs=self.procs))
            self.count, self.started = 0, time.monotonic()
        for clipping in self.catalog.get_many(ids):
            self.writer.add(clipping)
            self.buffered.add(clipping.id)
        for clipping_id in retired:
            if clipping_id in self.buffered:
                self.later.add(clipping_id)
            else:
                self.writer.delete(clipping_id)
                self.deleted.add(clipping_id)
        self.count += len(ids)
        if self.count >= INDEX_EVERY or time.monotonic() - self.started > INDEX_SECONDS:
            self._close()

    def _close(self, *exc: object) -> None:
        if self.stack is not None:
            stack, self.stack, self.writer = self.stack, None, None
            done = (self.buffered - self.later) | self.deleted
            self.buffered, self.deleted = set(), set()
            stack.__exit__(*(exc or (None, None, None)))
            if not any(exc):
                self.committed.extend(done)
        if self.later and not any(exc):
            with self.index.writer() as writer:
                for clipping_id in self.later:
                    writer.delete(clipping_id)
            self.committed.extend(self.later)
            self.later.clear()

    def finish(self) -> None:
        """Commit what the index has been given (before the end of an import that fails)."""
        self._close()

    def __exit__(self, *exc: object) -> None:
        # on an error the writer is cancelled: the archive brings the index in step on open
        self._close(*exc)
