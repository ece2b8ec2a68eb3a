"""Fixtures for the terminal UI tests: a real archive of real pages, the real app, a pilot."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Static

from archive.api import Archive
from archive.models import Article
from archive.tui import create_app
from archive.tui.app import ClippingsApp

from ..conftest import FIXTURES, PAGES

HOSTILE = FIXTURES / "hostile" / "markup-and-escapes.html"
FIXED_SAVED = "2024-05-01T09:30:00+00:00"
# Rich and Textual markup, and raw terminal escapes, as a careless catalog might hold them
HOSTILE_TITLE = "[bold red]Markup[/bold red] title \x1b[2J\x1b]0;pwned\x07 with escapes"


@pytest.fixture(scope="session")
def template_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the sample, the six fixture pages and a hostile page; saved dates fixed so
    that screenshots do not change from one day to the next."""
    folder = tmp_path_factory.mktemp("template") / "archive"
    with Archive.open(folder) as archive:
        archive.import_paths(sorted(PAGES.iterdir()))
        [hostile_id] = archive.import_paths([HOSTILE]).imported
        hostile = archive.get(hostile_id)
        raw = Article(**{name: getattr(hostile, name) for name in Article.__dataclass_fields__})
        raw.title = HOSTILE_TITLE
        raw.markdown = hostile.markdown + "\n\nRaw \x1b[31mred\x1b[0m and [on red]markup[/] here."
        with archive.catalog.transaction():
            archive.catalog.update_article(hostile_id, raw)
            archive.catalog.db.execute("UPDATE clippings SET saved = ?", (FIXED_SAVED,))
        archive.reindex(reextract=False)
    return folder


@pytest.fixture
def archive_path(template_archive: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template archive for one test."""
    folder = tmp_path / "archive"
    shutil.copytree(template_archive, folder)
    return folder


@pytest.fixture
def app(archive_path: Path) -> ClippingsApp:
    return create_app(archive_path)


def _busy(app: object) -> bool:
    # a DirectoryTree keeps a loader worker alive for as long as it is shown
    if any(
        worker.is_running and not isinstance(worker.node, DirectoryTree) for worker in app.workers
    ):
        return True
    # a worker's result posted but not handled yet (a loaded machine is slow to): its handler
    # may start the next worker (a search's facets)
    screen = app.screen
    if any(node._message_queue.qsize() for node in (app, screen)):
        return True
    return getattr(screen, "_in_flight", None) is not None  # a search's result to come


async def settle(pilot: Pilot[None], timeout: float = 30.0) -> None:
    """Wait until our workers are done and the messages they posted are handled."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        await pilot.pause(0.01 if quiet else 0.02)
        quiet = 0 if _busy(app) else quiet + 1
        if quiet >= 3:
            await pilot.pause()
            return
    raise AssertionError("workers never settled")


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], object], timeout: float = 30.0
) -> None:
    """Wait until ``condition()`` holds (something another process does, seen by a poll)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        await pilot.pause(0.05)


def plain(static: Static) -> str:
    """What a Static shows, as plain text (page text, markup and all, stays literal)."""
    content = static.content
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(char, char) for char in text])


async def search_for(pilot: Pilot[None], text: str) -> None:
    """Wait for the archive, type ``text`` into the query box, wait for its results."""
    await settle(pilot)
    await type_text(pilot, text)
    await settle(pilot)


Step = Callable[[Pilot[None]], Awaitable[None]]
