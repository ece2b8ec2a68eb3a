"""``Archive``: the library API that the command line and the terminal UI are thin layers over."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .check import CheckReport, check_archive
from .extract import extract
from .extract.clean import clean_line
from .index import Index, IndexBusy
from .index.query import parse as parse_query
from .index.snippets import lead
from .location import archive_dir, bundled_dir
from .models import (
    Clipping,
    ClippingsError,
    Hit,
    ImportFailure,
    ImportReport,
    SavedSearch,
    SearchResult,
    now_iso,
)
from .sources import page_from_bytes
from .sources.assets import unpack as unpack_assets
from .store import Catalog, Originals, exclusive_lock

if TYPE_CHECKING:  # the importer (and its MinHash library, 0.3 s to import) loads on first use
    from .importer import ProgressCallback

F = TypeVar("F", bound=Callable[..., Any])

Facets = dict[str, list[tuple[str, int]]]


def _serialized(method: F) -> F:
    """Run ``method`` holding the archive's lock: one call at a time across threads."""

    @functools.wraps(method)
    def wrapper(self: Archive, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Archive:
    """An archive folder: originals, catalog and index, opened together.

    ``Archive.open()`` creates a new archive on first use and imports the bundled pages into it
    (the sample page becomes clipping 1). Use it as a context manager, or call ``close()``.

    One ``Archive`` may be shared by threads: its calls run one at a time. To search while an
    import runs, give the import an ``Archive`` of its own (as another process would have);
    the searching one sees the new clippings as each batch is committed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        path.mkdir(parents=True, exist_ok=True)
        self.originals = Originals(path / "originals")
        self.catalog = Catalog(path / "catalog.sqlite3")
        self.index = Index(path / "index")

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, seed: bool = True, sync: bool = True
    ) -> Archive:
        """Open the archive at ``path`` (see ``archive.location``), creating it if needed.

        The index is brought in step with the catalog first, unless ``sync`` is false (for
        ``check``, which reports what is out of step)."""
        folder = archive_dir(path)
        new = not (folder / "catalog.sqlite3").exists()
        archive = cls(folder)
        if new and seed:
            archive.import_paths(sorted(bundled_dir().iterdir()))
        elif sync:
            with contextlib.suppress(IndexBusy):  # an import is running: it will catch up
                archive.sync_index(timeout=0)
        return archive

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

    def clippings(self) -> Iterator[Clipping]:
        """Every clipping, oldest first, without the body (for listings)."""
        return self.catalog.iter_all(body=False)

    @_serialized
    def versions(self, clipping_id: int) -> list[Clipping]:
        """Every saved version of a clipping's page (same URL), newest first."""
        return self.catalog.get_many(self.catalog.versions(clipping_id), body=False)

    @_serialized
    def original_path(self, clipping_id: int) -> Path:
        return self.originals.path(self.get(clipping_id).sha256)

    @_serialized
    def viewable_original(self, clipping_id: int) -> Path:
        """A copy of the saved page under its own file name, in a temp folder, for a browser
        (the stored original has no suffix, and stays read-only and untouched)."""
        clipping = self.get(clipping_id)
        name = Path(clipping.source).name
        if name in ("", ".", "..") or "\\" in name:  # a name from a zip member, shown escaped
            name = f"clipping-{clipping_id}{_suffix(clipping.source) or '.html'}"
        folder = Path(tempfile.mkdtemp(prefix=f"clippings-{clipping_id}-"))
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
            texts=self._bodies,
            as_you_type=as_you_type,
        )
        ids = [h.id for h in found.hits]
        by_id = {c.id: c for c in self.catalog.get_many(ids, body=False)}
        hits = [
            Hit(by_id[h.id], h.score, h.snippet, h.highlights) for h in found.hits if h.id in by_id
        ]
        return SearchResult(query, found.total, hits, offset, partial=found.partial)

    @_serialized
    def similar(self, clipping_id: int, *, limit: int = 10) -> list[Hit]:
        """The clippings most like clipping ``clipping_id`` (more like this), closest first;
        each hit's snippet is the start of its article."""
        clipping = self.catalog.get(clipping_id)
        found = self.index.similar(clipping, limit=limit)
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
    def suggest(self, query: str) -> str | None:
        """A spelling correction of ``query`` from the archive's own words, if there is one."""
        return self.index.suggest(query)

    @_serialized
    def words_matching(
        self, query: str, text: str, *, language: str = "", as_you_type: bool = False
    ) -> set[str]:
        """The words of ``text`` (in ``language``) that ``query`` matches (lower-cased), to
        highlight them."""
        if not query.strip():
            return set()
        return self.index.words_matching(query, text, language=language, as_you_type=as_you_type)

    def _bodies(self, ids: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(ids))
        rows = self.catalog.db.execute(f"SELECT id, text FROM clippings WHERE id IN ({marks})", ids)
        return dict(rows.fetchall())

    # -- writing -----------------------------------------------------------------------------

    @_serialized
    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: ProgressCallback | None = None,
        jobs: int | None = None,
        waiting: Callable[[], None] | None = None,
    ) -> ImportReport:
        """Import files and folders (recursively); failures are reported, never raised.

        ``jobs`` worker processes extract pages (default: one per core). One import runs at a
        time per archive: another waits for it, calling ``waiting`` once. The failures are
        remembered for ``retry_failed``.
        """
        with exclusive_lock(self.path / "import.lock", waiting):
            self.sync_index()
            from .importer import import_paths

            report = import_paths(
                [Path(p) for p in paths],
                originals=self.originals,
                catalog=self.catalog,
                index=self.index,
                progress=progress,
                jobs=jobs,
            )
            with self.catalog.transaction():
                self.catalog.set_failures(report.failed)
        return report

    @_serialized
    def last_failures(self) -> list[ImportFailure]:
        """The files the last import could not take, with the reasons."""
        return self.catalog.failures()

    @_serialized
    def set_note(self, clipping_id: int, note: str) -> Clipping:
        """Replace a clipping's note (kept in the catalog; the index follows: ``has:notes``,
        and the note's words are searched)."""
        self.get(clipping_id)  # NotFound before anything is written
        with self.catalog.transaction():
            self.catalog.set_note(clipping_id, note.strip())
        clipping = self.get(clipping_id)
        with self.index.writer() as writer:
            writer.add(clipping)
        return clipping

    @_serialized
    def set_tags(self, clipping_id: int, tags: Iterable[str]) -> Clipping:
        """Replace a clipping's tags (kept in the catalog; the index follows)."""
        clean = sorted({" ".join(t.split()).lower() for t in tags if t.strip()})
        self.get(clipping_id)  # NotFound before anything is written
        with self.catalog.transaction():
            self.catalog.set_tags(clipping_id, clean)
        clipping = self.get(clipping_id)
        with self.index.writer() as writer:
            writer.add(clipping)
        return clipping

    # -- saved searches: queries kept under a name, in the catalog ---------------------------

    @_serialized
    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return self.catalog.saved_searches()

    @_serialized
    def saved_search(self, name: str) -> SavedSearch:
        """The saved search called ``name`` (any case); raises ``UnknownSavedSearch``."""
        return self.catalog.saved_search(clean_line(name))

    @_serialized
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

    @_serialized
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

    @_serialized
    def remove(self, clipping_id: int) -> Clipping:
        """Delete a clipping: its catalog row, its index entry and its original. If it was
        the current version of a page, the newest older version becomes current."""
        clipping = self.get(clipping_id)
        info = self.catalog.page_info(clipping_id)
        others = [i for i in self.catalog.versions(clipping_id) if i != clipping_id]
        promoted = None
        with self.catalog.transaction():
            current = self.catalog.is_current(clipping_id)
            self.catalog.remove(clipping_id)
            if current and others:
                promoted = others[0]
                self.catalog.promote(promoted, others[1:])
        with self.index.writer() as writer:
            writer.delete(clipping_id)
            if promoted is not None:
                writer.add(self.catalog.get(promoted))
        if self.catalog.id_for_hash(clipping.sha256) is None:
            self.originals.remove(clipping.sha256)
        assets = info["assets_sha256"]
        if assets and not self.catalog.uses_assets(assets):
            self.originals.remove(assets)
        return clipping

    @_serialized
    def reextract(self, clipping_id: int) -> Clipping:
        """Extract a clipping again from its original (after extraction improved)."""
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

    def reindex(
        self, *, reextract: bool = True, progress: Callable[[int, int], None] | None = None
    ) -> list[ImportFailure]:
        """Rebuild the index from the originals, extracting each again unless told not to.

        A clipping whose extraction now fails keeps its last good one, and is reported.
        """
        failures: list[ImportFailure] = []
        if reextract:
            ids = self.catalog.ids(every_version=True)
            for done, clipping_id in enumerate(ids, 1):
                try:
                    self.reextract(clipping_id)
                except (ClippingsError, OSError) as error:
                    failures.append(ImportFailure(f"clipping {clipping_id}", str(error)))
                if progress:
                    progress(done, len(ids))
        self.index.rebuild(self.catalog.iter_all())
        return failures

    @_serialized
    def check(self, *, repair: bool = False) -> CheckReport:
        """Verify originals, catalog and index (see ``archive.check``); repair if asked."""
        return check_archive(self, repair=repair)

    @_serialized
    def sync_index(self, *, timeout: float = 60.0) -> None:
        """Bring the index in step with the catalog (after a crash between the two)."""
        if self.index.doc_count() == self.catalog.count():
            return
        catalog_ids = set(self.catalog.ids())
        index_ids = self.index.ids()
        missing, extra = catalog_ids - index_ids, index_ids - catalog_ids
        if not missing and not extra:
            return
        with self.index.writer(timeout=timeout) as writer:
            for clipping_id in extra:
                writer.delete(clipping_id)
            for clipping in self.catalog.get_many(sorted(missing)):
                writer.add(clipping)


def _suffix(source: str) -> str:
    """The file suffix of a source (``a.zip!/page.mht`` → ``.mht``)."""
    name = source.rsplit("!/", 1)[-1].split("#", 1)[0]
    return Path(name).suffix


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
