"""The terminal UI on a large archive: first paint, and keystroke to repainted results.

    python bench/tui.py [--clippings 10000] [--folder DIR]

Builds (once, then reuses) an archive of N clippings made from real article text: the dev
pages of ``../shared/extraction`` when present, else the test fixtures, extracted once and then
recombined paragraph by paragraph, with varied titles, sites, dates and languages. Then:

- first paint: from creating the app to the full listing on screen (in process), and from
  starting ``clippings`` in a pseudo-terminal to the listing drawn (a cold start);
- keystroke latency: queries typed one key at a time into the real app (``App.run_test``), each
  timed by the app from the change of the query text to the refresh that paints its results
  (Pilot's own waiting is left out), beside two baselines measured in the same run on
  the same query prefixes: ``Archive.search(as_you_type=True)`` alone (the same search, with
  snippets, no UI) and a bare Whoosh search of the parsed query (no snippets, no catalog, no
  prefix for the last word);
- the same keystrokes with the facet panel open (results, then facet counts), and while the app
  imports real pages in the background (on a copy of the archive).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pty
import random
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.api import Archive  # noqa: E402
from archive.extract import extract_file  # noqa: E402
from archive.index.query import parse  # noqa: E402
from archive.index.schema import SCHEMA_VERSION  # noqa: E402
from archive.models import Article  # noqa: E402
from archive.tui.screens.search import PAGE  # noqa: E402

QUERIES = ["north korea", "climate policy", "president", "market", "elect*", '"new york"']
SITES = [
    f"{name} {kind}"
    for name in (
        "Daily",
        "Evening",
        "Global",
        "Metro",
        "Valley",
        "Harbor",
        "Capital",
        "Northern",
        "Coastal",
        "Tribune",
    )
    for kind in ("News", "Post", "Times", "Herald")
]


def seed_articles() -> list[Article]:
    dev = ROOT.parent / "shared" / "extraction" / "dev" / "html"
    pages = sorted(dev.glob("*.html")) if dev.is_dir() else []
    pages = pages or sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
    articles = []
    for page in pages:
        try:
            articles.append(extract_file(page))
        except Exception:
            continue
    return articles


def build(folder: Path, count: int) -> None:
    seeds = seed_articles()
    paragraphs = [p for a in seeds for p in a.markdown.split("\n\n") if len(p) > 80]
    titles = [a.title for a in seeds if a.title]
    rng = random.Random(11)
    started = time.perf_counter()
    with Archive(folder) as archive, archive.index.writer() as writer:
        for start in range(0, count, 500):
            ids = []
            with archive.catalog.transaction():
                for number in range(start, min(count, start + 500)):
                    chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(4, 12)))
                    markdown = "\n\n".join(chosen)
                    year = rng.randint(2005, 2026)
                    article = Article(
                        title=f"{rng.choice(titles)} ({number})",
                        author=rng.choice(["Ana Ruiz", "Lee Min", "Sam Okafor", "Jo Park"]),
                        published=f"{year}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}",
                        site=rng.choice(SITES),
                        url=f"https://example.com/{number}",
                        language=rng.choice(["en"] * 8 + ["de", "it"]),
                        text=markdown.replace("**", ""),
                        markdown=markdown,
                        format="html",
                    )
                    ids.append(
                        archive.catalog.add(
                            sha256=sha256(f"bench-{number}".encode()).hexdigest(),
                            source=f"bench/page-{number}.html",
                            saved=f"{year}-12-31T12:00:00+00:00",
                            article=article,
                            page_url=None,
                            page_saved=None,
                        )
                    )
            for clipping in archive.catalog.get_many(ids):
                writer.add(clipping)
            done = min(count, start + 500)
            rate = done / (time.perf_counter() - started)
            print(f"  built {done:,}/{count:,} ({rate:.0f} clippings/s)", end="\r", flush=True)
    print(f"  built {count:,} clippings in {time.perf_counter() - started:.0f} s" + " " * 20)


def prefixes(query: str) -> list[str]:
    return [query[:end] for end in range(1, len(query) + 1)]


def summary(name: str, times: list[float]) -> str:
    times = sorted(times)
    median = statistics.median(times) * 1000
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    return f"{name:<44} median {median:6.1f} ms   p95 {p95:6.1f} ms   (n={len(times)})"


def baselines(folder: Path) -> tuple[list[float], list[float]]:
    library, bare = [], []
    with Archive(folder) as archive:
        searcher = archive.index.searcher()
        archive.search("warm up")
        for query in QUERIES:
            for text in prefixes(query):
                started = time.perf_counter()
                with contextlib.suppress(Exception):
                    archive.search(text, limit=PAGE, as_you_type=True)
                library.append(time.perf_counter() - started)
                started = time.perf_counter()
                with contextlib.suppress(Exception):
                    searcher.search(parse(text), limit=PAGE)
                bare.append(time.perf_counter() - started)
    return library, bare


async def in_app(folder: Path, facets: bool) -> tuple[float, list[float]]:
    from archive.tui import create_app
    from archive.tui.screens.search import SearchScreen

    started = time.perf_counter()
    app = create_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        while not screen.result_total:
            await pilot.pause(0.005)
        first_paint = time.perf_counter() - started
        if facets:
            await pilot.press("ctrl+f")
        times = await type_queries(pilot, facets)
    return first_paint, times


async def type_queries(pilot, facets: bool, keep=lambda: True) -> list[float]:
    """Type each query a key at a time; the latency of every key for which ``keep()``."""
    screen = pilot.app.screen
    times = []
    for query in QUERIES:
        await pilot.press("escape")
        await settle(pilot, screen, facets)
        for char in query:
            screen.latency = None
            await pilot.press({" ": "space", '"': "quotation_mark"}.get(char, char))
            await settle(pilot, screen, facets)
            while screen.latency is None:
                await pilot.pause(0.001)
            if keep():
                times.append(screen.latency)
    return times


async def during_import(folder: Path, pages: Path) -> tuple[list[float], int]:
    """Keystrokes typed while the app imports ``pages`` in the background."""
    from archive.tui import create_app

    app = create_app(folder)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not screen.result_total:
            await pilot.pause(0.005)
        app.start_import([pages])
        while not app.import_state.done:
            await pilot.pause(0.01)
        while app.import_state.running:
            times += await type_queries(pilot, False, keep=lambda: app.import_state.running)
        while app.import_state.report is None:
            await pilot.pause(0.05)
        imported = app.import_state.imported
    return times, imported


def import_pages(into: Path) -> Path:
    """Real saved pages to import, each made unique (so none is skipped as already there)."""
    dev = ROOT.parent / "shared" / "extraction" / "dev" / "html"
    pages = sorted(dev.glob("*.html")) if dev.is_dir() else []
    pages = pages or sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
    into.mkdir(parents=True, exist_ok=True)
    for copy in range(max(1, 120 // len(pages))):
        for page in pages:
            html = page.read_bytes().replace(b"</body>", f"<p>copy {copy}</p></body>".encode())
            (into / f"{copy}-{page.name}").write_bytes(html)
    return into


async def settle(pilot, screen, facets: bool) -> None:
    while (
        screen._in_flight is not None
        or screen._on_screen != screen._latest
        or (facets and any(w.is_running and w.group == "facets" for w in pilot.app.workers))
    ):
        await pilot.pause(0.001)
    await pilot.pause()  # the repaint


def cold_start(folder: Path) -> float:
    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "--archive", str(folder)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=ROOT,
    )
    os.close(secondary)
    seen = b""
    try:
        while b"sorted by" not in seen and time.perf_counter() - started < 60:
            if select.select([main], [], [], 0.05)[0]:
                seen += os.read(main, 65536)
        elapsed = time.perf_counter() - started
        os.write(main, b"\x11")
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clippings", type=int, default=10_000)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    folder = args.folder or Path("/tmp/clippings-bench") / f"tui-{args.clippings}-v{SCHEMA_VERSION}"
    if not (folder / "catalog.sqlite3").exists():
        print(f"building {folder} ...")
        build(folder, args.clippings)
    with Archive(folder) as archive:
        print(f"archive: {len(archive):,} clippings, index {du(folder / 'index')}")

    library, bare = baselines(folder)
    first_paint, typed = asyncio.run(in_app(folder, facets=False))
    _, typed_facets = asyncio.run(in_app(folder, facets=True))
    cold = cold_start(folder)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "archive"
        shutil.copytree(folder, copy)
        typed_importing, imported = asyncio.run(
            during_import(copy, import_pages(Path(scratch) / "pages"))
        )
    print(
        f"first paint, in process: {first_paint * 1000:.0f} ms; cold `clippings` in a pty: "
        f"{cold * 1000:.0f} ms"
    )
    print(summary("keystroke -> results on screen (TUI)", typed))
    print(summary("keystroke -> results + facets (TUI)", typed_facets))
    if typed_importing:
        label = f"keystroke -> results, importing {imported} pages"
        print(summary(label, typed_importing))
    print(summary(f"baseline: Archive.search as you type, {PAGE} hits", library))
    print(summary("baseline: bare Whoosh search, no snippets", bare))
    ratio = statistics.median(typed) / statistics.median(library)
    bare_ratio = statistics.median(typed) / statistics.median(bare)
    print(f"TUI / library: {ratio:.2f}x   TUI / bare Whoosh: {bare_ratio:.2f}x (median)")


def du(path: Path) -> str:
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return f"{size / 1e6:.0f} MB"


if __name__ == "__main__":
    main()
