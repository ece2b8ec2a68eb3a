"""How clippings and hits look in a terminal (rich), with page text kept inert.

Every string that came from a page (or a file name, or an error quoting one) goes through
``safe`` and into a ``rich.text.Text``: no control characters, escape sequences or bidi
controls reach the terminal, and ``[bold]`` stays literal text. The CLI and the TUI both use it.
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from .extract.clean import printable
from .models import WHOLE_PAGE, Clipping, Hit, dek

# marks the highlighted spans of a snippet while it is cleaned (noncharacters: never text)
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"


def safe(text: object, *, block: bool = False) -> str:
    """``text`` without escape sequences, control characters or bidi controls, a lone
    surrogate as U+FFFD; one line unless ``block``. The one door from a page to a terminal."""
    return printable(text, block=block)


def safe_name(path: object) -> str:
    """A file's name or path as the terminal may show it and its owner can find it: each
    character a terminal would act on (an escape sequence, a bell, a bidi control) written out
    as Python writes it (``\\x1b``), not left out: "badname.html" named no file there is."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))


def partial_heading(phrases: int) -> tuple[str, str]:
    """What a search says when no clipping has all its query asks for (``partial``): that,
    and what the hits have instead; ``phrases``: the quoted phrases looked for as words."""
    if phrases:
        phrase = "phrases" if phrases > 1 else "phrase"
        return f"No clipping has the {phrase} as written", "some of its words"
    return "No clipping has every word", "some of them"


def marked(text: str, spans: list[tuple[int, int]], style: str) -> Text:
    """``text`` made ``safe``, with the characters of ``spans`` (offsets into ``text``) in
    ``style``: the highlighted words of a snippet, still on the same words once cleaned."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    cuts = [
        (at, mark)
        for start, end in spans
        if 0 <= start < end <= len(text)
        for at, mark in ((start, _OPEN), (end, _CLOSE))
    ]
    pieces, last = [], 0
    for at, mark in sorted(cuts, key=lambda cut: (cut[0], cut[1] == _OPEN)):  # ends first
        pieces += [text[last:at], mark]
        last = at
    pieces.append(text[last:])
    out, start, depth = Text(), 0, 0
    for piece in _MARKS.split(safe("".join(pieces))):
        if piece == _OPEN:
            start = len(out) if depth == 0 else start
            depth += 1
        elif piece == _CLOSE:
            depth -= 1
            if depth == 0:
                out.stylize(style, start, len(out))
        else:
            out.append(piece)
    return out


_MARKS = re.compile(f"([{_OPEN}{_CLOSE}])")


def when(clipping: Clipping) -> str:
    """The date a reader cares about: published, else saved (YYYY-MM-DD)."""
    return (clipping.published or clipping.saved or "")[:10]


def byline(clipping: Clipping) -> Text:
    """Author · site · section · date; "saved DATE" when the page gave no date of its own."""
    dated = when(clipping) if clipping.published else f"saved {when(clipping)}".strip()
    parts = [clipping.author, clipping.site, clipping.section, dated if when(clipping) else ""]
    return Text(" · ".join(safe(p) for p in parts if p), style="dim")


def hit_text(hit: Hit) -> Text:
    """One search result: ``#id title`` / byline / snippet with the matched terms highlighted."""
    clipping = hit.clipping
    out = Text()
    out.append(f"#{clipping.id} ", style="bold cyan")
    out.append(safe(clipping.title) or "(untitled)", style="bold")
    out.append("\n")
    out.append_text(byline(clipping))
    snippet = marked(hit.snippet, hit.highlights, "bold yellow")
    if snippet:
        out.append("\n")
        out.append_text(snippet)
    return out


def list_row(clipping: Clipping) -> tuple[Text, Text, Text, Text]:
    return (
        Text(str(clipping.id), style="cyan"),
        Text(safe(when(clipping))),
        Text(safe(clipping.site), style="dim"),
        Text(safe(clipping.title) or "(untitled)"),
    )


def version_mark(clipping: Clipping, current: Clipping) -> str:
    """How a save that is not the one shown stands to it, ``current``: saved before it, or
    after it (a later save kept aside, as one in which no article was found)."""
    if clipping.saved <= current.saved:
        return "older"
    return "newer, no article" if clipping.whole_page else "newer"


def versions_line(clipping_id: int, versions: list[int], how: str = "") -> str:
    """What a clipping is among the saves of its page (``versions``: their ids, the current
    one first): "" for a page saved once. ``how``: how to list them, where it is shown (the
    command line's by default)."""
    if len(versions) < 2:
        return ""
    if versions[0] != clipping_id:
        return f"another save of this page: #{versions[0]} is the one listed and searched"
    older = ", ".join(f"#{number}" for number in versions[1:])
    how = how or f"clippings versions {clipping_id}; v in the reader"
    return f"saved before as {older} ({how})"


def files_line(files: int) -> str:
    """What a header says of the page's files folder kept with it (``files``: how many)."""
    if not files:
        return ""
    return f"saved with its files folder ({files:,} file{'' if files == 1 else 's'})"


def article(
    clipping: Clipping, versions: list[int] | None = None, files: int = 0
) -> RenderableType:
    """The clean article: title, byline, URL, tags and note, then the dek, above the
    Markdown body (``files``: how many of its files folder's are kept)."""
    header = Text()
    header.append(safe(clipping.title) or "(untitled)", style="bold")
    header.append("\n")
    header.append_text(byline(clipping))
    if clipping.url:
        header.append("\n" + safe(clipping.url), style="blue underline")
    if clipping.tags:
        header.append("\ntags: " + ", ".join(safe(t) for t in clipping.tags), style="magenta")
    if clipping.whole_page:
        header.append("\n" + WHOLE_PAGE, style="yellow")
    if clipping.note:
        header.append("\nnote: ", style="dim")
        header.append(safe(clipping.note, block=True), style="green")
    if saves := versions_line(clipping.id, versions or []):
        header.append("\n" + saves, style="yellow")
    if kept := files_line(files):
        header.append("\n" + kept, style="dim")
    parts: list[RenderableType] = [header]
    if description := dek(clipping):
        parts.append(Text("\n" + safe(description), style="italic"))
    parts.append(Rule(style="dim"))
    from rich.markdown import Markdown  # markdown-it and its rules: only the reader needs them

    # links as their text, not terminal hyperlinks (a page's URL in an escape)
    markdown = _LINK.sub(r"\1", safe(clipping.markdown or clipping.text, block=True))
    parts.append(Markdown(markdown, hyperlinks=False))
    return Group(*parts)


def _paragraphs(text: str, markdown: str) -> str:
    """``text`` (one paragraph a line) with a blank line between its paragraphs, which reads
    better, but not between the lines of a block of code (those of the Markdown's fences):
    they stay one block."""
    code = {line for block in _FENCED.findall(markdown or "") for line in block.splitlines()}
    out: list[str] = []
    in_code = False
    for line in text.splitlines():
        if not line.strip():
            continue
        is_code = line in code
        if out:
            out.append("\n" if is_code and in_code else "\n\n")
        out.append(line)
        in_code = is_code
    return "".join(out)


_FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


# a link (not an image): its text, as the reader shows it; rich writes each address after its
# text, and a Wikipedia page read as "previous loop.[1] (https://en.wikipedia.org/wiki/
# List_of_films_featuring_time_loops#cite_note-TTIPM-1)", its tables' cells full of addresses
# (``--format markdown`` keeps them)
_LINK = re.compile(r"(?<!!)\[((?:[^\]\\]|\\.)*)\]\((?:<[^>\n]*>|[^)\s]*)\)")


def article_plain(
    clipping: Clipping, *, markdown: bool = False, versions: list[int] | None = None, files: int = 0
) -> str:
    """The article as plain text (or Markdown), for a pipe or a file."""
    title = safe(clipping.title) or "(untitled)"
    lines = [f"# {title}" if markdown else title]
    meta = [
        ("Author", clipping.author),
        ("Site", clipping.site),
        ("Section", clipping.section),
        ("Published", clipping.published),
        ("Saved", clipping.saved),
        ("URL", clipping.url),
        ("Tags", ", ".join(clipping.tags)),
        ("Kept", WHOLE_PAGE if clipping.whole_page else ""),
        ("Versions", versions_line(clipping.id, versions or [])),
        ("Files", files_line(files)),
    ]
    lines += [f"{name}: {safe(value)}" for name, value in meta if value]
    if clipping.note:  # its lines under its name, indented
        note = safe(clipping.note, block=True).splitlines()
        lines += [f"Note: {note[0]}", *(f"      {line}" for line in note[1:])]
    if description := dek(clipping):
        lines += ["", f"> {safe(description)}" if markdown else safe(description)]
    body = clipping.markdown if markdown else _paragraphs(clipping.text, clipping.markdown)
    lines += ["", safe(body, block=True)]
    return "\n".join(lines).rstrip() + "\n"
