"""Extraction speed on real pages, per core, beside trafilatura alone in the same run.

    python bench/extract.py [--pages DIR] [--rounds N]

Times ``archive.extract.extract`` (body as text and Markdown, metadata, language) on each page
of ``../shared/extraction/dev/html`` (else the test fixtures), in one process, against two
baselines on the same bytes: trafilatura's ``extract`` (body only) and its ``bare_extraction``
with metadata. Prints pages/s and the ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.extract import extract  # noqa: E402
from archive.models import RawPage  # noqa: E402


def pages_from(folder: Path | None) -> list[bytes]:
    dev = folder or ROOT.parent / "shared" / "extraction" / "dev" / "html"
    paths = sorted(dev.glob("*.html")) if dev.is_dir() else []
    paths = paths or sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
    return [p.read_bytes() for p in paths]


def rates(works: list, pages: list[bytes], rounds: int) -> list[float]:
    """Pages per second of each of ``works``, the best of ``rounds`` passes; the passes of
    the works take turns, so that a machine slower for a while slows them all alike."""
    best = [float("inf")] * len(works)
    for _ in range(rounds):
        for index, work in enumerate(works):
            started = time.perf_counter()
            for data in pages:
                work(data)
            best[index] = min(best[index], time.perf_counter() - started)
    return [len(pages) / seconds for seconds in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = pages_from(args.pages)

    import trafilatura

    for data in pages[:5]:  # imports and models loaded before the clock starts
        extract(RawPage(data, "bench.html", "html"))
        trafilatura.bare_extraction(data, include_comments=False, with_metadata=True)
    ours, body, meta = rates(
        [
            lambda d: extract(RawPage(d, "bench.html", "html")),
            lambda d: trafilatura.extract(d, include_comments=False),
            lambda d: trafilatura.bare_extraction(d, include_comments=False, with_metadata=True),
        ],
        pages,
        args.rounds,
    )
    print(f"{len(pages)} pages, best of {args.rounds} passes, one core")
    print(f"clippings extract (text, Markdown, metadata, language): {ours:6.1f} pages/s")
    print(f"baseline: trafilatura body only:                        {body:6.1f} pages/s")
    print(f"baseline: trafilatura with metadata:                    {meta:6.1f} pages/s")
    print(f"ratio to body only {ours / body:.2f}x, to with metadata {ours / meta:.2f}x")


if __name__ == "__main__":
    main()
