"""Where an index build's time and bytes go, per field and per stage, beside plain Whoosh.

    python bench/index_profile.py [--articles 500]
    (also printed by ``python bench/search.py --profile``, for the build)

On the first ``--articles`` articles of ``bench/search.py``'s generated corpus:

- per field, Clippings' schema then the plain one (``search.baseline_schema``): the analysis
  (the field's terms made from its value, timed alone), the postings it adds per article, and
  what the field costs to write and in bytes: an index of that field alone (and the id), built
  and committed in one segment, less the analysis;
- per stage, for the whole document: ``schema.document`` (the values of a clipping), the
  analysis of every field, collecting the words as written (``archive.index.words``), the
  rest of ``add_document`` (the postings pool, lengths, columns) and the commit (sorting the
  postings, writing the term table and posting blocks), with the bytes of the segment.

Figures are per article (ms, postings, kB), one run, on one core. Asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from whoosh import fields as wf  # noqa: E402
from whoosh import index as wi  # noqa: E402

from archive.index.schema import SCHEMA, document  # noqa: E402
from archive.index.words import words_of  # noqa: E402
from archive.models import Clipping  # noqa: E402


def clippings_of(corpus: object, count: int) -> list[Clipping]:
    """The first ``count`` articles as the catalog gives them to the index."""
    names = {f.name for f in dataclasses.fields(Clipping)}
    found = []
    for n in range(count):
        made = corpus.article(n)
        values = {f.name: getattr(made.article, f.name) for f in dataclasses.fields(made.article)}
        clipping = Clipping(id=n + 1, **{k: v for k, v in values.items() if k in names})
        clipping.saved, clipping.tags = made.saved, list(made.tags)
        found.append(clipping)
    return found


def _folder_kb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1000


def _build(schema: wf.Schema, docs: list[dict[str, object]]) -> tuple[float, float, float]:
    """(seconds adding, seconds committing, kB) for ``docs`` in one new index of ``schema``."""
    folder = Path(tempfile.mkdtemp(prefix="index-profile-"))
    try:
        ix = wi.create_in(str(folder), schema)
        writer = ix.writer(compound=False)
        started = time.perf_counter()
        for doc in docs:
            writer.add_document(**doc)
        added = time.perf_counter()
        writer.commit()
        committed = time.perf_counter()
        ix.close()
        return added - started, committed - added, _folder_kb(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _analysis(schema: wf.Schema, docs: list[dict[str, object]]) -> dict[str, tuple[float, int]]:
    """Per field: (seconds making its terms, postings) over ``docs``."""
    spent: dict[str, list[float]] = {}
    for doc in docs:
        for name, value in doc.items():
            field = schema[name]
            if not field.indexed:
                continue
            started = time.perf_counter()
            postings = sum(1 for _ in field.index(value))
            entry = spent.setdefault(name, [0.0, 0])
            entry[0] += time.perf_counter() - started
            entry[1] += postings
    return {name: (seconds, int(postings)) for name, (seconds, postings) in spent.items()}


def _one_field_schema(schema: wf.Schema, name: str) -> wf.Schema:
    kept = {"id": schema["id"]} if name != "id" else {}
    kept[name] = schema[name]
    return wf.Schema(**kept)


def _per_field(schema: wf.Schema, docs: list[dict[str, object]]) -> list[tuple]:
    """(field, analysis s, postings, write s, kB) for each field, costliest first."""
    analysed = _analysis(schema, docs)
    id_only = _build(_one_field_schema(schema, "id"), [{"id": d["id"]} for d in docs])
    rows = []
    for name, (seconds, postings) in analysed.items():
        if name == "id":
            continue
        alone = [{"id": d["id"], name: d[name]} for d in docs if name in d]
        add, commit, kb = _build(_one_field_schema(schema, name), alone)
        write = max(0.0, add + commit - seconds - sum(id_only[:2]))
        rows.append((name, seconds, postings, write, max(0.0, kb - id_only[2])))
    return sorted(rows, key=lambda row: -(row[1] + row[3]))


def _timed(make: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    made = make()
    return made, time.perf_counter() - started


def profile_lines(corpus: object, count: int = 500) -> list[str]:
    """The build profile of the first ``count`` articles of ``corpus``, as printed lines."""
    from search import baseline_document, baseline_schema

    clippings = clippings_of(corpus, count)
    ours, make_docs = _timed(lambda: [document(c) for c in clippings])
    _, collect = _timed(
        lambda: [words_of("\n".join([c.title, *c.titles, c.text])) for c in clippings]
    )
    plain = [baseline_document(n, corpus.article(n)) for n in range(count)]
    per = 1000 / count
    lines = [f"build profile, first {count:,} articles (per article; one core)"]
    lines.append(
        f"{'field':<12} {'analysis':>9} {'postings':>9} {'write':>7} {'kB':>6}"
        f"   | plain {'field':<12} {'analysis':>9} {'postings':>9} {'write':>7} {'kB':>6}"
    )
    left = _per_field(SCHEMA, ours)
    right = _per_field(baseline_schema(), plain)
    for k in range(max(len(left), len(right))):
        cells = []
        for rows in (left, right):
            if k < len(rows):
                name, seconds, postings, write, kb = rows[k]
                cells.append(
                    f"{name:<12} {seconds * per:7.2f}ms {postings / count:9.0f} "
                    f"{write * per:5.2f}ms {kb / count:6.2f}"
                )
            else:
                cells.append(" " * 49)
        lines.append(f"{cells[0]}   | plain {cells[1]}")
    totals = []
    for name, schema, docs in (("clippings", SCHEMA, ours), ("plain", baseline_schema(), plain)):
        analysis = sum(seconds for seconds, _ in _analysis(schema, docs).values())
        add, commit, kb = _build(schema, docs)
        extra = (make_docs + collect) if name == "clippings" else 0.0
        totals.append((name, analysis, add - analysis, commit, kb, extra))
    lines.append(
        "stages, whole documents in one segment "
        "(ms per article: values+words, analysis, pool+lengths+columns, commit; kB):"
    )
    for name, analysis, pool, commit, kb, extra in totals:
        lines.append(
            f"  {name:<10} {extra * per:6.2f} {analysis * per:9.2f} {pool * per:9.2f} "
            f"{commit * per:7.2f}   total {(extra + analysis + pool + commit) * per:6.2f} ms, "
            f"{kb / count:5.1f} kB"
        )
    return lines


def main() -> None:
    from search import Corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    print("\n".join(profile_lines(Corpus(10_000), args.articles)))


if __name__ == "__main__":
    main()
