"""The exact phrase matched by sets of positions (``archive.index.phrases``) finds what Whoosh's
own phrase finds, with the same scores, on a real index of several segments with deleted
documents, words repeated and words of very different frequencies."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from archive.index import Index
from archive.index.phrases import ExactPhrase, PhraseMatcher

from .conftest import segmented_index

# few words, some very common: phrases occur often, and often only in part
VOCABULARY = ["the", "of", "harbor", "river", "court", "budget", "mobile", "water", "fare"]
PHRASES = [
    ["the", "harbor"],
    ["harbor", "the"],
    ["the", "the"],
    ["of", "the", "river"],
    ["the", "of", "the"],
    ["budget", "mobile", "water"],
    ["court", "court", "court"],
    ["fare", "of", "the", "harbor"],
    ["the", "missing"],
]


def _words(rng: random.Random, k: int) -> str:
    weights = [30, 20, 5, 4, 3, 2, 2, 1, 1]
    return " ".join(rng.choices(VOCABULARY, weights=weights, k=k))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    def fields(rng: random.Random) -> dict[str, str]:
        return {"title": _words(rng, rng.randint(1, 6)), "text": _words(rng, rng.randint(3, 200))}

    folder = tmp_path_factory.mktemp("phrases") / "index"
    return segmented_index(folder, fields, sizes=(400, 250, 150), deleted=30, seed=5)


def _hits(index: Index, q: wq.Query) -> list[tuple[int, float]]:
    searcher = index.searcher()
    return [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]


@pytest.mark.parametrize("words", PHRASES, ids=" ".join)
@pytest.mark.parametrize("fieldname", ["body", "title"])
def test_its_matches_and_scores_are_whooshs(index: Index, words: list[str], fieldname: str) -> None:
    ours = _hits(index, ExactPhrase(fieldname, words))
    whooshs = _hits(index, wq.Phrase(fieldname, words))
    assert ours == whooshs


def test_most_phrases_occur_and_not_everywhere(index: Index) -> None:
    """(The comparisons above are of something: most phrases are found, in part of the
    documents that hold their words.)"""
    found = [words for words in PHRASES if _hits(index, ExactPhrase("body", words))]
    assert len(found) >= 7
    loose = _hits(index, wq.And([wq.Term("body", "harbor"), wq.Term("body", "the")]))
    assert len(_hits(index, ExactPhrase("body", ["harbor", "the"]))) < len(loose)


@pytest.mark.parametrize("words", PHRASES[:6], ids=" ".join)
def test_skipped_to_inside_other_queries_it_agrees(index: Index, words: list[str]) -> None:
    """Within an AND (the other side skips it ahead), an OR and a NOT, and boosted."""
    for build in (
        lambda phrase: wq.And([wq.Term("body", "budget"), phrase]),
        lambda phrase: wq.Or([phrase, wq.Term("title", "fare")]),
        lambda phrase: wq.AndNot(wq.Term("body", "river"), phrase),
        lambda phrase: wq.And([wq.Term("title", "water"), phrase, wq.Term("body", "court")]),
    ):
        ours = build(ExactPhrase("body", words, boost=2.0))
        whooshs = build(wq.Phrase("body", words, boost=2.0))
        assert _hits(index, ours) == _hits(index, whooshs)


def test_a_phrase_with_slop_is_left_to_whoosh(index: Index) -> None:
    searcher = index.searcher()
    for leaf, _ in searcher.leaf_searchers():
        assert not isinstance(
            ExactPhrase("body", ["the", "river"], slop=3).matcher(leaf), PhraseMatcher
        )
        assert isinstance(ExactPhrase("body", ["the", "river"]).matcher(leaf), PhraseMatcher)
    ours = _hits(index, ExactPhrase("body", ["harbor", "river"], slop=3))
    assert ours == _hits(index, wq.Phrase("body", ["harbor", "river"], slop=3))


def test_searches_use_it(index: Index) -> None:
    q = index._query('"the harbor"')
    assert any(isinstance(leaf, ExactPhrase) for leaf in q.leaves())
