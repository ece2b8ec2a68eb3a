"""The search index: the one place that knows Whoosh. Derived data, rebuilt from the catalog.

One writer at a time (others wait, then get a clear error); searchers refresh to see new commits.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, LockError

from ..models import Clipping, ClippingsError
from .query import QueryError, parse
from .schema import PROSE_FIELDS, SCHEMA, SCHEMA_VERSION, document
from .snippets import snippet

__all__ = ["SORTS", "Index", "IndexBusy", "IndexHit", "QueryError"]

SORTS = ("relevance", "newest", "oldest")
_INDEX_NAME = f"clippings{SCHEMA_VERSION}"


class IndexBusy(ClippingsError):
    """Another process holds the index writer for longer than we were willing to wait."""


@dataclass
class IndexHit:
    id: int
    score: float
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)


def _lead(text: str, limit: int = 240) -> str:
    """The start of ``text`` up to ``limit`` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class Index:
    """The Whoosh index in ``path`` (created empty if missing or of an older schema)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        if windex.exists_in(path, indexname=_INDEX_NAME):
            self._ix = windex.open_dir(path, indexname=_INDEX_NAME)
        else:
            self._ix = windex.create_in(path, SCHEMA, indexname=_INDEX_NAME)
        self._searcher: Searcher | None = None

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    # -- reading -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher on the latest commit (reused while nothing changed)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # a new searcher, not ``refresh()``: Whoosh's refresh fails on an empty index and
            # can count documents twice after a commit that replaced every segment
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def ids(self) -> set[int]:
        reader = self.searcher().reader()
        return {int(fields["id"]) for _, fields in reader.iter_docs()}

    def search(
        self,
        text: str,
        *,
        limit: int | None = 20,
        sort: str = "relevance",
        texts: Callable[[list[int]], dict[int, str]] | None = None,
    ) -> tuple[int, list[IndexHit]]:
        """Run the query; returns the total number of matches and the first ``limit`` hits.

        ``texts`` gives the bodies of the hits, for their snippets (the index stores no text).
        """
        if sort not in SORTS:
            raise ClippingsError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        q = parse(text) if text.strip() else None
        searcher = self.searcher()
        if q is None:
            from whoosh.query import Every

            q = Every()
        sortedby = None if sort == "relevance" and text.strip() else "date"
        reverse = sort == "newest"
        results = searcher.search(q, limit=limit, sortedby=sortedby, reverse=reverse, terms=True)
        hits = [IndexHit(id=int(hit["id"]), score=hit.score or 0.0) for hit in results]
        bodies = texts([h.id for h in hits]) if texts and hits else {}
        for hit, whoosh_hit in zip(hits, results, strict=True):
            body = bodies.get(hit.id, "")
            terms = frozenset(
                term.decode("utf-8")
                for fieldname, term in (whoosh_hit.matched_terms() or ())
                if fieldname in PROSE_FIELDS
            )
            hit.snippet, hit.highlights = snippet(body, terms)
            if not hit.snippet:
                hit.snippet = _lead(body)
        return len(results), hits

    # -- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, *, timeout: float = 60.0, clear: bool = False) -> Iterator[IndexWriter]:
        """The one writer; waits up to ``timeout`` seconds for another process's to finish.

        With ``clear``, the commit replaces the whole index with what this writer added.
        """
        try:
            raw = self._ix.writer(timeout=timeout, delay=0.25)
        except LockError:
            raise IndexBusy(
                f"the index is busy (another import or reindex is running); waited {timeout:.0f} s"
            ) from None
        try:
            yield IndexWriter(raw)
        except BaseException:
            raw.cancel()
            raise
        raw.commit(mergetype=CLEAR) if clear else raw.commit()

    def rebuild(self, clippings: Iterable[Clipping], *, timeout: float = 60.0) -> int:
        """Replace the index with one made from ``clippings`` in one commit: searchers see the
        old index or the new one, never half of it. Returns how many were indexed."""
        count = 0
        with self.writer(timeout=timeout, clear=True) as writer:
            for clipping in clippings:
                writer.raw.add_document(**document(clipping))
                count += 1
        return count

    def destroy(self) -> None:
        """Remove the index files (it is derived data; ``rebuild`` makes it again)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


class IndexWriter:
    """Adds and removes clippings inside one commit."""

    def __init__(self, raw: object) -> None:
        self.raw = raw

    def add(self, clipping: Clipping) -> None:
        self.raw.update_document(**document(clipping))

    def delete(self, clipping_id: int) -> None:
        self.raw.delete_by_term("id", str(clipping_id))
