"""An OR of words that skips the documents that cannot reach the top hits: MaxScore.

A word of a query is an OR of its terms: its stem in each language of the archive, in each
field (``title:time OR body:time OR body:tim OR site:times …``). Whoosh matches an OR with a
tree of two-way unions, which visits every document of every term until the top hits' lowest
score makes a whole branch useless; and the branches pair terms by size, not by what they can
add. For a word found in 88% of 100,000 clippings it visited 9,000 documents and stepped
through the body's postings one by one.

MaxScore (Turtle and Flood, 1995; Lucene's way of scoring ORs) sorts the terms by the most each
can add to a score. Once the top hits' lowest score is known, the terms whose maxima add up to
no more than it are "non-essential": a document that has only those cannot reach the top. Only
the essential terms' postings are walked; a non-essential term is looked up for a document
only while it could still lift it into the top (the body's "time", at most 0.5 against a
lowest score of 19, is seldom read at all), by its blocks' last numbers and a bisection
(``archive.index.postings``).

The matches are those of Whoosh's OR, and their scores the same sums, as long as nothing is
asked to be pruned (``replace`` is never called with a positive score): the count, sorted
searches and ``docs()`` see every match.
"""

from __future__ import annotations

from bisect import bisect_right
from heapq import heapify, heappop, heappush
from itertools import accumulate

from whoosh import query as wq
from whoosh.matching import Matcher, NullMatcher
from whoosh.searching import Searcher

# scores are sums of floats added up in another order than Whoosh's tree: a document whose
# bound falls within this (relative) distance of the lowest top score is scored, not dropped
_SLACK = 1e-9


class TermsOr(wq.Or):
    """``Or`` of terms, matched with ``MaxScoreMatcher``."""

    def _matcher(self, subs: list[wq.Query], searcher: Searcher, context: object) -> Matcher:
        # the boost applied inside: Whoosh's ``WrappingMatcher`` passes the threshold on to
        # what it wraps unscaled, so a boosted OR would drop documents that reach the top
        return MaxScoreMatcher([q.matcher(searcher, context) for q in subs], boost=self.boost)


class MaxScoreMatcher(Matcher):
    """The union of ``children``, scored as the sum of theirs times ``boost``, skipping
    documents whose score cannot exceed the threshold set by ``replace`` (none skipped while it
    is 0)."""

    def __init__(self, children: list[Matcher], *, boost: float = 1.0) -> None:
        active = sorted(
            (c for c in children if c.is_active()), key=lambda child: child.max_quality()
        )
        self._children = active
        # _bounds[i]: the most the first i children (the least telling) can add up to
        self._bounds = list(accumulate((c.max_quality() for c in active), initial=0.0))
        self._boost = boost
        self._threshold = 0.0  # (without the boost, as the children's scores)
        self._essential = 0  # children from this one on are walked; those before, looked up
        self._heap: list[tuple[int, int]] = []  # (document, child) of the walked, least first
        self._gather()
        self._id: int | None = None
        self._score = 0.0
        self._find()

    def _gather(self) -> None:
        """The heap of the essential children where they stand (after the threshold moved)."""
        children = self._children
        self._heap = [
            (children[i].id(), i)
            for i in range(self._essential, len(children))
            if children[i].is_active()
        ]
        heapify(self._heap)

    # -- the walk ----------------------------------------------------------------------------

    def _find(self) -> None:
        """Move to the first document the essential children are at that could exceed the
        threshold (they are moved past it); its whole score is worked out. The essential
        children wait in a heap by their next document (Lucene's way): a document costs the
        children found on it, not a look at every one (a word being typed stands for 8 words
        in each field and language: 50 children, most of them elsewhere)."""
        children, bounds, first, heap = self._children, self._bounds, self._essential, self._heap
        pruning = self._threshold > 0
        limit = self._threshold - _SLACK * max(1.0, self._threshold)
        while True:
            if not heap:
                self._id = None
                return
            doc = heap[0][0]
            found = [heappop(heap)[1]]
            while heap and heap[0][0] == doc:
                found.append(heappop(heap)[1])
            found.sort()  # summed in the children's order, as ever: the same float every time
            score = 0.0
            for i in found:
                child = children[i]
                score += child.score()
                child.next()
                if child.is_active():
                    heappush(heap, (child.id(), i))
            # the non-essential children, most telling first, while they could lift it
            wanted = True
            for j in range(first - 1, -1, -1):
                if score + bounds[j + 1] <= limit:
                    wanted = False
                    break
                child = children[j]
                if child.is_active():
                    child.skip_to(doc)
                    if child.is_active() and child.id() == doc:
                        score += child.score()
            if not pruning or (wanted and score > limit):
                self._id, self._score = doc, score
                return

    def replace(self, minquality: float = 0) -> Matcher:
        """Raise the threshold (it never comes down: Whoosh's own pruning is as final)."""
        threshold = minquality / self._boost
        if threshold <= self._threshold:
            return self
        if threshold >= self._bounds[-1] * (1 + _SLACK):
            return NullMatcher()  # all of them together cannot reach it
        self._threshold = threshold
        essential = bisect_right(self._bounds, threshold) - 1
        if essential != self._essential:
            self._essential = essential
            self._gather()
        return self

    # -- the Matcher interface ---------------------------------------------------------------

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        return self._id  # type: ignore[return-value]

    def score(self) -> float:
        return self._score * self._boost

    def next(self) -> bool:
        self._find()
        return False

    def skip_to(self, target: int) -> None:
        if self._id is None or target <= self._id:
            return
        children, heap = self._children, self._heap
        while heap and heap[0][0] < target:
            i = heappop(heap)[1]
            children[i].skip_to(target)
            if children[i].is_active():
                heappush(heap, (children[i].id(), i))
        self._find()

    def max_quality(self) -> float:
        return self._bounds[-1] * self._boost

    def supports_block_quality(self) -> bool:
        return False

    def children(self) -> list[Matcher]:
        return list(self._children)

    def copy(self) -> MaxScoreMatcher:
        twin = object.__new__(MaxScoreMatcher)
        twin.__dict__.update(self.__dict__)
        twin._children = [child.copy() for child in self._children]
        twin._gather()
        return twin

    def reset(self) -> None:
        for child in self._children:
            child.reset()
        self._threshold, self._essential = 0.0, 0
        self._gather()
        self._find()

    def __repr__(self) -> str:
        return f"MaxScoreMatcher({self._children!r}, threshold={self._threshold})"
