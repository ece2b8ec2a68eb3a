"""Ranking quality on public test collections (MED, CISI), beside plain Whoosh in the same run.

    python bench/relevance.py [--collection med|cisi|all] [--archives DIR] [--runs DIR]
                              [--data DIR]

For each collection of ``../shared/relevance`` (``--data``; its README says where they come
from):

- Clippings: its saved pages (``pages/<collection>-<id>.html``) are imported into a temp archive
  through the real command line (``python -m archive import``), then each judged query is sent
  as its lower-cased ``[a-z0-9]+`` tokens joined with `` OR `` to ``Archive.search(q,
  limit=100)``; a hit is mapped back to its docid by the page's file name (its ``source``), and
  pages with the same bytes (stored once) all take that hit's place;
- the baseline: a plain Whoosh index of ``docs.jsonl`` with the README's anchor settings
  (``StemmingAnalyzer``, title ``field_boost=2.0``, ``MultifieldParser`` with ``OrGroup``,
  ``BM25F()`` defaults), the same tokens (OR-ed, with repeats), top 100.

Each run is written in TREC format and scored by ``treceval.py --json``; prints MAP@100, nDCG@10,
P@10 and MRR of both, the ratio, the target, and the mean time per query (Clippings: hits with
snippets through the library API; baseline: bare ``searcher.search``). Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.api import Archive  # noqa: E402

SHARED = ROOT.parent / "shared" / "relevance"
COLLECTIONS = ("med", "cisi")
METRICS = ("MAP@100", "nDCG@10", "P@10", "MRR")
# what the recipe must reach (MAP@100, nDCG@10), measured on these and on unseen collections
TARGETS = {"med": {"MAP@100": 0.55, "nDCG@10": 0.73}, "cisi": {"MAP@100": 0.14, "nDCG@10": 0.33}}
DEPTH = 100
TOKEN = re.compile(r"[a-z0-9]+")

Run = dict[str, list[tuple[str, float]]]  # qid -> [(docid, score)], best first


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def judged_queries(folder: Path) -> list[tuple[str, str]]:
    """(qid, text) of the queries with at least one relevant document, in file order."""
    judged = set()
    for line in (folder / "qrels.tsv").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and int(parts[2]) > 0:
            judged.add(parts[0])
    queries = []
    for line in (folder / "queries.jsonl").read_text().splitlines():
        query = json.loads(line)
        if str(query["qid"]) in judged:
            queries.append((str(query["qid"]), query["text"]))
    return queries


def timed_run(queries: list[tuple[str, str]], search: Callable[[str], list]) -> tuple[Run, float]:
    """The run of ``search`` over ``queries``, and the mean time per query in ms."""
    run: Run = {}
    times = []
    for qid, text in queries:
        started = time.perf_counter()
        run[qid] = search(text)
        times.append(time.perf_counter() - started)
    return run, 1000 * statistics.mean(times)


# -- the baseline: plain Whoosh, the README's anchor settings ---------------------------------


def baseline_run(folder: Path, queries: list[tuple[str, str]], tmp: Path) -> tuple[Run, float]:
    from whoosh import fields, index, scoring
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = fields.Schema(
        id=fields.ID(stored=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), field_boost=2.0),
        text=fields.TEXT(analyzer=StemmingAnalyzer()),
    )
    (tmp / "baseline").mkdir()
    ix = index.create_in(tmp / "baseline", schema)
    with ix.writer() as writer:
        for line in (folder / "docs.jsonl").read_text().splitlines():
            doc = json.loads(line)
            writer.add_document(id=str(doc["id"]), title=doc["title"], text=doc["text"])
    parser = MultifieldParser(["title", "text"], ix.schema, group=OrGroup)
    with ix.searcher(weighting=scoring.BM25F()) as searcher:

        def search(text: str) -> list[tuple[str, float]]:
            results = searcher.search(parser.parse(" ".join(tokens(text))), limit=DEPTH)
            return [(hit["id"], hit.score) for hit in results]

        return timed_run(queries, search)


# -- Clippings: the pages imported through the command line, searched through the API --------


def import_pages(pages: Path, archive: Path) -> dict:
    """``python -m archive import PAGES --archive ARCHIVE --json``: its summary."""
    command = [sys.executable, "-m", "archive", "import", str(pages), "--json"]
    done = subprocess.run(
        [*command, "--archive", str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise SystemExit(f"import failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def twins(pages: Path, name: str) -> dict[str, list[str]]:
    """docid -> the docids of the pages with the same bytes (the archive stores one of them)."""
    by_hash: dict[str, list[str]] = {}
    for page in sorted(pages.glob(f"{name}-*.html")):
        digest = hashlib.sha256(page.read_bytes()).hexdigest()
        by_hash.setdefault(digest, []).append(page.stem.split("-", 1)[1])
    return {docid: same for same in by_hash.values() for docid in same}


def clippings_run(
    folder: Path, name: str, queries: list[tuple[str, str]], archive_dir: Path
) -> tuple[Run, float, str]:
    pages = folder / "pages"
    if (archive_dir / "catalog.sqlite3").exists():
        imported = f"archive {archive_dir} reused"
    else:
        started = time.perf_counter()
        summary = import_pages(pages, archive_dir)
        imported = (
            f"imported {summary['imported']} pages in {time.perf_counter() - started:.0f} s "
            f"(duplicates {summary['duplicates']}, failed {len(summary.get('failed', []))})"
        )
    page_name = re.compile(rf"{name}-(\d+)\.html$")
    same = twins(pages, name)
    with Archive.open(archive_dir) as archive:
        archive.search("warm up")

        def search(text: str) -> list[tuple[str, float]]:
            found = []
            for hit in archive.search(" OR ".join(tokens(text)), limit=DEPTH).hits:
                match = page_name.search(hit.clipping.source)
                if match:  # not the sample page a new archive starts with
                    found += [(d, hit.score) for d in same.get(match.group(1), [match.group(1)])]
            return found[:DEPTH]

        run, ms = timed_run(queries, search)
    return run, ms, imported


# -- scoring ---------------------------------------------------------------------------------


def score(run: Run, qrels: Path, path: Path, tag: str) -> dict[str, float]:
    """Write ``run`` in TREC format to ``path``; its scores by ``treceval.py --json``."""
    with path.open("w") as out:
        for qid, hits in run.items():
            for rank, (docid, value) in enumerate(hits, 1):
                out.write(f"{qid} Q0 {docid} {rank} {value:.6f} {tag}\n")
    done = subprocess.run(
        [sys.executable, str(qrels.parent.parent / "treceval.py"), str(path), str(qrels), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def report(name: str, queries: int, base: dict, ours: dict, base_ms: float, ours_ms: float) -> None:
    print(f"\n{name.upper()}: {queries} judged queries, top {DEPTH}")
    print(f"  {'metric':8} {'baseline':>9} {'clippings':>10} {'ratio':>7} {'target':>7}")
    for metric in METRICS:
        target = TARGETS[name].get(metric)
        mark = "" if target is None else ("  ok" if ours[metric] >= target else "  BELOW")
        wanted = f"{target:7.3f}" if target is not None else " " * 7
        ratio = ours[metric] / base[metric] if base[metric] else float("nan")
        print(f"  {metric:8} {base[metric]:9.4f} {ours[metric]:10.4f} {ratio:6.2f}x {wanted}{mark}")
    print(f"  mean time per query: baseline {base_ms:.1f} ms (bare search), ", end="")
    print(f"clippings {ours_ms:.1f} ms (100 hits with snippets)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collection", choices=[*COLLECTIONS, "all"], default="all")
    parser.add_argument(
        "--archives", type=Path, help="keep the archives here (reused by the next run)"
    )
    parser.add_argument("--runs", type=Path, help="keep the TREC runs here")
    parser.add_argument("--data", type=Path, default=SHARED, help="the collections' folder")
    args = parser.parse_args()
    names = COLLECTIONS if args.collection == "all" else (args.collection,)

    with tempfile.TemporaryDirectory(prefix="clippings-relevance-") as scratch:
        tmp = Path(scratch)
        runs = args.runs or tmp / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        for name in names:
            folder = args.data / name
            queries = judged_queries(folder)
            work = tmp / name
            work.mkdir()
            archive_dir = (args.archives or tmp / "archives") / name
            base_run, base_ms = baseline_run(folder, queries, work)
            ours_run, ours_ms, imported = clippings_run(folder, name, queries, archive_dir)
            print(f"{name}: {imported}")
            qrels = folder / "qrels.tsv"
            base = score(base_run, qrels, runs / f"{name}-baseline.run", "whoosh")
            ours = score(ours_run, qrels, runs / f"{name}-clippings.run", "clippings")
            report(name, len(queries), base, ours, base_ms, ours_ms)


if __name__ == "__main__":
    main()
