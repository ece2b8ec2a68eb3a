"""Tests of archive.extract on real saved pages (tests/fixtures/pages, clippings/) and on
pages built here byte by byte: fields, body, Markdown, encodings, errors, cleaning."""

from __future__ import annotations

import pickle
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

import pytest

from archive.extract import extract, extract_file
from archive.extract.clean import clean_block, clean_line
from archive.models import Article, ClippingsError, ExtractionError, RawPage

HERE = Path(__file__).resolve().parent
PAGES = HERE / "fixtures" / "pages"
SAMPLE = HERE.parent / "clippings" / "000_409f49da4b6764bf.txt"

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?)?$")
# C0/C1 controls other than newline and tab, and ESC in any form
BAD_BLOCK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BAD_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def html_page(data: bytes, url: str | None = None) -> Article:
    return extract(RawPage(data=data, source="test.html", format="html", url=url))


def text_page(data: bytes | str) -> Article:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return extract(RawPage(data=data, source="test.txt", format="text"))


def assert_clean(article: Article) -> None:
    for name in ("title", "author", "site", "section", "url", "language", "description"):
        value = getattr(article, name)
        assert not BAD_LINE.search(value), (name, value)
        assert value == value.strip() and "  " not in value, (name, value)
    for keyword in article.keywords:
        assert not BAD_LINE.search(keyword)
    for name in ("text", "markdown"):
        assert not BAD_BLOCK.search(getattr(article, name)), name
    assert article.published is None or ISO.match(article.published), article.published


# ---------------------------------------------------------------------------- text pages


@pytest.fixture(scope="module")
def sample() -> Article:
    return extract_file(SAMPLE)


def test_sample_text_page_header(sample: Article) -> None:
    assert sample.format == "text"
    assert sample.title == (
        "The Dire Necessity of Strategic Concessions and Relationship Building in "
        "U.S.-North Korea Relations"
    )
    assert sample.author == "Adriana Nazarko"
    assert sample.section == "Security, Asia"
    assert sample.description == (
        "Strategic patience and maximum pressure don't work, but active engagement will."
    )
    assert sample.language == "en"
    assert sample.published is None
    assert_clean(sample)


def test_sample_text_page_body_is_the_two_paragraphs(sample: Article) -> None:
    paragraphs = sample.text.split("\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Looking back at U.S. responses to North Korea's nuclear")
    assert paragraphs[0].endswith("where do we go from here?")
    assert paragraphs[1].startswith("On the surface level, U.S. President Donald Trump's")
    assert paragraphs[1].endswith("to alleviate tension on the Korean peninsula.")
    # nothing of what follows the article
    for furniture in ("Read full article", "COMMENTS", "More Related News", "US wants role"):
        assert furniture not in sample.text
        assert furniture not in sample.markdown
    # the title repeat and the dek are not part of the body
    assert "Dire Necessity" not in sample.text
    assert "Strategic patience" not in sample.text
    assert sample.markdown == "\n\n".join(paragraphs)


SECOND_TEXT_PAGE = """\
City Council Approves Downtown Bike Lanes
=========================================

By Jane Doe and John Roe | March 3, 2020

The city council voted 7-2 on Tuesday night to approve a network of protected bike \
lanes across the downtown core, ending a debate that lasted more than two years.

Advertisement

Supporters said the lanes would make cycling safer for everyone. Opponents worried about
the loss of parking spaces for local businesses, which they said are already struggling
with rising rents in the area.

\u00a0

- Main Street, from 1st to 9th Avenue
- Oak Avenue, along the river

Related Articles

Council delays vote on parking fees
Share this
"""


def test_text_page_rules_byline_date_list_and_furniture() -> None:
    article = text_page(SECOND_TEXT_PAGE)
    assert article.title == "City Council Approves Downtown Bike Lanes"
    assert article.author == "Jane Doe, John Roe"
    assert article.published == "2020-03-03"
    assert article.section == ""
    assert article.description == ""
    paragraphs = article.text.split("\n")
    assert paragraphs[0].startswith("The city council voted 7-2")
    # hard-wrapped lines become one paragraph
    assert paragraphs[1] == (
        "Supporters said the lanes would make cycling safer for everyone. Opponents worried "
        "about the loss of parking spaces for local businesses, which they said are already "
        "struggling with rising rents in the area."
    )
    assert paragraphs[2:] == [
        "- Main Street, from 1st to 9th Avenue",
        "- Oak Avenue, along the river",
    ]
    for furniture in ("Advertisement", "Related Articles", "parking fees", "Share this"):
        assert furniture not in article.text
    assert "\n\n- Main Street, from 1st to 9th Avenue\n- Oak Avenue, along the river" in (
        article.markdown
    )
    assert_clean(article)


def test_text_page_rules_section_name_dek_and_title_repeat() -> None:
    page = (
        "Why Cities Are Betting on Night Buses\n\n"
        "World News\n"
        "Maria de la Cruz\n"
        "https://example.org/night-buses\n\n"
        "Late services cost little and change a lot for shift workers.\n\n"
        "Why Cities Are Betting on Night Buses\n\n"
        "When the last train leaves at midnight, thousands of nurses, cleaners and cooks are "
        "still at work. For them the night bus is not a convenience but the only way home.\n\n"
        "Transport officials say the routes pay for themselves in fewer taxi subsidies and "
        "fewer missed shifts, and several cities plan to double them next year.\n\n"
        "You May Also Like\n\n"
        "The best bike paths in Europe\n"
    )
    article = text_page(page)
    assert article.title == "Why Cities Are Betting on Night Buses"
    assert article.section == "World News"
    assert article.author == "Maria de la Cruz"
    assert article.url == "https://example.org/night-buses"
    assert article.site == "example.org"
    assert article.description == "Late services cost little and change a lot for shift workers."
    assert article.text.split("\n")[0].startswith("When the last train leaves at midnight")
    assert article.text.endswith("several cities plan to double them next year.")
    assert "bike paths" not in article.text


@pytest.mark.parametrize(
    ("page", "fields", "first", "last"),
    [
        (  # a dek above the byline; "Share this" in the header is skipped, not an end
            "Why Night Buses Matter\n"
            "Cheap late services change a lot for shift workers.\n"
            "Share this\n"
            "By Jane Doe\n\n"
            "When the last train leaves at midnight, thousands of nurses are still at work.\n\n"
            "Leave a Reply\n\nGreat article!\n",
            {
                "author": "Jane Doe",
                "description": "Cheap late services change a lot for shift workers.",
            },
            "When the last train leaves at midnight",
            "still at work.",
        ),
        (  # a one-sentence lede after the header is the body, not a dek
            "Senate Passes Budget\n"
            "Posted on July 3, 2019\n\n"
            "WASHINGTON - The Senate passed the budget on Tuesday.\n\n"
            "The vote was 51-49 after a long night of debate over spending and the deficit.\n",
            {"published": "2019-07-03", "description": "", "author": ""},
            "WASHINGTON - The Senate passed the budget on Tuesday.",
            "spending and the deficit.",
        ),
        (  # no heading: a long first line gives a title but stays in the body
            "This page had no heading, so the first line is a whole paragraph that goes on for "
            "a while. It has a second sentence, and it is part of the article.\n"
            "Second paragraph here.\n",
            {
                "title": "This page had no heading, so the first line is a whole paragraph that "
                "goes on for a while."
            },
            "This page had no heading",
            "Second paragraph here.",
        ),
    ],
    ids=["dek-above-byline", "lede-is-body", "no-heading"],
)
def test_text_page_shapes(page: str, fields: dict[str, str], first: str, last: str) -> None:
    article = text_page(page)
    for name, value in fields.items():
        assert getattr(article, name) == value, name
    assert article.text.startswith(first)
    assert article.text.endswith(last)


def test_text_page_with_a_single_line_is_its_own_text() -> None:
    article = text_page("Remember to read the night bus report\n")
    assert article.title == "Remember to read the night bus report"
    assert article.text == "Remember to read the night bus report"


def test_a_text_of_many_short_paragraphs_is_kept_whole() -> None:
    """A text page of paragraphs that do not read as prose (a list, notes, a log) and no
    menus is no web page dumped as text: all of it is kept (it was cut to the two lines that
    read as prose), as are lines alike but for their number (all but the title were lost)."""
    words = [
        "tundra",
        "lantern",
        "river",
        "copper",
        "basin",
        "meadow",
        "ledger",
        "orchard",
        "quartz",
        "harbor",
    ]
    lines = [
        f"Paragraph {n} about {' '.join(words[(n * k) % 10] for k in range(1, 9))}."
        for n in range(2000)
    ]
    article = text_page("The Very Long Article\n\n" + "\n\n".join(lines))
    assert article.title == "The Very Long Article"
    assert article.text.count("\n") == 1999 and "Paragraph 1999 about" in article.text
    numbered = [f"Step {n} of the saved thread, about harbour works." for n in range(500)]
    article = text_page("\n\n".join(numbered))  # (its first lines are the title and dek)
    assert article.text.count("\n") >= 490
    assert article.text.endswith("Step 499 of the saved thread, about harbour works.")


# ---------------------------------------------------------------------------- HTML pages

FIXTURES: dict[str, dict[str, object]] = {
    # Korean, no OpenGraph, no JSON-LD: <title> with the site's name after " - "
    "0ec95c7261d1": {
        "title": "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유",
        "not_title": "Entermedia",
        "language": "ko",
        "published": "2018-08-25",
        "sentences": [
            "타인의 동의를 구하지 않고 일방적으로 두 사람의 관계를 담은 사진을 SNS에 공개한다는 건 "
            "분명한 사생활 침해이고",
        ],
        "furniture": ["Entermedia 주요뉴스", "개인정보취급방침", "발행인 및 편집인"],
    },
    # Yoast JSON-LD @graph: WebPage whose author is an @id reference to a Person
    "4648a420af99": {
        "title": "Introducing Junior Gaspard, New CEO at Experience",
        "author": "Josh",
        "published": "2018-04-09T16:02:25+00:00",
        "site": "Experience",
        "section": "Spotlight",
        "url": "https://www.expapp.com/blog/introducing-junior-gaspard-new-ceo-experience/",
        "language": "en",
        "sentences": [
            "Experience is thrilled to have Junior Gaspard, long time ExpApper, as our new "
            "President and CEO.",
            "Thanks Junior!",
        ],
        "furniture": ["Browse All Posts", "3535 Piedmont Rd NE", "Engineering Blog"],
        "headings": ["#### **Q: How do you prioritize your day?**"],
    },
    # German article (declared lang="en" by its template), headings and lists
    "57b4dafd18cf": {
        "title": "Die elektronische Patientenakte (ePA) \u2013 der lange Marsch ins Digitale "
        "Gesundheitswesen",
        "author": "Moritz Bachmann",
        "published": "2018-09-25",
        "site": "blog.comwrap.com",  # no name declared: the domain
        "language": "de",
        "url": "https://blog.comwrap.com/die-elektronische-patientenakte-der-lange-marsch-ins-"
        "digitale-gesundheitswesen",
        "sentences": [
            'Die Auswahl der "richtigen" Lösung ist damit entscheidend für den Einstieg in die '
            "digitale Patientenakte",
        ],
        "furniture": ["Weitere Beiträge zum Thema", "Hanauer Landstr", "Zurück zur Übersicht"],
        "headings": ["### Status Quo", "#### Analoge Prozesse", "### Fazit"],
        "items": ["- HL7", "- Elektronische Fallakte (eFA)"],
    },
    # Italian, OpenGraph and article:* meta (tags, section), site name with a tagline
    "20b2b64916b0": {
        "description": "Il black Friday incombe su di noi: per chi non lo sapesse (o per chi è "
        "sbarcato da Marte recentemente)",
        "title": "Black Friday per nostalgici: le occasioni da non perdere",
        "published": "2017-11-23T10:00:33+00:00",
        "site": "Remember 80/90",
        "section": "Film",
        "url": "http://www.remember8090.it/black-friday-per-nostalgici-le-occasioni-da-non-perdere/",
        "language": "it",
        "keywords": ["Amazon", "black Friday", "Natale", "regali"],
        "sentences": [
            "il venerdì dopo il Giorno del Ringraziamento, i negozi offrono super sconti per lo "
            "shopping di Natale.",
        ],
        "furniture": ["Nessun commento", "Siamo un memorabilia del meglio", "Skip to content"],
    },
    # no JSON-LD: <meta name=author>, article:section, og:url, lang="en-gb"
    "14cc2a0ca59c": {
        "description": "A team led by researchers out of NASA's Goddard Space Flight Center in "
        "Greenbelt, Maryland, has confirmed traces of water vapor above the surface of "
        "Jupiter's icy moon Europa.",
        "keywords": [
            *("water", "nasa", "europa", "vapor", "surface", "moon", "icy", "team"),
            *("scientists", "observations", "space", "scientist", "detected"),
        ],
        "title": "NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon "
        "Europa",
        "author": "Victor Tangermann, Futurism",
        "published": "2019-11-18",
        "site": "ScienceAlert",
        "section": "SPACE",
        "url": "https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-"
        "jupiter-s-icy-moon-europa",
        "language": "en",
        "sentences": [
            "has confirmed traces of water vapor above the surface of Jupiter's icy moon Europa.",
        ],
        "furniture": ["Follow Us", "Daily Email", "All rights reserved"],
    },
    # JSON-LD NewsArticle (author, datePublished, publisher), canonical link
    "06e5123e4ef7": {
        "description": "The New York State Attorney General is investigating WeWork, adding to a "
        "mounting series of problems faced by the workspace provider.",
        "title": "New York State Attorney General investigating WeWork and former CEO",
        "author": "Reuters",
        "published": "2019-11-19T07:03:25+00:00",
        "site": "VentureBeat",
        "section": "Business",
        "url": "https://venturebeat.com/2019/11/18/new-york-state-attorney-general-investigating-"
        "wework-and-former-ceo/",
        "language": "en",
        "sentences": [
            "WeWork\u2019s 2025 bond has weakened sharply in the past week, hitting 16.057% on "
            "Monday, according to data from MarketAxess.",
        ],
        "furniture": ["Follow VentureBeat on Facebook", "Got a news tip?", "UPCOMING EVENTS"],
    },
}


@pytest.fixture(scope="module")
def fixture_articles() -> dict[str, Article]:
    articles = {}
    for prefix in FIXTURES:
        (path,) = PAGES.glob(f"{prefix}*.html")
        articles[prefix] = extract_file(path)
    return articles


@pytest.mark.parametrize("prefix", list(FIXTURES))
def test_html_fixture_title_and_body(prefix: str, fixture_articles: dict[str, Article]) -> None:
    article, expected = fixture_articles[prefix], FIXTURES[prefix]
    assert article.format == "html"
    assert article.title == expected["title"]
    assert article.title.casefold() != article.site.casefold()
    if "not_title" in expected:
        assert expected["not_title"] not in article.title
    for sentence in expected["sentences"]:  # type: ignore[union-attr]
        assert sentence in article.text
    for furniture in expected["furniture"]:  # type: ignore[union-attr]
        assert furniture not in article.text
        assert furniture not in article.markdown
    assert_clean(article)


@pytest.mark.parametrize("prefix", list(FIXTURES))
def test_html_fixture_metadata(prefix: str, fixture_articles: dict[str, Article]) -> None:
    article, expected = fixture_articles[prefix], FIXTURES[prefix]
    names = ("author", "published", "site", "section", "url", "language", "description")
    for name in (*names, "keywords"):
        if name in expected:
            assert getattr(article, name) == expected[name], name
    assert "\ufffd" not in article.description  # a page's own description cut mid-character


@pytest.mark.parametrize("prefix", list(FIXTURES))
def test_html_fixture_markdown(prefix: str, fixture_articles: dict[str, Article]) -> None:
    article, expected = fixture_articles[prefix], FIXTURES[prefix]
    lines = article.markdown.split("\n")
    for heading in expected.get("headings", []):  # type: ignore[attr-defined]
        assert heading in lines
    for item in expected.get("items", []):  # type: ignore[attr-defined]
        assert item in lines
    # paragraphs are separated by blank lines, and the links of the page are kept there only
    assert "\n\n" in article.markdown
    assert "](http" not in article.text


def test_html_title_without_site_suffix_and_never_the_site_name() -> None:
    body = "<p>" + "The committee met on Monday to discuss the budget for next year. " * 6 + "</p>"
    page = (
        "<html><head><title>Budget talks stall again | Example Gazette</title>"
        '<meta property="og:site_name" content="Example Gazette"></head>'
        f"<body><article>{body}</article></body></html>"
    )
    assert html_page(page.encode()).title == "Budget talks stall again"
    only_site = (
        "<html><head><title>Example Gazette</title>"
        '<meta property="og:site_name" content="Example Gazette"></head>'
        f"<body><article><h1>Budget talks stall again</h1>{body}</article></body></html>"
    )
    article = html_page(only_site.encode(), url="https://www.example-gazette.com/budget")
    assert article.title == "Budget talks stall again"
    assert article.site == "Example Gazette"
    assert article.url == "https://www.example-gazette.com/budget"
    assert not article.text.startswith("Budget talks stall again")  # the title is not repeated


def test_html_json_ld_graph_wins_and_placeholder_dates_are_dropped() -> None:
    json_ld = """{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "Night buses return to the city",
       "author": [{"@id": "#p1"}, {"@type": "Person", "name": "John Roe"}],
       "datePublished": "0001-01-01T00:00:00Z", "articleSection": ["Transport", "City"],
       "keywords": "buses, night, transport", "inLanguage": "en-GB",
       "publisher": {"@type": "Organization", "name": "Example Gazette"}},
      {"@type": "Person", "@id": "#p1", "name": "Jane Doe"}]}"""
    body = "<p>" + "Night buses are back on twelve routes from Monday, officials said. " * 6
    page = (
        "<html><head><title>Night buses return - Example Gazette</title>"
        '<meta property="og:title" content="Night buses return to the city (OG)">'
        '<meta property="article:published_time" content="2021-05-04T08:30:00+02:00">'
        '<meta name="author" content="Someone Else">'
        f'<script type="application/ld+json">{json_ld}</script></head>'
        f"<body><article>{body}</p></article></body></html>"
    )
    article = html_page(page.encode())
    assert article.title == "Night buses return to the city"
    assert article.author == "Jane Doe, John Roe"
    assert article.published == "2021-05-04T08:30:00+02:00"
    assert article.section == "Transport"
    assert article.keywords == ["buses", "night", "transport"]
    assert article.language == "en"
    assert article.site == "Example Gazette"


def test_html_language_is_detected_when_not_declared() -> None:
    text = (
        "Le conseil municipal a approuvé mardi soir un réseau de pistes cyclables protégées "
        "dans le centre-ville, mettant fin à un débat qui a duré plus de deux ans. "
    )
    page = (
        f"<html><head><title>Pistes cyclables</title></head><body><p>{text * 4}</p></body></html>"
    )
    assert html_page(page.encode()).language == "fr"


# ---------------------------------------------------------------------------- encodings

FRENCH = "Le café est très bon. « Déjà vu », dit-il — une façade naïve, une œuvre complète à 5 €."


def _html(charset: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<html><head>{meta}<title>Café crème</title></head>"
        f"<body><article><p>{FRENCH}</p><p>{FRENCH}</p><p>{FRENCH}</p></article></body></html>"
    )


def test_encoding_utf8_with_bom() -> None:
    article = html_page(b"\xef\xbb\xbf" + _html().encode("utf-8"))
    assert FRENCH in article.text
    assert article.title == "Café crème"
    text = text_page(b"\xef\xbb\xbfCaf\xc3\xa9 cr\xc3\xa8me\n\n" + FRENCH.encode("utf-8"))
    assert text.title == "Café crème"


def test_a_utf32_page_reads_and_junk_behind_its_mark_is_binary() -> None:
    """UTF-32's byte mark followed by bytes no UTF-32 text has was read as a page titled
    "\ufffd\ufffd"; it is binary data, while a real UTF-32 page still reads."""
    from archive.extract.sniff import binary_kind

    assert FRENCH in html_page(_html().encode("utf-32")).text
    assert binary_kind(b"\xff\xfe\x00\x00garbage") == "binary data"
    assert binary_kind(b"\x00\x00\xfe\xff" + b"\xff" * 40) == "binary data"
    assert binary_kind(_html().encode("utf-32")) is None


def test_encoding_latin1_page_declaring_its_charset() -> None:
    latin = FRENCH.replace("œ", "oe").replace("€", "EUR").replace("—", "-")
    page = _html("iso-8859-1").replace(FRENCH, latin).encode("latin-1")
    article = html_page(page)
    assert latin in article.text
    assert article.title == "Café crème"


def test_encoding_utf8_page_falsely_declaring_latin1() -> None:
    article = html_page(_html("iso-8859-1").encode("utf-8"))
    assert FRENCH in article.text
    assert article.title == "Café crème"
    assert "Ã" not in article.text + article.title


def test_encoding_windows_1252_undeclared() -> None:
    article = html_page(_html().encode("cp1252"))
    assert FRENCH in article.text
    assert article.title == "Café crème"
    text = text_page(("Café crème\n\n" + FRENCH).encode("cp1252"))
    assert text.title == "Café crème"
    assert text.text == FRENCH


def test_encoding_undecodable_bytes_are_replaced_not_fatal() -> None:
    page = _html().encode("utf-8").replace("très".encode(), b"tr\xff\xfes")
    article = html_page(page)
    assert "tr\ufffd" in article.text
    assert "Déjà vu" in article.text


# ---------------------------------------------------------------------------- errors

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "html", "empty file"),
        (b"", "text", "empty file"),
        (b"  \n\t\r\n  ", "text", "empty file"),
        (b"\xef\xbb\xbf \n", "html", "empty file"),
        (PNG, "html", "binary data, not a saved page (PNG image)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "text", "binary data, not a saved page (JPEG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "html", "binary data, not a saved page (PDF document)"),
        (b"PK\x03\x04\x14\x00\x00\x00", "html", "binary data, not a saved page (ZIP archive)"),
        (
            b"some text\x00\x01\x02\x00\x00\xff\x00more" * 20,
            "text",
            "binary data, not a saved page",
        ),
        (  # nothing a reader could see: no title, no text (a page with a title is kept)
            b"<html><head><script>var a = 1;</script></head>"
            b"<body><div>  </div><script>document.write('x')</script></body></html>",
            "html",
            "no text found in the page",
        ),
    ],
)
def test_errors_have_a_one_line_reason(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(RawPage(data=data, source="bad", format=fmt))
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_extract_file_guesses_the_format(tmp_path: Path) -> None:
    html = tmp_path / "page.htm"
    html.write_text(_html(), encoding="utf-8")
    assert extract_file(html).format == "html"
    sniffed = tmp_path / "saved"
    sniffed.write_text("<!DOCTYPE html>\n" + _html(), encoding="utf-8")
    assert extract_file(sniffed).format == "html"
    text = tmp_path / "note.txt"
    text.write_text("A note about cafés\n\n" + FRENCH, encoding="utf-8")
    assert extract_file(text).format == "text"
    with pytest.raises(ClippingsError, match="no such file"):
        extract_file(tmp_path / "missing.html")


# ---------------------------------------------------------------------------- cleaning

ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J\x07\x08\x0b\x7f\x85\x9b31m"


def test_control_characters_and_ansi_escapes_never_reach_the_article() -> None:
    body = f"<p>Some text {ESCAPES} with escapes in it, repeated to make a body. </p>" * 5
    page = f"<html><head><title>Evil {ESCAPES} title</title></head><body>{body}</body></html>"
    for article in (
        html_page(page.encode("utf-8")),
        text_page(f"Evil {ESCAPES} title\n\nBy Jane {ESCAPES}Doe\n\n{body}\n"),
    ):
        assert_clean(article)
        for value in asdict(article).values():
            assert "[31m" not in str(value) and "\x1b" not in str(value)
        assert article.title == "Evil red title"


def test_clean_helpers() -> None:
    assert clean_line(" a\tb\n c\x1b[1m d\x00 \u200b") == "a b c d"
    assert clean_line(None) == ""
    assert clean_line("a\rb\x0cc\x85d\u2028e") == "a b c d e"
    assert clean_block("one\r\ntwo  \n\n\n\nthree\x07\n\x1b[0m") == "one\ntwo\n\nthree"
    assert clean_block("tab\tkept\n") == "tab\tkept"
    for char in map(chr, [*range(0x20), *range(0x7F, 0xA0)]):
        assert unicodedata.category(char) == "Cc"
        assert char not in clean_line(f"x{char}y")


# ---------------------------------------------------------------------------- workers


def test_articles_pickle_and_extract_runs_in_worker_processes() -> None:
    paths = [SAMPLE, next(PAGES.glob("06e5123e4ef7*.html"))]
    with ProcessPoolExecutor(max_workers=1) as pool:
        articles = list(pool.map(extract_file, paths))
    assert [a.format for a in articles] == ["text", "html"]
    assert articles[0] == extract_file(SAMPLE)
    assert pickle.loads(pickle.dumps(articles[1])) == articles[1]


def test_the_space_trafilatura_trims_after_a_link_is_put_back() -> None:
    # trafilatura's body for loose text whose block starts with a link: the link's tail has
    # lost its space ("<ref>MacBook Pro</ref>was released"), and the words ran together
    from lxml import etree

    from archive.extract.html import _render, _tidy

    body = etree.fromstring(
        '<body><p>Just months after the last i9</p><p><ref target="https://x.example/t">'
        "MacBook Pro</ref>was released, said <hi rend='#b'><ref target='https://x.example/e'>"
        "Expercom</ref></hi>is knocking prices down. See <ref target='https://x.example/f'>"
        "Apple</ref>'s note.</p></body>"
    )
    _tidy(body)
    plain, markdown = _render(body)
    assert "MacBook Pro was released" in plain
    assert "Expercom is knocking" in plain
    assert "Apple's note" in plain
    assert "[MacBook Pro](https://x.example/t) was released" in markdown


def test_a_table_that_lays_the_page_out_reads_as_its_paragraphs() -> None:
    # an old site's layout: the article is one cell of a table, beside a column of links
    paragraphs = [
        f"Paragraph {n} of the weekly edition tells how the project grew out of course work "
        "taught at a design institute, and how its founders came into conflict later on."
        for n in range(1, 7)
    ]
    cell = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        "<html><head><title>Weekly Edition</title></head><body><table><tr>"
        '<td><a href="/a">Front page</a><br><a href="/b">Security</a></td>'
        f"<td><h2>A trademark battle</h2>{cell}</td></tr></table></body></html>"
    )
    article = html_page(page.encode())
    assert "|" not in article.markdown
    assert "## A trademark battle" in article.markdown or "A trademark battle" in article.text
    for paragraph in paragraphs:
        assert f"\n\n{paragraph}" in f"\n\n{article.markdown}"


def test_underline_and_raised_text_read_as_text_not_tags() -> None:
    # trafilatura writes them as HTML tags into its Markdown, which a reader shows as they are
    sentence = (
        "Hubble saw <u>plumes rising from Europa</u>, rich in H<sub>2</sub>O, and the ratio "
        "grows as x<sup>2</sup> (see note<sup>[3]</sup>) over the whole of the last decade. "
    )
    page = f"<html><body><article><h1>Plumes</h1><p>{sentence * 4}</p></article></body></html>"
    article = html_page(page.encode())
    assert "<u>" not in article.markdown and "<sup>" not in article.markdown
    assert "plumes rising from Europa, rich in H₂O" in article.markdown
    assert "grows as x² (see note\\[3\\])" in article.markdown
    assert "rich in H₂O, and" in article.text


def test_a_preformatted_block_keeps_its_lines() -> None:
    # trafilatura makes a <pre> (no <code>) a quote, and its lines ran into one paragraph
    prose = "<p>The draft describes a protocol by which web applications store data.</p>" * 4
    listing = (
        'Table of Contents\n  1. <a href="#s1">Introduction</a>.......2\n'
        "  2. Terminology........3\n  3. Storage model......4"
    )
    page = (
        f"<html><body><article><h1>Draft</h1>{prose}<pre>{listing}</pre>"
        "<blockquote>A quote that wraps\n   in the source, as quotes do.</blockquote>"
        f"{prose}</article></body></html>"
    )
    article = html_page(page.encode())
    assert "```\nTable of Contents\n  1. Introduction.......2\n  2. Terminology" in article.markdown
    assert "A quote that wraps in the source, as quotes do." in article.text


_QUADRATIC = (
    "<math><mi>a</mi><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mi>b</mi><mi>x</mi>"
    "<mo>+</mo><mi>c</mi><mo>=</mo><mn>0</mn></math>"
)


@pytest.mark.parametrize(
    "formula",
    [
        _QUADRATIC,
        # MathJax 3: its drawing (no text) and the MathML it was made from, in one container
        '<mjx-container class="MathJax" jax="CHTML"><mjx-math><mjx-c></mjx-c></mjx-math>'
        f"<mjx-assistive-mml>{_QUADRATIC}</mjx-assistive-mml></mjx-container>",
        # the TeX source beside the formula, as Wikipedia and arXiv write it: left out
        _QUADRATIC.replace(
            "<math>", '<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow>'
        ).replace(
            "</math>",
            '</mrow><annotation encoding="application/x-tex">ax^2+bx+c=0'
            "</annotation></semantics></math>",
        ),
    ],
    ids=["math", "mathjax", "annotated"],
)
def test_a_formula_in_mathml_reads_as_text(formula: str) -> None:
    # trafilatura drops <math> whole: the sentence read "there are two solutions to and ..."
    prose = (
        "<p>Every quadratic equation has a pair of roots over the complex numbers, which is "
        "the fundamental theorem of algebra in its simplest case, taught in school.</p>"
    ) * 3
    sentence = f"<p>When a is not zero, there are two solutions to {formula} and they are real.</p>"
    page = f"<html><body><article><h1>Roots</h1>{prose}{sentence}</article></body></html>"
    article = html_page(page.encode())
    assert "there are two solutions to a x² + b x + c = 0 and they are real." in article.text
    assert "two solutions to a x² + b x + c = 0 and" in article.markdown
    assert "ax^2" not in article.text


def test_a_formulas_parts_keep_their_shape() -> None:
    from lxml import etree

    from archive.extract.mathml import math_text

    def read(mathml: str) -> str:
        return math_text(etree.fromstring(f"<math>{mathml}</math>"))

    fraction = (
        "<mfrac><mrow><mo>(</mo><mn>1</mn><mo>-</mo><mi>q</mi><mo>)</mo></mrow><mi>n</mi></mfrac>"
    )
    assert read(fraction) == "( 1 - q ) / n"
    assert read("<msub><mi>a</mi><mi>k</mi></msub>") == "a_k"
    assert read("<msub><mi>H</mi><mn>2</mn></msub><mi>O</mi>") == "H₂ O"
    assert read("<msup><mi>e</mi><mrow><mo>-</mo><mi>x</mi></mrow></msup>") == "e^(- x)"
    assert read("<msqrt><mi>x</mi></msqrt>") == "√(x)"
    assert read("<mover><mi>x</mi><mo>˙</mo></mover>") == "x˙"
    limits = (
        "<munderover><mo>∑</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
    )
    assert read(limits) == "∑_(k = 1)ⁿ"
    binomial = '<mo>(</mo><mfrac linethickness="0"><mi>n</mi><mi>k</mi></mfrac><mo>)</mo>'
    assert read(binomial) == "( n over k )"
    row = "<mtr><mtd><mi>{}</mi></mtd><mtd><mi>{}</mi></mtd></mtr>"
    matrix = f"<mtable>{row.format('a', 'b')}{row.format('c', 'd')}</mtable>"
    assert read(matrix) == "a b; c d"


def test_text_straight_in_the_body_is_a_paragraph_of_its_own_beside_headings() -> None:
    # a page's text between its headings, outside any <p>: the next heading ran into it,
    # "… for a century. ## The Lorenz Equations"
    prose = (
        "The equations below were written down by hand and checked over the years by several "
        "students of the department, each of whom added a remark to the margin of the page."
    )
    sections = "".join(f"<h2>Section {n}</h2>\n    {prose} Part {n}.\n" for n in range(1, 5))
    page = f"<html><body><h1>Samples</h1>\n{sections}</body></html>"
    article = html_page(page.encode())
    assert "## Section 2" in article.markdown.splitlines()
    assert f"{prose} Part 1." in article.markdown.splitlines()
    assert "Section 2" in article.text.splitlines()


def test_a_tables_caption_is_a_line_above_it_and_its_rule_is_no_text() -> None:
    # trafilatura made the caption a head row of one cell, above the real head row; and the
    # plain text (the index, snippets) kept Markdown's rule under it: "|---|---|---|"
    prose = "<p>Films in which a day repeats itself have been made since the 1940s at least.</p>"
    rows = "".join(
        f"<tr><td>Film {n}</td><td>19{n}0</td><td>A day that repeats for the {n}th time.</td></tr>"
        for n in range(4, 9)
    )
    table = (
        "<table><caption>Films with time loops</caption>"
        f"<tr><th>Film</th><th>Year</th><th>Description</th></tr>{rows}</table>"
    )
    page = f"<html><body><article><h1>Loops</h1>{prose * 3}{table}</article></body></html>"
    article = html_page(page.encode())
    lines = article.markdown.splitlines()
    assert "Films with time loops" in lines
    assert lines[lines.index("Films with time loops") + 2 :][:2] == [
        "| Film | Year | Description |",
        "|---|---|---|",
    ]
    assert "---" not in article.text
    assert "| Film 4 | 1940 | A day that repeats for the 4th time. |" in article.text


def test_a_description_cut_short_is_taken_whole_from_another_tag() -> None:
    whole = (
        "The history of women in computing illustrates the changing status of computation "
        "in science."
    )
    cut = whole[: whole.index(" science")]
    head = (
        f'<meta name="description" content="{cut}">'
        f'<meta name="twitter:description" content="{whole}">'
    )
    prose = "<p>She wrote the first programs for the machine, decades before it was built.</p>"
    body = f"<body><article><h1>Heroines</h1>{prose * 4}</article></body>"
    page = f"<html><head>{head}</head>{body}</html>"
    assert html_page(page.encode()).description == whole
    sentence = "The history of women in computing. It illustrates how computation changed."
    ends = head.replace(f'content="{cut}"', 'content="The history of women in computing."')
    ends = ends.replace(whole, sentence)  # whole as it is, a sentence more elsewhere: kept
    assert html_page(page.replace(head, ends).encode()).description == (
        "The history of women in computing."
    )
    other = head.replace(whole, "A different summary, written for sharing.")
    page = page.replace(head, other)  # another text altogether: the first given stays
    assert html_page(page.encode()).description == cut


def test_ampersands_in_links_and_text_are_kept_as_written() -> None:
    # trafilatura unescapes its whole output once more: "?a=1&section=2" read "?a=1§ion=2"
    link = '<a href="https://example.org/w?a=1&amp;section=2&amp;copy=3">the edit page</a>'
    prose = (
        f"<p>AT&amp;T wrote &amp;sect; in its notes, and {link} shows how the R&amp;D "
        "department changed its reports over the years that followed.</p>"
    )
    page = f"<html><body><article><h1>Notes</h1>{prose * 4}</article></body></html>"
    article = html_page(page.encode())
    assert "(https://example.org/w?a=1&section=2&copy=3)" in article.markdown
    assert "AT&T wrote &sect; in its notes" in article.text
    assert "§" not in article.text + article.markdown
