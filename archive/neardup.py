"""Near-duplicates: the same article saved twice with different ads or furniture around it.

Each clipping's text gets a MinHash signature (datasketch) over its word 3-shingles, kept in
the catalog; an import looks each new clipping up in an LSH index of the archive's signatures
and reports the ones whose texts are at least ``THRESHOLD`` alike. Both are kept: a
near-duplicate is reported, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
_SEED = 1  # datasketch's default, the one ``signature`` uses
SCHEME = "affine32"  # datasketch's hashing scheme: stored signatures are only comparable within it
THRESHOLD = 0.8  # estimated Jaccard similarity of the shingle sets
MIN_WORDS = 30  # shorter texts are too small to compare this way

_WORD = re.compile(r"\w+")
_BATCH = 4096  # shingles hashed at once


def signature(text: str) -> bytes | None:
    """The MinHash of ``text``'s word 3-shingles, as bytes; None for a text too short."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = list({" ".join(words[i : i + 3]).encode("utf-8") for i in range(len(words) - 2)})
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    # in batches: datasketch hashes a batch as one array of NUM_PERM rows (8 GB for a book)
    for start in range(0, len(shingles), _BATCH):
        minhash.update_batch(shingles[start : start + _BATCH])
    return minhash.hashvalues.astype("<u8").tobytes()


def _minhash(data: bytes) -> LeanMinHash:
    # lean: a MinHash made from its values still drew its 128 permutations (0.15 ms each,
    # 15 s for the 100,000 signatures of an archive loaded at its import's first new page)
    return LeanMinHash(seed=_SEED, hashvalues=np.frombuffer(data, dtype="<u8"), scheme=SCHEME)


class NearDuplicates:
    """An LSH index of signatures, to ask which clippings a new one is nearly the same as."""

    def __init__(self, signatures: Iterable[tuple[int, bytes]]) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        for clipping_id, data in signatures:
            self.add(clipping_id, data)

    def add(self, clipping_id: int, data: bytes) -> None:
        if clipping_id not in self._lsh:
            self._lsh.insert(clipping_id, _minhash(data))

    def like(self, data: bytes) -> list[int]:
        """The clippings whose texts are nearly the same as the one of ``data``."""
        return sorted(self._lsh.query(_minhash(data)))
