"""Ranking rules on a real index: the exact title first, words close together above scattered
ones, equal scores newest first; and "more like this"."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.api import Archive
from archive.index import EXACT_TITLE_SCORE
from archive.index.proximity import closeness

from .test_search import FILLER, saved_page

PAGES = {
    # its title is a query; the distractors say the same words more often
    "title.html": (
        "Water Rights",
        "Ann Lee",
        "2015-01-01",
        "Desert News",
        "A short note. " + FILLER,
    ),
    "rights1.html": (
        "Who Owns the River",
        "Bo Chan",
        "2016-01-01",
        "Desert News",
        "Water rights, water rights and more water rights: the rights to water decide the "
        "harvest. Water rights again. " + FILLER,
    ),
    "rights2.html": (
        "Farmers and the Law",
        "Bo Chan",
        "2017-01-01",
        "Desert News",
        "The farmers went to court over water and over the rights to it; water rights are "
        "old. " + FILLER,
    ),
    # a phrase against the same words scattered
    "phrase.html": (
        "Budget Talks",
        "Cy Dee",
        "2018-01-01",
        "City Desk",
        "The council approved the city budget deficit plan on Monday. " + FILLER,
    ),
    "scattered.html": (
        "Council Notes",
        "Cy Dee",
        "2018-01-01",
        "City Desk",
        "The deficit was discussed. The city has many parks. The budget committee met. "
        "Deficit, budget and city came up again at the end of a long deficit debate. " + FILLER,
    ),
    # the same text twice, published years apart: the newer first
    "older.html": (
        "Lighthouse Keepers Meet",
        "Di Eve",
        "2001-05-05",
        "Coast Post",
        "The lighthouse keepers held their yearly meeting. " + FILLER,
    ),
    "newer.html": (
        "Lighthouse Keepers Meet",
        "Di Eve",
        "2021-05-05",
        "Coast Post",
        "The lighthouse keepers held their yearly meeting. " + FILLER,
    ),
    # more like "phrase.html" than the rest
    "budget2.html": (
        "City Budget Deficit Grows",
        "Cy Dee",
        "2019-01-01",
        "City Desk",
        "The city budget deficit grew again; the council must approve cuts to close the "
        "deficit in the budget. " + FILLER,
    ),
    # a letter typed alone is a word of the text, not an author's initial
    "initial.html": (
        "Citrus Growers Count Their Losses",
        "Ann C. Lee",
        "2012-02-02",
        "Farm Weekly",
        "Vitamin sales from citrus fell; vitamin makers blame the frost. " + FILLER,
    ),
    "letter.html": (
        "What Oranges Are Good For",
        "Bo Chan",
        "2012-03-03",
        "Farm Weekly",
        "An orange holds vitamin C, as every citrus does. " + FILLER,
    ),
}


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    folder = tmp_path_factory.mktemp("ranked")
    for name, fields in PAGES.items():
        (folder / name).write_text(saved_page(*fields), encoding="utf-8")
    archive = Archive.open(tmp_path_factory.mktemp("archive") / "archive")
    report = archive.import_paths([folder])
    assert report.failed == []
    yield archive
    archive.close()


def names(archive: Archive, query: str, **options: object) -> list[str]:
    return [Path(hit.clipping.source).name for hit in archive.search(query, **options).hits]


@pytest.mark.parametrize(
    "query", ["water rights", '"Water Rights"', "WATER RIGHTS", "water rights:"]
)
def test_an_exact_title_ranks_first_quoted_or_not(ranked: Archive, query: str) -> None:
    assert names(ranked, query)[0] == "title.html"


def test_exact_title_only_when_the_whole_title(ranked: Archive) -> None:
    [exact] = [h for h in ranked.search("water rights").hits if h.clipping.title == "Water Rights"]
    [part] = [h for h in ranked.search("water").hits if h.clipping.title == "Water Rights"]
    assert exact.score >= EXACT_TITLE_SCORE > part.score


def test_words_together_rank_above_the_same_words_scattered(ranked: Archive) -> None:
    assert names(ranked, "city budget deficit")[:3].index("phrase.html") < names(
        ranked, "city budget deficit"
    ).index("scattered.html")


def test_equal_scores_newest_first(ranked: Archive) -> None:
    assert names(ranked, "lighthouse keepers") == ["newer.html", "older.html"]


def test_sorting_by_date_overrides_relevance(ranked: Archive) -> None:
    assert names(ranked, "lighthouse", sort="oldest") == ["older.html", "newer.html"]


def test_a_letter_typed_alone_is_not_an_authors_initial(ranked: Archive) -> None:
    # "Ann C. Lee" has "c" only as an initial: it does not make her page one about vitamin C
    assert names(ranked, "vitamin c") == ["letter.html"]
    assert names(ranked, "author:c") == ["initial.html"]


def test_more_like_this(ranked: Archive) -> None:
    phrase = next(c for c in ranked.clippings() if c.source.endswith("phrase.html"))
    similar = ranked.similar(phrase.id, limit=3)
    assert similar and phrase.id not in [hit.clipping.id for hit in similar]
    assert Path(similar[0].clipping.source).name in {"budget2.html", "scattered.html"}
    assert similar[0].snippet


@pytest.mark.parametrize(
    ("positions", "count", "expected"),
    [
        ([(0, 0), (1, 1)], 2, 1.0),  # side by side
        ([(5, 1), (6, 0)], 2, 1.0),  # side by side, the other way round
        ([(0, 0), (2, 1)], 2, 2 / 3),  # one word between
        ([(0, 0), (40, 1)], 2, 0.0),  # too far apart
        ([(0, 0), (0, 0)], 2, 0.0),  # one word only
        ([(0, 0), (900, 1), (901, 2)], 3, 4 / 9),  # two of three together
    ],
)
def test_closeness(positions: list, count: int, expected: float) -> None:
    assert closeness(positions, count) == pytest.approx(expected)


def test_a_long_query_after_a_deletion(tmp_path: Path) -> None:
    # feedback reads the postings of words the best hits hold; in the one segment a rebuild
    # leaves, the only title with "glacier" is of a deleted clipping: its postings are empty
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = {
        "ice.html": ("Glacier Retreat Measured", "Ann Lee", "Melting ice sheets and rivers."),
        "melt.html": ("Ice Sheets Melting Faster", "Bo Chan", "The glacier melt feeds rivers."),
        "rivers.html": ("Rivers Fed by Melting Ice", "Cy Dee", "A glacier, ice sheets, rivers."),
    }
    for name, (title, author, body) in pages.items():
        (folder / name).write_text(
            saved_page(title, author, "2020-01-01", "Ice Post", f"{body} {FILLER}"),
            encoding="utf-8",
        )
    with Archive.open(tmp_path / "archive") as archive:
        assert archive.import_paths([folder]).failed == []
        archive.reindex(reextract=False)
        [gone] = [c for c in archive.clippings() if c.source.endswith("ice.html")]
        archive.remove(gone.id)
        found = names(archive, "melting ice sheets rivers")
    assert sorted(found) == ["melt.html", "rivers.html"]
