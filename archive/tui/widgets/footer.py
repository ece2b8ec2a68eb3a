"""The footer: the screen's keys, as many as fit whole.

Textual's footer lays its keys out in a row and cuts the row at the edge, mid-word ("^o Impor"
at 80 columns), which reads as a fault. This one is compact (one space between keys) and
leaves out, from the end, the keys that would not fit whole. Every key is still in the
command palette (Ctrl+P) and the help screen (F1).
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter

# the command palette's key, docked at the right: its class in Textual's footer
_PALETTE = "-command-palette"
# the key that tells of all the others: shown whatever else is left out
_KEPT = {"help", "app.help"}


class Footer(TextualFooter):
    """A compact footer showing, in order, the keys that fit whole (Help always)."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """Show the keys, in order, while each fits whole beside the palette's key and Help."""
        keys = list(self.query("FooterKey"))  # (by name: Textual does not export its class)
        kept = [key for key in keys if key.has_class(_PALETTE) or _action(key) in _KEPT]
        room = self.size.width - sum(_width(key) for key in kept)
        used, fits = 0, True
        for key in keys:
            if key in kept:
                continue
            used += _width(key)
            fits = fits and used <= room
            key.display = fits


def _action(key: Widget) -> str | None:
    return getattr(key, "action", None)


def _width(key: Widget) -> int:
    """The columns ``key`` takes: its text and its margins (its borders, the palette's bar)."""
    styles = key.styles
    return (
        key.render().cell_len
        + styles.margin.left
        + styles.margin.right
        + styles.border.spacing.left
        + styles.border.spacing.right
    )
