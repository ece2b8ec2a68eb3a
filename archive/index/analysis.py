"""How text becomes index terms: words, CJK bigrams, accent folding, stop words and stems in the
clipping's own language.

A prose field's value starts with a language mark (``mark("fr", text)``), so each clipping is
stemmed in its language with one analyzer. A query's language is unknown: the parser keeps its
words as typed (folded, not stemmed), and :func:`forms` gives each word's term in every language
of the archive, which ``expand`` in ``archive.index.language`` turns into alternatives.

Chinese, Japanese and Korean have no spaces between words: each run of their characters is
indexed as overlapping character pairs (北京大学 → 北京 京大 大学), and a query's run becomes a
phrase of its pairs, which finds the run wherever it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Analyzer, Token
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

_MARK = "\x1f"
# a word: letters and digits, dots inside kept (u.s, 3.5); apostrophes split (don't -> don, t)
_WORD = re.compile(r"\w+(?:\.?\w+)*")
# Han (with extensions and compatibility forms), kana, Hangul syllables and jamo
_CJK_CHARS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_HAS_CJK = re.compile(f"[{_CJK_CHARS}]")

DEFAULT_LANGUAGE = "en"  # what a clipping of unknown language is stemmed as


def mark(language: str, text: str) -> str:
    """``text`` as a prose field's value: the language mark, then the text."""
    return f"{_MARK}{language or DEFAULT_LANGUAGE}{_MARK}{text}"


def _split_mark(value: str) -> tuple[str, str, int]:
    """The language of a marked value, its text, and where the text starts."""
    if value.startswith(_MARK):
        end = value.find(_MARK, 1)
        if end > 0:
            return value[1:end], value[end + 1 :], end + 1
    return DEFAULT_LANGUAGE, value, 0


def fold(word: str) -> str:
    """Lower case without accents: ``Élysée`` → ``elysee``."""
    return word.lower().translate(accent_map)


def is_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


_SAME_LANGUAGE = {"nb": "no", "nn": "no"}  # Norwegian Bokmål and Nynorsk: Norwegian's tools


@lru_cache(maxsize=64)
def _language_tools(language: str) -> tuple[frozenset[str], object]:
    """The stop words (folded) and the stemmer of a language: none for a language Whoosh has
    no stemmer or stop list for (its words are indexed as they are, folded)."""
    language = _SAME_LANGUAGE.get(language, language)
    if language == "en":
        return frozenset(fold(w) for w in stopwords_for_language("en")), porter_stem
    stops = (
        frozenset(fold(w) for w in stopwords_for_language(language))
        if has_stopwords(language)
        else frozenset()
    )
    stemmer = stemmer_for_language(language) if has_stemmer(language) else None
    return stops, stemmer


@lru_cache(maxsize=500_000)
def form(word: str, language: str) -> str | None:
    """The index term of a folded ``word`` in ``language``: its stem, or None for a stop word.
    CJK pairs and words with digits are kept as they are."""
    if is_cjk(word):
        return word
    stops, stemmer = _language_tools(language)
    if word in stops:
        return None
    if stemmer is None or any(c.isdigit() for c in word):
        return word
    return stemmer(word) or word


def forms(word: str, languages: tuple[str, ...]) -> list[str]:
    """The distinct terms ``word`` stands for in ``languages`` (none if a stop word in all)."""
    folded = fold(word)
    found: list[str] = []
    for language in languages:
        term = form(folded, language)
        if term is not None and term not in found:
            found.append(term)
    return found


def _pieces(word: str, start: int) -> Iterator[tuple[str, int, int]]:
    """A word's index pieces with their character offsets: the word itself, or for a word with
    CJK characters, its other parts and the character pairs of each CJK run."""
    if not _HAS_CJK.search(word):
        yield word, start, start + len(word)
        return
    at = 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > at:
            yield from _pieces(word[at : run.start()], start + at)
        chars = run.group()
        if len(chars) == 1:
            yield chars, start + run.start(), start + run.end()
        for i in range(len(chars) - 1):
            yield chars[i : i + 2], start + run.start() + i, start + run.start() + i + 2
        at = run.end()
    if at < len(word):
        yield word[at:], start + at, start + len(word)


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """The words of ``text`` (CJK runs as character pairs) with their character offsets."""
    for match in _WORD.finditer(text):
        yield from _pieces(match.group(), match.start())


class ProseAnalyzer(Analyzer):
    """Prose: words folded, then the stop words and stems of the value's marked language.

    In query mode (what the parser runs on the words of a query) words are only folded:
    the query is expanded to the stems of each of the archive's languages afterwards.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        language, text, offset = _split_mark(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        query = mode == "query"
        if not tokenize:  # a prefix or wildcard as typed
            token.text = fold(text)
            token.original = text
            token.boost = 1.0
            token.stopped = False
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(text)
            yield token
            return
        pos = start_pos
        for word, start, end in words(text):
            folded = fold(word)
            term = folded if query else form(folded, language)
            if term is None:
                if removestops:
                    continue
                term = folded
            token.text = term
            if keeporiginal:
                token.original = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + offset + start
                token.endchar = start_char + offset + end
            pos += 1
            yield token


def search_languages(codes: set[str]) -> tuple[str, ...]:
    """The languages a query's words are read in, given the archive's language codes: English
    (the default) first, then each other language with stems or stop words of its own, then
    one unstemmed reading for all the languages without (Korean, Chinese, …)."""
    own = {_SAME_LANGUAGE.get(c, c) for c in codes}
    tooled = sorted(c for c in own if c != DEFAULT_LANGUAGE and _has_tools(c))
    plain = ("",) if any(c and not _has_tools(c) for c in own) else ()
    return (DEFAULT_LANGUAGE, *tooled, *plain)


def _has_tools(language: str) -> bool:
    return has_stemmer(language) or has_stopwords(language)
