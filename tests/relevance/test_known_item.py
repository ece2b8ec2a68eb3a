"""Known-item search on real saved pages: the page you remember comes first.

39 real pages of the extraction dev sets (in ``known_item/``, copied by ``make_known_item.py``,
or in ``tests/fixtures/pages`` where that already held them) are imported into a real archive;
each page's whole title, four words from inside its title and a 6-word quoted phrase of its
body (``known_item.json``, made as ``bench/known_item.py`` makes them) are searched through
``Archive.search``. The scores are printed (``pytest -s``) and the test fails when one falls
below its floor.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.api import Archive

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
QUERIES: dict[str, dict[str, str]] = json.loads(
    (HERE / "known_item.json").read_text(encoding="utf-8")
)

# The level reached on these pages on 2026-12-06: whole title MRR 1.0, part of a title 1.0,
# phrase first 1.0. Two of the 39 phrases run across a caption and a step heading that the
# extractor leaves out of the body: they are found by their words when no clipping has them
# as written (0.949 before that, on 2026-12-05). Before every word was indexed and dotted
# words split (U.S., polygraph.info, 1,000), phrase first was 0.897 here.
FLOORS = {"title": 1.0, "part": 1.0, "phrase": 1.0}


@pytest.fixture(scope="module")
def ranks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[int | None]]]:
    """For each kind of query, the rank of its page (None: not in the first 10)."""
    with Archive.open(tmp_path_factory.mktemp("known-item") / "archive") as archive:
        report = archive.import_paths([TESTS / page for page in sorted(QUERIES)])
        assert report.failed == [], report.failed
        found: dict[str, list[int | None]] = defaultdict(list)
        for path, queries in sorted(QUERIES.items()):
            page = Path(path).name
            for kind, text in queries.items():
                hits = [Path(h.clipping.source).name for h in archive.search(text, limit=10).hits]
                rank = hits.index(page) + 1 if page in hits else None
                if rank != 1:
                    print(f"{kind}: {text!r} ranks {page} at {rank}")
                found[kind].append(rank)
        yield found


@pytest.mark.parametrize("kind", ["title", "part", "phrase"])
def test_the_page_remembered_comes_first(ranks: dict[str, list[int | None]], kind: str) -> None:
    found = ranks[kind]
    if kind == "phrase":
        score = sum(rank == 1 for rank in found) / len(found)
    else:
        score = sum(1 / rank for rank in found if rank) / len(found)
    print(f"{kind}: {score:.3f} over {len(found)} queries")
    assert score >= FLOORS[kind]
