"""Every document a query matches, unscored: what a search's total and its facets count.

Whoosh finds them with the query's matcher tree, one posting at a time in Python
(``docs_for_query``): about 60 ms for a common word's 25,000 matches over 100,000 clippings,
as long as the search itself. Here the usual shapes of a query are answered with set algebra:
a word's postings are read a block at a time into a set, ``OR`` is a union, ``AND`` an
intersection, ``NOT`` a difference. Any other query (phrases, ranges, spans) is left to its
own matcher, inside the sets.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher, ListMatcher, Matcher, NullMatcher, NullMatcherClass
from whoosh.searching import Searcher


def countable(q: wq.Query) -> bool:
    """Whether set algebra answers every part of ``q`` (no phrase, range or span in it)."""
    if isinstance(q, wq.Term) or q is wq.NullQuery:
        return True
    if isinstance(q, AnyOf):
        return countable(q.child)
    if isinstance(q, wq.Every):
        return not q.fieldname
    if isinstance(q, (wq.Or, wq.DisjunctionMax, wq.And)):
        return all(countable(sub) for sub in q.subqueries)
    if isinstance(q, wq.AndMaybe):
        return countable(q.a)
    if isinstance(q, wq.AndNot):
        return countable(q.a) and countable(q.b)
    return False


def matching(searcher: Searcher, q: wq.Query) -> set[int]:
    """The (index-wide) numbers of the documents ``q`` matches, deleted ones left out."""
    found: set[int] = set()
    for offset, docs in _per_segment(searcher, q):
        found.update(docs if offset == 0 else (doc + offset for doc in docs))
    return found


def count(searcher: Searcher, q: wq.Query) -> int:
    """How many documents ``q`` matches (``len(matching(...))``, without numbering them
    index-wide: segments hold disjoint documents)."""
    return sum(len(docs) for _, docs in _per_segment(searcher, q))


def _per_segment(searcher: Searcher, q: wq.Query) -> Iterator[tuple[int, set[int]]]:
    subsearchers = searcher.subsearchers or [(searcher, 0)]
    for sub, offset in subsearchers:
        yield offset, _docs(sub, q)


def _docs(searcher: Searcher, q: wq.Query) -> set[int]:
    """The segment-local numbers of the documents ``q`` matches in one segment's searcher."""
    if isinstance(q, wq.Term):
        return _term(searcher, q)
    if isinstance(q, AnyOf):
        return q.docs_in(searcher)
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        found: set[int] = set()
        # the largest first, and done once every document of the segment is in: a common word
        # typed is an OR of 300 terms (its stems and completions, in each field), the first
        # few of which hold every clipping ("the" as you type: 15 ms of 105 at 10,000)
        every = searcher.reader().doc_count()
        for child in sorted(q.subqueries, key=lambda sub: -_estimate(searcher, sub)):
            found |= _docs(searcher, child)
            if len(found) >= every:
                break
        return found
    if isinstance(q, wq.And):
        found = set()
        # the rarest first: each intersection can only shrink what is left
        for i, child in enumerate(sorted(q.subqueries, key=lambda sub: _estimate(searcher, sub))):
            docs = _docs(searcher, child)
            found = docs if i == 0 else found & docs
            if not found:
                break
        return found
    if isinstance(q, wq.AndMaybe):
        return _docs(searcher, q.a)
    if isinstance(q, wq.AndNot):
        found = _docs(searcher, q.a)
        return found - _docs(searcher, q.b) if found else found
    if isinstance(q, wq.Every) and not q.fieldname:
        return set(searcher.reader().all_doc_ids())
    if q is wq.NullQuery:
        return set()
    return set(q.docs(searcher))


def _estimate(searcher: Searcher, q: wq.Query) -> int:
    try:
        return q.estimate_min_size(searcher.reader())
    except Exception:  # an estimate is only an order: a query that cannot tell goes last
        return 1 << 62


def _term(searcher: Searcher, q: wq.Term) -> set[int]:
    reader = searcher.reader()
    if (q.fieldname, q.text) not in reader:
        return set()
    return _ids(reader.postings(q.fieldname, q.text))


def _ids(matcher: object) -> set[int]:
    """The ids of a fresh matcher's postings: block by block for Whoosh's own leaf matcher
    (with a segment's deletions, it comes wrapped in a ``FilterMatcher``)."""
    if isinstance(matcher, NullMatcherClass):
        return set()
    if isinstance(matcher, FilterMatcher):
        ids = _ids(matcher.child)
        allowed = matcher._ids
        return ids - set(allowed) if matcher._exclude else ids & set(allowed)
    if not isinstance(matcher, W3LeafMatcher):
        return set(matcher.all_ids())
    found: set[int] = set()
    # each block whole (a fresh matcher is at the start of its first): only its numbers are
    # read (see ``archive.index.postings``)
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        found.update(matcher._ids)
        matcher._next_block()
    return found


class AnyOf(wq.ConstantScoreQuery):
    """The documents that hold any of the words ``child`` (an OR of terms) looks for, each
    scored ``score``, however many of them it holds: Lucene's constant-score rewrite of a
    prefix or a wildcard (and Whoosh's own default for them). Scored word by word, "cr*"
    ranked a page for holding many different words that begin with "cr" (crisis, crew,
    critic...) rather than for the query's other words, and "a*" scored 190,000 postings
    one by one at 10,000 clippings (half a second); here they are a set of documents, read
    a block at a time."""

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        docs = self.docs_in(searcher)
        return _Listed(sorted(docs), all_weights=self.score) if docs else NullMatcher

    def docs_in(self, searcher: Searcher) -> set[int]:
        """The documents matched in ``searcher``'s segment(s), found once per reader: a
        search and its count ask for the same."""
        found = self.__dict__.setdefault("_found", {})
        reader = searcher.reader()
        if reader not in found:
            found[reader] = _docs(searcher, self.child)
        return found[reader]


class _Listed(ListMatcher):
    """Whoosh's matcher of a list of documents, skipping by bisection (its own steps one by
    one)."""

    def skip_to(self, id: int) -> None:
        if self.is_active() and id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def copy(self) -> _Listed:
        return _Listed(self._ids, position=self._i, all_weights=self._all_weights)
