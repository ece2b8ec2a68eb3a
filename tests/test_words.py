"""The words as written (``archive.index.words``): kept once each, beside the search index,
and what misspellings and "did you mean" find, on a real archive."""

from __future__ import annotations

from pathlib import Path

from archive.api import Archive
from archive.index import words as words_module

from .test_search import CORPUS, saved_page


def _import(archive: Archive, folder: Path, pages: dict[str, tuple[str, ...]]) -> list[int]:
    folder.mkdir(exist_ok=True)
    for name, fields in pages.items():
        (folder / name).write_text(saved_page(*fields), encoding="utf-8")
    report = archive.import_paths([folder / name for name in pages])
    assert report.failed == []
    return list(report.imported)


def _one_and_many(
    one: tuple[str, str], many: tuple[str, str], *, copies: int
) -> dict[str, tuple[str, ...]]:
    """A page with a rare word, and ``copies`` pages (title and body formatted with ``{n}``)
    with a more used word one edit from it."""

    def page(title: str, body: str) -> tuple[str, ...]:
        return (title, "Ana Lima", "2021-01-02", "River News", body)

    return {
        "one.html": page(*one),
        **{f"many-{n}.html": page(many[0].format(n=n), many[1].format(n=n)) for n in range(copies)},
    }


def _written(archive: Archive) -> list[str]:
    """Every word of the lists, as many times as the lists hold it."""
    lists = sorted(archive.index._words.path.glob("words-*.txt"))
    return [word for file in lists for word in file.read_text(encoding="utf-8").split("\n")]


def test_each_word_is_kept_once_however_many_clippings_have_it(
    archive: Archive, tmp_path: Path
) -> None:
    _import(archive, tmp_path / "corpus", CORPUS)
    # the filler sentence is in every page, and each word is kept once
    written = _written(archive)
    assert len(written) == len(set(written))
    for word in ("harbour", "cranes", "elysee", "committee", "the"):  # folded, not stemmed
        assert word in written and word in archive.index._words
    assert "Harbour" not in written and "crane" not in written


def test_a_commit_with_no_new_word_writes_none(archive: Archive, tmp_path: Path) -> None:
    ids = _import(archive, tmp_path / "corpus", CORPUS)
    before = sorted(archive.index._words.path.iterdir())
    archive.set_tags(ids[0], ["port"])  # the clipping indexed again: its words are known
    assert sorted(archive.index._words.path.iterdir()) == before


def test_many_lists_are_merged_into_one(archive: Archive, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(words_module, "MERGE_AT", 3)
    pages = {
        f"{n}.html": (f"Page {word}", "Ana Lima", "2021-01-02", "River News", f"{word}. " * 40)
        for n, word in enumerate(["alpha", "bravo", "charlie", "delta", "echo"])
    }
    for name, fields in pages.items():  # one import, one commit, one list each
        _import(archive, tmp_path / "pages", {name: fields})
    assert len(list(archive.index._words.path.glob("words-*.txt"))) <= 3
    written = _written(archive)
    assert len(written) == len(set(written))
    assert {"alpha", "bravo", "charlie", "delta", "echo", "page"} <= set(written)


def test_misspellings_and_suggestions_use_the_words_as_written(
    archive: Archive, tmp_path: Path
) -> None:
    _import(archive, tmp_path / "corpus", CORPUS)
    assert archive.suggest("harbuor cranes") == "harbour cranes"
    # as you type, a word the archive has begins with the last one: no slip ("korea dat" was
    # offered "korea day")
    assert archive.suggest("cranes harbo", as_you_type=True) is None
    assert archive.suggest("cranes harbuor", as_you_type=True) == "cranes harbour"
    hits = archive.search("harbor~").hits  # one letter off
    assert hits[0].clipping.title == "Harbour Cranes Return to the Old Port"
    assert all("harbour" in archive.get(hit.clipping.id).text.lower() for hit in hits)


def test_two_letters_swapped_are_one_slip(archive: Archive, tmp_path: Path) -> None:
    """ "plauge" is "plague" with two letters swapped: one edit (Damerau's), nearer than the
    much more used "place", two edits away (Levenshtein's count made it "place")."""
    pages = _one_and_many(
        ("Hunter catches plague", "A case of the plague was confirmed in the province. " * 5),
        ("A place to meet {n}", "The place in town number {n}, a place to be. " * 5),
        copies=4,
    )
    _import(archive, tmp_path / "pages", pages)
    assert archive.suggest("bubonic plauge") == "bubonic plague"
    assert archive.suggest("teh place") == "the place"
    assert [h.clipping.title for h in archive.search("plauge~").hits] == ["Hunter catches plague"]


def test_a_deleted_clippings_words_are_not_suggested(archive: Archive, tmp_path: Path) -> None:
    pages = {
        "one.html": ("Sturgeon Sightings", "Ana Lima", "2021-01-02", "River News", "Sturgeon. "),
        "two.html": ("Surgeon Shortages", "Ana Lima", "2021-01-03", "River News", "Surgeon. "),
    }
    pages = {
        name: (*fields[:4], fields[4] * 3 + CORPUS["harbour.html"][4])
        for name, fields in pages.items()
    }
    sturgeon, _ = _import(archive, tmp_path / "pages", pages)
    assert archive.suggest("sturgeun") == "sturgeon"
    archive.remove(sturgeon)
    assert "sturgeon" in _written(archive)  # kept until a rebuild...
    assert archive.suggest("sturgeun") != "sturgeon"  # ...but no longer offered
    archive.reindex(reextract=False)
    assert "sturgeon" not in _written(archive)


def test_an_index_of_another_schema_version_starts_its_words_anew(
    archive: Archive, tmp_path: Path, monkeypatch
) -> None:
    _import(archive, tmp_path / "corpus", CORPUS)
    path = archive.path
    archive.close()
    from archive import index as index_module

    monkeypatch.setattr(index_module, "_INDEX_NAME", "clippings999")
    reopened = Archive.open(path)  # an index of another version: emptied and rebuilt
    try:
        written = _written(reopened)
        assert "harbour" in written and len(written) == len(set(written))
        assert reopened.suggest("harbuor") == "harbour"
    finally:
        reopened.close()


def test_a_suggestion_is_the_word_found_beside_the_others(archive: Archive, tmp_path: Path) -> None:
    """ "fether" is one edit from "father" and from "feather": beside "duvet", the word the
    duvet's page holds, though "father" is the more used; alone, the more used."""
    pages = _one_and_many(
        ("Feather Duvet Lung", "A feather duvet can make the lungs sick, doctors warn. " * 3),
        ("A father's day {n}", "The father of {n} children, a father to all. " * 5),
        copies=3,
    )
    _import(archive, tmp_path / "pages", pages)
    assert archive.suggest("fether duvet") == "feather duvet"
    assert archive.suggest("fether") == "father"
