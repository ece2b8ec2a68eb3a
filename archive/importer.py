"""The import pipeline: files → saved pages → articles → originals + catalog → index.

Order of writes, so that a kill at any point loses nothing: the original first (atomic), then
the catalog row (committed in small batches), then the index (derived: ``Archive`` brings it
back in step with the catalog when it opens).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .extract import extract
from .index import Index
from .models import ClippingsError, ImportFailure, ImportReport
from .sources import Candidate, candidates, read_page
from .store import Catalog, Originals, sha256_of

BATCH = 50  # catalog rows per transaction


@dataclass(frozen=True)
class ImportProgress:
    """Sent after each file: how far the import is, and what happened to that file."""

    done: int
    total: int
    path: Path
    outcome: str  # imported | present | failed | skipped
    reason: str = ""  # why it failed
    clipping_id: int | None = None  # the new clipping's id


ProgressCallback = Callable[[ImportProgress], None]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def import_paths(
    paths: Iterable[str | Path],
    *,
    originals: Originals,
    catalog: Catalog,
    index: Index,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    report = ImportReport()
    todo = list(candidates(paths))
    seen: set[str] = set()
    pending: list[int] = []
    with index.writer() as writer:
        catalog.db.execute("BEGIN IMMEDIATE")
        try:
            for done, candidate in enumerate(todo, 1):
                outcome = _import_one(candidate, originals, catalog, report, seen, pending)
                if len(pending) >= BATCH:
                    _commit(catalog, writer, pending)
                if progress:
                    reason = report.failed[-1].reason if outcome == "failed" else ""
                    new_id = report.imported[-1] if outcome == "imported" else None
                    progress(
                        ImportProgress(done, len(todo), candidate.path, outcome, reason, new_id)
                    )
            _commit(catalog, writer, pending)
        finally:
            if catalog.db.in_transaction:
                catalog.db.execute("ROLLBACK")
    return report


def _commit(catalog: Catalog, writer: object, pending: list[int]) -> None:
    catalog.db.execute("COMMIT")
    for clipping in catalog.get_many(pending):
        writer.add(clipping)
    pending.clear()
    catalog.db.execute("BEGIN IMMEDIATE")


def _import_one(
    candidate: Candidate,
    originals: Originals,
    catalog: Catalog,
    report: ImportReport,
    seen: set[str],
    pending: list[int],
) -> str:
    source = str(candidate.path)
    if candidate.format is None:
        report.skipped.append(source)
        return "skipped"
    try:
        page = read_page(candidate)
        sha = sha256_of(page.data)
        if sha in seen or catalog.id_for_hash(sha) is not None:
            report.already_present.append(source)
            return "present"
        article = extract(page)
        originals.put(page.data, sha)
        clipping_id = catalog.add(
            sha256=sha,
            source=page.source,
            saved=now_iso(),
            article=article,
            page_url=page.url,
            page_saved=page.saved.isoformat() if page.saved else None,
        )
    except ClippingsError as error:
        report.failed.append(ImportFailure(source, str(error)))
        return "failed"
    except Exception as error:  # a bug or a parser's surprise: name it, go on with the batch
        detail = (str(error).strip().splitlines() or [""])[0][:120]
        reason = f"unexpected {type(error).__name__}" + (f": {detail}" if detail else "")
        report.failed.append(ImportFailure(source, reason))
        return "failed"
    seen.add(sha)
    pending.append(clipping_id)
    report.imported.append(clipping_id)
    return "imported"
