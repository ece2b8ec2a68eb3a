"""No real page is refused: pages written as XHTML (an XML prolog, an ``xmlns``), a page of one
huge ``<div>``, and a page whose article can't be found are all kept. The last is kept with its
whole visible text, marked in the catalog as a whole page, said so by ``show``, ``--json``,
exports and the reader, and found by search. Only what is not a page fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.extract import extract
from archive.models import WHOLE_PAGE, ExtractionError, RawPage

STORY = "".join(
    f"<p>Paragraph {n}: the council voted on Tuesday to rebuild the old stone bridge over the "
    "river before the winter floods, after engineers found cracks in two of its piers.</p>"
    for n in range(1, 9)
)
XHTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">'
    "<head><title>Council votes to rebuild the bridge | Riverside Post</title>"
    '<meta property="og:site_name" content="Riverside Post"/></head>'
    f'<body><div id="story">{STORY}</div></body></html>'
)
XMLNS = (
    '<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" '
    'xmlns:fb="http://ogp.me/ns/fb#" xmlns:og="http://opengraphprotocol.org/schema/">'
    '<head><meta property="og:title" content="Council votes to rebuild the bridge"/>'
    "<title>Council votes to rebuild the bridge</title></head>"
    f"<body><fb:like></fb:like><article>{STORY}</article></body></html>"
)
ONE_DIV = (
    "<html><head><title>Notes on the bridge</title></head><body><div>"
    + " ".join(f"Note {n}: the piers were inspected again; the cracks held." for n in range(4000))
    + "</div></body></html>"
)
# no article: a page of links, a search form and a short notice, the notice inside a <header>
LINKS_ONLY = (
    "<html><head><title>Riverside Post: bridge updates</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<form><input name='q'><button>Search</button></form>"
    "<header><p>Bridge closure notice</p></header>"
    "<ul>"
    + "".join(f"<li><a href='/b/{n}'>Bridge update number {n}</a></li>" for n in range(6))
    + "</ul><script>var tracker = 'not text';</script>"
    "<footer>Copyright Riverside Post</footer></body></html>"
)
TITLE_ONLY = (
    "<html><head><title>Nothing here yet</title>"
    '<meta name="description" content="A page that draws itself with scripts."></head>'
    "<body><div>  </div><script>document.write('x')</script></body></html>"
)


def html_page(html: str) -> object:
    return extract(RawPage(data=html.encode(), source="page.html", format="html"))


@pytest.mark.parametrize("html", [XHTML, XMLNS], ids=["xml-prolog-doctype", "xmlns"])
def test_xhtml_pages_are_read_as_articles(html: str) -> None:
    article = html_page(html)
    assert article.title == "Council votes to rebuild the bridge"
    assert "engineers found cracks in two of its piers" in article.text
    assert article.text.count("Paragraph") == 8
    assert not article.whole_page
    assert article.language == "en"


def test_xhtml_read_by_an_xml_parser_still_gives_its_text() -> None:
    # a tree whose tags carry the XHTML namespace ({http://www.w3.org/1999/xhtml}p): the
    # walk that reads a page without an article knows its elements by their local names
    from lxml import etree

    from archive.extract.walk import text_blocks

    tree = etree.fromstring(XHTML.encode())
    blocks = text_blocks(tree)
    assert sum("bridge" in text for _, text in blocks) >= 8


def test_a_page_of_one_huge_div_keeps_all_its_text() -> None:
    article = html_page(ONE_DIV)
    assert article.text.count("Note ") == 4000
    assert "Note 3999: the piers were inspected again" in article.text
    assert article.title == "Notes on the bridge"


def test_a_page_without_an_article_is_kept_whole_without_menus_or_scripts() -> None:
    article = html_page(LINKS_ONLY)
    assert article.whole_page
    assert article.title == "Riverside Post: bridge updates"
    for kept in ("Bridge update number 0", "Bridge update number 5"):
        assert kept in article.text
    for left_out in ("not text", "tracker", "Search"):
        assert left_out not in article.text


def test_a_long_footer_does_not_hide_a_page_without_an_article() -> None:
    # the copyright line is a sentence or two, and trafilatura leaves the footer out: the
    # menus in its text still tell the page as it is; "© 2024" is not its date either
    page = LINKS_ONLY.replace(
        "<footer>Copyright Riverside Post</footer>",
        "<footer>&copy; 2024 County Roads Department. All rights reserved. Terms apply.</footer>",
    )
    article = html_page(page)
    assert article.whole_page
    assert "Bridge update number 5" in article.text
    assert "Search" not in article.text and "Home" not in article.text
    assert article.published is None


def test_a_page_with_a_title_but_no_text_is_kept_by_its_title() -> None:
    article = html_page(TITLE_ONLY)
    assert article.whole_page
    assert article.title == "Nothing here yet"
    assert "draws itself with scripts" in article.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary data, not a saved page (PNG image)"),
        (b"<html><head></head><body><div></div></body></html>", "no text found in the page"),
    ],
    ids=["empty", "image", "markup-only"],
)
def test_only_what_is_not_a_page_fails(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(RawPage(data=data, source="bad.html", format="html"))
    assert str(info.value) == reason


def test_a_whole_page_is_marked_in_the_catalog_shown_and_searchable(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "links.html").write_text(LINKS_ONLY)
    (saved / "story.html").write_text(XHTML)
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        report = archive.import_paths(sorted(saved.iterdir()))
        assert not report.failed
        by_source = {Path(archive.get(i).source).name: archive.get(i) for i in report.imported}
        assert by_source["links.html"].whole_page
        assert not by_source["story.html"].whole_page
        whole_id = by_source["links.html"].id
        hits = archive.search("bridge update number").hits
        assert [hit.clipping.id for hit in hits][:1] == [whole_id]
        row = archive.catalog.db.execute(
            "SELECT whole_page FROM clippings WHERE id = ?", (whole_id,)
        ).fetchone()
        assert row[0] == 1

    runner = CliRunner()
    shown = runner.invoke(cli, ["--archive", str(folder), "show", str(whole_id)])
    assert shown.exit_code == 0
    assert WHOLE_PAGE in shown.output
    as_json = runner.invoke(cli, ["--archive", str(folder), "show", str(whole_id), "--json"])
    assert json.loads(as_json.output)["whole_page"] is True
    story = runner.invoke(
        cli, ["--archive", str(folder), "show", str(by_source["story.html"].id), "--json"]
    )
    assert json.loads(story.output)["whole_page"] is False
    assert (
        WHOLE_PAGE
        not in runner.invoke(
            cli, ["--archive", str(folder), "show", str(by_source["story.html"].id)]
        ).output
    )


def test_extract_json_says_whole_page(tmp_path: Path) -> None:
    page = tmp_path / "links.html"
    page.write_text(LINKS_ONLY)
    result = CliRunner().invoke(cli, ["extract", "--json", str(page)])
    assert result.exit_code == 0
    assert json.loads(result.output)["whole_page"] is True


def test_an_archive_from_before_the_new_columns_opens_and_reads(tmp_path: Path) -> None:
    """An archive made before ``titles`` and ``whole_page``: read as it is through a read-only
    catalog (no upgrade), then brought up to date when opened to write."""
    import sqlite3

    from archive.store import Catalog

    folder = tmp_path / "archive"
    with Archive.open(folder):
        pass  # the sample is clipping 1
    db = sqlite3.connect(folder / "catalog.sqlite3")
    db.execute("ALTER TABLE clippings DROP COLUMN titles")
    db.execute("ALTER TABLE clippings DROP COLUMN whole_page")
    db.commit()
    db.close()
    old = Catalog(folder / "catalog.sqlite3", read_only=True)
    try:
        [sample] = list(old.iter_all())
        assert sample.titles == [] and sample.whole_page is False
    finally:
        old.close()
    with Archive.open(folder) as archive:
        assert archive.get(1).whole_page is False
        columns = {row[1] for row in archive.catalog.db.execute("PRAGMA table_info(clippings)")}
        assert {"titles", "whole_page"} <= columns
