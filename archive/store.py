"""The archive's source of truth: the original files (content-addressed) and the SQLite catalog.

Layout of an archive folder::

    originals/ab/cdef0123...   every imported page, byte for byte, named by its SHA-256
    catalog.sqlite3            clippings (metadata, extracted text), tags, notes, saved searches
                               (WAL mode)
    index/                     the Whoosh index: derived, see ``archive.index``
    import.lock                the write lock: one writer at a time (see ``archive.locking``)

Every write is crash-safe: an original is written to a temporary file, synced and renamed into
place (a file under a hash is always whole); the catalog is SQLite, whose transactions are whole
or absent; and the catalog keeps a journal of what the index still lacks (``index_pending``)
and of originals still to delete (``removed_originals``), in the same transactions as the
changes, so that an archive killed between two of its writes is brought in step when it next
opens (``archive.recovery``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .crashpoints import crash_point
from .locking import exclusive_lock
from .models import (
    Article,
    Clipping,
    ClippingsError,
    ImportFailure,
    SavedSearch,
    SavedSearchExists,
    UnknownSavedSearch,
    now_iso,
    shown_description,
)
from .write_errors import write_error

__all__ = ["Catalog", "NotFound", "Originals", "exclusive_lock", "sha256_of"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clippings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids follow import order
    sha256      TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,                      -- the path it was imported from
    saved       TEXT NOT NULL,                      -- import time, ISO 8601 UTC
    format      TEXT NOT NULL,                      -- html | text
    page_url    TEXT,                               -- what the container said, for re-extraction
    page_saved  TEXT,
    title       TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    published   TEXT,
    site        TEXT NOT NULL DEFAULT '',
    section     TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '[]',         -- JSON list
    text        TEXT NOT NULL DEFAULT '',
    markdown    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    titles      TEXT NOT NULL DEFAULT '[]',         -- JSON list: the title's other forms
    whole_page  INTEGER NOT NULL DEFAULT 0          -- 1: no article found, the page's text
);
CREATE TABLE IF NOT EXISTS tags (
    clipping_id INTEGER NOT NULL REFERENCES clippings(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (clipping_id, tag)
);
CREATE INDEX IF NOT EXISTS tags_by_tag ON tags(tag);
CREATE TABLE IF NOT EXISTS signatures (  -- MinHash of the text, for near-duplicates
    clipping_id INTEGER PRIMARY KEY REFERENCES clippings(id) ON DELETE CASCADE,
    minhash     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS import_failures (  -- the last import's, for --retry-failed
    source TEXT PRIMARY KEY,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_failures (  -- files a folder watcher could not import
    source TEXT PRIMARY KEY,
    stamp  TEXT NOT NULL                        -- their size and time then
);
CREATE TABLE IF NOT EXISTS saved_searches (  -- queries kept under a name
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- "Korea" and "korea" are one name
    query   TEXT NOT NULL,
    created TEXT NOT NULL                         -- ISO 8601 UTC
);
CREATE TABLE IF NOT EXISTS index_pending (  -- clippings changed since the index last took them
    clipping_id INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS removed_originals (  -- originals of deleted clippings, to delete
    sha256 TEXT PRIMARY KEY
);
"""
_TABLES = {
    "meta",
    "clippings",
    "tags",
    "signatures",
    "import_failures",
    "watch_failures",
    "saved_searches",
    "index_pending",
    "removed_originals",
}

_CURRENT = "superseded_by IS NULL"

# Extracted fields: written at import, rewritten by a re-extraction (``reindex``).
ARTICLE_COLUMNS = (
    "title",
    "author",
    "published",
    "site",
    "section",
    "url",
    "language",
    "description",
    "keywords",
    "text",
    "markdown",
    "titles",
    "whole_page",
)


# Every column but the body: enough to list and to show hits.
_LIST_COLUMNS = ", ".join(
    (
        "id",
        "sha256",
        "source",
        "saved",
        "format",
        "note",
        *(c for c in ARTICLE_COLUMNS if c not in ("text", "markdown")),
    )
)


class NotFound(ClippingsError):
    """No clipping with that id."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


TEMP_PREFIX = ".incoming-"  # an original being written (left behind by a killed write)
_CHUNK = 1 << 20  # an original is hashed a megabyte at a time: flat memory for large files


class Originals:
    """The saved pages, byte for byte, each under the SHA-256 of its content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def __contains__(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data`` and return its hash: written to a temporary file beside its place,
        synced, and renamed into place (the folder synced too), so a file under a hash is
        always whole. Raises ``ArchiveWriteError`` (a full disk, a read-only folder)."""
        sha256 = sha256 or sha256_of(data)
        if not self.path(sha256).is_file():
            self._write(data, sha256)
        return sha256

    def write_back(self, data: bytes, sha256: str, *, hashed: bool = False) -> bool:
        """Write ``data`` as the original ``sha256`` when the stored copy is missing or
        damaged (is not these bytes): an original lost, found again (the page imported
        again, a backup's copy). ``data`` that does not hash to ``sha256`` is never written;
        ``hashed``: the caller has just hashed it so (an import: not hashed twice). True when
        the original was written; raises ``ArchiveWriteError`` as ``put`` does."""
        if (not hashed and sha256_of(data) != sha256) or self._holds(sha256, data):
            return False
        self._write(data, sha256)  # (the rename takes the place of a damaged copy)
        return True

    def state(self, sha256: str) -> str:
        """``intact``, ``missing``, or ``damaged`` (the stored bytes do not match the hash)."""
        path = self.path(sha256)
        if not path.is_file():
            return "missing"
        digest = hashlib.sha256()
        with path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
        return "intact" if digest.hexdigest() == sha256 else "damaged"

    def _holds(self, sha256: str, data: bytes) -> bool:
        """Whether the stored copy of ``sha256`` is ``data``, byte for byte."""
        path = self.path(sha256)
        try:
            return path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def _write(self, data: bytes, sha256: str) -> None:
        target = self.path(sha256)
        crash_point("original.before")
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
            with os.fdopen(fd, "wb") as out:
                _write_synced(out, data)
            os.chmod(tmp, 0o444)
            crash_point("original.synced")
            os.replace(tmp, target)
            _sync_folder(target.parent)
        except BaseException as error:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if isinstance(error, OSError):
                raise write_error(error, target.parent) from error
            raise
        crash_point("original.after")

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def remove(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()

    def scan(self) -> tuple[dict[str, Path], list[Path]]:
        """Every stored original (hash → path), and the temporary files of killed writes."""
        stored: dict[str, Path] = {}
        temporary: list[Path] = []
        if not self.root.is_dir():
            return stored, temporary
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(TEMP_PREFIX):
                    temporary.append(path)
                elif len(folder.name) == 2 and len(path.name) == 62:
                    stored[folder.name + path.name] = path
        return stored, temporary


def _write_synced(out: BinaryIO, data: bytes) -> None:
    """Write ``data`` to the open file ``out`` and sync it to disk."""
    view = memoryview(data)
    half = len(view) // 2
    out.write(view[:half])
    out.flush()
    crash_point("original.during")
    out.write(view[half:])
    out.flush()
    os.fsync(out.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows syncing a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


class Catalog:
    """The SQLite catalog: one row per clipping, with its tags and note.

    Opening it writes nothing unless its schema is missing or old, so that a reader opens it
    while another process holds a write transaction. ``read_only``: for an archive on a
    read-only disk or folder (no write is possible).
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.db = _connect(path, read_only=read_only)
        self._counted: tuple[tuple[int, int] | None, int] = (None, 0)  # (version, count)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._set_up()
        self.tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        # an archive from before a column, opened read-only, has not been brought up to date
        known = {row[1] for row in self.db.execute("PRAGMA table_info(clippings)")}
        self._list_columns = ", ".join(c for c in _LIST_COLUMNS.split(", ") if c in known)

    def _set_up(self) -> None:
        """Create or bring up to date the schema: only what is missing, so that opening an
        archive in use takes no write lock."""
        if self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        if _TABLES - tables:
            self.db.executescript(_SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(clippings)")}
        if "superseded_by" not in columns:  # an archive from before versions
            # an older version of a page (same URL, saved earlier): the newer one's id
            self._add_column("superseded_by INTEGER")
        if "clippings_by_url" not in tables:
            self.db.execute("CREATE INDEX IF NOT EXISTS clippings_by_url ON clippings(url)")
        if "assets_sha256" not in columns:
            # a "Webpage, complete" save: the stored zip of its Page_files/ folder
            self._add_column("assets_sha256 TEXT")
        if "titles" not in columns:  # an archive from before the title's other forms
            self._add_column("titles TEXT NOT NULL DEFAULT '[]'")
        if "whole_page" not in columns:  # ... and before pages kept whole were marked
            self._add_column("whole_page INTEGER NOT NULL DEFAULT 0")
        if not self.db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone():
            self.db.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def _add_column(self, definition: str) -> None:
        """Add a column to the clippings table, unless another process opening the archive at
        the same moment added it first (two first starts at once: "duplicate column name")."""
        try:
            self.db.execute(f"ALTER TABLE clippings ADD COLUMN {definition}")
        except sqlite3.OperationalError as error:
            if "duplicate column" not in str(error):
                raise

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read in one transaction: every read inside sees the catalog as it was at the first
        (WAL: writers in other processes go on meanwhile)."""
        self.db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self.db.execute("ROLLBACK")  # nothing was written

    # -- reading -----------------------------------------------------------------------------

    # Older versions of a page (``superseded_by`` set) are kept, and reachable by id and by
    # ``versions``; counts, listings and the index hold the current version only.

    def changes(self) -> tuple[int, int]:
        """A value that changes whenever the catalog does, by a commit of this connection or
        of another: SQLite's ``data_version`` and this connection's ``total_changes`` (no
        table is read)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes

    def count(self) -> int:
        """How many current clippings: counted again only when the catalog changed (by this
        connection, or a commit of another), as counting reads the whole table (6 ms at
        10,000 clippings) and each search asks (see ``recovery.unindexed``)."""
        version = self.changes()
        if version != self._counted[0]:
            found = self.db.execute(f"SELECT count(*) FROM clippings WHERE {_CURRENT}")
            self._counted = (version, found.fetchone()[0])
        return self._counted[1]

    def ids(self, *, every_version: bool = False) -> list[int]:
        where = "" if every_version else f"WHERE {_CURRENT}"
        return [row[0] for row in self.db.execute(f"SELECT id FROM clippings {where} ORDER BY id")]

    def newest_id(self) -> int:
        """The highest clipping id yet, of any version (0: none)."""
        return self.db.execute("SELECT max(id) FROM clippings").fetchone()[0] or 0

    def current_after(self, clipping_id: int) -> list[int]:
        """The current clippings of ids above ``clipping_id``, in order: a range of the
        primary key, so it costs nothing when there are none."""
        rows = self.db.execute(
            f"SELECT id FROM clippings WHERE id > ? AND {_CURRENT} ORDER BY id", (clipping_id,)
        )
        return [row[0] for row in rows]

    def texts(self, ids: list[int]) -> dict[int, str]:
        """The text of each of ``ids`` as the reader shows it (for snippets), by id: its dek,
        when it shows one, then its body (a hit found by words of its dek showed a snippet
        without them)."""
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, description, text FROM clippings WHERE id IN ({marks})", ids
        )
        shown = {}
        for clipping_id, description, text in rows.fetchall():
            dek = shown_description(description or "", text or "")
            shown[clipping_id] = f"{dek}\n\n{text}" if dek else text
        return shown

    def current_for_url(self, url: str, *, other_than: int) -> int | None:
        row = self.db.execute(
            f"SELECT id FROM clippings WHERE url = ? AND id != ? AND {_CURRENT}", (url, other_than)
        ).fetchone()
        return row[0] if row else None

    def versions(self, clipping_id: int) -> list[int]:
        """Every version of a clipping's page (same URL): the current one first (the newest
        save, unless it is one in which no article was found), then the others newest first;
        at least itself."""
        rows = self.db.execute(
            "SELECT id FROM clippings WHERE url != '' AND url = "
            "(SELECT url FROM clippings WHERE id = ?) "
            "ORDER BY superseded_by IS NOT NULL, saved DESC, id DESC",
            (clipping_id,),
        ).fetchall()
        return [row[0] for row in rows] or [clipping_id]

    # -- the archive's creation and its bundled pages ------------------------------------------

    def created(self) -> bool:
        """Whether the archive's creation finished (its bundled pages imported)."""
        return self._meta("created") is not None

    def mark_created(self) -> None:
        """The archive is created (inside the caller's transaction)."""
        self.db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('created', ?)", (now_iso(),)
        )

    def bundled_removed(self, sha256: str) -> bool:
        """Whether the user deleted the bundled page of that hash (not to be restored)."""
        return self._meta(f"removed_bundled:{sha256}") is not None

    def record_bundled_removed(self, sha256: str) -> None:
        """Remember that the user deleted a bundled page (inside the caller's transaction)."""
        self.db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
            (f"removed_bundled:{sha256}", now_iso()),
        )

    def move_new(self, clipping_id: int, to: int) -> None:
        """Give a clipping just imported (no tags, note or versions yet) the free id ``to``
        (a restored sample page takes back clipping 1), inside the caller's transaction."""
        signature = self.db.execute(
            "SELECT minhash FROM signatures WHERE clipping_id = ?", (clipping_id,)
        ).fetchone()
        self.db.execute("DELETE FROM signatures WHERE clipping_id = ?", (clipping_id,))
        self.db.execute("UPDATE clippings SET id = ? WHERE id = ?", (to, clipping_id))
        if signature:
            self.db.execute(
                "INSERT INTO signatures(clipping_id, minhash) VALUES (?, ?)", (to, signature[0])
            )
        self.db.execute("DELETE FROM index_pending WHERE clipping_id = ?", (clipping_id,))
        self.db.execute("INSERT OR IGNORE INTO index_pending VALUES (?), (?)", (clipping_id, to))

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def id_for_hash(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM clippings WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def get(self, clipping_id: int) -> Clipping:
        found = self.get_many([clipping_id])
        if not found:
            raise NotFound(f"no clipping {clipping_id}")
        return found[0]

    def get_many(self, ids: Iterable[int], *, body: bool = True) -> list[Clipping]:
        """The clippings with these ids, in the order given (unknown ids left out)."""
        ids = list(ids)
        if not ids:
            return []
        by_id: dict[int, Clipping] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for clipping in self._select(f"WHERE id IN ({marks})", chunk, body=body):
                by_id[clipping.id] = clipping
        return [by_id[i] for i in ids if i in by_id]

    def iter_all(self, *, body: bool = True, batch: int = 500) -> Iterator[Clipping]:
        """Every clipping, oldest first, read in batches (memory stays bounded)."""
        last = 0
        while True:
            where = f"WHERE id > ? AND {_CURRENT} ORDER BY id LIMIT ?"
            rows = list(self._select(where, (last, batch), body=body))
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def _select(self, where: str, params: Iterable[object], *, body: bool) -> Iterator[Clipping]:
        columns = "*" if body else self._list_columns
        rows = self.db.execute(f"SELECT {columns} FROM clippings {where}", tuple(params)).fetchall()
        tags = self._tags_for([row["id"] for row in rows])
        for row in rows:
            yield Clipping(
                id=row["id"],
                sha256=row["sha256"],
                source=row["source"],
                saved=row["saved"],
                format=row["format"],
                title=row["title"],
                author=row["author"],
                published=row["published"],
                site=row["site"],
                section=row["section"],
                url=row["url"],
                language=row["language"],
                description=row["description"],
                keywords=json.loads(row["keywords"]),
                titles=json.loads(_column(row, "titles", "[]")),
                whole_page=bool(_column(row, "whole_page", 0)),
                text=row["text"] if body else "",
                markdown=row["markdown"] if body else "",
                note=row["note"],
                tags=tags.get(row["id"], []),
            )

    def _tags_for(self, ids: list[int]) -> dict[int, list[str]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        found: dict[int, list[str]] = {}
        for cid, tag in self.db.execute(
            f"SELECT clipping_id, tag FROM tags WHERE clipping_id IN ({marks}) ORDER BY tag", ids
        ):
            found.setdefault(cid, []).append(tag)
        return found

    def page_info(self, clipping_id: int) -> sqlite3.Row:
        """What re-extraction needs: hash, format, source and what the container said."""
        row = self.db.execute(
            "SELECT id, sha256, format, source, page_url, page_saved, assets_sha256 "
            "FROM clippings WHERE id = ?",
            (clipping_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no clipping {clipping_id}")
        return row

    # -- the journal: what the index and the originals folder still have to follow ----------

    def unindexed(self) -> list[int]:
        """The clippings changed since the index last took them (after a kill between the
        two commits): each to add to the index again, or to take out of it."""
        if "index_pending" not in self.tables:
            return []
        return [row[0] for row in self.db.execute("SELECT clipping_id FROM index_pending")]

    def count_unindexed(self) -> int:
        """How many clippings the journal says the index lacks."""
        if "index_pending" not in self.tables:
            return 0
        return self.db.execute("SELECT COUNT(*) FROM index_pending").fetchone()[0]

    def mark_indexed(self, ids: Iterable[int] | None = None) -> None:
        """The index has taken these clippings as they are (all, when None): out of the
        journal (inside ``transaction()``)."""
        if ids is None:
            self.db.execute("DELETE FROM index_pending")
            return
        self.db.executemany("DELETE FROM index_pending WHERE clipping_id = ?", [(i,) for i in ids])

    def _changed(self, *ids: int) -> None:
        """These clippings changed: the index must follow (every write below calls this)."""
        self.db.executemany(
            "INSERT OR IGNORE INTO index_pending (clipping_id) VALUES (?)", [(i,) for i in ids]
        )

    def removed_originals(self) -> list[str]:
        """Originals of deleted clippings not yet deleted from disk."""
        if "removed_originals" not in self.tables:
            return []
        return [row[0] for row in self.db.execute("SELECT sha256 FROM removed_originals")]

    def remove_original_later(self, sha256: str) -> None:
        """Journal an original to delete once the catalog no longer points to it."""
        self.db.execute("INSERT OR IGNORE INTO removed_originals (sha256) VALUES (?)", (sha256,))

    def forget_removed_originals(self, hashes: Iterable[str]) -> None:
        self.db.executemany(
            "DELETE FROM removed_originals WHERE sha256 = ?", [(h,) for h in hashes]
        )

    def uses_original(self, sha256: str) -> bool:
        """Whether a clipping's page or its Page_files/ zip is this original."""
        row = self.db.execute(
            "SELECT 1 FROM clippings WHERE sha256 = ? OR assets_sha256 = ?", (sha256, sha256)
        )
        return row.fetchone() is not None

    # -- writing (inside ``transaction()``) --------------------------------------------------

    def add(
        self,
        *,
        sha256: str,
        source: str,
        saved: str,
        article: Article,
        page_url: str | None = None,
        page_saved: str | None = None,
        assets_sha256: str | None = None,
    ) -> int:
        values = _article_values(article)
        extra = (assets_sha256, *values)
        cursor = self.db.execute(
            "INSERT INTO clippings (sha256, source, saved, format, page_url, page_saved, "
            + "assets_sha256, "
            + ", ".join(ARTICLE_COLUMNS)
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, "
            + ", ".join("?" * len(ARTICLE_COLUMNS))
            + ")",
            (sha256, _path_text(source), saved, article.format, page_url, page_saved, *extra),
        )
        clipping_id = int(cursor.lastrowid)
        self._changed(clipping_id)
        return clipping_id

    def update_article(self, clipping_id: int, article: Article) -> None:
        sets = ", ".join(f"{column} = ?" for column in ARTICLE_COLUMNS)
        self.db.execute(
            f"UPDATE clippings SET {sets} WHERE id = ?", (*_article_values(article), clipping_id)
        )
        self._changed(clipping_id)

    def remove(self, clipping_id: int) -> str:
        """Delete the row (its tags go with it); returns the hash of its original."""
        row = self.db.execute(
            "SELECT sha256 FROM clippings WHERE id = ?", (clipping_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no clipping {clipping_id}")
        self.db.execute("DELETE FROM clippings WHERE id = ?", (clipping_id,))
        self._changed(clipping_id)
        return row[0]

    def set_tags(self, clipping_id: int, tags: Iterable[str]) -> None:
        self._changed(clipping_id)
        self.db.execute("DELETE FROM tags WHERE clipping_id = ?", (clipping_id,))
        self.db.executemany(
            "INSERT OR IGNORE INTO tags (clipping_id, tag) VALUES (?, ?)",
            [(clipping_id, tag) for tag in tags],
        )

    def set_assets(self, clipping_id: int, sha256: str) -> bool:
        """Give a clipping stored without its ``Page_files/`` folder that folder's zip (stored
        already); one it has is never replaced. Whether it took it."""
        cursor = self.db.execute(
            "UPDATE clippings SET assets_sha256 = ? WHERE id = ? AND assets_sha256 IS NULL",
            (sha256, clipping_id),
        )
        return cursor.rowcount == 1

    def uses_assets(self, sha256: str) -> bool:
        row = self.db.execute("SELECT 1 FROM clippings WHERE assets_sha256 = ?", (sha256,))
        return row.fetchone() is not None

    def is_current(self, clipping_id: int) -> bool:
        row = self.db.execute(
            f"SELECT 1 FROM clippings WHERE id = ? AND {_CURRENT}", (clipping_id,)
        )
        return row.fetchone() is not None

    def current_version(self, clipping_id: int) -> int:
        """The current version of a clipping's page (itself when it is current)."""
        seen = {clipping_id}
        while True:
            row = self.db.execute(
                "SELECT superseded_by FROM clippings WHERE id = ?", (clipping_id,)
            ).fetchone()
            if row is None or row[0] is None or row[0] in seen:  # (a loop: never written)
                return clipping_id
            clipping_id = row[0]
            seen.add(clipping_id)

    def is_whole_page(self, clipping_id: int) -> bool:
        """Whether the clipping is a page's whole text (no article was found in it)."""
        if "whole_page" not in self._list_columns:  # an older archive, opened read-only
            return False
        row = self.db.execute("SELECT whole_page FROM clippings WHERE id = ?", (clipping_id,))
        found = row.fetchone()
        return bool(found and found[0])

    def saved_at(self, clipping_id: int) -> str:
        row = self.db.execute("SELECT saved FROM clippings WHERE id = ?", (clipping_id,))
        return row.fetchone()[0]

    def promote(self, clipping_id: int, older: list[int]) -> None:
        """Make ``clipping_id`` the current version, ``older`` its older versions."""
        self._changed(clipping_id, *older)
        self.db.execute("UPDATE clippings SET superseded_by = NULL WHERE id = ?", (clipping_id,))
        self.db.executemany(
            "UPDATE clippings SET superseded_by = ? WHERE id = ?",
            [(clipping_id, other) for other in older],
        )

    def supersede(self, old_id: int, new_id: int) -> None:
        """``old_id`` becomes an older version of ``new_id``, which takes its tags and note."""
        self._changed(old_id, new_id)
        self.db.execute("UPDATE clippings SET superseded_by = ? WHERE id = ?", (new_id, old_id))
        self.db.execute(
            "INSERT OR IGNORE INTO tags (clipping_id, tag) SELECT ?, tag FROM tags "
            "WHERE clipping_id = ?",
            (new_id, old_id),
        )
        self.db.execute(
            "UPDATE clippings SET note = (SELECT note FROM clippings WHERE id = ?) "
            "WHERE id = ? AND note = ''",
            (old_id, new_id),
        )

    def set_signature(self, clipping_id: int, minhash: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO signatures (clipping_id, minhash) VALUES (?, ?)",
            (clipping_id, minhash),
        )

    def signatures(self) -> Iterator[tuple[int, bytes]]:
        """The signatures of the current clippings, read as they are iterated.

        (The cursor itself, not a generator over it: one left half read by a Ctrl+C was
        closed after the catalog, and Python printed its error on the way out.)"""
        cursor: Iterator[tuple[int, bytes]] = self.db.execute(
            "SELECT s.clipping_id, s.minhash FROM signatures s JOIN clippings c "
            f"ON c.id = s.clipping_id WHERE c.{_CURRENT}"
        )
        return cursor

    def set_failures(self, failures: Iterable[ImportFailure]) -> None:
        """Remember the last import's failures (replacing the ones before)."""
        self.db.execute("DELETE FROM import_failures")
        self.db.executemany(
            "INSERT OR REPLACE INTO import_failures (source, reason) VALUES (?, ?)",
            [(_path_text(f.source), f.reason) for f in failures],
        )

    def failures(self) -> list[ImportFailure]:
        rows = self.db.execute("SELECT source, reason FROM import_failures ORDER BY source")
        return [ImportFailure(source, reason) for source, reason in rows]

    def watch_failures(self) -> dict[str, str]:
        """The files a folder watcher could not import → their size and time then."""
        if "watch_failures" not in self.tables:  # an older archive, opened read-only
            return {}
        return dict(self.db.execute("SELECT source, stamp FROM watch_failures").fetchall())

    def remember_watch_failures(
        self, failed: dict[str, str], forget: Iterable[str] = (), *, only: bool = False
    ) -> None:
        """Keep ``failed`` (file → its size and time), ``forget`` files imported since;
        ``only``: these failures alone, the others forgotten."""
        if only:
            self.db.execute("DELETE FROM watch_failures")
        self.db.executemany(
            "DELETE FROM watch_failures WHERE source = ?", [(_path_text(f),) for f in forget]
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO watch_failures (source, stamp) VALUES (?, ?)",
            [(_path_text(source), stamp) for source, stamp in failed.items()],
        )

    def set_note(self, clipping_id: int, note: str) -> None:
        self._changed(clipping_id)
        self.db.execute("UPDATE clippings SET note = ? WHERE id = ?", (note, clipping_id))

    # -- saved searches (names compare without case) ------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        rows = self.db.execute(
            "SELECT name, query, created FROM saved_searches ORDER BY name COLLATE NOCASE, name"
        )
        return [SavedSearch(name, query, created) for name, query, created in rows]

    def saved_search(self, name: str) -> SavedSearch:
        """The saved search called ``name``; raises ``UnknownSavedSearch``."""
        row = self.db.execute(
            "SELECT name, query, created FROM saved_searches WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise UnknownSavedSearch(f"no saved search named {name!r}")
        return SavedSearch(*row)

    def save_search(self, search: SavedSearch, *, replace: bool = False) -> None:
        """Keep ``search``; one of the same name raises ``SavedSearchExists`` unless
        ``replace`` (inside ``transaction()``)."""
        row = self.db.execute(
            "SELECT name, query FROM saved_searches WHERE name = ?", (search.name,)
        ).fetchone()
        if row is not None and not replace:
            raise SavedSearchExists(f"a saved search named {row[0]!r} exists: {row[1]}")
        self.db.execute("DELETE FROM saved_searches WHERE name = ?", (search.name,))
        self.db.execute(
            "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)",
            (search.name, search.query, search.created),
        )

    def remove_saved_search(self, name: str) -> SavedSearch:
        """Forget the saved search called ``name`` (inside ``transaction()``)."""
        found = self.saved_search(name)
        self.db.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
        return found


def _path_text(path: str) -> str:
    """A path as SQLite can keep it: a file name that is not UTF-8 reaches Python with lone
    surrogates, which SQLite refuses; each becomes U+FFFD (the name shown, not reopened)."""
    return _SURROGATES.sub("\ufffd", path) if not path.isascii() else path


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _column(row: sqlite3.Row, name: str, default: object) -> Any:
    """A row's value, or ``default`` for a column its (older, read-only) archive lacks."""
    return row[name] if name in row.keys() else default  # noqa: SIM118 (a Row: "in" is values)


def _article_values(article: Article) -> tuple[object, ...]:
    values = []
    for column in ARTICLE_COLUMNS:
        value = getattr(article, column)
        if column in ("keywords", "titles"):
            value = json.dumps(list(value), ensure_ascii=False)
        elif column == "whole_page":
            value = int(bool(value))
        values.append(value)
    return tuple(values)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """The catalog's connection (used from worker threads too: ``Archive`` serializes the
    calls). Read-only: through SQLite's read-only mode, which needs the write-ahead log's
    files; without them (a clean close), as an immutable file (nothing can change it)."""
    options = {"timeout": 30.0, "isolation_level": None, "check_same_thread": False}
    if not read_only:
        return sqlite3.connect(path, **options)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, **options)
        db.execute("SELECT 1 FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        if Path(f"{path}-wal").exists():
            raise
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, **options)
