"""Titles, authors and sites people would write down: each form a page gives weighed against
the others (``archive.extract.fields``), checked on small pages built for each rule."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from archive.extract import extract
from archive.models import Article, RawPage

BODY = "".join(
    f"<p>Paragraph {n}: the harbour authority said on Monday that the new ferry terminal will "
    "open in the spring, two years later than planned, after a long dispute over costs.</p>"
    for n in range(1, 7)
)


def page(head: str = "", before_body: str = "", url: str | None = None) -> Article:
    html = f"<html><head>{head}</head><body><article>{before_body}{BODY}</article></body></html>"
    return extract(RawPage(data=html.encode(), source="page.html", format="html", url=url))


def ld(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def meta(prop: str, content: str) -> str:
    kind = "property" if prop.startswith(("og:", "article:")) else "name"
    return f'<meta {kind}="{prop}" content="{content}">'


# ---------------------------------------------------------------------------- titles


def test_the_declared_headline_when_the_page_bears_it_out() -> None:
    article = page(
        "<title>Ferry terminal delayed to spring | Harbour Herald</title>"
        + meta("og:title", "Ferry terminal delayed to spring")
        + meta("og:site_name", "Harbour Herald"),
        "<h1>Ferry terminal delayed to spring</h1>",
    )
    assert article.title == "Ferry terminal delayed to spring"
    assert article.site == "Harbour Herald"


def test_a_site_wide_og_title_loses_to_the_headline_the_page_shows() -> None:
    # og:title is the site's own name for every page; <title> and <h1> agree on the headline
    article = page(
        "<title>Ferry terminal delayed to spring</title>"
        + meta("og:title", "Harbour Herald - Latest News &amp; Headlines")
        + meta("og:site_name", "Harbour Herald"),
        "<h1>Ferry terminal delayed to spring</h1>",
    )
    assert article.title == "Ferry terminal delayed to spring"
    assert "Latest News & Headlines" in " ".join(article.titles)  # kept as another form


def test_a_json_ld_headline_that_is_a_description_is_not_the_title() -> None:
    # Wikipedia: "headline" is the article's one-line description, "name" its title
    article = page(
        "<title>Harbour of Tallinn - Wikipedia</title>"
        + ld(headline="Port on the Baltic Sea", name="Harbour of Tallinn"),
        "<h1>Harbour of Tallinn</h1>",
        url="https://en.wikipedia.org/wiki/Harbour_of_Tallinn",
    )
    assert article.title == "Harbour of Tallinn"
    assert "Port on the Baltic Sea" not in article.titles


def test_the_description_given_as_a_title_is_not_the_title() -> None:
    dek = "The harbour authority said on Monday that the terminal will open two years late"
    article = page(
        f"<title>Ferry terminal delayed</title>{meta('og:title', dek)}"
        + meta("og:description", dek),
        "<h1>Ferry terminal delayed</h1>",
    )
    assert article.title == "Ferry terminal delayed"


def test_every_distinct_form_of_the_title_is_kept() -> None:
    article = page(
        "<title>WeWork employees to be laid off this week - Example News</title>"
        + meta("og:site_name", "Example News")
        + ld(headline="Major WeWork layoffs to begin today")
        + meta("og:title", "Major WeWork layoffs to begin today"),
        "<h1>Major WeWork layoffs to begin today</h1>",
    )
    assert article.title == "Major WeWork layoffs to begin today"
    assert article.titles == ["WeWork employees to be laid off this week"]


def test_the_declared_og_title_where_the_headline_words_it_otherwise() -> None:
    article = page(
        meta("og:title", "The Modern Ambitions Behind Neon")
        + meta("twitter:title", "Why Neon Is the Symbol of the Century")
        + "<title>A Brief History of Neon Signage</title>",
        "<h1>Why Neon Is the Symbol of the Century</h1>",
    )
    assert article.title == "The Modern Ambitions Behind Neon"
    assert article.titles == [
        "Why Neon Is the Symbol of the Century",
        "A Brief History of Neon Signage",
    ]


def test_the_title_a_browser_shows_when_the_h1_is_in_it() -> None:
    article = page(
        "<title>Weekly Edition for March 26, 2015 [Harbour.net]</title>",
        "<h1>Weekly Edition for March 26, 2015</h1>",
    )
    assert article.title == "Weekly Edition for March 26, 2015 [Harbour.net]"
    assert article.titles == ["Weekly Edition for March 26, 2015"]


def test_a_logo_h1_among_several_is_not_the_title() -> None:
    article = page(
        "<title>Ferry terminal delayed to spring</title>"
        + meta("og:title", "Ferry terminal delayed to spring"),
        "<h1>herald home news sport</h1><h1>Ferry terminal delayed to spring</h1>",
    )
    assert article.title == "Ferry terminal delayed to spring"
    assert "herald home news sport" not in article.titles


def test_the_title_is_never_the_first_sentence() -> None:
    article = page()  # no title anywhere, and the body begins with a long sentence
    assert article.title == ""


def test_the_title_repeated_above_the_body_and_a_banner_above_it_are_not_the_body() -> None:
    article = page(
        "<title>Ferry terminal delayed to spring</title>",
        "<p>Herald top stories</p><h2>Ferry terminal delayed to spring</h2>"
        "<p>By Ann Example</p><p>12 March 2024</p>",
    )
    assert article.text.startswith("Paragraph 1:")


# ---------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("declared", "byline", "author"),
    [
        ("Username", "<span class='pb-byline'>By <a>Erin Example</a></span>", "Erin Example"),
        ("", "<div class='FeatureByline'>By <b>Nat Example</b> March 5, 2015</div>", "Nat Example"),
        ("", "<p class='byline'>Written by Rob Example<br>Edited by Bea Ex</p>", "Rob Example"),
        ("", "<div class='author'>Joshua Example May 20, 2019</div>", "Joshua Example"),
        ("", "<div class='author'>Ann Example, May 2019</div>", "Ann Example"),
        ("Laura June Example", "", "Laura June Example"),  # a month in a name: still the name
        ("", "<div class='author'><em>Last Updated:</em> January 7, 2025</div>", ""),
        ("Reuters", "<span class='byline'>By Jane Example</span>", "Jane Example"),
        ("Associated Press", "", "Associated Press"),
        ("Reuters", "<span class='byline'>WASHINGTON (Reuters) -</span>", "Reuters"),
        (
            "",
            "<div class='byline-section'><span class='author'>Tom Example</span>"
            "<span class='publication'>Associated Press</span></div>",
            "Tom Example",
        ),
        ("", "<p class='byline'><em class='byline-by'>By</em> <a>Joe Ex</a></p>", "Joe Ex"),
        ("By Ann Example and Bo Example", "", "Ann Example, Bo Example"),
        ("Martin Example (avec Paul Example et Zoe Example)", "", None),
        ("https://www.facebook.com/someone", "", ""),
    ],
)
def test_authors_are_names(declared: str, byline: str, author: str | None) -> None:
    head = meta("author", declared) if declared else ""
    article = page(head, byline)
    assert article.author == (declared if author is None else author)


def test_an_author_bio_or_a_comment_is_not_the_byline() -> None:
    article = page(
        "",
        "<div class='author-bio'>Ann Example writes about ships</div>"
        "<div class='comments'><span class='author'>Grumpy Reader</span></div>",
    )
    assert article.author == ""


def test_every_creator_a_page_names() -> None:
    article = page(meta("DC.Creator", "Kooman, F.") + meta("DC.Creator", "Jong, Michiel de"))
    assert article.author == "Kooman, F., Jong, Michiel de"


# ---------------------------------------------------------------------------- sites


@pytest.mark.parametrize(
    ("head", "site"),
    [
        (meta("og:site_name", "Copyright 2014 - Prefeitura Example"), "harbour.example.org"),
        (meta("og:site_name", "The best ships news on the whole wide web"), "harbour.example.org"),
        (ld(publisher={"@type": "Organization", "name": "Harbour Herald"}), "Harbour Herald"),
        ("", "harbour.example.org"),
    ],
    ids=["copyright", "slogan", "publisher", "domain"],
)
def test_the_site_is_the_publication_not_a_copyright_line_or_slogan(head: str, site: str) -> None:
    article = page(head, url="https://harbour.example.org/news/ferry")
    assert article.site == site


def test_the_site_as_its_title_writes_it_when_it_declares_none() -> None:
    article = page(
        "<title>Ferry terminal delayed | Harbour Herald</title>",
        url="https://www.harbourherald.com/news/ferry",
    )
    assert article.site == "Harbour Herald"
    assert article.title == "Ferry terminal delayed"


@pytest.mark.parametrize(
    ("declared", "shown"),
    [
        ("/world/middle_east", "World, Middle East"),
        ("news/uk-politics", "News, Uk Politics"),
        ("Transport", "Transport"),
        ("politics", "politics"),
    ],
)
def test_a_section_given_as_a_path_is_named_by_its_words(declared: str, shown: str) -> None:
    assert page(meta("article:section", declared)).section == shown


def test_a_section_a_template_left_empty_is_no_section() -> None:
    # Atlas Obscura's JSON-LD: "articleSection": "nil"
    assert page(ld(headline="Ferry terminal delayed", articleSection="nil")).section == ""
    declared = ld(headline="Ferry terminal delayed", articleSection="null")
    assert page(declared + meta("article:section", "Transport")).section == "Transport"


def test_a_publication_named_as_the_author_is_not_split_into_names() -> None:
    # DC.creator "Mac & i", the magazine's name: it read "Mac, i"
    article = page(meta("DC.creator", "Mac &amp; i") + meta("og:site_name", "Mac &amp; i"))
    assert article.author == "Mac & i"
    writers = page(
        meta("DC.creator", "Ann Lee &amp; Bo Chan") + meta("og:site_name", "Mac &amp; i")
    )
    assert writers.author == "Ann Lee, Bo Chan"  # two writers are still two


# ---------------------------------------------------------------------------- dates

# A fresh interpreter extracts one page whose date is written in words, under a byline that
# reads as no date in any language, and prints the date found and the languages dateparser
# built its word tables for (the tables are per process: this one's were built by others).
_DATE_IN_WORDS = """
import sys
from archive.extract import extract
from archive.models import RawPage
from dateparser.languages.dictionary import Dictionary

lang, written = sys.argv[1], sys.argv[2]
body = "".join(f"<p>Paragraph {n}: the ferry terminal opens in spring, two years late, after a "
               "long dispute over its costs and its place in the harbour.</p>" for n in range(6))
html = (f"<html{lang}><head><title>Ferry</title></head><body><article>"
        "<div>Tom Davies Associated Press Published 11:34</div>"
        f"<div>{written}</div>{body}</article></body></html>")
article = extract(RawPage(data=html.encode(), source="page.html", format="html"))
tables = sorted({code for cache in Dictionary._split_regex_cache.values() for code in cache})
print(article.published, ",".join(tables))
"""


def _date_in_words(lang: str, written: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _DATE_IN_WORDS, lang, written],
        capture_output=True,
        text=True,
        check=True,
    )
    published, tables = done.stdout.split()
    return published, tables.split(",")


@pytest.mark.parametrize(
    ("lang", "written", "published", "tables"),
    [
        (' lang="en-GB"', "November 20 15:23 2019", "2019-11-20", ["en"]),
        (' lang="es"', "1 de diciembre de 2017 3:00", "2017-12-01", ["en", "es"]),
    ],
)
def test_a_date_in_words_is_read_in_the_language_the_page_declares(
    lang: str, written: str, published: str, tables: list[str]
) -> None:
    # told no language, dateparser tried its 205 locales on the byline, building each one's
    # tables: 1.6 s of CPU in each process of an import
    assert _date_in_words(lang, written) == (published, tables)


def test_a_date_in_words_on_a_page_that_declares_no_language_is_read_in_every_one() -> None:
    published, tables = _date_in_words("", "5. März 2019 3:00 Uhr")
    assert published == "2019-03-05"
    assert len(tables) > 100
