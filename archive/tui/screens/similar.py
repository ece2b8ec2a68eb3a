"""More like this: the clippings closest to the one being read."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets.option_list import Option

from ...models import Hit
from ...render import byline, safe
from .picker import PickScreen

SIMILAR_SHOWN = 12


class SimilarScreen(PickScreen):
    """The clippings most like clipping ``clipping_id``."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="similar.back")]
    HEADING = "More like "
    NOTHING = "Nothing like it in the archive"

    def find(self) -> list[object]:
        return list(self.app.archive.similar(self.clipping_id, limit=SIMILAR_SHOWN))

    def option(self, number: int, item: object) -> Option:
        hit: Hit = item  # type: ignore[assignment]
        prompt = Text(safe(hit.clipping.title) or "(untitled)", style="bold")
        prompt.append("\n")
        prompt.append_text(byline(hit.clipping))
        return Option(prompt, id=str(hit.clipping.id))
