"""The reader: one clipping as a clean article, with the query's words highlighted.

``n``/``N`` step through the highlights, ``/`` finds text, ``o`` opens the saved page in the
browser, ``y`` copies the URL, ``t`` edits tags, ``e`` the note, ``m`` lists more like it,
``v`` the other saves of its page, ``d`` deletes (after asking).

Without a desktop (over SSH), Python's ``webbrowser`` picks a text browser (w3m, lynx), which
needs the terminal: the app is suspended while it runs, and comes back when it is quit.
"""

from __future__ import annotations

import contextlib
import shlex
import subprocess
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from ...models import Clipping, ClippingsError
from ...render import safe
from ..blocks import Block, literal_pattern, words_pattern
from ..messages import ClippingChanged
from ..widgets.article import ArticleView, article_blocks, header_text
from ..widgets.footer import Footer
from .dialogs import ConfirmScreen, NoteScreen, TagsScreen
from .similar import SimilarScreen
from .versions import VersionsScreen


class ReaderScreen(Screen[None]):
    # (short names: the footer shows them all on one line, 120 columns; the tooltips and the
    # help say more)
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the results", id="reader.back"),
        Binding(
            "n",
            "jump(1)",
            "Next",
            tooltip="The next highlighted word",
            id="reader.next_match",
        ),
        Binding(
            "N",
            "jump(-1)",
            "Previous",
            key_display="N",
            tooltip="The previous highlighted word",
            id="reader.previous_match",
        ),
        Binding(
            "slash",
            "find",
            "Find",
            key_display="/",
            tooltip="Find in the article",
            id="reader.find",
        ),
        Binding(
            "o",
            "open_original",
            "Browser",
            tooltip="Open the saved page in your browser",
            id="reader.open_original",
        ),
        Binding("y", "copy_url", "Copy URL", tooltip="Copy the page's URL", id="reader.copy_url"),
        Binding("t", "tags", "Tags", tooltip="Edit this clipping's tags", id="reader.tags"),
        Binding("e", "note", "Note", tooltip="Write this clipping's note", id="reader.note"),
        Binding(
            "m",
            "similar",
            "Similar",
            tooltip="The clippings most like this one",
            id="reader.similar",
        ),
        Binding(
            "d", "delete", "Delete", tooltip="Delete this clipping (asks first)", id="reader.delete"
        ),
        Binding(
            "v",
            "versions",
            "Versions",
            show=False,
            tooltip="The other saves of this page (the same URL saved again)",
            id="reader.versions",
        ),
        Binding("space", "page(1)", "Page down", show=False, id="reader.page_down"),
        # (F1 says Help in the footer already)
        Binding("question_mark", "app.help", "Help", key_display="?", show=False, id="reader.help"),
    ]

    @dataclass
    class Loaded(Message):
        clipping: Clipping | None
        words: set[str]
        error: str = ""
        blocks: list[Block] | None = None
        versions: list[int] | None = None
        files: int = 0

    def __init__(self, clipping_id: int, query: str = "") -> None:
        super().__init__()
        self.clipping_id = clipping_id
        self.search_query = query
        self.clipping: Clipping | None = None
        self.query_words: set[str] = set()
        self.versions: list[int] = []  # the ids of its page's saves, the current first
        self.files = 0  # how many files of its Page_files/ folder are kept with it
        self.found = ""  # what / found, its box put away: n/N step through it until Escape

    def compose(self) -> ComposeResult:
        yield Header()
        yield ArticleView(id="article")
        yield Input(placeholder="Find in the article (Enter: go, Escape: close)", id="find")
        yield Static(Text("Loading…", style="dim"), id="reader-status")
        yield Footer()

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def find_box(self) -> Input:
        return self.query_one("#find", Input)

    def on_mount(self) -> None:
        self.find_box.display = False
        self.article.focus()
        self._load()

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def _load(self) -> None:
        archive = self.app.archive
        try:
            clipping = archive.get(self.clipping_id)
            words = archive.words_matching(
                self.search_query, clipping.text, language=clipping.language, as_you_type=True
            )
            blocks = article_blocks(clipping)
            versions = [saved.id for saved in archive.versions(self.clipping_id)]
            files = archive.files_kept(self.clipping_id)
        except ClippingsError as error:
            self.post_message(self.Loaded(None, set(), str(error)))
            return
        except Exception as error:
            self.post_message(self.Loaded(None, set(), f"unexpected {type(error).__name__}"))
            return
        loaded = self.Loaded(clipping, words, blocks=blocks, versions=versions, files=files)
        self.post_message(loaded)

    async def on_reader_screen_loaded(self, message: Loaded) -> None:
        if message.clipping is None:
            self._status(Text(safe(message.error), style="bold red"))
            return
        self.clipping = message.clipping
        self.query_words = message.words
        self.versions = message.versions or []
        self.files = message.files
        pattern = words_pattern(message.words)
        await self.article.show(
            message.clipping, pattern, message.blocks, self.versions, self.files
        )
        self._status()

    # -- changes made elsewhere --------------------------------------------------------------

    def catalog_changed(self) -> None:
        """The catalog changed (another program, another screen): the header follows."""
        if self.clipping is not None:
            self._reread()

    @work(thread=True, exclusive=True, group="reread", exit_on_error=False)
    def _reread(self) -> None:
        try:
            clipping = self.app.archive.get(self.clipping_id)
            versions = [saved.id for saved in self.app.archive.versions(self.clipping_id)]
        except Exception:  # (deleted meanwhile: the header stays as it was read)
            return
        self.app.call_from_thread(self._reread_done, clipping, versions)

    def _reread_done(self, clipping: Clipping, versions: list[int]) -> None:
        if (clipping.tags, clipping.note, clipping.title, versions) == (
            self.clipping.tags if self.clipping else None,
            self.clipping.note if self.clipping else None,
            self.clipping.title if self.clipping else None,
            self.versions,
        ):
            return
        self.clipping, self.versions = clipping, versions
        self._update_header()

    def _update_header(self) -> None:
        if self.clipping is not None:
            header = header_text(self.clipping, self.versions, self.files)
            self.query_one("#article-header", Static).update(header)

    def _status(self, text: Text | None = None) -> None:
        if text is None:
            text = Text(f"#{self.clipping_id}", style="dim")
            count = self.article.match_count
            what = self.find_box.value.strip() if self.find_box.display else self.found
            what = what or ("" if self.find_box.display else self.search_query)
            if count and what:
                current = self.article.current_match
                text.append("  ")
                position = f"{current + 1} of {count}" if current >= 0 else f"{count}"
                noun = "match" if count == 1 else "matches"
                text.append(f"{position} {noun} for ", style="bold")
                text.append(safe(what), style="bold italic")
                text.append(
                    f"  ({self._keys_for('reader.next_match', 'reader.previous_match')})",
                    style="dim",
                )
            elif what and self.find_box.display:  # (a query may have matched elsewhere:
                text.append("  no matches for ")  # its title, a field, a tag)
                text.append(safe(what), style="italic")
        self.query_one("#reader-status", Static).update(text)

    def _keys_for(self, *binding_ids: str) -> str:
        """The keys that do these bindings now (``keymap.toml`` may have moved them): "n/N"."""
        # the screen's own bindings, the keymap applied as Textual applies it (not the active
        # ones: with the find box focused they are its own, and the status said "(?/?)")
        mine = self._bindings.copy()
        if self.app._keymap:
            mine.apply_keymap(self.app._keymap)
        shown = []
        for binding_id in binding_ids:
            keys = [
                self.app.get_key_display(binding)
                for bindings in mine.key_to_bindings.values()
                for binding in bindings
                if binding.id == binding_id
            ]
            shown.append(keys[0] if keys else "?")
        return "/".join(shown)

    # -- moving ------------------------------------------------------------------------------

    def action_jump(self, step: int) -> None:
        if self.article.jump(step) >= 0:
            self._status()
            return
        self.app.bell()
        what = self.found or self.search_query.strip()
        if self.article.match_count or not what:
            self._status()
            return
        # the query matched the clipping elsewhere (its title, a field, a tag): n found nothing
        text = Text(f"#{self.clipping_id}", style="dim")
        text.append("  no match in the article's text for ")
        text.append(safe(what), style="italic")
        self.query_one("#reader-status", Static).update(text)

    def action_page(self, pages: int) -> None:
        if pages > 0:
            self.article.scroll_page_down(animate=False)
        else:
            self.article.scroll_page_up(animate=False)

    def action_back(self) -> None:
        if self.find_box.display or self.found:
            self._close_find()
        else:
            self.dismiss()

    # -- find in the article -----------------------------------------------------------------

    def action_find(self) -> None:
        self.find_box.display = True
        self.find_box.value = self.found  # the last word found, to edit or type over
        self.find_box.focus()

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        if not self.find_box.display:  # the box was just closed and emptied
            return
        self.article.set_pattern(literal_pattern(event.value))
        self._status()

    @on(Input.Submitted, "#find")
    def _find_go(self) -> None:
        """Enter: the first match, the box put away (as in less): n/N go on through the
        matches, the status line says which, Escape goes back to the query's words. With no
        match the box stays, to be written again."""
        if self.article.match_count and self.find_box.value.strip():
            self.found = self.find_box.value.strip()
            self.find_box.display = False
        self.article.focus()
        self.action_jump(1)

    def _close_find(self) -> None:
        self.found = ""
        self.find_box.value = ""
        self.find_box.display = False
        self.article.set_pattern(words_pattern(self.query_words))
        self.article.focus()
        self._status()

    # -- acting on the clipping --------------------------------------------------------------

    def action_open_original(self) -> None:
        if self.clipping is not None:
            self._open_original(self.clipping.id)

    @work(thread=True, group="open", exit_on_error=False)
    def _open_original(self, clipping_id: int) -> None:
        try:
            path = self.app.archive.viewable_original(clipping_id)
            browser = webbrowser.get()
        except webbrowser.Error:
            self.app.call_from_thread(self._tell, f"No browser found. The saved page: {path}")
            return
        except (ClippingsError, OSError) as error:
            self.app.call_from_thread(self._tell, f"Can't open the original: {error}", "error")
            return
        command = _in_terminal(browser, path.as_uri())
        if command:
            self.app.call_from_thread(self._open_in_terminal, command, path)
            return
        try:
            opened = browser.open(path.as_uri())
        except (OSError, webbrowser.Error) as error:
            self.app.call_from_thread(self._tell, f"Can't open the original: {error}", "error")
            return
        if opened and self.app.archive.original_state(clipping_id) == "damaged":
            said = "Opened the saved page, but its stored copy is damaged: 'clippings check'"
            self.app.call_from_thread(self._tell, f"{said} says how to get it back", "warning")
        elif opened:
            self.app.call_from_thread(self._tell, "Opened the saved page in your browser")
        else:
            self.app.call_from_thread(self._tell, f"No browser found. The saved page: {path}")

    def _open_in_terminal(self, command: list[str], path: Path) -> None:
        """Run a text browser in this terminal, the app suspended until it is quit."""
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:  # (a terminal the app can't hand over)
            self._tell(f"The saved page: {path}")
        except OSError as error:
            self._tell(f"Can't open the original: {error}", "error")

    def _tell(self, message: str, severity: str = "information") -> None:
        self.notify(safe(message), severity=severity, markup=False)

    def action_copy_url(self) -> None:
        if self.clipping is None or not self.clipping.url:
            self._tell("This clipping has no URL", "warning")
            return
        self.app.copy_to_clipboard(safe(self.clipping.url))
        self._tell("Copied the URL")

    def _fresh(self) -> Clipping | None:
        """The clipping as the catalog has it now: tags or a note given elsewhere meanwhile
        (``clippings tag``, another window) are in what the dialog shows, not lost when it
        saves what this screen read when it opened."""
        if self.clipping is None:
            return None
        with contextlib.suppress(ClippingsError):  # (deleted meanwhile: saving will say so)
            self.clipping = self.app.archive.get(self.clipping_id)
        return self.clipping

    def action_tags(self) -> None:
        if (clipping := self._fresh()) is not None:
            title = safe(clipping.title) or "(untitled)"
            self.app.push_screen(TagsScreen(title, clipping.tags), self._save_tags)

    def _save_tags(self, tags: list[str] | None) -> None:
        if tags is not None:
            self._set_tags(tags)

    @work(thread=True, group="tags", exit_on_error=False)
    def _set_tags(self, tags: list[str]) -> None:
        try:
            clipping = self.app.archive.set_tags(self.clipping_id, tags)
        except ClippingsError as error:
            self.app.call_from_thread(self._tell, f"Tags not saved: {error}", "error")
            return
        self.app.call_from_thread(self._changed, clipping, "Tags saved")

    def _changed(self, clipping: Clipping, done: str) -> None:
        """Its tags or note saved: the header shows them, the results follow."""
        self.clipping = clipping
        self._update_header()
        self.app.post_message(ClippingChanged(clipping.id))
        self._tell(done)

    def action_note(self) -> None:
        if (clipping := self._fresh()) is not None:
            title = safe(clipping.title) or "(untitled)"
            self.app.push_screen(NoteScreen(title, clipping.note), self._save_note)

    def _save_note(self, note: str | None) -> None:
        if note is not None and self.clipping is not None and note != self.clipping.note:
            self._set_note(note)

    @work(thread=True, group="note", exit_on_error=False)
    def _set_note(self, note: str) -> None:
        try:
            clipping = self.app.archive.set_note(self.clipping_id, note)
        except ClippingsError as error:
            self.app.call_from_thread(self._tell, f"Note not saved: {error}", "error")
            return
        self.app.call_from_thread(self._changed, clipping, "Note saved" if note else "Note removed")

    def action_similar(self) -> None:
        if self.clipping is not None:
            title = safe(self.clipping.title) or "(untitled)"
            self.app.push_screen(SimilarScreen(self.clipping.id, title), self._read_similar)

    def _read_similar(self, clipping_id: int | None) -> None:
        if clipping_id is not None:  # read it on top of this one: Escape comes back here
            self.app.push_screen(ReaderScreen(clipping_id))

    def action_versions(self) -> None:
        if self.clipping is not None:
            title = safe(self.clipping.title) or "(untitled)"
            self.app.push_screen(VersionsScreen(self.clipping.id, title), self._read_version)

    def _read_version(self, clipping_id: int | None) -> None:
        if clipping_id is not None and clipping_id != self.clipping_id:
            self.app.push_screen(ReaderScreen(clipping_id))

    def action_delete(self) -> None:
        if self.clipping is None:
            return
        question = Text.assemble(
            "Delete ",
            (safe(self.clipping.title) or "(untitled)", "bold"),
            f" (#{self.clipping.id}) and its saved page? This cannot be undone.",
        )
        self.app.push_screen(ConfirmScreen(question), self._confirmed_delete)

    def _confirmed_delete(self, confirmed: bool | None) -> None:
        if confirmed:
            self._delete(self.clipping_id)

    @work(thread=True, group="delete", exit_on_error=False)
    def _delete(self, clipping_id: int) -> None:
        try:
            self.app.archive.remove(clipping_id)
        except ClippingsError as error:
            self.app.call_from_thread(self._tell, f"Not deleted: {error}", "error")
            return
        self.app.call_from_thread(self._deleted, clipping_id)

    def _deleted(self, clipping_id: int) -> None:
        self.app.post_message(ClippingChanged(clipping_id, removed=True))
        self._tell(f"Deleted clipping #{clipping_id}")
        self.dismiss()


# the text browsers Python's ``webbrowser`` may pick (it runs them as it would a desktop one,
# in the background: they would draw over the app and fight it for the keys)
TEXT_BROWSERS = frozenset({"www-browser", "w3m", "lynx", "links", "links2", "elinks", "browsh"})


def _in_terminal(browser: webbrowser.BaseBrowser, uri: str) -> list[str] | None:
    """The command that opens ``uri`` in ``browser`` when it is a text browser, else None."""
    if type(browser) is not webbrowser.GenericBrowser:
        return None
    program = shlex.split(browser.name)[:1] if browser.name else []
    if not program or Path(program[0]).name not in TEXT_BROWSERS:
        return None
    args = getattr(browser, "args", ["%s"])
    return [*shlex.split(browser.name)[:1], *(arg.replace("%s", uri) for arg in args)]
