"""A "Webpage, complete" save's ``Page_files/`` folder, packed into one zip to be stored beside
the page (content-addressed like every original), and unpacked again for a browser.

The zip is deterministic (sorted names, fixed times), so the same folder is stored once.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path, PurePosixPath

from ..models import ClippingsError

MAX_ASSETS_BYTES = 256 * 2**20
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def pack(folder: Path) -> bytes:
    """The folder's files (symlinks not followed, unreadable ones left out) as a zip; raises
    if it is too large."""
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                if path.is_symlink() or not path.is_file():
                    continue
                try:
                    data = path.read_bytes()
                except OSError:  # an image that can't be read costs the page nothing
                    continue
                total += len(data)
                if total > MAX_ASSETS_BYTES:
                    raise ClippingsError(f"its files folder is over {MAX_ASSETS_BYTES // 2**20} MB")
                name = os.fsencode(path.relative_to(folder)).decode("utf-8", "backslashreplace")
                info = zipfile.ZipInfo(name.replace(os.sep, "/"), _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    return buffer.getvalue()


def is_packed(data: bytes) -> bool:
    """Whether ``data`` is a files folder as ``pack`` makes it (a zip whose every entry has
    its fixed time): an original that is no page, though a zip of pages would be read as one."""
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return bool(infos) and all(info.date_time == _FIXED_TIME for info in infos)


def count(data: bytes) -> int:
    """How many files a packed folder holds."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(not info.is_dir() for info in archive.infolist())


def unpack(data: bytes, into: Path) -> None:
    """Write the packed files under ``into`` (names that would leave it are skipped)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or not parts or ".." in parts or info.filename.startswith("/"):
                continue
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
