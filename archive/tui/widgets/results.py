"""The result list: one option per hit (title, site and date, snippet with the terms marked)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...models import Hit
from ...render import byline, marked, safe

SNIPPET_CHARS = 230


def hit_prompt(hit: Hit) -> Text:
    """Three lines: the title, the byline, the snippet with the matched words highlighted.

    Everything from the page is cleaned and goes in as plain text: nothing can style itself.
    """
    clipping = hit.clipping
    prompt = Text(no_wrap=False)
    prompt.append(safe(clipping.title) or "(untitled)", style="bold")
    prompt.append(f"  #{clipping.id}", style="dim")
    prompt.append("\n")
    prompt.append_text(byline(clipping))
    if clipping.tags:
        prompt.append("  " + " ".join(_tag(tag) for tag in clipping.tags), style="magenta")
    snippet = marked(hit.snippet or "", hit.highlights, "bold reverse")
    if snippet:
        if len(snippet) > SNIPPET_CHARS:  # cut between words ("lone…" read as a word)
            space = snippet.plain.rfind(" ", SNIPPET_CHARS // 2, SNIPPET_CHARS)
            snippet.truncate(space if space > 0 else SNIPPET_CHARS)
            snippet.rstrip()
            snippet.append("…")
        prompt.append("\n")
        prompt.append_text(snippet)
    return prompt


def _tag(tag: str) -> str:
    """A tag as the row shows it: ``#korea``; one of several words quoted, ``#"africa news"``
    (it read as a tag and a word)."""
    shown = safe(tag)
    return f'#"{shown}"' if " " in shown else f"#{shown}"


class ResultList(OptionList):
    """Hits of the current query; more are fetched when the cursor reaches the end."""

    can_focus = False  # the query box keeps the focus: typing always edits the query

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []

    def show(self, hits: list[Hit]) -> None:
        self.hits = list(hits)
        self.set_options(self._options_for(hits))
        if hits:
            self.highlighted = 0

    def extend(self, hits: list[Hit]) -> None:
        self.hits.extend(hits)
        self.add_options(self._options_for(hits))

    def _options_for(self, hits: list[Hit]) -> list[Option]:
        return [Option(hit_prompt(hit), id=str(hit.clipping.id)) for hit in hits]

    @property
    def selected_hit(self) -> Hit | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return self.hits[0] if self.hits else None
        return self.hits[index]
