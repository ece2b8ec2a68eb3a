"""Segments merged in the background, as Lucene's merge scheduler merges them: a commit never
waits on a merge of what earlier commits wrote.

Each commit adds segments (an import's, one per sub-writer every ``INDEX_EVERY`` clippings); a
search reads every segment, so they are merged now and then. Whoosh merges them inside the
commit (``MERGE_SMALL``), in the committing process: 36 s of a 190 s import of 10,000 pages
were one such merge, the workers idle behind it and the progress bar still
(``bench/import.py``). Here a commit merges only tiny segments (``inline``: fewer than
``SMALL`` clippings, what a watched folder's page-at-a-time commits leave), and starts a
merger process for the rest, which:

1. takes the merge lock (one merger per index; a dead one's lock is free), picks ``FACTOR``
   segments of like size, the smallest such (``choose``: Lucene's tiered policy, made small),
   and writes their live documents as one segment, their postings merged in order as Lucene
   merges them (``_MergeWriter``: twice as fast as Whoosh's merge, which sorts them again),
   in a folder of its own (``merging/``), where no commit's clean-up deletes it;
2. under the index's write lock, between two commits, reads the latest table of contents:
   if a source segment is gone (a rebuild, another merge), the merge is dropped; otherwise the
   clippings deleted from the sources since the merge began are deleted from the merged
   segment, its files are moved beside the others, and a new table of contents lists it in
   place of its sources;
3. merges again while ``FACTOR`` segments are alike.

A kill at any moment loses nothing: until the table of contents is renamed into place, the
index is the one before the merge (the next merge empties ``merging/``, the next commit
deletes moved files no table of contents lists).
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from ..children import born_deaf, exit_with_parent
from ..crashpoints import crash_point
from .storage import MappedStorage

# a segment of fewer clippings is merged into the next commit's own segment, in the commit:
# a watched folder commits a page at a time, and a segment per page would slow every search;
# merging 50 clippings takes a tenth of a second
SMALL = 50
# segments of like size (within a factor of FACTOR of each other) merged as one once there are
# this many (Lucene's "segments per tier" is 10, but a Whoosh search pays for each segment it
# reads): on 10,000 pages imported (``bench/merge.py --import``), 4 left 5 segments, 10 left
# 12 and searches 30% slower (p95 122 against 173 ms), for 0 to 7% more import time; each
# clipping goes through a merge about once for each fourfold of the archive's size, at half
# the cost of its indexing
FACTOR = 4
# the folder, inside the index's, where a merged segment is written until it replaces its sources
FOLDER = "merging"
# how long a finished merge waits for the write lock (an import holds it while it adds up to
# INDEX_EVERY clippings, and lets go at each commit): past it, the merge is dropped
SWAP_WAIT = 600.0
# the merger is a new interpreter, not a fork of the import's warm fork server: a fork server
# not running yet (a small import, a tag) is started, and a first fork waited for, while it
# loads the extractor (1.3 s, in the committing process); the merger needs only the index code
# (0.2 s, in its own)
_SPAWN = multiprocessing.get_context("spawn")


def _size(segment: object) -> int:
    return segment.doc_count()  # live documents: a segment emptied by deletions is merged down


def choose(
    segments: Sequence[object], small: int | None = None, factor: int | None = None
) -> list[object]:
    """The segments to merge next: the first ``FACTOR`` in a row, by size, the largest of which
    is at most ``FACTOR`` times the smallest (as Lucene's tiered policy picks segments of like
    size, not split at fixed bounds, where an import's segments of 450 and 550 fell apart);
    none if no ``FACTOR`` are alike. Sizes below ``SMALL`` count as ``SMALL``."""
    small, factor = small or SMALL, factor or FACTOR
    ordered = sorted(segments, key=_size)
    sizes = [max(_size(s), small) for s in ordered]
    for first in range(len(ordered) - factor + 1):
        if sizes[first + factor - 1] <= factor * sizes[first]:
            return ordered[first : first + factor]
    return []


def inline(writer: object, segments: list[object]) -> list[object]:
    """A commit's merge policy (Whoosh's ``mergetype``): the tiny segments (fewer than
    ``SMALL`` clippings, or none left) copied into the commit's own, once there are two, or
    one with nothing left; the others kept as they are, for the merger."""
    tiny = [s for s in segments if _size(s) < SMALL]
    if len(tiny) < 2 and not any(_size(s) == 0 for s in tiny):
        return segments
    for segment in tiny:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        add_exactly(writer, reader)
        reader.close()
    return [s for s in segments if s not in tiny]


def add_exactly(writer: object, reader: object) -> None:
    """``writer.add_reader(reader)``, the field-length totals kept exact. Each document's
    length is kept as one byte (to within about 10%), and Whoosh sums a merged segment's
    totals from those: a field's average length, and so every score, moved a little at each
    merge (CISI's MAP 0.1830 to 0.1809). The source's totals are exact: kept, less the
    documents deleted from it."""
    lengths = writer.perdocwriter._fieldlengths
    before = dict(lengths)
    writer.add_reader(reader)
    deleted = reader.deleted_docs_set
    for name in list(lengths):
        exact = reader.field_length(name) - sum(
            reader.doc_field_length(d, name) or 0 for d in deleted
        )
        lengths[name] = before.get(name, 0) + exact


class Merger:
    """The merger process of one index, started after a commit when segments are due to be
    merged; at most one at a time (another process's may run too: the merge lock keeps them
    from merging at once)."""

    def __init__(self, path: Path, indexname: str) -> None:
        self.path = path
        self.indexname = indexname
        self._process: object | None = None

    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def start(self, segments: Sequence[object]) -> None:
        """Start the merger if ``segments`` (the commit's) hold some due to be merged and it is
        not running already (one running picks up what the commit added, when its merge ends)."""
        if self.running() or not choose(segments):
            return
        self._process = _SPAWN.Process(
            target=run,
            # (the policy as this process has it: the merger's is the module's as loaded)
            args=(str(self.path), self.indexname, SMALL, FACTOR),
            name="clippings-merge",
            daemon=True,
        )
        with born_deaf():
            self._process.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the merger to end; whether it has."""
        if self._process is None:
            return True
        self._process.join(timeout)
        return not self._process.is_alive()

    def stop(self) -> None:
        """End the merger now (it ignores Ctrl+C and SIGTERM, as every child does): its merge
        is dropped, the index as it was."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(10)
            _clear_work(self.path, self.indexname)
        self._process = None


def _clear_work(path: Path, indexname: str) -> None:
    """Delete what a merger ended mid-merge left in ``merging/``, unless another process's
    merger is at work there."""
    lock = MappedStorage(str(path)).lock(f"{indexname}_MERGELOCK")
    if lock.acquire():
        try:
            shutil.rmtree(path / FOLDER, ignore_errors=True)
        finally:
            lock.release()


def run(path: str, indexname: str, small: int = SMALL, factor: int = FACTOR) -> None:
    """The merger process: merge while segments are due (see the module's text)."""
    exit_with_parent()
    storage = MappedStorage(path)
    lock = storage.lock(f"{indexname}_MERGELOCK")
    if not lock.acquire():
        return  # another process's merger is at work: it merges what there is
    try:
        while sources := choose(TOC.read(storage, indexname).segments, small, factor):
            if not merge(storage, Path(path), indexname, sources):
                break
    except Exception:  # a source retired as it was read, a full disk: the merge is dropped
        pass  # (the index is as it was), and tried again after a later commit
    finally:
        shutil.rmtree(Path(path) / FOLDER, ignore_errors=True)
        lock.release()


def merge(storage: MappedStorage, folder: Path, indexname: str, sources: list[object]) -> bool:
    """Merge ``sources`` into one segment and list it in their place; whether it was (not if
    a source is gone meanwhile, or the index stayed busy ``SWAP_WAIT`` seconds)."""
    work = folder / FOLDER
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    side = FileStorage(str(work))
    schema = TOC.read(storage, indexname).schema
    writer = _MergeWriter(side.create_index(schema, indexname=indexname), compound=False)
    readers = [SegmentReader(storage, schema, segment) for segment in sources]
    try:
        for reader in readers:
            add_exactly(writer, reader)
        writer.commit(merge=False)
    finally:
        for reader in readers:
            reader.close()
    merged = TOC.read(side, indexname).segments  # one, or none if all were deleted
    crash_point("merge.written")
    lock = storage.lock(f"{indexname}_WRITELOCK")
    if not try_for(lock.acquire, timeout=SWAP_WAIT, delay=0.05):
        return False
    try:
        toc = TOC.read(storage, indexname)
        current = {s.segment_id(): s for s in toc.segments}
        if any(s.segment_id() not in current for s in sources):
            return False
        for segment in merged:
            _delete_since(segment, sources, [current[s.segment_id()] for s in sources])
            for name in segment.list_files(side):
                os.replace(work / name, folder / name)
        gone = {s.segment_id() for s in sources}
        kept = [s for s in toc.segments if s.segment_id() not in gone] + list(merged)
        crash_point("merge.before_toc")
        TOC(toc.schema, kept, toc.generation + 1).write(storage, indexname)
        with contextlib.suppress(OSError):
            clean_files(storage, indexname, toc.generation + 1, kept)
    finally:
        lock.release()
    return True


class _MergeWriter(SegmentWriter):  # type: ignore[misc]
    """A segment writer for a merge: its sources' postings written in order as they are read
    (Lucene's merge), not added to Whoosh's pool, written out to runs and sorted again, which
    took half of a merge's time; each field's lengths read once, not at each posting."""

    def __init__(self, ix: object, **kwargs: object) -> None:
        super().__init__(ix, **kwargs)
        self._sources: list[tuple[object, int, dict[int, int] | None]] = []

    def add_postings_to_pool(self, reader: object, startdoc: int, docmap: object) -> None:
        self._sources.append((reader, startdoc, docmap))  # written at the commit, merged

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader(), self.docnum)
        try:
            self.fieldwriter.add_postings(
                self.schema, lengths, _postings(self.schema, self._sources)
            )
        finally:
            lengths.close()
        self.fieldwriter.close()


def _postings(
    schema: object, sources: list[tuple[object, int, dict[int, int] | None]]
) -> Iterator[tuple[str, bytes, int, float, bytes]]:
    """Every live posting of ``sources`` (a reader, the number its first document was given,
    and the new numbers of its documents if some are deleted), in the order a segment is
    written: by field, term, then document. A term's postings come source after source, whose
    documents are numbered on from the last's."""
    indexed = [set(reader.indexed_field_names()) for reader, _, _ in sources]
    for fieldname in sorted(set().union(*indexed) & set(schema.names())):
        having = [i for i, names in enumerate(indexed) if fieldname in names]
        terms = heapq.merge(*[_numbered(sources[i][0].lexicon(fieldname), i) for i in having])
        for btext, i in terms:
            reader, start, docmap = sources[i]
            matcher = reader.postings(fieldname, btext)
            while matcher.is_active():
                docnum = matcher.id()
                new = docmap[docnum] if docmap is not None else start + docnum
                yield fieldname, btext, new, matcher.weight(), matcher.value()
                matcher.next()


def _numbered(terms: Iterator[bytes], source: int) -> Iterator[tuple[bytes, int]]:
    """Each of ``terms`` with the number of its source: a term of several sources is merged
    from the first source's on."""
    for term in terms:
        yield term, source


class _Lengths:
    """The merged segment's field lengths, each field's read whole once: Whoosh's reader
    reads a length through its column at each posting, and for a field with none, asks the
    disk whether its file exists."""

    def __init__(self, reader: object, doccount: int) -> None:
        self._reader = reader
        self._count = doccount
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        table = self._fields.get(fieldname)
        if table is None:
            read = self._reader.doc_field_length
            table = self._fields[fieldname] = [read(d, fieldname) for d in range(self._count)]
        return table[docnum] or default

    def close(self) -> None:
        self._reader.close()


def _delete_since(merged: object, before: list[object], now: list[object]) -> None:
    """Delete from ``merged`` the documents deleted from its sources since they were read
    (``before``, as the merge read them; ``now``, as the latest commit lists them). The merge
    copied each source's live documents in order, numbering them on from the last."""
    number = 0
    for old, new in zip(before, now, strict=True):
        was, is_ = set(old.deleted_docs()), set(new.deleted_docs())
        for docnum in range(old.doc_count_all()):
            if docnum in was:
                continue
            if docnum in is_:
                merged.delete_document(number)
            number += 1
