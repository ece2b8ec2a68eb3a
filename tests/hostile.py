"""Hostile page text for the terminal-safety tests: escape sequences and markup in every field.

``ESCAPES`` holds what a terminal would act on (CSI, OSC titles, OSC 52 clipboard writes, OSC 8
links, DCS, APC, 8-bit C1 controls, BEL, backspace, carriage return, charset switches, bidi
overrides); ``MARKUP`` holds what Rich or Textual would style or act on. ``hostile_page`` puts
both in every field of a saved page; ``hostile_values`` gives them raw, for writing straight
into a catalog. ``assert_inert`` is the check: nothing but text, tab and newline.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.api import Archive

ESCAPES = (
    "\x1b[2J\x1b[1;1H"  # CSI: clear the screen, move the cursor
    "\x1b[31m"  # CSI SGR: red
    "\x1b]0;pwned\x07"  # OSC 0: the window title, ended by BEL
    "\x1b]52;c;cGF5bG9hZA==\x07"  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"  # OSC 8: a hyperlink
    "\x1bP1$qm\x1b\\"  # DCS DECRQSS: asks the terminal to answer (input injection)
    "\x1b_Gf=100;AAAA\x1b\\"  # APC: kitty graphics
    "\x1bc\x1b(0\x1b7"  # RIS (reset), DEC line drawing charset, save cursor
    "\x9b31m\x9d0;c1 title\x9c\x90q\x9c\x85\x8d"  # C1: CSI, OSC, ST, DCS, NEL, RI
    "\x07\x08\x08\r\x0b\x0c\x7f\x00"  # BEL, backspace, CR, VT, FF, DEL, NUL
    "\u202e\u2066\u200f"  # bidi: right-to-left override, isolate, mark
    "\u200b\ufeff"  # zero width space, BOM
)
# the same, as the numeric character references a page could use instead of raw bytes
ESCAPE_REFERENCES = "&#27;[2J&#x1b;]0;ref title&#7;&#x9b;31m&#8238;"

MARKUP = {
    "title": "[bold red]Markup[/bold red] title [link=https://evil.example]x[/link]",
    "author": "[link=https://evil.example]Mallory[/link] [@click=app.quit]Quit[/]",
    "site": "[reverse]Hostile[/reverse] Times [$accent]var[/]",
    "section": "[blink]World[/blink]",
    "description": "A dek with [italic]markup[/italic] and :warning: emoji code",
    "url": "https://evil.example/[bold]page[/bold]?q=[@click=app.bell]",
    "body": "[bold]bold[/bold], [link=https://evil.example]a link[/link], "
    "[@click=app.quit]quit[/] and [on red]red[/] stay text",
    "tag": "[red]tag[/red]",
    "note": "[bold]note[/bold] [@click=app.quit]q[/]",
    "file": "[bold]file [@click=app.quit]q",  # no slash: a file name can't hold one
}

# C0 and C1 controls and DEL, but for tab and newline; the bidi embeddings, overrides and
# isolates; lone surrogates (undecodable file names)
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def forbidden(text: str) -> list[str]:
    """The characters of ``text`` that must never reach a terminal."""
    return sorted(set(_FORBIDDEN.findall(text)))


def assert_inert(text: str) -> None:
    """``text`` carries no control character (but tab and newline) and no escape."""
    bad = forbidden(text)
    assert not bad, f"{bad!r} in {text!r}"


def hostile(field: str) -> str:
    """The markup of ``field`` between two runs of every escape (what is left of them once
    cleaned is the text of the OSC 8 link: "link")."""
    return f"{ESCAPES}{MARKUP[field]} {ESCAPES}"


def hostile_page() -> str:
    """A saved page with escapes and markup in its title, author, site, section, URL, dek,
    keywords and body (raw and as character references); words a search can find: gardens,
    compost."""
    a = {name: html.escape(hostile(name)) for name in MARKUP}
    paragraph = (
        "<p>{body} {refs} The rest is an ordinary account of community gardens, tomatoes and "
        "compost, long enough for the extractor to keep it as the article body.</p>"
    )
    body = "\n".join(
        paragraph.format(body=a["body"], refs=ESCAPE_REFERENCES if n == 0 else "") for n in range(4)
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{a["title"]} {ESCAPE_REFERENCES}</title>
<meta name="author" content="{a["author"]}">
<meta property="og:site_name" content="{a["site"]}">
<meta property="article:section" content="{a["section"]}">
<meta name="description" content="{a["description"]}">
<meta name="keywords" content="{a["tag"]}, gardens">
<link rel="canonical" href="{a["url"]}">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>{a["title"]}</h1>
<h2>{a["section"]} heading {ESCAPES}</h2>
{body}
<ul><li>{a["body"]}</li><li>gardens</li></ul>
<blockquote>{a["body"]}</blockquote>
<pre>code {ESCAPES} [bold]code[/bold]</pre>
</article>
<footer>Share this story</footer>
</body></html>
"""
    return page.replace("\x00", "")  # a NUL byte makes any file binary data, not a page


def hostile_values() -> dict[str, str]:
    """Field values as a careless catalog might hold them: escapes and markup, uncleaned."""
    body = hostile("body") + " community gardens and compost"
    return {
        "title": hostile("title") + " gardens",
        "author": hostile("author"),
        "site": hostile("site"),
        "section": hostile("section"),
        "description": hostile("description"),
        "url": hostile("url"),
        "published": "2024-01-02" + ESCAPES,
        "language": "en" + ESCAPES,
        "text": f"{body}\n{body}",
        "markdown": f"# {hostile('title')}\n\n{body}\n\n- {body}\n\n> {body}\n\n"
        f"[link text {ESCAPES}](https://evil.example/{ESCAPES})\n\n```\n{ESCAPES}\n```",
        "note": hostile("note"),
        "tag": hostile("tag"),
    }


def hostile_file_name(suffix: str) -> str:
    """A file name with markup and every escape a file name can hold (no NUL, no slash)."""
    name = f"{MARKUP['file']} {ESCAPES}".replace("\x00", "").replace("/", "_") + suffix
    assert len(name.encode()) < 250, "too long for a file name"
    return name


# a file name that is not UTF-8: a lone 8-bit CSI byte (Python reads it as a lone surrogate)
UNDECODABLE_FILE_NAME = b"latin1 \x9b2J \xe9t\xe9.html"

SAVED_NAME = f"{ESCAPES}[bold]my[/bold] search"  # only listed: the API cleans names it is given
SAVED_RUN = "[bold]run[/bold] me"
LATIN1_PAGE = (
    "<html><head><title>A page named in Latin-1</title></head><body><article>"
    + "<p>Allotments, gardens and a compost heap behind the station, every spring.</p>" * 6
    + "</article></body></html>"
)
PAGE_FILE = "0-hostile.html"


def write_saved_pages(saved: Path) -> None:
    """The folder to import: the hostile page, the same article again under a hostile name
    (a near-duplicate), a PNG and an unknown file with hostile names, a page and an empty file
    whose names are not UTF-8."""
    saved.mkdir(parents=True, exist_ok=True)
    (saved / PAGE_FILE).write_text(hostile_page(), encoding="utf-8")
    (saved / hostile_file_name(".htm")).write_text(hostile_page() + "<!-- again -->\n")
    (saved / hostile_file_name(".html")).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (saved / hostile_file_name(".xyz")).write_text("not a page")
    named = os.fsencode(saved) + b"/"
    with open(named + UNDECODABLE_FILE_NAME, "wb") as page:
        page.write(LATIN1_PAGE.encode())
    with open(named + b"empty " + UNDECODABLE_FILE_NAME, "wb"):
        pass


def write_hostile_values(archive: Archive, clipping_id: int) -> None:
    """Overwrite a clipping's fields, tags and note with ``hostile_values`` straight in the
    catalog (no cleaning), add two saved searches, and index it all as it is."""
    from archive.models import Article

    values = hostile_values()
    clipping = archive.get(clipping_id)
    raw = Article(**{name: getattr(clipping, name) for name in Article.__dataclass_fields__})
    for name, value in values.items():
        if hasattr(raw, name):
            setattr(raw, name, value)
    with archive.catalog.transaction():
        archive.catalog.update_article(clipping_id, raw)
        archive.catalog.set_tags(clipping_id, [values["tag"], "plain"])
        archive.catalog.set_note(clipping_id, values["note"])
        archive.catalog.db.executemany(
            "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)",
            [
                (SAVED_NAME, f"gardens {ESCAPES}", "2024-01-01T00:00:00+00:00"),
                (SAVED_RUN, "gardens", "2024-01-01T00:00:00+00:00"),
            ],
        )
    archive.reindex(reextract=False)
