"""The set algebra that counts a query's matches agrees with Whoosh's own matchers, on a real
index of several segments with deleted documents."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from archive.index import Index
from archive.index.columns import as_text
from archive.index.matches import matching
from archive.index.vocabulary import Vocabularies
from archive.models import Clipping

WORDS = [
    "river",
    "harbour",
    "bridge",
    "council",
    "budget",
    "mobile",
    "phone",
    "water",
    "rights",
    "court",
    "farmer",
    "city",
]
QUERIES = [
    "river",
    "river harbour",
    "river OR harbour",
    "river AND NOT harbour",
    "river -council",
    "NOT river",
    '"city budget"',
    '"water rights"~3',
    "(river OR bridge) AND (council OR court)",
    "title:river",
    "author:ann",
    "site:example",
    "riv*",
    "harbor~",
    "river ANDMAYBE bridge",
    "river^2 phone",
    "nothingatall",
    "river nothingatall",
    "nothingatall OR phone",
    # an OR whose first terms already hold every document of a segment (deleted ones aside)
    " OR ".join(WORDS),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    rng = random.Random(7)
    opened = Index(tmp_path_factory.mktemp("matches") / "index")
    ids = iter(range(1, 10_000))
    # three commits: three segments (Whoosh merges small ones; enough postings to span blocks)
    for _ in range(3):
        with opened.writer() as writer:
            for _ in range(400):
                clipping_id = next(ids)
                writer.add(
                    Clipping(
                        id=clipping_id,
                        title=" ".join(rng.choices(WORDS, k=4)),
                        author=rng.choice(["Ann Lee", "Bo Chan"]),
                        url=f"https://{rng.choice(['example', 'news'])}.org/{clipping_id}",
                        text=" ".join(rng.choices(WORDS, k=60)),
                        language="en",
                    )
                )
            for gone in rng.sample(range(1, clipping_id - 400), 30) if clipping_id > 400 else ():
                writer.delete(gone)
    return opened


@pytest.mark.parametrize("text", QUERIES)
def test_matching_agrees_with_whoosh(index: Index, text: str) -> None:
    q = index._query(text)
    searcher = index.searcher()
    expected = set(searcher.docs_for_query(q))
    assert matching(searcher, q) == expected
    result = index.search(text, limit=5)
    if not result.partial:  # (no clipping has every word: those with some are counted)
        assert result.total == len(expected)


def test_the_index_has_several_segments_and_deletions(index: Index) -> None:
    reader = index.searcher().reader()
    assert len(list(reader.leaf_readers())) > 1
    assert reader.has_deletions()


@pytest.mark.parametrize(
    ("fieldname", "text"), [("body", "river"), ("title", "harbour"), ("author", "anm")]
)
def test_fuzzy_words_from_memory_are_whooshs(index: Index, fieldname: str, text: str) -> None:
    """The vocabularies kept in memory find the words Whoosh's automaton walk finds on disk."""
    reader = index.searcher().reader()
    walked = {
        as_text(term)
        for leaf, _ in reader.leaf_readers()
        for _, term in wq.FuzzyTerm(fieldname, text, maxdist=1).expanded_terms(leaf)
    }
    assert walked
    assert Vocabularies(reader).within(fieldname, text, 1, 0) == walked
