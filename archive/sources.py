"""What the user points at (files and folders) turned into saved pages to import.

No parsing of HTML here: only which files are pages, of which format, and their bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .extract.sniff import HTML_SUFFIXES, TEXT_SUFFIXES, guess_format
from .models import ClippingsError, RawPage

# Files a saved page drags along: skipped quietly when met inside a folder.
ASSET_SUFFIXES = {
    ".css", ".js", ".mjs", ".map", ".json", ".xml", ".svg", ".png", ".jpg", ".jpeg", ".gif",
    ".webp", ".avif", ".ico", ".bmp", ".tif", ".tiff", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".mp3", ".mp4", ".webm", ".ogg", ".wav", ".pdf", ".ds_store", ".db", ".ini",
}  # fmt: skip
MAX_PAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """A file to import. ``format`` is what its name says (``html``, ``text``, ``unknown``);
    ``None`` means skip it. The bytes have the last word (see ``read_page``)."""

    path: Path
    format: str | None
    reason: str = ""  # why it is skipped


def format_for(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def candidates(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Candidate]:
    """Every file under ``paths``, in a stable order (folders walked recursively, sorted).

    A file named on the command line is always tried (extraction will say if it is no page);
    inside folders only pages are taken, and a browser's ``Page_files/`` folder is not walked.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield candidate_for(path)


def candidate_for(path: Path) -> Candidate:
    """A file named by the user: always tried, its format by name, else by its first bytes."""
    if not (path.exists() or path.is_symlink()):
        return Candidate(path, "missing", "no such file or folder")
    return Candidate(path, format_for(path) or "unknown")


def _walk(root: Path) -> Iterator[Candidate]:
    for folder, dirs, files in os.walk(root, onerror=None, followlinks=False):
        here = Path(folder)
        pages = {Path(name).stem for name in files if format_for(Path(name)) == "html"}
        dirs[:] = sorted(d for d in dirs if not _is_assets_dir(d, pages) and not d.startswith("."))
        for name in sorted(files):
            path = here / name
            fmt = format_for(path)
            if name.startswith("."):
                continue
            if fmt is None:
                known_asset = path.suffix.lower() in ASSET_SUFFIXES
                yield Candidate(path, None, "not a page" if known_asset else "unknown file type")
            else:
                yield Candidate(path, fmt)


def _is_assets_dir(name: str, pages: set[str]) -> bool:
    """``Page_files`` (or ``Page-Dateien`` and other browsers' names) beside ``Page.html``."""
    for suffix in ("_files", "-Dateien", "_fichiers", "_archivos", "_file"):
        if name.endswith(suffix) and name[: -len(suffix)] in pages:
            return True
    return False


def read_page(candidate: Candidate) -> RawPage:
    """The bytes of a candidate file; raises :class:`ClippingsError` with the reason."""
    path = candidate.path
    if candidate.format == "missing":
        raise ClippingsError(candidate.reason)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise ClippingsError(f"too large for a saved page ({size // 2**20} MB)")
        data = path.read_bytes()
    except IsADirectoryError:
        raise ClippingsError("is a folder") from None
    except OSError as error:
        raise ClippingsError(f"can't read it: {error.strerror or error}") from None
    fmt = guess_format(data, path.suffix)
    return RawPage(data=data, source=str(path.resolve()), format=fmt)
