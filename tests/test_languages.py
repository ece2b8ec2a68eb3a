"""Search in any language: each clipping stemmed in its own language, accents folded both ways,
Chinese, Japanese and Korean found inside their runs of characters. Real import, real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.api import Archive
from archive.index.analysis import ProseAnalyzer, mark

from .test_search import saved_page


def page(title: str, body: str, lang: str, site: str = "Wire") -> str:
    html = saved_page(title, "Kim Lee", "2021-03-04", site, body)
    return html.replace('<html lang="en">', f'<html lang="{lang}">')


PAGES = {
    "de.html": (
        "Die elektronische Patientenakte kommt",
        "Die Krankenkassen führen die elektronischen Patientenakten im nächsten Jahr ein. "
        "Viele Ärzte sind skeptisch, denn die Digitalisierung des Gesundheitswesens kostet Zeit. "
        "Die Versicherten können ihre Daten selbst verwalten und Befunde einsehen.\n\n"
        "Der Datenschutz bleibt die größte Sorge der Patienten und der Verbände in Deutschland.",
        "de",
    ),
    "fr.html": (
        "Les élections régionales approchent",
        "Les électeurs se rendront aux urnes dimanche pour des élections très disputées. "
        "Les candidats ont présenté leurs programmes sur les transports et le logement. "
        "Le président a reçu les chefs de parti à l'Élysée mardi soir.\n\n"
        "Les sondages annoncent une participation faible dans les grandes villes du pays.",
        "fr",
    ),
    "en.html": (
        "Elections in the North",
        "Voters in the north went to the polls on Sunday. The elected council will meet in "
        "May to choose a leader. Turnout was higher than in any election since 2004.\n\n"
        "Observers said the count was orderly and the results were announced on Monday.",
        "en",
    ),
    "zh.html": (
        "北京大学发布气候报告",
        "北京大学的研究人员周二发布了一份关于气候变化的新报告。报告指出，"  # noqa: RUF001
        "过去十年中国北方的降水明显减少，农业生产面临更大的压力。"  # noqa: RUF001
        "研究人员建议政府加快建设节水灌溉系统。\n\n"
        "专家认为，这份报告为地方政府制定政策提供了重要依据。",  # noqa: RUF001
        "zh",
    ),
    "ja.html": (
        "東京で新しい気候報告書",
        "東京大学の研究者たちは火曜日、気候変動に関する新しい報告書を発表しました。報告書によると、"
        "過去十年間で日本の夏の平均気温は大きく上昇しています。研究者たちは都市の緑化を提案しました。\n\n"
        "専門家は、この報告書が自治体の政策に役立つと述べています。",
        "ja",
    ),
    "ko.html": (
        "서울시 새 기후 보고서 발표",
        "서울대학교 연구진은 화요일 기후 변화에 관한 새로운 보고서를 발표했다. 보고서에 따르면 "
        "지난 십 년 동안 한반도의 여름 기온이 크게 올랐다. "
        "연구진은 도시 녹지를 늘릴 것을 제안했다.\n\n"
        "전문가들은 이 보고서가 지방 정부의 정책에 도움이 될 것이라고 말했다.",
        "ko",
    ),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    folder = tmp_path_factory.mktemp("world")
    for name, (title, body, lang) in PAGES.items():
        (folder / name).write_text(page(title, body, lang), encoding="utf-8")
    archive = Archive.open(tmp_path_factory.mktemp("archive") / "archive")
    report = archive.import_paths([folder])
    assert report.failed == [] and len(report.imported) == len(PAGES)
    yield archive
    archive.close()


def found(archive: Archive, query: str) -> set[str]:
    return {Path(hit.clipping.source).name for hit in archive.search(query, limit=None).hits}


def test_each_clipping_has_its_language(world: Archive) -> None:
    languages = {Path(c.source).name: c.language for c in world.clippings()}
    assert {name: languages[name] for name in PAGES} == {name: p[2] for name, p in PAGES.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Patientenakte", {"de.html"}),  # German stems: Patientenakten
        ("Digitalisierung Gesundheitswesen", {"de.html"}),  # Gesundheitswesens
        ("élection", {"fr.html", "en.html"}),  # French élections, English elections
        ("electeur", {"fr.html"}),  # électeurs, accents folded
        ("ELYSEE", {"fr.html"}),  # Élysée
        ("Élysée", {"fr.html"}),
        ("candidat", {"fr.html"}),
        ("voter", {"en.html"}),  # Voters
        ('"chefs de parti"', {"fr.html"}),  # a phrase with a French stop word
    ],
)
def test_stems_and_accents_in_each_language(world: Archive, query: str, expected: set) -> None:
    assert found(world, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("北京大学", {"zh.html"}),
        ("气候变化", {"zh.html"}),  # inside a longer run
        ("农业", {"zh.html"}),
        ("报告", {"zh.html"}),  # 报告 is also Japanese 報告 (another character): not matched
        ("研究者", {"ja.html"}),
        ("報告書", {"ja.html"}),
        ("気候", {"ja.html"}),
        ("보고서", {"ko.html"}),
        ("서울대학교", {"ko.html"}),
        ("기후 변화", {"ko.html"}),
        ("title:北京", {"zh.html"}),
        ('"发布了一份"', {"zh.html"}),
    ],
)
def test_chinese_japanese_and_korean_are_found_inside_runs(
    world: Archive, query: str, expected: set
) -> None:
    assert found(world, query) == expected


def test_a_cjk_word_that_is_not_there_is_not_found(world: Archive) -> None:
    assert found(world, "上海") == set()  # neither character pair is in any clipping
    assert found(world, "大学北京") == set()  # the same characters, another order


def test_cjk_snippets_highlight_the_characters_found(world: Archive) -> None:
    [hit] = world.search("气候变化").hits
    marked = {hit.snippet[s:e] for s, e in hit.highlights}
    assert "".join(sorted(marked)) and all(m in "气候变化" for m in marked)
    assert len(hit.snippet) < 400  # a text without spaces is still cut to a snippet


def test_a_cjk_word_of_odd_length_is_highlighted_whole(world: Archive) -> None:
    # 变化 and 气候 are whole words; 候变化 is three characters: two pairs that overlap
    [hit] = world.search("候变化").hits
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["候变化"]


def test_reader_highlights_follow_the_clippings_language(world: Archive) -> None:
    de = next(c for c in world.clippings() if c.language == "de")
    body = world.get(de.id).text
    assert "patientenakten" in world.words_matching("Patientenakte", body, language="de")


def test_analyzer_stems_in_the_marked_language() -> None:
    analyzer = ProseAnalyzer()
    # every word is indexed, common ones too ("et", "the", "die"): BM25 weighs them
    assert [t.text for t in analyzer(mark("fr", "élections et électeurs"))] == [
        "elect",
        "et",
        "electeur",
    ]
    assert [t.text for t in analyzer(mark("en", "The elections"))] == ["the", "elect"]
    assert [t.text for t in analyzer(mark("de", "Die Patientenakten"))] == ["die", "patientenakt"]
    assert [t.text for t in analyzer(mark("ko", "보고서를"))] == ["보고", "고서", "서를"]
    # a query's words are only folded: they are stemmed per language afterwards
    assert [t.text for t in analyzer("Élysée Elections", mode="query")] == ["elysee", "elections"]


def test_a_segment_without_languages_does_not_shift_the_others(tmp_path: Path) -> None:
    """Whoosh leaves a segment with no value for a column out of the column: lookups by
    docnum must not slide onto the next segment's values."""
    archive = Archive.open(tmp_path / "archive")  # the sample: English
    with archive.index.writer() as writer:  # a clipping without a language, its own segment
        sample = archive.get(1)
        writer.add(sample.__class__(**{**sample.__dict__, "language": ""}))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "de.html").write_text(page(*PAGES["de.html"]), encoding="utf-8")
    archive.import_paths([folder])
    assert [h.clipping.language for h in archive.search("Patientenakte").hits] == ["de"]
    facets = archive.facets("")
    assert dict(facets["language"]) == {"de": 1}
    archive.close()
