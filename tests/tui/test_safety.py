"""Page text is shown inertly: markup stays literal, escapes never reach the terminal.

The first tests use the shared template archive; the others an archive of ``tests/hostile.py``
pages (escapes and markup in every field, and in file names) plus a clipping whose fields were
written straight into the catalog, and check every byte Textual would write to the terminal
for the search screen, its side panel, the reader and its dialogs, and the import dialog.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Input, Static

from archive.api import Archive
from archive.render import safe_name
from archive.tui import create_app
from archive.tui.screens.dialogs import ConfirmScreen, TagsScreen
from archive.tui.screens.import_dialog import ImportScreen
from archive.tui.screens.similar import SimilarScreen
from archive.tui.widgets.facets import FacetPanel
from archive.tui.widgets.path_input import PathInput
from archive.tui.widgets.results import ResultList

from ..hostile import (
    MARKUP,
    PAGE_FILE,
    assert_inert,
    hostile_file_name,
    write_hostile_values,
    write_saved_pages,
)
from .conftest import plain, search_for, settle, type_text, wait_until


def rendered_lines(widget) -> list[str]:
    """The characters a widget sends to the terminal, line by line."""
    return [
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.content_region.height)
    ]


async def test_hostile_titles_and_snippets_are_plain_text_in_the_list(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "gardens compost")
        results = app.screen.query_one(ResultList)
        hit = next(h for h in results.hits if "Markup" in h.clipping.title)
        prompt = results.get_option(str(hit.clipping.id)).prompt
        assert "[bold red]Markup[/bold red] title" in prompt.plain
        assert_inert(prompt.plain)
        screen_text = "\n".join(rendered_lines(results))
        assert "[bold red]Markup[/bold red]" in screen_text
        assert_inert(screen_text)


async def test_hostile_article_is_shown_inertly_in_the_reader(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "gardens compost")
        hit = next(h for h in app.screen.query_one(ResultList).hits if "Markup" in h.clipping.title)
        app.open_reader(hit.clipping.id, "gardens")
        await settle(pilot)
        texts = [plain(static) for static in app.screen.query(Static)]
        joined = "\n".join(texts)
        assert "[bold red]Markup[/bold red] title" in joined
        assert "[bold]bold[/bold]" in joined
        assert "[@click=app.quit]quit[/]" in joined
        assert "[on red]markup[/]" in joined
        assert_inert(joined.replace("\n", " "))
        for static in app.screen.query(Static):
            assert_inert("".join(rendered_lines(static)))
        assert app.is_running  # the [@click=app.quit] was not an action


# -- an archive of hostile pages, every byte Textual writes checked ---------------------------


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile pages imported, and the sample (#1) overwritten with raw hostile values."""
    root = tmp_path_factory.mktemp("hostile-tui")
    write_saved_pages(root / "saved")
    folder = root / "archive"
    with Archive.open(folder) as archive:
        archive.import_paths([root / "saved" / PAGE_FILE], jobs=1)
        write_hostile_values(archive, 1)
    return folder


@pytest.fixture
def hostile_app(hostile_template: Path, tmp_path: Path) -> App[None]:
    folder = tmp_path / "archive"
    shutil.copytree(hostile_template, folder)
    return create_app(folder)


BODY = MARKUP["body"].split(" and ")[0]  # (the reader wraps lines: the first part fits)

# Textual's own sequences: cursor moves to the start of each line, and SGR styles
TEXTUAL_SEQUENCES = re.compile(r"\x1b\[\d+;\d+H|\x1b\[[0-9;]*m")


def terminal_text(app: App[None]) -> str:
    """What Textual writes to the terminal to paint the whole screen (the screens below a
    dialog too), its own cursor moves and styles taken out: must be nothing but text."""
    console = Console(
        file=io.StringIO(),
        width=app.size.width,
        height=app.size.height,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    # (the compositor's full update is exactly what the driver writes on a full repaint)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    written = update.render_segments(console)
    assert "\x1b[" in written  # styled, as on a terminal
    text = TEXTUAL_SEQUENCES.sub("", written)
    assert_inert(text.replace("\n", ""))
    return text


async def test_hostile_results_side_panel_and_facet_filter(hostile_app: App[None]) -> None:
    async with hostile_app.run_test(size=(180, 50)) as pilot:
        await search_for(pilot, "gardens")
        assert len(hostile_app.screen.query_one(ResultList).hits) == 2
        await pilot.press("ctrl+f")
        await settle(pilot)
        text = terminal_text(hostile_app)
        for field in ("title", "author", "site", "tag"):
            assert MARKUP[field] in text, field
        assert "│ link [bold]my[/bold… ?" in text  # a saved search's raw name (cut short)
        assert "[red]tag[/" in text.split("│ Tag")[1]  # the tag facet, as text (cut short)
        panel = hostile_app.screen.query_one(FacetPanel)
        options = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        site = next(i for i, o in enumerate(options) if "Hostile" in (o.id or ""))
        panel.focus()
        panel.highlighted = site
        await pilot.press("enter")
        await settle(pilot)
        query = hostile_app.screen.query_one(Input).value
        assert_inert(query)
        assert "[reverse]Hostile[/reverse] Times" in query
        terminal_text(hostile_app)
        assert hostile_app.is_running


async def test_hostile_reader_and_its_dialogs(hostile_app: App[None]) -> None:
    async with hostile_app.run_test(size=(180, 50)) as pilot:
        await settle(pilot)
        hostile_app.open_reader(1, "gardens")
        await settle(pilot)
        text = terminal_text(hostile_app)
        for field in ("title", "author", "site", "section", "url", "tag", "description"):
            assert MARKUP[field] in text, field
        assert BODY in text
        assert "Published 2024-01-02" in text
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(hostile_app.screen, TagsScreen)
        tags = hostile_app.screen.query_one(Input).value
        assert_inert(tags)
        assert MARKUP["tag"] in tags
        terminal_text(hostile_app)
        await pilot.press("escape")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(hostile_app.screen, SimilarScreen)
        assert MARKUP["title"] in terminal_text(hostile_app)
        await pilot.press("escape")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(hostile_app.screen, ConfirmScreen)
        assert MARKUP["title"] in terminal_text(hostile_app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")  # copies the URL: the cleaned one
        await settle(pilot)
        assert_inert(hostile_app.clipboard)
        assert MARKUP["url"] in hostile_app.clipboard
        assert hostile_app.is_running  # no [@click=app.quit] was acted on


async def test_hostile_page_in_the_reader(hostile_app: App[None]) -> None:
    async with hostile_app.run_test(size=(180, 50)) as pilot:
        await search_for(pilot, "compost")
        [page] = [
            h.clipping.id
            for h in hostile_app.screen.query_one(ResultList).hits
            if h.clipping.id != 1
        ]
        hostile_app.open_reader(page, "compost")
        await settle(pilot)
        text = terminal_text(hostile_app)
        for field in ("title", "site", "section", "description"):
            assert MARKUP[field] in text, field
        assert BODY in text
        await pilot.press("slash")
        await type_text(pilot, "gardens")
        await pilot.press("enter")
        await settle(pilot)
        terminal_text(hostile_app)


async def test_hostile_file_names_in_the_import_dialog(
    hostile_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "saved"
    write_saved_pages(saved)
    monkeypatch.chdir(tmp_path)
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(180, 50)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ImportScreen)
        app.start_import([saved])
        await settle(pilot)
        assert (app.import_state.imported, app.import_state.failed) == (3, 2)
        failures = plain(app.screen.query_one("#import-failures", Static))
        assert_inert(failures)
        assert f"{safe_name(hostile_file_name('.html'))}: binary data" in failures
        assert "empty latin1 \\x9b2J \\xe9t\\xe9.html: empty file" in failures
        terminal_text(app)


async def test_file_names_with_escapes_stay_text_in_the_import_dialog(tmp_path: Path) -> None:
    """A saved file whose name holds an escape sequence (``empty\\x1b]0;pwn\\x07.html``): the
    tree shows its name cleaned, Tab never completes into it, and picked in the tree it is
    shown cleaned while the import gets the file itself."""
    folder = tmp_path / "evil"
    folder.mkdir()
    name = "page\x1b]0;pwn\x07\x1b[31m.html"
    (folder / name).write_text(
        "<html><head><title>Quince</title></head><body><article><p>"
        + "Quince jelly sets when the fruit is slightly under-ripe, the cook said. " * 5
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.push_screen(ImportScreen(folder))
        await settle(pilot)
        box = app.screen.query_one(PathInput)
        await type_text(pilot, "pa")
        await pilot.press("tab")
        await settle(pilot)
        assert_inert(box.value)
        terminal_text(app)  # the tree's rows, the box: text only
        box.value = ""
        tree = app.screen.query_one("#import-tree")
        tree.focus()
        await settle(pilot)
        await wait_until(pilot, lambda: tree.root.children)  # (loaded by a worker of its own)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert_inert(box.value) and box.value.endswith(".html")
        assert box.path == folder / name
        terminal_text(app)
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.import_state.imported == 1
