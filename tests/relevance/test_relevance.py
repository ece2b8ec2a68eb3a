"""Ranking quality on a fixed corpus: MRR and nDCG@10 over the queries of ``queries.json``.

The corpus (``pages/``, made once by ``make_corpus.py``) is imported into a real archive by the
real importer, once for the module; every query runs through ``Archive.search`` and its hits are
mapped back to the page files they were imported from. The scores are printed per kind of query
and overall (``pytest -s tests/relevance``), and the test fails when either falls below its
floor. The hard rules (an exact title first, newer first among equal scores) are checked query
by query.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.api import Archive

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
QUERIES: list[dict] = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))

# The floors are the level the ranking reached (MRR 0.971, nDCG@10 0.921 on 2026-11-27, with
# BM25, the title and dek boosts, exact titles first, proximity and feedback), less a small
# margin: a change that ranks worse fails. Raise them as the ranking improves. (Before that
# work, Whoosh's defaults and the old query parsing gave MRR 0.818, nDCG@10 0.799.)
MRR_FLOOR = 0.96
NDCG_FLOOR = 0.91

DEPTH = 100  # hits read per query (MRR counts the first relevant one down to here)
CUTOFF = 10  # nDCG@10

# Kinds whose best page must come first, every time.
HARD_RULES = {
    "exact-title": "the page whose title is the query comes first",
    "quoted-title": "the page whose title is the quoted query comes first",
    "newer-tie": "of two pages that score the same, the newer comes first",
}
# Hard-rule queries the ranking does not satisfy yet (marked xfail): query id -> why.
# None today; at the commit before the ranking work, every exact title with a stop word in it
# found nothing (the AND of a stop word that the name fields keep), and equal scores came in
# import order.
NOT_YET: dict[str, str] = {}


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    """Each query's id -> the page files of its hits, best first."""
    with Archive.open(tmp_path_factory.mktemp("relevance") / "archive", seed=False) as archive:
        report = archive.import_paths([PAGES])
        pages = sorted(PAGES.glob("*.html"))
        assert report.failed == [], report.failed
        assert len(report.imported) == len(pages)
        yield {
            query["id"]: [
                Path(hit.clipping.source).name
                for hit in archive.search(query["query"], limit=DEPTH).hits
            ]
            for query in QUERIES
        }


def reciprocal_rank(hits: list[str], expected: dict[str, int]) -> float:
    """1 / the rank of the first hit among the best-graded expected pages (0 if none)."""
    best = max(expected.values())
    for rank, name in enumerate(hits, 1):
        if expected.get(name) == best:
            return 1 / rank
    return 0.0


def ndcg(hits: list[str], expected: dict[str, int], cutoff: int = CUTOFF) -> float:
    """Normalized discounted cumulative gain of the first ``cutoff`` hits (gain 2^grade - 1)."""

    def dcg(grades: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:cutoff]))

    ideal = dcg(sorted(expected.values(), reverse=True))
    return dcg([expected.get(name, 0) for name in hits]) / ideal


def scores(ranked: dict[str, list[str]]) -> dict[str, tuple[int, float, float]]:
    """Per kind (and ``"all"``): number of queries, MRR, mean nDCG@10."""
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query in QUERIES:
        hits, expected = ranked[query["id"]], query["expected"]
        pair = (reciprocal_rank(hits, expected), ndcg(hits, expected))
        by_kind[query["kind"]].append(pair)
        by_kind["all"].append(pair)
    return {
        kind: (
            len(pairs),
            sum(p[0] for p in pairs) / len(pairs),
            sum(p[1] for p in pairs) / len(pairs),
        )
        for kind, pairs in by_kind.items()
    }


def report(ranked: dict[str, list[str]]) -> str:
    """The scores per kind and overall, then every query whose best page is not first."""
    lines = [f"{'kind':<14} {'queries':>7} {'MRR':>6} {'nDCG@10':>8}"]
    for kind, (count, mrr, gain) in sorted(scores(ranked).items(), key=lambda i: i[0] == "all"):
        lines.append(f"{kind:<14} {count:>7} {mrr:>6.3f} {gain:>8.3f}")
    lines.append("")
    for query in QUERIES:
        hits, expected = ranked[query["id"]], query["expected"]
        rr = reciprocal_rank(hits, expected)
        if rr < 1:
            rank = f"rank {round(1 / rr)}" if rr else "not found"
            top = ", ".join(hits[:3]) or "no hits"
            lines.append(f"{query['id']} {query['query']!r}: {rank}; top: {top}")
    return "\n".join(lines)


def test_the_corpus_and_queries_are_consistent() -> None:
    pages = {path.name for path in PAGES.glob("*.html")}
    assert len(pages) >= 200
    assert len(QUERIES) >= 40
    assert len({q["id"] for q in QUERIES}) == len(QUERIES)
    for query in QUERIES:
        assert query["expected"], query["id"]
        assert set(query["expected"]) <= pages, query["id"]
        assert all(grade in (1, 2) for grade in query["expected"].values()), query["id"]


def test_ranking_quality_is_at_least_the_level_reached(ranked: dict[str, list[str]]) -> None:
    text = report(ranked)
    print(f"\n{text}")
    _, mrr, gain = scores(ranked)["all"]
    assert mrr >= MRR_FLOOR and gain >= NDCG_FLOOR, (
        f"MRR {mrr:.3f} (floor {MRR_FLOOR}), nDCG@10 {gain:.3f} (floor {NDCG_FLOOR})\n{text}"
    )


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            q,
            id=q["id"],
            marks=[pytest.mark.xfail(reason=NOT_YET[q["id"]], strict=False)]
            if q["id"] in NOT_YET
            else [],
        )
        for q in QUERIES
        if q["kind"] in HARD_RULES
    ],
)
def test_hard_rules(ranked: dict[str, list[str]], query: dict) -> None:
    hits, expected = ranked[query["id"]], query["expected"]
    best = {name for name, grade in expected.items() if grade == max(expected.values())}
    assert hits and hits[0] in best, (
        f"{HARD_RULES[query['kind']]}: {query['query']!r} should give {sorted(best)} first, "
        f"gave {hits[:3]}"
    )
