"""How text becomes index terms: words, CJK bigrams, accent folding, and stems in the clipping's
own language. Every word is indexed, common ones too, as Lucene's and Elasticsearch's standard
analyzers do: BM25 weighs them, and a title typed in full, "you" and "don't" and all, finds its
page. The query's words go through the same reading, so the two sides always agree.

A prose field's value starts with a language mark (``mark("fr", text)``), so each clipping is
stemmed in its language with one analyzer. A query's language is unknown: the parser keeps its
words as typed (folded, not stemmed), and :func:`forms` gives each word's term in every language
of the archive, which ``expand`` turns into alternatives.

Words are runs of letters and digits: an apostrophe, a hyphen or a dot parts them, on both
sides (``don't`` → ``don t``, ``U.S.`` → ``u s``, ``polygraph.info`` → ``polygraph info``, as
someone typing them from memory would). The index also keeps, at the same position, the
joined form of an acronym written with dots (``U.S.`` → ``us``), of a number written with
thousands separators (``1,000`` → ``1000``) and of a word with an apostrophe (``we're`` →
``were``, ``don't`` → ``dont``, ``O'Neill's`` → ``oneill``; a possessive's is not joined:
``swedens`` stems to ``sweden`` already, and the stem counted twice would weigh it double), so
both spellings find it: the apostrophe is often left out.

Chinese, Japanese and Korean have no spaces between words: each run of their characters is
indexed as overlapping character pairs (北京大学 → 北京 京大 大学), and a query's run becomes a
phrase of its pairs, which finds the run wherever it is written.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from whoosh import lang as whoosh_lang
from whoosh.analysis import Analyzer, Token
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

_MARK = "\x1f"
# a run of words joined by dots, commas, apostrophes or hyphens (u.s, 3.5, 1,000,
# polygraph.info, don't, e-mail): its words are indexed one by one, and an acronym's, a
# number's, a contraction's or a hyphened word's joined form beside them
_COMPOUND = re.compile(r"\w+(?:[.,'\u2019-]\w+)*")
_SEGMENT = re.compile(r"[^-]+")
# two or three words of letters hyphened ("e-mail", "co-founders", "Einmal-Passwörter"): also
# joined, as they are often written ("email"); not "mid-2019", nor a long run of them
_HYPHENED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+){1,2}")
_JOINERS = frozenset(".,'\u2019")
_APOSTROPHES = re.compile(r"\w+(?:['\u2019]\w+)+")
_PART = re.compile(r"\w+")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
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


# accents off, and raised or lowered digits as digits (H₂O = h2o, x² = x2), as typed
FOLDED = {
    **accent_map,
    **{ord(c): str(n) for n, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{ord(c): str(n) for n, c in enumerate("₀₁₂₃₄₅₆₇₈₉")},
}


def fold(word: str) -> str:
    """Lower case without accents: ``Élysée`` → ``elysee``."""
    return word.lower().translate(FOLDED)


def is_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


_SAME_LANGUAGE = {"nb": "no", "nn": "no"}  # Norwegian Bokmål and Nynorsk: Norwegian's tools


@lru_cache(maxsize=64)
def _stemmer(language: str) -> object | None:
    """The stemmer of a language; None for a language Whoosh has none for (its words are
    indexed as they are, folded)."""
    language = _SAME_LANGUAGE.get(language, language)
    if language == "en":
        return porter_stem
    return stemmer_for_language(language) if has_stemmer(language) else None


@lru_cache(maxsize=500_000)
def form(word: str, language: str) -> str:
    """The index term of a folded ``word`` in ``language``: its stem. CJK pairs and words with
    digits are kept as they are."""
    if is_cjk(word):
        return word
    stemmer = _stemmer(language)
    if stemmer is None or any(c.isdigit() for c in word):
        return word
    return stemmer(word) or word


@lru_cache(maxsize=500_000)
def _term(word: str, language: str) -> str:
    """The index term of ``word`` as written in a text of ``language``."""
    return form(fold(word), language)


def forms(word: str, languages: tuple[str, ...]) -> list[str]:
    """The distinct terms ``word`` stands for in ``languages``."""
    folded = fold(word)
    found: list[str] = []
    for language in languages:
        term = form(folded, language)
        if term not in found:
            found.append(term)
    return found


@lru_cache(maxsize=64)
def _common(language: str) -> frozenset[str]:
    language = _SAME_LANGUAGE.get(language, language)
    if not has_stopwords(language):
        return frozenset()
    return frozenset(map(fold, stopwords_for_language(language)))


def is_common(word: str, languages: tuple[str, ...]) -> bool:
    """Whether a language of ``languages`` lists the folded ``word`` as a common word ("the",
    "you", "die"). Common words are indexed and searched like any other; this only tells the
    ranking which words carry a query's or a text's meaning (see ``ranking``, ``proximity``)."""
    return any(word in _common(language) for language in languages if language)


@lru_cache(maxsize=64)
def common_terms(language: str) -> frozenset[str]:
    """The index terms of ``language``'s common words (a clipping's length leaves them out)."""
    language = language or DEFAULT_LANGUAGE
    return frozenset(form(word, language) for word in _common(language))


def language_of(value: str) -> str:
    """The language a prose field's marked value is read in."""
    return _split_mark(value)[0]


def content_terms(text: str, language: str) -> Iterator[str]:
    """The index terms of the words of ``text`` (in ``language``) that are not common words."""
    languages = (language or DEFAULT_LANGUAGE,)
    for word, _, _ in words(text):
        folded = fold(word)
        if not is_common(folded, languages):
            yield form(folded, languages[0])


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
    for word, start, end, _joined in tokens(text):
        if not _joined:
            yield word, start, end


def tokens(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """What the index reads in ``text``: each word with its offsets, then (flagged True, at the
    position of the word before it) the joined form of an acronym with dots, a number with
    thousands separators, a word with an apostrophe or a word of two or three hyphened."""
    cjk = _HAS_CJK.search(text) is not None
    for match in _COMPOUND.finditer(text):
        compound, at = match.group(), match.start()
        if "-" not in compound:
            yield from _compound(compound, at, cjk)
            continue
        for segment in _SEGMENT.finditer(compound):  # ("U.S.-North": "U.S." as ever, "North")
            yield from _compound(segment.group(), at + segment.start(), cjk)
        if is_hyphened(compound):  # "e-mail": "email"
            yield compound.replace("-", ""), at, match.end(), True


def is_hyphened(word: str) -> bool:
    """Whether ``word`` is two or three words of letters hyphened, whose joined form the index
    keeps too (``e-mail``: ``email``)."""
    return _HYPHENED.fullmatch(word) is not None and not is_cjk(word)


def _compound(compound: str, at: int, cjk: bool) -> Iterator[tuple[str, int, int, bool]]:
    """The tokens of a run of words joined by dots, commas or apostrophes (see ``tokens``)."""
    if not cjk and _JOINERS.isdisjoint(compound):
        yield compound, at, at + len(compound), False  # one word: most of them
        return
    parts = list(_PART.finditer(compound))
    for part in parts:
        for piece, start, end in _pieces(part.group(), at + part.start()):
            yield piece, start, end, False
    if len(parts) > 1 and (
        all(len(p.group()) == 1 and not p.group().isdigit() for p in parts)
        or _THOUSANDS.fullmatch(compound)
    ):
        yield "".join(p.group() for p in parts), at, at + len(compound), True
    elif len(parts) > 1 and _APOSTROPHES.fullmatch(compound) and not is_cjk(compound):
        if parts[-1].group().lower() == "s":  # a possessive: "Sweden's" stems to sweden
            parts = parts[:-1]  # (and "O'Neill's" is "oneill")
        if len(parts) > 1:
            yield "".join(p.group() for p in parts), at, parts[-1].end() + at, True


# the joined forms the last analysis in this thread added, by term: a form written another way
# ("email" for "e-mail") is no word more, and leaves the text's length as it was (see
# ``schema.ProseField``; MED's nDCG@10 fell from 0.757 to 0.753 when they counted)
_JOINED = threading.local()


def joined_terms() -> Counter[str]:
    """The joined forms (see ``tokens``) the last analysis in this thread added, by term."""
    return getattr(_JOINED, "terms", Counter())


class ProseAnalyzer(Analyzer):
    """Prose: words folded, then stemmed in the value's marked language.

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
        pos = start_pos - 1
        joined_terms = _JOINED.terms = Counter()  # (read by the field, for its length)
        for word, start, end, joined in tokens(text):
            if joined and query:  # a query reads the words; the index has both
                continue
            token.text = fold(word) if query else _term(word, language)
            if joined:
                joined_terms[token.text] += 1
            if keeporiginal:
                token.original = word
            token.boost = 1.0
            token.stopped = False
            if not joined:
                pos += 1
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + offset + start
                token.endchar = start_char + offset + end
            yield token


# languages by name, in English and in their own ("french", "français": fr): Whoosh's, and
# those of the scripts its stemmers leave out
_NAMED = {
    **whoosh_lang.aliases,
    "chinese": "zh", "japanese": "ja", "korean": "ko", "polish": "pl", "czech": "cs",
    "greek": "el", "hebrew": "he", "hindi": "hi", "indonesian": "id", "vietnamese": "vi",
    "ukrainian": "uk", "catalan": "ca", "thai": "th", "persian": "fa", "croatian": "hr",
}  # fmt: skip


def _english_names() -> dict[str, str]:
    """Each code's English name: the first ASCII name of more than three letters given."""
    names: dict[str, str] = {}
    for name, code in _NAMED.items():
        if len(name) > 3 and name.isascii() and name.isalpha():
            names.setdefault(code, name.title())
    return names


_NAMES = _english_names()


def language_name(code: str) -> str:
    """A language code's English name (``fr``: ``French``); the code when it has none."""
    return _NAMES.get(code, code)


def language_code(name: str) -> str | None:
    """The code of a language named in English or in its own (``French``: ``fr``), a code
    given as it is; None for a name it does not know."""
    name = name.strip().lower()
    if name in _NAMED.values() or re.fullmatch(r"[a-z]{2,3}", name):
        return name
    return _NAMED.get(name)


def search_languages(codes: set[str]) -> tuple[str, ...]:
    """The languages a query's words are read in, given the archive's language codes: English
    (the default) first, then each other language with a stemmer of its own, then one
    unstemmed reading for all the languages without (Korean, Chinese, …)."""
    own = {_SAME_LANGUAGE.get(c, c) for c in codes}
    stemmed = sorted(c for c in own if c != DEFAULT_LANGUAGE and has_stemmer(c))
    plain = ("",) if any(c and not has_stemmer(c) for c in own) else ()
    return (DEFAULT_LANGUAGE, *stemmed, *plain)
