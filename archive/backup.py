"""``clippings backup`` and ``clippings restore``: the whole archive as one file, and back.

A backup is a zip file::

    clippings-backup.json      what it is: format version, time, counts, the catalog's SHA-256
    catalog.sqlite3            the catalog, copied with SQLite's online backup API: consistent
                               even while another process imports, tags or deletes
    originals/ab/cdef0123...   every original, byte for byte, under its SHA-256 (as stored)

The index is left out: it is derived, and a restore rebuilds it from the catalog. A backup is
written to a temporary file beside its target and renamed when complete, so a backup file is
whole or absent; an earlier backup at the same name is replaced, any other file refused.

A restore reads nothing it has not checked: every entry's name must be one a backup writes
(no path can leave the archive folder), each original must match its hash, the catalog its
recorded hash and SQLite's integrity check, and every clipping must have its original. It is
unpacked into a temporary folder beside the archive and renamed into place only when the index
is rebuilt; an archive already there is replaced only when asked (``force``).
"""

from __future__ import annotations

import contextlib
import hashlib
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
from .crashpoints import crash_point
from .export import file_in_the_way, new_folder
from .location import ARCHIVE_ENTRIES
from .models import ClippingsError, now_iso
from .store import SCHEMA_VERSION, exclusive_lock
from .uploads import TOKEN_FILE

MANIFEST = "clippings-backup.json"
CATALOG = "catalog.sqlite3"
BACKUP_KIND = "clippings-backup"
BACKUP_VERSION = 1
DATED_PREFIX = "clippings-backup-"  # a backup into a folder: clippings-backup-<time>.zip
ATTEMPTS = 3  # snapshots taken when originals vanish meanwhile (a clipping deleted)

_ORIGINAL = re.compile(r"originals/([0-9a-f]{2})/([0-9a-f]{62})")
_CHUNK = 1 << 20
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "clippings": self.clippings,
            "versions": self.versions,
            "originals": self.originals,
            "size": self.size,
            "missing_originals": list(self.missing),
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
    missing: list[str] = field(default_factory=list)  # originals the backup says were lost

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
        }


# -- backup ---------------------------------------------------------------------------------


def create_backup(folder: str | os.PathLike[str], file: str | os.PathLike[str]) -> BackupReport:
    """Write the archive in ``folder`` to the backup file ``file`` (a folder: a file named
    ``clippings-backup-<time>.zip`` in it). Safe while the archive is in use."""
    folder = Path(folder).expanduser()
    catalog = folder / CATALOG
    if not catalog.is_file():
        raise BackupError(f"no archive in {folder} (no {CATALOG})")
    target = _backup_target(Path(file).expanduser().absolute())
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
            os.replace(partial, target)
            _sync_folder(target.parent)
            report.size = target.stat().st_size
            return report
        except OSError as error:
            raise BackupError(f"can't write {target}: {_reason(error)}") from None
        except sqlite3.Error as error:
            raise BackupError(f"can't read the catalog {catalog}: {error}") from None
        finally:
            partial.unlink(missing_ok=True)
    raise AssertionError("unreachable")  # the last attempt writes whatever it finds


def _sweep_backup_leftovers(target: Path) -> None:
    """The temporary files of killed backups beside ``target`` (to the same name, or dated
    ones into the same folder), deleted once they are a day old."""
    for name in {target.name, f"{DATED_PREFIX}*.zip"}:
        for kind in ("partial", "scratch"):
            aside.sweep(target.parent, f".{name}.*.{kind}")


def _backup_target(path: Path) -> Path:
    """Where the backup goes; raises for an existing file that is not a backup."""
    if path.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return path / f"{DATED_PREFIX}{stamp}.zip"
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
            needed = {
                row[0]
                for row in db.execute(
                    "SELECT sha256 FROM clippings UNION "
                    "SELECT assets_sha256 FROM clippings WHERE assets_sha256 IS NOT NULL"
                )
            }
            report.versions = db.execute("SELECT count(*) FROM clippings").fetchone()[0]
            report.clippings = db.execute(
                "SELECT count(*) FROM clippings WHERE superseded_by IS NULL"
            ).fetchone()[0]
        stored = _stored_originals(folder / "originals")
        if needed - stored.keys() and not last:
            return None
        written: set[str] = set()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(snapshot, CATALOG)
            for sha, path in sorted(stored.items()):
                try:
                    archive.write(path, f"originals/{sha[:2]}/{sha[2:]}")
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
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return report


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
    try:
        archive = zipfile.ZipFile(file)
    except FileNotFoundError:
        raise BackupError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{file}: is a folder, not a backup file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise BackupError(f"{file}: not a Clippings backup (not a zip file)") from None
    except OSError as error:
        raise BackupError(f"{file}: can't read it: {_reason(error)}") from None
    with archive:
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
    """Write the catalog and the originals under ``work``, each checked against its hash."""
    catalog = work / CATALOG
    try:
        digest = _extract(archive, CATALOG, catalog)
        if manifest.get("catalog_sha256") not in (None, digest):
            raise BackupError(f"{file}: damaged (the catalog does not match its hash)")
        for info in archive.infolist():
            match = _ORIGINAL.fullmatch(info.filename)
            if not match:
                continue
            target = work / "originals" / match[1] / match[2]  # made from the hex digits only
            target.parent.mkdir(parents=True, exist_ok=True)
            if _extract(archive, info.filename, target) != match[1] + match[2]:
                raise BackupError(
                    f"{file}: damaged (original {match[1] + match[2]} does not match its hash)"
                )
            os.chmod(target, 0o444)
            report.originals += 1
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise BackupError(f"{file}: damaged ({_first_line(error)})") from None
    _check_catalog(catalog, work / "originals", file, manifest, report)


def _extract(archive: zipfile.ZipFile, name: str, target: Path) -> str:
    """Copy one entry to ``target`` (zip checks its CRC); returns its SHA-256."""
    digest = hashlib.sha256()
    with archive.open(name) as source, target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_catalog(
    catalog: Path, originals: Path, file: Path, manifest: dict[str, Any], report: RestoreReport
) -> None:
    allowed_missing = set(manifest.get("missing_originals") or [])
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
        if (originals / sha[:2] / sha[2:]).is_file():
            continue
        if sha not in allowed_missing:
            raise BackupError(
                f"{file}: incomplete (the original of clipping {clipping_id} is not in it)"
            )
        report.missing.append(sha)


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
