"""Searches fuzzed on a real archive whose index is one segment with a deleted clipping (what
a rebuild, then ``rm``, leaves): any query is results or a ``QueryError``; nothing escapes from
``search``, ``facets`` or ``suggest``, as you type or not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archive.api import Archive
from archive.index.query import QueryError

from .strategies import queries

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    folder = tmp_path_factory.mktemp("pages")
    for page in sorted(PAGES.glob("*.html")):
        shutil.copy(page, folder / page.name)
    archive = Archive.open(tmp_path_factory.mktemp("archive") / "archive")
    assert archive.import_paths([folder]).failed == []
    archive.reindex(reextract=False)  # one segment...
    # ...with a deletion: a story whose words its neighbours' texts hold too
    [gone] = [c for c in archive.clippings() if "WeWork" in c.title]
    archive.remove(gone.id)
    yield archive
    archive.close()


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for page in sorted(PAGES.glob("*.html")):
        text = re.sub(r"<[^>]*>", " ", page.read_text(encoding="utf-8", errors="replace"))
        words.update(w for w in re.findall(r"[^\W\d_]{3,}", text)[:400])
    return sorted(words)


# the pages' own words, so that queries match, feedback reads postings and phrases line up
own_words = st.lists(st.sampled_from(_vocabulary()), min_size=1, max_size=9).map(" ".join)
searches = st.one_of(own_words, own_words.map(lambda q: f'"{q}"'), queries)


def searched(archive: Archive, text: str, as_you_type: bool) -> None:
    try:
        archive.search(text, limit=20, as_you_type=as_you_type)
        archive.facets(text, as_you_type=as_you_type)
        archive.suggest(text)
    except QueryError:
        pass


@given(text=searches, as_you_type=st.booleans())
@example(text="York State Attorney General investigating WeWork", as_you_type=False)
@example(text='"0,0', as_you_type=True)  # a phrase of tags (no positions): Whoosh's error
def test_any_search_is_results_or_a_query_error(
    archive: Archive, text: str, as_you_type: bool
) -> None:
    searched(archive, text, as_you_type)
