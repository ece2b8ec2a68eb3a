"""Facet counts (site, year, tag, language) for the matches of a query, counted from columns
kept per searcher: one pass over the matching documents instead of Whoosh's grouping, which
asks each facet for each document through several layers of objects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.searching import Searcher

from .columns import Column, as_text
from .schema import FACETS


class FacetCounter:
    """Counts the facets of documents of one searcher (its columns do not change)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        # single-valued facets: a column, read once into a list (docnum -> value)
        self._columns = {
            name: [as_text(value) for value in Column(reader, field, "").values()]
            for name, (field, multi) in FACETS.items()
            if not multi
        }
        # several values (tags): each value's documents
        self._postings = {
            name: {
                as_text(term): frozenset(searcher.docs_for_query(wq.Term(field, as_text(term))))
                for term in reader.lexicon(field)
            }
            for name, (field, multi) in FACETS.items()
            if multi
        }

    def count(self, docs: Iterable[int]) -> dict[str, Counter[str]]:
        """Each facet's values among ``docs``, with how many of them have each."""
        docs = docs if isinstance(docs, (set, frozenset)) else set(docs)
        found: dict[str, Counter[str]] = {}
        for name, values in self._columns.items():
            found[name] = Counter(values[docnum] for docnum in docs)
            found[name].pop("", None)
        for name, by_value in self._postings.items():
            counts: Counter[str] = Counter()
            for value, having in by_value.items():
                if value and (shared := len(having & docs)):
                    counts[value] = shared
            found[name] = counts
        return found
