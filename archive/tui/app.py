"""``ClippingsApp``: opens the archive in a worker, runs imports, routes to the screens.

The UI thread never touches the disk: opening, searching, reading, tagging, deleting and
importing all run in thread workers that post their results back as messages.

Clippings other processes add (``clippings import``, a folder watcher, the upload server) show
up by themselves: every ``ARRIVALS_EVERY`` seconds a worker asks whether the catalog changed,
and only then which clippings are new. The folders ``config.toml`` names are watched by
``clippings watch`` in a child process for as long as the app runs (``archive.background``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from ..api import Archive
from ..background import BackgroundCatchUp, BackgroundImport, BackgroundWatch
from ..location import archive_dir, watched_folders
from ..models import ClippingsError, ImportReport
from ..render import safe
from .bindings import actions
from .keymap import checked_keymap, load_keymap
from .messages import (
    ArchiveFailed,
    ArchiveOpened,
    CatalogChanged,
    ClippingChanged,
    ImportProgressed,
    ImportState,
    IndexCaughtUp,
    WatchedPageFailed,
    WatchProblem,
    WatchStarted,
)
from .screens.dialogs import ConfirmScreen
from .screens.help import HelpScreen
from .screens.import_dialog import ImportScreen
from .screens.reader import ReaderScreen
from .screens.search import SearchScreen

# seconds between two looks for clippings other processes added: while nothing changed a look
# reads one pragma, and a page saved elsewhere shows up about as soon as one switches windows
ARRIVALS_EVERY = 2.0
# seconds over which failed pages of the watched folders make one notification: the watcher
# tells a whole folder's first import at once, and a line each would bury the screen
FAILURES_WINDOW = 0.5


class ClippingsApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Clippings"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("f1", "help", "Help", tooltip="Keys and the query language", id="app.help"),
        Binding("ctrl+o", "import", "Import", tooltip="Import saved pages", id="app.import"),
    ]

    import_state: var[ImportState] = var(ImportState())
    watching: var[tuple[str, ...]] = var(())  # the folders the watcher watches

    def __init__(self, archive_path: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.archive_path = archive_dir(archive_path)
        self.archive: Archive | None = None
        self._open_failed = ""  # why the archive could not be opened
        self._import_job: BackgroundImport | None = None
        self._catch_up_job: BackgroundCatchUp | None = None
        self.sub_title = safe(self.archive_path)
        # arrivals: the newest clipping id seen, the catalog's ``changes()`` when last looked
        # at, the clippings this app's own imports added (their report tells of them)
        self._newest: int | None = None
        self._stamp: tuple[int, int] | None = None
        self._own: set[int] = set()
        self._looking: Worker[None] | None = None
        # the folder watcher: its child, started and stopped under the lock (it must not
        # start once the app is closing)
        self._watch_job: BackgroundWatch | None = None
        self._watch_lock = threading.Lock()
        self._closing = False
        self._failed_pages: list[tuple[str, str]] = []

    def get_default_screen(self) -> Screen[None]:
        return SearchScreen()

    @property
    def search_screen(self) -> SearchScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, SearchScreen)
        return screen

    def _screens_gone(self) -> bool:
        """Whether the app is closing: its screens are gone, and a worker's message that comes
        now has nothing to show on (a look for arrivals answered as Ctrl+Q was pressed)."""
        return not self.screen_stack

    def on_mount(self) -> None:
        keymap, problem = load_keymap()
        if keymap:
            # an entry that is wrong is left out: its binding keeps its own keys
            usable, mistakes = checked_keymap(keymap, binding_owners())
            self.set_keymap(usable)
            for mistake in mistakes:
                self.notify(safe(f"keymap.toml: {mistake}"), severity="warning", markup=False)
        if problem:
            self.notify(safe(f"Key remapping ignored: {problem}"), severity="warning", markup=False)
        self._open_archive()
        self.set_interval(ARRIVALS_EVERY, self._look_for_arrivals)

    def on_unmount(self) -> None:
        with self._watch_lock:
            self._closing = True
        for job in (self._import_job, self._catch_up_job, self._watch_job):
            if job is not None:  # quitting mid-way: what is committed stays, the rest can rerun
                job.stop()
        if self.archive is not None:
            self.archive.close()

    # -- the archive -------------------------------------------------------------------------

    @work(thread=True, group="open", exit_on_error=False)
    def _open_archive(self) -> None:
        try:
            archive = Archive.open(self.archive_path)
            try:
                newest = archive.newest_id()  # before the first search: what comes later is news
            except BaseException:
                archive.close()
                raise
        except ClippingsError as error:
            self.post_message(ArchiveFailed(str(error)))
        except Exception as error:  # a broken folder, a full disk: one line, no traceback
            self.post_message(ArchiveFailed(f"{type(error).__name__}: {error}"))
        else:
            # a tag or a delete while an import runs is refused at once, not left to freeze the
            # UI until the import ends (the import runs in a child process: archive.background)
            archive.wait_for_writers = False
            self.post_message(ArchiveOpened(archive, newest))

    def on_archive_opened(self, message: ArchiveOpened) -> None:
        self.archive = message.archive
        if self._screens_gone():
            return
        self._newest = message.newest
        self.search_screen.archive_ready()
        self._catch_up(message.archive)
        self._watch(message.archive.path)

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
            archive.start_merges()  # what a closed command left unmerged, while the app runs
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
        if self._screens_gone():
            return
        if message.error:
            self.notify(safe(message.error), severity="warning", markup=False)
            return
        self.notify(f"The index caught up: {message.count:,} clippings indexed")
        self.search_screen.archive_changed()

    def on_archive_failed(self, message: ArchiveFailed) -> None:
        if self._screens_gone():
            return
        self._open_failed = message.reason
        screen = self.search_screen
        screen.error = f"Can't open the archive {self.archive_path}: {message.reason}"
        screen._update_status()

    def on_clipping_changed(self, message: ClippingChanged) -> None:
        if not self._screens_gone():
            self.search_screen.archive_changed()

    # -- clippings other processes add -------------------------------------------------------

    def _look_for_arrivals(self) -> None:
        """Every ``ARRIVALS_EVERY`` seconds (not while this app imports: its end looks)."""
        if self.archive is None or self._newest is None or self.import_state.running:
            return
        if self._looking is not None and self._looking.is_running:
            return
        self._looking = self._look(self.archive, self._stamp, self._newest)

    @work(thread=True, group="arrivals", exit_on_error=False)
    def _look(self, archive: Archive, stamp: tuple[int, int] | None, newest: int) -> None:
        try:
            now = archive.changes()
            if now == stamp:
                return  # nothing changed: nothing to read, no search to run
            added = archive.added_since(newest)
        except Exception:  # closed meanwhile, or a busy disk: the next look tries again
            return
        self.post_message(CatalogChanged(now, added, max(added, default=newest)))

    def on_catalog_changed(self, message: CatalogChanged) -> None:
        if self.import_state.running or self._newest is None or self._screens_gone():
            return  # this app's import is writing: its end looks again
        self._stamp = message.stamp
        self._newest = max(self._newest, message.newest)
        arrived = [i for i in message.added if i not in self._own]
        self._own = {i for i in self._own if i > self._newest}
        screen = self.search_screen
        if arrived:
            self.notify(f"{len(arrived):,} new clipping{'' if len(arrived) == 1 else 's'}")
        # (tags, notes, a page saved again, a delete: the results and the articles open follow)
        screen.archive_changed()
        for open_screen in self.screen_stack:
            if isinstance(open_screen, ReaderScreen):
                open_screen.catalog_changed()

    # -- the folder watcher ------------------------------------------------------------------

    @work(thread=True, group="watch", exit_on_error=False)
    def _watch(self, archive_path: Path) -> None:
        """``clippings watch`` on the folders of ``config.toml`` (if any) until the app ends;
        what it imports shows up as arrivals, what fails is told here."""
        folders, problem = watched_folders()
        if problem:
            self.post_message(WatchProblem(f"Not watching folders: {problem}"))
        for folder in folders:
            if not folder.is_dir():
                self.post_message(WatchProblem(f"Not watching {folder}: no such folder"))
        folders = [folder for folder in folders if folder.is_dir()]
        if not folders:
            return
        with self._watch_lock:
            if self._closing:
                return
            try:
                job = self._watch_job = BackgroundWatch(archive_path, folders)
            except OSError as error:  # no process could be started
                self.post_message(WatchProblem(f"Not watching folders: {error}"))
                return
        for news in job.events():
            if news.watching:
                self.post_message(WatchStarted(news.watching))
            elif news.outcome == "failed":
                self.post_message(WatchedPageFailed(news.path, news.reason))
        problem = job.problem()
        if not job.stopped:
            why = f": {problem}" if problem else ""
            self.post_message(WatchProblem(f"The folder watcher stopped{why}", stopped=True))

    def on_watch_started(self, message: WatchStarted) -> None:
        self.watching = message.folders
        count = len(message.folders)
        names = ", ".join(safe(folder) for folder in message.folders)
        self.notify(
            f"Watching {count} folder{'' if count == 1 else 's'} for saved pages: {names}",
            markup=False,
        )

    def on_watched_page_failed(self, message: WatchedPageFailed) -> None:
        if not self._failed_pages:
            self.set_timer(FAILURES_WINDOW, self._tell_failed_pages)
        self._failed_pages.append((message.path, message.reason))

    def _tell_failed_pages(self) -> None:
        failed, self._failed_pages = self._failed_pages, []
        if not failed:
            return
        path, reason = failed[0]
        if len(failed) == 1:
            note = f"Not imported from a watched folder: {path}: {reason}"
        else:
            note = f"{len(failed):,} pages of the watched folders not imported; {path}: {reason}"
        self.notify(safe(note), severity="warning", markup=False)

    def on_watch_problem(self, message: WatchProblem) -> None:
        if message.stopped:
            self.watching = ()
        self.notify(safe(message.note), severity="warning", markup=False)

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
        named: set[str] = set()  # (one entry per name: the reader's "?" and F1 are one Help)
        for action in actions(screen):
            if action.binding.action == "quit" or action.binding.description in named:
                continue
            named.add(action.binding.description)

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
            if self._open_failed:  # (it never will be: say why, not "yet")
                why = f"Can't import: the archive can't be opened ({self._open_failed})"
                self.notify(safe(why), severity="error")
            else:
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
            added = tuple(job.so_far.imported)
            self.post_message(ImportProgressed(ImportState(error=str(error)), added))
            return
        finally:
            self._import_job = None
        if self.archive is not None:  # the import's merge, ended with its process: done here
            self.archive.start_merges()
        done = report.files
        state = _state(report, done, done, running=False)
        self.post_message(ImportProgressed(state, tuple(report.imported)))

    def action_quit(self) -> None:  # type: ignore[override]
        """Quit; while an import runs, once it is confirmed (or Ctrl+Q pressed again): the
        import stops, what it stored is kept, and the same import again finishes it."""
        if self._import_job is None or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return
        question = Text(
            "An import is running. Quit and stop it? What it has stored is kept, and "
            "importing the same files again finishes it."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(question, yes="Quit"), answered)

    def on_import_progressed(self, message: ImportProgressed) -> None:
        self.import_state = message.state
        state = message.state
        if not state.running:
            # its clippings are no arrivals; what others added meanwhile is, at the next look
            self._own.update(message.imported)
            self._stamp = None
        if not state.running and state.report is not None:
            summary = f"Import done: {state.imported:,} imported"
            if state.failed:
                summary += f", {state.failed:,} failed (Ctrl+O shows why)"
            self.notify(summary, severity="warning" if state.failed else "information")


def _state(report: ImportReport, done: int, total: int, *, running: bool) -> ImportState:
    return ImportState(
        running=running,
        done=done,
        total=total,
        imported=len(report.imported),
        versions=len(report.versions),
        present=len(report.already_present),
        duplicates=len(report.duplicates),
        failed=len(report.failed),
        skipped=len(report.skipped),
        report=None if running else report,
    )


def binding_owners() -> list[type]:
    """The app's classes that have bindings: this app, and every screen and widget of this
    package (imported by now)."""
    from textual.dom import DOMNode

    found: list[type] = []
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith(__package__ or "archive.tui") and "BINDINGS" in vars(cls):
            found.append(cls)
    return found
