"""Whoosh's posting blocks read for their document numbers alone, and matchers moved by them.

A block of Whoosh's postings (``whoosh.codec.whoosh3``, pinned) is one zlib stream holding a
pickled tuple: the block's document numbers (as gaps), then their weights, then their positions,
each a pickle of its own. Whoosh decompresses and unpickles all of it to read one number: about
70 microseconds a block of a common word's body postings, where the numbers alone take 7 (the
start of the stream, decompressed as far as they go, and read here).

``block_ids`` fills a matcher's numbers this way; its weights and positions are still read by
Whoosh when asked for. ``advance`` is ``skip_to`` with that, finding the number by bisection
(Whoosh steps through the block one posting at a time).
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher

# pickle opcodes (protocol 2, as Whoosh writes a block)
_MARK = ord("(")
_TUPLE = ord("t")
_SMALL_TUPLES = {1: 0x85, 2: 0x86, 3: 0x87}  # TUPLE1..3: a tuple of 1 to 3 items has no MARK
_BININT1, _BININT2, _BININT = ord("K"), ord("M"), ord("J")


def block_ids(m: W3LeafMatcher) -> tuple[int, ...]:
    """The document numbers of the block ``m`` is at (set on ``m``, as Whoosh would)."""
    if m._ids is None:
        m._ids = _decode(m)
    return m._ids


def _decode(m: W3LeafMatcher) -> tuple[int, ...]:
    n = m._blocklength
    if m._byteids or m._data is not None:  # (a term vector's; or read whole already)
        m._read_ids()
        return m._ids
    data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    # each number is at most an opcode and 4 bytes; past the tuple's end is left compressed
    raw = zlib.decompressobj().decompress(data, 5 * n + 8) if m._compression else data
    gaps = _gaps(raw, n)
    if gaps is None:  # not the layout read here: Whoosh's own way
        m._read_ids()
        return m._ids
    return tuple(accumulate(gaps))


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


def advance(m: Matcher, target: int) -> None:
    """Move ``m`` (active) to its first posting at ``target`` or after (``m.skip_to``)."""
    if type(m) is not W3LeafMatcher:
        if m.id() < target:
            m.skip_to(target)
        return
    ids = m._ids if m._ids is not None else block_ids(m)
    if target <= ids[m._i]:
        return
    if target > m._maxid:
        # blocks skipped by their headers (their last number), unread
        while target > m._maxid:
            if m._lastblock:
                m._atend = True
                return
            m._goto(m._nextoffset)
        ids = block_ids(m)
    m._i = bisect_left(ids, target, m._i)
