"""The import dialog: choose a file or folder, watch the import, read what failed and why.

The import itself runs on the app (``ClippingsApp.start_import``), so closing the dialog does
not stop it: the search screen's status line keeps counting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, ProgressBar, Static

from ...render import safe, safe_name
from ..messages import ImportState
from ..widgets.footer import Footer
from ..widgets.path_input import PathInput


def state_text(state: ImportState) -> Text:
    """ "120 of 400 files · 100 imported · 3 already there · 2 failed" and the like."""
    if state.error:
        return Text(safe(state.error), style="bold red")
    if not state.total and not state.running and state.report is None:
        return Text("Type a path (Tab completes) or pick one below (↓), then Enter.", style="dim")
    if state.running and not state.total:
        return Text("Looking for saved pages…", style="dim")
    if not state.running and not state.total:
        return Text("Done · no files found there to import", style="bold")
    pieces = [
        Text(f"{state.done:,} of {state.total:,} files" if state.running else "Done", "bold"),
    ]
    versions = f" ({state.versions:,} new saves of pages saved before)" if state.versions else ""
    if state.versions == 1:
        versions = " (1 a new save of a page saved before)"
    parts = [
        (state.imported, f"imported{versions}", "green"),
        (state.present, "already there", "dim"),
        (state.duplicates, "duplicates (the same file twice)", "dim"),
        (state.skipped, "skipped (not pages)", "dim"),
        (state.failed, "failed", "bold red"),
    ]
    pieces += [
        Text(f"{n:,} {label}", style)
        for n, label, style in parts
        if n or label.startswith("imported")
    ]
    return Text(" · ").join(pieces)


def failures_text(state: ImportState) -> Text:
    text = Text()
    if state.report is None:
        return text
    for failure in state.report.failed[:200]:
        text.append(safe_name(failure.source), style="bold")
        text.append(": " + safe(failure.reason) + "\n", style="red")
    if len(state.report.failed) > 200:
        text.append(f"… and {len(state.report.failed) - 200:,} more\n", style="dim")
    return text


class VisibleTree(DirectoryTree):
    """The folder tree without hidden files and folders (``.git``, ``.cache``...), its names
    shown cleaned: a file's name may hold an escape sequence (which retitled the terminal)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if not path.name.startswith(".")]

    def process_label(self, label: str | Text) -> Text:
        return super().process_label(safe(label.plain if isinstance(label, Text) else label))


class ImportScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="import.close"),
        # from the path box down into the tree (the tree takes ↓ itself once it has focus)
        Binding("down", "into_tree", "Pick below", show=False, id="import.tree"),
    ]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__(classes="dialog")
        self.start = start or Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box import-box"):
            yield Static(Text("Import saved pages", style="bold"))
            with Horizontal(id="import-row"):
                yield PathInput(value=f"{self.start}/", id="import-path")
                yield Button("Import", variant="primary", id="import-go")
            yield VisibleTree(self.start, id="import-tree")
            yield ProgressBar(total=None, show_eta=True, id="import-progress")
            yield Static(id="import-status")
            # (scrolls: each failure reachable, and Close kept in sight, in a small terminal)
            with VerticalScroll(id="import-failures-box"):
                yield Static(id="import-failures")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="import-close")
        yield Footer()  # this dialog's keys (the screen's below told of its own)

    def on_mount(self) -> None:
        self.query_one("#import-path", PathInput).focus()
        self.watch(self.app, "import_state", self._show_state)

    def _show_state(self, state: ImportState) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = state.running
        if state.total:
            bar.update(total=state.total, progress=state.done)
        elif state.running:  # a new import looking for pages: not the last one's full bar
            bar.update(total=None, progress=0)
        self.query_one("#import-status", Static).update(state_text(state))
        self.query_one("#import-failures", Static).update(failures_text(state))
        failed = state.report is not None and bool(state.report.failed)
        self.query_one("#import-failures-box").display = failed
        self.query_one("#import-go", Button).disabled = state.running

    @on(DirectoryTree.DirectorySelected)
    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        box = self.query_one("#import-path", PathInput)
        if isinstance(event, DirectoryTree.FileSelected) and box.path == event.path:
            self._go()  # Enter again on the file picked: import it
            return
        box.choose(event.path)

    @on(Input.Changed, "#import-path")
    def _follow(self, event: Input.Changed) -> None:
        """A folder typed (ending with its separator) becomes the tree's root: the tree shows
        where the path goes, above the folder the dialog opened in too."""
        path = self.query_one("#import-path", PathInput).path
        tree = self.query_one("#import-tree", VisibleTree)
        typed_folder = event.value.endswith(os.sep) and path is not None and path.is_dir()
        if typed_folder and Path(tree.path) != path:
            tree.path = path

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-go")
    def _go(self) -> None:
        path = self.query_one("#import-path", PathInput).path
        if path is not None:
            self.app.start_import([path])

    def action_into_tree(self) -> None:
        self.query_one("#import-tree", VisibleTree).focus()

    @on(Button.Pressed, "#import-close")
    def _close(self) -> None:
        self.dismiss()
