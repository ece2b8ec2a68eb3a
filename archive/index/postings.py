"""Whoosh's postings read faster: a block's document numbers without its weights and positions,
and ``skip_to`` by bisection.

A block of Whoosh's postings (``whoosh.codec.whoosh3``, pinned) is one zlib stream holding a
pickled tuple: the block's document numbers (as gaps), then their weights, then their positions,
each a pickle of its own. Whoosh decompresses and unpickles all of it to read one number: about
70 microseconds a block of a common word's body postings, where the numbers alone take 7 (the
start of the stream, decompressed as far as they go, and read here). Its ``skip_to`` then steps
through the block one posting at a time, in Python.

``install(reader)`` has a reader's segments give their postings as ``LeafMatcher``: Whoosh's
own, with the numbers read that way (the weights and positions are still read whole when asked
for) and ``skip_to`` skipping blocks by their headers and bisecting the one it lands in. Every
matcher Whoosh builds on them gains: intersections (two words, phrases), the count
(``archive.index.matches``), the MaxScore OR (``archive.index.maxscore``).
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.matching import ReadTooFar
from whoosh.reading import IndexReader


def install(reader: IndexReader) -> None:
    """Have ``reader``'s segments give their postings as ``LeafMatcher``."""
    for leaf, _ in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)
        if isinstance(terms, W3TermsReader):
            leaf._terms = _Terms(terms)


class LeafMatcher(W3LeafMatcher):
    """Whoosh's matcher of one term's postings in one segment, whose document numbers are read
    alone and whose ``skip_to`` bisects."""

    def _read_ids(self) -> None:
        ids = None if self._byteids or self._data is not None else _ids(self)
        if ids is None:  # (a term vector's; read whole already; or not the layout read here)
            super()._read_ids()
        else:
            self._ids = ids

    def skip_to(self, targetid: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        if self._ids is None:
            self._read_ids()
        if targetid <= self._ids[self._i]:
            return
        if targetid > self._maxid:
            # blocks skipped by their headers (their last number), unread
            while targetid > self._maxid:
                if self._lastblock:
                    self._atend = True
                    return
                self._goto(self._nextoffset)
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)


class _Terms:
    """A segment's term table (Whoosh's ``W3TermsReader``) whose postings come as
    ``LeafMatcher`` (the rest is its own)."""

    def __init__(self, terms: W3TermsReader) -> None:
        self._terms = terms

    def __getattr__(self, name: str) -> object:
        return getattr(self._terms, name)

    def __contains__(self, key: object) -> bool:
        return key in self._terms

    def matcher(self, fieldname: str, tbytes: bytes, format_: object, scorer: object = None):
        terminfo = self._terms.term_info(fieldname, tbytes)
        if terminfo.is_inlined():  # a few postings kept in the term table: Whoosh's list
            return self._terms.matcher(fieldname, tbytes, format_, scorer=scorer)
        offset, length = terminfo.extent()
        postfile = self._terms._postfile
        term = (fieldname, tbytes)
        return LeafMatcher(postfile, offset, length, format_, term=term, scorer=scorer)


# pickle opcodes (protocol 2, as Whoosh writes a block)
_MARK = ord("(")
_TUPLE = ord("t")
_SMALL_TUPLES = {1: 0x85, 2: 0x86, 3: 0x87}  # TUPLE1..3: a tuple of 1 to 3 items has no MARK
_BININT1, _BININT2, _BININT = ord("K"), ord("M"), ord("J")


def _ids(m: W3LeafMatcher) -> tuple[int, ...] | None:
    """The document numbers of the block ``m`` is at, or None if it is not laid out as read
    here."""
    n = m._blocklength
    data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    # each number is at most an opcode and 4 bytes; past the tuple's end is left compressed
    raw = zlib.decompressobj().decompress(data, 5 * n + 8) if m._compression else data
    gaps = _gaps(raw, n)
    return None if gaps is None else tuple(accumulate(gaps))


def _gaps(raw: bytes, n: int) -> list[int] | None:
    """The ``n`` integers of the tuple that starts the pickle ``raw`` (after its PROTO), or
    None if it is not a tuple of ``n`` small non-negative integers."""
    if len(raw) < 3 or raw[0] != 0x80:
        return None
    at = 2
    if n > 3:
        if raw[at] != _MARK:
            return None
        at += 1
    gaps: list[int] = []
    try:
        while len(gaps) < n:
            op = raw[at]
            if op == _BININT1:
                # a run of one-byte numbers, read at once: opcodes at even offsets, values at odd
                ops = raw[at : at + 2 * (n - len(gaps)) : 2]
                run = len(ops) - len(ops.lstrip(b"K"))
                gaps.extend(raw[at + 1 : at + 2 * run : 2])
                at += 2 * run
            elif op == _BININT2:
                gaps.append(raw[at + 1] | raw[at + 2] << 8)
                at += 3
            elif op == _BININT:
                gaps.append(int.from_bytes(raw[at + 1 : at + 5], "little", signed=True))
                at += 5
            else:
                return None
        end = _TUPLE if n > 3 else _SMALL_TUPLES.get(n)
        if raw[at] != end or len(gaps) != n:
            return None
    except IndexError:  # cut short: not this layout
        return None
    return gaps
