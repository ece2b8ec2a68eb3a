"""Screenshots of the main screens, compared with the saved ones (pytest-textual-snapshot).

After a deliberate change of look: ``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.api import Archive
from archive.tui import create_app
from archive.tui.screens.import_dialog import ImportScreen

from ..conftest import ROOT
from .conftest import search_for, settle

SIZE = (110, 34)


@pytest.fixture
def steady(archive_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app with nothing in view that changes between machines or days."""
    monkeypatch.setenv("CLIPPINGS_CONFIG", "/home/you/.config/clippings")
    monkeypatch.chdir(ROOT)
    app = create_app(archive_path)
    app.sub_title = "~/clippings"
    return app


def typing(query: str):
    """A ``run_before`` that types ``query`` once the archive is open, and waits for results."""

    async def run_before(pilot):
        await search_for(pilot, query)

    return run_before


def test_search_screen(snap_compare, steady):
    assert snap_compare(steady, terminal_size=SIZE, run_before=typing("korea OR garden"))


def test_search_screen_with_filters(snap_compare, steady):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)

    assert snap_compare(steady, terminal_size=SIZE, run_before=run_before)


def test_search_screen_with_saved_searches(snap_compare, steady, archive_path):
    with Archive.open(archive_path) as archive:
        archive.add_saved_search("Space", "nasa OR europa")
        archive.add_saved_search("English", "lang:en")
        archive.add_saved_search("[b]Markup[/b] stays text", "markup")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)

    assert snap_compare(steady, terminal_size=SIZE, run_before=run_before)


def test_no_hits_with_a_suggestion(snap_compare, steady):
    assert snap_compare(steady, terminal_size=SIZE, run_before=typing("presure"))


def test_reader(snap_compare, steady):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_reader(1, "maximum pressure")
        await settle(pilot)
        await pilot.press("n")

    assert snap_compare(steady, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, steady):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(steady, terminal_size=(110, 50), run_before=run_before)


def test_import_dialog(snap_compare, steady):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.app.push_screen(ImportScreen(Path("tests/fixtures/pages")))
        await pilot.pause(0.3)

    assert snap_compare(steady, terminal_size=SIZE, run_before=run_before)
