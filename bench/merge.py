"""Index merges: the merger's merge beside Whoosh's, and an import's pauses with each policy.

    python bench/merge.py [--pages N] [--import [--factors 4,10]]

Imports N pages (``bench/import.py``'s corpus) into an archive with no merge, then merges its
segments into one twice, from the same copy: with Whoosh's merge (``add_reader`` into its
writer's pool, as ``MERGE_SMALL`` does inside a commit) and with the merger's
(``archive.index.merging``: postings merged in order), and prints the time of each, and
whether the two merged segments hold the same postings.

With ``--import``, it also imports the pages into new archives, in this process, and prints
each import's time, its longest pauses (time between two pages told done), its segments at the
end and the speed of searches then: first with Whoosh's ``MERGE_SMALL`` in each commit (as
before the merger), then with the merger merging each of ``--factors`` segments at once
(default 4 and 10), including the wait for a merge still under way at the end (what
``clippings import`` waits for).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh.index import TOC  # noqa: E402
from whoosh.reading import SegmentReader  # noqa: E402
from whoosh.writing import MERGE_SMALL, SegmentWriter  # noqa: E402

import archive.index  # noqa: E402
from archive.api import Archive  # noqa: E402
from archive.index import _INDEX_NAME, merging  # noqa: E402
from archive.index.storage import MappedStorage  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "merge"


def corpus(pages: int) -> Path:
    folder = CACHE / f"pages-{pages}"
    if not folder.is_dir():
        spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        folder.mkdir(parents=True)
        module.build(folder, pages)
    return folder


def unmerged(pages: int) -> Path:
    """An archive of the corpus whose index was never merged (its segments as committed)."""
    folder = CACHE / f"archive-{pages}"
    if not (folder / "index").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        merging.FACTOR = 10**9  # no merger
        with Archive.open(folder) as archive:
            archive.import_paths([corpus(pages)])
        merging.FACTOR = 10
    return folder / "index"


def merged_once(index: Path, writer_class: type) -> tuple[float, int, int]:
    """Merge every segment of a copy of ``index`` with ``writer_class``: seconds, clippings,
    and a digest of the merged segment's postings."""
    work = Path(tempfile.mkdtemp()) / "index"
    shutil.copytree(index, work)
    storage = MappedStorage(str(work))
    sources = TOC.read(storage, _INDEX_NAME).segments
    saved, merging._MergeWriter = merging._MergeWriter, writer_class
    try:
        started = time.perf_counter()
        merging.merge(storage, work, _INDEX_NAME, sources)
        seconds = time.perf_counter() - started
    finally:
        merging._MergeWriter = saved
    (segment,) = TOC.read(storage, _INDEX_NAME).segments
    reader = SegmentReader(storage, TOC.read(storage, _INDEX_NAME).schema, segment)
    ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    digest = hash(frozenset((f, t, ids[d], w, v) for f, t, d, w, v in reader.iter_postings()))
    count = reader.doc_count()
    reader.close()
    shutil.rmtree(work.parent)
    return seconds, count, digest


def latencies(clippings: Archive) -> tuple[float, float]:
    """Median and p95 of searches for the first words of every 40th title, in ms."""
    titles = [c.title for c in itertools.islice(clippings.clippings(), 0, None, 40) if c.title]
    queries = [" ".join(t.split()[:3]) for t in titles]
    for query in queries:
        clippings.search(query, limit=10)  # warm
    times = []
    for query in queries:
        started = time.perf_counter()
        clippings.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def timed_import(pages: Path, policy: object, factor: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp()) / "archive"
    told: list[float] = []
    saved = archive.index.inline, merging.FACTOR
    archive.index.inline, merging.FACTOR = policy, factor  # what each commit merges itself
    try:
        with Archive.open(folder) as clippings:
            started = time.monotonic()
            clippings.import_paths([pages], progress=lambda _: told.append(time.monotonic()))
            imported = time.monotonic() - started
            clippings.wait_for_merges()
            total = time.monotonic() - started
            storage = MappedStorage(str(folder / "index"))
            segments = sorted(s.doc_count() for s in TOC.read(storage, _INDEX_NAME).segments)
            median, p95 = latencies(clippings)
    finally:
        archive.index.inline, merging.FACTOR = saved
        shutil.rmtree(folder.parent)
    gaps = sorted((b - a for a, b in itertools.pairwise(told)), reverse=True)
    return {
        "imported": imported,
        "total": total,
        "gaps": gaps[:3],
        "over 5 s": sum(g for g in gaps if g > 5),
        "segments": segments,
        "median": median,
        "p95": p95,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--import", dest="imports", action="store_true")
    parser.add_argument(
        "--factors",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=[4, 10],
        help="with --import: the merger's segments merged at once, one import each",
    )
    args = parser.parse_args()
    index = unmerged(args.pages)
    storage = MappedStorage(str(index))
    sizes = sorted(s.doc_count() for s in TOC.read(storage, _INDEX_NAME).segments)
    print(f"{args.pages} pages: {len(sizes)} segments {sizes}")
    whoosh = merged_once(index, SegmentWriter)
    ours = merged_once(index, merging._MergeWriter)
    for name, (seconds, count, _) in (("Whoosh's merge", whoosh), ("the merger's", ours)):
        print(f"  {name:16} {seconds:6.1f} s  {count / seconds:6.0f} clippings/s")
    print(f"  same postings: {whoosh[2] == ours[2]}, {ours[1]} clippings")
    if args.imports:
        pages = corpus(args.pages)
        # (the baseline: Whoosh's merges in the commit, and no merger)
        policies = [("MERGE_SMALL in the commit", MERGE_SMALL, 10**9)] + [
            (f"merger, {factor} at once", merging.inline, factor) for factor in args.factors
        ]
        for name, policy, factor in policies:
            found = timed_import(pages, policy, factor)
            gaps = ", ".join(f"{g:.1f}" for g in found["gaps"])
            print(
                f"import, {name}: {found['imported']:.1f} s, with the wait for merges "
                f"{found['total']:.1f} s ({args.pages / found['total']:.1f} pages/s); longest "
                f"pauses {gaps} s, {found['over 5 s']:.1f} s in pauses over 5 s; "
                f"{len(found['segments'])} segments at the end; searches then "
                f"median {found['median']:.1f} ms, p95 {found['p95']:.1f} ms"
            )


if __name__ == "__main__":
    main()
