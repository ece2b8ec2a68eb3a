"""Snippets: the best one or two passages of a body for a query, with the matched words marked.

Whoosh's own highlighter runs every token of the body through the analyzer chain, which costs
about 2 ms a hit. Here each distinct word of the body is analyzed once (and cached across
queries), the matching surface words become one regular expression, and the best window is
chosen over the match positions: the same words found, a fraction of the time.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .schema import prose

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _terms_of(word: str) -> tuple[str, ...]:
    """What the prose analyzer makes of one word (a stem, or nothing for a stop word)."""
    return tuple(token.text for token in prose(word))


def matching_words(text: str, terms: frozenset[str]) -> set[str]:
    return {
        word
        for word in set(_WORD.findall(text.lower()))
        if any(term in terms for term in _terms_of(word))
    }


def snippet(
    body: str, terms: frozenset[str], *, width: int = 160, top: int = 2
) -> tuple[str, list[tuple[int, int]]]:
    """The best passages of ``body`` for the index ``terms``, and the offsets of the matches.

    Returns ``("", [])`` when no word of the body matches.
    """
    text = " ".join(body.split())
    words = matching_words(text, terms) if terms else set()
    if not words:
        return "", []
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    matches = [(m.start(), m.end(), m.group().lower()) for m in pattern.finditer(text)][:1000]
    if not matches:
        return "", []
    windows = _best_windows(matches[:200], width, top)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for index, (start, end) in enumerate(sorted(windows)):
        start, end = _snap(text, start, end)
        piece = text[start:end]
        prefix = " … " if index else ("… " if start > 0 else "")
        parts.append(prefix + piece)
        base = offset + len(prefix)
        spans.extend(
            (base + s - start, base + e - start) for s, e, _ in matches if s >= start and e <= end
        )
        offset += len(prefix) + len(piece)
    if windows and max(end for _, end in windows) < len(text):
        parts.append(" …")
    return "".join(parts), spans


def _best_windows(
    matches: list[tuple[int, int, str]], width: int, top: int
) -> list[tuple[int, int]]:
    """Up to ``top`` windows of ``width`` characters with the most distinct matched words."""
    chosen: list[tuple[int, int]] = []
    covered: set[str] = set()
    for _ in range(top):
        best: tuple[int, int, int, int] | None = None  # (new words, matches, -start, start)
        for i, (start, _, _) in enumerate(matches):
            window_start = max(0, start - width // 3)
            window_end = window_start + width
            if any(window_start < e and s < window_end for s, e in chosen):
                continue
            inside = [m for m in matches[i:] if m[1] <= window_end]
            words = {m[2] for m in inside}
            score = (len(words - covered), len(inside), -window_start, window_start)
            if best is None or score > best:
                best = score
        if best is None or (chosen and best[0] == 0):
            break
        window_start = best[3]
        chosen.append((window_start, window_start + width))
        covered |= {m[2] for m in matches if window_start <= m[0] < window_start + width}
    return chosen


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a window to whole words."""
    end = min(len(text), end)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else 0
    if end < len(text):
        space = text.find(" ", end)
        end = space if space >= 0 else len(text)
    return start, end
