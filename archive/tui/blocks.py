"""An article's Markdown as blocks of styled text, ready to highlight and to show.

markdown-it-py (the parser Rich and Textual use) reads the Markdown; each heading, paragraph,
list item, quote, code block and rule becomes one ``Block`` holding a ``rich.text.Text``. The
text is built from parsed tokens, never from markup, so nothing in a page can style itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.style import Style
from rich.text import Text

from ..index.snippets import highlighter
from ..render import safe

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")

_INLINE_STYLES = {
    "strong": Style(bold=True),
    "em": Style(italic=True),
    "s": Style(strike=True),
    "link": Style(underline=True, color="bright_blue"),
}


@dataclass
class Block:
    """One block of the article. ``kind``: h1..h6, p, item, quote, code, rule, table."""

    kind: str
    text: Text
    depth: int = 0  # list nesting


def to_blocks(markdown: str) -> list[Block]:
    """The blocks of ``markdown`` (cleaned of control characters first)."""
    tokens = _PARSER.parse(safe(markdown, block=True))
    blocks: list[Block] = []
    lists: list[list[int]] = []  # per open list: [next number] (or [-1] for bullets)
    quote = 0
    pending_bullet = ""
    heading = ""
    row: list[str] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            heading = token.tag
        elif kind == "heading_close":
            heading = ""
        elif kind == "bullet_list_open":
            lists.append([-1])
        elif kind == "ordered_list_open":
            lists.append([int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            counter = lists[-1] if lists else [-1]
            if counter[0] < 0:
                pending_bullet = "• "
            else:
                pending_bullet = f"{counter[0]}. "
                counter[0] += 1
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("fence", "code_block"):
            blocks.append(Block("code", Text(token.content.rstrip("\n"), style="dim")))
        elif kind == "hr":
            blocks.append(Block("rule", Text("")))
        elif kind in ("th_open", "td_open"):
            pass
        elif kind == "tr_close":
            blocks.append(Block("table", Text(" │ ".join(row))))
            row = []
        elif kind == "inline":
            text = _inline(token.children or [])
            if index and tokens[index - 1].type in ("th_open", "td_open"):  # a table's cell
                row.append(text.plain)
                continue
            if heading:
                blocks.append(Block(heading, text))
            elif quote:
                blocks.append(Block("quote", text))
            elif lists:
                if pending_bullet:
                    text = Text(pending_bullet) + text
                    pending_bullet = ""
                else:  # a further paragraph of the same item: align with its text
                    text = Text("  ") + text
                blocks.append(Block("item", text, depth=len(lists) - 1))
            else:
                blocks.append(Block("p", text))
    return [block for block in blocks if block.kind == "rule" or block.text.plain.strip()]


def _inline(children: list[Token]) -> Text:
    text = Text()
    styles: list[Style] = []
    for child in children:
        kind = child.type
        if kind.endswith("_open") and kind[:-5] in _INLINE_STYLES:
            styles.append(_INLINE_STYLES[kind[:-5]])
        elif kind.endswith("_close") and kind[:-6] in _INLINE_STYLES:
            if styles:
                styles.pop()
        elif kind == "text":
            text.append(child.content, Style.combine(styles) if styles else None)
        elif kind == "code_inline":
            text.append(child.content, Style(bold=True, dim=True))
        elif kind == "image":
            alt = child.content or "".join(c.content for c in child.children or [])
            if alt.strip():
                text.append(f"[image: {alt.strip()}]", Style(dim=True, italic=True))
        elif kind == "softbreak":
            text.append(" ")
        elif kind == "hardbreak":
            text.append("\n")
    return text


def highlight(text: Text, pattern: re.Pattern[str] | None, style: str) -> list[tuple[int, int]]:
    """Style every match of ``pattern`` in ``text``; returns the (start, end) of each."""
    if pattern is None:
        return []
    spans = [(m.start(), m.end()) for m in pattern.finditer(text.plain) if m.end() > m.start()]
    for start, end in spans:
        text.stylize(style, start, end)
    return spans


def words_pattern(words: set[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern for whole ``words`` (longest first; CJK character pairs
    inside their runs), or None."""
    return highlighter(words) if words else None


def literal_pattern(text: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern for ``text`` as typed (the reader's find)."""
    text = text.strip()
    return re.compile(re.escape(text), re.IGNORECASE) if text else None
