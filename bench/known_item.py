"""Known-item search: does the page you remember come first? Clippings beside the plain build.

    python bench/known_item.py [--shared ../shared] [--sets dev,readability] [--misses]
                               [--processes N] [--keep DIR]

Built like ``../shared/relevance/known-item/known_item.py``. The pages of the sets are imported
into one Clippings archive and one plain build (``bench/plain.py``: trafilatura's defaults into
Whoosh's ``StemmingAnalyzer``); then, for each page:

  title    its whole title, unquoted, punctuation dropped        -> MRR, titles of >= 3 words
  part     four words from inside its title (words 2-5)           -> MRR, titles of >= 6 words
  phrase   a 6-word quoted phrase from the middle of its true body -> share found first
  slip     that phrase remembered with a slip: a word wrong, one left out, two swapped
           (three queries a page)                                 -> share found first

Per set, per half of each set (by a hash of the page's name, as in ``extract_quality.py``) and
for all pages in one archive. A page's title is its expected one where the set has it
(Readability's), else trafilatura's. Ranks come from the library (``Archive.search``: what
``clippings search`` prints) and from the plain build's function; two saves of one page (the
same URL) are versions of one clipping, whose newest Clippings shows, so a hit on either
counts for both, in both systems; ``--processes N`` queries
(default 30) are also timed as a new ``search`` process of each, whose median is printed.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import plain  # noqa: E402

from archive.api import Archive  # noqa: E402

SETS = {"dev": "dev", "readability": "readability-dev"}
KINDS = ("title", "part", "phrase", "slip")
# the word put in place of one of a phrase's, to remember it wrong (no page is about it)
WRONG_WORD = "something"


def half_of(page_id: str) -> str:
    """``"a"`` or ``"b"``: a page's half, by a hash of its name, as ``extract_quality.py`` splits
    the sets (tune on one half, check on the other)."""
    return "a" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "b"


def title_of(page: Path) -> str:
    import trafilatura

    meta = trafilatura.extract_metadata(page.read_text(encoding="utf-8", errors="replace"))
    return (meta.title if meta else "") or ""


def queries(title: str, body: str) -> list[tuple[str, str]]:
    """(kind, query) for a page, as the shared script makes them."""
    words = re.sub(r"[^\w\s]", " ", title.split(" | ")[0]).split()
    body_words = re.findall(r"\w+", body)
    found = []
    if len(words) >= 3:
        found.append(("title", " ".join(words)))
    if len(words) >= 6:
        found.append(("part", " ".join(words[1:5])))
    if len(body_words) >= 12:
        middle = len(body_words) // 2
        phrase = body_words[middle : middle + 6]
        found.append(("phrase", '"' + " ".join(phrase) + '"'))
        # the same phrase remembered with a slip: a word wrong, a word left out, two swapped
        for slip in (
            [*phrase[:3], WRONG_WORD, *phrase[4:]],
            [*phrase[:3], *phrase[4:]],
            [*phrase[:2], phrase[3], phrase[2], *phrase[4:]],
        ):
            found.append(("slip", '"' + " ".join(slip) + '"'))
    return found


def score(kind: str, rank: int | None) -> float:
    if kind in ("phrase", "slip"):
        return float(rank == 1)
    return 1 / rank if rank else 0.0


def rank_of(sources: list[str], key: str, same: dict[str, set[str]]) -> int | None:
    """The rank of the page ``key`` among the hits' ``sources``: a hit on another saved version
    of the same page (same URL: Clippings shows the newest) is a hit on it, for both systems."""
    for n, source in enumerate(sources, 1):
        name = Path(source).stem
        if name == key or key in same.get(name, ()):
            return n
    return None


def saved_versions(archive: Archive) -> dict[str, set[str]]:
    """Each imported page's name → the names of the other saved versions of its page."""
    same: dict[str, set[str]] = {}
    for clipping in archive.clippings():
        names = {Path(v.source).stem for v in archive.versions(clipping.id)}
        for name in names:
            same.setdefault(name, set()).update(names - {name})
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sets", default="dev,readability")
    parser.add_argument("--misses", action="store_true", help="list the queries not ranked first")
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="build the archives here and keep them")
    args = parser.parse_args()

    pages = []  # (set, id, page, title, body)
    for name in args.sets.split(","):
        folder = args.shared / "extraction" / SETS[name]
        truth = json.loads((folder / "ground-truth.json").read_text())
        for key in sorted(truth):
            page = folder / "html" / f"{key}.html"
            title = truth[key].get("title") or title_of(page)
            pages.append((name, key, page, title, truth[key]["articleBody"]))

    work = args.keep or Path(tempfile.mkdtemp(prefix="known-item-"))
    ours_dir, plain_dir = work / "clippings", work / "plain"
    if not ours_dir.exists():
        with Archive.open(ours_dir) as archive:
            archive.import_paths([p for _, _, p, _, _ in pages])
    if not plain_dir.exists():
        plain.import_pages(plain_dir, [p for _, _, p, _, _ in pages])

    scores: dict[tuple[str, str, str], list[float]] = {}
    timed: list[str] = []
    with Archive.open(ours_dir) as archive:
        same = saved_versions(archive)
        for name, key, _page, title, body in pages:
            for kind, query in queries(title, body):
                timed.append(query)
                ours = [h.clipping.source for h in archive.search(query, limit=10).hits]
                theirs = [h["source"] for h in plain.search(plain_dir, query, 10)]
                for system, sources in (("clippings", ours), ("plain", theirs)):
                    rank = rank_of(sources, key, same)
                    for group in (name, f"{name} {half_of(key)}", "all"):
                        scores.setdefault((system, group, kind), []).append(score(kind, rank))
                    if args.misses and system == "clippings" and rank != 1:
                        mark = "+" if rank_of(theirs, key, same) == 1 else " "
                        print(f"{mark} miss {kind:6} rank {rank}  {name}/{key[:20]}  {query[:80]}")

    step = max(1, len(timed) // max(1, args.processes))
    sample = timed[::step][: args.processes]
    ms = {"clippings": [], "plain": []}
    # as installed: with the bytecode cache a user's Python writes (this machine turns it off,
    # and compiling Clippings' modules each time would cost a new process 0.15 s more)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for n, query in enumerate(sample[:1] + sample):  # the first writes the cache: untimed
        plain_cli = [sys.executable, str(ROOT / "bench" / "plain.py")]
        for system, command in (
            ("clippings", [sys.executable, "-m", "archive", "--archive", str(ours_dir)]),
            ("plain", [*plain_cli, "--archive", str(plain_dir)]),
        ):
            started = time.perf_counter()
            subprocess.run(
                [*command, "search", query, "--json", "--limit", "10"],
                capture_output=True,
                cwd=ROOT,
                env=env,
            )
            if n:
                ms[system].append((time.perf_counter() - started) * 1000)

    print(f"known-item search, {len(pages)} pages in one archive; Clippings / plain build")
    print(
        f"{'set':13} {'title MRR':>18} {'part-title MRR':>18} {'phrase first':>18}"
        f" {'phrase w/ a slip first':>22}"
    )
    groups = [f"{n}{h}" for n in args.sets.split(",") for h in (" a", " b", "")] + ["all"]
    for group in groups:
        cells = []
        for kind in KINDS:
            ours = scores.get(("clippings", group, kind))
            theirs = scores.get(("plain", group, kind))
            cells.append(
                f"{statistics.mean(ours):.3f} / {statistics.mean(theirs):.3f} ({len(ours):>3})"
                if ours
                else f"{'—':>18}"
            )
        print(f"{group:13} " + " ".join(f"{c:>18}" for c in cells[:3]) + f" {cells[3]:>22}")
    if sample:
        print(
            f"search as a new process, median of {len(sample)}: "
            f"{statistics.median(ms['clippings']):.0f} ms / {statistics.median(ms['plain']):.0f} ms"
        )
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
