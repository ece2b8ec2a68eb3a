"""``clippings backup`` and ``clippings restore``: the whole archive as one file, and back.

A backup is a zip file::

    clippings-backup.json      what it is: format version, time, counts, the catalog's SHA-256
    catalog.sqlite3            the catalog, copied with SQLite's online backup API: consistent
                               even while another process imports, tags or deletes
    originals/ab/cdef0123...   every original, byte for byte, under its SHA-256 (as stored)

The index is left out: it is derived, and a restore rebuilds it from the catalog. A backup is
written to a temporary file beside its target and renamed when complete, so a backup file is
whole or absent; an earlier backup at the same name is replaced, any other file refused.

An original the archive has lost is named in the manifest: missing (not in the backup), or
damaged (its bytes no longer match its hash: backed up as they are, since they may be most of
the page). Such a backup does not take the place of an earlier one that holds any of those
originals intact: it is written beside it, under a dated name, and the earlier one kept.

A restore reads nothing it has not checked: every entry's name must be one a backup writes
(no path can leave the archive folder), the catalog must match its recorded hash and pass
SQLite's integrity check, or nothing is restored. Each original is checked against its hash:
one missing from the backup, unreadable in it, or damaged (written as it is) costs that
clipping its original, not the restore, and is named in the words of ``check``, which lists
it again in the restored archive. The archive is unpacked into a temporary folder beside its
place and renamed into place only when the index is rebuilt; an archive already there is
replaced only when asked (``force``). ``write_back_originals`` gives lost originals back to an
archive from a backup (``check --repair --from BACKUP``).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from . import aside
from .check import original_problem
from .crashpoints import crash_point
from .export import file_in_the_way, new_folder
from .location import ARCHIVE_ENTRIES
from .models import ClippingsError, now_iso
from .store import SCHEMA_VERSION, Originals, exclusive_lock, sha256_of
from .uploads import TOKEN_FILE

MANIFEST = "clippings-backup.json"
CATALOG = "catalog.sqlite3"
BACKUP_KIND = "clippings-backup"
BACKUP_VERSION = 1
DATED_PREFIX = "clippings-backup-"  # a backup into a folder: clippings-backup-<time>.zip
ATTEMPTS = 3  # snapshots taken when originals vanish meanwhile (a clipping deleted)

_ORIGINAL = re.compile(r"originals/([0-9a-f]{2})/([0-9a-f]{62})")
_CHUNK = 1 << 20
# what can go wrong reading one entry of a zip whose directory was read (bad CRC, bad deflate
# data, a cut-off entry, a compression method this Python lacks)
_ENTRY_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
# what an archive folder may hold: the only folders ``force`` will replace


class BackupError(ClippingsError):
    """A backup could not be written, or a file is not a backup that can be restored."""


@dataclass
class BackupReport:
    """What a backup holds, and where it was written."""

    path: Path
    clippings: int = 0  # current clippings (as listed and searched)
    versions: int = 0  # every catalog row, older versions of pages included
    originals: int = 0
    size: int = 0  # bytes of the backup file
    missing: list[str] = field(default_factory=list)  # originals the archive had lost
    damaged: list[str] = field(default_factory=list)  # ... or had damaged (backed up as is)
    problems: list[str] = field(default_factory=list)  # one line per clipping of those
    # the earlier backup at the target, kept because it holds intact originals this one lacks
    # (this one is then written beside it: ``path``), and the clippings whose they are
    kept: Path | None = None
    kept_for: list[int] = field(default_factory=list)
    owners: dict[str, list[int]] = field(default_factory=dict)  # lost original → clippings

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "clippings": self.clippings,
            "versions": self.versions,
            "originals": self.originals,
            "size": self.size,
            "missing_originals": list(self.missing),
            "damaged_originals": list(self.damaged),
            "problems": list(self.problems),
            "kept": None if self.kept is None else str(self.kept),
        }


@dataclass
class RestoreReport:
    """What a restore put back, and where."""

    path: Path
    clippings: int = 0
    versions: int = 0
    originals: int = 0
    saved_searches: int = 0
    created: str = ""  # when the backup was made
    replaced: bool = False  # an archive was there and was replaced
    missing: list[str] = field(default_factory=list)  # originals not restored
    damaged: list[str] = field(default_factory=list)  # restored as they are, not matching
    problems: list[str] = field(default_factory=list)  # per clipping, as ``check`` says it
    # originals the backup held whole when it was made, lost since: the file is damaged
    lost_in_file: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "clippings": self.clippings,
            "versions": self.versions,
            "originals": self.originals,
            "saved_searches": self.saved_searches,
            "created": self.created,
            "replaced": self.replaced,
            "missing_originals": list(self.missing),
            "damaged_originals": list(self.damaged),
            "problems": list(self.problems),
            "damaged_in_the_backup": list(self.lost_in_file),
        }


# -- backup ---------------------------------------------------------------------------------


def create_backup(folder: str | os.PathLike[str], file: str | os.PathLike[str]) -> BackupReport:
    """Write the archive in ``folder`` to the backup file ``file`` (a folder: a file named
    ``clippings-backup-<time>.zip`` in it). Safe while the archive is in use."""
    folder = Path(folder).expanduser()
    catalog = folder / CATALOG
    if not catalog.is_file():
        raise BackupError(f"no archive in {folder} (no {CATALOG})")
    target = _backup_target(Path(file).expanduser().absolute(), _names_a_folder(file))
    _sweep_backup_leftovers(target)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".partial", dir=target.parent
            )
        except OSError as error:
            raise BackupError(f"can't write {target}: {_reason(error)}") from None
        partial = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                report = _write_backup(folder, out, target, last=attempt == ATTEMPTS)
                if report is None:  # originals vanished: the archive changed, start again
                    continue
                out.flush()
                os.fsync(out.fileno())
            if report.missing or report.damaged:
                _keep_a_better_earlier(target, report)
            os.replace(partial, report.path)
            _sync_folder(target.parent)
            report.size = report.path.stat().st_size
            return report
        except OSError as error:
            raise BackupError(f"can't write {target}: {_reason(error)}") from None
        except sqlite3.Error as error:
            raise BackupError(f"can't read the catalog {catalog}: {error}") from None
        finally:
            partial.unlink(missing_ok=True)
    raise AssertionError("unreachable")  # the last attempt writes whatever it finds


def _keep_a_better_earlier(target: Path, report: BackupReport) -> None:
    """A backup that lacks originals (missing or damaged) does not replace an earlier backup
    at ``target`` that holds any of them intact: ``report.path`` becomes a dated name beside
    it (``NAME-<date>-<time>.zip``), the earlier one kept."""
    lacking = set(report.missing) | set(report.damaged)
    held = _intact_in(target, lacking) if target.is_file() else set()
    if not held:
        return
    report.kept = target
    report.kept_for = sorted({i for sha in held for i in report.owners.get(sha, ())})
    report.path = _dated(target.parent, f"{target.stem}-", target.suffix)


def _dated(folder: Path, prefix: str, suffix: str) -> Path:
    """A name in ``folder`` no file has: ``<prefix><date>-<time><suffix>``, or with ``-2``,
    ``-3``... after the time (two backups in one second: the second replaced the first)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in itertools.count(1):
        path = folder / f"{prefix}{stamp}{'' if number == 1 else f'-{number}'}{suffix}"
        if not path.exists():
            return path
    raise AssertionError("unreachable")


def _intact_in(file: Path, wanted: set[str]) -> set[str]:
    """Which of the ``wanted`` originals the backup ``file`` holds intact (read and hashed)."""
    held: set[str] = set()
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            for sha in sorted(wanted):
                name = _entry_name(sha)
                if name not in names:
                    continue
                try:
                    if _entry_sha256(archive, name) == sha:
                        held.add(sha)
                except _ENTRY_ERRORS:
                    continue
    except (OSError, zipfile.BadZipFile):
        return set()
    return held


def _entry_name(sha: str) -> str:
    return f"originals/{sha[:2]}/{sha[2:]}"


def _entry_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sweep_backup_leftovers(target: Path) -> None:
    """The temporary files of killed backups beside ``target`` (to the same name, or dated
    ones into the same folder), deleted once they are a day old."""
    for name in {target.name, f"{DATED_PREFIX}*.zip"}:
        for kind in ("partial", "scratch"):
            aside.sweep(target.parent, f".{name}.*.{kind}")


def _names_a_folder(file: str | os.PathLike[str]) -> bool:
    """Whether ``file`` was written as a folder ("~/backups/"), there or not."""
    written = os.fspath(file)
    return written.endswith(os.sep) or bool(os.altsep and written.endswith(os.altsep))


def _backup_target(path: Path, folder: bool = False) -> Path:
    """Where the backup goes; raises for an existing file that is not a backup. A ``folder``
    not there yet is made (it was taken for a file's name, and the next backup replaced it)."""
    if folder and not path.is_dir():
        if path.exists():
            raise BackupError(f"{path} is a file, not a folder")
        try:
            path.mkdir(parents=True)
        except OSError as error:
            raise BackupError(f"can't make the folder {path}: {error.strerror or error}") from None
    if path.is_dir():
        return _dated(path, DATED_PREFIX, ".zip")
    if path.exists() and not is_backup(path):
        raise BackupError(f"{path} exists and is not a Clippings backup: not overwriting it")
    if not path.parent.is_dir():
        raise BackupError(f"can't write {path}: no folder {path.parent}")
    return path


def is_backup(path: Path) -> bool:
    """Whether ``path`` is a Clippings backup (a zip with its manifest)."""
    try:
        with zipfile.ZipFile(path) as archive:
            _manifest(archive, path)
    except (OSError, zipfile.BadZipFile, BackupError):
        return False
    return True


def _write_backup(folder: Path, out: IO[bytes], target: Path, *, last: bool) -> BackupReport | None:
    """Write the zip to ``out``; None if originals the catalog needs vanished meanwhile (a
    clipping deleted after the catalog was copied) and this is not the ``last`` attempt."""
    report = BackupReport(target)
    with tempfile.TemporaryDirectory(
        prefix=f".{target.name}.", suffix=".scratch", dir=target.parent
    ) as scratch:
        snapshot = Path(scratch) / CATALOG
        _copy_catalog(folder / CATALOG, snapshot)
        with contextlib.closing(sqlite3.connect(snapshot)) as db:
            rows = db.execute(
                "SELECT id, sha256 FROM clippings UNION ALL SELECT id, assets_sha256 "
                "FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id"
            ).fetchall()
            needed = {sha for _, sha in rows}
            report.versions = db.execute("SELECT count(*) FROM clippings").fetchone()[0]
            report.clippings = db.execute(
                "SELECT count(*) FROM clippings WHERE superseded_by IS NULL"
            ).fetchone()[0]
        stored = _stored_originals(folder / "originals")
        if needed - stored.keys() and not last:
            return None
        written: set[str] = set()
        damaged: set[str] = set()  # written as they are: their bytes no longer match
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(snapshot, CATALOG)
            for sha, path in sorted(stored.items()):
                try:
                    if _add_original(archive, path, _entry_name(sha)) != sha:
                        damaged.add(sha)
                except FileNotFoundError:  # deleted since it was listed
                    if sha in needed and not last:
                        return None
                    continue
                except PermissionError as error:
                    raise BackupError(f"can't read {path}: {_reason(error)}") from None
                written.add(sha)
            report.originals = len(written)
            missing = sorted(needed - written)
            report.missing = missing
            report.damaged = sorted(damaged & needed)
            for clipping_id, sha in rows:
                if sha in damaged or sha in report.missing:
                    report.owners.setdefault(sha, []).append(clipping_id)
                if sha in damaged:
                    report.problems.append(
                        f"clipping {clipping_id}: its original is damaged (backed up as it is)"
                    )
                elif sha in report.missing:
                    report.problems.append(
                        f"clipping {clipping_id}: its original is missing (not in the backup)"
                    )
            manifest = {
                "kind": BACKUP_KIND,
                "version": BACKUP_VERSION,
                "created": now_iso(),
                "schema_version": SCHEMA_VERSION,
                "clippings": report.clippings,
                "versions": report.versions,
                "originals": report.originals,
                "catalog_sha256": _file_sha256(snapshot),
                "missing_originals": missing,
                "damaged_originals": sorted(damaged),
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return report


def _add_original(archive: zipfile.ZipFile, path: Path, name: str) -> str:
    """Write the file ``path`` to the zip as ``name``, byte for byte; returns its SHA-256 (read
    once: the bytes hashed are the bytes written)."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        info = zipfile.ZipInfo.from_file(path, name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()


def _copy_catalog(source: Path, snapshot: Path) -> None:
    """Copy the catalog with SQLite's online backup API: one consistent state, read in one
    step while writers in other processes go on (WAL mode)."""
    with (
        contextlib.closing(sqlite3.connect(source, timeout=30.0)) as src,
        contextlib.closing(sqlite3.connect(snapshot)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _stored_originals(root: Path) -> dict[str, Path]:
    """Every stored original (``ab/cdef...``), temporary files of a write in flight left out."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for sub in root.iterdir():
        if not (sub.is_dir() and re.fullmatch(r"[0-9a-f]{2}", sub.name)):
            continue
        for path in sub.iterdir():
            if re.fullmatch(r"[0-9a-f]{62}", path.name) and path.is_file():
                found[sub.name + path.name] = path
    return found


# -- restore --------------------------------------------------------------------------------


def restore_backup(
    file: str | os.PathLike[str], folder: str | os.PathLike[str], *, force: bool = False
) -> RestoreReport:
    """Turn the backup ``file`` into a working archive in ``folder``, its index rebuilt from
    the catalog. ``folder`` must be missing or empty, or hold an archive and ``force``."""
    file = Path(file).expanduser()
    folder = Path(folder).expanduser().absolute()
    with _open_backup(file) as archive:
        manifest = _manifest(archive, file)
        _check_names(archive, file)
        aside.put_back(folder)  # an archive a killed restore moved aside: back first
        aside.sweep(folder.parent, f"{aside.restoring_prefix(folder)}*")
        replaced = _check_restore_target(folder, force=force)
        report = RestoreReport(folder, replaced=replaced)
        report.created = str(manifest.get("created", ""))
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            work = new_folder(folder.parent, aside.restoring_prefix(folder))
        except OSError as error:
            raise BackupError(f"can't restore into {folder}: {_reason(error)}") from None
        try:
            _unpack(archive, file, manifest, work, report)
            _rebuild_index(work)
            if replaced and (folder / TOKEN_FILE).is_file():
                # SingleFile's settings keep working: the archive replaced keeps its token
                shutil.copy2(folder / TOKEN_FILE, work / TOKEN_FILE)
            _move_into_place(work, folder)
        except OSError as error:
            raise BackupError(f"can't restore into {folder}: {_reason(error)}") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _open_backup(file: Path) -> zipfile.ZipFile:
    """The backup ``file`` opened as a zip; raises ``BackupError`` in one line."""
    try:
        return zipfile.ZipFile(file)
    except FileNotFoundError:
        raise BackupError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{file}: is a folder, not a backup file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise BackupError(f"{file}: not a Clippings backup (not a zip file)") from None
    except OSError as error:
        raise BackupError(f"{file}: can't read it: {_reason(error)}") from None


def write_back_originals(
    file: str | os.PathLike[str], originals: Originals, wanted: set[str]
) -> dict[str, str]:
    """Write back to ``originals`` each of the ``wanted`` originals (missing or damaged in the
    archive) whose copy in the backup ``file`` is intact; returns, for each one it could not
    give, why. Raises ``BackupError`` for a file that is not a backup."""
    file = Path(file).expanduser()
    left: dict[str, str] = {}
    with _open_backup(file) as archive:
        _manifest(archive, file)
        names = set(archive.namelist())
        for sha in sorted(wanted):
            name = _entry_name(sha)
            if name not in names:
                left[sha] = "it is not in the backup"
                continue
            try:
                data = archive.read(name)
            except _ENTRY_ERRORS:
                data = b""
            if sha256_of(data) != sha:
                left[sha] = "the backup's copy is damaged too"
                continue
            originals.write_back(data, sha)
    return left


def _check_restore_target(folder: Path, *, force: bool) -> bool:
    """Raise unless ``folder`` may receive the archive; True when one is there to replace."""
    blocking = file_in_the_way(folder)
    if blocking is not None:
        raise BackupError(f"can't restore into {folder}: {blocking} is a file, not a folder")
    try:
        if not folder.exists():
            return False
        if not folder.is_dir():
            raise BackupError(f"can't restore into {folder}: it exists and is not a folder")
        entries = {path.name for path in folder.iterdir()}
    except OSError as error:
        raise BackupError(f"can't restore into {folder}: {_reason(error)}") from None
    if not entries:
        return False
    if CATALOG not in entries:
        raise BackupError(
            f"can't restore into {folder}: the folder is not empty and holds no archive "
            "(restore into a new or empty folder)"
        )
    if not entries <= ARCHIVE_ENTRIES:
        others = ", ".join(sorted(entries - ARCHIVE_ENTRIES)[:3])
        raise BackupError(
            f"can't restore into {folder}: it holds files that are not the archive's ({others}); "
            "restore into a new or empty folder"
        )
    if not force:
        count = _count_clippings(folder / CATALOG)
        held = f" ({count} clippings)" if count is not None else ""
        raise BackupError(
            f"{folder} already holds an archive{held}: restore into a new folder, "
            "or --force replaces it"
        )
    return True


def _count_clippings(catalog: Path) -> int | None:
    try:
        with contextlib.closing(sqlite3.connect(f"{catalog.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT count(*) FROM clippings WHERE superseded_by IS NULL")
            return int(row.fetchone()[0])
    except sqlite3.Error:
        return None


def _manifest(archive: zipfile.ZipFile, file: Path) -> dict[str, Any]:
    try:
        data = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{file}: not a Clippings backup (no {MANIFEST} in it)") from None
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise BackupError(f"{file}: damaged (its {MANIFEST} can't be read)") from None
    if not isinstance(data, dict) or data.get("kind") != BACKUP_KIND:
        raise BackupError(f"{file}: not a Clippings backup ({MANIFEST} is foreign)")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise BackupError(f"{file}: damaged (its format version is {version!r})")
    if version > BACKUP_VERSION:
        raise BackupError(
            f"{file}: made by a newer Clippings (backup format {version}); upgrade to restore it"
        )
    return data


def _check_names(archive: zipfile.ZipFile, file: Path) -> None:
    """Every entry must be one a backup writes: nothing else is read, and no name can reach
    outside the archive folder (``../``, absolute paths, links)."""
    seen: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        if name in seen:
            raise BackupError(f"{file}: damaged (entry {name!r} appears twice)")
        seen.add(name)
        if name in (MANIFEST, CATALOG) or _ORIGINAL.fullmatch(name):
            continue
        raise BackupError(
            f"{file}: unexpected entry {name!r} (a damaged or foreign backup; nothing restored)"
        )
    if CATALOG not in seen:
        raise BackupError(f"{file}: damaged (no {CATALOG} in it)")


def _unpack(
    archive: zipfile.ZipFile,
    file: Path,
    manifest: dict[str, Any],
    work: Path,
    report: RestoreReport,
) -> None:
    """Write the catalog and the originals under ``work``, each checked against its hash: a
    catalog that fails restores nothing; an original that can't be read is left out, one that
    does not match its hash is written as it is (as the archive had it), and both are named."""
    catalog = work / CATALOG
    try:
        digest = _extract(archive, CATALOG, catalog)
    except _ENTRY_ERRORS as error:
        raise BackupError(f"{file}: damaged ({_first_line(error)})") from None
    if manifest.get("catalog_sha256") not in (None, digest):
        raise BackupError(f"{file}: damaged (the catalog does not match its hash)")
    damaged: set[str] = set()
    for info in archive.infolist():
        match = _ORIGINAL.fullmatch(info.filename)
        if not match:
            continue
        target = work / "originals" / match[1] / match[2]  # made from the hex digits only
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            digest = _extract(archive, info.filename, target)
        except _ENTRY_ERRORS:  # unreadable in the backup: that original is not restored
            target.unlink(missing_ok=True)
            continue
        os.chmod(target, 0o444)
        report.originals += 1
        if digest != match[1] + match[2]:
            damaged.add(match[1] + match[2])
    _check_catalog(catalog, work / "originals", file, manifest, report, damaged)


def _extract(archive: zipfile.ZipFile, name: str, target: Path) -> str:
    """Copy one entry to ``target`` (zip checks its CRC); returns its SHA-256."""
    digest = hashlib.sha256()
    with archive.open(name) as source, target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_catalog(
    catalog: Path,
    originals: Path,
    file: Path,
    manifest: dict[str, Any],
    report: RestoreReport,
    damaged: set[str],
) -> None:
    """The catalog is whole and one this version reads; each clipping whose original is
    missing or ``damaged`` is named, as ``check`` will name it in the restored archive."""
    recorded = set(manifest.get("missing_originals") or [])
    recorded |= set(manifest.get("damaged_originals") or [])
    knows_damage = "damaged_originals" in manifest  # (a backup from before that left it out)
    try:
        with contextlib.closing(sqlite3.connect(catalog)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{file}: damaged (its catalog fails SQLite's integrity check)")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if not {"clippings", "tags", "meta"} <= tables:
                raise BackupError(f"{file}: damaged (its catalog is not a Clippings catalog)")
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version and int(version[0]) > SCHEMA_VERSION:
                raise BackupError(
                    f"{file}: made by a newer Clippings (catalog schema {version[0]}); "
                    "upgrade to restore it"
                )
            rows = db.execute(
                "SELECT id, sha256 FROM clippings UNION ALL SELECT id, assets_sha256 "
                "FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id"
            ).fetchall()
            report.versions = db.execute("SELECT count(*) FROM clippings").fetchone()[0]
            report.clippings = db.execute(
                "SELECT count(*) FROM clippings WHERE superseded_by IS NULL"
            ).fetchone()[0]
            report.saved_searches = db.execute("SELECT count(*) FROM saved_searches").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{file}: damaged (its catalog can't be read: {error})") from None
    for clipping_id, sha in rows:
        if not (originals / sha[:2] / sha[2:]).is_file():
            state, lost = "missing", report.missing
        elif sha in damaged:
            state, lost = "damaged", report.damaged
        else:
            continue
        place = report.path / "originals" / sha[:2] / sha[2:]
        report.problems.append(original_problem(clipping_id, state, place))
        if sha not in lost:
            lost.append(sha)
        told = sha in recorded or (state == "damaged" and not knows_damage)
        if not told and sha not in report.lost_in_file:
            report.lost_in_file.append(sha)


def _rebuild_index(work: Path) -> None:
    """The search index, made again from the restored catalog."""
    from .api import Archive

    archive = Archive(work)
    try:
        archive.reindex(reextract=False)
    finally:
        archive.close()


def _move_into_place(work: Path, folder: Path) -> None:
    """Rename the restored archive to ``folder``; an archive there is moved aside first (and
    put back if the rename fails), and removed once the new one is in place."""
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    if not folder.exists():
        os.rename(work, folder)
        return

    def busy() -> None:
        raise BackupError(f"an import is running in {folder}: restore when it is done")

    old = Path(tempfile.mkdtemp(prefix=aside.aside_prefix(folder), dir=folder.parent))
    try:
        with exclusive_lock(folder / "import.lock", busy):
            os.rename(folder, old / folder.name)
        crash_point("restore.aside")
        try:
            os.rename(work, folder)
        except OSError:
            os.rename(old / folder.name, folder)  # put the archive back
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


# -- small helpers --------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
