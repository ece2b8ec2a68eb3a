"""A typed query read once: what the search, the re-ranker, the loose fallback, the title boost
and the highlighter each take from it.

``plan(text)`` parses the text with the query language (``archive.index.query``) one time and
reads everything else off that one parse, so no part of a search can treat a word, a common
word or an apostrophe differently from another. ``Index.search`` turns the plan into Whoosh
queries (``expand``) and never looks at the text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import query as wq

from .analysis import fold
from .dates import Range
from .dates import split as split_dates
from .query import PREFIX_FIELDS, QueryError, ends_with_address, parse, typed_word
from .query import as_you_type as complete_word
from .schema import DEFAULT_FIELDS, PROSE_FIELDS, exact_title

# AND, OR, NOT or a leading +: the query says how its words combine, so it is never loosened
_EXPLICIT = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|(?:^|(?<=[\s(]))\+")


@dataclass(frozen=True)
class Plan:
    """What a query asks for.

    ``parsed``: the Whoosh query as parsed (the word being typed also as a prefix), its words
    folded, not yet stemmed. ``typed``: that word, or None. ``words``: the distinct words looked
    for in the prose fields, in order (negated ones, and the word being typed, left out): what
    the re-ranker brings close together. ``title``: the query's words as a title key, when the
    query is only words and phrases (no fields, no operators): a title equal to it comes first.
    ``loose``: the query with its free words OR-ed, for when no clipping has them all; None
    when it has not two such words or says how they combine. ``quoted``: how many phrases
    it quotes; those stand for their words in ``loose`` (a phrase remembered with a slip).
    ``ranges``: the date ranges it requires (``archive.index.dates``). ``unfinished``: typed
    as you type, it ends with a word too short to be looked for as a prefix ("deck of ca"): a
    clipping lacking that word is no sign that none has every word. ``too_short``: the query
    is that word alone ("ch"), looked for as a whole word until it is a prefix.
    """

    text: str
    parsed: wq.Query
    typed: str | None = None
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    title: str = ""
    loose: wq.Query | None = None
    quoted: int = 0
    ranges: tuple[Range, ...] = field(default=())
    unfinished: bool = False
    too_short: bool = False

    @property
    def empty(self) -> bool:
        """A query with nothing in it (every clipping matches)."""
        return not self.text.strip()


def plan(text: str, *, as_you_type: bool = False, today: datetime | None = None) -> Plan:
    """The plan of ``text``; raises ``QueryError`` for a query that cannot be read.
    ``as_you_type``: its last word may be unfinished: it also matches as a prefix (three
    letters or more) or is left out (fewer), and a phrase not closed yet is searched as typed
    so far."""
    if not text.strip():
        return Plan(text, wq.Every())
    if as_you_type and not _ANY_WORD.search(text):  # a quote or a bracket opened: no word yet
        return Plan(text, wq.NullQuery, unfinished=True, too_short=True)
    if as_you_type and (date := _DATE_BEING_TYPED.search(text)) and _date_on_its_way(date):
        try:
            parse(text, today=today)
        except QueryError:  # "date:2019-" on its way to "date:2019-07": the list as it was
            return Plan(text, wq.NullQuery, unfinished=True, too_short=True)
    if as_you_type and text.count('"') % 2:
        text = _phrase_being_typed(text)
    short = _short_last(text) if as_you_type else None
    unfinished = short is not None
    too_short = short is not None and not text[: short.start()].strip()
    if unfinished and not too_short:
        # a word of one or two letters still being typed is left out until it is longer
        # (then a prefix) or finished: "deck of c" finds what "deck of" does
        text = text[: short.start()].rstrip()
    # (an address pasted is whole: not a word being typed)
    typed = typed_word(text) if as_you_type and not ends_with_address(text) else None
    # a group not closed yet ("title:(deck of car"): searched as if it were
    closing = ")" * _open_groups(text) if as_you_type else ""
    try:
        parsed = parse((complete_word(text) if typed else text) + closing, today=today)
    except QueryError:
        if typed or closing:  # the error told of the text as typed, not of its completion
            parse(text, today=today)
        raise
    rest = _without_typed(parsed, fold(typed)) if typed else parsed
    # (the word being typed is a free word)
    free = not _EXPLICIT.search(text) and (rest is wq.NullQuery or _free_only(rest))
    _, ranges = split_dates(parsed)
    quoted = text.count('"') // 2
    return Plan(
        text=text,
        parsed=parsed,
        typed=typed,
        words=tuple(prose_words(rest)),
        phrases=tuple(_phrases(parsed)),
        title=exact_title(text.replace('"', " ")) if free else "",
        loose=None if _EXPLICIT.search(text) else any_word(parsed, phrases_too=bool(quoted)),
        quoted=quoted,
        ranges=tuple(ranges),
        unfinished=unfinished,
        too_short=too_short,
    )


def _date_on_its_way(date: re.Match[str]) -> bool:
    """Whether the date at the end of the text may still become one ("2019-0", not "2019-13")."""
    return _DATE_START.fullmatch(date.group(1).rpartition("..")[2]) is not None


def _open_groups(text: str) -> int:
    """How many "(" (outside quotes) are not closed yet; 0 when a ")" comes first."""
    depth = 0
    for char in "".join(text.split('"')[::2]):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return 0
    return depth


def _phrase_being_typed(text: str) -> str:
    """``text``, whose last quote is not closed yet, as a query to show while typing it: the
    phrase closed before the word still being typed, which then also matches as a prefix
    (``"maximum pres`` → ``"maximum" pres``); closed at its end when that word is done (a
    space after it) or is not a word of letters. Not an error at each key."""
    head, _, phrase = text.rpartition('"')
    words = phrase.split()
    if words and not phrase[-1].isspace() and words[-1].isalpha():
        done = f'"{" ".join(words[:-1])}" ' if len(words) > 1 else ""
        return f"{head}{done}{words[-1]}"
    return f'{text}"'


# a word of one or two letters at the very end (no space after it: still being typed)
_ANY_WORD = re.compile(r"\w")
# a date field's value at the end of the text, as it is typed digit by digit
_DATE_BEING_TYPED = re.compile(r"(?:^|(?<=[\s(]))(?:date|published|saved):([\d.-]*)\Z", re.I)
# ... and the start of one still (of a year, a month, a day; of the last days: "7" of "7d")
_DATE_START = re.compile(r"\d{0,4}|\d{4}-\d?|\d{4}-\d{1,2}-\d?")
_SHORT_LAST_WORD = re.compile(
    r"(?:^|(?<=\s))(?:"
    r"[^\W\d_]{1,2}"  # "c", "ch"
    r"|[^\W\d_]+(?:['\u2019-][^\W\d_]+)*['\u2019-]"  # a hyphen or an apostrophe just typed: "e-"
    r"|[^\W\d_]+(?:['\u2019-][^\W\d_]+)*['\u2019][^\W\d_]{1,2}"  # "o'n", "we'r", "we're"
    r"|[^\W\d_]-[^\W\d_]"  # "e-m"
    r"|(\w+):[^\W\d_]{1,2}"  # a field of words' value begun: "site:ny"
    r")\Z"
)


def _short_last(text: str) -> re.Match[str] | None:
    """The end of ``text`` that is still too short to look for (see ``_SHORT_LAST_WORD``), or
    None. An apostrophe's short ending is one: "we're" is not "were*" (the index has "were"
    for "we're" typed without it), and until it is done it is no word."""
    found = _SHORT_LAST_WORD.search(text)
    if found is None or text.count('"') % 2:
        return None
    field = found.group(1)
    return found if field is None or field.lower() in PREFIX_FIELDS else None


def prose_words(q: wq.Query) -> list[str]:
    """The distinct words of ``q``'s prose terms and phrases, in order (not negated ones)."""
    found: list[str] = []

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        fieldname = getattr(node, "fieldname", None)
        if fieldname in PROSE_FIELDS and type(node) is wq.Term:
            if node.text not in found:
                found.append(node.text)
        elif fieldname in PROSE_FIELDS and type(node) is wq.Phrase:
            found.extend(w for w in node.words if w not in found)
        for child in node.children():
            walk(child)

    walk(q)
    return found


def _phrases(q: wq.Query) -> list[tuple[str, ...]]:
    """The distinct phrases ``q`` looks for in the prose fields (each once, whatever field)."""
    found: list[tuple[str, ...]] = []
    for leaf in q.leaves():
        words = tuple(getattr(leaf, "words", ()))
        if type(leaf) is wq.Phrase and leaf.fieldname in PROSE_FIELDS and words not in found:
            found.append(words)
    return found


def any_word(q: wq.Query, *, phrases_too: bool = False) -> wq.Query | None:
    """``q`` (as parsed) with the words of its top AND OR-ed: what a clipping that has only some
    of them matches. Parts in one field (``title:x``, dates, ``is:tagged``) stay required.
    ``phrases_too`` (the query quotes a phrase): its phrases stand for their words, in any
    order. A phrase is remembered a little wrong more often than not, or runs across a caption
    the article leaves out; "no hits" is no answer to it. None when there are not two words."""
    parts = q.subqueries if type(q) is wq.And else [q]
    words = [part for part in parts if _is_free_word(part)]
    if phrases_too:
        words = [word for part in words for word in _phrase_words(part)]
    if len(words) < 2:
        return None
    required = [part for part in parts if not _is_free_word(part)]
    return wq.And([*required, wq.Or(words)]) if required else wq.Or(words)


def _phrase_words(part: wq.Query) -> list[wq.Query]:
    """A free word or phrase (OR-ed over the default fields) as free words: a phrase's each
    word in the fields the phrase was looked for in; ``[part]`` when it holds no phrase."""
    phrases = [leaf for leaf in part.leaves() if type(leaf) is wq.Phrase]
    if not phrases:
        return [part]
    order = list(dict.fromkeys(word for phrase in phrases for word in phrase.words))
    others = [leaf for leaf in part.leaves() if type(leaf) is not wq.Phrase]
    words = [
        wq.Or([wq.Term(ph.fieldname, word, boost=ph.boost) for ph in phrases if word in ph.words])
        for word in order
    ]
    return [*words, wq.Or(others)] if others else words


def _is_free_word(part: wq.Query) -> bool:
    """A word or phrase looked for in every default field (the parser's OR over fields)."""
    fields = {getattr(leaf, "fieldname", None) for leaf in part.leaves()}
    return len(fields) > 1 and fields <= set(DEFAULT_FIELDS)


def without_words(q: wq.Query, drop: Callable[[str], bool]) -> wq.Query:
    """``q`` without the free words (in every default field, not in a phrase) of its top AND
    or OR for which ``drop(word)`` is true; ``q`` itself when that would leave nothing."""
    if type(q) not in (wq.And, wq.Or):
        return q

    def dropped(part: wq.Query) -> bool:
        texts = {getattr(leaf, "text", None) for leaf in part.leaves()}
        return (
            _is_free_word(part)
            and all(type(leaf) is wq.Term for leaf in part.leaves())
            and len(texts) == 1
            and drop(str(texts.pop()))
        )

    def dropped_term(part: wq.Query) -> bool:  # an OR's words, flattened: one term each
        return (
            type(q) is wq.Or
            and type(part) is wq.Term
            and part.fieldname in DEFAULT_FIELDS
            and drop(str(part.text))
        )

    kept = [part for part in q.subqueries if not dropped(part) and not dropped_term(part)]
    if len(kept) == len(q.subqueries) or not kept:
        return q
    return kept[0] if len(kept) == 1 else type(q)(kept, boost=q.boost)


def _free_only(q: wq.Query) -> bool:
    """Whether ``q`` is only free words and phrases, all required (no field, no operator)."""
    parts = q.subqueries if type(q) is wq.And else [q]
    return all(_is_free_word(part) and _only_words(part) for part in parts)


def _only_words(q: wq.Query) -> bool:
    """Whether ``q`` is words and phrases in fields OR-ed: no negation, pattern or range."""
    if type(q) in (wq.Term, wq.Phrase):
        return True
    return type(q) in (wq.Or, wq.And) and all(_only_words(child) for child in q.children())


def _without_typed(q: wq.Query, typed: str) -> wq.Query:
    """``q`` without the word being typed: the last part of its AND (or all of it), the one
    that holds that word's prefix."""

    def holds_typed(part: wq.Query) -> bool:
        return any(isinstance(leaf, wq.Prefix) and leaf.text == typed for leaf in part.leaves())

    if type(q) is wq.And and q.subqueries and holds_typed(q.subqueries[-1]):
        rest = q.subqueries[:-1]
        return rest[0] if len(rest) == 1 else wq.And(rest)
    return wq.NullQuery if holds_typed(q) else q
