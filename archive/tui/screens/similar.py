"""More like this: the clippings closest to the one being read, found in a worker; Enter reads
the one chosen, Escape goes back."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...models import ClippingsError, Hit
from ...render import byline, safe

SIMILAR_SHOWN = 12


class SimilarScreen(ModalScreen[int | None]):
    """Lists the clippings most like clipping ``clipping_id``; dismisses with the chosen id."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="similar.back")]

    @dataclass
    class Found(Message):
        hits: list[Hit]
        error: str = ""

    def __init__(self, clipping_id: int, title: str) -> None:
        super().__init__(classes="dialog")
        self.clipping_id = clipping_id
        self.clipping_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box similar-box"):
            yield Static(Text.assemble(("More like ", "bold"), (self.clipping_title, "italic")))
            yield OptionList(id="similar")
            yield Static(Text("Looking…", style="dim"), id="similar-status")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._find()

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def _find(self) -> None:
        try:
            hits = self.app.archive.similar(self.clipping_id, limit=SIMILAR_SHOWN)
        except ClippingsError as error:
            self.post_message(self.Found([], str(error)))
            return
        except Exception as error:
            self.post_message(self.Found([], f"unexpected {type(error).__name__}"))
            return
        self.post_message(self.Found(hits))

    def on_similar_screen_found(self, message: Found) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for hit in message.hits:
            prompt = Text(safe(hit.clipping.title) or "(untitled)", style="bold")
            prompt.append("\n")
            prompt.append_text(byline(hit.clipping))
            options.add_option(Option(prompt, id=str(hit.clipping.id)))
        if message.error:
            status = Text(safe(message.error), style="bold red")
        elif message.hits:
            status = Text("Enter reads it · Escape goes back", style="dim")
        else:
            status = Text("Nothing like it in the archive", style="dim")
        self.query_one("#similar-status", Static).update(status)
        if message.hits:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
