"""``Archive``: the library API that the command line and the terminal UI are thin layers over."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import aside, bundled, recovery, uploads
from .check import CheckReport, check_archive, original_problem
from .children import cores
from .crashpoints import crash_point
from .extract import extract
from .extract.clean import clean_block, clean_line
from .index import Index
from .index.query import parse as parse_query
from .index.snippets import lead
from .location import ARCHIVE_ENTRIES, archive_dir
from .locking import LOCK_FILE, exclusive_lock
from .models import (
    ArchiveWriteError,
    Clipping,
    ClippingsError,
    Hit,
    ImportFailure,
    ImportReport,
    SavedSearch,
    SearchResult,
    now_iso,
)
from .sources import Candidate, page_from_bytes
from .sources.assets import count as count_assets
from .sources.assets import unpack as unpack_assets
from .store import Catalog, Originals, sha256_of
from .write_errors import translated

if TYPE_CHECKING:  # the importer (and its MinHash library, 0.3 s to import) loads on first use
    from .backup import BackupReport, RestoreReport
    from .export import ExportReport
    from .importer import ProgressCallback

F = TypeVar("F", bound=Callable[..., Any])
# a rebuild of this many clippings or more is written on every core (see ``index.parallel``);
# for fewer, starting the processes costs more than they save
PARALLEL_REBUILD = 500

Facets = dict[str, list[tuple[str, int]]]


def _serialized(method: F) -> F:
    """Run ``method`` holding the archive's lock: one call at a time across threads."""

    @functools.wraps(method)
    def wrapper(self: Archive, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _writes(method: F) -> F:
    """Run ``method`` holding the archive's lock and its write lock (see ``Archive.writing``)."""

    @functools.wraps(method)
    def wrapper(self: Archive, *args: Any, **kwargs: Any) -> Any:
        with self._lock, self.writing():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _check_folder(path: Path) -> None:
    """Raise unless ``path`` is an archive, an empty or missing folder, or a folder a new
    archive's creation left: ``--archive`` given a folder of your files, or a file, by
    mistake would otherwise be filled with an archive's files."""
    if path.exists() and not path.is_dir():
        raise ClippingsError(f"{path} is a file, not an archive folder")
    if not path.is_dir() or (path / "catalog.sqlite3").exists():
        return
    try:
        foreign = [
            entry.name
            for entry in path.iterdir()
            if entry.name not in ARCHIVE_ENTRIES and not entry.name.startswith(".")
        ]
    except OSError:  # one it can't list: opening it says why
        return
    if foreign:
        first = min(foreign)
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise ClippingsError(
            f"{path} holds other files ({first}{more}), not an archive: give a new or empty "
            "folder for a new archive"
        )


class Archive:
    """An archive folder: originals, catalog and index, opened together.

    ``Archive.open()`` creates a new archive on first use and imports the bundled pages into it
    (the sample page becomes clipping 1). Use it as a context manager, or call ``close()``.

    One ``Archive`` may be shared by threads: its calls run one at a time. To search while an
    import runs, give the import an ``Archive`` of its own (as another process would have);
    the searching one sees the new clippings as each batch is committed.

    Writes (imports, reindexing, repairs, tags, notes, deletions) run one at a time across
    processes (see ``archive.locking``): a write waits for another process's, calling
    ``on_wait`` once, or with ``wait_for_writers`` false raises ``ArchiveBusy`` at once.
    A write the disk refuses (full, read-only) raises ``ArchiveWriteError``, the archive
    left consistent. An archive in a folder that can't be written opens ``read_only``: it
    can be searched and read, and each write raises ``ArchiveWriteError``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._writer: int | None = None  # the thread holding the write lock
        self.wait_for_writers = True
        self.on_wait: Callable[[], None] | None = None
        with translated(path):
            aside.put_back(path)  # an archive a killed restore moved aside, not replaced
            _check_folder(path)
            path.mkdir(parents=True, exist_ok=True)
            self.read_only = not os.access(path, os.W_OK)
            self.originals = Originals(path / "originals")
            self.catalog = Catalog(path / "catalog.sqlite3", read_only=self.read_only)
            self.index = Index(path / "index")

    # a catch-up of more clippings than this is not done when the archive opens: a search
    # would wait on it (seconds per hundred clippings; a new schema version's rebuild, minutes)
    SYNC_ON_OPEN = 200

    def _create(self) -> None:
        """Finish creating the archive: import the bundled pages (the sample first, clipping
        1), then mark it created, under the write lock. A creation a kill interrupted is
        finished by the next open, whichever command; of two processes creating one archive
        at once, the second waits and finds it done. An archive of clippings not marked
        created (made before the mark existed) is marked as it is (``check`` says if its
        sample is missing)."""
        with self.writing():
            if self.catalog.created():
                return
            if not self.catalog.ids(every_version=True):
                self.import_paths(bundled.pages(), jobs=1, remember=False)
            else:  # a killed creation's: what it left undone (its index commit, its journal)
                self._recover()
            crash_point("create.before_mark")
            with self.catalog.transaction():
                self.catalog.mark_created()

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, seed: bool = True, sync: bool = True
    ) -> Archive:
        """Open the archive at ``path`` (see ``archive.location``), creating it if needed.

        What a killed write left out of step is brought in step first (see ``recover``),
        unless ``sync`` is false (for ``check``, which reports it). An index behind by more
        than ``SYNC_ON_OPEN`` clippings is left so: searches answer from it as it is and say
        how many clippings it lacks (``unindexed``) until ``catch_up`` (``reindex --pending``,
        ``check --repair``, the next import, or the terminal UI) indexes them."""
        folder = archive_dir(path)
        archive = cls(folder)
        try:
            if seed and not archive.read_only and not archive.catalog.created():
                archive._create()
            elif sync:
                archive.recover(wait=False)
        except BaseException:
            archive.close()
            raise
        return archive

    def merging(self) -> bool:
        """Whether the index's segments are being merged after this process's last write (in
        a process of its own: searches go on, and see the merged index when it is done)."""
        return self.index.merging()

    @_serialized
    def start_merges(self) -> None:
        """Merge the index's segments in the background if some are due (what a closed
        command left unmerged): for a process that stays open, the TUI, ``watch``, ``serve``."""
        if not self.read_only:
            self.index.start_merges()

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Wait for that merge to end (a closing command: ``close`` would drop it, to be
        done after a later write); whether it has."""
        return self.index.wait_for_merges(timeout)

    @_serialized
    def close(self) -> None:
        """Close the index and the catalog, once any call in flight (a worker's) is done."""
        self.index.close()
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.catalog.count()

    @_serialized
    def get(self, clipping_id: int) -> Clipping:
        """The clipping with that id; raises ``NotFound``."""
        return self.catalog.get(clipping_id)

    @_serialized
    def changes(self) -> tuple[int, int]:
        """A value that changes whenever the catalog does, by a commit of this process or of
        another: a poll compares it with the last it saw before it reads anything (SQLite's
        ``data_version`` and this connection's ``total_changes``: no table is read)."""
        return self.catalog.changes()

    @_serialized
    def newest_id(self) -> int:
        """The highest clipping id yet (0: none). Ids only grow, whichever process adds a
        clipping: what came after it is ``added_since(newest_id)``."""
        return self.catalog.newest_id()

    @_serialized
    def added_since(self, clipping_id: int) -> list[int]:
        """The current clippings added after clipping ``clipping_id`` (by this process or
        another), oldest first: a range of the primary key, so asking costs nothing when none
        came."""
        return self.catalog.current_after(clipping_id)

    def clippings(self) -> Iterator[Clipping]:
        """Every clipping, oldest first, without the body (for listings)."""
        return self.catalog.iter_all(body=False)

    @_serialized
    def versions(self, clipping_id: int) -> list[Clipping]:
        """Every saved version of a clipping's page (same URL): the current one (the one
        search shows) first, then the others newest first."""
        return self.catalog.get_many(self.catalog.versions(clipping_id), body=False)

    @_serialized
    def files_kept(self, clipping_id: int) -> int:
        """How many files of the page's ``Page_files/`` folder are kept with it: 0 when it was
        saved without one (or that folder's copy can't be read: ``check`` tells)."""
        assets = self.catalog.page_info(clipping_id)["assets_sha256"]
        if not assets:
            return 0
        try:
            return count_assets(self.originals.read(assets))
        except (OSError, ValueError, zipfile.BadZipFile):
            return 0

    @_serialized
    def original_path(self, clipping_id: int) -> Path:
        return self.originals.path(self.get(clipping_id).sha256)

    def original_state(self, clipping_id: int) -> str:
        """``intact``, ``missing``, or ``damaged`` (its bytes no longer match its hash)."""
        return self.originals.state(self.get(clipping_id).sha256)

    @_serialized
    def viewable_original(self, clipping_id: int) -> Path:
        """A copy of the saved page under its own file name, in a temp folder, for a browser
        (the stored original has no suffix, and stays read-only and untouched). The copies of
        more than ``VIEWS_KEPT`` ago go then. A missing original raises ``ClippingsError`` in
        ``check``'s words (how to get it back); a damaged one is copied as it is: see
        ``original_state``."""
        clipping = self.get(clipping_id)
        if not self.originals.path(clipping.sha256).is_file():  # (not hashed: only opened)
            stored = self.originals.path(clipping.sha256)
            raise ClippingsError(original_problem(clipping_id, "missing", stored))
        name = Path(clipping.source).name
        if name in ("", ".", "..") or "\\" in name:  # a name from a zip member, shown escaped
            name = f"clipping-{clipping_id}{_suffix(clipping.source) or '.html'}"
        folder = Path(tempfile.mkdtemp(prefix=f"{clipping_id}-", dir=_views()))
        copy = folder / name
        shutil.copyfile(self.originals.path(clipping.sha256), copy)
        assets = self.catalog.page_info(clipping_id)["assets_sha256"]
        if assets:  # its Page_files/ folder, where the page expects it
            unpack_assets(self.originals.read(assets), folder / f"{Path(name).stem}_files")
        return copy

    @_serialized
    def search(
        self,
        query: str,
        *,
        limit: int | None = 20,
        offset: int = 0,
        sort: str = "relevance",
        as_you_type: bool = False,
    ) -> SearchResult:
        """Hits for ``query`` (the query language of ``archive.index.query``), best first:
        ``limit`` of them from ``offset`` on; ``total`` counts every match.

        ``as_you_type``: the last word may be unfinished, so it also matches as a prefix.
        """
        found = self.index.search(
            query,
            limit=limit,
            offset=offset,
            sort=sort,
            texts=self.catalog.texts,
            as_you_type=as_you_type,
        )
        ids = [h.id for h in found.hits]
        by_id = {c.id: c for c in self.catalog.get_many(ids, body=False)}
        hits = [
            Hit(by_id[h.id], h.score, h.snippet, h.highlights) for h in found.hits if h.id in by_id
        ]
        return SearchResult(
            query,
            found.total,
            hits,
            offset,
            partial=found.partial,
            phrases=found.phrases,
            unindexed=recovery.unindexed(self.catalog, self.index),
            outdated=self.index.outdated,
            too_short=found.too_short,
        )

    @_serialized
    def similar(self, clipping_id: int, *, limit: int = 10) -> list[Hit]:
        """The clippings most like clipping ``clipping_id`` (more like this), closest first;
        each hit's snippet is the start of its article."""
        clipping = self.catalog.get(clipping_id)
        page = set(self.catalog.versions(clipping_id))  # (of an older version: not its page)
        found = [h for h in self.index.similar(clipping, limit=limit + 1) if h.id not in page]
        found = found[:limit]
        by_id = {c.id: c for c in self.catalog.get_many([h.id for h in found], body=True)}
        return [
            Hit(by_id[h.id], h.score, lead(by_id[h.id].description or by_id[h.id].text))
            for h in found
            if h.id in by_id
        ]

    @_serialized
    def facets(self, query: str = "", *, top: int = 12, as_you_type: bool = False) -> Facets:
        """Counts by site, year, tag and language among the matches of ``query``."""
        return self.index.facets(query, top=top, as_you_type=as_you_type)

    @_serialized
    def suggest(self, query: str, *, as_you_type: bool = False) -> str | None:
        """A spelling correction of ``query`` from the archive's own words, if there is one
        (``as_you_type``: its last word may be the start of one)."""
        return self.index.suggest(query, as_you_type=as_you_type)

    @_serialized
    def words_matching(
        self, query: str, text: str, *, language: str = "", as_you_type: bool = False
    ) -> set[str]:
        """The words of ``text`` (in ``language``) that ``query`` matches (lower-cased), to
        highlight them."""
        if not query.strip():
            return set()
        return self.index.words_matching(query, text, language=language, as_you_type=as_you_type)

    # -- writing -----------------------------------------------------------------------------

    @_serialized
    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str] | Candidate],
        *,
        progress: ProgressCallback | None = None,
        jobs: int | None = None,
        waiting: Callable[[], None] | None = None,
        stop: Callable[[], bool] | None = None,
        remember: bool = True,
    ) -> ImportReport:
        """Import files and folders (recursively); failures are reported, never raised.

        ``jobs`` worker processes extract pages (default: one per core). One import (one write)
        runs at a time per archive: another waits for it, calling ``waiting`` (else
        ``on_wait``) once. The failures are remembered for ``retry_failed``. Raises
        ``ArchiveWriteError`` when the archive can't be written (what was committed stays).
        ``remember=False``: an import the user did not ask for (a watcher's, an upload's, the
        sample's, a repair's) leaves the failures of the user's last one for ``retry_failed``.
        ``stop``, asked after each file, ends the import there when it says so (a watcher
        told to stop), what it did kept.
        """
        with self.writing(waiting):
            self._recover(progress=progress)  # (the index catching up: its own events)
            recovery.sweep_temporary(self.originals)
            from .importer import import_paths

            report = import_paths(
                [p if isinstance(p, Candidate) else Path(p) for p in paths],
                originals=self.originals,
                catalog=self.catalog,
                index=self.index,
                progress=progress,
                jobs=jobs,
                stop=stop,
            )
            if remember:
                with self.catalog.transaction():
                    self.catalog.set_failures(report.failed)
        return report

    def receive(self, data: bytes, name: str = "page.html", url: str = "") -> uploads.Received:
        """Import one page handed over as bytes (an upload, see ``archive.uploads``), named
        ``name`` in the catalog, with ``url`` as its address when the page names none. Raises
        ``NotAPage`` or ``TooLarge`` for bytes no import would take; waits its turn for the
        write lock like any import."""
        uploads.check_page(data, name)
        with self.writing():
            left = uploads.pending(self.path)  # staged by an upload a kill interrupted
            if left:
                self.import_paths(
                    [uploads.candidate(path) for path in left], jobs=1, remember=False
                )
                for path in left:
                    path.unlink(missing_ok=True)
            staged = uploads.stage(self.path, data, name)
            report = self.import_paths(
                [uploads.candidate(staged, url=url, label=name)], jobs=1, remember=False
            )
            staged.unlink(missing_ok=True)
        received = uploads.outcome(report)
        if received.outcome == "present":
            received.id = self.catalog.id_for_hash(sha256_of(data))
        return received

    @_serialized
    def last_failures(self) -> list[ImportFailure]:
        """The files the last import could not take, with the reasons."""
        return self.catalog.failures()

    @_serialized
    def watch_failures(self) -> dict[str, str]:
        """The files a folder watcher could not import → their size and time then (see
        ``archive.watch``: it tells of each once, until it changes)."""
        return self.catalog.watch_failures()

    @_writes
    def remember_watch_failures(
        self, failed: dict[str, str], forget: Iterable[str] = (), *, only: bool = False
    ) -> None:
        """Keep the files a folder watcher could not import (file → its size and time);
        ``forget`` those imported since; ``only``: these alone, the others forgotten."""
        with self.catalog.transaction():
            self.catalog.remember_watch_failures(failed, forget, only=only)

    @_writes
    def set_note(self, clipping_id: int, note: str) -> Clipping:
        """Replace a clipping's note (kept in the catalog without control characters or
        escapes; the index follows: ``has:notes``, and the note's words are searched)."""
        self._editable(clipping_id)  # before anything is written
        with self.catalog.transaction():
            self.catalog.set_note(clipping_id, clean_block(note).strip())
        clipping = self.get(clipping_id)
        with self.index.writer() as writer:
            writer.add(clipping)
        self._indexed([clipping_id])
        return clipping

    @_writes
    def set_tags(self, clipping_id: int, tags: Iterable[str]) -> Clipping:
        """Replace a clipping's tags (one line each, lower case, without control characters or
        escapes, kept in the catalog; the index follows)."""
        clean = sorted({tag.lower() for tag in map(clean_line, tags) if tag})
        self._editable(clipping_id)  # before anything is written
        with self.catalog.transaction():
            self.catalog.set_tags(clipping_id, clean)
        clipping = self.get(clipping_id)
        with self.index.writer() as writer:
            writer.add(clipping)
        self._indexed([clipping_id])
        return clipping

    def _editable(self, clipping_id: int) -> None:
        """Raise ``NotFound``, or ``ClippingsError`` for an older version of a page: its tags
        and note would be searched nowhere (search shows the current version, which took them
        when the page was saved again)."""
        self.get(clipping_id)
        if not self.catalog.is_current(clipping_id):
            current = self.catalog.current_version(clipping_id)
            raise ClippingsError(
                f"clipping {clipping_id} is an older version of #{current} (the same page "
                f"saved again): tags and notes go on #{current}"
            )

    def _indexed(self, ids: list[int]) -> None:
        """The index has committed these clippings' changes: out of the catalog's journal."""
        with self.catalog.transaction():
            self.catalog.mark_indexed(ids)

    # -- saved searches: queries kept under a name, in the catalog ---------------------------

    @_serialized
    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return self.catalog.saved_searches()

    @_serialized
    def saved_search(self, name: str) -> SavedSearch:
        """The saved search called ``name`` (any case); raises ``UnknownSavedSearch``."""
        return self.catalog.saved_search(clean_line(name))

    @_writes
    def add_saved_search(self, name: str, query: str, *, replace: bool = False) -> SavedSearch:
        """Keep ``query`` under ``name``. A query that can't be read raises ``QueryError``
        and is not saved; a name already taken raises ``SavedSearchExists`` unless
        ``replace``."""
        name, query = clean_line(name), clean_line(query)
        if not name:
            raise ClippingsError("a saved search needs a name")
        if len(name) > SavedSearch.NAME_MAX:
            raise ClippingsError(
                f"a saved search's name is at most {SavedSearch.NAME_MAX} characters"
            )
        if not query:
            raise ClippingsError("a saved search needs a query")
        parse_query(query)
        saved = SavedSearch(name, query, now_iso())
        with self.catalog.transaction():
            self.catalog.save_search(saved, replace=replace)
        return saved

    @_writes
    def remove_saved_search(self, name: str) -> SavedSearch:
        """Forget a saved search (its clippings stay); raises ``UnknownSavedSearch``."""
        with self.catalog.transaction():
            return self.catalog.remove_saved_search(clean_line(name))

    def count_matches(self, query: str) -> int:
        """How many clippings ``query`` matches now; raises ``QueryError``. (Hits that have
        only some of its words, when none has them all, are no matches.)"""
        result = self.search(query, limit=1)
        return 0 if getattr(result, "partial", False) else result.total

    def saved_search_counts(
        self, *, stop: Callable[[], bool] | None = None
    ) -> list[tuple[SavedSearch, int | None]]:
        """Every saved search with how many clippings it matches now (None: its query can't
        be read any more). One search at a time: other calls run in between. ``stop`` is
        asked before each: when it says True, the counting ends there."""
        counts: list[tuple[SavedSearch, int | None]] = []
        for saved in self.saved_searches():
            if stop is not None and stop():
                break
            try:
                counts.append((saved, self.count_matches(saved.query)))
            except ClippingsError:
                counts.append((saved, None))
        return counts

    @_writes
    def remove(self, clipping_id: int) -> Clipping:
        """Delete a clipping: its catalog row, its index entry and its original. If it was
        the current version of a page, its newest other save that reads as the article (else its
        newest) becomes current.

        The catalog goes first, journaling the rest (the index entry, the original to
        delete), so that a kill at any point is finished when the archive next opens."""
        clipping = self.get(clipping_id)
        info = self.catalog.page_info(clipping_id)
        others = [i for i in self.catalog.versions(clipping_id) if i != clipping_id]
        promoted = None
        with self.catalog.transaction():
            current = self.catalog.is_current(clipping_id)
            self.catalog.remove(clipping_id)
            if current and others:
                # the newest save that reads as the article, as at import (a later save with
                # no article, a paywall page, does not take its place); else the newest
                readable = [i for i in others if not self.catalog.is_whole_page(i)]
                promoted = (readable or others)[0]
                self.catalog.promote(promoted, [i for i in others if i != promoted])
            self.catalog.remove_original_later(clipping.sha256)
            if clipping.sha256 in bundled.hashes():  # the user's choice: check won't restore it
                self.catalog.record_bundled_removed(clipping.sha256)
            if info["assets_sha256"]:
                self.catalog.remove_original_later(info["assets_sha256"])
        with self.index.writer() as writer:
            writer.delete(clipping_id)
            if promoted is not None:
                writer.add(self.catalog.get(promoted))
        self._indexed([clipping_id, *others])
        recovery.finish_removals(self.catalog, self.originals)
        return clipping

    @_writes
    def reextract(self, clipping_id: int) -> Clipping:
        """Extract a clipping again from its original (after extraction improved); the index
        takes it at the next ``reindex``, or when the archive next opens."""
        info = self.catalog.page_info(clipping_id)
        source = info["source"]
        page = page_from_bytes(self.originals.read(info["sha256"]), source, _suffix(source))
        if info["page_url"] or info["page_saved"]:  # what a container said (a WARC record)
            url = info["page_url"] or page.url
            page = replace(page, url=url, saved=_parse_time(info["page_saved"]) or page.saved)
        article = extract(page)
        with self.catalog.transaction():
            self.catalog.update_article(clipping_id, article)
        return self.get(clipping_id)

    @_writes
    def reindex(
        self,
        *,
        reextract: bool = True,
        progress: Callable[[recovery.SyncProgress], None] | None = None,
    ) -> list[ImportFailure]:
        """Rebuild the index from the originals, extracting each again unless told not to
        (then from the text the catalog keeps). Searches see the old index until the new one
        is complete. ``progress`` hears of each version extracted, then of the indexing.

        A clipping whose extraction now fails keeps its last good one, and is reported.
        """
        failures: list[ImportFailure] = []
        if reextract:
            ids = self.catalog.ids(every_version=True)
            for done, clipping_id in enumerate(ids, 1):
                try:
                    self.reextract(clipping_id)
                except FileNotFoundError:
                    reason = "its original is missing ('clippings check' tells what to do)"
                    failures.append(ImportFailure(f"clipping {clipping_id}", reason))
                except (ClippingsError, OSError) as error:
                    failures.append(ImportFailure(f"clipping {clipping_id}", str(error)))
                if progress:
                    progress(recovery.SyncProgress(done, len(ids), "extracting"))
        total = self.catalog.count()
        stage = "indexing" if reextract else ""

        def indexed(done: int) -> None:
            if progress:
                progress(recovery.SyncProgress(done, total, stage))

        procs = cores() if total >= PARALLEL_REBUILD else 1
        self.index.rebuild(
            self.catalog.iter_all(), progress=indexed if progress else None, procs=procs
        )
        with self.catalog.transaction():
            self.catalog.mark_indexed()
        return failures

    # -- export and backup -------------------------------------------------------------------

    @_serialized
    def export(
        self,
        dest: str | os.PathLike[str],
        fmt: str = "markdown",
        *,
        with_originals: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ExportReport:
        """Write every clipping (metadata, text, tags, note) to the folder ``dest`` as
        ``markdown``, ``html`` or ``json``, the saved pages too ``with_originals`` (see
        ``archive.export``). Raises ``ExportError`` when ``dest`` can't be written."""
        from .export import export_archive

        return export_archive(self, dest, fmt, with_originals=with_originals, progress=progress)

    def backup(self, file: str | os.PathLike[str]) -> BackupReport:
        """Write the archive (catalog and originals, no index) to one backup file, atomically;
        safe while other processes use the archive (see ``archive.backup``)."""
        from .backup import create_backup

        return create_backup(self.path, file)

    @staticmethod
    def restore(
        file: str | os.PathLike[str],
        path: str | os.PathLike[str] | None = None,
        *,
        force: bool = False,
    ) -> RestoreReport:
        """Turn a backup file into a working archive at ``path`` (see ``archive.location``),
        its index rebuilt; an archive there is replaced only with ``force``. Open it with
        ``Archive.open`` afterwards."""
        from .backup import restore_backup

        return restore_backup(file, archive_dir(path), force=force)

    @_serialized
    def check(
        self, *, repair: bool = False, backup: str | os.PathLike[str] | None = None
    ) -> CheckReport:
        """Verify originals, catalog and index (see ``archive.check``); repair if asked, the
        originals lost taken from the backup file ``backup`` too when given. Holds the write
        lock (it waits for an import: a check mid-import would report the import's work in
        progress), unless the archive is read-only and no repair is asked."""
        if self.read_only and not repair:
            return check_archive(self, backup=backup)
        with self.writing():
            return check_archive(self, repair=repair, backup=backup)

    @_writes
    def sync_index(self, *, timeout: float = 60.0) -> recovery.IndexGap:
        """Bring the index in step with the catalog (after a kill between the two); returns
        what differed."""
        return recovery.sync_index(self.catalog, self.index, timeout=timeout)

    @_serialized
    def recover(self, *, wait: bool = True) -> None:
        """Finish what a killed write left undone: bring the index in step with the catalog,
        delete the originals of deleted clippings. Done when the archive opens (then without
        ``wait``: nothing when another process is writing, which does it itself, when the
        archive is read-only, or when the disk refuses the writes)."""
        if self.read_only and not wait:
            return
        try:
            with self.writing(wait=wait):
                self._recover(
                    timeout=60.0 if wait else 0.0, at_most=None if wait else self.SYNC_ON_OPEN
                )
        except ClippingsError:  # busy, or a full disk: searching still works, a later open
            if wait:  # (or the next import) finishes it
                raise

    def _recover(
        self,
        *,
        timeout: float = 60.0,
        at_most: int | None = None,
        progress: Callable[[recovery.SyncProgress], None] | None = None,
    ) -> None:
        recovery.finish_removals(self.catalog, self.originals)
        recovery.sync_index(
            self.catalog, self.index, timeout=timeout, at_most=at_most, progress=progress
        )

    @_writes
    def catch_up(self, progress: Callable[[recovery.SyncProgress], None] | None = None) -> int:
        """Index the clippings the index lacks or has out of date (after an interrupted write,
        or a new schema version), committing as it goes; an empty index (a new schema
        version's) is rebuilt from the catalog in one go, on every core. Returns how many."""
        if self.index.doc_count() == 0 and len(self) >= PARALLEL_REBUILD:
            # a new schema version's empty index: one rebuild from the catalog on every core
            self.reindex(reextract=False, progress=progress)
            return len(self)
        gap = recovery.sync_index(self.catalog, self.index, progress=progress)
        return len(gap)

    @_serialized
    def unindexed(self) -> int:
        """About how many clippings searches can't find yet (see ``catch_up``)."""
        return recovery.unindexed(self.catalog, self.index)

    @property
    def index_outdated(self) -> bool:
        """Whether searches read the previous version's index until ``catch_up`` builds
        this version's (see ``Index.complete``)."""
        return self.index.outdated

    @contextlib.contextmanager
    def writing(
        self, waiting: Callable[[], None] | None = None, *, wait: bool | None = None
    ) -> Iterator[None]:
        """Hold the archive's write lock: one writer at a time across processes (a thread
        holding it may take it again). If another process holds it, call ``waiting`` (else
        ``on_wait``) once and wait; or, with ``wait`` false (default: ``wait_for_writers``),
        raise ``ArchiveBusy``. Inside, a write the disk refuses (full, read-only) raises
        ``ArchiveWriteError``."""
        if self._writer == threading.get_ident():
            yield
            return
        if self.read_only:
            raise ArchiveWriteError(f"can't write to the archive: it is read-only ({self.path})")
        wait = self.wait_for_writers if wait is None else wait
        with (
            self._lock,
            translated(self.path),
            exclusive_lock(self.path / LOCK_FILE, waiting or self.on_wait, wait=wait),
        ):
            self._writer = threading.get_ident()
            try:
                yield
            finally:
                self._writer = None


# how long a copy of a page opened in a browser is kept: the browser reads it when it will (and
# reads it again on a reload); the next copy made sweeps the older ones away
VIEWS_KEPT = 24 * 3600  # seconds


def _views() -> Path:
    """The folder of this user's copies for browsers, those older than ``VIEWS_KEPT`` gone."""
    views = Path(tempfile.gettempdir()) / f"clippings-views-{os.getuid()}"
    views.mkdir(mode=0o700, exist_ok=True)
    old = time.time() - VIEWS_KEPT
    for folder in views.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < old:
                shutil.rmtree(folder, ignore_errors=True)
    return views


def _suffix(source: str) -> str:
    """The file suffix of a source (``a.zip!/page.mht`` → ``.mht``)."""
    name = source.rsplit("!/", 1)[-1].split("#", 1)[0]
    return Path(name).suffix


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
