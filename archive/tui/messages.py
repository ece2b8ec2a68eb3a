"""Messages the workers post back to the UI thread, and the state they carry.

Workers run the library calls in threads; the UI only ever handles these results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from ..api import Archive, Facets
from ..models import ImportReport, SavedSearch, SearchResult


@dataclass
class ArchiveOpened(Message):
    """The archive is open (a new one is seeded with the bundled pages first); ``newest``:
    its highest clipping id then (what came after is news, see ``CatalogChanged``)."""

    archive: Archive
    newest: int = 0


@dataclass
class ArchiveFailed(Message):
    """The archive could not be opened: the reason, in one line."""

    reason: str


@dataclass
class SearchDone(Message):
    """The hits of one query. ``generation`` tells a stale result from the latest one."""

    generation: int
    result: SearchResult | None
    error: str = ""
    suggestion: str | None = None
    append: bool = False  # a further page of the same query


@dataclass
class FacetsDone(Message):
    generation: int
    facets: Facets


@dataclass(frozen=True)
class ImportState:
    """Where the import running in the background is (shared by the dialog and the status)."""

    running: bool = False
    done: int = 0
    total: int = 0
    imported: int = 0
    versions: int = 0  # of the imported, new saves of a page saved before (same URL)
    present: int = 0  # in the archive before
    duplicates: int = 0  # the same file twice in this import
    failed: int = 0
    skipped: int = 0
    current: str = ""
    report: ImportReport | None = field(default=None, compare=False)
    error: str = ""


@dataclass
class ImportProgressed(Message):
    """Where the import is; once it ended, ``imported``: the ids of the clippings it added
    (its own report tells of them: they are no arrivals from elsewhere)."""

    state: ImportState
    imported: tuple[int, ...] = ()


@dataclass
class IndexCaughtUp(Message):
    """The index took the clippings it lacked when the archive opened (or failed: ``error``)."""

    count: int
    error: str = ""


@dataclass
class ClippingChanged(Message):
    """A clipping's tags changed, or it was deleted (``removed``): listings refresh."""

    clipping_id: int
    removed: bool = False


@dataclass
class SavedCounted(Message):
    """Every saved search with how many clippings it matches now (None: its query no longer
    reads)."""

    counts: list[tuple[SavedSearch, int | None]]


@dataclass
class SavedEdited(Message):
    """A saved search was kept or forgotten, or could not be: a line to tell the user.

    ``taken``: the saved search whose name a new one asked for (the user may replace it).
    """

    note: str
    error: bool = False
    taken: SavedSearch | None = None
    name: str = ""  # with ``taken``: the name and query asked for
    query: str = ""


@dataclass
class CatalogChanged(Message):
    """The catalog changed since the last look (``stamp``: ``Archive.changes``): ``added``,
    the current clippings added after the newest seen before; ``newest``, the newest now."""

    stamp: tuple[int, int]
    added: list[int]
    newest: int


@dataclass
class WatchStarted(Message):
    """The folder watcher runs (in a child process): the folders it watches."""

    folders: tuple[str, ...]


@dataclass
class WatchedPageFailed(Message):
    """A page saved into a watched folder could not be imported: where, and why."""

    path: str
    reason: str


@dataclass
class WatchProblem(Message):
    """A line to tell about the folder watcher: the settings file can't be read, a folder to
    watch is missing, or the watcher stopped (``stopped``) and why."""

    note: str
    stopped: bool = False
