"""The archive's words as written (folded, not stemmed): what a misspelling (``word~``) and
"did you mean" look among, kept as sorted word lists beside the search index.

Each word is written once, the first time a commit brings it, not once per clipping that has
it: as a field of every clipping, these words doubled the postings of the index and took 40% of
its build time and 30% of its bytes (``bench/search.py --profile --build-only clippings``); as a
small Whoosh index of their own, 150 bytes a word. A list is 10 bytes a word, read whole when a
search first needs it (a fuzzy word, a suggestion) and walked in memory with a Levenshtein
automaton. How often a word is used is read from the search index (the clippings that hold
one of its stems), which also tells the words of deleted clippings (none hold them).

Each commit that brings new words writes them to a new list (``words-<n>.txt``, written whole
then renamed into place); past ``MERGE_AT`` lists, they are written as one. Derived like the
search index and written under its lock, before it: a kill between the two leaves words of
clippings not indexed yet (indexed again from the journal), never indexed clippings whose
words are missing. A rebuild starts the lists anew.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from whoosh.reading import IndexReader

from .analysis import fold, forms
from .vocabulary import within_sorted

MERGE_AT = 16  # lists kept before they are written as one (each read costs an open)
_PATTERN = "words-*.txt"
# a word as the prose analyzer parts it (apostrophes, hyphens and dots part words)
_WORD = re.compile(r"\w+")


def words_of(text: str) -> set[str]:
    """The distinct words of ``text``, as written (folded when kept: see ``Words.add``)."""
    return set(_WORD.findall(text))


class Words:
    """The word lists in ``path`` (a folder, made if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._read_from: tuple[str, ...] | None = None  # the lists ``_sorted`` was read from
        self._sorted: list[str] = []

    @classmethod
    def fresh(cls, path: Path) -> Words:
        """No words: whatever ``path`` held is gone (the index is made anew)."""
        shutil.rmtree(path, ignore_errors=True)
        return cls(path)

    def _lists(self) -> list[Path]:
        return sorted(self.path.glob(_PATTERN), key=lambda p: int(p.stem.split("-")[1]))

    def sorted(self) -> list[str]:
        """Every word kept, sorted (read again when another commit wrote a list)."""
        for _ in range(3):  # a list merged away while it was read: read them again
            lists = self._lists()
            names = tuple(p.name for p in lists)
            if names == self._read_from:
                return self._sorted
            try:
                found: set[str] = set()
                for file in lists:
                    found.update(file.read_text(encoding="utf-8").split("\n"))
            except FileNotFoundError:
                continue
            found.discard("")
            self._read_from, self._sorted = names, sorted(found)
            return self._sorted
        return self._sorted

    def __contains__(self, word: str) -> bool:
        return _has(self.sorted(), word)

    def begins(self, prefix: str) -> bool:
        """Whether a word kept begins with ``prefix`` (a word being typed is one's start)."""
        words = self.sorted()
        at = bisect.bisect_left(words, prefix)
        return at < len(words) and words[at].startswith(prefix)

    def within(self, text: str, maxdist: int, prefix: int) -> set[str]:
        """The words at most ``maxdist`` edits from ``text`` that share its first ``prefix``
        letters; two letters swapped count as one edit (Damerau's), the commonest slip of
        the keys: "plauge" is one edit from "plague", not two, and "teh" from "the"."""
        words = self.sorted()
        found = within_sorted(words, text, maxdist, prefix)
        if maxdist >= 1:
            found.update(word for word in swapped(text) if _has(words, word))
        return found

    def add(self, written: Iterable[str], *, clear: bool = False) -> None:
        """Keep the words of ``written`` the lists lack (with ``clear``: those alone, the
        others forgotten). Only the holder of the search index's write lock calls this."""
        folded = {fold(word) for word in written}
        folded.discard("")
        lists = self._lists()
        if not clear:
            known = self.sorted()
            folded = {word for word in folded if not _has(known, word)}
            if not folded:
                return
            if len(lists) >= MERGE_AT:
                folded.update(known)
                clear = True
        number = int(lists[-1].stem.split("-")[1]) + 1 if lists else 1
        self._write(self.path / f"words-{number}.txt", sorted(folded))
        if clear:
            for old in lists:
                old.unlink(missing_ok=True)

    def _write(self, file: Path, words: list[str]) -> None:
        temporary = file.with_suffix(".tmp")
        try:
            with open(temporary, "w", encoding="utf-8") as out:
                out.write("\n".join(words))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def swapped(text: str) -> set[str]:
    """``text`` with two letters next to each other swapped, each way it can be."""
    return {
        text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        for i in range(len(text) - 1)
        if text[i] != text[i + 1]
    }


def _has(words: list[str], word: str) -> bool:
    at = bisect.bisect_left(words, word)
    return at < len(words) and words[at] == word


def used(reader: IndexReader, word: str, languages: tuple[str, ...]) -> int:
    """How many clippings have ``word`` (as written) in their title or body, near enough: the
    most that have one of its stems in their body, or in their title; 0 when only deleted
    clippings had it (a term's count includes them until its segment is merged)."""
    best = 0
    for field in ("body", "title"):
        for stem in forms(word, languages):
            if (field, stem) not in reader:
                continue
            n = reader.doc_frequency(field, stem)
            if n > best and (not reader.has_deletions() or _live(reader, field, stem)):
                best = n
    return best


def _live(reader: IndexReader, field: str, term: str) -> bool:
    """Whether a clipping not deleted has ``term`` (a matcher skips the deleted ones)."""
    return reader.postings(field, term).is_active()
