"""The Whoosh schema of the search index: its fields and the analyzers that fill them."""

from __future__ import annotations

from datetime import UTC, datetime

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.support.charset import accent_map

from ..models import Clipping
from .analysis import ProseAnalyzer, fold, mark, words

# Bump when the schema or an analyzer changes: an index of another version is rebuilt.
SCHEMA_VERSION = 3

# Prose: words (CJK runs as character pairs), accents folded (élysée = elysee), then the stop
# words and stems of the clipping's own language.
prose = ProseAnalyzer()
# Names, places, URLs: words, lower-cased, accents folded; no stems, no stop words.
names = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def _prose_field() -> fields.TEXT:
    # several words from one query word (CJK pairs, "e-mail") must stand together; the fields'
    # weights are applied at search time (``ranking.FIELD_BOOSTS``), not stored in the index
    return fields.TEXT(analyzer=prose, multitoken_query="phrase")


SCHEMA = fields.Schema(
    id=fields.ID(stored=True, unique=True),
    title=_prose_field(),
    description=_prose_field(),
    body=_prose_field(),
    note=_prose_field(),
    # the title's words, folded, one string: a query that is the whole title ranks it first
    title_exact=fields.ID(),
    # ``has:notes``, ``has:tags`` (and ``is:tagged``, added below: ``is`` is a Python keyword)
    has=fields.KEYWORD(lowercase=True),
    author=fields.TEXT(analyzer=names),
    site=fields.TEXT(analyzer=names),
    section=fields.TEXT(analyzer=names),
    tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
    url=fields.TEXT(analyzer=names),
    language=fields.ID(sortable=True),
    published=fields.DATETIME(sortable=True),
    saved=fields.DATETIME(sortable=True),
    # what "newest" and "oldest" sort on: the published date, else the import date
    date=fields.DATETIME(sortable=True),
    # the words of title and body as written (not stemmed): the vocabulary of "did you mean".
    # (Whoosh's own ``spelling=True`` would also turn fuzzy ``word~`` queries to unstemmed words.)
    spelling=fields.TEXT(analyzer=names | StopFilter(), phrase=False),
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


def document(clipping: Clipping) -> dict[str, object]:
    """What Whoosh indexes for a clipping. Only the id is stored: the rest is in the catalog."""
    published = to_datetime(clipping.published)
    saved = to_datetime(clipping.saved)
    language = clipping.language or ""
    has = [name for name, present in (("notes", clipping.note), ("tags", clipping.tags)) if present]
    doc: dict[str, object] = {
        "id": str(clipping.id),
        "title": mark(language, clipping.title) if clipping.title else "",
        "description": mark(language, clipping.description) if clipping.description else "",
        "body": mark(language, clipping.text) if clipping.text else "",
        "note": mark(language, clipping.note) if clipping.note else "",
        "title_exact": exact_title(clipping.title),
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
    doc["spelling"] = f"{clipping.title}\n{clipping.text}"
    return {key: value for key, value in doc.items() if value not in ("", None)}
