"""Bulk import speed and memory, beside the baseline of extraction alone, in the same run.

    python bench/import.py [--pages N] [--jobs J]

Builds N saved pages with real-page structure (the dev pages of ``../shared/extraction`` when
present, else the test fixtures), each given a paragraph of its own, plus about 3% exact
duplicates, 2% broken files (empty, an image named .html, cut short) and a stylesheet per
hundred pages. Then it runs ``clippings import --events`` on them in a new archive (a real
process: extraction in worker processes, catalog, originals, index) and prints pages/s, when
its first file was told, its peak memory, and what the report counted, next to the baseline
measured on the same pages in the same run: trafilatura extracting the main content alone, in
one process, nothing stored; and the plain build (``bench/plain.py``: trafilatura's defaults
into Whoosh's stock analyzer) importing the same pages in one process and with a worker
process per core.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
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


class TreeMemory:
    """The peak memory of a process and every process under it (its fork server, workers and
    sub-writers are not all its own children, so ``RUSAGE_CHILDREN`` misses some), sampled
    from /proc every ``EVERY`` seconds: the largest process's RSS, and the sum of all their
    PSS (a page that forked processes share counted once, in shares)."""

    # (reading a process's PSS walks its page tables, holding its memory lock: sampled every
    # 0.1 s, the import took a fifth longer)
    EVERY = 1.0

    def __init__(self, pid: int) -> None:
        self.pid, self.largest_mb, self.total_mb = pid, 0.0, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        parents = {}
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, ValueError, IndexError):
                continue
        tree, level = {self.pid}, {self.pid}
        while level:
            level = {child for child, parent in parents.items() if parent in level} - tree
            tree |= level
        return sorted(tree)

    @staticmethod
    def _kb(pid: int, field: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _watch(self) -> None:
        while not self._done.wait(self.EVERY):
            tree = self._tree()
            self.largest_mb = max(
                self.largest_mb, max((self._kb(p, "Rss") for p in tree), default=0) / 1024
            )
            self.total_mb = max(self.total_mb, sum(self._kb(p, "Pss") for p in tree) / 1024)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


# Two imports of 20 pages each, one after the other in one process (``watch``, ``serve``):
# seconds to the first page and to the end of each. Given "spawn", each import's workers
# start as new interpreters (how they started before the fork server).
_TWO_IMPORTS = """
import json, sys, time
def main():
    from archive.api import Archive
    archive_path, first, second = sys.argv[1:4]
    times = []
    with Archive.open(archive_path) as archive:
        for folder in (first, second):
            seen, started = [], time.perf_counter()
            archive.import_paths([folder], progress=lambda _: seen.append(time.perf_counter()))
            times.append((seen[0] - started, time.perf_counter() - started))
    print(json.dumps(times))
if __name__ == "__main__":
    if sys.argv[4:] == ["spawn"]:
        import multiprocessing, archive.children
        archive.children.context = lambda: multiprocessing.get_context("spawn")
    main()
"""


def two_imports(pages: list[Path], scratch: Path, how: str) -> list[tuple[float, float]]:
    """(first page, whole import) seconds of two 20-page imports in one process."""
    folders = [scratch / f"{how}-first", scratch / f"{how}-second"]
    for folder, chunk in zip(folders, (pages[:20], pages[20:40]), strict=True):
        folder.mkdir()
        for page in chunk:
            (folder / page.name).write_bytes(page.read_bytes())
    command = [sys.executable, "-c", _TWO_IMPORTS, str(scratch / f"{how}-archive")]
    command += [*map(str, folders), how]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return [tuple(pair) for pair in json.loads(done.stdout)]


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
        command += ["import", "--events", str(corpus)]
        if args.jobs:
            command += ["--jobs", str(args.jobs)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        memory = TreeMemory(process.pid)
        assert process.stdout is not None
        first_page, last = None, ""
        for line in process.stdout:  # a line per file, then the summary
            first_page = first_page or time.perf_counter() - started
            last = line
        process.wait()
        elapsed = time.perf_counter() - started
        memory.stop()
        report = json.loads(last)
        files = sum(report[k] for k in ("imported", "duplicates", "already_present", "skipped"))
        files += len(report["failed"])
        rate = report["imported"] / elapsed
        print(f"corpus: {args.pages} files, {len(good)} good pages, a stylesheet per 100")
        print(
            f"clippings import: {elapsed:.1f} s for {files} files (the first told after "
            f"{first_page or 0:.2f} s), {rate:.1f} pages/s imported, "
            f"peak memory {memory.total_mb:.0f} MB (all its processes, PSS; the largest "
            f"{memory.largest_mb:.0f} MB RSS); imported {report['imported']}, duplicates "
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
        for how in ("forkserver", "spawn"):
            first, second = two_imports(good, Path(scratch), how)
            print(
                f"two 20-page imports in one process, workers by {how}: first page after "
                f"{first[0]:.2f} s, all {first[1]:.2f} s; then first page {second[0]:.2f} s, "
                f"all {second[1]:.2f} s"
            )


if __name__ == "__main__":
    main()
