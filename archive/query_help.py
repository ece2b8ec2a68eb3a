"""The query language explained, with examples: the one text ``clippings help query`` prints and
the TUI's help screen shows."""

from __future__ import annotations

import textwrap

TITLE = "Searching: the query language"

INTRO = (
    "Words are found in the title, dek, body, note, author, site, section and tags, in any "
    "form ('talks' finds 'talk'), with or without accents ('elysee' finds 'Élysée'), in the "
    "clipping's own language; Chinese, Japanese and Korean are found wherever they are written. "
    "Hits whose title is the query come first, then hits with the words close together."
)

# (example, what it finds), grouped under headings
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Words",
        [
            ("north korea", "both words, anywhere"),
            ("korea OR japan", "either word (AND, OR, NOT and parentheses work)"),
            ("sanctions -trade", "without the word 'trade' (NOT trade)"),
            ('"maximum pressure"', "the exact phrase; else its words, closest first"),
            ('"pressure campaign"~3', "the words within 3 of each other"),
            ("press*", "words starting with 'press'"),
            ("presure~  presure~2", "misspellings: one letter off; two (the 16 closest words)"),
            ("korea^2 talks", "'korea' counts double"),
        ],
    ),
    (
        "Fields",
        [
            ("title:(korea talks)", "in the title"),
            ("author:nazarko", "by an author"),
            ("site:reuters  url:example.com", "from a site; in the address (any part of it)"),
            ("https://example.com/a/story", "an address pasted: the page saved from it"),
            ("section:world  dek:sanctions", "in a section; in the summary under the title"),
            ("tag:to-read  lang:de", "tagged 'to-read'; in German (or lang:german)"),
            ("note:follow", "in your note"),
            ("is:tagged  has:notes", "clippings with tags; with a note (also has:tags)"),
        ],
    ),
    (
        "Dates",
        [
            ("date:2019", "dated 2019: published, else saved (also 2019-07, 2019-07-31)"),
            ("date:2019-01..2019-06", "from January to June 2019"),
            ("date:2019-01-01..  date:..2019", "open ranges: from a day on; up to a year"),
            ("published:2019", "only the date the page gave"),
            ("saved:7d  saved:2w  saved:6m", "saved in the last 7 days, 2 weeks, 6 months"),
        ],
    ),
]


def examples() -> list[tuple[str, str]]:
    """Every example, in order."""
    return [pair for _, pairs in SECTIONS for pair in pairs]


def text() -> str:
    """The page as plain text."""
    width = max(len(example) for example in dict(examples())) + 2
    lines = [TITLE, "", *textwrap.wrap(INTRO, 88)]
    for heading, pairs in SECTIONS:
        lines += ["", heading]
        lines += [f"  {example:<{width}}{meaning}" for example, meaning in pairs]
    lines += [
        "",
        "Sorting: --sort relevance (the default), newest or oldest (by the date shown), or "
        "saved (recently saved first).",
        "A query that cannot be read is reported in one line that says what is wrong.",
    ]
    return "\n".join(lines)
