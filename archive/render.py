"""How clippings and hits look in a terminal (rich), with page text kept inert.

Every string that came from a page goes through ``safe`` and into a ``rich.text.Text``: no
control characters or escape sequences reach the terminal, and ``[bold]`` stays literal text.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.rule import Rule
from rich.text import Text

from .extract.clean import clean_block, clean_line
from .models import Clipping, Hit


def safe(text: str | None, *, block: bool = False) -> str:
    """``text`` without escape sequences or control characters; one line unless ``block``."""
    return clean_block(text) if block else clean_line(text)


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
    if hit.snippet:
        snippet = Text(safe(hit.snippet))
        if len(snippet.plain) == len(hit.snippet):  # offsets still point at the same characters
            for start, end in hit.highlights:
                snippet.stylize("bold yellow", start, end)
        out.append("\n")
        out.append_text(snippet)
    return out


def list_row(clipping: Clipping) -> tuple[Text, Text, Text, Text]:
    return (
        Text(str(clipping.id), style="cyan"),
        Text(when(clipping)),
        Text(safe(clipping.site), style="dim"),
        Text(safe(clipping.title) or "(untitled)"),
    )


def article(clipping: Clipping) -> RenderableType:
    """The clean article: title, byline, dek and URL above the Markdown body."""
    header = Text()
    header.append(safe(clipping.title) or "(untitled)", style="bold")
    header.append("\n")
    header.append_text(byline(clipping))
    if clipping.url:
        header.append("\n" + safe(clipping.url), style="blue underline")
    if clipping.tags:
        header.append("\ntags: " + ", ".join(safe(t) for t in clipping.tags), style="magenta")
    parts: list[RenderableType] = [header]
    if clipping.description:
        parts.append(Text("\n" + safe(clipping.description), style="italic"))
    parts.append(Rule(style="dim"))
    parts.append(Markdown(safe(clipping.markdown or clipping.text, block=True)))
    return Group(*parts)


def article_plain(clipping: Clipping, *, markdown: bool = False) -> str:
    """The article as plain text (or Markdown), for a pipe or a file."""
    lines = [f"# {safe(clipping.title)}" if markdown else safe(clipping.title)]
    meta = [
        ("Author", clipping.author),
        ("Site", clipping.site),
        ("Section", clipping.section),
        ("Published", clipping.published),
        ("Saved", clipping.saved),
        ("URL", clipping.url),
        ("Tags", ", ".join(clipping.tags)),
    ]
    lines += [f"{name}: {safe(value)}" for name, value in meta if value]
    if clipping.description:
        lines += ["", f"> {safe(clipping.description)}" if markdown else safe(clipping.description)]
    if markdown:
        body = clipping.markdown
    else:  # one paragraph a line in ``text``: a blank line between them reads better
        body = "\n\n".join(line for line in clipping.text.splitlines() if line.strip())
    lines += ["", safe(body, block=True)]
    return "\n".join(lines).rstrip() + "\n"
