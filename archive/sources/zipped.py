"""``.zip`` archives of saved pages: their members are read in memory, never unpacked to disk
(so a ``../`` or absolute member name can write nothing anywhere), each within a size limit."""

from __future__ import annotations

import lzma
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..models import ClippingsError, too_large


def member_names(path: Path) -> list[str]:
    """The files in the archive (no folders, no macOS resource forks); raises on a bad zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ClippingsError(f"not a readable zip archive: {_first_line(error)}") from None
    return sorted(n for n in names if "__MACOSX/" not in n and not _hidden(n))


def read_member(path: Path, name: str, limit: int) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(name)
            if info.file_size > limit:
                raise too_large(info.file_size, limit)
            with archive.open(info) as member:
                data = member.read(limit + 1)  # a lying size header cannot make it read more
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as error:
        raise ClippingsError(f"can't read it from the zip archive: {_first_line(error)}") from None
    except (RuntimeError, NotImplementedError) as error:  # encrypted; compressed unknowingly
        raise ClippingsError(f"can't read it from the zip archive: {_first_line(error)}") from None
    except (zlib.error, lzma.LZMAError) as error:  # the compressed data is corrupt
        raise ClippingsError(f"corrupt data in the zip archive ({_first_line(error)})") from None
    if len(data) > limit:
        raise too_large(None, limit)
    return data


def _hidden(name: str) -> bool:
    return any(p.startswith(".") and p != ".." for p in PurePosixPath(name).parts)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
