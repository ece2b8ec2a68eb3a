"""``clippings check``: is every original intact, every catalog row backed by its original, and
the index in step with the catalog? With ``repair``, fix what can be fixed.

Problems (exit status 1 unless repaired): an original missing or not matching its hash (never
repaired: the catalog can't make an original again, and a backup can); the index out of step
with the catalog (missing clippings, entries of deleted ones) in a way the catalog's journal
does not explain, or holding a clipping twice; a bundled page (the sample) missing that the
user did not delete (``--repair`` restores it). Notes (no failure, ``--repair`` deals with
them): the changes of an interrupted write that the index has yet to take (the journal
names them; the next open gives them to it), originals no clipping points to (left by an
interrupted import; running it again, or ``--repair``, takes them in), originals of deleted
clippings still stored, and temporary files of an interrupted write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import bundled
from .models import ClippingsError
from .recovery import finish_removals, index_gap

if TYPE_CHECKING:
    from .api import Archive


@dataclass
class CheckReport:
    clippings: int = 0
    originals: int = 0
    problems: list[str] = field(default_factory=list)  # what is wrong (and not repaired)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "clippings": self.clippings,
            "originals": self.originals,
            "problems": list(self.problems),
            "repaired": list(self.repaired),
            "notes": list(self.notes),
        }


def check_archive(archive: Archive, *, repair: bool = False) -> CheckReport:
    """Check ``archive`` (the caller holds its write lock, see ``Archive.check``)."""
    report = CheckReport()
    _check_originals(archive, report)
    _check_bundled(archive, report, repair)  # (before the leftovers: a lost sample's original)
    _check_leftovers(archive, report, repair)
    _check_index(archive, report, repair)
    return report


def _check_bundled(archive: Archive, report: CheckReport, repair: bool) -> None:
    """The bundled pages (the sample first, as clipping 1) are there, unless the user
    deleted them (a deletion is recorded: see ``archive.bundled``)."""
    if not archive.catalog.created():
        if repair and not archive.read_only:
            archive._create()
        return  # (its creation is finished by the next open)
    lost = bundled.missing(archive.catalog)
    if not lost:
        return
    names = ", ".join(page.name for page in lost)
    if not repair:
        report.problems.append(
            f"the bundled page {names} is missing, not deleted (check --repair restores it)"
        )
        return
    for page, clipping_id in bundled.restore(archive, lost):
        report.repaired.append(f"restored the bundled page {page.name} as clipping {clipping_id}")


def _check_originals(archive: Archive, report: CheckReport) -> None:
    """Every clipping's original (and Page_files/ zip) is there and matches its hash."""
    rows = archive.catalog.db.execute(
        "SELECT id, sha256 FROM clippings UNION ALL "
        "SELECT id, assets_sha256 FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id"
    ).fetchall()
    report.clippings = archive.catalog.db.execute("SELECT count(*) FROM clippings").fetchone()[0]
    for clipping_id, sha in rows:
        path = archive.originals.path(sha)
        if not path.is_file():
            report.problems.append(
                f"clipping {clipping_id}: its original is missing ({path}); {_RESTORE}"
            )
        elif _file_sha256(path) != sha:
            report.problems.append(
                f"clipping {clipping_id}: its original is damaged ({path}); {_RESTORE}"
            )


# what to do about an original lost: the archive's own copy is gone (a backup, if there is
# one, has it; the page saved again makes a new clipping of it)
_RESTORE = (
    "restore it from a backup if you have one ('clippings restore BACKUP'), "
    "or import the saved page again"
)


def _check_leftovers(archive: Archive, report: CheckReport, repair: bool) -> None:
    """What a killed write left in the originals folder: originals no clipping points to
    (taken in: originals are never thrown away), originals of deleted clippings (deleted),
    temporary files (deleted)."""
    catalog = archive.catalog
    stored, temporary = archive.originals.scan()
    report.originals = len(stored)
    referenced = {
        row[0]
        for row in catalog.db.execute(
            "SELECT sha256 FROM clippings UNION SELECT assets_sha256 FROM clippings "
            "WHERE assets_sha256 IS NOT NULL"
        )
    }
    removed = set(catalog.removed_originals())
    deleted = sorted(removed & set(stored) - referenced)
    unreferenced = sorted(set(stored) - referenced - removed)
    if removed:
        if repair:
            finish_removals(catalog, archive.originals)
            if deleted:
                report.repaired.append(f"deleted {len(deleted)} originals of deleted clippings")
        elif deleted:
            report.notes.append(
                f"{len(deleted)} originals of deleted clippings are still stored "
                "(check --repair deletes them)"
            )
    if unreferenced:
        if repair:
            adopted = archive.import_paths([stored[sha] for sha in unreferenced], remember=False)
            report.repaired.append(
                f"took in {len(adopted.imported)} originals of an interrupted import"
            )
            for failure in adopted.failed:
                report.notes.append(f"an original that is no page: {failure.source}")
        else:
            report.notes.append(
                f"{len(unreferenced)} originals no clipping points to (an interrupted import: "
                "run it again, or check --repair takes them in)"
            )
    if temporary:
        if repair:
            for path in temporary:
                path.unlink(missing_ok=True)
            report.repaired.append(
                f"removed {len(temporary)} temporary files of interrupted writes"
            )
        else:
            report.notes.append(
                f"{len(temporary)} temporary files of interrupted writes "
                "(check --repair removes them)"
            )


def _check_index(archive: Archive, report: CheckReport, repair: bool) -> None:
    """The index holds every current clipping as the catalog has it, and nothing else. Where
    it differs only as the catalog's journal says (a write killed, or refused by a full disk,
    between the catalog and the index), that is a note: the next open brings it in step."""
    twice = archive.index.duplicates()
    if twice:
        shown = ", ".join(str(i) for i in sorted(twice)[:10])
        if repair:
            archive.reindex(reextract=False)
            report.repaired.append(f"rebuilt the index, which held clippings {shown} twice")
            return
        report.problems.append(f"the index holds clippings {shown} twice (check --repair)")
    gap = index_gap(archive.catalog, archive.index, full=True)
    if not gap:
        return
    what = gap.describe()
    if repair:
        try:
            archive.sync_index()
            report.repaired.append(f"brought the index in step ({what})")
        except ClippingsError as error:
            report.problems.append(f"{what}; can't repair it now: {error}")
    elif (gap.missing | gap.extra) <= set(gap.journal):
        report.notes.append(
            f"{what}: an interrupted write's changes, which the next open (or check --repair) "
            "gives it"
        )
    else:
        report.problems.append(f"{what} (check --repair fixes it)")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
