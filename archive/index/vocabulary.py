"""The words of the index, field by field, sorted in memory: where a misspelling (``word~``)
finds the words it may stand for with one automaton walk.

Whoosh walks a fuzzy word's automaton through each segment's term table on disk, a binary search
per step: ``presure~`` costs a walk per segment and field (80 on 10,000 clippings, 50 ms). The
vocabularies are small (70,000 prose words at 100,000 clippings, ~0.5 s to read; names fewer),
so a searcher asked for fuzzy words more than once keeps them, and a walk is then a bisect per
step over one list. The prose fields share one analyzer and one list: the body's and title's
words (dek and note words are mostly theirs too; a word is kept per field only where the field
has it).
"""

from __future__ import annotations

import bisect

from whoosh.automata.lev import levenshtein_automaton
from whoosh.reading import IndexReader

from .columns import as_text

PROSE = ("body", "title")  # the fields whose words make the prose vocabulary


class Vocabularies:
    """For each field (the prose fields as one), the sorted words of ``reader``'s segments,
    read the first time they are asked for."""

    def __init__(self, reader: IndexReader, prose: frozenset[str]) -> None:
        self.reader = reader
        self.prose = prose
        self._lists: dict[str, list[str]] = {}

    def words(self, fieldname: str) -> list[str]:
        key = "prose" if fieldname in self.prose else fieldname
        if key not in self._lists:
            fields = PROSE if key == "prose" else (fieldname,)
            words: set[str] = set()
            for leaf, _ in self.reader.leaf_readers():
                for name in fields:
                    if name in leaf.schema:
                        words.update(as_text(word) for word in leaf.lexicon(name))
            self._lists[key] = sorted(words)
        return self._lists[key]

    def within(self, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
        """The words of ``fieldname`` at most ``maxdist`` edits from ``text`` that share its
        first ``prefix`` letters (prose fields: of any prose field)."""
        words = self.words(fieldname)
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
