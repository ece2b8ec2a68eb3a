"""Makes extracted strings safe to store and to print: no control characters, no ANSI escapes.

``clean_line`` is for one-line fields (title, author, ...), ``clean_block`` for multi-line
text (the body as text or Markdown). Both are pure and cheap. ``printable`` is what the CLI and
the TUI put every string from a page (or a file name) through before a terminal sees it: the
same cleaning, and no bidi controls or lone surrogates either.
"""

from __future__ import annotations

import re

__all__ = ["MAX_TEXT", "clean_block", "clean_line", "printable", "strip_ansi"]

# The longest text an article keeps, in characters (some 300,000 words): what is stored,
# indexed and searched for snippets (see ``archive.extract``).
MAX_TEXT = 2_000_000

# ANSI / ECMA-48 escape sequences, 7-bit and 8-bit forms:
#   CSI  ESC [ ... final      (colours, cursor moves: ESC[31m, ESC[2J)
#   OSC  ESC ] ... BEL|ST     (window titles, hyperlinks)
#   DCS/SOS/PM/APC  ESC P|X|^|_ ... ST
#   two- and three-character escapes (ESC c, ESC (B, ESC 7, ...)
_ANSI = re.compile(
    r"""
    (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?      # CSI
  | (?:\x1b\]|\x9d) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?     # OSC
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x9c]* (?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC
  | \x1b [\x20-\x2f]* [\x30-\x7e]?                               # other escapes
    """,
    re.VERBOSE,
)

# C0 and C1 controls and DEL, minus tab and newline; plus invisible characters that only
# get in the way of search and display (zero width space, BOM, word joiner, soft hyphen), and
# lone surrogates (from a UTF-7 page, a file name's bytes): no UTF-8 for them, so no storing
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\u00ad\ufffe\uffff\ud800-\udfff]"
)
# controls that separate words (vertical tab, information separators, next line): a space
_SEPARATORS = re.compile(r"[\x0b\x1c-\x1f\x85]")
# on one line, every kind of line break or tab is a space too
_LINE_SEPARATORS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
# whitespace that separates words on one line (tab, newlines, nbsp, the Unicode spaces)
_SPACES = re.compile(r"[\s\u2028\u2029]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0c\u2028\u2029]")
# spaces that end a line (stripped line by line: the regex ``[ ]+$`` takes quadratic time on
# a long run of spaces inside a line)
_TRAILING_SPACE = " \t\u00a0\u3000"
_BLANK_RUNS = re.compile(r"\n{3,}")
# kept in stored text (they matter to right-to-left pages), dropped on a terminal, where they
# would reorder what is shown (U+202E turns "txt.exe" into "exe.txt"): the bidi embeddings,
# overrides, isolates and marks
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# a file name that is not UTF-8 reaches Python as lone surrogates, which a terminal would get
# as the raw bytes (0x9b is an 8-bit CSI)
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def strip_ansi(s: str) -> str:
    """Remove ANSI escape sequences (``ESC[31m``, OSC titles, ...) and leave the rest as is."""
    if "\x1b" not in s and not any(c in s for c in "\x9b\x9d\x90\x98\x9e\x9f"):
        return s
    return _ANSI.sub("", s)


def clean_line(s: str | None) -> str:
    """One line of clean text: no escapes, no control characters, single spaces, trimmed."""
    if not s:
        return ""
    s = _CONTROLS.sub("", _LINE_SEPARATORS.sub(" ", strip_ansi(s)))
    return _SPACES.sub(" ", s).strip()


def clean_block(s: str | None) -> str:
    """Clean multi-line text: no escapes, no control characters other than newline and tab,
    no trailing spaces, at most one blank line in a row, no blank lines at either end."""
    if not s:
        return ""
    s = _LINE_BREAKS.sub("\n", strip_ansi(s))
    s = _CONTROLS.sub("", _SEPARATORS.sub(" ", s))
    s = "\n".join(line.rstrip(_TRAILING_SPACE) for line in s.split("\n"))
    s = _BLANK_RUNS.sub("\n\n", s)
    return s.strip("\n")


def printable(s: object, *, block: bool = False) -> str:
    """``s`` (any value: a title, a file name, an error) as text a terminal shows as it is: no
    escape sequences, no control characters but newline (and tab) in a ``block``, no bidi
    controls, a lone surrogate as U+FFFD; one line unless ``block``. Markup stays literal text:
    show it with Rich or Textual as a ``Text``, never as markup."""
    if s is None:
        return ""
    text = str(s)
    if not text.isascii():
        text = _BIDI.sub("", _SURROGATES.sub("\ufffd", text))
    return clean_block(text) if block else clean_line(text)
