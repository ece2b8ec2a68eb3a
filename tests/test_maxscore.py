"""The OR that skips what cannot reach the top (``archive.index.maxscore``) and the posting
reader under it (``archive.index.postings``) agree with Whoosh's own, on a real index of several
segments with deleted documents and words of very different frequencies."""

from __future__ import annotations

import itertools
import pickle
import random

import pytest
from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TopCollector
from whoosh.searching import Searcher

from archive.index import Index, ranking
from archive.index.maxscore import TermsOr
from archive.index.postings import LeafMatcher, _gaps

from .conftest import segmented_index

# a Zipf-like vocabulary: a few words in most clippings, many in a few
VOCABULARY = [
    f"{stem}{suffix}"
    for stem in ("harb", "riv", "cour", "bud", "mob", "wat", "fa")
    for suffix in ("or", "er", "ing", "et", "ile", "ance", "ure", "ism", "ant")
]
QUERIES = [
    "harbor",
    "rivor",
    "harbor river",
    "harbor OR watism",
    "budance -fare",
    "title:mobile",
    "harb*",
    "rivar~",
    "harbor courure budet",
    "faor^3 harbor",
    "harbor ANDMAYBE river",
    "(riving OR watet) AND mobor",
]


def _words(rng: random.Random, k: int) -> str:
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(VOCABULARY))]
    return " ".join(rng.choices(VOCABULARY, weights=weights, k=k))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    def fields(rng: random.Random) -> dict[str, str]:
        return {
            "title": _words(rng, rng.randint(2, 8)),
            "description": _words(rng, rng.randint(0, 12)),
            "text": _words(rng, rng.randint(5, 300)),
        }

    folder = tmp_path_factory.mktemp("maxscore") / "index"
    return segmented_index(folder, fields, sizes=(900, 500, 300), deleted=40, seed=11)


def _plain(q: wq.Query) -> wq.Query:
    """``q`` with Whoosh's own OR where ours is."""

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, TermsOr):
            plain = wq.Or(node.subqueries, boost=node.boost)
            plain.matcher_type = wq.Or.DEFAULT_MATCHER
            return plain
        return node

    return q.accept(visit)


class _Counting(TopCollector):
    """Whoosh's top collector, counting the documents the matcher gave it."""

    seen = 0

    def collect(self, sub_docnum: int) -> object:
        self.seen += 1
        return super().collect(sub_docnum)


def _top(searcher: Searcher, q: wq.Query, *, prune: bool) -> tuple[list[tuple[float, int]], int]:
    collector = _Counting(30, usequality=prune, replace=100 if prune else 0)
    searcher.search_with_collector(q, collector)
    return [
        (round(score, 9), docnum) for score, docnum in collector.results().top_n
    ], collector.seen


def test_the_queries_use_it(index: Index) -> None:
    q = index._query("harbor")
    assert isinstance(q, TermsOr)
    assert len(q.subqueries) > 3  # its stem in each field


@pytest.mark.parametrize("text", QUERIES)
def test_the_top_hits_and_their_scores_are_whooshs(index: Index, text: str) -> None:
    """Pruned or not, the best hits are those of Whoosh's OR visiting every match, with the
    same scores (ties at the last place may differ in which document is kept)."""
    searcher = index.searcher()
    q = index._query(text)
    expected, _ = _top(searcher, _plain(q), prune=False)
    for prune in (False, True):
        found, _ = _top(searcher, q, prune=prune)
        assert [score for score, _ in found] == [score for score, _ in expected]
        last = expected[-1][0] if expected else 0
        assert {hit for hit in found if hit[0] > last} == {hit for hit in expected if hit[0] > last}


@pytest.mark.parametrize("text", QUERIES)
def test_every_match_is_found_when_nothing_is_pruned(index: Index, text: str) -> None:
    searcher = index.searcher()
    q = index._query(text)
    assert set(searcher.docs_for_query(q)) == set(searcher.docs_for_query(_plain(q)))


def test_it_skips_what_cannot_reach_the_top(index: Index) -> None:
    """A common word: most of its matches are never scored once the top is known."""
    searcher = index.searcher()
    q = index._query("harbor")
    _, seen = _top(searcher, q, prune=True)
    _, seen_plain = _top(searcher, _plain(q), prune=True)
    total = len(list(searcher.docs_for_query(q)))
    assert total > 1000
    assert seen < total / 3
    assert seen < seen_plain


# -- the posting reader ------------------------------------------------------------------------


def _pairs(index: Index) -> list[tuple[object, object]]:
    """Each segment's reader as searches read it (``install``-ed) beside Whoosh's own."""
    ours = [leaf for leaf, _ in index.searcher().reader().leaf_readers()]
    theirs = [leaf for leaf, _ in index._ix.reader().leaf_readers()]
    assert [leaf.segment() for leaf in ours] == [leaf.segment() for leaf in theirs]
    return list(zip(ours, theirs, strict=True))


def test_block_ids_are_whooshs_for_every_block_of_every_term(index: Index) -> None:
    blocks = 0
    for ours_leaf, theirs_leaf in _pairs(index):
        for fieldname in ("title", "description", "body"):
            for term in ours_leaf.lexicon(fieldname):
                ours = _leaf(ours_leaf.postings(fieldname, term))
                theirs = _leaf(theirs_leaf.postings(fieldname, term))
                assert type(theirs) is W3LeafMatcher
                if type(ours) is not LeafMatcher:  # (a few postings: kept in the term table)
                    continue
                while ours.is_active():
                    ours._read_ids()
                    theirs._read_ids()
                    assert ours._ids == tuple(theirs._ids)
                    assert ours._data is None  # the weights and positions left unread
                    ours._next_block()
                    theirs._next_block()
                    blocks += 1
    assert blocks > 500


def _leaf(matcher: object) -> object:
    return getattr(matcher, "child", matcher)  # (a segment with deletions wraps it in a filter)


def test_skip_to_lands_where_whooshs_does(index: Index) -> None:
    rng = random.Random(3)
    for ours_leaf, theirs_leaf in _pairs(index):
        for term in ["harbor", "rivor", "watism", "faor"]:
            if ("body", term) not in ours_leaf:
                continue
            ours = _leaf(ours_leaf.postings("body", term))
            theirs = _leaf(theirs_leaf.postings("body", term))
            target = 0
            while ours.is_active() and theirs.is_active():
                assert ours.id() == theirs.id()
                assert (ours.weight(), ours.value()) == (theirs.weight(), theirs.value())
                target = max(ours.id(), target) + rng.choice([0, 1, 2, 5, 40, 300])
                ours.skip_to(target)
                theirs.skip_to(target)
            assert ours.is_active() == theirs.is_active()


@pytest.mark.parametrize(
    "ids",
    [
        [5],
        [5, 6],
        [0, 1, 2],
        list(range(300, 428)),
        [70_000, 70_001, 140_000, 140_200, 200_000],
        [1, 300, 301, 70_000, 70_001, 70_256, 16_000_000],
    ],
)
def test_gaps_are_read_from_the_pickle_whoosh_writes(ids: list[int]) -> None:
    gaps = [ids[0]] + [b - a for a, b in itertools.pairwise(ids)]
    data = pickle.dumps((tuple(gaps), (1.5,) * len(ids), [b"\x00"] * len(ids)), 2)
    assert _gaps(data, len(ids)) == gaps
    assert _gaps(data, len(ids) + 1) is None  # not what it says: Whoosh's own reading is used


class _WhooshLengths(ranking.BM25):
    """Our BM25, each posting's length read the way Whoosh reads it."""

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: float = 1) -> object:
        scorer = scoring.BM25F.scorer(self, searcher, fieldname, text, qf=qf)
        boost = ranking.FIELD_BOOSTS.get(fieldname, 1.0)
        return scorer if boost == 1.0 else ranking._Weighed(scorer, boost)


@pytest.mark.parametrize("text", QUERIES)
def test_lengths_read_whole_give_whooshs_very_scores(index: Index, text: str) -> None:
    """The segments' lengths read once (``ranking``'s norms) score every match exactly as
    Whoosh's reading of one length per posting does: the same floats, not merely close."""
    q = _plain(index._query(text))
    with index._ix.searcher(weighting=ranking.weighting()) as ours:
        found = [(hit.docnum, hit.score) for hit in ours.search(q, limit=None)]
        if "*" not in text:  # (a prefix matches for a constant score: nothing to read)
            assert any(
                getattr(leaf, "_clippings_norms", None) for leaf, _ in ours.reader().leaf_readers()
            )
    with index._ix.searcher(weighting=_WhooshLengths(B=ranking.B, K1=ranking.K1)) as whooshs:
        expected = [(hit.docnum, hit.score) for hit in whooshs.search(q, limit=None)]
    assert found == expected and found
