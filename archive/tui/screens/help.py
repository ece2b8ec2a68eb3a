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

from ... import query_help
from ..bindings import actions
from ..keymap import keymap_path
from ..widgets.footer import Footer


def keys_table(screen: Screen[object]) -> Table:
    """The bindings active on ``screen``, as the keymap has them now."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", style="bold cyan", no_wrap=True)
    table.add_column("Does")
    table.add_column("Binding id", style="dim")
    for action in actions(screen):
        table.add_row(action.key, action.binding.description, action.binding.id or "")
    return table


def other_ids(screen: Screen[object]) -> Text:
    """The binding ids of the other screens and dialogs, with their keys: what ``keymap.toml``
    may remap, which this screen's table does not show."""
    from ..app import binding_owners  # (the app imports this screen)

    shown = {action.binding.id for action in actions(screen)}
    ids = sorted(
        {
            (binding.id, binding.key)
            for owner in binding_owners()
            for binding in vars(owner).get("BINDINGS", [])
            if isinstance(binding, Binding) and binding.id and binding.id not in shown
        }
    )
    return Text(", ".join(f"{name} ({key})" for name, key in ids), style="dim")


def query_table() -> Table:
    """The query language's examples (``clippings help query`` prints the same)."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold green", no_wrap=True)
    table.add_column()
    for heading, pairs in query_help.SECTIONS:
        table.add_row(Text(heading, style="italic"), "")
        for example, meaning in pairs:
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
            Text(query_help.INTRO, style="dim"),
            query_table(),
            Text(""),
            Text("Ctrl+P opens the command palette (every action, and themes).", style="dim"),
            Text(f"Remap keys in {keymap_path()}, e.g.", style="dim"),
            Text('  [keymap]\n  "search.sort" = "f5"', style="dim"),
            Text("The other screens' binding ids:", style="dim"),
            other_ids(self.below),
        )
        with VerticalScroll(classes="dialog-box help-box"):
            yield Static(body, id="help-body")
        yield Footer()  # this screen's keys (the screen's below told of its own)
