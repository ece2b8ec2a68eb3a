"""The words of the index, field by field, sorted in memory: where a misspelling (``word~``)
finds the words it may stand for with one automaton walk.

Whoosh walks a fuzzy word's automaton through each segment's term table on disk, a binary search
per step: ``presure~`` costs a walk per segment and field (80 on 10,000 clippings, 50 ms). The
vocabularies are small (the words as written of 100,000 clippings take about a second to read;
names fewer), so a searcher asked for fuzzy words more than once keeps them, and a walk is then
a bisect per step over one list.
"""

from __future__ import annotations

import bisect

from whoosh.automata.lev import levenshtein_automaton
from whoosh.reading import IndexReader

from .columns import as_text


class Vocabularies:
    """For each field, the sorted words of ``reader``'s segments, read the first time they
    are asked for."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self._lists: dict[str, list[str]] = {}

    def words(self, fieldname: str) -> list[str]:
        if fieldname not in self._lists:
            words: set[str] = set()
            for leaf, _ in self.reader.leaf_readers():
                if fieldname in leaf.schema:
                    words.update(as_text(word) for word in leaf.lexicon(fieldname))
            self._lists[fieldname] = sorted(words)
        return self._lists[fieldname]

    def within(self, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
        """The words of ``fieldname`` at most ``maxdist`` edits from ``text`` that share its
        first ``prefix`` letters."""
        return within_sorted(self.words(fieldname), text, maxdist, prefix)


def within_sorted(words: list[str], text: str, maxdist: int, prefix: int) -> set[str]:
    """The words of the sorted ``words`` at most ``maxdist`` edits from ``text`` that share
    its first ``prefix`` letters: a Levenshtein automaton walked over them, a bisect a step."""
    dfa = levenshtein_automaton(text, maxdist, prefix).to_dfa()
    found: set[str] = set()
    match = dfa.next_valid_string("\0")
    while match:
        at = bisect.bisect_left(words, match)
        if at == len(words):
            break
        key = words[at]
        if key == match:
            found.add(key)
            key += "\0"
        match = dfa.next_valid_string(key)
    return found
