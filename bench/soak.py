"""Soak: a long import while another process searches, then every count checked against the rest.

    python bench/soak.py [--pages 20000] [--jobs J] [--keep]

Generates N saved pages (deterministic: seed 7) from real page structure (the dev pages of
``../shared/extraction`` when present, else the test fixtures): each page is one of them with
its article paragraphs replaced by paragraphs drawn from all of them, a sentence of its own, a
title, site name, date and canonical URL of its own (so every page is a clipping of its own,
not a version or a copy of another); one in twenty is a text page (``.txt``) instead; they lie
in folders of 500. Then, in a new archive, two processes at once:

- the real CLI, ``python -m archive import --json DIR`` (worker processes, catalog, originals,
  index committed in batches);
- a searcher, ``Archive.open(...)`` in a process of its own, running queries in a loop (words,
  phrases, prefixes, fuzzy words, fields, dates, newest first; a pause of 20 ms between them),
  each search seeing the batches committed so far (its searcher refreshes).

It prints the errors (search exceptions, a process that failed, pages that failed to import,
counts that disagree: all must be zero), the search latency while the import ran (median, p95,
max, how many searches and what the searcher saw of the archive growing), the import's time and
rate, and the final counts: pages given, clippings in the catalog, documents in the index, and
what ``clippings check`` says. ``--keep`` keeps the pages and the archive (their folder is
printed). The pages are as big as the real ones (about 180 KB): 20,000 of them and their archive
take about 8 GB of temporary space. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
PER_FOLDER = 500
PAUSE = 0.02  # seconds between two searches: a person typing fast, not a busy loop
SITES = ["Harbor Ledger", "Valley Courier", "Metro Dispatch", "Northern Review", "Daily Signal"]

# what ties a saved page to its URL: taken out of the seed pages, each page gets its own
_URL_TAGS = re.compile(
    rb"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+(?:og:url|twitter:url)[^>]*>|"
    rb'"(?:url|@id|mainEntityOfPage)"\s*:\s*"[^"]*"|'
    rb"<!--\s*saved from url=[^>]*-->|<!--\s*Page saved with SingleFile.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_PARAGRAPH = re.compile(rb"(<p(?:\s[^>]*)?>)(.*?)(</p>)", re.IGNORECASE | re.DOTALL)
# a paragraph that holds these is a regex's mistake (script text, a paragraph left open)
_BLOCKS = re.compile(rb"<(?:p|div|script|style|section|article|ul|ol|table|h\d)\b", re.I)
_TITLE = re.compile(
    rb"<title\b[^>]*>.*?</title>|<meta[^>]+(?:og:title|twitter:title|og:site_name)[^>]*>|"
    rb'"(?:headline|name)"\s*:\s*"[^"]*",?',
    re.IGNORECASE | re.DOTALL,
)
_H1 = re.compile(rb"(<h1\b[^>]*>)(.*?)(</h1>)", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(rb"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]{4,12}")


def seed_pages() -> list[Path]:
    dev = ROOT.parent / "shared" / "extraction" / "dev" / "html"
    pages = sorted(dev.glob("*.html")) if dev.is_dir() else []
    return pages or sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))


def _text(fragment: bytes) -> str:
    return html.unescape(_TAG.sub(b" ", fragment).decode("utf-8", "replace")).strip()


class Corpus:
    """The seed pages as skeletons, and a pool of their paragraphs and words to fill them."""

    def __init__(self, seeds: list[Path]) -> None:
        self.skeletons = [_URL_TAGS.sub(b"", path.read_bytes()) for path in seeds]
        self.paragraphs: list[bytes] = []  # inner HTML of every long paragraph
        for page in self.skeletons:
            self.paragraphs += [
                m.group(2)
                for m in _PARAGRAPH.finditer(page)
                if len(_text(m.group(2))) >= 120 and not _BLOCKS.search(m.group(2))
            ]
        text = " ".join(_text(p) for p in self.paragraphs)
        self.words = sorted(set(_WORD.findall(text.lower()))) or ["word"]

    def page(self, number: int, rng: random.Random) -> tuple[str, bytes]:
        """Page ``number``: its file suffix and bytes."""
        title = self.title(number, rng)
        site = rng.choice(SITES)
        day = f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
        own = f"Dispatch {number}: " + " ".join(rng.choice(self.words) for _ in range(40)) + "."
        if rng.random() < 0.05:  # a page saved as text
            body = [_text(p) for p in rng.sample(self.paragraphs, min(6, len(self.paragraphs)))]
            return ".txt", "\n\n".join([title, f"By {site} staff", *body, own]).encode()
        skeleton = rng.choice(self.skeletons)

        def fill(match: re.Match[bytes]) -> bytes:
            inner = match.group(2)
            if len(_text(inner)) < 120 or _BLOCKS.search(inner):  # a caption, a menu: kept
                return match.group(0)
            return match.group(1) + rng.choice(self.paragraphs) + match.group(3)

        page = _PARAGRAPH.sub(fill, skeleton)
        page = _PARAGRAPH.sub(
            lambda m: m.group(1) + html.escape(own).encode() + b" " + m.group(2) + m.group(3),
            page,
            count=1,
        )
        head = (
            f"<title>{html.escape(title)}</title>"
            f'<link rel="canonical" href="https://soak.example/{number}">'
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{day}">'
        ).encode()
        page = _TITLE.sub(b"", page)  # the seed's own title and site name, wherever they are
        h1 = html.escape(title).encode()
        page = _H1.sub(lambda m: m.group(1) + h1 + m.group(3), page, count=1)
        page, found = _HEAD.subn(lambda m: m.group(0) + head, page, count=1)
        if not found:
            page = b"<head>" + head + b"</head>" + page
        return ".html", page

    def title(self, number: int, rng: random.Random) -> str:
        words = [rng.choice(self.words) for _ in range(rng.randint(3, 8))]
        return " ".join(words).capitalize() + f" ({number})"

    def queries(self, rng: random.Random, count: int = 64) -> list[str]:
        """Queries of every kind, from the pages' own words."""
        words = self.words

        def phrase() -> str:  # two words in a row from a paragraph
            text = _WORD.findall(_text(rng.choice(self.paragraphs)).lower())
            start = rng.randrange(max(1, len(text) - 1))
            return f'"{" ".join(text[start : start + 2])}"' if len(text) > 1 else words[0]

        kinds = [
            lambda: rng.choice(words),
            lambda: f"{rng.choice(words)} {rng.choice(words)}",
            phrase,
            lambda: rng.choice(words)[:4] + "*",
            lambda: rng.choice(words) + "~",
            lambda: f"title:{rng.choice(words)}",
            lambda: f"{rng.choice(words)} date:2018..2022",
            lambda: f"dispatch site:{rng.choice(SITES).split()[0].lower()}",
        ]
        return [rng.choice(kinds)() for _ in range(count)]


def build(into: Path, count: int) -> tuple[list[str], dict[str, int]]:
    """Writes the pages; returns the searcher's queries and the number of pages of each kind."""
    rng = random.Random(SEED)
    corpus = Corpus(seed_pages())
    kinds = {".html": 0, ".txt": 0}
    for number in range(count):
        folder = into / f"{number // PER_FOLDER:03}"
        if number % PER_FOLDER == 0:
            folder.mkdir(parents=True)
        suffix, data = corpus.page(number, rng)
        (folder / f"page-{number:05}{suffix}").write_bytes(data)
        kinds[suffix] += 1
    return corpus.queries(rng), kinds


# -- the searcher: a process of its own --------------------------------------------------------


def search_loop(archive_path: Path, queries_file: Path, stop_file: Path) -> None:
    """Search until ``stop_file`` exists; then print one JSON object: every search's start
    (epoch seconds), latency and hit count, what the catalog held now and then, the errors."""
    sys.path.insert(0, str(ROOT))
    from archive.api import Archive

    queries = json.loads(queries_file.read_text())
    searches: list[tuple[float, float, int]] = []
    seen: list[tuple[float, int]] = []
    errors: list[str] = []
    with Archive.open(archive_path) as archive:
        print("ready", flush=True)
        number = 0
        while not stop_file.exists():
            query = queries[number % len(queries)]
            sort = "newest" if number % 5 == 4 else "relevance"
            started = time.time()
            clock = time.perf_counter()
            try:
                result = archive.search(query, limit=20, sort=sort)
                searches.append((started, time.perf_counter() - clock, result.total))
                if number % 25 == 0:
                    seen.append((time.time(), len(archive)))
            except Exception as error:  # what the soak is for: counted and shown, never fatal
                message = f"{query!r}: {type(error).__name__}: {error}"
                if len(errors) < 3:
                    message += "\n" + traceback.format_exc(limit=4)
                errors.append(message)
            number += 1
            time.sleep(PAUSE)
    print(json.dumps({"searches": searches, "seen": seen, "errors": errors}), flush=True)


# -- the soak ------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def soak(scratch: Path, pages: int, jobs: int | None) -> None:
    corpus = scratch / "saved"
    archive_path = scratch / "archive"
    started = time.perf_counter()
    queries, kinds = build(corpus, pages)
    print(
        f"pages: {pages:,} generated in {time.perf_counter() - started:.0f} s into {corpus} "
        f"({kinds['.html']:,} HTML, {kinds['.txt']:,} text; seed {SEED})"
    )
    (scratch / "queries.json").write_text(json.dumps(queries))
    python = sys.executable
    # the archive made first (with its sample clipping), so both processes find it
    subprocess.run(
        [python, "-m", "archive", "--archive", str(archive_path), "list", "--json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    stop = scratch / "stop"
    searcher_log = (scratch / "searcher.log").open("w+")  # (a pipe could fill up and block it)
    searcher = subprocess.Popen(
        [
            python,
            __file__,
            "--search-loop",
            str(archive_path),
            str(scratch / "queries.json"),
            stop,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=searcher_log,
        text=True,
    )
    assert searcher.stdout is not None
    if searcher.stdout.readline().strip() != "ready":
        searcher.wait()
        searcher_log.seek(0)
        print(f"the searcher did not start: {searcher_log.read().strip()[-2000:]}")
        return
    command = [python, "-m", "archive", "--archive", str(archive_path), "import", "--json"]
    command += [str(corpus)] + (["--jobs", str(jobs)] if jobs else [])
    import_start = time.time()
    clock = time.perf_counter()
    imported = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    import_seconds = time.perf_counter() - clock
    import_end = time.time()
    time.sleep(0.5)  # a few searches after the end, too
    stop.touch()
    out, _ = searcher.communicate(timeout=120)
    searcher_log.seek(0)
    err = searcher_log.read()
    searcher_log.close()
    looked = json.loads(out) if searcher.returncode == 0 and out.strip() else None

    errors: list[str] = []
    if imported.returncode != 0:
        errors.append(f"import exited with {imported.returncode}: {imported.stderr.strip()[-500:]}")
    try:
        report = json.loads(imported.stdout)
    except ValueError:
        report = {}
        errors.append("import printed no report")
    errors += [f"import failed: {f['source']}: {f['reason']}" for f in report.get("failed", [])]
    if looked is None:
        errors.append(f"the searcher exited with {searcher.returncode}: {err.strip()[-500:]}")
        looked = {"searches": [], "seen": [], "errors": []}
    errors += [f"search: {e}" for e in looked["errors"]]

    sys.path.insert(0, str(ROOT))
    from archive.api import Archive

    with Archive.open(archive_path, sync=False) as archive:  # as the import left it
        clippings = len(archive)
        rows = archive.catalog.db.execute("SELECT count(*) FROM clippings").fetchone()[0]
        documents = archive.index.doc_count()
    checked = subprocess.run(
        [python, "-m", "archive", "--archive", str(archive_path), "check", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    check = json.loads(checked.stdout) if checked.stdout.strip() else {"ok": False}
    expected = pages + 1  # and the sample every new archive starts with
    if clippings != expected:
        errors.append(f"the catalog has {clippings:,} clippings, not {expected:,}")
    if documents != clippings:
        errors.append(f"the index has {documents:,} documents for {clippings:,} clippings")
    if not check.get("ok"):
        errors.append(f"check: {check.get('problems') or checked.stderr.strip()}")

    during = [s for s in looked["searches"] if import_start <= s[0] <= import_end]
    print(f"\nerrors: {len(errors)}")
    for line in errors[:20]:
        print(f"  {line}")
    print(
        f"\nimport: {import_seconds:.0f} s, {report.get('imported', 0) / import_seconds:.1f} "
        f"pages/s; imported {report.get('imported', 0):,}, duplicates "
        f"{report.get('duplicates', 0)}, already present {report.get('already_present', 0)}, "
        f"skipped {report.get('skipped', 0)}, failed {len(report.get('failed', []))}, "
        f"near-duplicates {len(report.get('near_duplicates', []))}"
    )
    if during:
        latencies = sorted(s[1] for s in during)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        print(
            f"search during the import: {len(during):,} searches, median "
            f"{_ms(statistics.median(latencies))}, p95 {_ms(p95)}, max {_ms(latencies[-1])}"
        )
    else:
        print("search during the import: no search ran")
    after = [s[1] for s in looked["searches"] if s[0] > import_end]
    if after:
        print(f"search after it: {len(after)} searches, median {_ms(statistics.median(after))}")
    seen = [count for when, count in looked["seen"] if import_start <= when <= import_end]
    if seen:
        grew = sum(1 for a, b in itertools.pairwise(seen) if b > a)
        print(
            f"the searcher saw the archive grow from {seen[0]:,} to {seen[-1]:,} clippings "
            f"while the import ran ({grew} times)"
        )
    notes = "; ".join(check.get("notes", []))
    checked_counts = {k: f"{v:,}" if isinstance(v, int) else "?" for k, v in check.items()}
    print(
        f"\ncounts: pages given {pages:,}; clippings in the catalog {clippings:,} "
        f"(the pages and the sample; {rows:,} rows with older versions); documents in the "
        f"index {documents:,}; check: {'ok' if check.get('ok') else 'PROBLEMS'} "
        f"({checked_counts.get('clippings', '?')} clippings, "
        f"{checked_counts.get('originals', '?')} originals"
        f"{', notes: ' + notes if notes else ''})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20000, help="pages to import (20000)")
    parser.add_argument("--jobs", type=int, default=None, help="import worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the pages and the archive")
    parser.add_argument("--search-loop", nargs=3, metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.search_loop:
        search_loop(*map(Path, args.search_loop))
        return
    scratch = Path(tempfile.mkdtemp(prefix="clippings-soak-"))
    started = time.perf_counter()
    try:
        soak(scratch, args.pages, args.jobs)
    finally:
        if args.keep:
            print(f"kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"soak: {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
