"""Import and search speed of the archive core, each beside its baseline in the same run.

    python bench/core.py [--pages N] [--source DIR]

Builds N saved pages from real pages (``../shared/extraction/dev/html`` when present, else the
test fixtures), each given a paragraph of its own so no two are the same, then measures:

- import: ``Archive.import_paths`` (extract + store + catalog + index) against the baseline of
  trafilatura extracting the same pages alone (no store, no index): the ratio is what the rest
  of the pipeline costs;
- search: ``Archive.search`` (20 hits with highlighted snippets) against the baseline of a plain
  Whoosh index (default ``StemmingAnalyzer``, body stored, ``highlights()``) of the same texts,
  queried with the same queries.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.api import Archive  # noqa: E402

QUERIES = [
    "the",
    "president",
    "government policy",
    '"white house"',
    "title:trump",
    "elect*",
    "climate OR energy",
    "market -stock",
    "new york",
    "author:smith",
    "said",
    "people",
]


def build_corpus(source: Path, count: int, into: Path) -> list[Path]:
    pages = sorted(source.glob("*.html"))
    rng = random.Random(7)
    words = " ".join(p.read_text("utf-8", "replace") for p in pages[:5]).split()
    words = [w for w in words if w.isalpha() and 3 < len(w) < 12][:5000] or ["word"]
    made = []
    for i in range(count):
        html = pages[i % len(pages)].read_text("utf-8", "replace")
        extra = " ".join(rng.choice(words) for _ in range(60))
        html = html.replace("</p>", f"</p><p>Note {i}: {extra}.</p>", 1)
        path = into / f"page-{i:05d}.html"
        path.write_text(html, encoding="utf-8")
        made.append(path)
    return made


def baseline_extract(paths: list[Path]) -> tuple[float, list[tuple[str, str, str]]]:
    import trafilatura

    start = time.perf_counter()
    docs = []
    for i, path in enumerate(paths):
        html = path.read_text("utf-8", "replace")
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
        if result is not None and result.text:
            docs.append((str(i), result.title or "", result.text))
    return time.perf_counter() - start, docs


def baseline_index(docs: list[tuple[str, str, str]], folder: Path):
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )
    ix = index.create_in(folder, schema)
    with ix.writer() as writer:
        for doc_id, title, body in docs:
            writer.add_document(id=doc_id, title=title, body=body)
    return ix


def timed(fn, queries: list[str], rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - start) * 1000)
    return times


def describe(times: list[float]) -> str:
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    return f"median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    default_source = ROOT.parent / "shared" / "extraction" / "dev" / "html"
    if not default_source.is_dir():
        default_source = ROOT / "tests" / "fixtures" / "pages"
    parser.add_argument("--source", type=Path, default=default_source)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "pages").mkdir()
        paths = build_corpus(args.source, args.pages, tmp_path / "pages")
        print(f"corpus: {len(paths)} pages built from {args.source}")

        base_seconds, docs = baseline_extract(paths)
        with Archive.open(tmp_path / "archive") as archive:
            start = time.perf_counter()
            report = archive.import_paths(paths)
            ours = time.perf_counter() - start
        print("\nimport (pages/s, one process)")
        print(f"  baseline trafilatura extraction alone : {len(paths) / base_seconds:7.1f}")
        print(
            f"  clippings import (extract+store+index): {len(paths) / ours:7.1f}"
            f"   ratio {base_seconds / ours:.2f}x of baseline"
            f"   ({len(report.imported)} imported, {len(report.failed)} failed)"
        )

        (tmp_path / "baseline-index").mkdir()
        ix = baseline_index(docs, tmp_path / "baseline-index")
        from whoosh.qparser import MultifieldParser

        qparser = MultifieldParser(["title", "body"], ix.schema)
        searcher = ix.searcher()

        def baseline_search(q: str) -> None:
            results = searcher.search(qparser.parse(q), limit=20, terms=True)
            for hit in results:
                hit.highlights("body", top=2)

        with Archive.open(tmp_path / "archive") as archive:
            archive.search("warm up")
            baseline_search("warm up")
            ours_t = timed(lambda q: archive.search(q, limit=20), QUERIES)
            base_t = timed(baseline_search, QUERIES)
        print(f"\nsearch, 20 hits with snippets, {len(QUERIES)} queries x 5 rounds")
        print(f"  baseline plain Whoosh, stored body : {describe(base_t)}")
        print(f"  clippings Archive.search           : {describe(ours_t)}")
        print(
            f"  ratio (median baseline / ours)     : "
            f"{statistics.median(base_t) / statistics.median(ours_t):.2f}x"
        )


if __name__ == "__main__":
    main()
