"""Saved searches in the side panel: listed with live counts, run, saved, replaced, forgotten."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from archive.api import Archive
from archive.tui import create_app
from archive.tui.screens.dialogs import ConfirmScreen, SaveSearchScreen, TagsScreen
from archive.tui.screens.reader import ReaderScreen
from archive.tui.screens.search import QueryInput, SearchScreen
from archive.tui.widgets.facets import FacetPanel
from archive.tui.widgets.results import ResultList

from ..conftest import PAGES
from .conftest import search_for, settle, type_text


def keep(folder: Path, *searches: tuple[str, str]) -> None:
    with Archive.open(folder) as archive:
        for name, query in searches:
            archive.add_saved_search(name, query)


def panel_entries(app) -> dict[str, str]:
    """The saved searches the panel shows: option id → its label, as plain text."""
    panel = app.screen.query_one(FacetPanel)
    options = (panel.get_option_at_index(i) for i in range(panel.option_count))
    return {o.id: o.prompt.plain for o in options if (o.id or "").startswith("saved\x00")}


def choose(app, option_id: str) -> FacetPanel:
    panel = app.screen.query_one(FacetPanel)
    panel.focus()
    panel.highlighted = panel.get_option_index(option_id)
    return panel


def result_ids(app) -> list[int]:
    return [hit.clipping.id for hit in app.screen.query_one(ResultList).hits]


def saved_in(folder: Path) -> dict[str, str]:
    with Archive.open(folder) as archive:
        return {s.name: s.query for s in archive.saved_searches()}


async def test_the_panel_lists_saved_searches_with_counts_and_enter_runs_one(archive_path):
    keep(archive_path, ("space", "nasa OR europa"), ("english", "lang:en"))
    with Archive.open(archive_path) as archive:
        english = archive.count_matches("lang:en")
        space = archive.search("nasa OR europa", limit=None)
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert panel_entries(app) == {}  # the panel is hidden: nothing counted yet
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert panel_entries(app) == {
            "saved\x00english": f"english {english}",
            "saved\x00space": f"space {space.total}",
        }
        panel = app.screen.query_one(FacetPanel)
        assert panel.get_option_at_index(0).prompt.plain == "Saved searches"
        choose(app, "saved\x00space")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == "nasa OR europa "
        assert isinstance(app.focused, QueryInput)
        assert app.screen.result_total == space.total == 1
        assert result_ids(app) == [hit.clipping.id for hit in space.hits]


async def test_a_click_on_a_saved_search_runs_it(archive_path):
    keep(archive_path, ("wework", "wework"))
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        # the panel's border, the "Saved searches" title, then the first saved search
        await pilot.click(FacetPanel, offset=(4, 2))
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == "wework "
        assert app.screen.result_total == 1
        assert "WeWork" in app.screen.query_one(ResultList).hits[0].clipping.title


async def test_ctrl_b_saves_the_query_under_a_name_and_lists_it(archive_path):
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await search_for(pilot, "korea")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        box = app.screen.query_one("#save-name", Input)
        assert box.value == "korea"  # the query is offered as the name
        box.value = ""
        await type_text(pilot, "North Korea")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert saved_in(archive_path) == {"North Korea": "korea"}
        panel = app.screen.query_one(FacetPanel)
        assert panel.display  # shown, to see where it went
        assert panel_entries(app) == {"saved\x00North Korea": "North Korea 1"}
        assert any("Saved the search 'North Korea'" in n.message for n in app._notifications)


async def test_a_taken_name_asks_before_replacing(archive_path):
    keep(archive_path, ("mine", "korea"))
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await search_for(pilot, "lang:en")
        for answer in ("n", "y"):
            await pilot.press("ctrl+b")
            await settle(pilot)
            app.screen.query_one("#save-name", Input).value = "MINE"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            expected = {"mine": "korea"} if answer == "n" else {"MINE": "lang:en"}
            assert saved_in(archive_path) == expected


async def test_a_query_that_does_not_read_is_not_saved(archive_path):
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await search_for(pilot, "title:(korea")
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert saved_in(archive_path) == {}
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["Not saved: unclosed '(' in 'title:(korea': add the closing ')'"]


async def test_an_empty_query_is_not_offered_for_saving(archive_path):
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert any("Type a query first" in n.message for n in app._notifications)


async def test_delete_forgets_a_saved_search_after_asking(archive_path):
    keep(archive_path, ("korea", "korea"), ("wework", "wework"))
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        choose(app, "saved\x00korea")
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert saved_in(archive_path) == {"wework": "wework"}
        assert panel_entries(app) == {"saved\x00wework": "wework 1"}
        # on a facet value, Delete does nothing
        panel = app.screen.query_one(FacetPanel)
        site = next(
            i
            for i in range(panel.option_count)
            if panel.get_option_at_index(i).id == "site\x00VentureBeat"
        )
        panel.highlighted = site
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert saved_in(archive_path) == {"wework": "wework"}


async def test_counts_follow_a_tag_change(archive_path):
    keep(archive_path, ("mine", "tag:mine"))
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert panel_entries(app) == {"saved\x00mine": "mine 0"}
        app.open_reader(1)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagsScreen)
        await type_text(pilot, "mine")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert panel_entries(app) == {"saved\x00mine": "mine 1"}


async def test_counts_follow_an_import(tmp_path: Path):
    folder = tmp_path / "archive"
    keep(folder, ("space", "nasa OR europa"))  # a new archive: the sample only
    app = create_app(folder)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert panel_entries(app) == {"saved\x00space": "space 0"}
        app.start_import([PAGES])
        await settle(pilot)
        assert app.import_state.imported == len(list(PAGES.iterdir()))
        assert panel_entries(app) == {"saved\x00space": "space 1"}


async def test_names_and_queries_are_shown_as_text(archive_path):
    keep(archive_path, ("[bold red]loud[/] \x1b[2J", "[b]korea[/b]"))
    with Archive.open(archive_path) as archive:
        count = archive.count_matches("[b]korea[/b]")
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        [(option_id, label)] = panel_entries(app).items()
        assert label == f"[bold red]loud[/] {count}"
        choose(app, option_id)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == "[b]korea[/b] "
