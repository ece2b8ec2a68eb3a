"""Date ranges as cached filters: ``date:2019-01..2019-06`` and the like, answered from the
sorted column of dates instead of Whoosh's range query (which ORs the postings of dozens of
numeric terms on every search).

A searcher's columns do not change, so each date field is sorted once per searcher and each
range is two binary searches into it; the sets of documents are kept for the ranges asked
again (the TUI asks for every keystroke).
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from whoosh import query as wq
from whoosh.searching import Searcher

from .columns import Column

DATE_FIELDS = frozenset({"date", "published", "saved"})

Range = tuple[str, int | None, int | None, bool, bool]  # field, start, end, excl. start, end


def split(q: wq.Query) -> tuple[wq.Query, list[Range]]:
    """``q`` without the date ranges it requires (parts of its top AND, or all of it), and
    those ranges. (A range inside an OR or a NOT stays in the query.)"""
    if _is_range(q):
        return wq.Every(), [_range(q)]
    if type(q) is wq.AndMaybe:
        rest, ranges = split(q.a)
        return wq.AndMaybe(rest, q.b), ranges
    if type(q) is not wq.And:
        return q, []
    ranges = [_range(part) for part in q.subqueries if _is_range(part)]
    if not ranges:
        return q, []
    kept = [part for part in q.subqueries if not _is_range(part)]
    if not kept:
        return wq.Every(), ranges
    return (kept[0] if len(kept) == 1 else wq.And(kept)), ranges


def _is_range(q: wq.Query) -> bool:
    return isinstance(q, wq.NumericRange) and q.fieldname in DATE_FIELDS


def _range(q: wq.NumericRange) -> Range:
    return (q.fieldname, q.start, q.end, bool(q.startexcl), bool(q.endexcl))


class DateFilters:
    """The documents of one searcher in given date ranges."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._sorted: dict[str, tuple[list[int], list[int]]] = {}
        self.docs = lru_cache(maxsize=64)(self._docs)

    def allowed(self, ranges: list[Range]) -> set[int]:
        """The docnums in every one of ``ranges``."""
        found: set[int] | None = None
        for one in ranges:
            docs = self.docs(one)
            found = set(docs) if found is None else found & docs
        return found or set()

    def _docs(self, one: Range) -> frozenset[int]:
        fieldname, start, end, start_excluded, end_excluded = one
        values, docnums = self._column(fieldname)
        if start is None:
            low = 0
        elif start_excluded:
            low = bisect.bisect_right(values, start)
        else:
            low = bisect.bisect_left(values, start)
        if end is None:
            high = len(values)
        elif end_excluded:
            high = bisect.bisect_left(values, end)
        else:
            high = bisect.bisect_right(values, end)
        return frozenset(docnums[low:high])

    def _column(self, fieldname: str) -> tuple[list[int], list[int]]:
        """The field's values, sorted, and the docnum of each (documents without one left out,
        and deleted documents too)."""
        if fieldname not in self._sorted:
            reader = self.searcher.reader()
            column = Column(reader, fieldname, 0, translate=False)
            has = self.searcher.docs_for_query(wq.Every(fieldname))
            pairs = sorted((column[docnum], docnum) for docnum in has)
            self._sorted[fieldname] = ([v for v, _ in pairs], [d for _, d in pairs])
        return self._sorted[fieldname]
