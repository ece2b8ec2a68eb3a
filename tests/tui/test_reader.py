"""The reader: metadata and article, highlights and n/N, find, open, copy, tags, delete."""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from archive.api import Archive
from archive.models import Article
from archive.store import NotFound
from archive.tui.screens.dialogs import ConfirmScreen, NoteScreen, TagsScreen
from archive.tui.screens.reader import ReaderScreen
from archive.tui.screens.search import SearchScreen
from archive.tui.screens.similar import SimilarScreen
from archive.tui.screens.versions import VersionsScreen
from archive.tui.widgets.article import ArticleView
from archive.tui.widgets.results import ResultList

from .conftest import plain, settle, type_text, wait_until


async def open_clipping(app, pilot, clipping_id: int, query: str = "") -> ReaderScreen:
    await settle(pilot)
    app.open_reader(clipping_id, query)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def header_of(screen: ReaderScreen) -> str:
    return plain(screen.query_one("#article-header", Static))


def article_plain(screen: ReaderScreen) -> str:
    return "\n".join(plain(static) for static in screen.query(Static))


async def test_the_reader_shows_metadata_above_the_clean_article(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1)
        header = plain(screen.query_one("#article-header", Static))
        assert header.startswith("The Dire Necessity of Strategic Concessions")
        assert "By Adriana Nazarko" in header
        assert "Security, Asia" in header
        assert "Saved 2024-05-01" in header
        kinds = {static.classes for static in screen.query(".block")}
        assert any("p" in classes for classes in kinds)
        text = article_plain(screen)
        assert "Looking back at U.S. responses to North Korea" in text
        assert "Subscribe" not in text


async def test_the_reader_says_when_a_clipping_is_the_whole_page(app, tmp_path: Path):
    page = tmp_path / "links.html"
    page.write_text(
        "<html><head><title>Bridge updates</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/news'>News</a></nav>"
        + "".join(f"<p><a href='/b/{n}'>Bridge update number {n}</a></p>" for n in range(6))
        + "<footer>Copyright Riverside Post</footer></body></html>"
    )
    with Archive(app.archive_path) as archive:
        [whole_id] = archive.import_paths([page]).imported
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, whole_id)
        assert "Whole page: no article was found in it" in header_of(screen)
        assert "Bridge update number 5" in article_plain(screen)
        assert "Whole page" not in header_of(await open_clipping(app, pilot, 1))


async def test_the_reader_says_when_the_files_folder_is_kept_with_the_page(app):
    complete = Path(__file__).parent.parent / "fixtures" / "formats" / "complete"
    with Archive(app.archive_path) as archive:
        [page_id] = archive.import_paths([complete]).imported
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, page_id)
        assert "saved with its files folder (3 files)" in header_of(screen)
        assert "files folder" not in header_of(await open_clipping(app, pilot, 1))


async def test_markdown_structure_is_rendered_as_blocks(app):
    async with app.run_test(size=(100, 40)) as pilot:
        with Archive(app.archive_path) as archive:
            clipping = next(
                c
                for c in archive.catalog.iter_all()
                if "\n- " in c.markdown or "\n## " in c.markdown
            )
        screen = await open_clipping(app, pilot, clipping.id)
        classes = {cls for static in screen.query(".block") for cls in static.classes}
        assert classes & {"item", "h2", "h3"}


def longest_clipping(archive_path: Path) -> tuple[int, str]:
    """The id of the longest fixture article, and its most frequent long word."""
    with Archive(archive_path) as archive:
        clipping = max(archive.catalog.iter_all(), key=lambda c: len(c.text))
    words = Counter(w for w in re.findall(r"[a-z]{7,}", clipping.text.lower()))
    return clipping.id, words.most_common(1)[0][0]


async def test_query_terms_are_highlighted_and_n_and_N_step_through_them(app):
    clipping_id, word = longest_clipping(app.archive_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, clipping_id, word)
        article = screen.query_one(ArticleView)
        count = article.match_count
        assert count >= 5
        assert f"{count} matches for {word}" in str(
            screen.query_one("#reader-status", Static).render()
        )
        await pilot.press("n")
        assert article.current_match == 0
        await pilot.press("n", "n")
        assert article.current_match == 2
        await pilot.press("N", "N", "N")
        await pilot.pause()
        assert article.current_match == count - 1  # wraps around
        assert article.scroll_y > 0  # the last match is far down the article


async def test_n_says_so_when_the_query_matched_only_outside_the_text(app):
    # a query that found the clipping by its author: n did nothing, and said nothing
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1, "author:nazarko")
        assert screen.query_one(ArticleView).match_count == 0
        await pilot.press("n")
        status = str(screen.query_one("#reader-status", Static).render())
        assert "no match in the article's text for author:nazarko" in status


async def test_slash_finds_in_the_article_and_escape_closes_the_find(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1, "pressure")
        article = screen.query_one(ArticleView)
        query_matches = article.match_count
        await pilot.press("slash")
        assert screen.find_box.display and screen.find_box.has_focus
        await type_text(pilot, "hanoi")
        assert article.match_count == 1
        await pilot.press("enter")
        assert article.current_match == 0 and article.has_focus
        assert not screen.find_box.display  # put away: the article has the rows again
        status = plain(screen.query_one("#reader-status", Static))
        assert "1 of 1 match for hanoi  (n/N)" in status  # (it said "(?/?)")
        await pilot.press("slash")  # the word found, to edit
        assert screen.find_box.value == "hanoi"
        await pilot.press("escape")
        assert not screen.find_box.display
        assert article.match_count == query_matches
        await pilot.press("slash")
        await type_text(pilot, "zzqx")
        await pilot.press("enter")
        assert screen.find_box.display  # no match: the box stays, to be written again
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


def fake_browser(folder: Path, name: str, monkeypatch) -> Path:
    """A real program as ``$BROWSER``, named ``name``: it writes down what it was asked to
    open, into the file returned."""
    import webbrowser

    opened = folder / f"{name}-opened.txt"
    browser = folder / name
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read $BROWSER
    return opened


async def open_original(app, pilot, clipping_id: int):
    """Open clipping ``clipping_id``, press o, and return the one notification it gives."""
    await open_clipping(app, pilot, clipping_id)
    await pilot.press("o")
    await wait_until(pilot, lambda: app._notifications)
    [note] = list(app._notifications)
    return note


async def test_o_opens_a_copy_of_the_saved_page_in_the_browser(app, tmp_path, monkeypatch):
    opened = fake_browser(tmp_path, "browser.sh", monkeypatch)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 2)
        await pilot.press("o")
        await settle(pilot)
        for _ in range(50):
            if opened.exists():
                break
            await pilot.pause(0.05)
        uri = opened.read_text().strip()
        assert uri.startswith("file://") and uri.endswith(".html")
        copy = Path(uri.removeprefix("file://"))
        with Archive(app.archive_path) as archive:
            assert copy.read_bytes() == archive.original_path(2).read_bytes()
        assert screen.clipping.id == 2


async def test_o_on_a_lost_original_says_how_to_get_it_back(app, tmp_path, monkeypatch):
    fake_browser(tmp_path, "browser.sh", monkeypatch)
    with Archive(app.archive_path) as archive:
        archive.original_path(2).unlink()
    async with app.run_test(size=(100, 40)) as pilot:
        note = await open_original(app, pilot, 2)
        assert note.message.startswith("Can't open the original: clipping 2: its original is")
        assert "missing" in note.message and "clippings import FILE" in note.message
        assert "Errno" not in note.message


async def test_o_on_a_damaged_original_opens_it_and_warns(app, tmp_path, monkeypatch):
    opened = fake_browser(tmp_path, "browser.sh", monkeypatch)
    with Archive(app.archive_path) as archive:
        stored = archive.original_path(2)
        stored.chmod(0o644)
        stored.write_bytes(stored.read_bytes().replace(b"<", b"[", 1))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_clipping(app, pilot, 2)
        await pilot.press("o")
        await wait_until(pilot, lambda: app._notifications and opened.exists())
        [note] = list(app._notifications)
        assert "its stored copy is damaged" in note.message


async def test_o_never_runs_a_text_browser_over_the_app(app, tmp_path, monkeypatch):
    # no desktop: Python's webbrowser picks w3m, which needs the terminal. The app hands the
    # terminal over to it (suspended); where it can't (here, headless), it names the file
    ran = fake_browser(tmp_path, "w3m", monkeypatch)
    async with app.run_test(size=(100, 40)) as pilot:
        note = await open_original(app, pilot, 2)
        assert note.message.startswith("The saved page: ") and note.message.endswith(".html")
        assert not ran.exists()


async def test_y_copies_the_url(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 2)
        await pilot.press("y")
        assert app.clipboard == screen.clipping.url
        assert app.clipboard.startswith("http")


async def test_t_edits_tags_in_the_catalog_and_the_index(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1)
        await pilot.press("t")
        assert isinstance(app.screen, TagsScreen)
        await type_text(pilot, "korea, to-read")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Tags: korea, to-read" in plain(screen.query_one("#article-header", Static))
    with Archive(app.archive_path) as archive:
        assert archive.get(1).tags == ["korea", "to-read"]
        assert [h.clipping.id for h in archive.search("tag:to-read").hits] == [1]


async def test_typing_in_the_tag_box_adds_to_the_tags_there_now(app):
    """``t`` then a word then Enter: one more tag, the others kept (the box came with its
    text selected, and typing replaced every tag), those given elsewhere while the reader
    was open too (``clippings tag``: the box showed the tags as the reader first read them,
    and saving dropped the new one)."""
    with Archive(app.archive_path) as archive:
        archive.set_tags(1, ["korea", "security"])
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1)
        with Archive(app.archive_path) as elsewhere:
            elsewhere.set_tags(1, ["korea", "security", "from-the-cli"])
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "to-read")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    with Archive(app.archive_path) as archive:
        assert archive.get(1).tags == ["from-the-cli", "korea", "security", "to-read"]


async def test_e_writes_the_note_the_header_shows_and_search_finds(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, 1)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        await type_text(pilot, "compare with the 1994 framework")
        await pilot.press("enter")
        await type_text(pilot, "second line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        header = plain(screen.query_one("#article-header", Static))
        assert "Note: compare with the 1994 framework\nsecond line" in header
        await pilot.press("e")  # Escape leaves it as it was
        await settle(pilot)
        await type_text(pilot, " more")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    with Archive(app.archive_path) as archive:
        assert archive.get(1).note == "compare with the 1994 framework\nsecond line"
        assert [h.clipping.id for h in archive.search("note:framework").hits] == [1]


async def test_d_deletes_only_after_confirmation(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await open_clipping(app, pilot, 2)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("d")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert 2 not in [h.clipping.id for h in app.screen.query_one(ResultList).hits]
    with Archive(app.archive_path) as archive, pytest.raises(NotFound):
        archive.get(2)


async def test_a_long_article_scrolls_with_the_keys(app):
    clipping_id, _ = longest_clipping(app.archive_path)
    async with app.run_test(size=(100, 20)) as pilot:
        screen = await open_clipping(app, pilot, clipping_id)
        article = screen.query_one(ArticleView)
        await pilot.press("space")
        await pilot.pause()
        after_space = article.scroll_y
        assert after_space > 0
        await pilot.press("down")
        await pilot.pause(0.3)
        assert article.scroll_y > after_space
        await pilot.press("pageup")
        await pilot.pause(0.3)
        assert article.scroll_y < after_space
        await pilot.press("end")
        await pilot.pause(0.3)
        assert article.scroll_y == article.max_scroll_y


def test_no_browser_program_is_needed_to_run_the_tests():
    assert "BROWSER" not in os.environ or os.environ["BROWSER"]


async def test_m_lists_more_like_this_and_enter_reads_the_one_chosen(app):
    async with app.run_test(size=(100, 40)) as pilot:
        reader = await open_clipping(app, pilot, 1)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SimilarScreen)
        options = screen.query_one(OptionList)
        assert options.option_count >= 1
        chosen = int(options.get_option_at_index(0).id)
        assert chosen != 1
        with Archive(app.archive_path) as archive:
            assert chosen == archive.similar(1)[0].clipping.id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and app.screen.clipping_id == chosen
        await pilot.press("escape")  # back to the clipping it was like
        await settle(pilot)
        assert app.screen is reader


async def test_a_book_length_article_opens_in_runs_and_n_reaches_its_end(app):
    """An article of 5,000 paragraphs (a book, a long thread): past the first
    ``STYLED_BLOCKS`` its blocks are shown in runs (a widget per block made it take seconds
    to open, keys unread), and the highlights of the query reach the last paragraph."""
    from archive.tui.widgets.article import RUN_BLOCKS, STYLED_BLOCKS

    paragraphs = [
        f"Paragraph {n} of the long saved thread, about harbour works." for n in range(5000)
    ]
    paragraphs[4990] = "The very last mention of the zeppelin lies here."
    with Archive.open(app.archive_path) as archive:
        article = Article(
            **{name: getattr(archive.get(1), name) for name in Article.__dataclass_fields__}
        )
        article.markdown = article.text = "\n\n".join(paragraphs)
        with archive.catalog.transaction():
            archive.catalog.update_article(1, article)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_clipping(app, pilot, 1, "zeppelin")
        blocks = screen.query(".block")
        assert len(blocks) <= STYLED_BLOCKS + 5000 // RUN_BLOCKS + 2
        assert any("run" in block.classes for block in blocks)
        view = screen.query_one(ArticleView)
        assert view.match_count == 1
        await pilot.press("n")
        await pilot.pause()
        assert view.scroll_y > view.max_scroll_y * 0.9
        assert "1 of 1 match" in plain(screen.query_one("#reader-status", Static))


async def test_the_reader_says_which_save_of_its_page_it_is(app, tmp_path: Path):
    url = "https://news.example.org/2019/07/31/harbour"
    pages = []
    for name, date, words in (
        ("a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition."),
        ("b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update."),
    ):
        page = tmp_path / name
        page.write_text(
            f"<!--\n Page saved with SingleFile \n url: {url} \n saved date: {date}\n-->"
            "<html><head><title>Harbour cranes return</title></head><body><article>"
            + "".join(f"<p>{words} The cranes are back, sentence {n}.</p>" for n in range(5))
            + "</article></body></html>",
            encoding="utf-8",
        )
        pages.append(page)
    with Archive.open(app.archive_path) as archive:
        [old_id] = archive.import_paths([pages[0]]).imported
        [new_id] = archive.import_paths([pages[1]]).imported
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_clipping(app, pilot, new_id)
        header = plain(screen.query_one("#article-header", Static))
        assert f"Saved before as #{old_id}" in header
        await pilot.press("v")  # the saves of the page: Enter reads the older one
        await settle(pilot)
        assert isinstance(app.screen, VersionsScreen)
        listed = app.screen.query_one(OptionList)
        assert [listed.get_option_at_index(i).id for i in range(2)] == [str(new_id), str(old_id)]
        await pilot.press("down", "enter")
        await settle(pilot)
        older = app.screen
        assert isinstance(older, ReaderScreen) and older.clipping.id == old_id
        header = plain(older.query_one("#article-header", Static))
        assert f"Another save of this page: #{new_id} is the one listed" in header
        assert "Morning edition" in article_plain(older)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


@pytest.mark.parametrize("width", [60, 80, 100, 200])
async def test_the_footer_shows_whole_keys_and_always_help(app, width: int):
    """Textual's footer cut its row at the edge, mid-word ("^o Impor" at 80 columns): the
    keys that do not fit whole are left out, from the end, and Help is always there."""
    async with app.run_test(size=(width, 30)) as pilot:
        for screen in (app.screen, await open_clipping(app, pilot, 1)):
            await settle(pilot)
            keys = list(screen.query("FooterKey"))
            [palette] = [key for key in keys if key.has_class("-command-palette")]
            shown = [key for key in keys if key.display and key is not palette]
            assert "help" in {key.action for key in shown}
            assert all(key.region.right <= palette.region.x for key in shown)
            if width >= 200:  # room for them all
                assert len(shown) == len(keys) - 1
