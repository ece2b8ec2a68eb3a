"""The bundled pages every archive starts with, the sample page first (clipping 1).

The first start imports them and only then marks the archive created (see ``Archive.open``):
a start killed before that is finished by the next one. Deleting one is recorded, so that
``check`` can tell a page the user removed from one that is missing, and ``--repair`` restores
a missing one (the sample taking back clipping 1 when that id is free).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .location import bundled_dir
from .store import Catalog, sha256_of

if TYPE_CHECKING:
    from .api import Archive

SAMPLE_ID = 1  # the sample page is the first clipping of every archive


def pages() -> list[Path]:
    """The bundled pages, in import order (the sample first)."""
    return sorted(p for p in bundled_dir().iterdir() if p.is_file())


def hashes() -> dict[str, Path]:
    """The bundled pages by the SHA-256 of their bytes."""
    return {sha256_of(page.read_bytes()): page for page in pages()}


def missing(catalog: Catalog) -> list[Path]:
    """The bundled pages the catalog lacks that the user did not delete."""
    return [
        page
        for sha, page in hashes().items()
        if catalog.id_for_hash(sha) is None and not catalog.bundled_removed(sha)
    ]


def restore(archive: Archive, lost: list[Path]) -> list[tuple[Path, int]]:
    """Import ``lost`` bundled pages again (the caller holds the write lock); the sample
    takes back clipping 1 if that id is free. Returns each page with its id."""
    restored = []
    for page in lost:
        [clipping_id] = archive.import_paths([page], jobs=1).imported or [None]
        if clipping_id is None:
            continue
        if page == pages()[0] and clipping_id != SAMPLE_ID and not _used(archive, SAMPLE_ID):
            with archive.catalog.transaction():
                archive.catalog.move_new(clipping_id, SAMPLE_ID)
            archive.sync_index()
            clipping_id = SAMPLE_ID
        restored.append((page, clipping_id))
    return restored


def _used(archive: Archive, clipping_id: int) -> bool:
    row = archive.catalog.db.execute("SELECT 1 FROM clippings WHERE id = ?", (clipping_id,))
    return row.fetchone() is not None
