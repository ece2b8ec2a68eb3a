"""Names the language of an article: the page's own declaration, else py3langid's guess."""

from __future__ import annotations

import re

__all__ = ["detect_language", "language_tag"]

_SAMPLE = 1000  # classify at most this many characters: enough, and cheap (1 ms)
_MIN_LETTERS = 20
_PRIMARY = re.compile(r"^([a-z]{2,3})(?:[-_]|$)")
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis", "xx"})


def language_tag(tag: str | None) -> str:
    """The primary language subtag of a declared tag, lower case: ``"en-US"`` -> ``"en"``;
    ``""`` for what is not a language (``"x-default"``, ``"und"``, garbage)."""
    if not tag:
        return ""
    match = _PRIMARY.match(tag.strip().lower())
    if not match:
        return ""
    code = match.group(1)
    if code in _NOT_A_LANGUAGE:
        return ""
    return _LEGACY.get(code, code)


def detect_language(text: str) -> str:
    """py3langid's guess from the first 1000 characters, or ``""`` for too little text."""
    sample = text[:_SAMPLE]
    if sum(1 for c in sample if c.isalpha()) < _MIN_LETTERS:
        return ""
    try:
        import py3langid

        code, _score = py3langid.classify(sample)
    except Exception:  # a detector failure only costs the language field
        return ""
    return language_tag(str(code))
