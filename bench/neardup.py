"""Near-duplicate lookups at an archive's size: the time to load its signatures into the LSH
index (what an import pays at its first new page) and to look one text up, beside the same
signatures loaded as full datasketch ``MinHash`` objects (how they were loaded before).

    python bench/neardup.py [--sizes 10000,100000]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.neardup import NUM_PERM, SCHEME, THRESHOLD, NearDuplicates


def signatures(count: int) -> list[tuple[int, bytes]]:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**32 - 1, (count, NUM_PERM), dtype=np.uint64).astype("<u8")
    return [(number, row.tobytes()) for number, row in enumerate(values, 1)]


def with_minhash(found: list[tuple[int, bytes]]) -> tuple[float, float]:
    def full(data: bytes) -> MinHash:
        values = np.frombuffer(data, dtype="<u8")
        return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for number, data in found:
        lsh.insert(number, full(data))
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for _, data in found[:500]:
        lsh.query(full(data))
    return loaded, (time.perf_counter() - started) / 500


def ours(found: list[tuple[int, bytes]]) -> tuple[float, float]:
    started = time.perf_counter()
    index = NearDuplicates(found)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for _, data in found[:500]:
        index.like(data)
    return loaded, (time.perf_counter() - started) / 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    for size in map(int, args.sizes.split(",")):
        found = signatures(size)
        load, lookup = ours(found)
        base_load, base_lookup = with_minhash(found)
        print(
            f"{size:,} signatures: load {load:.2f} s, lookup {lookup * 1000:.3f} ms "
            f"(as MinHash objects: load {base_load:.2f} s, lookup {base_lookup * 1000:.3f} ms)"
        )


if __name__ == "__main__":
    main()
