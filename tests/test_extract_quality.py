"""Tests of the extraction rules that go past trafilatura on real pages: a whole page dumped
as text (w3m -dump of a dev page), a body split around ads, quoted social posts, and the
published date cross-checked with htmldate's. The pages are from the extraction benchmark's
dev set (tests/fixtures/extraction, tests/fixtures/dumps); the true bodies quoted here are
its ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.extract import extract, extract_file
from archive.extract.furniture import is_furniture, is_noise
from archive.extract.prose import find_article
from archive.models import Article, RawPage

HERE = Path(__file__).resolve().parent
DUMPS = HERE / "fixtures" / "dumps"
PAGES = HERE / "fixtures" / "extraction"


def page(folder: Path, prefix: str) -> Article:
    (path,) = folder.glob(f"{prefix}*")
    return extract_file(path)


# ---------------------------------------------------------------------------- text dumps


def test_dump_of_a_news_page_is_the_article_without_menus_or_footer() -> None:
    article = page(DUMPS, "042bb7b5feda")  # wsj.com, 330 lines of menus before the article
    assert article.format == "text"
    assert article.title == (
        "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play\u2026and Pay"
    )
    assert article.text.startswith("Gaming used to be so simple.")
    assert "because developers keep updating their biggest hits" in article.text
    for furniture in ("Barron's", "Most Popular Videos", "Privacy Policy", "Subscribe"):
        assert furniture not in article.text
    assert article.language == "en"


def test_dump_cookie_notices_and_footer_blurbs_are_not_the_article() -> None:
    # morebikes.co.uk: a 150-word review, then a site blurb and 300 words of cookie notices
    article = page(DUMPS, "612cd2982662")
    assert "this is my first time with a Clymer manual" in article.text
    assert "maintaining your motorcycle make them worth every penny" in article.text
    assert "cookies" not in article.text
    assert "morebikes.co.uk features the latest" not in article.text


def test_dump_comments_end_the_article() -> None:
    article = page(DUMPS, "2f42ef1d3ea0")  # wired.com
    assert article.title == "The Future of Banking Is \u2026 You're Broke"
    assert article.text.startswith("The latest wave of tech-based financial startups")
    assert "A second problem is more serious." in article.text
    assert "Most Popular" not in article.text


def test_dump_rules_on_a_small_page() -> None:
    menu = "\n".join(f"  \u2022 {item}" for item in ("Home", "World", "Sport", "Culture"))
    prose = (
        "The river rose two metres overnight and the old bridge was closed to traffic for the "
        "first time since it was built, the council said on Tuesday.\n"
    )
    more = (
        "Engineers will inspect the piers when the water falls, which could take a week, and "
        "a ferry will carry people across in the meantime.\n"
    )
    lines = f"{menu}\n\nFlood closes the old bridge\n\n{prose}\n{more}\n{menu}\n".split("\n")
    article = find_article([line.strip() for line in lines], is_noise, is_furniture)
    assert [p.text for p in article] == [prose.strip(), more.strip()]


@pytest.mark.parametrize(
    "heading", ["There are 13 comments", "12 thoughts on \u201cFlood closes the bridge\u201d"]
)
def test_dump_a_counted_comments_heading_ends_the_article_before_what_came_between(
    heading: str,
) -> None:
    # a blog's dump: the article, its share buttons and related posts, then the comments
    # under a heading worded with their count, as blog templates word it
    body = [
        f"The river rose {n} metres overnight and the old bridge was closed to traffic for "
        f"the {n}th time since it was built, the council said on Tuesday, and engineers will "
        "inspect the piers when the water falls, which could take a week or more."
        for n in range(2, 8)
    ]
    share = [f"  \u2022 Click to share on {site} (Opens in new window)" for site in "ABCDEF"]
    related = (
        "Town votes on a new bridge\n\nTown votes on a new bridge\n\nThe council asked the "
        "town whether it wanted a new bridge, and most of those who voted said that it did."
    )
    comments = [
        f"Reader {n} says: I cross that bridge every day to get to work, and the ferry will add "
        f"{n} hours to my journey each way, which nobody at the council has thought about."
        for n in range(2, 8)
    ]
    text = "\n\n".join([*body, *share, "Like this:", related, heading, *comments])
    article = find_article(text.split("\n"), is_noise, is_furniture)
    assert [p.text for p in article] == body


def test_a_text_copy_of_an_article_still_reads_its_header() -> None:
    # the sample: its first line is the title, no run of menus above the body
    article = extract_file(HERE.parent / "clippings" / "000_409f49da4b6764bf.txt")
    assert article.author == "Adriana Nazarko"
    assert article.section == "Security, Asia"


# ---------------------------------------------------------------------------- HTML pages


def test_a_body_split_around_ads_is_read_whole() -> None:
    article = page(PAGES, "2f42ef1d3ea0")  # wired.com: the body in four containers
    assert article.text.startswith("The latest wave of tech-based financial startups")
    for later in (
        "In fact, we can use the evolution of the gig economy as a case study",
        "But there are two problems with this potential disruption.",
        "A second problem is more serious.",
    ):
        assert later in article.text
        assert later in article.markdown
    assert article.text.index("In fact, we can use") > article.text.index("The latest wave")
    assert article.text.endswith("you\u2019re still on your own.")  # not its list of links
    assert "More Great WIRED Stories" not in article.markdown
    assert article.author == "Molly Wood"
    assert article.site == "Wired"
    assert article.published == "2019-11-14T14:00:00+00:00"
    assert (
        article.description == "Our present financial ruin is being turned into a business model."
    )


def test_quoted_social_posts_are_part_of_the_article() -> None:
    article = page(PAGES, "3f65af7b6b98")  # nj.com: tweets in <div class="social-media-embed">
    assert "Yes this is real and yes the state spent nearly half a million dollars" in (
        article.text
    )
    assert "Governor Kristi Noem (@govkristinoem)" in article.text
    assert article.author.startswith("Amy Kuperinsky")
    assert article.description == "This is an actual official slogan for an anti-drug campaign."


# ---------------------------------------------------------------------------- dates


def _dated(json_ld_date: str, meta_date: str = "", visible: str = "") -> Article:
    body = "<p>" + "The ferry timetable changes next month, the operator said today. " * 6
    head = ""
    if json_ld_date:
        head += (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "Ferry timetable", "datePublished": "{json_ld_date}"}}</script>'
        )
    if meta_date:
        head += f'<meta property="article:published_time" content="{meta_date}">'
    html = (
        f"<html><head><title>Ferry timetable</title>{head}</head><body><article>"
        f"<h1>Ferry timetable</h1>{visible}{body}</p></article></body></html>"
    )
    return extract(RawPage(data=html.encode(), source="t.html", format="html"))


@pytest.mark.parametrize(
    ("json_ld", "meta", "visible", "published"),
    [
        ("2021-03-04T10:00:00Z", "2021-03-05", "", "2021-03-04T10:00:00+00:00"),  # trust order
        ("2999-12-31", "2021-03-05", "", "2021-03-05"),  # a future date is a placeholder
        ("0001-01-01T00:00:00Z", "", "", None),  # so is year 1
        ("1970-01-01", "2021-03-05", "", "2021-03-05"),  # and the epoch
        ("1985-06-01", "", "<p>Published 2020-02-03</p>", "2020-02-03"),  # pre-web: htmldate
        ("", "", "<p>Published 2020-02-03</p>", "2020-02-03"),  # none declared: htmldate
    ],
    ids=["trust-order", "future", "year-one", "epoch", "before-the-web", "htmldate"],
)
def test_published_date_is_cross_checked(
    json_ld: str, meta: str, visible: str, published: str | None
) -> None:
    assert _dated(json_ld, meta, visible).published == published
