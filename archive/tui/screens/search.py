"""The home screen: the query box, the hits as you type, the side panel (saved searches and
facets) and a status line.

Each keystroke asks for a search. One search runs at a time, in a thread worker; keystrokes
that arrive meanwhile are folded into one follow-up search for the latest text, so fast typing
never queues work and the list never shows the answer to an older query (each request has a
generation number; results of any other generation are dropped).

Saved searches are counted in a worker of their own when the side panel shows, and again when
the archive changes (an import ended, tags changed, a clipping was deleted, one was saved).
"""

from __future__ import annotations

import re
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.worker import get_current_worker

from ...index import SORTS
from ...models import ClippingsError, SavedSearch, SavedSearchExists
from ...render import partial_heading, safe
from ..messages import (
    ClippingChanged,
    FacetsDone,
    ImportState,
    SavedCounted,
    SavedEdited,
    SearchDone,
)
from ..widgets.facets import FacetPanel
from ..widgets.footer import Footer
from ..widgets.results import ResultList
from .dialogs import ConfirmScreen, SaveSearchScreen

SORT_NAMES = {"saved": "recently saved"}  # how a sort is named in the status line
# hits fetched at a time (a screenful and more); the next page comes as the cursor nears the
# end. Each hit is laid out as wrapped text, so a smaller page repaints faster as you type.
PAGE = 20


class QueryInput(Input):
    """The query box. ``?`` in an empty box opens the help (elsewhere it is a wildcard)."""

    async def _on_key(self, event: Key) -> None:
        if event.character == "?" and not self.value:
            event.prevent_default()
            event.stop()
            await self.run_action("app.help")
            return
        await super()._on_key(event)


_LETTERS = re.compile(r"\w")  # (a letter alone, however marked: "e", '"t', "e-", "o'")


class SearchScreen(Screen[None]):
    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="search.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="search.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="search.page_up"),
        Binding("enter", "open", "Open", tooltip="Read the chosen clipping", id="search.open"),
        Binding("escape", "clear", "Clear", tooltip="Clear the query", id="search.clear"),
        Binding(
            "ctrl+s",
            "sort",
            "Sort",
            tooltip="Sort by relevance, newest, oldest, recently saved",
            id="search.sort",
        ),
        Binding(
            "ctrl+f",
            "toggle_facets",
            "Filters",
            tooltip="Show or hide saved searches and counts by site, year, tag, language",
            id="search.facets",
        ),
        Binding(
            "ctrl+b",
            "save_search",
            "Save search",
            tooltip="Keep the query under a name, listed with its count in the side panel",
            id="search.save",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "relevance"  # of a query's hits
        self.browse_sort = "saved"  # of the list with no query (nothing to rank)
        self.result_total = 0
        self.status_message: Text = Text("Opening the archive…", style="dim")
        self.error = ""
        self.suggestion: str | None = None
        self.partial = False  # no clipping has every word: the hits have some of them
        self.partial_phrases = 0  # ... or the phrases quoted as written: the hits have words
        self.unindexed = 0  # clippings the index is still catching up on
        self.outdated = False  # the previous version's index is searched while this one's is built
        # the text is a letter, or a word of two that nothing matched as a word, or a date or
        # a quote just begun: it is still being typed, so the hits of before stay ("No
        # clippings match" flashed)
        self.typing = False
        self._latest = 0  # generation of the latest request
        self._in_flight: int | None = None  # generation of the search in flight
        self._status_one_line = False  # (the status line was one line: see _update_status)
        self._on_screen = 0  # generation on screen
        self._searched_text = ""
        self._paging = False
        self._changed_at: float | None = None  # when the text changed that is not shown yet
        # seconds from the last shown change of the text to its results painted (bench/tui.py)
        self.latency: float | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # (focused again after a filter, a saved search or the reader, the query stays as it is,
        # the cursor at its end: not selected, which the next key would replace)
        yield QueryInput(
            placeholder="Search your clippings…  (F1 or ? for help)",
            id="query",
            select_on_focus=False,
        )
        yield Static(self.status_message, id="status")
        with Horizontal(id="panes"):
            yield FacetPanel(id="facets")
            yield ResultList(id="results")
        yield Footer()

    @property
    def query_box(self) -> QueryInput:
        return self.query_one("#query", QueryInput)

    @property
    def results(self) -> ResultList:
        return self.query_one("#results", ResultList)

    @property
    def facets(self) -> FacetPanel:
        return self.query_one("#facets", FacetPanel)

    def on_mount(self) -> None:
        self.query_box.focus()
        self.watch(self.app, "import_state", self._import_changed, init=False)
        self.watch(self.app, "watching", self._update_status, init=False)
        if self.app.archive is not None:
            self.request_search()

    # -- searching ---------------------------------------------------------------------------

    def archive_ready(self) -> None:
        self.request_search()
        self.refresh_saved()

    def archive_changed(self) -> None:
        """Clippings came, went or changed: the results, facets and saved counts follow."""
        self.request_search()
        self.refresh_saved()

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        if self._changed_at is None:
            self._changed_at = time.perf_counter()
        self.request_search()

    def request_search(self) -> None:
        """Search for the text in the box (now, or as soon as the running search ends)."""
        self._latest += 1
        if self._in_flight is None and self.app.archive is not None:
            self._start_search()

    def _start_search(self) -> None:
        self._in_flight = self._latest
        self._searched_text = self.query_box.value
        self._search(self._in_flight, self._searched_text, self._effective_sort())

    def _effective_sort(self) -> str:
        # with no query there is nothing to rank: the clippings saved last come first (a page
        # just saved, or arrived, is on top, whatever its date), or as chosen for that list;
        # a query's hits by relevance, or as chosen for them
        return self.sort if self._has_query() else self.browse_sort

    def _has_query(self) -> bool:
        return bool(self.query_box.value.strip())

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, generation: int, query: str, sort: str) -> None:
        archive = self.app.archive
        worker = get_current_worker()
        result, error, suggestion = None, "", None
        try:
            result = archive.search(query, limit=PAGE, sort=sort, as_you_type=True)
            few = not result.total or result.partial
            if few and query.strip() and not worker.is_cancelled:
                suggestion = archive.suggest(query, as_you_type=True)
        except ClippingsError as problem:
            error = str(problem)
        except Exception as problem:  # a bug: say so in the status line, keep the app alive
            error = f"unexpected {type(problem).__name__}: {problem}"
        self.post_message(SearchDone(generation, result, error, suggestion))

    def on_search_done(self, message: SearchDone) -> None:
        if message.append:
            self._paging = False
            if message.generation == self._on_screen and message.result:
                self.results.extend(message.result.hits)
            return
        self._in_flight = None
        latest = message.generation == self._latest
        if latest:
            self._show(message)
        if self._latest != message.generation:
            self._start_search()  # the text changed meanwhile: search for what is there now
        elif message.result is not None and self.facets.display:
            self._compute_facets(message.generation, message.result.query)

    def _show(self, message: SearchDone) -> None:
        self._on_screen = message.generation
        self.error = message.error
        self.suggestion = message.suggestion
        result = message.result
        # (a letter alone is the start of a word: a word of two, AI or EU, is shown if found)
        self.typing = (
            result is not None
            and result.too_short
            and (not result.total or len(_LETTERS.findall(result.query)) < 2)
        )
        if self.typing:
            self.suggestion = None
        elif result is not None:
            self.result_total = message.result.total
            self.partial = message.result.partial
            self.partial_phrases = message.result.phrases
            self.unindexed = message.result.unindexed
            self.outdated = message.result.outdated
            self.results.show(message.result.hits)
        self._update_status()
        if self._changed_at is not None:
            self.call_after_refresh(self._painted, self._changed_at)
            self._changed_at = None

    def _painted(self, changed_at: float) -> None:
        self.latency = time.perf_counter() - changed_at

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _compute_facets(self, generation: int, query: str) -> None:
        try:
            facets = self.app.archive.facets(query, as_you_type=True)
        except Exception:  # facets are a help, not essential: keep the last ones
            return
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsDone(generation, facets))

    def on_facets_done(self, message: FacetsDone) -> None:
        if message.generation == self._on_screen:
            self.facets.show(message.facets)

    @on(OptionList.OptionHighlighted, "#results")
    def _maybe_fetch_more(self, event: OptionList.OptionHighlighted) -> None:
        results = self.results
        near_end = event.option_index >= len(results.hits) - 3
        if near_end and len(results.hits) < self.result_total and not self._paging:
            self._paging = True
            self._more(
                self._on_screen, self._searched_text, self._effective_sort(), len(results.hits)
            )

    @work(thread=True, group="more", exit_on_error=False)
    def _more(self, generation: int, query: str, sort: str, offset: int) -> None:
        try:
            result = self.app.archive.search(
                query, limit=PAGE, offset=offset, sort=sort, as_you_type=True
            )
        except Exception:
            result = None
        self.post_message(SearchDone(generation, result, append=True))

    # -- the status line ---------------------------------------------------------------------

    def _update_status(self) -> None:
        query = self.query_box.value.strip()
        text = Text()
        if self.error:
            text.append(safe(self.error), style="bold red")
        elif self.typing:
            text.append(safe(query), style="bold italic")
            text.append("… (keep typing)", style="dim")
        elif self.partial:
            heading, have = partial_heading(self.partial_phrases)
            text.append(heading, style="bold")
            noun = "has" if self.result_total == 1 else "have"
            text.append(f" · {self.result_total:,} {noun} {have}", style="")
        elif self.result_total or not query:
            noun = ("clipping" if not query else "hit") + ("" if self.result_total == 1 else "s")
            text.append(f"{self.result_total:,} {noun}", style="bold")
            sort = self._effective_sort()
            text.append(f" · sorted by {SORT_NAMES.get(sort, sort)}", style="dim")
        else:
            text.append("No clippings match ", style="bold")
            text.append(safe(query), style="bold italic")
        if self.suggestion and not self.error:
            text.append("  Did you mean ", style="")
            text.append(safe(self.suggestion), style="bold underline")
            text.append("? (Enter)" if not self.result_total else "?", style="dim")
        state: ImportState = self.app.import_state
        if state.running:
            text.append(f"  · importing {state.done:,}/{state.total:,}", style="yellow")
        if self.outdated:
            text.append("  · previous version's index (building this one's)", style="yellow")
        elif self.unindexed:
            text.append(f"  · {self.unindexed:,} not searchable yet (indexing)", style="yellow")
        if self.app.watching:
            count = len(self.app.watching)
            text.append(f"  · watching {count} folder{'' if count == 1 else 's'}", style="dim")
        self.status_message = text
        status = self.query_one("#status", Static)
        # a line that stays one line needs no new layout of the screen: a few ms of the ~45
        # from a key to its results on screen (in process, 10,000 clippings)
        one_line = 0 < text.cell_len <= status.content_region.width
        status.update(text, layout=not (one_line and self._status_one_line))
        self._status_one_line = one_line

    def _import_changed(self, state: ImportState) -> None:
        self._update_status()
        if not state.running and state.report is not None:
            self.archive_changed()  # the import ended: show what it added

    # -- actions -----------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        results = self.results
        if not results.option_count:
            return
        current = results.highlighted if results.highlighted is not None else -1
        results.highlighted = max(0, min(results.option_count - 1, current + step))

    def action_open(self) -> None:
        if not self.result_total and self.suggestion:
            self.query_box.value = self.suggestion
            self.query_box.cursor_position = len(self.suggestion)
            return
        hit = self.results.selected_hit
        if hit is not None:
            self.app.open_reader(hit.clipping.id, self.query_box.value)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        self.action_open()

    @on(OptionList.OptionSelected, "#results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.open_reader(int(event.option.id), self.query_box.value)

    def action_clear(self) -> None:
        self.query_box.value = ""
        self.query_box.focus()

    def action_sort(self) -> None:
        """Relevance, newest, oldest, recently saved; with no query (nothing to rank) recently
        saved, newest and oldest."""
        current = self._effective_sort()
        choices = SORTS if self._has_query() else ("saved", "newest", "oldest")
        chosen = choices[(choices.index(current) + 1) % len(choices)]
        if self._has_query():
            self.sort = chosen
        else:
            self.browse_sort = chosen
        self.request_search()

    def action_toggle_facets(self) -> None:
        """Open the side panel and go to it (the arrows then move in it: they moved through
        the results behind it, and Enter opened one); from it, close it. Escape in the panel
        goes back to the query, the panel left open."""
        panel = self.facets
        if panel.display and not panel.has_focus:
            panel.focus()
            return
        panel.display = not panel.display
        if panel.display:
            panel.focus()
            self.request_search()
            self.refresh_saved()
        else:
            self.query_box.focus()

    @on(FacetPanel.Leave)
    def _leave_panel(self) -> None:
        self.query_box.focus()

    @on(FacetPanel.Typed)
    def _typed_in_panel(self, event: FacetPanel.Typed) -> None:
        """Back to the query box, the character typed added where its cursor is."""
        box = self.query_box
        box.focus()
        box.insert_text_at_cursor(event.character)

    @on(FacetPanel.Selected)
    def _narrow(self, event: FacetPanel.Selected) -> None:
        value = self.query_box.value.rstrip()
        if event.filter not in value:
            self.query_box.value = f"{value} {event.filter}".strip()
        self.query_box.cursor_position = len(self.query_box.value)
        self.query_box.focus()

    def on_clipping_changed(self, message: ClippingChanged) -> None:
        self.archive_changed()

    # -- saved searches ----------------------------------------------------------------------

    def refresh_saved(self) -> None:
        """Count the saved searches again (when the side panel shows: else when it opens)."""
        if self.app.archive is not None and self.facets.display:
            self._count_saved()

    @work(thread=True, exclusive=True, group="saved", exit_on_error=False)
    def _count_saved(self) -> None:
        worker = get_current_worker()
        try:  # stopped between two counts when cancelled (a newer count, or quitting)
            counts = self.app.archive.saved_search_counts(stop=lambda: worker.is_cancelled)
        except Exception:  # counts are a help, not essential: keep the last ones
            return
        if not worker.is_cancelled:
            self.post_message(SavedCounted(counts))

    def on_saved_counted(self, message: SavedCounted) -> None:
        self.facets.show_saved(message.counts)

    @on(FacetPanel.SavedChosen)
    def _run_saved(self, event: FacetPanel.SavedChosen) -> None:
        # the trailing space: the last word is finished, not a prefix being typed, so the hits
        # are the ones the panel counted
        self.query_box.value = safe(event.saved.query) + " "
        self.query_box.cursor_position = len(self.query_box.value)
        self.query_box.focus()

    def action_save_search(self) -> None:
        query = self.query_box.value.strip()
        if not query:
            self.notify("Type a query first, then save it", severity="warning")
            return
        if self.app.archive is None:
            return

        def named(name: str | None) -> None:
            if name:
                self._save_search(name, query)

        self.app.push_screen(SaveSearchScreen(query), named)

    @work(thread=True, group="saved-edit", exit_on_error=False)
    def _save_search(self, name: str, query: str, replace: bool = False) -> None:
        archive = self.app.archive
        try:
            saved = archive.add_saved_search(name, query, replace=replace)
        except SavedSearchExists:
            try:
                taken = archive.saved_search(name)
            except ClippingsError as error:
                self.post_message(SavedEdited(f"Not saved: {error}", error=True))
            else:
                self.post_message(SavedEdited("", taken=taken, name=name, query=query))
            return
        except ClippingsError as error:
            self.post_message(SavedEdited(f"Not saved: {error}", error=True))
            return
        except Exception as error:  # a bug: say so, keep the app alive
            note = f"Not saved: unexpected {type(error).__name__}: {error}"
            self.post_message(SavedEdited(note, error=True))
            return
        self.post_message(SavedEdited(f"Saved the search {saved.name!r}: {saved.query}"))

    def on_saved_edited(self, message: SavedEdited) -> None:
        taken = message.taken
        if taken is not None:
            question = Text.assemble(
                "A saved search named ",
                (safe(taken.name), "bold"),
                " finds ",
                (safe(taken.query), "italic"),
                ". Replace it with ",
                (safe(message.query), "italic"),
                "?",
            )

            def answered(replace: bool | None) -> None:
                if replace:
                    self._save_search(message.name, message.query, replace=True)

            self.app.push_screen(ConfirmScreen(question, yes="Replace"), answered)
            return
        self.notify(
            safe(message.note), severity="error" if message.error else "information", markup=False
        )
        if self.facets.display or message.error:
            self.refresh_saved()  # (an error may be a change made elsewhere: show it)
        else:
            self.action_toggle_facets()  # show where it is listed (and count it)

    @on(FacetPanel.ForgetRequested)
    def _ask_forget(self, event: FacetPanel.ForgetRequested) -> None:
        saved = event.saved
        question = Text.assemble(
            "Forget the saved search ",
            (safe(saved.name), "bold"),
            " (",
            (safe(saved.query), "italic"),
            ")? The clippings it finds stay.",
        )

        def answered(forget: bool | None) -> None:
            if forget:
                self._forget_saved(saved)

        self.app.push_screen(ConfirmScreen(question, yes="Forget"), answered)

    @work(thread=True, group="saved-edit", exit_on_error=False)
    def _forget_saved(self, saved: SavedSearch) -> None:
        try:
            self.app.archive.remove_saved_search(saved.name)
        except Exception as error:  # gone already (another process), or a bug: one line
            self.post_message(SavedEdited(f"Not forgotten: {error}", error=True))
            return
        self.post_message(SavedEdited(f"Forgot the saved search {saved.name!r}"))
