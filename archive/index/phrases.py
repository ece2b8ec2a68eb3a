"""A phrase matched by its words' positions as sets.

Whoosh matches a phrase (``"driven to now"``) by intersecting its words' postings and, for each
document they share, building a span object for every position of every word and pairing them
in Python. A phrase holding a common word ("to", "of") meets thousands of shared documents, each
with dozens of positions of that word: 40,000 spans for 2,000 documents, 65 ms of a search at
10,000 clippings.

An exact phrase (words side by side, in order: ``slop`` 1, what a quoted phrase means) starts
at position ``p`` when its ``k``-th word is at ``p + k`` for every ``k``: the intersection of
each word's positions minus its place, done with sets, the word in the fewest clippings
first, stopping as soon as it is empty. Lucene's exact phrase matcher leads by its
rarest word the same way. The documents matched, their order and their scores (the sum of the
words' scores, as Whoosh's) stay those of Whoosh's phrase; a phrase with slop is left to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate
from pickle import loads

from whoosh import matching
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.query.spans import Span
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE


class ExactPhrase(wq.Phrase):
    """``Phrase`` whose words side by side (``slop`` 1) are matched by ``PhraseMatcher``."""

    def matcher(self, searcher: Searcher, context: object = None) -> matching.Matcher:
        if self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # (Whoosh says why it can't)
        reader = searcher.reader()
        terms, sizes = [], []
        for word in self.words:
            try:
                key = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, key) not in reader:
                return matching.NullMatcher()  # a word the field never holds
            terms.append(wq.Term(fieldname, word))
            sizes.append(reader.doc_frequency(fieldname, key))
        m = PhraseMatcher([term.matcher(searcher, context) for term in terms], sizes)
        return m if self.boost == 1.0 else matching.WrappingMatcher(m, boost=self.boost)


class PhraseMatcher(matching.Matcher):
    """The documents where ``ms`` (one matcher per word, in the phrase's order) stand side by
    side, scored as Whoosh's phrase scores them: the sum of the words' scores, added up in
    the order of its tree of intersections (the same float)."""

    def __init__(self, ms: list[matching.Matcher], sizes: list[int]) -> None:
        self._ms = ms
        # the rarest word leads the walk; the others are skipped to its documents
        self._order = sorted(range(len(ms)), key=lambda k: sizes[k])
        self._lead, self._others = ms[self._order[0]], [ms[k] for k in self._order[1:]]
        self._spans: list[Span] = []
        self._active = all(m.is_active() for m in ms)
        if self._active:
            self._find()

    def _find(self) -> None:
        """From where the lead stands, on to the next document that holds the phrase."""
        lead, others = self._lead, self._others
        while lead.is_active():
            doc = lead.id()
            for m in others:
                if m.id() < doc:
                    m.skip_to(doc)
                    if not m.is_active():
                        self._active = False
                        return
                if m.id() > doc:
                    lead.skip_to(m.id())
                    break
            else:
                self._spans = self._side_by_side()
                if self._spans:
                    return
                lead.next()
        self._active = False

    def _side_by_side(self) -> list[Span]:
        ms = self._ms
        starts: set[int] = set()
        for n, k in enumerate(self._order):  # the rarest word first: the smallest set, mostly
            at = {position - k for position in _positions(ms[k])}
            starts = at if n == 0 else starts & at
            if not starts:
                return []
        last = len(ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]

    # -- the Matcher interface ---------------------------------------------------------------

    def is_active(self) -> bool:
        return self._active

    def id(self) -> int:
        return self._lead.id()

    def next(self) -> None:
        if self._active:
            self._lead.next()
            self._find()

    def skip_to(self, target: int) -> None:
        if self._active and target > self._lead.id():
            self._lead.skip_to(target)
            self._find()

    def score(self) -> float:
        return _tree_sum([m.score() for m in self._ms])

    def spans(self) -> list[Span]:
        return self._spans

    def supports(self, astype: str) -> bool:
        return False

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return _tree_sum([m.max_quality() for m in self._ms])

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self._active else matching.NullMatcher()

    def children(self) -> list[matching.Matcher]:
        return list(self._ms)

    def copy(self) -> PhraseMatcher:
        twin = object.__new__(PhraseMatcher)
        twin.__dict__.update(self.__dict__)
        twin._ms = [m.copy() for m in self._ms]
        twin._lead = twin._ms[self._order[0]]
        twin._others = [twin._ms[k] for k in self._order[1:]]
        return twin

    def reset(self) -> None:
        for m in self._ms:
            m.reset()
        self._active = all(m.is_active() for m in self._ms)
        if self._active:
            self._find()

    def __repr__(self) -> str:
        return f"PhraseMatcher({self._ms!r})"


def _positions(m: matching.Matcher) -> Iterable[int]:
    """A word's positions in the matcher's document: Whoosh's ``Positions`` format read with
    its gaps added up in C (its own decoder adds them in a Python loop); another format as
    Whoosh reads it."""
    if type(getattr(m, "format", None)) is not Positions:
        return m.value_as("positions")
    value = m.value()
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))


def _tree_sum(values: list[float]) -> float:
    """``values`` added up as Whoosh's binary tree of intersections adds its two halves."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
