"""Finds the article in a whole web page dumped as text (a browser's "Save as Text", ``w3m
-dump``, ``lynx -dump``): the run of prose paragraphs between the menus and the footer.

A dump has no tags left to tell the article from the furniture, but its shape still does:
the article is a run of long paragraphs made of sentences, dense in the language's function
words ("the", "of", "which"); menus are bullet lists of short items; related-story boxes are
headlines and teasers cut short with "...", or a headline then the same headline with its
summary; footers are copyright lines and cookie notices.
Each paragraph gets a score (its words when it is prose, a penalty when it is furniture),
and the article is the run with the highest total: the maximum-sum segment, as in Finn et
al.'s Body Text Extraction, with paragraphs instead of tokens. Comment sections end it.

The function words are jusText's stoplists (the lists its own paragraph classifier uses),
picked by the language py3langid finds in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .language import detect_language
from .markdown import BULLET, NUMBERED

__all__ = ["Paragraph", "find_article", "paragraphs"]

Test = Callable[[str], bool]  # the text rules' tests of a line: noise, furniture

# a line with fewer characters than this ends its paragraph (dumps wrap prose near 80)
_WRAP = 55
# a paragraph of prose: at least this many words, this share of them function words
_MIN_WORDS = 8
_MIN_DENSITY = 0.25
# what a line of furniture costs the run it is in; a furniture heading costs twice that
_PENALTY = 12
_TEASER_WORDS = 50
# words of prose the article must have before a comments heading ends it
_COMMENTS_AFTER = 50
# paragraphs that begin with the same words (this many) are teasers: a headline, then the
# same headline with its summary, as story cards print in a dump; an article's own
# paragraphs do not repeat each other's openings
_TEASER_START = 6

_IMAGE = re.compile(r"^(?:\[[^\]]*\])+$")  # w3m's [image alt] placeholders
# a short line with these is code (braces, statements, assignments), which articles quote
# a line at a time: as neutral as an empty line, where a menu item costs
_CODE = re.compile(r"[{};=]|^[\])}]")
_CODE_WORDS = 6
_WORD = re.compile(r"\w+")
_SITE_WORDS = r"\b(?:websites?|site|browser|consent|privacy|experience)\b"
_COOKIES = re.compile(rf"\bcookies?\b.*{_SITE_WORDS}|{_SITE_WORDS}.*\bcookies?\b", re.I)
_FOOTER = re.compile(r"^(?:\u00a9|copyright\b|\(c\)\s)", re.I)
_TEASER = re.compile(r"(?:\.\.\.|\u2026)\s*(?:\(?\d+\s+\w+\)?)?\s*$")
# (and with a count, as blog templates word it: "There are 13 comments", "12 thoughts on
# “Title”", "One response to “Title”")
_COMMENTS = re.compile(
    r"^(?:there (?:are|is) )?"
    r"(?:\d+\s+|no |top rated |top |reader |user |all |view |show |read |add |post |leave )?"
    r"(?:comments?|replies|reply|responses|discussion)\b"
    r"|^(?:\d+|one|no)\s+(?:responses?|thoughts?)\s+(?:to|on)\b",
    re.I,
)

# py3langid's codes to the names of jusText's stoplists
_STOPLISTS = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean",
    "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ms": "Malay",
    "nb": "Norwegian_Bokmal", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese",
}  # fmt: skip


@lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    name = _STOPLISTS.get(language)
    if not name:
        return frozenset()
    try:
        import justext

        return frozenset(word.casefold() for word in justext.get_stoplist(name))
    except Exception:  # a missing list only costs the density test
        return frozenset()


@dataclass
class Paragraph:
    """A paragraph of the dump: its lines ``start:end``, its text on one line, its score."""

    start: int
    end: int
    text: str
    bullet: bool
    score: float = 0.0


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """The dump's paragraphs: runs of lines split at blank lines, at bullets and after a short
    line (a wrapped paragraph's lines are long but for its last)."""
    found: list[Paragraph] = []
    current: Paragraph | None = None
    open_ = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            current, open_ = None, False
            continue
        bullet = bool(BULLET.match(line) or NUMBERED.match(line))
        if current is not None and open_ and not bullet:
            current.end = i + 1
            current.text += " " + line
        else:
            current = Paragraph(i, i + 1, line, bullet)
            found.append(current)
        open_ = len(line) >= _WRAP
    return found


def _score(
    paragraphs_: list[Paragraph], stopwords: frozenset[str], is_noise: Test, is_furniture: Test
) -> list[Paragraph]:
    """The paragraphs that count, each with its score; noise (image placeholders, "Advert")
    is left out."""
    scored: list[Paragraph] = []
    seen: set[str] = set()
    for para in paragraphs_:
        text = para.text
        if _IMAGE.match(text) or is_noise(text):
            continue
        words = _WORD.findall(text.casefold())
        key = " ".join(words)
        repeated = len(words) > 3 and key in seen
        seen.add(key)
        if repeated:
            para.score = -_PENALTY  # menus and headlines are shown twice; prose rarely is
        elif is_furniture(text):
            para.score = -2 * _PENALTY
        elif _FOOTER.match(text) or _COOKIES.search(text):
            para.score = -max(_PENALTY, len(words))
        else:
            function_words = (
                sum(1 for w in words if w in stopwords) if stopwords else 0.35 * len(words)
            )
            prose = len(words) >= _MIN_WORDS and function_words >= _MIN_DENSITY * len(words)
            if para.bullet:
                # a list item made of sentences counts for half; a menu item costs
                para.score = len(words) / 2 if prose and len(words) >= 15 else -_PENALTY
            elif prose and len(words) <= _TEASER_WORDS and _TEASER.search(text):
                para.score = 0  # a teaser cut short: neither article nor furniture
            elif prose:
                para.score = len(words)
            else:
                para.score = -_PENALTY if len(words) < 4 else -_PENALTY / 2
        scored.append(para)
    _mark_teasers(scored)
    for para in scored:
        if (
            para.score < 0
            and not para.bullet
            and len(para.text.split()) <= _CODE_WORDS
            and _CODE.search(para.text)
        ):
            para.score = 0  # a line of code in the article: neither prose nor furniture
    return scored


def _mark_teasers(scored: list[Paragraph]) -> None:
    """Paragraphs that open with the same words as another one cost as furniture."""
    starts: dict[str, int] = {}
    keys: list[str] = []
    for para in scored:
        words = _WORD.findall(para.text.casefold())
        key = " ".join(words[:_TEASER_START]) if len(words) >= _TEASER_START else ""
        keys.append(key)
        if key:
            starts[key] = starts.get(key, 0) + 1
    for para, key in zip(scored, keys, strict=True):
        if key and starts[key] > 1 and para.score > 0:
            para.score = -_PENALTY


def find_article(lines: list[str], is_noise: Test, is_furniture: Test) -> list[Paragraph]:
    """The article's paragraphs in a page dumped as text, or [] when it has no prose."""
    found = paragraphs(lines)
    longest = sorted((p.text for p in found), key=len, reverse=True)[:10]
    stopwords = _stopwords(detect_language("\n".join(longest)))
    scored = _score(found, stopwords, is_noise, is_furniture)
    best = total = 0.0
    start = first = last = 0
    for i, para in enumerate(scored):
        if total <= 0:
            total, start = 0.0, i
        total += para.score
        if total > best:
            best, first, last = total, start, i + 1
    if best <= 0:
        return []
    while last < len(scored) and scored[last].score == 0:
        last += 1  # the article's own last paragraph may end "..." (a paywall)
    article: list[Paragraph] = []
    words = 0.0
    for para in scored[first:last]:
        if words >= _COMMENTS_AFTER and len(para.text) < _WRAP and _COMMENTS.match(para.text):
            # the comments end it: the run up to them is cut where its own sum is highest
            # (the share buttons and related stories between are left out)
            return _best_prefix(article)
        article.append(para)
        words += max(0.0, para.score)
    return article


def _best_prefix(run: list[Paragraph]) -> list[Paragraph]:
    """``run`` up to the paragraph where its running sum of scores is highest, and the
    paragraphs of no score right after it."""
    best = total = 0.0
    end = len(run)
    for i, para in enumerate(run):
        total += para.score
        if total > best:
            best, end = total, i + 1
    while end < len(run) and run[end].score == 0:
        end += 1
    return run[:end]
