"""Bringing an archive in step after a process was killed between two of its writes.

The catalog is the source of truth, and its journal says what the other two still have to
follow (see ``archive.store``): ``index_pending``, the clippings changed since the index last
took them, and ``removed_originals``, the originals of deleted clippings not yet deleted. Both
are written in the same transactions as the changes, so whatever the moment of a kill, the
journal names what is out of step. ``Archive`` runs this when it opens and before each import
(which also sweeps away the temporary files of originals whose writing was killed), holding the
write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .index import Index
from .models import counted
from .store import Catalog, Originals

# clippings per index commit while catching up: a kill keeps what was done, and a search in
# another process sees the catch-up advance
SYNC_BATCH = 1000


@dataclass
class SyncProgress:
    """How far a catch-up is: clippings indexed of those to index (``stage``: what a rebuild
    is doing, when it does more than index: "extracting" every version, then "indexing")."""

    done: int
    total: int
    stage: str = ""


@dataclass
class IndexGap:
    """How the index differs from the catalog."""

    missing: set[int]  # current clippings the index lacks
    extra: set[int]  # index entries of clippings deleted, or now older versions
    changed: set[int]  # clippings changed since the index took them (the journal, less those)
    journal: list[int]  # every clipping the journal names

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)

    def __len__(self) -> int:
        """How many clippings the index has to take, or drop, to be in step."""
        return len(self.missing | self.extra | self.changed)

    def describe(self) -> str:
        parts = [
            f"lacks {counted(len(self.missing), 'clipping', 'clippings')}" if self.missing else "",
            f"has {counted(len(self.extra), 'deleted one', 'deleted ones')}" if self.extra else "",
            f"has {len(self.changed)} changed since it took them" if self.changed else "",
        ]
        return "the index " + ", ".join(p for p in parts if p)


def index_gap(catalog: Catalog, index: Index, *, full: bool = False) -> IndexGap:
    """How the index differs from the catalog: the journal, and every id compared when the
    counts differ (or ``full``: a check)."""
    journal = catalog.unindexed()
    gap = IndexGap(set(), set(), set(journal), journal)
    if full or index.doc_count() != catalog.count():
        catalog_ids, index_ids = set(catalog.ids()), index.ids()
        gap.missing, gap.extra = catalog_ids - index_ids, index_ids - catalog_ids
        # a clipping deleted (or now an older version) that the index no longer has is in step
        gap.changed &= catalog_ids | index_ids
    gap.changed -= gap.missing | gap.extra
    return gap


def unindexed(catalog: Catalog, index: Index) -> int:
    """About how many clippings the index lacks or has out of date (cheap: the journal and the
    counts, not every id): what a search that can't find them says."""
    return max(catalog.count_unindexed(), catalog.count() - index.searchable())


def sync_index(
    catalog: Catalog,
    index: Index,
    *,
    timeout: float = 60.0,
    at_most: int | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
) -> IndexGap:
    """Bring the index in step with the catalog, committing every ``SYNC_BATCH`` clippings;
    returns what differed. A gap of more than ``at_most`` clippings is left as it is (and
    returned). Once in step, the index is complete (see ``Index.complete``). Raises
    ``IndexBusy`` when another process holds the index writer longer than ``timeout``."""
    gap = index_gap(catalog, index)
    if at_most is not None and len(gap) > at_most:
        return gap
    if gap:
        current = set(catalog.ids())
        stale = sorted((gap.extra | gap.changed) - current)
        todo = sorted((gap.missing | gap.changed) & current)
        for start in range(0, max(len(todo), 1), SYNC_BATCH):
            with index.writer(timeout=timeout) as writer:
                for clipping_id in stale if start == 0 else ():
                    writer.delete(clipping_id)
                for clipping in catalog.get_many(todo[start : start + SYNC_BATCH]):
                    writer.add(clipping)
            if progress:
                progress(SyncProgress(min(start + SYNC_BATCH, len(todo)), len(todo)))
    if gap.journal:
        with catalog.transaction():
            catalog.mark_indexed(gap.journal)
    index.complete()
    return gap


def sweep_temporary(originals: Originals) -> int:
    """Delete the temporary files of originals whose writing was killed (only while holding
    the write lock: no other write is under way); returns how many."""
    _, temporary = originals.scan()
    for path in temporary:
        path.unlink(missing_ok=True)
    return len(temporary)


def finish_removals(catalog: Catalog, originals: Originals) -> int:
    """Delete the originals of deleted clippings that a kill left on disk (those no clipping
    uses again); returns how many the journal named."""
    hashes = catalog.removed_originals()
    if not hashes:
        return 0
    for sha in hashes:
        if not catalog.uses_original(sha):
            originals.remove(sha)
    with catalog.transaction():
        catalog.forget_removed_originals(hashes)
    return len(hashes)
