"""The index and the query read words the same way: what a page says, typed as it reads (or as
someone remembers it), finds the page. Real pages, a real archive, the real importer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.api import Archive
from archive.index.analysis import ProseAnalyzer, mark, tokens

FILLER = (
    "The reporters spent many weeks gathering accounts from residents, officials and experts "
    "before publishing this story, which was checked twice by the editors of the desk."
)

PAGES = {
    "common": (
        "How to Program Your Mind to Stop Buying Crap You Don't Need",
        "en",
        "You just can't stop. Is it over? To be or not to be.",
    ),
    "apostrophe": ("Sweden's election", "en", "Sweden\u2019s voters don't like it."),
    "hyphen": ("Mail", "en", "The e-mail arrived from a well-known sender in mid-2019."),
    "numbers": (
        "Numbers",
        "en",
        "The installation consists of 1,000 mirrors and 3.5 tonnes of H<sub>2</sub>O.",
    ),
    "letters": ("Letters", "en", "The U.S. Army met Plan B near polygraph.info offices."),
    "accents": ("Élysée", "fr", "Le président de la République a quitté l'Élysée à midi."),
    "cjk": ("北京大学", "zh", "北京大学是中国的一所大学\uff0c位于北京市海淀区。"),
    "titles": ("Major WeWork layoffs to begin today", "en", "Hundreds of staff are affected."),
    # a contraction typed without its apostrophe ("were") is a word another page has
    "contraction": (
        "'Meth. We're On It'",
        "en",
        "We're on it, says the state's meth campaign of O'Neill's day.",
    ),
    "were": ("Meth Labs", "en", "Two labs were found on it, the meth seized."),
    "times": ("Service", "en", "The service began at 10:30 with John 3:16; the score was 2:1."),
    # a name never written with a possessive
    "name": ("Nordic winters", "en", "Sweden and Norway counted the longest nights in decades."),
    # a hyphened word written as one
    "joined": ("Inbox", "en", "Her newsletter went out by email to cofounders in April."),
}
OTHER_TITLE = "WeWork employees to be laid off this week"


def _page(title: str, language: str, text: str, other_title: str = "") -> str:
    head = f"<title>{other_title or title}</title>"
    if other_title:
        head += f'<meta property="og:title" content="{title}">'
    return (
        f'<html lang="{language}"><head><meta charset="utf-8">{head}</head><body><article>'
        f"<h1>{title}</h1><p>{text}</p><p>{FILLER}</p><p>{FILLER}</p></article></body></html>"
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    folder = tmp_path_factory.mktemp("agreement")
    saved = folder / "saved"
    saved.mkdir()
    for name, (title, language, text) in PAGES.items():
        other = OTHER_TITLE if name == "titles" else ""
        (saved / f"{name}.html").write_text(_page(title, language, text, other), "utf-8")
    with Archive.open(folder / "archive") as opened:
        report = opened.import_paths([saved])
        assert not report.failed
        yield opened


def first(archive: Archive, query: str) -> str | None:
    hits = archive.search(query, limit=3).hits
    return Path(hits[0].clipping.source).stem if hits else None


@pytest.mark.parametrize(
    "query",
    [
        "How to Program Your Mind to Stop Buying Crap You Don't Need",
        "How to Program Your Mind to Stop Buying Crap You Don t Need",
        "you just can t",
        '"to be or not to be"',
        "to Program Your Mind",
    ],
)
def test_common_words_are_words(archive: Archive, query: str) -> None:
    assert first(archive, query) == "common"


def test_a_query_of_common_words_alone_finds_them(archive: Archive) -> None:
    assert archive.search("you").total >= 1
    assert archive.suggest("you") is None  # a word the archive has is never "corrected"


@pytest.mark.parametrize(
    "query",
    ["Sweden's", "Sweden\u2019s", "Sweden s election", "swedens", "don't like", "dont like"],
)
def test_apostrophes_meet_the_same_tokens(archive: Archive, query: str) -> None:
    assert first(archive, query) == "apostrophe"


def test_a_contraction_typed_without_its_apostrophe_finds_its_page(archive: Archive) -> None:
    found = [Path(h.clipping.source).stem for h in archive.search("meth were on it").hits]
    assert found[:1] == ["contraction"] and "were" in found
    hit = archive.search("meth were on it").hits[0]
    assert "We're" in [hit.snippet[start:end] for start, end in hit.highlights]
    typed = archive.search("o'nei", as_you_type=True).hits  # as it is typed
    assert [Path(hit.clipping.source).stem for hit in typed][:1] == ["contraction"]
    hit = archive.search("oneill").hits[0]  # a name's possessive: its name joined
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["O'Neill's"]


@pytest.mark.parametrize("query", ["began at 10:30", "John 3:16", "score 2:1", '"at 10:30"'])
def test_a_time_a_verse_or_a_score_is_text_not_a_field(archive: Archive, query: str) -> None:
    """Digits before a colon are no field's name: "10:30" was "unknown field '10:'"."""
    assert first(archive, query) == "times"


def test_a_possessive_typed_finds_the_name_written_without_it(archive: Archive) -> None:
    """``Sweden's`` finds Sweden named plainly too (it found nothing where no page had the
    possessive), the pages with the form typed first; quoted, it is the form as written."""
    for typed in ("Sweden's", "Sweden\u2019s"):
        found = [Path(hit.clipping.source).stem for hit in archive.search(typed).hits]
        assert found[:1] == ["apostrophe"] and "name" in found, typed
    assert first(archive, "sweden's nights") == "name"
    assert first(archive, "sweden's voters") == "apostrophe"
    quoted = [Path(hit.clipping.source).stem for hit in archive.search('"Sweden\'s"').hits]
    assert quoted == ["apostrophe"]
    assert archive.search("it's").total >= 1  # a contraction keeps its phrase, and finds it


@pytest.mark.parametrize(
    "query", ['"e mail arrived"', "e-mail arrived", "well-known", "mid-2019", "wellknown"]
)
def test_hyphens(archive: Archive, query: str) -> None:
    assert first(archive, query) == "hyphen"


@pytest.mark.parametrize("query", ["e-mail newsletter", "newsletter co-founders"])
def test_a_hyphened_word_typed_finds_it_written_as_one(archive: Archive, query: str) -> None:
    hits = archive.search(query).hits
    assert [Path(hit.clipping.source).stem for hit in hits][:1] == ["joined"]
    words = {hits[0].snippet[start:end].lower() for start, end in hits[0].highlights}
    assert words & {"email", "cofounders"}
    for typed in ("e-ma", "e-mail", "ema"):  # as you type too, at each key
        found = {Path(h.clipping.source).stem for h in archive.search(typed, as_you_type=True).hits}
        assert found >= {"hyphen", "joined"}, typed
    for either in ("e-mail", "email"):  # each way of writing it finds both
        found = {Path(hit.clipping.source).stem for hit in archive.search(either).hits}
        assert found == {"hyphen", "joined"}


@pytest.mark.parametrize(
    "query", ["1,000 mirrors", "1000 mirrors", '"consists of 1 000"', "3.5", "h2o", "H₂O"]
)
def test_numbers(archive: Archive, query: str) -> None:
    assert first(archive, query) == "numbers"


@pytest.mark.parametrize(
    "query", ["U.S. Army", "US Army", '"the U S Army"', "Plan B", "polygraph info"]
)
def test_single_letters_and_dotted_words(archive: Archive, query: str) -> None:
    assert first(archive, query) == "letters"


@pytest.mark.parametrize("query", ["Élysée", "elysee", "ELYSÉE", "président république"])
def test_accents_fold_on_both_sides(archive: Archive, query: str) -> None:
    assert first(archive, query) == "accents"


@pytest.mark.parametrize("query", ["北京大学", "北京", "海淀区"])
def test_cjk_runs_are_found_anywhere(archive: Archive, query: str) -> None:
    assert first(archive, query) == "cjk"


def test_every_title_form_finds_the_page_first(archive: Archive) -> None:
    clipping = next(c for c in archive.clippings() if c.source.endswith("titles.html"))
    assert clipping.title == "Major WeWork layoffs to begin today"  # the headline is shown
    assert first(archive, OTHER_TITLE) == "titles"
    assert first(archive, "employees laid off") == "titles"


def test_index_and_query_read_the_same_words() -> None:
    analyzer = ProseAnalyzer()
    for text in ["Don't stop", "Sweden\u2019s U.S. e-mail", "1,000 3.5", "Élysée", "北京大学"]:
        read = zip(analyzer(mark("", text)), tokens(text), strict=True)
        indexed = [token.text for token, (*_, joined) in read if not joined]
        asked = [t.text for t in analyzer(text, mode="query")]
        # the index stems (English here) what the query keeps folded: compare by stem
        assert indexed == [t.text for t in analyzer(mark("", " ".join(asked)))]


def test_a_joined_form_leaves_the_texts_length_as_it_was() -> None:
    # BM25 normalizes by a text's length: "e-mail" is two words, as "e mail", not three
    from archive.index.schema import SCHEMA

    def length(text: str) -> int:
        return sum(freq for _, freq, _, _ in SCHEMA["body"].index(mark("en", text)))

    assert length("an e-mail from co-founders we're told") == length(
        "an e mail from co founders we re told"
    )
