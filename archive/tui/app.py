"""``ClippingsApp``: opens the archive in a worker, runs imports, routes to the screens.

The UI thread never touches the disk: opening, searching, reading, tagging, deleting and
importing all run in thread workers that post their results back as messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.worker import get_current_worker

from ..api import Archive
from ..background import BackgroundCatchUp, BackgroundImport
from ..location import archive_dir
from ..models import ClippingsError, ImportReport
from ..render import safe
from .bindings import actions
from .keymap import load_keymap
from .messages import (
    ArchiveFailed,
    ArchiveOpened,
    ClippingChanged,
    ImportProgressed,
    ImportState,
    IndexCaughtUp,
)
from .screens.help import HelpScreen
from .screens.import_dialog import ImportScreen
from .screens.reader import ReaderScreen
from .screens.search import SearchScreen


class ClippingsApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Clippings"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("f1", "help", "Help", tooltip="Keys and the query language", id="app.help"),
        Binding("ctrl+o", "import", "Import", tooltip="Import saved pages", id="app.import"),
    ]

    import_state: var[ImportState] = var(ImportState())

    def __init__(self, archive_path: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.archive_path = archive_dir(archive_path)
        self.archive: Archive | None = None
        self._import_job: BackgroundImport | None = None
        self._catch_up_job: BackgroundCatchUp | None = None
        self.sub_title = safe(self.archive_path)

    def get_default_screen(self) -> Screen[None]:
        return SearchScreen()

    @property
    def search_screen(self) -> SearchScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, SearchScreen)
        return screen

    def on_mount(self) -> None:
        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(safe(f"Key remapping ignored: {problem}"), severity="warning", markup=False)
        self._open_archive()

    def on_unmount(self) -> None:
        for job in (self._import_job, self._catch_up_job):
            if job is not None:  # quitting mid-way: what is committed stays, the rest can rerun
                job.stop()
        if self.archive is not None:
            self.archive.close()

    # -- the archive -------------------------------------------------------------------------

    @work(thread=True, group="open", exit_on_error=False)
    def _open_archive(self) -> None:
        try:
            archive = Archive.open(self.archive_path)
        except ClippingsError as error:
            self.post_message(ArchiveFailed(str(error)))
        except Exception as error:  # a broken folder, a full disk: one line, no traceback
            self.post_message(ArchiveFailed(f"{type(error).__name__}: {error}"))
        else:
            # a tag or a delete while an import runs is refused at once, not left to freeze the
            # UI until the import ends (the import runs in a child process: archive.background)
            archive.wait_for_writers = False
            self.post_message(ArchiveOpened(archive))

    def on_archive_opened(self, message: ArchiveOpened) -> None:
        self.archive = message.archive
        self.search_screen.archive_ready()
        self._catch_up(message.archive)

    @work(thread=True, group="catch-up", exit_on_error=False)
    def _catch_up(self, archive: Archive) -> None:
        """An index behind the catalog (a new version's, a long interrupted import) catches
        up in a child process, while searches answer from it as it is."""
        behind = archive.unindexed()
        if archive.index_outdated:
            self.notify(
                "Building the index of this version in the background; "
                "searches read the previous version's until it is done"
            )
        elif behind:
            self.notify(
                f"Indexing {behind:,} clippings in the background; searches find them once indexed"
            )
        else:
            return
        job = self._catch_up_job = BackgroundCatchUp(archive.path)
        try:
            count = job.wait()
        except ClippingsError as error:
            self.post_message(IndexCaughtUp(0, str(error)))
            return
        finally:
            self._catch_up_job = None
        self.post_message(IndexCaughtUp(count))

    def on_index_caught_up(self, message: IndexCaughtUp) -> None:
        if message.error:
            self.notify(safe(message.error), severity="warning", markup=False)
            return
        self.notify(f"The index caught up: {message.count:,} clippings indexed")
        self.search_screen.archive_changed()

    def on_archive_failed(self, message: ArchiveFailed) -> None:
        screen = self.search_screen
        screen.error = f"Can't open the archive {self.archive_path}: {message.reason}"
        screen._update_status()

    def on_clipping_changed(self, message: ClippingChanged) -> None:
        self.search_screen.archive_changed()

    # -- actions -----------------------------------------------------------------------------

    def open_reader(self, clipping_id: int, query: str = "") -> None:
        self.push_screen(ReaderScreen(clipping_id, query))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_import(self) -> None:
        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen(Path.cwd()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action with a key is also in the command palette (Ctrl+P)."""
        yield from super().get_system_commands(screen)
        for action in actions(screen):
            if action.binding.action == "quit":
                continue

            def run(node: object = action.node, name: str = action.binding.action) -> None:
                self.call_later(self.run_action, name, node)

            about = action.binding.tooltip or action.binding.description
            yield SystemCommand(action.binding.description, f"{about}  ({action.key})", run)

    # -- importing ---------------------------------------------------------------------------

    def start_import(self, paths: list[Path]) -> None:
        """Import ``paths`` in the background; ``import_state`` follows it."""
        if self.import_state.running:
            self.notify("An import is already running", severity="warning")
            return
        if self.archive is None:
            self.notify("The archive is not open yet", severity="warning")
            return
        self.import_state = ImportState(running=True)
        self._import(paths, self.archive.path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, paths: list[Path], folder: Path) -> None:
        worker = get_current_worker()
        last_post = 0.0
        # a child process: its extraction and index merges never hold this process's GIL
        job = self._import_job = BackgroundImport(folder, paths)
        try:
            for event in job.events():
                if worker.is_cancelled:
                    job.stop()
                    return
                now = time.monotonic()
                if now - last_post > 0.1 or event.done == event.total:
                    last_post = now
                    state = _state(job.so_far, event.done, event.total, running=True)
                    self.post_message(ImportProgressed(replace(state, current=str(event.path))))
            report = job.report()
        except Exception as error:
            self.post_message(ImportProgressed(ImportState(error=str(error))))
            return
        finally:
            self._import_job = None
        done = _files(report)
        self.post_message(ImportProgressed(_state(report, done, done, running=False)))

    def on_import_progressed(self, message: ImportProgressed) -> None:
        self.import_state = message.state
        state = message.state
        if not state.running and state.report is not None:
            summary = f"Import done: {state.imported:,} imported"
            if state.failed:
                summary += f", {state.failed:,} failed (Ctrl+O shows why)"
            self.notify(summary, severity="warning" if state.failed else "information")


def _files(report: ImportReport) -> int:
    return sum(
        map(len, (report.imported, report.already_present, report.duplicates, report.skipped))
    ) + len(report.failed)


def _state(report: ImportReport, done: int, total: int, *, running: bool) -> ImportState:
    return ImportState(
        running=running,
        done=done,
        total=total,
        imported=len(report.imported),
        present=len(report.already_present) + len(report.duplicates),
        failed=len(report.failed),
        skipped=len(report.skipped),
        report=None if running else report,
    )
