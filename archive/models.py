"""Plain data passed between the modules: saved pages, extracted articles, hits, import reports.

No I/O here, and nothing that knows about Whoosh, SQLite or Textual.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar


class ClippingsError(Exception):
    """An error meant for the user: its message is one line that says what went wrong."""


def too_large(size: int | None, limit: int) -> ClippingsError:
    """The error for a file over the size a saved page may have, naming both: "too large for a
    saved page (64.2 MB, over the 64 MB limit)"."""
    mb = 2**20
    over = f"over the {limit // mb} MB limit"
    said = f"{size / mb:,.1f} MB, {over}" if size else over
    return ClippingsError(f"too large for a saved page ({said})")


class ExtractionError(ClippingsError):
    """A saved page that cannot become a clipping (empty, binary, an image, no text)."""


class ArchiveWriteError(ClippingsError):
    """The archive could not be written (a full disk, a read-only folder): what was committed
    before stays, and the archive stays consistent."""


class ArchiveBusy(ClippingsError):
    """Another process is writing to the archive, and this write was told not to wait."""


@dataclass(frozen=True)
class RawPage:
    """The bytes of one saved page, plus what its container tells about it.

    ``format`` is ``"html"`` or ``"text"``; ``url`` and ``saved`` come from the container
    (a WARC header, a SingleFile comment, ...) when it has them.
    """

    data: bytes
    source: str
    format: str
    url: str | None = None
    saved: datetime | None = None
    # the file as saved, when the page is only part of it (an MHTML file): what is stored
    original: bytes | None = None

    @property
    def stored(self) -> bytes:
        return self.data if self.original is None else self.original


# what the CLI, the reader and exports say of a clipping kept whole (no article found in it)
WHOLE_PAGE = "whole page: no article was found in it, so this is all of its text"


@dataclass
class Article:
    """What extraction finds in a saved page. Every string is clean text (no control characters)."""

    title: str = ""
    author: str = ""
    published: str | None = None  # ISO 8601 date or datetime
    site: str = ""
    section: str = ""
    url: str = ""
    language: str = ""
    description: str = ""  # the dek / standfirst / meta description
    keywords: list[str] = field(default_factory=list)
    text: str = ""  # the article body as plain text: what is indexed
    markdown: str = ""  # the article body as Markdown: what the reader shows
    format: str = ""  # "html" or "text"
    # the title's other forms the page gives (its <title>, og:title, ...): what people remember
    titles: list[str] = field(default_factory=list)
    # no article was found in the page: the text is the whole page's visible text
    whole_page: bool = False


@dataclass
class Clipping(Article):
    """One clipping of the archive: the extracted article plus what the catalog knows."""

    id: int = 0
    sha256: str = ""
    source: str = ""  # the path the page was imported from
    saved: str = ""  # ISO 8601 time of the import
    tags: list[str] = field(default_factory=list)
    note: str = ""

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """The clipping as JSON-ready data: the list fields, plus the body when ``full``."""
        data = {
            "id": self.id,
            "title": self.title,
            "author": self.author,
            "site": self.site,
            "section": self.section,
            "url": self.url,
            "published": self.published,
            "saved": self.saved,
            "language": self.language,
            "tags": list(self.tags),
            "source": self.source,
            "whole_page": self.whole_page,
        }
        if full:
            data.update(
                description=self.description,
                keywords=list(self.keywords),
                note=self.note,
                format=self.format,
                titles=list(self.titles),
                sha256=self.sha256,
                text=self.text,
                markdown=self.markdown,
            )
        return data


@dataclass
class Hit:
    """One search result: the clipping, its score and a snippet with highlight spans."""

    clipping: Clipping
    score: float
    snippet: str = ""
    # (start, end) character offsets into ``snippet`` of the matched terms
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.clipping.to_dict()
        data["score"] = round(self.score, 4)
        data["snippet"] = self.snippet
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass
class SearchResult:
    """The hits of one query (one page of them) and how many matched in all."""

    query: str
    total: int
    hits: list[Hit]
    offset: int = 0  # the rank of the first hit, counted from 0
    # no clipping had every word: these hits have some of them (most first)
    partial: bool = False
    # (partial) how many quoted phrases none held as written: the hits have their words
    phrases: int = 0
    # clippings the index lacks yet (it is catching up): a search can't find them
    unindexed: int = 0
    # the index searched is the previous version's, until the new version's is built
    outdated: bool = False
    # (as you type) it is only a word of one or two letters, which may be the start of a
    # longer one: no hits is no answer yet
    too_short: bool = False


@dataclass
class ImportFailure:
    source: str
    reason: str


@dataclass
class ImportReport:
    """What one import did: new clippings, ones already present, failures with reasons."""

    imported: list[int] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)  # in the archive before
    # ...and which clipping holds each of those: (source, its id)
    present_ids: list[tuple[str, int]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # the same bytes twice in this import
    unknown: list[str] = field(default_factory=list)  # skipped files of a type not known
    # imported as a version of a page saved before (same URL): (source, its id, the id of
    # the page's current version, which search shows: its own unless it was saved earlier)
    versions: list[tuple[str, int, int]] = field(default_factory=list)
    # new clippings whose text is nearly the same as others': (source, its id, their ids)
    near_duplicates: list[tuple[str, int, list[int]]] = field(default_factory=list)
    # pages there already, stored without their Page_files/ folder, that came with it now:
    # (source, the clipping's id, the folder, how many files it holds), stored with it
    files_added: list[tuple[str, int, str, int]] = field(default_factory=list)
    failed: list[ImportFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # already present, but the stored original was missing or damaged and these bytes (which
    # hash to it) were written back: (source, the clipping's id)
    restored: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def files(self) -> int:
        """How many files the import met (each is counted under one outcome)."""
        counted = (self.imported, self.already_present, self.duplicates, self.skipped)
        return sum(map(len, counted)) + len(self.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "ids": list(self.imported),
            "already_present": len(self.already_present),
            "already_present_ids": [{"source": source, "id": i} for source, i in self.present_ids],
            "duplicates": len(self.duplicates),
            "unknown": list(self.unknown),
            "versions": len(self.versions),
            "near_duplicates": [
                {"source": source, "id": clipping_id, "like": like}
                for source, clipping_id, like in self.near_duplicates
            ],
            "files_added": [
                {"source": source, "id": clipping_id, "folder": folder, "files": files}
                for source, clipping_id, folder, files in self.files_added
            ],
            "skipped": len(self.skipped),
            "failed": [asdict(f) for f in self.failed],
            "restored": [{"source": source, "id": i} for source, i in self.restored],
        }


class SavedSearchExists(ClippingsError):
    """A saved search of that name is there already (replace it, or pick another name)."""


class UnknownSavedSearch(ClippingsError):
    """No saved search of that name."""


@dataclass(frozen=True)
class SavedSearch:
    """A query kept under a name, in the catalog (so it outlives a reindex)."""

    NAME_MAX: ClassVar[int] = 60  # characters

    name: str
    query: str
    created: str = ""  # ISO 8601 UTC, when it was saved

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "created": self.created}


def now_iso() -> str:
    """Now, in UTC, to the second, as ISO 8601: how the catalog writes times."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# how far into the body a repeated dek is looked for, beyond its own length (characters)
_DEK_REACH = 200
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_DEK_SENTENCE_WORDS = 8


def dek(article: Article) -> str:
    """The description to show above the body: none when the body opens with it (many pages'
    description is their first paragraph, and a reader or an export would show it twice)."""
    return shown_description(article.description, article.text)


def shown_description(description: str, text: str) -> str:
    """``description``, unless ``text`` opens with it (see ``dek``). Its last word is left out
    of the comparison: a description cut short ends in part of a word."""
    words = _WORD.findall(description.lower())
    if not words:
        return ""
    opening = " ".join(_WORD.findall(text[: len(description) + _DEK_REACH].lower()))
    probe = " ".join(words[: max(1, len(words) - 1)])
    # (or its first sentence, of some words, is the body's: the rest is more of the body, or
    # a "Continue reading")
    first = _WORD.findall(_SENTENCE_END.split(description, maxsplit=1)[0].lower())
    opens = len(first) >= _DEK_SENTENCE_WORDS and opening.startswith(" ".join(first))
    return "" if probe in opening or opens else description


def counted(count: int, one: str, many: str) -> str:
    """``count`` and the words that go with it: ``counted(1, "original", "originals")`` is
    "1 original", with 2 "2 originals" (a report reads "1 originals" otherwise)."""
    return f"{count:,} {one if count == 1 else many}"
