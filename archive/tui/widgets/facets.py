"""The side panel: the saved searches with how many clippings each matches now, then counts by
site, year, tag and language for the current query.

Names, queries and values are the user's and the pages' text: shown as ``Text``, never markup.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...api import Facets
from ...index.analysis import language_name
from ...models import SavedSearch
from ...render import safe

TITLES = {"site": "Site", "year": "Year", "tag": "Tag", "language": "Language"}
SAVED = "saved"  # the saved searches' options have the ids "saved\x00<name>"
# characters a value and its count take in the panel before it is laid out (30 columns, less
# its frame and a scroll bar)
LABEL_WIDTH = 24
SAVED_TITLE = "Saved searches"
NAME_SHOWN = 20  # characters of a saved search's name: its count stays in view

SavedCounts = list[tuple[SavedSearch, int | None]]  # None: the query can't be read any more


def facet_filter(name: str, value: str) -> str:
    """The query words that narrow results to one facet value (what a user would type)."""
    field = {"site": "site", "year": "date", "tag": "tag", "language": "lang"}[name]
    value = safe(value)
    if name == "year" or (value.replace("-", "").isalnum() and " " not in value):
        return f"{field}:{value}"
    return f'{field}:"{value.replace(chr(34), "")}"'


def saved_label(saved: SavedSearch, count: int | None) -> Text:
    """A saved search's name and its count, as plain text ("?": its query no longer reads)."""
    name = safe(saved.name)
    if len(name) > NAME_SHOWN:
        name = name[: NAME_SHOWN - 1].rstrip() + "…"
    label = Text(name, no_wrap=True)
    if count is None:
        label.append(" ?", style="red")
    else:
        label.append(f" {count:,}", style="dim")
    return label


class FacetPanel(OptionList):
    """Select an entry (Enter or a click): a saved search runs, a facet value narrows the
    results to it. Delete forgets the chosen saved search (after asking)."""

    BINDINGS = [
        Binding(
            "delete",
            "forget",
            "Forget search",
            tooltip="Forget the chosen saved search",
            id="facets.forget_saved",
        ),
        Binding("escape", "leave", "Back to the query", id="facets.leave"),
    ]

    @dataclass
    class Selected(Message):
        filter: str  # e.g. ``site:"The Guardian"``

    class Leave(Message):
        """Escape: back to the query box (the panel stays open)."""

    @dataclass
    class Typed(Message):
        """A character typed in the panel: it belongs to the query (it was lost)."""

        character: str

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    async def _on_key(self, event: Key) -> None:
        if event.is_printable and event.character and event.character != " ":
            event.prevent_default()
            event.stop()
            self.post_message(self.Typed(event.character))
            return
        await super()._on_key(event)

    @dataclass
    class SavedChosen(Message):
        """A saved search was selected: run its query."""

        saved: SavedSearch

    @dataclass
    class ForgetRequested(Message):
        """Delete on a saved search: forget it, once the user says so."""

        saved: SavedSearch

    def __init__(self, *content: Any, **options: Any) -> None:
        super().__init__(*content, **options)
        self._facets: Facets | None = None  # None: not counted yet
        self._saved: SavedCounts = []

    @property
    def saved(self) -> SavedCounts:
        """The saved searches shown, with their counts."""
        return list(self._saved)

    def show(self, facets: Facets) -> None:
        self._facets = facets
        self._rebuild()

    def show_saved(self, counts: SavedCounts) -> None:
        self._saved = list(counts)
        self._rebuild()

    def _rebuild(self) -> None:
        options: list[Option | None] = []
        if self._saved:
            options.append(Option(Text(SAVED_TITLE, style="bold"), disabled=True))
            for saved, count in self._saved:
                options.append(Option(saved_label(saved, count), id=f"{SAVED}\x00{saved.name}"))
        facets_shown = False
        for name, title in TITLES.items():
            values = (self._facets or {}).get(name, [])
            if not values:
                continue
            if options:
                options.append(None)
            facets_shown = True
            options.append(Option(Text(title, style="bold"), disabled=True))
            width = self._label_width()
            for value, count in values:
                shown, number = safe(value), f" {count:,}"
                if name == "language" and language_name(value) != value:
                    shown = f"{language_name(value)} ({shown})"  # English (en)
                room = width - len(number)
                if len(shown) > room:  # one line each, the count kept in view
                    shown = shown[: room - 1].rstrip() + "…"
                label = Text(shown, no_wrap=True)
                label.append(number, style="dim")
                options.append(Option(label, id=f"{name}\x00{value}"))
        if self._facets is not None and not facets_shown:
            if options:
                options.append(None)
            options.append(Option(Text("no facets", style="dim"), disabled=True))
        chosen = self._chosen_id()
        self.set_options(options)
        if chosen is not None:  # the same entry stays chosen when the counts change
            with contextlib.suppress(OptionDoesNotExist):
                self.highlighted = self.get_option_index(chosen)

    def _label_width(self) -> int:
        """The columns a value and its count may take: the panel's, less its frame, its
        padding and a scroll bar's room (a count pushed onto a line of its own read as an
        entry); ``LABEL_WIDTH`` before the panel is laid out."""
        inner = self.content_region.width - self.styles.scrollbar_size_vertical
        return max(8, inner - 1) if self.content_region.width else LABEL_WIDTH

    def on_resize(self) -> None:
        if self._facets is not None:
            self._rebuild()

    def _chosen_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _saved_by_id(self, option_id: str | None) -> SavedSearch | None:
        kind, _, name = (option_id or "").partition("\x00")
        if kind != SAVED:
            return None
        return next((saved for saved, _ in self._saved if saved.name == name), None)

    def on_focus(self) -> None:
        if self.highlighted is None or self.get_option_at_index(self.highlighted).disabled:
            first = next(
                (i for i in range(self.option_count) if not self.get_option_at_index(i).disabled),
                None,
            )
            if first is not None:
                self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        saved = self._saved_by_id(event.option.id)
        if saved is not None:
            self.post_message(self.SavedChosen(saved))
            return
        name, _, value = (event.option.id or "").partition("\x00")
        if name in TITLES:
            self.post_message(self.Selected(facet_filter(name, value)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()  # Delete is offered on a saved search only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forget":
            return self._saved_by_id(self._chosen_id()) is not None
        return True

    def action_forget(self) -> None:
        saved = self._saved_by_id(self._chosen_id())
        if saved is not None:
            self.post_message(self.ForgetRequested(saved))
