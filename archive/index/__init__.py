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
from typing import TypeVar

from whoosh import query as wq
from whoosh.classify import Bo1Model
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.searching import Results, Searcher
from whoosh.util.filelock import try_for
from whoosh.writing import CLEAR

from ..crashpoints import crash_point
from ..models import Clipping, ClippingsError
from . import ranking
from .analysis import common_terms, fold, forms, is_common, mark, search_languages
from .columns import Column, as_text
from .dates import DateFilters
from .dates import split as split_dates
from .expand import expand, expand_patterns
from .facets import FacetCounter
from .matches import count, countable, matching
from .merging import Merger, inline
from .parallel import ParallelWriter
from .plan import Plan, plan, without_words
from .postings import install as install_postings
from .proximity import IN_ORDER_WEIGHT, boosted, in_order, proximity
from .query import QueryError, typed_word
from .schema import FACETS, PROSE_FIELDS, SCHEMA, SCHEMA_VERSION, document, names
from .snippets import lead, matching_words, snippet
from .storage import MappedStorage
from .vocabulary import Vocabularies
from .words import Words, used, words_of

__all__ = ["SORTS", "Index", "IndexBusy", "IndexHit", "IndexResults", "QueryError"]

# relevance; the date shown (published, else saved) newest or oldest first; recently saved first
SORTS = ("relevance", "newest", "oldest", "saved")
RERANK = 50  # the best hits re-ranked by how close their words are (at least the page shown)
SIMILAR_WORDS = 25  # the words of a clipping that "more like this" looks for
# of those, how many another clipping must have to be "like" it: a fifth (Lucene's "more like
# this" is often asked for a third); on the 144 dev pages, each same-story pair still finds
# its other half first, and 26 pages on a subject no other has list nothing (4 with three)
SIMILAR_SHARED = 5
# ... and score a tenth, at least, of what the clipping scores against its own words: in a
# small archive, five of the words of a story on Zimbabwe's coup ("robert", "military",
# "former", "told") were in a page on Israel; on the dev pages, the stories of one subject
# (Delhi's air, Hong Kong, Firefox) score from 0.2 to 0.5 of it, pages alike in a few words
# only ("Star Trek" and a list of films) from 0.05 to 0.1
SIMILAR_SCORE = 0.1
# the terms weighed to find those words: every one a page of figures has ("01", "2020"...), so
# that its few words are among them (their weighing costs the same however many are kept)
SIMILAR_TERMS = 1000
_TELLING = re.compile(r"[^\W\d_].*[^\W\d_]|[^\x00-\u2e7f]")  # two letters, or a CJK one
# matches between Whoosh's attempts to drop the parts of a query that can no longer reach the
# top (its default, 10, walks a big OR's tree so often that a fuzzy word took seconds)
PRUNE = 100
REBUILD_STEP = 50  # clippings between two progress reports of a rebuild
EXACT_TITLE_SCORE = 1000.0  # added to a hit whose whole title is the query: it comes first
_INDEX_NAME = f"clippings{SCHEMA_VERSION}"
T = TypeVar("T")


class IndexBusy(ClippingsError):
    """Another process holds the index writer for longer than we were willing to wait."""


@dataclass
class IndexResults:
    total: int
    hits: list[IndexHit]
    partial: bool = False  # no clipping had every word: these have some of them
    phrases: int = 0  # (partial) the quoted phrases none held as written, searched as words
    too_short: bool = False  # (as you type) it is only a word of one or two letters


@dataclass
class IndexHit:
    id: int
    score: float
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)


# a bare word of a query: not a field name, not part of a prefix/fuzzy/boost/range term
_BARE_WORD = re.compile(r"(?<![\w:*~^.\-'])[^\W\d_]{3,}(?![\w:*~^'])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def _known(reader: object, written: Words, word: str, languages: tuple[str, ...]) -> bool:
    """Whether the archive has ``word``: as written, or by its stem (``garden``, ``gardens``)."""
    if word in written or any((field, word) in reader for field in ("author", "site")):
        return True
    stems = forms(word, languages)
    return any((field, stem) in reader for stem in stems for field in ("body", "title"))


def _folded_name(word: str) -> str:
    """A word as the name fields read it (lower case, accents folded, one run of letters)."""
    return "".join(token.text for token in names(word))


def _nearest(
    reader: object,
    written: Words,
    word: str,
    languages: tuple[str, ...],
    beside: Callable[[str], int] | None = None,
) -> str | None:
    """The word of the archive one edit from ``word`` (else two) that the most clippings hold
    beside the query's other words (``beside(word)``: how many), then the most used: for
    "fether duvet", "feather" (the duvet's), not "father", a word used more. Of the
    ``SUGGEST_TRIED`` most used candidates, as Solr's spellchecker tries its collations."""
    for distance in (1, 2):
        found = {
            term: used(reader, term, languages) for term in written.within(word, distance, prefix=1)
        }
        found = {term: n for term, n in found.items() if n}  # (words of deleted clippings)
        if not found:
            continue
        tried = sorted(found, key=lambda term: (found[term], term), reverse=True)[:SUGGEST_TRIED]
        together = {term: beside(term) for term in tried} if beside else {}
        return max(tried, key=lambda term: (together.get(term, 0), found[term], term))
    return None


SUGGEST_TRIED = 8  # each is one count of the query's words: a few ms at 10,000 clippings


def _prose_terms(q: wq.Query, reader: object) -> frozenset[str]:
    """The index terms of the prose fields that ``q`` looks for (not those it rules out):
    stems, and the words its prefixes, wildcards and fuzzy terms stand for."""
    found: set[str] = set()
    stack = [q]
    while stack:
        node = stack.pop()
        if isinstance(node, wq.Not):
            continue
        if isinstance(node, wq.AndNot):
            stack.append(node.a)
            continue
        children = list(node.children())
        if children:
            stack.extend(children)
            continue
        if getattr(node, "fieldname", None) not in PROSE_FIELDS:
            continue
        # not ``Query.existing_terms``: its loop variable shadows its ``fieldname`` argument.
        # Each segment on its own: a segment reader finds fuzzy terms with an automaton, the
        # reader of several segments by measuring every word (seconds on 10,000 clippings)
        for leaf, _ in reader.leaf_readers():
            for fieldname, term in node.expanded_terms(leaf, phrases=True):
                if fieldname in PROSE_FIELDS:
                    found.add(as_text(term))
    return frozenset(found)


def _content(p: Plan, languages: tuple[str, ...]) -> list[str]:
    """The plan's words that carry its meaning: not common words in ``languages``."""
    return [word for word in p.words if not is_common(fold(word), languages)]


# the table of contents of a Whoosh index's commit: ``_<index name>_<generation>.toc``
_TOC = re.compile(r"^_(clippings(\d+))_(\d+)\.toc$")


def _other_versions(path: Path) -> list[tuple[str, int]]:
    """The indexes of other schema versions in ``path`` (name and latest generation), the
    newest version first."""
    latest: dict[str, tuple[int, int]] = {}
    for file in path.iterdir():
        if (found := _TOC.match(file.name)) and found.group(1) != _INDEX_NAME:
            name, version, generation = found.group(1), int(found.group(2)), int(found.group(3))
            latest[name] = max(latest.get(name, (version, -1)), (version, generation))
    ordered = sorted(latest.items(), key=lambda item: item[1][0], reverse=True)
    return [(name, generation) for name, (_, generation) in ordered]


# a file (or a writer's temporary folder) of an index: ``[_]clippings<version>[_.]...``
_INDEX_FILE = re.compile(r"^_?(clippings\d+)[_.]")


def _remove_other_versions(path: Path) -> None:
    """Delete the files of the indexes made under other schema versions."""
    for file in path.iterdir():
        found = _INDEX_FILE.match(file.name)
        if found and found.group(1) != _INDEX_NAME:
            if file.is_dir():
                shutil.rmtree(file, ignore_errors=True)
            else:
                file.unlink(missing_ok=True)


@dataclass
class _Previous:
    """The index of another schema version, searched while this version's is being built."""

    ix: object
    toc: Path  # its last commit's table of contents: gone once another process retired it

    def retired(self) -> bool:
        return not self.toc.exists()


def _previous(storage: MappedStorage, path: Path) -> _Previous | None:
    """The newest other version's index in ``path`` if this version can search it (same
    fields, same formats: most schema versions change how words are analysed, not what is
    stored); else None, and the other versions' files are deleted."""
    others = _other_versions(path)
    for name, generation in others:
        try:
            ix = storage.open_index(name)
            with ix.searcher() as searcher:  # what every search reads, read once as a probe
                reader = searcher.reader()
                install_postings(reader)
                Column(reader, "date", 0, translate=False)
                Column(reader, "language", "")
                next(reader.all_doc_ids(), None)
        except Exception:
            break
        return _Previous(ix, path / f"_{name}_{generation}.toc")
    if others:
        _remove_other_versions(path)
    return None


# how long a process creating the index waits for another creating it at the same moment
# (creating an empty index takes milliseconds; the lock is the one every writer takes)
_CREATE_WAIT = 60.0


def _create(storage: MappedStorage, path: Path) -> None:
    """Create this schema version's empty index in ``path``, under the index's write lock:
    of processes opening a new archive at once, the first creates it and the others find it
    made (Whoosh's creation clears the folder of the index's files, and its table of contents
    is written once: a second creation would delete what the first's writer wrote, or fail on
    the first's table of contents)."""
    lock = storage.lock(f"{_INDEX_NAME}_WRITELOCK")
    if not try_for(lock.acquire, timeout=_CREATE_WAIT, delay=0.05):
        raise IndexBusy(f"the index is busy being created; waited {_CREATE_WAIT:.0f} s")
    try:
        if not storage.index_exists(_INDEX_NAME):
            storage.create_index(SCHEMA, indexname=_INDEX_NAME).close()
            Words.fresh(path / "words")
    finally:
        lock.release()


class Index:
    """The Whoosh index in ``path`` (created empty if missing or of another schema).

    After an upgrade to a new schema version, the index of the version before is searched (if
    it can be) until the new one holds every clipping (``complete``): the archive stays
    searchable while its new index is built.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        storage = MappedStorage(str(path))
        if not storage.index_exists(_INDEX_NAME):
            _create(storage, path)
        self._ix = storage.open_index(_INDEX_NAME)
        self._words = Words(path / "words")
        self._merger = Merger(path, _INDEX_NAME)
        self._previous = _previous(storage, path)
        self._searcher: Searcher | None = None
        # what is read from the current searcher once and kept until it is replaced: columns,
        # date filters, facet columns, languages, vocabularies (see ``_kept``)
        self._derived: dict[object, object] = {}

    def close(self) -> None:
        self._merger.stop()
        self._close_searcher()
        if self._previous is not None:
            self._previous.ix.close()
        self._ix.close()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    @property
    def outdated(self) -> bool:
        """Whether searches read another schema version's index (until ``complete``)."""
        return self._previous is not None

    def complete(self) -> None:
        """This version's index now holds every clipping: searches switch to it and the
        other versions' indexes are deleted."""
        if self._previous is None:
            return
        self._close_searcher()
        self._previous.ix.close()
        self._previous = None
        _remove_other_versions(self.path)

    # -- reading -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher on the latest commit (reused while nothing changed), of the previous
        version's index while there is one (see ``complete``)."""
        if self._previous is not None and self._previous.retired():  # by another process
            self._close_searcher()
            self._previous.ix.close()
            self._previous = None
        if self._searcher is not None and not self._searcher.up_to_date():
            # a new searcher, not ``refresh()``: Whoosh's refresh fails on an empty index and
            # can count documents twice after a commit that replaced every segment
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            ix = self._ix if self._previous is None else self._previous.ix
            self._searcher = _open_searcher(ix)
            install_postings(self._searcher.reader())
            self._derived = {}
        return self._searcher

    def _kept(self, key: object, make: Callable[[Searcher], T]) -> T:
        """``make(searcher)`` for the current searcher, made once and kept until a commit
        replaces the searcher."""
        if key not in self._derived:
            self._derived[key] = make(self._current())
        return self._derived[key]  # type: ignore[return-value]

    def _current(self) -> Searcher:
        """The searcher of the call under way: ``searcher()`` is asked once, where a call
        starts; a commit in the middle of a search must not close the searcher it reads."""
        return self._searcher if self._searcher is not None else self.searcher()

    def doc_count(self) -> int:
        """How many clippings this version's index holds."""
        if self._previous is None:
            return self.searcher().doc_count()
        return self._ix.doc_count()

    def searchable(self) -> int:
        """How many clippings searches can find (the previous version's, while it is read)."""
        return self.searcher().doc_count()

    def ids(self) -> set[int]:
        """The ids of the clippings this version's index holds."""
        return set(self._all_ids())

    def duplicates(self) -> set[int]:
        """The ids held by more than one entry of this version's index (none, unless a
        damaged index or a bug put them there)."""
        seen: set[int] = set()
        twice: set[int] = set()
        for clipping_id in self._all_ids():
            (twice if clipping_id in seen else seen).add(clipping_id)
        return twice

    def _all_ids(self) -> list[int]:
        if self._previous is None:
            return _ids(self.searcher().reader())
        with self._ix.searcher() as searcher:
            return _ids(searcher.reader())

    def search(
        self,
        text: str,
        *,
        limit: int | None = 20,
        offset: int = 0,
        sort: str = "relevance",
        texts: Callable[[list[int]], dict[int, str]] | None = None,
        as_you_type: bool = False,
    ) -> IndexResults:
        """Run the query; returns the total number of matches and hits ``offset`` to
        ``offset + limit`` (all of them when ``limit`` is None).

        ``texts`` gives the bodies of the hits, for their snippets (the index stores no text).
        When no clipping has every word of a query of several words, the hits are those with
        some of them, the most first (``partial``).
        """
        if sort not in SORTS:
            raise ClippingsError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        by_relevance = sort == "relevance" and bool(text.strip())
        searcher = self.searcher()  # the latest commit, for the whole search
        p = plan(text, as_you_type=as_you_type)  # the one reading of the text
        q = self._whoosh(p)
        if by_relevance:
            q = self._title_first(p, q)
        end = None if limit is None else offset + limit
        partial = False
        if by_relevance:
            languages = self.languages()
            # what ranks the hits beyond BM25 (words close together, feedback) reads the words
            # that carry the query's meaning: its common words only when it has no two others
            content = _content(p, languages)
            meant = content if len(content) >= 2 else p.words
            words = [forms(word, languages) for word in meant]
            # long queries (a question, a pasted paragraph): RM3 feedback re-scores the first hits
            asks = len(content)
            feedback = not as_you_type and texts is not None and ranking.wants_feedback(asks)
            depth = None if end is None else max(end, RERANK, feedback * ranking.FEEDBACK_DEPTH)
            results, total = self._run(q, limit=depth)
            slip: list[list[str]] = []
            if results.is_empty() and p.loose is not None:
                # (a word still being typed is no sign that no clipping has every word)
                q, partial = self._title_first(p, self._expanded(p, p.loose)), not p.unfinished
                results, total = self._run(q, limit=depth)
                if p.quoted and p.phrases:  # a quoted phrase, remembered with a slip
                    slip = [forms(word, languages) for word in max(p.phrases, key=len)]
            if feedback and (rescored := ranking.rerank(searcher, results.top_n, texts, asks)):
                results.top_n = rescored  # Whoosh's Results make their hits from this list
            page = self._reranked(results, words, depth=max(end or 0, RERANK), phrase=slip)
            page = page[offset:end]
        else:
            field, newest = ("saved", True) if sort == "saved" else ("date", sort != "oldest")
            page, total = self._by_date(q, end, newest=newest, field=field)
            if not total and p.loose is not None and text.strip():
                # no clipping has every word: by date too, those with some of them
                q, partial = self._expanded(p, p.loose), not p.unfinished
                page, total = self._by_date(q, end, newest=newest, field=field)
            page = page[offset:end]
        reader = searcher.reader()
        languages = self._column("language", "")
        hits = [IndexHit(id=int(hit["id"]), score=hit.score or 0.0) for hit in page]
        bodies = texts([h.id for h in hits]) if texts and hits else {}
        # the query's words (as index terms): what each body is highlighted with; a body only
        # holds those its clipping matched (matched terms per hit would cost Whoosh a record
        # of every match, and its skipping of blocks that cannot reach the top)
        terms = _prose_terms(q, reader) if bodies else frozenset()
        for hit, whoosh_hit in zip(hits, page, strict=True):
            body = bodies.get(hit.id, "")
            language = as_text(languages[whoosh_hit.docnum])
            hit.snippet, hit.highlights = snippet(body, terms, language)
            if not hit.snippet:
                hit.snippet = lead(body)
        partial = partial and total > 0
        return IndexResults(total, hits, partial, p.quoted if partial else 0, p.too_short)

    def _reranked(
        self,
        results: object,
        words: list[list[str]],
        *,
        depth: int,
        phrase: list[list[str]] | None = None,
    ) -> list[object]:
        """The first ``depth`` hits of ``results``, the query's ``words`` close together
        first, equal scores newest first (see ``archive.index.proximity``); then the rest.
        ``phrase``: a quoted phrase none holds as written, whose pairs of words side by side
        lift the hits that hold them (see ``proximity.in_order``)."""
        hits, rest = list(results[:depth]), list(results[depth:])
        reader = self._current().reader()
        docnums = [hit.docnum for hit in hits]
        near = proximity(reader, docnums, words)
        order = in_order(reader, docnums, phrase) if phrase else {}
        dates = self._column("date", 0, translate=False)
        for hit in hits:
            hit.score = boosted(hit.score or 0.0, near.get(hit.docnum, 0.0))
            hit.score *= 1.0 + IN_ORDER_WEIGHT * order.get(hit.docnum, 0.0)
        # equal scores and dates: the older clipping first, whatever the index's segments (a
        # clipping updated moves to a newer segment, and Whoosh's own order with it)
        hits.sort(key=lambda hit: (-round(hit.score, 6), -(dates[hit.docnum] or 0), int(hit["id"])))
        return hits + rest

    def _by_date(
        self, q: wq.Query, end: int | None, *, newest: bool, field: str = "date"
    ) -> tuple[list, int]:
        """The first ``end`` hits of ``q`` (all if None) by the date ``field`` (``date``, the
        one shown; ``saved``), equal dates by id (the later first when newest first), and the
        total: the same order whatever the index's segments. Whoosh breaks ties by document
        number, which a clipping's update changes, so the hits around the ``end``-th are
        fetched until its whole group of equal dates is in hand."""
        dates = self._column(field, 0, translate=False)
        want = end
        while True:
            results, total = self._run(q, limit=want, sortedby=field, reverse=newest)
            hits = list(results)
            if want is None or len(hits) < want or not hits:
                break
            last = dates[hits[min(end or 0, len(hits)) - 1].docnum]
            if dates[hits[-1].docnum] != last:
                break  # the group of the last date shown ends among these
            want *= 2

        def key(hit: object) -> tuple[int, int]:  # newest first: the later of equal dates too
            date, clipping_id = dates[hit.docnum] or 0, int(hit["id"])
            return (-date, -clipping_id) if newest else (date, clipping_id)

        hits.sort(key=key)
        return hits, total

    def _matching(self, q: wq.Query) -> set[int]:
        """The docnums of every match of ``q`` (no scores)."""
        searcher = self._current()
        rest, ranges = split_dates(q)
        docs = matching(searcher, rest)
        return docs & self._dates().allowed(ranges) if ranges else docs

    def _column(self, name: str, default: object, *, translate: bool = True) -> Column:
        """The column ``name`` of the current searcher (read once per searcher)."""
        return self._kept(
            ("column", name, translate),
            lambda searcher: Column(searcher.reader(), name, default, translate=translate),
        )

    def _dates(self) -> DateFilters:
        return self._kept("dates", DateFilters)

    def _facet_counter(self) -> FacetCounter:
        return self._kept("facets", FacetCounter)

    def _run(
        self, q: wq.Query, *, limit: int | None, sortedby: str | None = None, reverse: bool = False
    ) -> tuple[Results, int]:
        """Search for ``q``: its hits and how many documents it matches. Its required date
        ranges are answered by cached filters (see ``archive.index.dates``)."""
        searcher = self._current()
        rest, ranges = split_dates(q)
        allowed = self._dates().allowed(ranges) if ranges else None
        if allowed is not None and not allowed:
            # (an empty filter is no filter to Whoosh: nothing allowed is searched as nothing)
            rest = wq.NullQuery
        if sortedby is not None or limit is None:
            results = searcher.search(
                rest, limit=limit, sortedby=sortedby, reverse=reverse, filter=allowed or None
            )
        else:
            # a phrase (or a span, a range): no block of it can be skipped, so its search meets
            # every match anyway, and counting them again would cost as much as the search.
            # Then nothing is pruned either: Whoosh's ``replace`` drops the parts of a query
            # that can no longer reach the top, and with them matches from the count
            exact = not countable(rest)
            collector = TopCollector(limit, usequality=not exact, replace=0 if exact else PRUNE)
            if allowed:
                collector = FilterCollector(collector, allowed)
            searcher.search_with_collector(rest, collector)
            results = collector.results()
            if exact:
                return results, len(results)
        # counted apart: Whoosh counts the matches of a search that skipped blocks by walking
        # every one of them again; set algebra over the postings is quicker (archive.index.matches)
        if allowed is None:
            return results, count(searcher, rest)
        return results, len(matching(searcher, rest) & allowed)

    def _title_first(self, p: Plan, q: wq.Query) -> wq.Query:
        """``q``, with a hit that has a title equal to the query (quoted or not, any of its
        title's forms) scored first."""
        if not p.title or ("title_exact", p.title) not in self._current().reader():
            return q
        # an unscored field: the term adds its boost (ConstantScoreQuery loses its score when
        # Whoosh records matched terms)
        return wq.AndMaybe(q, wq.Term("title_exact", p.title, boost=EXACT_TITLE_SCORE))

    def languages(self) -> tuple[str, ...]:
        """The languages a query's words are read in (see ``analysis.search_languages``)."""
        return self._kept(
            "languages",
            lambda searcher: search_languages(
                {as_text(code) for code in searcher.reader().lexicon("language")}
            ),
        )

    def similar(self, clipping: Clipping, *, limit: int = 10) -> list[IndexHit]:
        """The clippings most like ``clipping`` (not itself), closest first: its most telling
        words (Bo1, against the whole archive's), searched in titles and bodies."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=str(clipping.id))  # (an older version: None)
        text = mark(clipping.language, f"{clipping.title}\n{clipping.title}\n{clipping.text}")
        if not text:
            return []
        found = searcher.key_terms_from_text("body", text, numterms=SIMILAR_TERMS, model=Bo1Model)
        # numbers and single letters tell nothing of a subject (a page of tables and code:
        # "00", "2020", "f"), and would match any other page of figures; nor do common words
        # ("the", "and", "many": every page has them)
        common = common_terms(clipping.language)
        words = [(w, weight) for w, weight in found if _TELLING.search(w) and w not in common]
        words = words[:SIMILAR_WORDS]
        if not words:
            return []
        q = wq.Or(
            [
                wq.Term(field, word, boost=weight)
                for word, weight in words
                for field in ("title", "body")
            ]
        )
        # (itself too: the score it has against its own words is the measure of a close one)
        results = searcher.search(q, limit=limit * 3 + 1, terms=True)
        itself = next((hit.score for hit in results if hit.docnum == docnum), None)
        floor = (itself or 0.0) * SIMILAR_SCORE
        # a page that shares a few of its telling words ("list", "crash") is not like it; a
        # short clipping, of few words, asks for as large a part of them
        shared = min(SIMILAR_SHARED, max(2, -(-len(words) * SIMILAR_SHARED // SIMILAR_WORDS)))
        alike = [
            hit
            for hit in results
            if hit.docnum != docnum
            and (hit.score or 0.0) >= floor
            and len({t for _, t in hit.matched_terms()}) >= shared
        ]
        return [IndexHit(id=int(hit["id"]), score=hit.score or 0.0) for hit in alike[:limit]]

    def facets(
        self, text: str, *, top: int = 12, as_you_type: bool = False
    ) -> dict[str, list[tuple[str, int]]]:
        """For each facet (site, year, tag, language): its most frequent values among the
        matches of ``text``, with their counts, most frequent first (years: newest first).
        When no clipping has every word, among those with some, as the search lists them."""
        self.searcher()  # the latest commit, for the whole call
        p = plan(text, as_you_type=as_you_type)
        docs = self._matching(self._whoosh(p))
        if not docs and p.loose is not None:  # as the search does: those with some words
            docs = self._matching(self._expanded(p, p.loose))
        counts_of = self._facet_counter().count(docs)
        found: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            counts = list(counts_of[name].items())
            if name == "year":
                counts.sort(key=lambda item: item[0], reverse=True)
            else:
                counts.sort(key=lambda item: (-item[1], item[0].lower()))
            found[name] = counts[:top]
        return found

    def suggest(self, text: str, *, as_you_type: bool = False) -> str | None:
        """``text`` with its misspelt words replaced by the archive's own nearest words, or None
        when every word is known (or nothing better is found). ``as_you_type``: the word being
        typed is known when a word of the archive begins with it ("korea dat" is no "day")."""
        reader = self.searcher().reader()
        written = self._words
        languages = self.languages()
        changed = False
        words = [m.group(0) for m in _BARE_WORD.finditer(text) if m.group(0) not in _OPERATORS]
        known = [w for w in words if _known(reader, written, _folded_name(w), languages)]
        typed = typed_word(text) if as_you_type else None
        if typed and written.begins(_folded_name(typed)):
            known.append(typed)
        context: set[int] | None = None

        def beside(candidate: str) -> int:
            nonlocal context
            if context is None:
                context = self._matching(self._query(" ".join(known)))
            return len(self._matching(self._query(candidate)) & context)

        def fix(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group(0)
            folded = _folded_name(word)
            if word in _OPERATORS or word in known:
                return word
            best = _nearest(reader, written, folded, languages, beside if known else None)
            if best:
                changed = True
                return best
            return word

        suggestion = _BARE_WORD.sub(fix, text)
        return suggestion if changed else None

    def words_matching(
        self, text: str, body: str, *, language: str = "", as_you_type: bool = False
    ) -> set[str]:
        """The words of ``body`` (lower-cased; in ``language``) that the query ``text`` matches,
        to highlight them in the reader: stems, prefixes, fuzzy terms and phrases included."""
        reader = self.searcher().reader()
        terms = _prose_terms(self._query(text, as_you_type), reader)
        return matching_words(" ".join(body.split()), terms, language) if terms else set()

    def _query(self, text: str, as_you_type: bool = False) -> wq.Query:
        """The Whoosh query for ``text`` (see ``_whoosh``)."""
        return self._whoosh(plan(text, as_you_type=as_you_type))

    def _whoosh(self, p: Plan) -> wq.Query:
        """The Whoosh query of a plan: its words read in each language of the archive and its
        prefixes, wildcards and misspellings turned into the words they stand for (see
        ``expand_patterns``)."""
        return wq.Every() if p.empty else self._expanded(p, p.parsed)

    def _expanded(self, p: Plan, parsed: wq.Query) -> wq.Query:
        """``parsed`` (the plan's query or its loose form) as index terms. A question or a
        pasted paragraph (``ranking.FEEDBACK_MIN_WORDS`` content words or more) is searched
        without its free common words, which only add noise to the words that carry it
        (nDCG@10: MED 0.757 -> 0.747 with them, CISI 0.352 -> 0.334); a few words typed keep
        every word, and a phrase always does."""
        reader = self._current().reader()
        languages = self.languages()
        if len(_content(p, languages)) >= ranking.FEEDBACK_MIN_WORDS:
            parsed = without_words(parsed, lambda word: is_common(fold(word), languages))
        return expand_patterns(
            expand(parsed, languages),
            reader,
            languages,
            typed=fold(p.typed) if p.typed else None,
            fuzzy_words=self._fuzzy_words,
            written=self._words.within,
        )

    def _fuzzy_words(self, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str] | None:
        """The words of ``fieldname`` within ``maxdist`` edits of ``text``, from vocabularies
        kept in memory; or None (walk the segments) the first time a searcher is asked: a
        process that asks once (``clippings search``) need not read a whole vocabulary."""
        if not self._derived.get("fuzzy asked"):
            self._derived["fuzzy asked"] = True
            return None
        vocabularies = self._kept("vocabularies", lambda searcher: Vocabularies(searcher.reader()))
        return vocabularies.within(fieldname, text, maxdist, prefix)

    # -- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(
        self, *, timeout: float = 60.0, clear: bool = False, procs: int = 1
    ) -> Iterator[IndexWriter]:
        """The one writer; waits up to ``timeout`` seconds for another process's to finish.

        With ``clear``, the commit replaces the whole index with what this writer added. With
        ``procs`` above 1, that many processes analyse and write what is added, each its own
        segment (see ``parallel``).
        """
        # Whoosh's write lock taken here, not by its writer: a writer that fails to start (a
        # full disk) would keep it until this process ends
        lock = self._ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=timeout, delay=0.25):
            raise IndexBusy(
                f"the index is busy (another import or reindex is running); waited {timeout:.0f} s"
            )
        try:
            # segments as separate files, not one compound file: Whoosh opens a part of a
            # compound file by copying it into memory (1 s and ~1 GB for the terms of 100,000
            # clippings, at every new searcher); separate files are read in place
            if procs > 1:
                raw = ParallelWriter(self._ix, procs, _lk=False, compound=False)
            else:
                raw = self._ix.writer(_lk=False, compound=False)
        except BaseException:
            lock.release()
            raise
        raw.writelock = lock  # released when the writer commits or is cancelled
        try:
            writer = IndexWriter(raw)
            yield writer
            # the words first: a kill between the commits leaves words of clippings that are
            # indexed again (the journal), never indexed clippings whose words are missing
            self._words.add(writer.words, clear=clear)
            crash_point("index.before")
            # tiny segments merged in the commit, the others by a merger process after it
            raw.commit(mergetype=CLEAR if clear else inline)
        except BaseException:
            _abandon(raw)
            raise
        crash_point("index.after")
        self.start_merges()

    def start_merges(self) -> None:
        """Start this process's merger if segments are due to be merged (see ``merging``)."""
        self._merger.start(self._ix._read_toc().segments)

    def merging(self) -> bool:
        """Whether this process's merger is merging the index's segments (see ``merging``)."""
        return self._merger.running()

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Wait for this process's merger to end; whether it has."""
        return self._merger.wait(timeout)

    def rebuild(
        self,
        clippings: Iterable[Clipping],
        *,
        timeout: float = 60.0,
        progress: Callable[[int], None] | None = None,
        procs: int = 1,
    ) -> int:
        """Replace the index with one made from ``clippings`` in one commit: searchers see the
        old index or the new one, never half of it; ``procs`` processes write it. Returns how
        many were indexed, telling ``progress`` the count every ``REBUILD_STEP`` (as they are
        handed to the writing processes, which write them soon after)."""
        count = 0
        with self.writer(timeout=timeout, clear=True, procs=procs) as writer:
            for clipping in clippings:
                writer.add(clipping, new=True)
                count += 1
                if progress and count % REBUILD_STEP == 0:
                    progress(count)
            if progress:
                progress(count)
        self.complete()
        return count

    def destroy(self) -> None:
        """Remove the index files (it is derived data; ``rebuild`` makes it again)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


# tries at opening a searcher whose files another process's commit deleted meanwhile (a
# merge's: Whoosh reads the table of contents, then opens each segment's files)
_OPEN_TRIES = 5


def _open_searcher(ix: object) -> Searcher:
    """A searcher on ``ix``'s latest commit, read again if a commit retired one of its
    segments while it was opened."""
    for _ in range(_OPEN_TRIES - 1):
        with contextlib.suppress(FileNotFoundError):
            return ix.searcher(weighting=ranking.weighting())
    return ix.searcher(weighting=ranking.weighting())


def _ids(reader: object) -> list[int]:
    """The id of every live entry of ``reader``."""
    return [int(fields["id"]) for _, fields in reader.iter_docs()]


def _abandon(raw: object) -> None:
    """Cancel a writer whose work or commit failed, its lock released whatever happens."""
    if getattr(raw, "is_closed", True):
        return
    try:
        raw.cancel()
    except Exception:  # a disk that refused the commit may refuse the clean-up: the lock goes
        lock = getattr(raw, "writelock", None)
        if lock is not None and getattr(lock, "fd", None) is not None:
            with contextlib.suppress(Exception):
                lock.release()


class IndexWriter:
    """Adds and removes clippings inside one commit."""

    def __init__(self, raw: object) -> None:
        self.raw = raw
        self.words: set[str] = set()  # the words of the clippings added, as written

    def add(self, clipping: Clipping, *, new: bool = False) -> None:
        """Index ``clipping`` in place of the one of its id (``new``: there is none)."""
        doc = document(clipping)
        self.raw.add_document(**doc) if new else self.raw.update_document(**doc)
        # (every form of the title: the words ``schema.title_text`` joins, without joining them)
        self.words |= words_of("\n".join([clipping.title, *clipping.titles, clipping.text]))

    def delete(self, clipping_id: int) -> None:
        self.raw.delete_by_term("id", str(clipping_id))
