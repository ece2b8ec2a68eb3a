"""Bulk import speed and memory, beside the baseline of extraction alone, in the same run.

    python bench/import.py [--pages N] [--jobs J]

Builds N saved pages with real-page structure (the dev pages of ``../shared/extraction`` when
present, else the test fixtures), each given a paragraph of its own, plus about 3% exact
duplicates, 2% broken files (empty, an image named .html, cut short) and a stylesheet per
hundred pages. Then it runs ``clippings import --json`` on them in a new archive (a real
process: extraction in worker processes, catalog, originals, index) and prints pages/s, its
peak RSS, and what the report counted, next to the baseline measured on the same pages in the
same run: trafilatura extracting the main content alone, in one process, nothing stored; and
the plain build (``bench/plain.py``: trafilatura's defaults into Whoosh's stock analyzer)
importing the same pages in one process and with a worker process per core.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_URL_TAGS = re.compile(
    rb"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+(?:og:url|twitter:url)[^>]*>|"
    rb'"(?:url|@id|mainEntityOfPage)"\s*:\s*"[^"]*"',
    re.IGNORECASE,
)


def sources() -> list[Path]:
    dev = ROOT.parent / "shared" / "extraction" / "dev" / "html"
    pages = sorted(dev.glob("*.html")) if dev.is_dir() else []
    return pages or sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))


def build(into: Path, count: int) -> list[Path]:
    """The corpus; returns the pages that should import (for the baseline)."""
    rng = random.Random(5)
    # each generated page is a page of its own: the seeds' own URLs taken out (else every
    # variant of a seed would be a new version of one clipping)
    seeds = [_URL_TAGS.sub(b"", p.read_bytes()) for p in sources()]
    words = b" ".join(seeds[:5]).split()
    words = [w for w in words if w.isalpha() and 3 < len(w) < 12][:5000] or [b"word"]
    good: list[Path] = []
    for number in range(count):
        path = into / f"page-{number:05}.html"
        roll = rng.random()
        if roll < 0.03 and good:  # an exact duplicate of an earlier page
            path.write_bytes(rng.choice(good).read_bytes())
        elif roll < 0.05:  # broken
            kind = number % 3
            data = [b"", b"\x89PNG\r\n\x1a\n" + bytes(200), seeds[number % len(seeds)][:40]][kind]
            path.write_bytes(data)
        else:
            extra = b" ".join(rng.choice(words) for _ in range(60))
            html = seeds[number % len(seeds)].replace(
                b"</p>", b"</p><p>Note " + str(number).encode() + b": " + extra + b".</p>", 1
            )
            path.write_bytes(html)
            good.append(path)
        if number % 100 == 0:
            (into / f"style-{number}.css").write_text("body { margin: 0 }")
    return good


def baseline(pages: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_bytes(), include_comments=False)
    return len(pages) / (time.perf_counter() - started)


def plain_import(pages: list[Path], folder: Path, procs: int) -> float:
    """Pages per second of the plain build's import (see ``bench/plain.py``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from plain import import_pages

    started = time.perf_counter()
    import_pages(folder, pages, procs=procs)
    return len(pages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "saved"
        corpus.mkdir()
        good = build(corpus, args.pages)
        command = [sys.executable, "-m", "archive", "--archive", f"{scratch}/archive"]
        command += ["import", "--json", str(corpus)]
        if args.jobs:
            command += ["--jobs", str(args.jobs)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report = json.loads(done.stdout)
        files = sum(report[k] for k in ("imported", "duplicates", "already_present", "skipped"))
        files += len(report["failed"])
        rate = report["imported"] / elapsed
        print(f"corpus: {args.pages} files, {len(good)} good pages, a stylesheet per 100")
        print(
            f"clippings import: {elapsed:.1f} s for {files} files, {rate:.1f} pages/s imported, "
            f"peak RSS {peak_mb:.0f} MB "
            f"(largest process); imported {report['imported']}, duplicates "
            f"{report['duplicates']}, already present {report['already_present']}, skipped "
            f"{report['skipped']}, failed {len(report['failed'])}"
        )
        base = baseline(good)
        print(f"baseline: trafilatura alone, one process: {base:.1f} pages/s")
        print(f"ratio: {rate / base:.2f}x")
        cores = args.jobs or os.cpu_count() or 1
        for procs in (1, cores):
            plain = plain_import(good, Path(scratch) / f"plain-{procs}", procs)
            print(
                f"plain build (trafilatura + stock Whoosh), {procs} extracting process(es): "
                f"{plain:.1f} pages/s, {plain / base:.2f}x trafilatura alone; "
                f"Clippings is {rate / plain:.2f}x of it"
            )


if __name__ == "__main__":
    main()
