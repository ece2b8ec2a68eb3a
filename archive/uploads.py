"""Pages handed over as bytes (a SingleFile upload): staged, imported, and the upload token.

An upload is written to the archive's ``incoming/`` folder first (a temporary name, then
renamed: never half a page under its name), imported from there like any file, with the
address its sender gave when the page names none, and then the staged copy is deleted (the
original is kept in the archive's originals by then). A kill between the two leaves the staged
page, which the next ``receive`` (or ``pending``) imports: an upload answered 201 is never lost.

The token that uploads must carry is made on first use and kept in ``upload-token`` in the
archive, readable by its owner alone.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .extract.sniff import binary_kind
from .models import ClippingsError
from .sources import ASSET_SUFFIXES, MAX_PAGE_BYTES, Candidate, format_for

if TYPE_CHECKING:
    from .models import ImportReport

INCOMING = "incoming"
TOKEN_FILE = "upload-token"
TOKEN_BYTES = 32  # 256 bits: guessing it over HTTP is out of the question
_UNSAFE = re.compile(r"[^\w .()\[\]-]+")
MAX_NAME = 120  # characters of the sender's file name kept in the staged file's name


class NotAPage(ClippingsError):
    """The bytes are no saved page (empty, an image, binary data)."""


class TooLarge(ClippingsError):
    """The page is over the import's size limit."""


@dataclass
class Received:
    """What became of one upload."""

    outcome: str  # imported | version | present | failed
    id: int | None = None
    reason: str = ""


def upload_token(archive: Path, *, new: bool = False) -> str:
    """The archive's upload token (made on first use; ``new`` replaces it)."""
    path = archive / TOKEN_FILE
    if not new:
        try:
            token = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            token = ""
        if token:
            return token
    token = secrets.token_urlsafe(TOKEN_BYTES)
    temporary = path.with_name(f".{TOKEN_FILE}.{secrets.token_hex(4)}")
    # created owner-only (not chmod-ed after: no moment where others could read it)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(token + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return token


def check_page(data: bytes, name: str = "") -> None:
    """Raise ``NotAPage`` or ``TooLarge`` for bytes no import would take, or named ``name`` as
    what a page drags along (``data.json``, ``style.css``: an import skips those too)."""
    if len(data) > MAX_PAGE_BYTES:
        raise TooLarge(f"the page is over {MAX_PAGE_BYTES // 2**20} MB")
    if not data.strip():
        raise NotAPage("the page is empty")
    kind = binary_kind(data)
    if kind in _CONTAINERS:
        raise NotAPage(f"not a saved page ({kind}): import it with 'clippings import'")
    if kind:
        raise NotAPage(f"not a saved page ({kind})")
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix in ASSET_SUFFIXES:
        raise NotAPage(f"not a saved page (a {suffix} file)")


# what holds pages rather than being one: an import opens them (a zip, a WARC)
_CONTAINERS = frozenset({"ZIP archive", "gzip archive"})


def staged_name(name: str) -> str:
    """A safe file name for a staged upload named ``name`` by its sender (no folders, no
    control characters), keeping a page's suffix so its format is read as for a file."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")[:MAX_NAME]
    if format_for(base) is None:
        base = f"{base or 'page'}.html"
    return f"{secrets.token_hex(6)}-{base}"


def stage(archive: Path, data: bytes, name: str) -> Path:
    """Write ``data`` into ``incoming/`` under a new name, whole or not at all."""
    folder = archive / INCOMING
    folder.mkdir(exist_ok=True)
    final = folder / staged_name(name)
    temporary = folder / f".{final.name}.part"
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, final)
    return final


def candidate(path: Path, *, url: str = "", label: str = "") -> Candidate:
    """The import candidate of a staged page: named ``label`` in the catalog."""
    return Candidate(path, format_for(path), url=url, label=label or path.name.split("-", 1)[-1])


def pending(archive: Path) -> list[Path]:
    """Staged pages a kill left unimported (and temporary files it left, deleted)."""
    folder = archive / INCOMING
    if not folder.is_dir():
        return []
    staged = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            path.unlink(missing_ok=True)
        elif path.is_file():
            staged.append(path)
    return staged


def outcome(report: ImportReport) -> Received:
    """What the import of one staged page did."""
    if report.failed:
        return Received("failed", reason=report.failed[0].reason)
    if report.imported:
        return Received("version" if report.versions else "imported", report.imported[0])
    if report.skipped:
        return Received("failed", reason="not a saved page")
    return Received("present")
