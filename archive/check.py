"""``clippings check``: is every original intact, every catalog row backed by its original, and
the index in step with the catalog? With ``repair``, fix what can be fixed.

Problems (exit status 1 unless repaired): an original missing or not matching its hash; the
index out of step with the catalog. Notes (no failure): originals no clipping points to (left
by an interrupted import; running it again, or ``--repair``, takes them in) and temporary files
of an interrupted write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import ClippingsError
from .store import sha256_of

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
    report = CheckReport()
    rows = archive.catalog.db.execute(
        "SELECT id, sha256 FROM clippings UNION ALL "
        "SELECT id, assets_sha256 FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id"
    ).fetchall()
    report.clippings = archive.catalog.db.execute("SELECT count(*) FROM clippings").fetchone()[0]
    referenced = {sha for _, sha in rows}
    for clipping_id, sha in rows:
        path = archive.originals.path(sha)
        if not path.is_file():
            report.problems.append(f"clipping {clipping_id}: its original is missing ({path})")
        elif sha256_of(path.read_bytes()) != sha:
            report.problems.append(f"clipping {clipping_id}: its original is damaged ({path})")

    stored, temporary = _stored_files(archive)
    report.originals = len(stored)
    unreferenced = sorted(set(stored) - referenced)
    if unreferenced:
        if repair:
            adopted = archive.import_paths([stored[sha] for sha in unreferenced])
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
            report.notes.append(f"{len(temporary)} temporary files of interrupted writes")

    catalog_ids = set(archive.catalog.ids())
    index_ids = archive.index.ids()
    missing, extra = catalog_ids - index_ids, index_ids - catalog_ids
    if missing or extra:
        what = f"the index lacks {len(missing)} clippings and has {len(extra)} deleted ones"
        if repair:
            try:
                archive.sync_index()
                report.repaired.append(f"brought the index in step ({what})")
            except ClippingsError as error:
                report.problems.append(f"{what}; can't repair it now: {error}")
        else:
            report.problems.append(f"{what} (check --repair fixes it)")
    return report


def _stored_files(archive: Archive) -> tuple[dict[str, object], list]:
    stored: dict[str, object] = {}
    temporary = []
    root = archive.originals.root
    if not root.is_dir():
        return stored, temporary
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith(".incoming-"):
                temporary.append(path)
            elif len(folder.name) == 2 and len(path.name) == 62:
                stored[folder.name + path.name] = path
    return stored, temporary
