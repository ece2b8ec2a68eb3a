"""A list of clippings to pick from, over the reader: found in a worker, Enter reads the one
chosen, Escape goes back. More like this (``similar``) and the saves of a page
(``versions``) are two."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...models import ClippingsError
from ...render import safe
from ..widgets.footer import Footer


class PickScreen(ModalScreen[int | None]):
    """Lists what ``find`` gives for clipping ``clipping_id`` as ``option``s; dismisses with
    the chosen clipping's id. A subclass names its ``HEADING``, its ``NOTHING`` (the status of
    an empty list) and its ``Binding`` of Escape to ``cancel``."""

    HEADING = ""
    NOTHING = ""

    @dataclass
    class Found(Message):
        items: list[object]
        error: str = ""

    def __init__(self, clipping_id: int, title: str) -> None:
        super().__init__(classes="dialog")
        self.clipping_id = clipping_id
        self.clipping_title = title

    def find(self) -> list[object]:
        """The items to list (in a worker thread)."""
        raise NotImplementedError

    def option(self, number: int, item: object) -> Option:
        """The row of the ``number``-th item; its id the clipping's."""
        raise NotImplementedError

    def enough(self, items: list[object]) -> bool:
        """Whether there is something to pick among ``items``."""
        return bool(items)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box similar-box"):
            yield Static(Text.assemble((self.HEADING, "bold"), (self.clipping_title, "italic")))
            yield OptionList(id="picks")
            yield Static(Text("Looking…", style="dim"), id="picks-status")
        yield Footer()  # this dialog's keys (the screen's below told of its own)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._find()

    @work(thread=True, exclusive=True, group="pick", exit_on_error=False)
    def _find(self) -> None:
        try:
            items = self.find()
        except ClippingsError as error:
            self.post_message(self.Found([], str(error)))
            return
        except Exception as error:
            self.post_message(self.Found([], f"unexpected {type(error).__name__}"))
            return
        self.post_message(self.Found(items))

    def on_pick_screen_found(self, message: Found) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for number, item in enumerate(message.items):
            options.add_option(self.option(number, item))
        if message.error:
            status = Text(safe(message.error), style="bold red")
        elif self.enough(message.items):
            status = Text("Enter reads it · Escape goes back", style="dim")
        else:
            status = Text(self.NOTHING, style="dim")
        self.query_one("#picks-status", Static).update(status)
        if message.items:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
