"""Small modal dialogs: confirm an action, edit a clipping's tags or its note, name a saved
search."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from ...models import SavedSearch
from ...render import safe


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; ``y``/Enter confirms, ``n``/Escape cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text, yes: str = "Delete") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question, classes="dialog-question")
            yield Static(Text(f"y: {self.yes.lower()} · n or Escape: cancel", style="dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button("Cancel", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class TagsScreen(ModalScreen[list[str] | None]):
    """Edit tags as a comma-separated list; Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, title: str, tags: list[str]) -> None:
        super().__init__(classes="dialog")
        self.clipping_title = title
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text.assemble(("Tags for ", "bold"), self.clipping_title))
            # the tags there, and room for one more: what is typed adds to them (it replaced
            # them all when the box came with its text selected)
            tags = "".join(f"{safe(tag)}, " for tag in self.tags)
            yield Input(
                tags, placeholder="politics, korea, to read", id="tags", select_on_focus=False
            )
            yield Static(
                Text("Comma-separated, kept in lower case. Enter saves, Escape cancels.", "dim")
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        box = self.query_one("#tags", Input)
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        value = self.query_one("#tags", Input).value
        self.dismiss([tag.strip() for tag in value.split(",") if tag.strip()])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Edit a clipping's note (any number of lines); Ctrl+S saves, Escape cancels. An empty
    note removes it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__(classes="dialog")
        self.clipping_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text.assemble(("Note on ", "bold"), self.clipping_title))
            yield TextArea(safe(self.note, block=True), id="note", soft_wrap=True)
            yield Static(Text("Ctrl+S saves, Escape cancels. Notes are searched.", "dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#note", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#note", TextArea).text.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveSearchScreen(ModalScreen[str | None]):
    """Asks the name to keep a query under (the query itself is offered); Enter saves,
    Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str) -> None:
        super().__init__(classes="dialog")
        self.search_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text.assemble(("Save the search ", "bold"), safe(self.search_text)))
            yield Input(
                safe(self.search_text)[: SavedSearch.NAME_MAX],
                placeholder="a name for it",
                max_length=SavedSearch.NAME_MAX,
                id="save-name",
            )
            yield Static(
                Text(
                    "Its name and count show in the side panel (Ctrl+F). "
                    "Enter saves, Escape cancels.",
                    "dim",
                )
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#save-name", Input).value.strip()
        if name:
            self.dismiss(name)
        else:
            self.app.bell()
            self.query_one("#save-name", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
