"""The reader's article: metadata above, then the Markdown body, with terms highlighted.

Each block of the body is one ``Static``; ``n``/``N`` move a cursor through the highlighted
matches and scroll the block that holds the current one into view.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...models import WHOLE_PAGE, Clipping
from ...render import dek, files_line, safe, versions_line
from ..blocks import Block, highlight, to_blocks

MATCH_STYLE = "bold reverse"
CURRENT_STYLE = "bold black on yellow"


def header_text(clipping: Clipping, versions: list[int] | None = None, files: int = 0) -> Text:
    """Title, byline, site and section, dates, URL, tags and note, which save of its page
    it is (``versions``: their ids, the current first) and the files kept with it (``files``:
    how many of its ``Page_files/`` folder): all as plain text."""
    text = Text()
    text.append(safe(clipping.title) or "(untitled)", style="bold")
    lines: list[tuple[str, str, str]] = [
        ("By ", clipping.author, "italic"),
        ("", " · ".join(safe(p) for p in (clipping.site, clipping.section) if p), ""),
        ("Published ", safe((clipping.published or "")[:10]), "dim"),
        ("Saved ", safe((clipping.saved or "")[:10]), "dim"),
        ("", clipping.url, "underline bright_blue"),
        ("Tags: ", ", ".join(clipping.tags), "magenta"),
    ]
    dates = [f"{label}{value}" for label, value, _ in lines[2:4] if value]
    for label, value, style in lines[:2]:
        if value:
            text.append("\n" + label, style="dim")
            text.append(safe(value), style=style)
    if kept := files_line(files):
        dates.append(kept)
    if dates:
        text.append("\n" + " · ".join(dates), style="dim")
    for label, value, style in lines[4:]:
        if value:
            text.append("\n" + label, style="dim")
            text.append(safe(value), style=style)
    if clipping.whole_page:
        text.append("\n" + WHOLE_PAGE[0].upper() + WHOLE_PAGE[1:], style="italic yellow")
    if clipping.note:
        text.append("\nNote: ", style="dim")
        text.append(safe(clipping.note, block=True), style="green")
    if saves := versions_line(clipping.id, versions or [], "v lists them"):
        text.append("\n" + saves[0].upper() + saves[1:], style="italic yellow")
    return text


# An article of more blocks than ``STYLED_BLOCKS`` (a book, a long thread saved as text) shows
# those, then the rest in runs of ``RUN_BLOCKS`` blocks, each run one text: a widget per
# block costs Textual about 0.8 ms to lay out, and an article of 4,000 paragraphs took 3 s
# to open (8 s with a slow parse), during which no key was read.
STYLED_BLOCKS = 300
RUN_BLOCKS = 40
# how a run marks what its blocks' styles (``app.tcss``) showed
_RUN_STYLES = {"h1": "bold", "h2": "bold", "h3": "bold", "h4": "bold", "quote": "italic"}


def article_blocks(clipping: Clipping) -> list[Block]:
    """What the reader shows under the header: the dek, then the body's blocks (in runs past
    the first ``STYLED_BLOCKS``). Parsing a long article takes a while: a worker's job."""
    blocks = []
    if description := dek(clipping):  # not when the body opens with it
        blocks.append(Block("dek", Text(safe(description), style="italic")))
    return blocks + in_runs(to_blocks(clipping.markdown or clipping.text))


def in_runs(blocks: list[Block]) -> list[Block]:
    """``blocks``, those past the first ``STYLED_BLOCKS`` joined into runs (kind "run")."""
    if len(blocks) <= STYLED_BLOCKS:
        return blocks
    runs = blocks[:STYLED_BLOCKS]
    for start in range(STYLED_BLOCKS, len(blocks), RUN_BLOCKS):
        texts = []
        for block in blocks[start : start + RUN_BLOCKS]:
            text = block.text.copy()
            if block.kind in _RUN_STYLES:
                text.stylize(_RUN_STYLES[block.kind])
            texts.append(text)
        runs.append(Block("run", Text("\n\n").join(texts)))
    return runs


class ArticleView(VerticalScroll):
    """The clean article, scrollable, with a cursor over its highlighted matches."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._blocks: list[Block] = []
        self._statics: list[Static] = []
        self._matches: list[tuple[int, int, int]] = []  # (block, start, end)
        self._current = -1
        self.pattern: re.Pattern[str] | None = None

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int:
        """The index of the current match (0-based), or -1 before the first jump."""
        return self._current

    async def show(
        self,
        clipping: Clipping,
        pattern: re.Pattern[str] | None,
        blocks: list[Block] | None = None,
        versions: list[int] | None = None,
        files: int = 0,
    ) -> None:
        """Show ``clipping`` with the words of ``pattern`` highlighted (``blocks``: its
        ``article_blocks``, when a worker made them already; ``versions`` and ``files``: see
        ``header_text``)."""
        self._blocks = article_blocks(clipping) if blocks is None else blocks
        await self.remove_children()
        header = Static(
            header_text(clipping, versions, files), classes="header", id="article-header"
        )
        self._statics = [
            Static(block.text, classes=f"block {block.kind} depth{min(block.depth, 3)}")
            for block in self._blocks
        ]
        await self.mount(header, *self._statics)
        self.set_pattern(pattern)
        self.scroll_home(animate=False)

    def set_pattern(self, pattern: re.Pattern[str] | None) -> int:
        """Highlight ``pattern`` (replacing the last one); returns how many matches."""
        self.pattern = pattern
        self._matches = []
        self._current = -1
        for index, block in enumerate(self._blocks):
            text = block.text.copy()
            for start, end in highlight(text, pattern, MATCH_STYLE):
                self._matches.append((index, start, end))
            if index < len(self._statics):
                self._statics[index].update(text)
        return len(self._matches)

    def jump(self, step: int) -> int:
        """Move to the next (``step`` 1) or previous (-1) match, wrapping; its index or -1."""
        if not self._matches:
            return -1
        previous = self._current
        self._current = (
            (self._current + step) % len(self._matches)
            if previous >= 0
            else (0 if step > 0 else len(self._matches) - 1)
        )
        for index in {self._matches[previous][0] if previous >= 0 else -1, self._block()}:
            if index >= 0:
                self._restyle(index)
        self.scroll_to_center(self._statics[self._block()], animate=False)
        return self._current

    def _block(self) -> int:
        return self._matches[self._current][0]

    def _restyle(self, index: int) -> None:
        text = self._blocks[index].text.copy()
        for number, (block, start, end) in enumerate(self._matches):
            if block == index:
                text.stylize(CURRENT_STYLE if number == self._current else MATCH_STYLE, start, end)
        self._statics[index].update(text)
