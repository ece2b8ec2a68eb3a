"""The search index: the one place that knows Whoosh. Derived data, rebuilt from the catalog.

One writer at a time (others wait, then get a clear error); searchers refresh to see new commits.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, LockError

from ..models import Clipping, ClippingsError
from .query import QueryError, parse, typed_word
from .query import as_you_type as complete_word
from .schema import FACETS, PROSE_FIELDS, SCHEMA, SCHEMA_VERSION, document, names, prose
from .snippets import matching_words, snippet

__all__ = ["SORTS", "Index", "IndexBusy", "IndexHit", "QueryError"]

SORTS = ("relevance", "newest", "oldest")
PREFIX_WORDS = 8  # the words a word being typed stands for: its most frequent completions
_INDEX_NAME = f"clippings{SCHEMA_VERSION}"


class IndexBusy(ClippingsError):
    """Another process holds the index writer for longer than we were willing to wait."""


@dataclass
class IndexHit:
    id: int
    score: float
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)


# a bare word of a query: not a field name, not part of a prefix/fuzzy/boost/range term
_BARE_WORD = re.compile(r"(?<![\w:*~^.\-'])[^\W\d_]{3,}(?![\w:*~^'])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def _known(reader: object, word: str) -> bool:
    """Whether the archive has ``word``: as written, or by its stem (``garden``, ``gardens``)."""
    if any((field, word) in reader for field in ("spelling", "author", "site")):
        return True
    stems = [token.text for token in prose(word)]
    return any((field, stem) in reader for stem in stems for field in ("body", "title"))


def _nearest(reader: object, word: str) -> str | None:
    """The most frequent known word one edit from ``word``, else two edits away."""
    for distance in (1, 2):
        found: dict[str, int] = {}
        for term in reader.terms_within("spelling", word, distance, prefix=1):
            found[term] = reader.doc_frequency("spelling", term)
        if found:
            return max(found, key=lambda term: (found[term], term))
    return None


def _facet_key(key: object) -> str:
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    return str(key) if key not in (None, "") else ""


def _remove_other_versions(path: Path) -> None:
    """Delete the files of an index made under another schema version (it is rebuilt)."""
    for file in path.iterdir():
        name = file.name.lstrip("_")
        if name.startswith("clippings") and not name.startswith(_INDEX_NAME + "_"):
            file.unlink(missing_ok=True)


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
            _remove_other_versions(path)
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
        offset: int = 0,
        sort: str = "relevance",
        texts: Callable[[list[int]], dict[int, str]] | None = None,
        as_you_type: bool = False,
    ) -> tuple[int, list[IndexHit]]:
        """Run the query; returns the total number of matches and hits ``offset`` to
        ``offset + limit`` (all of them when ``limit`` is None).

        ``texts`` gives the bodies of the hits, for their snippets (the index stores no text).
        """
        if sort not in SORTS:
            raise ClippingsError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        q = self._query(text, as_you_type)
        sortedby = None if sort == "relevance" and text.strip() else "date"
        reverse = sort == "newest"
        end = None if limit is None else offset + limit
        results = self.searcher().search(
            q, limit=end, sortedby=sortedby, reverse=reverse, terms=True
        )
        page = results[offset:end]
        hits = [IndexHit(id=int(hit["id"]), score=hit.score or 0.0) for hit in page]
        bodies = texts([h.id for h in hits]) if texts and hits else {}
        for hit, whoosh_hit in zip(hits, page, strict=True):
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

    def facets(
        self, text: str, *, top: int = 12, as_you_type: bool = False
    ) -> dict[str, list[tuple[str, int]]]:
        """For each facet (site, year, tag, language): its most frequent values among the
        matches of ``text``, with their counts, most frequent first (years: newest first)."""
        groupedby = {
            name: sorting.FieldFacet(field, allow_overlap=multi, maptype=sorting.Count)
            for name, (field, multi) in FACETS.items()
        }
        q = self._query(text, as_you_type)
        results = self.searcher().search(q, limit=1, groupedby=groupedby)
        found: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            counts = [
                (_facet_key(key), count)
                for key, count in results.groups(name).items()
                if _facet_key(key)
            ]
            if name == "year":
                counts.sort(key=lambda item: item[0], reverse=True)
            else:
                counts.sort(key=lambda item: (-item[1], item[0].lower()))
            found[name] = counts[:top]
        return found

    def suggest(self, text: str) -> str | None:
        """``text`` with its misspelt words replaced by the archive's own nearest words, or None
        when every word is known (or nothing better is found)."""
        reader = self.searcher().reader()
        changed = False

        def fix(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group(0)
            folded = "".join(token.text for token in names(word))
            is_stop_word = not any(True for _ in prose(word))
            if word in _OPERATORS or is_stop_word or _known(reader, folded):
                return word
            best = _nearest(reader, folded)
            if best:
                changed = True
                return best
            return word

        suggestion = _BARE_WORD.sub(fix, text)
        return suggestion if changed else None

    def words_matching(self, text: str, body: str, *, as_you_type: bool = False) -> set[str]:
        """The words of ``body`` (lower-cased) that the query ``text`` matches, to highlight
        them in the reader: stems, prefixes, fuzzy terms and phrases included."""
        q = self._query(text, as_you_type)
        reader = self.searcher().reader()
        # not ``Query.existing_terms``: its loop variable shadows its ``fieldname`` argument,
        # so it skips every leaf whose field differs from the first term's
        terms = frozenset(
            text.decode("utf-8") if isinstance(text, bytes) else str(text)
            for leaf in q.leaves()
            for fieldname, text in leaf.expanded_terms(reader, phrases=True)
            if fieldname in PROSE_FIELDS
        )
        return matching_words(" ".join(body.split()), terms) if terms else set()

    def _query(self, text: str, as_you_type: bool = False) -> wq.Query:
        """The query for ``text``; with ``as_you_type``, its last word also matches as a
        prefix, expanded to that prefix's most frequent words only (all of them would make
        each keystroke score hundreds of terms: "pre" took 230 ms on 10,000 clippings)."""
        if not text.strip():
            return wq.Every()
        word = typed_word(text) if as_you_type else None
        if word is None:
            return parse(text)
        prefix = "".join(token.text for token in names(word))
        # the parser stems the text of a prefix too ("pres*" becomes "pre*", which would
        # match "previous"): every prefix of this word is expanded from what was typed
        forms = {prefix, *(token.text for token in prose(word))}
        reader = self.searcher().reader()

        def cap(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.Prefix) and node.text in forms:
                found = sorted(
                    (
                        (reader.doc_frequency(node.fieldname, t), t)
                        for t in reader.expand_prefix(node.fieldname, prefix)
                    ),
                    reverse=True,
                )[:PREFIX_WORDS]
                words = [t.decode("utf-8") if isinstance(t, bytes) else t for _, t in found]
                return wq.Or([wq.Term(node.fieldname, w) for w in words]) if words else wq.NullQuery
            return node

        return parse(complete_word(text)).accept(cap).normalize()

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
