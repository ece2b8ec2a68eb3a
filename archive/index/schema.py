"""The Whoosh schema of the search index: its fields and the analyzers that fill them."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

from ..models import Clipping
from .analysis import ProseAnalyzer, common_terms, fold, joined_terms, language_of, mark, words

# Bump when the schema or an analyzer changes: an index of another version is rebuilt.
SCHEMA_VERSION = 7

# Prose: words (CJK runs as character pairs), accents folded (élysée = elysee), then the stems
# of the clipping's own language; every word kept, common ones too (see ``analysis``).
prose = ProseAnalyzer()
# Names, places, URLs: words, lower-cased, accents folded; no stems, no stop words. Dots part
# words, as in prose: ``site:nytimes`` and ``url:nytimes.com`` find www.nytimes.com.
names = RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


class ProseField(fields.TEXT):
    """A prose field whose length (what BM25 normalizes by) counts the words that carry the
    text: its common words are indexed, with their positions and counts, but leave its length
    as it was when they were not (MED's nDCG@10 fell from 0.757 to 0.748 when they counted),
    and so do the joined forms of words written with a hyphen or an apostrophe."""

    def index(self, value: str, **kwargs: object):  # type: ignore[no-untyped-def]
        common = _common_bytes(language_of(value))
        postings = list(super().index(value, **kwargs))  # (the analysis done, here)
        joined = joined_terms()  # its joined forms ("email" for "e-mail"): no words more
        for term, freq, weight, encoded in postings:
            # Whoosh adds up ``freq`` for the length; a posting's count is its ``weight``
            words = 0 if term in common else freq - joined.get(term.decode("utf-8"), 0)
            yield term, words, weight, encoded


@lru_cache(maxsize=64)
def _common_bytes(language: str) -> frozenset[bytes]:
    """``common_terms`` as the index stores terms: UTF-8."""
    return frozenset(term.encode("utf-8") for term in common_terms(language))


def _prose_field() -> fields.TEXT:
    # several words from one query word (CJK pairs, "e-mail") must stand together; the fields'
    # weights are applied at search time (``ranking.FIELD_BOOSTS``), not stored in the index
    return ProseField(analyzer=prose, multitoken_query="phrase")


SCHEMA = fields.Schema(
    id=fields.ID(stored=True, unique=True),
    title=_prose_field(),
    description=_prose_field(),
    body=_prose_field(),
    note=_prose_field(),
    # each form of the title (the headline, its <title>, og:title...), its words folded into one
    # string: a query that is a whole title ranks its clipping first
    title_exact=fields.KEYWORD(commas=True),
    # ``has:notes``, ``has:tags`` (and ``is:tagged``, added below: ``is`` is a Python keyword)
    has=fields.KEYWORD(lowercase=True),
    # a name of several words, or a host (``url:space.com``), is those words in that order
    author=fields.TEXT(analyzer=names, multitoken_query="phrase"),
    site=fields.TEXT(analyzer=names, multitoken_query="phrase"),
    section=fields.TEXT(analyzer=names, multitoken_query="phrase"),
    tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
    url=fields.TEXT(analyzer=names, multitoken_query="phrase"),
    language=fields.ID(sortable=True),
    published=fields.DATETIME(sortable=True),
    saved=fields.DATETIME(sortable=True),
    # what "newest" and "oldest" sort on: the published date, else the import date
    date=fields.DATETIME(sortable=True),
    # facet columns: the site as shown, and the year of ``date``
    site_name=fields.ID(sortable=True),
    year=fields.ID(sortable=True),
)
SCHEMA.add("is", fields.KEYWORD(lowercase=True))

# Facets: name -> (field, whether a clipping can have several values)
FACETS = {
    "site": ("site_name", False),
    "year": ("year", False),
    "tag": ("tag", True),
    "language": ("language", False),
}

# Fields analyzed as prose: their matched terms are what snippets highlight in the body.
PROSE_FIELDS = frozenset({"title", "description", "body", "note"})
# Fields a bare word is looked for in (the others need their prefix, e.g. ``url:``).
DEFAULT_FIELDS = ["title", "description", "body", "note", "author", "site", "section", "tag"]
# What ``is:`` and ``has:`` take.
FLAGS = {"is": ("tagged",), "has": ("notes", "tags")}
# Prefixes people know from mail search, mapped onto the fields above.
# (``date:`` is the date field itself: the published date, else the day it was saved)
ALIASES = {
    "tag": ["tags"],
    "language": ["lang"],
    "description": ["dek"],
    "body": ["text"],
    "note": ["notes"],
}


def to_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 date or time as a naive UTC datetime (what Whoosh stores), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _domain(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0]
    return host.removeprefix("www.")


def site_name(clipping: Clipping) -> str:
    """The site a clipping is listed under: its name, else its domain."""
    return " ".join(clipping.site.split()) or _domain(clipping.url)


def exact_title(text: str) -> str:
    """A title's words, folded and joined by one space: what an exact title query must equal."""
    return " ".join(fold(word) for word, _, _ in words(text))


def title_text(clipping: Clipping) -> str:
    """What the title field reads: the headline, then the words of the title's other forms
    that it lacks ("WeWork employees to be laid off this week" is the <title> of the page
    whose headline is "Major WeWork layoffs to begin today"): people remember any of them,
    and a word the forms share counts once, as in the headline."""
    seen = {fold(word) for word, _, _ in words(clipping.title)}
    extra = []
    for other in clipping.titles:
        for word, _, _ in words(other):
            if (folded := fold(word)) not in seen:
                seen.add(folded)
                extra.append(word)
    return "\n".join(filter(None, [clipping.title, " ".join(extra)]))


def document(clipping: Clipping) -> dict[str, object]:
    """What Whoosh indexes for a clipping. Only the id is stored: the rest is in the catalog."""
    published = to_datetime(clipping.published)
    saved = to_datetime(clipping.saved)
    language = clipping.language or ""
    title = title_text(clipping)
    exact = dict.fromkeys(filter(None, map(exact_title, [clipping.title, *clipping.titles])))
    has = [name for name, present in (("notes", clipping.note), ("tags", clipping.tags)) if present]
    doc: dict[str, object] = {
        "id": str(clipping.id),
        "title": mark(language, title) if title else "",
        "description": mark(language, clipping.description) if clipping.description else "",
        "body": mark(language, clipping.text) if clipping.text else "",
        "note": mark(language, clipping.note) if clipping.note else "",
        "title_exact": ",".join(exact),
        "is": "tagged" if clipping.tags else "",
        "has": " ".join(has),
        "author": clipping.author,
        "site": " ".join(filter(None, [clipping.site, _domain(clipping.url)])),
        "section": clipping.section,
        "tag": ",".join(clipping.tags),
        "url": clipping.url,
        "language": clipping.language or "",
    }
    if published:
        doc["published"] = published
    if saved:
        doc["saved"] = saved
    if published or saved:
        doc["date"] = published or saved
        doc["year"] = str((published or saved).year)
    doc["site_name"] = site_name(clipping)
    return {key: value for key, value in doc.items() if value not in ("", None)}
