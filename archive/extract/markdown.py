"""Writes plain text as Markdown that shows it literally (no emphasis, links or headings
by accident), keeping list items as lists."""

from __future__ import annotations

import re

__all__ = ["BULLET", "NUMBERED", "md_escape", "md_paragraph"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
# the marks a list item starts with in text: typed ones, and those browsers and w3m print
BULLET = re.compile(r"^[-*+\u2022\u25e6\u25aa\u25b8\u25ba\u25a1\u25a0\u25cf\u25cb\u00b7\u2013]\s+")
NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+")


def md_escape(text: str) -> str:
    """``text`` escaped so that Markdown renders it as it is."""
    return _MD_BLOCK_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def md_paragraph(text: str) -> str:
    """One paragraph of plain text as Markdown; a line that starts with a bullet or a number
    stays a list item."""
    bullet = BULLET.match(text)
    if bullet:
        return "- " + md_escape(text[bullet.end() :])
    numbered = NUMBERED.match(text)
    if numbered:
        return f"{numbered.group(1)}. " + md_escape(text[numbered.end() :])
    return md_escape(text)
