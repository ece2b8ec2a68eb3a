"""Extraction speed on real pages, per core, beside trafilatura alone in the same run.

    python bench/extract.py [--pages DIR] [--rounds N]

Times ``archive.extract.extract`` (body as text and Markdown, metadata, language) on each page
of ``../shared/extraction/dev/html`` (else the test fixtures), in one process, against two
baselines on the same bytes: trafilatura's ``extract`` (body only) and its ``bare_extraction``
with metadata. Prints pages/s and the ratios; asserts nothing.

Two figures each. **First sight**, the one an import meets: each page read once, by a new
process warmed up on other pages (the test fixtures: imports loaded, parsers' tables built),
the best of ``--rounds`` processes. **Seen again**: the same pages read over and over in one
process, the best pass; the libraries' caches (htmldate keeps the date strings it parsed,
dateparser its languages) then answer for much of the work, so this figure flatters.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.extract import extract  # noqa: E402
from archive.models import RawPage  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "pages"
WORKS = ("clippings", "trafilatura body", "trafilatura with metadata")


def pages_from(folder: Path | None) -> list[bytes]:
    dev = folder or ROOT.parent / "shared" / "extraction" / "dev" / "html"
    paths = sorted(dev.glob("*.html")) if dev.is_dir() else []
    paths = paths or sorted(FIXTURES.glob("*.html"))
    return [p.read_bytes() for p in paths]


def work(name: str) -> Callable[[bytes], object]:
    import trafilatura

    if name == "clippings":
        return lambda d: extract(RawPage(d, "bench.html", "html"))
    if name == "trafilatura body":
        return lambda d: trafilatura.extract(d, include_comments=False)
    return lambda d: trafilatura.bare_extraction(d, include_comments=False, with_metadata=True)


def one_pass(run: Callable[[bytes], object], pages: list[bytes]) -> float:
    started = time.perf_counter()
    for data in pages:
        with contextlib.suppress(Exception):  # a page without text: its time counts
            run(data)
    return time.perf_counter() - started


def first_sight(name: str, folder: Path | None) -> float:
    """Seconds for one pass over the pages, in this (new) process, warmed up on others."""
    run = work(name)
    one_pass(run, [p.read_bytes() for p in sorted(FIXTURES.glob("*.html"))])
    return one_pass(run, pages_from(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--first-sight", choices=WORKS, help=argparse.SUPPRESS)  # (a round)
    args = parser.parse_args()
    if args.first_sight:
        print(json.dumps(first_sight(args.first_sight, args.pages)))
        return
    pages = pages_from(args.pages)
    runs = {name: work(name) for name in WORKS}
    for data in pages[:5]:  # imports and models loaded before the clock starts
        for run in runs.values():
            run(data)
    fresh = dict.fromkeys(WORKS, float("inf"))
    again = dict.fromkeys(WORKS, float("inf"))
    for _ in range(args.rounds):  # the works take turns: a machine slower for a while
        for name in WORKS:  # slows them all alike
            command = [sys.executable, __file__, "--first-sight", name]
            command += ["--pages", str(args.pages)] if args.pages else []
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            fresh[name] = min(fresh[name], json.loads(done.stdout))
            again[name] = min(again[name], one_pass(runs[name], pages))
    print(f"{len(pages)} pages, one core, best of {args.rounds}")
    print(f"{'pages/s':48} {'first sight':>11} {'seen again':>11}")
    labels = {
        "clippings": "clippings (text, Markdown, metadata, language)",
        "trafilatura body": "baseline: trafilatura, body only",
        "trafilatura with metadata": "baseline: trafilatura with metadata",
    }
    for name in WORKS:
        rates = len(pages) / fresh[name], len(pages) / again[name]
        print(f"{labels[name]:48} {rates[0]:11.1f} {rates[1]:11.1f}")
    ours, body, meta = (fresh[n] for n in WORKS)
    print(f"first sight: {body / ours:.2f}x body only, {meta / ours:.2f}x with metadata")


if __name__ == "__main__":
    main()
