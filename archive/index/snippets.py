"""Snippets: the best one or two passages of a body for a query, with the matched words marked.

Whoosh's own highlighter runs every token of the body through the analyzer chain, which costs
about 2 ms a hit. Here one regular expression finds the words that may match (those starting
like one of the query's terms) in a folded copy of the text, only those are analyzed (and the
results cached across queries), and the best window is chosen over the match positions: the
same words found, a fraction of the time.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .analysis import FOLDED, form, is_cjk

Match = tuple[int, int, str]  # start, end, the word as folded


def _folded(text: str) -> str:
    """``text`` lower-cased without accents, character for character (offsets stay valid)."""
    return text.replace("İ", "I").lower().translate(FOLDED)


@lru_cache(maxsize=256)
def _candidates(terms: frozenset[str]) -> re.Pattern[str]:
    """Words that may have one of ``terms`` as their index term: those starting like it (a
    stem can end differently from its words, "happi" for "happy": one letter is left off),
    and CJK character pairs as they are (looked for at each character: the pairs of a run
    overlap, 엘제 and 제이 in 엘제이, and a scan that goes on after a match would miss the
    second, and the run's last character)."""
    cjk = sorted((t for t in terms if is_cjk(t)), key=len, reverse=True)
    starts = sorted({t[:-1] if len(t) > 3 else t for t in terms if not is_cjk(t)}, key=len)
    parts = [f"(?=(?P<cjk>{'|'.join(re.escape(t) for t in cjk)}))"] if cjk else []
    if starts:
        alternatives = "|".join(re.escape(t) for t in reversed(starts))
        parts.append(rf"(?<!\w)(?:{alternatives})\w*(?:\.\w+)*")
    return re.compile("|".join(parts) or r"(?!)")


_APOSTROPHE = re.compile(r"['\u2019-]")  # (and a hyphen: "e-mail" is "email" too)
_RUN = "\x00"  # (a run of CJK pairs being joined, named by its text once whole)
# a word with an apostrophe in it ("we're", "o'neill's"), matched from its start
_WITH_APOSTROPHE = re.compile(r"\w+(?:['\u2019-]\w+)+")
_POSSESSIVE = re.compile(r"['\u2019]s$")  # (as the index joins them: "o'neill's", "oneill")


def find(text: str, terms: frozenset[str], language: str = "") -> list[Match]:
    """Where the words of ``text`` whose index term (in ``language``) is one of ``terms`` are;
    for CJK text, the matching character pairs."""
    if not terms:
        return []
    folded = _folded(text)
    language = language or "en"
    found: list[Match] = []
    for match in _candidates(terms).finditer(folded):
        pair = match.group("cjk") if "cjk" in match.re.groupindex else None
        if pair:  # (a look-ahead: the pair's span is its own)
            start, end = match.start(), match.start() + len(pair)
            if found and found[-1][2] == _RUN and found[-1][1] >= start:  # the run goes on
                found[-1] = (found[-1][0], end, _RUN)
            else:
                found.append((start, end, _RUN))
            continue
        word = match.group()
        if word in terms or (not is_cjk(word) and form(word, language) in terms):
            found.append((match.start(), match.end(), word))
    found = [(s, e, folded[s:e] if w == _RUN else w) for s, e, w in found]
    joined = _joined(folded, terms, language)
    if joined:  # the whole word, not its part the scan above matched
        found = [m for m in found if not any(s <= m[0] < e for s, e, _ in joined)]
        found = sorted(found + joined)
    return found


def _joined(folded: str, terms: frozenset[str], language: str) -> list[Match]:
    """The words with an apostrophe whose joined form (``we're``: ``were``), as the index
    also has it, is one of ``terms``. Read from each apostrophe, not by a pattern tried at
    every word: a quarter of the time of a snippet went there."""
    found: list[Match] = []
    end = 0
    for apostrophe in _APOSTROPHE.finditer(folded):
        at = apostrophe.start()
        if at < end or at == 0 or not folded[at - 1].isalnum():
            continue
        start = at
        while start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
            start -= 1
        match = _WITH_APOSTROPHE.match(folded, start)
        if match is None:
            continue
        end = match.end()
        word = _POSSESSIVE.sub("", match.group())
        if not _APOSTROPHE.search(word):  # "korea's": its word matched as it is, above
            continue
        word = _APOSTROPHE.sub("", word)
        if word in terms or form(word, language) in terms:
            found.append((start, end, word))
    return found


def matching_words(text: str, terms: frozenset[str], language: str = "") -> set[str]:
    """The words of ``text`` (lower-cased) whose index term in ``language`` is one of ``terms``;
    for CJK text, the matching character pairs."""
    return {text[start:end].lower() for start, end, _ in find(text, terms, language)}


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
    matches = find(text, terms, language)[:1000]
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


def _best_windows(matches: list[Match], width: int, top: int) -> list[tuple[int, int]]:
    """Up to ``top`` windows of ``width`` characters with the most distinct matched words
    (then the most matches, then the earliest), not overlapping each other."""
    chosen: list[tuple[int, int]] = []
    covered: set[str] = set()
    for _ in range(top):
        best: tuple[int, int, int, int] | None = None  # (new words, matches, -start, start)
        inside: Counter[str] = Counter()
        j = 0
        for i, (start, _, word_i) in enumerate(matches):
            window_start = max(0, start - width // 3)
            window_end = window_start + width
            j = max(j, i)
            while j < len(matches) and matches[j][1] <= window_end:  # windows only move right
                inside[matches[j][2]] += 1
                j += 1
            if not any(window_start < e and s < window_end for s, e in chosen):
                new = sum(1 for word in inside if word not in covered)
                score = (new, j - i, -window_start, window_start)
                if best is None or score > best:
                    best = score
            if j > i:  # match i leaves the window the next one starts
                inside[word_i] -= 1
                if not inside[word_i]:
                    del inside[word_i]
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
