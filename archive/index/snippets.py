"""Snippets: the best one or two passages of a body for a query, with the matched words marked.

Whoosh's own highlighter runs every token of the body through the analyzer chain, which costs
about 2 ms a hit. Here each distinct word of the body is analyzed once (and cached across
queries), the matching surface words become one regular expression, and the best window is
chosen over the match positions: the same words found, a fraction of the time.
"""

from __future__ import annotations

import re

from .analysis import fold, form, is_cjk, words

_WORD = re.compile(r"\w+(?:\.?\w+)*")


def matching_words(text: str, terms: frozenset[str], language: str = "") -> set[str]:
    """The words of ``text`` (lower-cased) whose index term in ``language`` is one of ``terms``;
    for CJK text, the matching character pairs."""
    found: set[str] = set()
    for word in set(_WORD.findall(text.lower())):
        if is_cjk(word):
            found.update(piece for piece, _, _ in words(word) if fold(piece) in terms)
        elif form(fold(word), language or "en") in terms or fold(word) in terms:
            found.add(word)
    return found


def highlighter(found: set[str]) -> re.Pattern[str]:
    """A pattern for the surface words ``found`` (CJK pairs match inside runs)."""
    alternatives = "|".join(
        re.escape(w) if is_cjk(w) else rf"\b{re.escape(w)}\b"
        for w in sorted(found, key=len, reverse=True)
    )
    return re.compile(alternatives, re.IGNORECASE)


def snippet(
    body: str, terms: frozenset[str], language: str = "", *, width: int = 160, top: int = 2
) -> tuple[str, list[tuple[int, int]]]:
    """The best passages of ``body`` for the index ``terms``, and the offsets of the matches.

    Returns ``("", [])`` when no word of the body matches.
    """
    text = " ".join(body.split())
    found = matching_words(text, terms, language) if terms else set()
    if not found:
        return "", []
    pattern = highlighter(found)
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


def _snap(text: str, start: int, end: int, reach: int = 24) -> tuple[int, int]:
    """Widen a window to whole words (by at most ``reach`` characters a side: text without
    spaces, such as Chinese, is cut where it is)."""
    end = min(len(text), end)
    if start > 0:
        space = text.rfind(" ", max(0, start - reach), start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.find(" ", end, end + reach)
        end = space if space >= 0 else end
    return start, end


def lead(text: str, limit: int = 240) -> str:
    """The start of ``text`` up to ``limit`` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
