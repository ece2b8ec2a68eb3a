"""The facet panel: counts by site, year, tag and language for the current query."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...api import Facets
from ...render import safe

TITLES = {"site": "Site", "year": "Year", "tag": "Tag", "language": "Language"}


def facet_filter(name: str, value: str) -> str:
    """The query words that narrow results to one facet value (what a user would type)."""
    field = {"site": "site", "year": "date", "tag": "tag", "language": "lang"}[name]
    if name == "year" or (value.replace("-", "").isalnum() and " " not in value):
        return f"{field}:{value}"
    return f'{field}:"{value.replace(chr(34), "")}"'


class FacetPanel(OptionList):
    """Select a value (Enter or a click) to narrow the results to it."""

    @dataclass
    class Selected(Message):
        filter: str  # e.g. ``site:"The Guardian"``

    def show(self, facets: Facets) -> None:
        options: list[Option | None] = []
        for name, title in TITLES.items():
            values = facets.get(name, [])
            if not values:
                continue
            if options:
                options.append(None)
            options.append(Option(Text(title, style="bold"), disabled=True))
            for value, count in values:
                label = Text(safe(value)[:28], overflow="ellipsis", no_wrap=True)
                label.append(f" {count:,}", style="dim")
                options.append(Option(label, id=f"{name}\x00{value}"))
        if not options:
            options.append(Option(Text("no facets", style="dim"), disabled=True))
        self.set_options(options)

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
        name, _, value = (event.option.id or "").partition("\x00")
        if name in TITLES:
            self.post_message(self.Selected(facet_filter(name, value)))
