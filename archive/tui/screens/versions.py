"""The saves of the page being read (the same URL saved again): the one listed first, then the
older ones, newest first, read in a worker; Enter reads the one chosen, Escape goes back."""

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

from ...models import Clipping, ClippingsError
from ...render import safe


class VersionsScreen(ModalScreen[int | None]):
    """Lists the saves of clipping ``clipping_id``'s page; dismisses with the chosen id."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="versions.back")]

    @dataclass
    class Found(Message):
        saves: list[Clipping]
        error: str = ""

    def __init__(self, clipping_id: int, title: str) -> None:
        super().__init__(classes="dialog")
        self.clipping_id = clipping_id
        self.clipping_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box similar-box"):
            yield Static(Text.assemble(("Saves of ", "bold"), (self.clipping_title, "italic")))
            yield OptionList(id="versions")
            yield Static(Text("Looking…", style="dim"), id="versions-status")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._find()

    @work(thread=True, exclusive=True, group="versions", exit_on_error=False)
    def _find(self) -> None:
        try:
            saves = self.app.archive.versions(self.clipping_id)
        except ClippingsError as error:
            self.post_message(self.Found([], str(error)))
            return
        except Exception as error:
            self.post_message(self.Found([], f"unexpected {type(error).__name__}"))
            return
        self.post_message(self.Found(saves))

    def on_versions_screen_found(self, message: Found) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for number, save in enumerate(message.saves):
            prompt = Text(f"#{save.id}  ", style="cyan")
            prompt.append(f"saved {safe((save.saved or '')[:16].replace('T', ' '))}  ")
            prompt.append("listed and searched" if number == 0 else "older", style="dim")
            if save.id == self.clipping_id:
                prompt.append("  (reading)", style="italic")
            prompt.append("\n")
            prompt.append(safe(save.title) or "(untitled)", style="bold")
            options.add_option(Option(prompt, id=str(save.id)))
        if message.error:
            status = Text(safe(message.error), style="bold red")
        elif len(message.saves) > 1:
            status = Text("Enter reads it · Escape goes back", style="dim")
        else:
            status = Text("Saved once: no other version", style="dim")
        self.query_one("#versions-status", Static).update(status)
        if message.saves:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
