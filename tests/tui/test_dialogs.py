"""Import from the TUI, the help screen, the command palette, key remapping."""

from __future__ import annotations

import os
import shutil
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.widgets import Button, Input, ProgressBar, Static

from archive.api import Archive
from archive.tui import create_app
from archive.tui.messages import ImportState
from archive.tui.screens.help import HelpScreen
from archive.tui.screens.import_dialog import ImportScreen
from archive.tui.screens.search import QueryInput, SearchScreen
from archive.tui.widgets.path_input import PathInput, PathSuggester, typed_path
from archive.tui.widgets.results import ResultList

from ..conftest import PAGES
from .conftest import plain, settle, type_text, wait_until


def saved_pages(tmp_path: Path) -> Path:
    """Six real pages, a broken one and a non-page, in a folder to import."""
    folder = tmp_path / "Downloads"
    shutil.copytree(PAGES, folder)
    (folder / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "style.css").write_text("body { color: red }")
    return folder


async def test_import_runs_in_the_background_and_lists_failures(tmp_path, monkeypatch):
    folder = saved_pages(tmp_path)
    monkeypatch.chdir(tmp_path)
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        box = screen.query_one(PathInput)
        assert box.has_focus and box.value == f"{tmp_path}/"
        await type_text(pilot, "Down")
        await pilot.press("tab")  # completes the folder name
        assert box.value == f"{folder}/"
        await pilot.press("enter")
        await settle(pilot)
        state = app.import_state
        assert not state.running
        assert (state.imported, state.failed, state.skipped) == (6, 1, 1)
        status = plain(screen.query_one("#import-status", Static))
        assert "6 imported" in status and "1 failed" in status
        failures = plain(screen.query_one("#import-failures", Static))
        assert "broken.html" in failures and "image" in failures.lower()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert len(app.screen.query_one(ResultList).hits) == 7
    with Archive(tmp_path / "archive") as archive:
        assert len(archive) == 7


async def test_a_second_import_starts_from_an_empty_bar(tmp_path):
    """The last import's full bar stood beside "Looking for saved pages…" as the next began."""
    folder = saved_pages(tmp_path)
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.start_import([folder])
        await pilot.press("ctrl+o")
        await settle(pilot)
        bar = app.screen.query_one("#import-progress", ProgressBar)
        assert bar.total == 8 and bar.progress == 8
        app.import_state = ImportState(running=True)  # the next import, looking for pages
        await pilot.pause()
        assert bar.display and bar.total is None and bar.progress == 0


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_in_a_small_terminal_every_failure_and_close_are_in_reach(tmp_path, size):
    """At 80x24 the second failure was cut off with no way to scroll, and Close was hidden."""
    folder = saved_pages(tmp_path)
    for number in range(12):
        (folder / f"broken-{number:02}.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.start_import([folder])
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen) and app.import_state.failed == 13
        close = screen.query_one("#import-close", Button)
        assert screen.region.contains_region(close.region) and close.region.height == 3
        box = screen.query_one("#import-failures-box")
        assert box.region.height >= 2 and screen.region.contains_region(box.region)
        assert box.allow_vertical_scroll and box.can_focus  # the rest in reach: it scrolls
        assert "broken-11.html" in plain(screen.query_one("#import-failures", Static))


async def test_the_summary_tells_duplicates_new_saves_and_an_empty_folder(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    page = sorted(PAGES.glob("*.html"))[0]
    for copy in range(3):
        shutil.copy(page, folder / f"copy-{copy}.html")
    (tmp_path / "empty").mkdir()
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        screen = app.screen
        for path, expected in (
            (folder, "1 imported · 2 duplicates (the same file twice)"),
            (folder, "3 already there"),
            (tmp_path / "empty", "no files found there to import"),
        ):
            app.start_import([path])
            await settle(pilot)
            assert expected in plain(screen.query_one("#import-status", Static)), path


async def test_searching_goes_on_while_an_import_runs(tmp_path, monkeypatch):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(150):
        (folder / f"note-{number:03}.txt").write_text(
            f"Field note {number}\n\nCompost and tomatoes, note {number}, from the garden.\n"
        )
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.start_import([folder])
        await pilot.pause(0.05)
        searched_while_running = 0
        for word in ["nuclear", "korea", "pressure"]:
            app.screen.query_one(QueryInput).value = word
            for _ in range(40):
                await pilot.pause(0.01)
                if app.screen._on_screen == app.screen._latest:
                    break
            if app.import_state.running and app.screen.result_total >= 1:
                searched_while_running += 1
        assert searched_while_running >= 1, "no search finished while the import ran"
        await settle(pilot)
        assert app.import_state.imported == 150


async def test_quitting_while_an_import_runs_asks_first(tmp_path):
    # Ctrl+Q stopped an import at once, silently (a helper's trial): now it asks
    from archive.tui.screens.dialogs import ConfirmScreen

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(300):
        note = f"Field note {number}\n\nCompost, {number}.\n"
        (folder / f"note-{number:03}.txt").write_text(note)
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.start_import([folder])
        await wait_until(pilot, lambda: app._import_job is not None)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # stay: the import goes on
        assert not isinstance(app.screen, ConfirmScreen) and app.is_running
        await settle(pilot)
        assert app.import_state.imported == 300
        await pilot.press("ctrl+q")  # none running: quits at once
    assert not app.is_running


async def test_the_path_box_completes_names():
    suggester = PathSuggester()
    root = str(PAGES.parent)
    assert await suggester.get_suggestion(root + "/pa") == root + "/pages/"
    assert await suggester.get_suggestion(root + "/nothing-like-this") is None
    # a folder typed whole is what Enter imports: none of its files is offered after it
    assert await suggester.get_suggestion(root + "/pages/") is None


async def test_help_lists_the_keys_with_their_ids_and_the_query_language(app):
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")  # the query box is empty: ? opens the help
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-body", Static))
        for word in [
            "search.sort",
            "app.import",
            "date:2019-01..2019-06",
            '"maximum pressure"',
            "reader.next_match (n)",  # another screen's, for keymap.toml
        ]:
            assert word in text
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "wh?t")  # in a query, ? is typed (a wildcard)
        assert app.screen.query_one(QueryInput).value == "wh?t"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_the_command_palette_offers_every_action(app):
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Sort", "Filters", "Import", "Help", "Open", "Clear", "Theme"} <= titles
        app.open_reader(1)
        await settle(pilot)
        listed = [command.title for command in app.get_system_commands(app.screen)]
        expected = {"Next", "Find", "Browser", "Copy URL", "Tags", "Note", "Similar", "Delete"}
        assert expected | {"Back"} <= set(listed)
        assert listed.count("Help") == 1  # ("?" and F1: one entry)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Sort")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.browse_sort == "newest"  # no query: recently saved, then newest


def app_with_keymap(archive_path: Path, keymap: str, tmp_path: Path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "keymap.toml").write_text(keymap)
    monkeypatch.setenv("CLIPPINGS_CONFIG", str(config))
    return create_app(archive_path)


async def test_keys_can_be_remapped_by_binding_id(archive_path, tmp_path, monkeypatch):
    keymap = '[keymap]\n"search.sort" = "f5"\n'
    app = app_with_keymap(archive_path, keymap, tmp_path, monkeypatch)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen.browse_sort == "newest"  # no query: recently saved, then newest


async def test_a_broken_keymap_file_is_reported_not_fatal(archive_path, tmp_path, monkeypatch):
    app = app_with_keymap(archive_path, "[keymap\n", tmp_path, monkeypatch)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        assert any("Key remapping ignored" in n.message for n in app._notifications)
        assert isinstance(app.screen, SearchScreen)


async def test_the_reader_names_the_keys_as_remapped(archive_path, tmp_path, monkeypatch):
    keymap = '[keymap]\n"reader.next_match" = "j"\n'
    app = app_with_keymap(archive_path, keymap, tmp_path, monkeypatch)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        app.open_reader(1, "korea")
        await settle(pilot)
        status = plain(app.screen.query_one("#reader-status", Static))
        assert "matches for korea  (j/N)" in status


async def test_an_app_key_given_a_screens_key_is_told_and_left_out(
    archive_path, tmp_path, monkeypatch
):
    # the app's bindings work on every screen: Ctrl+F for quit would hide the side panel
    app = app_with_keymap(archive_path, '[keymap]\n"app.quit" = "ctrl+f"\n', tmp_path, monkeypatch)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert told.count("keymap.toml: 'ctrl+f' is both 'app.quit' and 'search.facets'") == 1
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.is_running and app.screen.facets.display


async def test_keymap_mistakes_are_told(archive_path, tmp_path, monkeypatch):
    # an id no binding has, and a key a remapping gives two bindings of one screen
    keymap = (
        '[keymap]\n"nope.thing" = "x"\n"reader.tags" = "n"\n"search.sort" = "f5"\n'
        '"reader.find" = "blorp+q"\n"search.save" = "5"\n"search.filters" = "f6"\n'
    )
    app = app_with_keymap(archive_path, keymap, tmp_path, monkeypatch)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert "keymap.toml: no binding 'nope.thing'" in told
        # a mistyped id is told with the one meant: by its footer label, else the closest
        assert "keymap.toml: no binding 'search.filters' (did you mean 'search.facets'?)" in told
        assert "keymap.toml: 'n' is both 'reader.next_match' and 'reader.tags'" in told
        assert "keymap.toml: no key 'blorp+q' (for 'reader.find')" in told
        assert not any("search.sort" in message for message in told)
        # (a key the query box takes as text never reaches the binding)
        assert any("'5' (for 'search.save') would be typed" in m for m in told)
        # an entry that is wrong is left out: its binding keeps its own key
        app.open_reader(1, "korea")
        await settle(pilot)
        await pilot.press("slash")  # reader.find, whose "blorp+q" was refused
        await settle(pilot)
        assert app.screen.query_one("#find", Input).has_focus


def test_a_path_typed_after_the_prefilled_folder_stands_on_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert typed_path("/cwd//home/me/Saved", "/cwd/") == Path("/home/me/Saved")
    assert typed_path("/cwd/~/Saved", "/cwd/") == tmp_path / "me" / "Saved"
    assert typed_path("/cwd/~", "/cwd/") == tmp_path / "me"
    assert typed_path("~/Saved") == tmp_path / "me" / "Saved"
    assert typed_path("/cwd/Saved/", "/cwd/") == Path("/cwd/Saved")
    assert typed_path("/cwd/~backup", "/cwd/") == Path("/cwd/~backup")  # a name, not a home
    assert typed_path("/elsewhere//x", "/cwd/") == Path("/elsewhere/x")


@asynccontextmanager
async def import_dialog(archive_path: Path, cwd: Path):
    """The app started in ``cwd``, its import dialog open: the app, the pilot and the box."""
    cwd.mkdir(exist_ok=True)
    os.chdir(cwd)
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        yield app, pilot, app.screen.query_one(PathInput)


@asynccontextmanager
async def import_typed(archive_path: Path, cwd: Path, typed: str, *, tab: bool = False):
    """The import dialog opened in ``cwd``, ``typed`` typed after what it holds, Enter: the app
    (its import done) and the dialog."""
    async with import_dialog(archive_path, cwd) as (app, pilot, box):
        screen = app.screen
        assert box.value == f"{cwd}/"
        box.insert_text_at_cursor(typed[:-4])  # (as if pasted: Pilot types 20 keys a second)
        await type_text(pilot, typed[-4:])
        if tab:
            await pilot.press("tab")
        await pilot.press("enter")
        await settle(pilot)
        yield app, screen


async def test_an_absolute_path_typed_into_the_import_dialog_replaces_the_folder(
    archive_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "Saved"
    folder.mkdir()
    (folder / "note.txt").write_text("Quince jelly\n\nA note about quince jelly.\n")
    async with import_dialog(archive_path, tmp_path / "cwd") as (app, pilot, box):
        await type_text(pilot, "/")  # a path of its own begun: the box shows it alone
        assert box.value == "/"
        box.insert_text_at_cursor(str(folder)[1:-2])
        await type_text(pilot, str(folder)[-2:])
        await pilot.press("tab")
        assert box.value == f"{folder}/"
    async with import_typed(archive_path, tmp_path / "cwd", str(folder)) as (app, _):
        assert (app.import_state.imported, app.import_state.failed) == (1, 0)


async def test_a_home_path_typed_into_the_import_dialog_is_expanded_and_completed(
    archive_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "me"
    (home / "Saved pages").mkdir(parents=True)
    (home / "Saved pages" / "note.txt").write_text("Quince jelly\n\nA note about quince.\n")
    monkeypatch.setenv("HOME", str(home))
    cwd = tmp_path / "cwd"
    async with import_typed(archive_path, cwd, "~/Sav", tab=True) as (app, screen):
        assert screen.query_one(PathInput).value == "~/Saved pages/"  # (the folder replaced)
        assert (app.import_state.imported, app.import_state.failed) == (1, 0)


async def test_a_missing_path_typed_into_the_import_dialog_is_named_as_typed(
    archive_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no" / "such" / "pages"
    async with import_typed(archive_path, tmp_path / "cwd", str(missing)) as (app, screen):
        [failure] = app.import_state.report.failed
        assert failure.source == str(missing) and failure.reason == "no such file or folder"
        failures = plain(screen.query_one("#import-failures", Static))
        assert f"{missing}: no such file or folder" in failures


async def test_tab_completes_what_names_share_and_stays_where_they_part(
    archive_path, tmp_path, monkeypatch
):
    """``dl`` beside ``dl2``: Tab stays in the box and lists them (it moved on to the Import
    button, and the "2" typed next was lost: the wrong folder was imported)."""
    for name in ("dl", "dl2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(f"Quince {name}\n\nA note about quince.\n")
    (tmp_path / "reports-2020").mkdir()
    (tmp_path / "reports-2021").mkdir()
    monkeypatch.chdir(tmp_path)  # (put back after the test)
    async with import_dialog(archive_path, tmp_path) as (app, pilot, box):
        await type_text(pilot, "rep")
        await pilot.press("tab")
        assert box.value == f"{tmp_path}/reports-202"  # as far as they agree, and which
        assert any("reports-2020, reports-2021" in n.message for n in app._notifications)
        box.value = f"{tmp_path}/dl"
        await pilot.press("tab")
        assert box.has_focus and box.value == f"{tmp_path}/dl"
        await type_text(pilot, "2")
        await pilot.press("tab")
        assert box.value == f"{tmp_path}/dl2/"
        await pilot.press("enter")
        await settle(pilot)
        assert app.import_state.imported == 1
        assert app.import_state.report.imported
    with Archive(archive_path) as archive:
        assert any(c.title == "Quince dl2" for c in archive.clippings())


async def test_the_tree_follows_a_folder_typed_and_enter_on_the_picked_file_imports_it(
    archive_path, tmp_path, monkeypatch
):
    """The tree opens on the folder the app started in; a folder typed elsewhere (ending with
    "/") becomes its root, and Enter on the file picked in it imports that file (it picked
    it again, and the hint says "pick one below, then Enter")."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "quince.txt").write_text("Quince jelly\n\nA note about quince jelly.\n")
    monkeypatch.chdir(tmp_path)  # (put back after the test)
    async with import_dialog(archive_path, tmp_path / "start") as (app, pilot, box):
        box.value = f"{elsewhere}/"
        await settle(pilot)
        tree = app.screen.query_one("#import-tree")
        assert Path(tree.path) == elsewhere
        await pilot.press("down")  # from the path box into the tree
        await settle(pilot)
        assert tree.has_focus
        await wait_until(pilot, lambda: tree.root.children)  # (loaded by a worker of its own)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert box.path == elsewhere / "quince.txt"
        await pilot.press("enter")
        await settle(pilot)
        assert app.import_state.imported == 1


async def test_a_dialog_shows_its_own_keys_in_the_footer(archive_path, tmp_path):
    """The import dialog's footer tells of its keys; the search screen's below it told of
    the search screen's ("esc Clear", "^s Sort") while the dialog had them."""
    async with import_dialog(archive_path, tmp_path / "start") as (app, _pilot, _box):
        keys = {key.action for key in app.screen.query("FooterKey") if key.display}
        assert "dismiss" in keys and "sort" not in keys and "clear" not in keys
