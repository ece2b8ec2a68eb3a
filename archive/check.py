"""``clippings check``: is every original intact, every catalog row backed by its original, and
the index in step with the catalog? With ``repair``, fix what can be fixed.

Problems (exit status 1 unless repaired): an original missing or not matching its hash (the
catalog can't make an original again: ``--repair`` writes back the bundled pages' from their
files, and with ``--from BACKUP`` those the backup holds intact; importing the saved page
again writes its original back too); the index out of step
with the catalog (missing clippings, entries of deleted ones) in a way the catalog's journal
does not explain, or holding a clipping twice; a bundled page (the sample) missing that the
user did not delete (``--repair`` restores it). Notes (no failure, ``--repair`` deals with
them): the changes of an interrupted write that the index has yet to take (the journal
names them; the next open gives them to it), originals no clipping points to (left by an
interrupted import; running it again, or ``--repair``, takes them in), originals of deleted
clippings still stored, and temporary files of an interrupted write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import bundled
from .models import ClippingsError, counted
from .recovery import finish_removals, index_gap
from .sources.assets import is_packed

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


def check_archive(
    archive: Archive, *, repair: bool = False, backup: str | os.PathLike[str] | None = None
) -> CheckReport:
    """Check ``archive`` (the caller holds its write lock, see ``Archive.check``); ``repair``
    takes lost originals from the backup file ``backup`` too, when given."""
    if backup is not None and not repair:
        raise ClippingsError(f"{backup}: originals are taken from a backup only with --repair")
    report = CheckReport()
    _check_originals(archive, report, repair, None if backup is None else Path(backup))
    _check_bundled(archive, report, repair)  # (before the leftovers: a lost sample's original)
    _check_leftovers(archive, report, repair)
    _check_index(archive, report, repair)
    # counted last: originals no clipping pointed to are clippings once taken in
    report.clippings = archive.catalog.db.execute("SELECT count(*) FROM clippings").fetchone()[0]
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


def _check_originals(
    archive: Archive, report: CheckReport, repair: bool, backup: Path | None
) -> None:
    """Every clipping's original (and Page_files/ zip) is there and matches its hash. With
    ``repair``, a lost one is written back where its bytes are found intact: the bundled
    pages, and the backup file ``backup`` (``check --repair --from BACKUP``)."""
    rows = archive.catalog.db.execute(
        "SELECT id, sha256 FROM clippings UNION ALL "
        "SELECT id, assets_sha256 FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id"
    ).fetchall()
    states: dict[str, str] = {}
    for _, sha in rows:
        if sha not in states:
            states[sha] = archive.originals.state(sha)
    lost = {sha for sha, state in states.items() if state != "intact"}
    found: dict[str, str] = {}  # written back: where from
    if repair:
        found = _write_back(archive, lost, backup, report, rows)
    for clipping_id, sha in rows:
        if sha in found:
            report.repaired.append(
                f"clipping {clipping_id}: its original was {states[sha]}: written back from "
                f"{found[sha]}"
            )
        elif sha in lost:
            report.problems.append(
                original_problem(clipping_id, states[sha], archive.originals.path(sha))
            )


def _write_back(
    archive: Archive,
    lost: set[str],
    backup: Path | None,
    report: CheckReport,
    rows: list[tuple[int, str]],
) -> dict[str, str]:
    """Write back the ``lost`` originals whose bytes are at hand (a bundled page's file, the
    ``backup``'s copy), each checked against its hash; returns where each came from."""
    found: dict[str, str] = {}
    for sha, page in bundled.hashes().items():
        if sha in lost and archive.originals.write_back(page.read_bytes(), sha):
            found[sha] = f"the bundled page {page.name}"
    if backup is not None:
        from .backup import write_back_originals  # (backup.py words its problems as check does)

        left = write_back_originals(backup, archive.originals, lost - found.keys())
        found.update((sha, str(backup)) for sha in lost - found.keys() - left.keys())
        for clipping_id, sha in rows:
            if sha in left:
                report.notes.append(
                    f"{backup} can't give the original of clipping {clipping_id}: {left[sha]}"
                )
    return found


def original_problem(clipping_id: int, state: str, path: Path) -> str:
    """What is said of a clipping whose original is ``missing`` or ``damaged``: by ``check``,
    and in the same words by ``restore`` of a backup that lacks it."""
    return f"clipping {clipping_id}: its original is {state} ({path}); {_RESTORE}"


# what a check names, one and many ("1 originals" read wrong)
_DELETED_ONE, _DELETED_MANY = "original of a deleted clipping", "originals of deleted clippings"
_FOLDER_ONE, _FOLDER_MANY = "files folder of a saved page", "files folders of saved pages"
_TEMPORARY_ONE = "temporary file of an interrupted write"
_TEMPORARY_MANY = "temporary files of interrupted writes"

# what to do about an original lost: the same bytes, found again, are written back (their hash
# is the original's name): the page saved again, imported, or a backup's copy
_RESTORE = (
    "import the saved page again ('clippings import FILE' writes it back), or take it from "
    "a backup that has it ('clippings check --repair --from BACKUP')"
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
                report.repaired.append(
                    f"deleted {counted(len(deleted), _DELETED_ONE, _DELETED_MANY)}"
                )
        elif deleted:
            report.notes.append(
                f"{counted(len(deleted), _DELETED_ONE + ' is', _DELETED_MANY + ' are')} "
                "still stored (check --repair deletes them)"
            )
    # a page's files folder stored by an import killed before its page's row: no page to
    # take in (read as a zip of pages, its frames became clippings); the same import again
    # points its page at it. Kept, as every original.
    folders = [sha for sha in unreferenced if _is_files_folder(stored[sha])]
    if folders:
        report.notes.append(
            f"{counted(len(folders), _FOLDER_ONE, _FOLDER_MANY)} no clipping points to (an "
            "interrupted import: the same import again gives them to their pages)"
        )
        unreferenced = [sha for sha in unreferenced if sha not in folders]
    if unreferenced:
        if repair:
            adopted = archive.import_paths([stored[sha] for sha in unreferenced], remember=False)
            report.repaired.append(
                f"took in {counted(len(adopted.imported), 'original', 'originals')} of an "
                "interrupted import"
            )
            for failure in adopted.failed:
                report.notes.append(f"an original that is no page: {failure.source}")
        else:
            report.notes.append(
                f"{counted(len(unreferenced), 'original', 'originals')} no clipping points to "
                "(an interrupted import: "
                "run it again, or check --repair takes them in)"
            )
    if temporary:
        if repair:
            for path in temporary:
                path.unlink(missing_ok=True)
            report.repaired.append(
                f"removed {counted(len(temporary), _TEMPORARY_ONE, _TEMPORARY_MANY)}"
            )
        else:
            report.notes.append(
                f"{counted(len(temporary), _TEMPORARY_ONE, _TEMPORARY_MANY)} "
                "(check --repair removes them)"
            )


def _is_files_folder(path: Path) -> bool:
    try:
        with path.open("rb") as stored:
            if stored.read(2) != b"PK":
                return False
        return is_packed(path.read_bytes())
    except OSError:
        return False


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
            f"{what}: an interrupted write's changes, which check --repair, `clippings reindex "
            "--pending` or the next import gives it (an open, if they are few)"
        )
    else:
        report.problems.append(f"{what} (check --repair fixes it)")
