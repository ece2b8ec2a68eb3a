"""The Whoosh schema of the search index: its fields and the analyzers that fill them."""

from __future__ import annotations

from datetime import UTC, datetime

from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from ..models import Clipping

# Bump when the schema or an analyzer changes: an index of another version is rebuilt.
SCHEMA_VERSION = 2

# Prose: words, lower-cased, accents folded (élysée = elysee), stop words out, English stems.
prose = (
    RegexTokenizer()
    | LowercaseFilter()
    | CharsetFilter(accent_map)
    | StopFilter()
    | StemFilter(cachesize=100_000)
)
# Names, places, URLs: words, lower-cased, accents folded; no stems, no stop words.
names = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

SCHEMA = fields.Schema(
    id=fields.ID(stored=True, unique=True),
    title=fields.TEXT(analyzer=prose, field_boost=3.0),
    description=fields.TEXT(analyzer=prose, field_boost=1.5),
    body=fields.TEXT(analyzer=prose),
    author=fields.TEXT(analyzer=names, field_boost=1.5),
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

# Facets: name -> (field, whether a clipping can have several values)
FACETS = {
    "site": ("site_name", False),
    "year": ("year", False),
    "tag": ("tag", True),
    "language": ("language", False),
}

# Fields analyzed as prose: their matched terms are what snippets highlight in the body.
PROSE_FIELDS = frozenset({"title", "description", "body"})
# Fields a bare word is looked for in (the others need their prefix, e.g. ``url:``).
DEFAULT_FIELDS = ["title", "description", "body", "author", "site", "section", "tag"]
# Prefixes people know from mail search, mapped onto the fields above.
# (``date:`` is the date field itself: the published date, else the day it was saved)
ALIASES = {
    "tag": ["tags"],
    "language": ["lang"],
    "description": ["dek"],
    "body": ["text"],
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


def document(clipping: Clipping) -> dict[str, object]:
    """What Whoosh indexes for a clipping. Only the id is stored: the rest is in the catalog."""
    published = to_datetime(clipping.published)
    saved = to_datetime(clipping.saved)
    doc: dict[str, object] = {
        "id": str(clipping.id),
        "title": clipping.title,
        "description": clipping.description,
        "body": clipping.text,
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
