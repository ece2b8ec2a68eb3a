"""The saves of the page being read (the same URL saved again): the one listed first, then the
others, newest first."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets.option_list import Option

from ...models import Clipping
from ...render import safe, version_mark
from .picker import PickScreen


class VersionsScreen(PickScreen):
    """The saves of clipping ``clipping_id``'s page."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="versions.back")]
    HEADING = "Saves of "
    NOTHING = "Saved once: no other version"

    def find(self) -> list[object]:
        saves = list(self.app.archive.versions(self.clipping_id))
        self.shown: Clipping | None = saves[0] if saves else None
        return saves

    def enough(self, items: list[object]) -> bool:
        return len(items) > 1

    def option(self, number: int, item: object) -> Option:
        save: Clipping = item  # type: ignore[assignment]
        prompt = Text(f"#{save.id}  ", style="cyan")
        prompt.append(f"saved {safe((save.saved or '')[:16].replace('T', ' '))}  ")
        if number == 0 or self.shown is None:
            prompt.append("listed and searched", style="dim")
        else:
            prompt.append(version_mark(save, self.shown), style="dim")
        if save.id == self.clipping_id:
            prompt.append("  (reading)", style="italic")
        prompt.append("\n")
        prompt.append(safe(save.title) or "(untitled)", style="bold")
        return Option(prompt, id=str(save.id))
