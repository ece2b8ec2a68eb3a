"""Clippings other processes add show up while the app is open; the folders of
``config.toml`` are watched by a ``clippings watch`` child that ends with the app."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.api import Archive
from archive.tui import app as app_module
from archive.tui import create_app
from archive.tui.widgets.results import ResultList

from ..conftest import ROOT, assert_ended, children_of
from .conftest import settle, wait_until

# a look every so often, not every 2 s: the tests wait for what another process does
LOOK_EVERY = 0.1


@pytest.fixture(autouse=True)
def _quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "ARRIVALS_EVERY", LOOK_EVERY)


def note(folder: Path, name: str, words: str) -> Path:
    """A small page saved as text (imported in a moment)."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / name
    page.write_text(f"{words.title()}\n\nA field note about {words}, written down at once.\n")
    return page


def listed(app) -> list[str]:
    return [hit.clipping.title for hit in app.search_screen.query_one(ResultList).hits]


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def arrivals(app) -> int:
    """How many new clippings the notices told of."""
    told = (re.fullmatch(r"(\d+) new clippings?", note) for note in notes(app))
    return sum(int(found.group(1)) for found in told if found)


def clippings_cmd(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "archive", "--archive", str(archive), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)


async def test_clippings_imported_elsewhere_show_up_with_a_count(app, archive_path, tmp_path):
    folder = tmp_path / "saved"
    note(folder, "a.txt", "quince jelly")
    note(folder, "b.txt", "medlar harvest")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        screen = app.search_screen
        assert len(listed(app)) == 8
        searches = screen._latest
        await pilot.pause(5 * LOOK_EVERY)
        assert screen._latest == searches, "searched again though nothing changed"
        # another process: ``clippings import``
        await asyncio.to_thread(clippings_cmd, archive_path, "import", str(folder))
        await wait_until(pilot, lambda: len(listed(app)) == 10)
        assert {"Quince Jelly", "Medlar Harvest"} <= set(listed(app))
        # (told in one notice, or two when a look came between the import's two commits)
        assert arrivals(app) == 2
        assert screen.status_message.plain.startswith("10 clippings")
        # another Archive in this process (another connection to the catalog) counts too
        with Archive.open(archive_path) as other:
            other.import_paths([note(tmp_path / "more", "c.txt", "damson gin")])
        await wait_until(pilot, lambda: "Damson Gin" in listed(app))
        assert arrivals(app) == 3
        searches = screen._latest
        await pilot.pause(5 * LOOK_EVERY)
        assert screen._latest == searches


async def test_the_apps_own_import_is_not_told_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "saved"
    note(folder, "a.txt", "quince jelly")
    app = create_app(tmp_path / "archive")
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.start_import([folder])
        await wait_until(pilot, lambda: app.import_state.report is not None)
        await settle(pilot)
        await pilot.pause(5 * LOOK_EVERY)
        await settle(pilot)
        assert "Quince Jelly" in listed(app)
        assert any(n.startswith("Import done: 1 imported") for n in notes(app))
        assert not [n for n in notes(app) if "new clipping" in n]
        # what comes from elsewhere after it still counts
        await asyncio.to_thread(
            clippings_cmd, tmp_path / "archive", "import", str(note(tmp_path, "b.txt", "sloe"))
        )
        await wait_until(pilot, lambda: "1 new clipping" in notes(app))
        await wait_until(pilot, lambda: "Sloe" in listed(app))


# -- the folder watcher ------------------------------------------------------------------------


QUINCE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Quince jelly, slowly</title></head>
<body><article><h1>Quince jelly, slowly</h1>
<p>Quinces are hard, sour and fragrant; cooked for hours with sugar they turn a deep rose
and set into a jelly that keeps all winter. Cut them without peeling, cover with water and
simmer until soft, then let the pulp drip through a cloth overnight without pressing it.</p>
<p>Measure the juice, add three quarters of its weight in sugar, and boil hard until a drop
wrinkles on a cold saucer. Pour it into warm jars and seal them at once.</p>
</article></body></html>
"""


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CLIPPINGS_CONFIG", str(config))
    return config / "config.toml"


def watching(app) -> bool:
    job = app._watch_job
    return job is not None and job.process.poll() is None


async def test_pages_saved_into_a_watched_folder_show_up(archive_path, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    downloads = home / "Downloads"
    downloads.mkdir(parents=True)
    configure(tmp_path, monkeypatch, '[watch]\nfolders = ["~/Downloads"]\n')
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_until(pilot, lambda: app.watching)
        assert app.watching == (str(downloads),)
        assert "watching 1 folder" in app.search_screen.status_message.plain
        assert any(n.startswith("Watching 1 folder for saved pages") for n in notes(app))
        (downloads / "quince.html").write_text(QUINCE_PAGE, encoding="utf-8")
        # a failure, named hostile (an image saved as .html)
        (downloads / "image\x1b]0;pwned\x07.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
        await wait_until(pilot, lambda: "Quince jelly, slowly" in listed(app))
        assert "1 new clipping" in notes(app)
        await wait_until(pilot, lambda: any("watched folder" in n for n in notes(app)))
        [failed] = [n for n in notes(app) if "watched folder" in n]
        assert "image" in failed and "PNG image" in failed
        assert "\x1b" not in failed and "\x07" not in failed
        job = app._watch_job
    assert job.process.poll() is not None, "the watcher outlived the app"


async def test_a_broken_config_file_is_one_warning_and_no_watcher(
    archive_path, tmp_path, monkeypatch
):
    path = configure(tmp_path, monkeypatch, "[watch\nfolders = 1\n")
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        [warning] = [n for n in app._notifications if "Not watching" in str(n.message)]
        assert warning.severity == "warning"
        assert str(path) in str(warning.message) and "\n" not in str(warning.message)
        assert app._watch_job is None and not app.watching


async def test_a_missing_watched_folder_is_told_and_left_out(archive_path, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, f'[watch]\nfolders = ["{tmp_path / "nowhere"}"]\n')
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        assert f"Not watching {tmp_path / 'nowhere'}: no such folder" in notes(app)
        assert app._watch_job is None


async def test_a_watcher_that_stops_says_why(archive_path, tmp_path, monkeypatch):
    # a watched folder that holds the archive: ``clippings watch`` refuses it
    configure(tmp_path, monkeypatch, f'[watch]\nfolders = ["{archive_path.parent}"]\n')
    app = create_app(archive_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_until(pilot, lambda: any("watcher stopped" in n for n in notes(app)))
        [stopped] = [n for n in notes(app) if "watcher stopped" in n]
        assert "can't hold the archive" in stopped
        assert not app.watching


# the app run for real (headless) in a process of its own, saying when its watcher runs
KILLED_TUI = """
import os, sys
from pathlib import Path
from archive.tui import app

class Told(app.ClippingsApp):
    CSS_PATH = Path(app.__file__).with_name(app.ClippingsApp.CSS_PATH)

    def watch_watching(self, folders):
        if folders:
            os.write(1, b"watching\\n")

Told(sys.argv[1]).run(headless=True)
"""


def test_the_watcher_ends_when_the_app_is_killed(archive_path, tmp_path, monkeypatch):
    folder = tmp_path / "watched"
    folder.mkdir()
    configure(tmp_path, monkeypatch, f'[watch]\nfolders = ["{folder}"]\n')
    tui = subprocess.Popen(
        [sys.executable, "-c", KILLED_TUI, str(archive_path)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        # once the watcher said it watches, it has nothing more to say: it would not learn
        # from a write to a closed pipe that the app is gone
        timer = threading.Timer(30, tui.kill)
        timer.start()
        assert tui.stdout.readline() == b"watching\n", "the app started no watcher"
        timer.cancel()
        watchers = set(children_of(tui.pid))
        for child in list(watchers):
            watchers |= children_of(child)
        assert watchers
    finally:
        tui.kill()
        tui.wait()
        tui.stdout.close()
    assert_ended(watchers)


async def test_an_open_article_follows_tags_and_notes_given_elsewhere(app, archive_path):
    """``clippings tag`` and ``clippings note`` while the reader shows the clipping: its header
    shows them, no key pressed."""
    from textual.widgets import Static

    from archive.tui.screens.reader import ReaderScreen

    from .conftest import plain

    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        app.open_reader(1)
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await asyncio.to_thread(clippings_cmd, archive_path, "tag", "1", "from-elsewhere")
        await asyncio.to_thread(clippings_cmd, archive_path, "note", "1", "Call the desk.")

        def header() -> str:
            return plain(reader.query_one("#article-header", Static))

        await wait_until(pilot, lambda: "Note: Call the desk." in header())
        assert "Tags: from-elsewhere" in header()


async def test_a_look_answered_as_the_app_closes_is_no_traceback(app):
    # a worker's message handled after the screens were gone: "IndexError: list index out of
    # range" at quit, a traceback on the terminal
    from archive.tui.messages import CatalogChanged, ClippingChanged, IndexCaughtUp

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert not app.screen_stack  # (closed)
    app._newest = 0
    app.on_catalog_changed(CatalogChanged((1, 1), [9], 9))
    app.on_clipping_changed(ClippingChanged(1))
    app.on_index_caught_up(IndexCaughtUp(3))
