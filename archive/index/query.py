"""The query language: Whoosh's syntax, mail-style field prefixes, date ranges, clear errors.

``"maximum pressure" author:nazarko``, ``title:(korea OR japan)``, ``-trump``, ``press*``,
``presure~``, ``date:2019-07``, ``date:2019-01..2019-06``, ``saved:..2020``, ``saved:7d``,
``is:tagged``, ``has:notes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    FieldsPlugin,
    FuzzyTermPlugin,
    MultifieldParser,
    PlusMinusPlugin,
    plugins,
    syntax,
)

from ..models import ClippingsError
from .analysis import fold, is_cjk, is_hyphened, language_code
from .schema import ALIASES, DEFAULT_FIELDS, FLAGS, PROSE_FIELDS, SCHEMA


class QueryError(ClippingsError):
    """A query that cannot be read; the message says where and why, in one line."""


class _DateRangePlugin(plugins.TaggingPlugin):
    """``2019-01..2019-06``, ``2019..``, ``..2019-06-30``: a range on the field before it."""

    expr = r"(?P<start>\d{4}[\d-]*)?\.\.(?P<end>\d{4}[\d-]*)?(?=\s|\)|$)"
    priority = 0

    def create(self, parser: object, match: re.Match[str]) -> syntax.RangeNode:
        return syntax.RangeNode(match.group("start"), match.group("end"), False, False)


# a field's name: a letter first
_FIELD_NAME = r"[^\W\d_]\w*"


def _parser() -> MultifieldParser:
    parser = MultifieldParser(DEFAULT_FIELDS, SCHEMA)
    # a field's name begins with a letter: "10:30", "John 3:16" and "2:1" are text
    parser.remove_plugin_class(FieldsPlugin)
    parser.add_plugin(FieldsPlugin(expr=rf"(?P<text>{_FIELD_NAME}|[*]):"))
    parser.add_plugin(FuzzyTermPlugin())
    # + and - only at the start of a word: "2019-07" and "u.s.-north" are not negations
    parser.add_plugin(PlusMinusPlugin(r"(?:^|(?<=[\s(]))\+", r"(?:^|(?<=[\s(]))-"))
    parser.add_plugin(_DateRangePlugin())
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


_PARSER = _parser()
_HIDDEN_FIELDS = {"spelling", "title_exact", "site_name", "year"}
_KNOWN_FIELDS = (set(SCHEMA.names()) - _HIDDEN_FIELDS) | {
    alias for names in ALIASES.values() for alias in names
}
_FIELD_PREFIX = re.compile(rf"(?:(?<=^)|(?<=[\s(+-]))({_FIELD_NAME}):(?!//)(?=\S)")
# a "word" of punctuation only ("…", "&", a dash, pasted from a title) finds nothing: left out,
# as is the punctuation after a closing quote (a pasted sentence: `he said "no".`)
_PUNCTUATION = re.compile(r'(?:(?<!\S)|(?<="))[^\w\s"()]+(?!\S)')
# a colon that ends a word ("Brexit: the deal", pasted from a title) is punctuation, not a field
_LOOSE_COLON = re.compile(r"(?<=\w):(?=\s|$)")
# and so is a question mark that ends a word ("Is it over?"): not the one-letter wildcard
_LOOSE_QUESTION = re.compile(r"(?<=\w)\?+(?=[\s)]|$)")


def parse(text: str, *, today: datetime | None = None) -> wq.Query:
    """The Whoosh query for ``text``; raises :class:`QueryError` for input it cannot read.

    ``today`` is what relative dates (``saved:7d``) count back from (default: now, UTC).
    """
    if len(text) > MAX_QUERY:  # Whoosh's tagger takes quadratic time on a long word
        raise QueryError(f"the query is too long: {len(text):,} characters (at most {MAX_QUERY:,})")
    text = _CONTROL.sub(" ", text)
    _check_balance(text)
    text = _outside_quotes(_DATE_VALUE, lambda match: _date_value(match, text), text)
    text = _outside_quotes(_PASTED_ADDRESS, lambda match: _address_core(match.group()), text)
    _check_fields(text)
    _check_weights(text)
    source = _outside_quotes(_LOOSE_COLON, " ", text)
    source = _outside_quotes(_LOOSE_QUESTION, "", source)
    source = _outside_quotes(_PUNCTUATION, " ", source)
    source = _relative_dates(source, today or datetime.now(UTC))
    if not source.strip():
        return wq.NullQuery
    try:
        parsed = _PARSER.process(source).query(_PARSER)  # not .parse(): it hides a lone error
        problems = _errors(parsed)
        normal = parsed.normalize() if parsed and not problems else parsed
    except Exception:  # Whoosh's parser trips on some operator sequences ("NOT OR")
        words = "check its operators (AND, OR, NOT) and the words around them"
        raise QueryError(f"can't read the query {text!r}: {words}") from None
    for problem in problems:
        raise QueryError(f"can't read the query {text!r}: {problem}")
    if normal is wq.NullQuery and _EXCLUDED.search(source):
        # only exclusions ("-korea"): Whoosh's parser finds nothing to exclude them from;
        # ``NOT korea`` is every clipping but those
        return parse(_outside_quotes(_EXCLUDED, "NOT ", text), today=today)
    if not parsed:
        return wq.NullQuery
    checked = _language_names(_check_flags(normal, text), text)
    unquoted = {fold(found.group(1)) for found in _POSSESSIVE.finditer(_quotes_blanked(text))}
    return _with_addresses(
        _with_bare_possessives(
            _with_joined_forms(_without_initials(_phrases_with_positions(checked))), unquoted
        )
    )


def _with_joined_forms(q: wq.Query) -> wq.Query:
    """A hyphened word typed (``e-mail``, ``co-founders``) finds it written as one word too
    (``email``): each phrase of its parts may be its joined form instead. The index keeps
    that form beside the parts (``analysis.tokens``), so the joined form alone finds both."""
    return _phrases_or_word(
        q, lambda typed: fold(typed.replace("-", "")) if is_hyphened(typed) else None
    )


def _phrases_or_word(q: wq.Query, word_for: Callable[[str], str | None]) -> wq.Query:
    """``q`` where a word typed (each ``Or`` over the fields, its ``tag:`` part the word as
    typed) gets ``word_for`` it: the phrases it became in the prose fields may be that one
    word instead."""

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Or:
            return node
        words = [
            word
            for leaf in node.children()
            if type(leaf) is wq.Term and leaf.fieldname == "tag" and (word := word_for(leaf.text))
        ]
        if not words:
            return node
        return wq.Or(
            [
                wq.Or([child, wq.Term(child.fieldname, words[0], boost=child.boost)])
                if type(child) is wq.Phrase and child.fieldname in PROSE_FIELDS
                else child
                for child in node.children()
            ],
            boost=node.boost,
        )

    return q.accept(visit)


# a web address or a host pasted as a word: "https://www.citylab.com/design/…", "citylab.com"
_ADDRESS = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[^\W\d_]{2,}(?::\d+)?(?:[/?#]\S*)?", re.I)
_PASTED_ADDRESS = re.compile(r"(?:^|(?<=[\s(]))" + _ADDRESS.pattern + r"(?=[\s)]|$)", re.I)
# what of it a page's address is matched on: its host without "www." and its path, without
# the query and the fragment a link picks up ("?utm_source=…") or the last "/"
_ADDRESS_CORE = re.compile(r"^(?:\w+://)?(?:www\.)?([^?#]*?)/?(?:[?#].*)?$", re.I)


def ends_with_address(text: str) -> bool:
    """Whether the last word of ``text`` is a web address or a host (pasted whole: not a
    word still being typed)."""
    words = text.split()
    return bool(words) and _ADDRESS.fullmatch(words[-1].lstrip("(")) is not None


def _address_core(address: str) -> str:
    """``address`` as the words it is matched on (see ``_with_addresses``); the ``?`` and
    ``#`` of its query would read as a wildcard and a word."""
    core = _ADDRESS_CORE.match(address)
    return core.group(1) if core and core.group(1) else address


def _with_addresses(q: wq.Query) -> wq.Query:
    """A web address or a host pasted as a word (``https://www.citylab.com/design/…``,
    ``citylab.com``) also finds the clippings saved from it, as ``url:`` would: before, it was
    looked for as words in the text alone, and found nothing ("have I saved this page?").
    The scheme, "www.", the query and the fragment are left out, so a link with tracking
    parameters, or without "www.", still finds the page saved."""
    analyzer = SCHEMA["url"].analyzer

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Or:
            return node
        typed = [
            leaf.text
            for leaf in node.children()
            if type(leaf) is wq.Term and leaf.fieldname == "tag" and _ADDRESS.fullmatch(leaf.text)
        ]
        words = [token.text for token in analyzer(_address_core(typed[0]))] if typed else []
        if not words:
            return node
        address = wq.Phrase("url", words) if len(words) > 1 else wq.Term("url", words[0])
        return wq.Or([*node.children(), address], boost=node.boost)

    return q.accept(visit)


# a possessive typed as a word of its own ("Obama's", with a straight or a curly apostrophe)
_POSSESSIVE = re.compile(r"(?<![\w'\u2019])(\w+)['\u2019]s(?![\w'\u2019])", re.IGNORECASE)


def _with_bare_possessives(q: wq.Query, unquoted: set[str]) -> wq.Query:
    """A possessive typed unquoted (``obama's``) finds the name without it too: as the phrase
    "obama s" alone it found nothing in pages that name Obama but never "Obama's" (as
    Lucene's English possessive filter, on the query side only: the pages that have the form
    typed match both and come first). Quoted, it is a phrase as written."""

    def bare(typed: str) -> str | None:
        found = _POSSESSIVE.fullmatch(typed)
        name = fold(found.group(1)) if found else None
        return name if name in unquoted else None

    return _phrases_or_word(q, bare)


def _without_initials(q: wq.Query) -> wq.Query:
    """``q`` without the author part of its free one-letter words: an initial is no name.
    A letter typed alone ("e.g.", "Plan B", "vitamin C", the "a" of a title) is looked for in
    the text, not among the initials of every author ("Furth, Stephen E."), which would rank
    a page by who wrote it; ``author:e`` still looks there. (CISI's queries write "e.g.":
    nDCG@10 0.349 with the initials, 0.353 without, MED unchanged.)"""

    def initial(node: wq.Query) -> bool:
        text = getattr(node, "text", "")
        return (
            type(node) is wq.Term
            and node.fieldname == "author"
            and len(text) == 1
            and text.isalpha()
            and not is_cjk(text)
        )

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Or:
            return node
        fields = {getattr(part, "fieldname", None) for part in node.subqueries}
        kept = [part for part in node.subqueries if not initial(part)]
        if len(fields) < 2 or len(kept) == len(node.subqueries) or not kept:
            return node
        return kept[0] if len(kept) == 1 else wq.Or(kept, boost=node.boost)

    return q.accept(visit)


# a word excluded with a leading "-"
_EXCLUDED = re.compile(r"(?:^|(?<=[\s(]))-(?=[\w\"(])")


# a pasted paragraph is a query (CISI has one of 2,023 characters); a pasted page is not
# (Whoosh takes 1.6 s on 10,000 characters of one word, 0.25 s on 4,000)
MAX_QUERY = 4000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ``saved:7d``: the last 7 days (d, w, m, y: days, weeks, months of 30 days, years of 365)
_RELATIVE = re.compile(r"(?<![\w-])(date|published|saved):(\d{1,5})([dwmy])(?=[\s)]|$)", re.I)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def _outside_quotes(
    pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str], text: str
) -> str:
    """``text`` with the matches of ``pattern`` that are not inside quotes replaced."""

    def replace(match: re.Match[str]) -> str:
        inside = text.count('"', 0, match.start()) % 2
        if inside:
            return match.group()
        return replacement(match) if callable(replacement) else replacement

    return pattern.sub(replace, text)


# a date field's value: a date, a range of dates (``..``), or the last days (``7d``); not
# Whoosh's ``[2019 TO 2020]``, which it reads itself
_DATE_VALUE = re.compile(r"(?<![\w-])(date|published|saved):(?![\[{(])([^\s)]+)", re.I)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_LAST_DAYS = re.compile(r"\d{1,5}[dwmy]", re.I)
_DATE_FORMS = (
    "2019, 2019-07, 2019-07-14, a range 2019-01..2019-06, or the last days: 7d, 2w, 3m, 1y"
)


def _date_value(match: re.Match[str], text: str) -> str:
    """A date field's value as Whoosh reads it (months and days of two digits: "2019-7"
    was read as the year 2019), or a ``QueryError`` saying what is wrong with it."""
    field, value = match.group(1), match.group(2)
    if _LAST_DAYS.fullmatch(value):
        return match.group()
    if ".." not in value:
        return f"{field}:{_one_date(value, field, text)}"
    start, _, end = value.partition("..")
    if (not start and not end) or ".." in end:
        raise QueryError(f"can't read the date {value!r} in {text!r}: write {_DATE_FORMS}")
    first, last = (_one_date(part, field, text) if part else "" for part in (start, end))
    if first and last and last < first[: len(last)]:
        raise QueryError(f"the range {field}:{value} in {text!r} ends before it starts")
    return f"{field}:{first}..{last}"


def _one_date(value: str, field: str, text: str) -> str:
    found = _DATE.fullmatch(value)
    if not found:
        raise QueryError(f"can't read the date {value!r} in {text!r}: write {_DATE_FORMS}")
    year, month, day = found.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise QueryError(f"there is no date {value!r} (in {text!r})") from None
    return "-".join([year, *(f"{int(part):02}" for part in (month, day) if part)])


def _relative_dates(text: str, today: datetime) -> str:
    def since(match: re.Match[str]) -> str:
        days = int(match.group(2)) * _UNIT_DAYS[match.group(3).lower()]
        try:
            start = (today - timedelta(days=max(days - 1, 0))).date()
        except OverflowError:  # saved:9999y: since the year 1
            start = date.min
        return f"{match.group(1)}:{start.isoformat()}.."  # 0526-01-01: four digits

    return _RELATIVE.sub(since, text)


def _phrases_with_positions(q: wq.Query) -> wq.Query:
    """``q`` with each phrase in a field that keeps no positions (tags) its words, all of
    them: a quoted phrase with a comma (``"however, the"``) was a phrase of tags, which
    Whoosh refuses with an error."""

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Phrase or node.fieldname not in SCHEMA:
            return node
        if SCHEMA[node.fieldname].format.supports("positions"):
            return node
        return wq.And([wq.Term(node.fieldname, word, boost=node.boost) for word in node.words])

    return q.accept(visit)


def _language_names(q: wq.Query, text: str) -> wq.Query:
    """``lang:french`` is ``lang:fr``; a name it does not know is a one-line error (it found
    nothing, silently)."""
    for leaf in q.leaves():
        if getattr(leaf, "fieldname", "") != "language" or type(leaf) is not wq.Term:
            continue
        code = language_code(str(leaf.text))
        if code is None:
            raise QueryError(
                f"unknown language {leaf.text!r} in {text!r}: write its code (lang:fr) or its "
                "name (lang:french)"
            )
        leaf.text = code
    return q


def _check_flags(q: wq.Query, text: str) -> wq.Query:
    """``is:`` and ``has:`` take only the values they know (``has:note`` = ``has:notes``)."""
    for leaf in q.leaves():
        values = FLAGS.get(getattr(leaf, "fieldname", ""))
        if values is None:
            continue
        value = str(getattr(leaf, "text", ""))
        if type(leaf) is wq.Term and f"{value}s" in values:
            leaf.text = f"{value}s"
        elif type(leaf) is not wq.Term or value not in values:
            takes = "; ".join(f"{name}: takes {', '.join(v)}" for name, v in FLAGS.items())
            raise QueryError(f"unknown '{leaf.fieldname}:{value}' in {text!r} ({takes})")
    return q


# the word being typed: the last one, bare (no field, no operator, not inside a phrase)
_LAST_WORD = re.compile(r"(?:^|(?<=[\s(+-]))([^\W\d_]\w{2,})\Z")  # \Z: "$" is before a "\n"
# ... or the last words of letters joined by apostrophes or hyphens ("we'r", "e-ma"): typed
# as you type, they are looked for joined, as a prefix ("wer*", "ema*": the index keeps
# "we're" and "e-mail" joined), which the words typed so far, read as a phrase, are not
_LAST_COMPOUND = re.compile(r"(?:^|(?<=[\s(+]))([^\W\d_]+(?:['\u2019-][^\W\d_]+)+)\Z")
_JOINING = re.compile(r"['\u2019-]")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


# ... or the value of a field of words being typed ("site:nytim", "author:naz")
_LAST_VALUE = re.compile(r"(?:^|(?<=[\s(+-]))(\w+):([^\W\d_]\w{2,})\Z")
# the fields of words, whose value typed as you type is also a prefix (not lang:, is:, has:,
# whose values are codes, nor the dates)
PREFIX_FIELDS = frozenset(
    {"site", "author", "section", "tag", "tags", "title", "url", "note", "notes", "dek",
     "description", "body", "text"}
)  # fmt: skip


def _typed(text: str) -> tuple[str, str] | None:
    """(what is typed last, as written; the word it is looked for as a prefix), or None."""
    if text.count('"') % 2:
        return None
    compound = _LAST_COMPOUND.search(text)
    if compound:
        joined = _JOINING.sub("", compound.group(1))
        last = _JOINING.split(compound.group(1))[-1]
        if len(joined) < 3 or (len(last) < 3 and "-" not in compound.group(1)[-len(last) - 1]):
            return None  # (an apostrophe's short ending, "we're": as written, not "were*")
        return compound.group(1), joined
    value = _LAST_VALUE.search(text)
    if value:
        field = value.group(1).lower()
        return (value.group(2), value.group(2)) if field in PREFIX_FIELDS else None
    match = _LAST_WORD.search(text)
    if not match or match.group(1) in _OPERATORS:
        return None
    return match.group(1), match.group(1)


def typed_word(text: str) -> str | None:
    """The word being typed at the end of ``text``, if it is bare and three letters or more
    (a shorter prefix matches half the vocabulary); words joined by apostrophes or hyphens,
    joined (``we'r`` → ``wer``)."""
    typed = _typed(text)
    return typed[1] if typed else None


def as_you_type(text: str) -> str:
    """``text`` with its last word also matched as a prefix, for search as you type:
    ``north kor`` → ``north (kor OR kor*)``, ``e-ma`` → ``(e-ma OR ema*)``."""
    typed = _typed(text)
    if typed is None:
        return text
    written, word = typed
    return f"{text[: len(text) - len(written)]}({written} OR {word}*)"


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError(f'unclosed quote in {text!r}: add the closing "')
    depth = 0
    outside = text.split('"')[::2]  # parentheses inside quotes are words
    for char in "".join(outside):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(f"a ')' without its '(' in {text!r}")
    if depth:
        raise QueryError(f"unclosed '(' in {text!r}: add the closing ')'")


# "^" not followed by a number (a word's weight), "~" after a phrase not followed by one (how
# far apart its words may be): Whoosh reads them as words, and found nothing, unexplained
_BAD_BOOST = re.compile(r"(?<=[\w\")])\^(?![\d.])")
_BAD_SLOP = re.compile(r'(?<=")~(?!\d)')


def _check_weights(text: str) -> None:
    if _BAD_BOOST.search(_quotes_blanked(text)):
        raise QueryError(f"'^' in {text!r} weighs a word by a number: korea^2")
    if _BAD_SLOP.search(text):
        raise QueryError(
            f"'~' after a phrase in {text!r} says how far apart its words may be, as a "
            'number: "pressure campaign"~3'
        )


def _quotes_blanked(text: str) -> str:
    """``text`` with what is inside quotes blanked (a "^" there is a character of a phrase)."""
    parts = text.split('"')
    return '"'.join(part if i % 2 == 0 else " " * len(part) for i, part in enumerate(parts))


def _check_fields(text: str) -> None:
    outside = " ".join(text.split('"')[::2])
    for match in _FIELD_PREFIX.finditer(outside):
        name = match.group(1)
        if name.lower() not in _KNOWN_FIELDS and name.lower() not in ("http", "https"):
            known = ", ".join(sorted(f"{f}:" for f in _KNOWN_FIELDS - {"id", "body", "saved"}))
            raise QueryError(f"unknown field '{name}:' in {text!r} (fields: {known}, saved:)")


def _errors(q: wq.Query) -> list[str]:
    found: list[str] = []
    stack = [q]
    while stack:
        node = stack.pop()
        error = getattr(node, "error", None)
        if error:
            found.append(_unquote(str(error)) or "unreadable term")
        stack.extend(node.children())
    return found


def _unquote(message: str) -> str:
    """Whoosh wraps some messages in one pair of quotes: take it off, and only it."""
    if len(message) >= 2 and message[0] == message[-1] and message[0] in "\"'":
        return message[1:-1]
    return message
