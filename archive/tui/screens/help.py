"""The help screen: the keys of the screen below (with their ids, for remapping) and the
query language, with examples."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..bindings import actions
from ..keymap import keymap_path

QUERY_EXAMPLES = [
    ("north korea", "both words, anywhere (stemmed: 'talks' finds 'talk')"),
    ('"maximum pressure"', "the exact phrase"),
    ('"pressure campaign"~3', "the words within 3 of each other"),
    ("korea OR japan", "either word; AND and NOT work too"),
    ("sanctions -trade", "without the word 'trade'"),
    ("press*  presure~", "a prefix; a misspelling (fuzzy)"),
    ("title:(korea talks)", "in the title (also author: site: section: url: tag: lang: dek:)"),
    ("date:2019-07", "dated July 2019: published, else saved (also 2019, or 2019-07-31)"),
    ("date:2019-01..2019-06", "in a range; open ranges: 2019.. or ..2019-06"),
    ("published:2019  saved:2026", "only the published date; only the day it was saved"),
    ("tag:to-read", "tagged 'to-read'"),
    ("korea^2 talks", "'korea' counts double"),
]


def keys_table(screen: Screen[object]) -> Table:
    """The bindings active on ``screen``, as the keymap has them now."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", style="bold cyan", no_wrap=True)
    table.add_column("Does")
    table.add_column("Binding id", style="dim")
    for action in actions(screen):
        table.add_row(action.key, action.binding.description, action.binding.id or "")
    return table


def query_table() -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold green", no_wrap=True)
    table.add_column()
    for example, meaning in QUERY_EXAMPLES:
        table.add_row(example, meaning)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__(classes="dialog")
        self.below = below

    def compose(self) -> ComposeResult:
        body = Group(
            Text.assemble(("Clippings — help", "bold"), ("   Escape closes it", "dim")),
            Text(""),
            Text("Keys", style="bold underline"),
            keys_table(self.below),
            Text(""),
            Text("Searching", style="bold underline"),
            Text("Type to search; results follow each keystroke. Up/Down choose, Enter reads."),
            query_table(),
            Text(""),
            Text("Ctrl+P opens the command palette (every action, and themes).", style="dim"),
            Text(f"Remap keys in {keymap_path()}, e.g.", style="dim"),
            Text('  [keymap]\n  "search.sort" = "f5"', style="dim"),
        )
        with VerticalScroll(classes="dialog-box help-box"):
            yield Static(body, id="help-body")
