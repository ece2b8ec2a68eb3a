"""What the user points at (files, folders, archives) turned into saved pages to import.

No parsing of HTML here: only which files are pages, of which format, and their bytes. A
container is opened into its pages: a ``.zip`` into its members, a WARC into its HTML
responses, an MHTML file into its HTML part. Each page is a ``Candidate`` (cheap to list and
to send to a worker process); ``read_page`` reads its bytes when its turn comes.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from glob import escape as glob_escape
from pathlib import Path

from ..extract.sniff import HTML_SUFFIXES, TEXT_SUFFIXES, binary_kind, guess_format
from ..models import ClippingsError, RawPage, too_large
from .mhtml import html_of_mhtml
from .saved_from import page_origin
from .warc import html_records as warc_records
from .warc import read_record as read_warc_record
from .zipped import member_names, read_member

MHTML_SUFFIXES = frozenset({".mht", ".mhtml"})

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
    format: str | None  # html | text | mhtml | warc | zip | missing | broken | unknown
    reason: str = ""  # why it is skipped (or broken)
    member: str = ""  # in a zip: the member's name; in a WARC: the record's offset
    assets: str = ""  # a "Webpage, complete" save's Page_files/ folder, kept with the page
    url: str = ""  # the page's address as its sender gave it (an upload), if the page has none
    label: str = ""  # how it is named instead of its path (an upload: not its staging file)

    @property
    def source(self) -> str:
        """How the page is named in reports and in the catalog."""
        if self.label:
            return self.label
        if not self.member:
            return shown(self.path)
        if format_for(self.path) == "warc":
            return f"{shown(self.path)}#offset={self.member}"
        return f"{shown(self.path)}!/{self.member}"


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and printed: a name's bytes that are not UTF-8 (a
    file from another system, ``caf\\xe9.html``) as ``\\xe9`` escapes; ``real_path`` undoes it."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def real_path(text: str) -> Path:
    """The path ``shown`` gave ``text`` for (``--retry-failed`` imports a failure by name)."""
    return Path(_ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), text))


def format_for(path: Path | str) -> str | None:
    name = str(path).lower()
    suffix = Path(name).suffix
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in MHTML_SUFFIXES:
        return "mhtml"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if suffix == ".zip":
        return "zip"
    return None


def candidates(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Candidate]:
    """Every file under ``paths``, in a stable order (folders walked recursively, sorted).

    A file named on the command line is always tried (extraction will say if it is no page);
    inside folders only pages are taken, and a browser's ``Page_files/`` folder is not walked.
    A page comes with its ``Page_files/`` folder whether it is named or met in a walk.
    """
    for given in paths:
        path = Path(given).expanduser().absolute()  # reports and --retry-failed work anywhere
        if not _exists(path) and _exists(real_path(str(path))):
            path = real_path(str(path))  # a name as ``shown`` gave it
        if path.is_dir():
            yield from _walk(path)
            continue
        candidate = candidate_for(path)
        folder = _files_folder(path) if candidate.format == "html" else None
        if folder is not None:  # a "Webpage, complete" save: its page as a walk takes it
            yield replace(candidate, assets=str(folder))
        else:
            yield from _opened(candidate)


def _exists(path: Path) -> bool:
    try:
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):  # a name too long, a NUL in it
        return False


def _opened(candidate: Candidate) -> Iterator[Candidate]:
    """A container's pages (each WARC response, each zip member), else the candidate itself;
    a container that cannot be listed is one broken candidate, with the reason."""
    try:
        yield from _open(candidate)
    except Exception as error:  # a bug or a library's surprise: this file fails, not the import
        detail = (str(error).strip().splitlines() or [""])[0][:120]
        reason = f"unexpected {type(error).__name__}" + (f": {detail}" if detail else "")
        yield Candidate(candidate.path, "broken", reason)


def _open(candidate: Candidate) -> Iterator[Candidate]:
    if candidate.format in ("html", "text", "unknown") and not candidate.member:
        # a WARC or a zip named as a page ("capture.html"): opened as what it is
        candidate = replace(candidate, format=_container(candidate.path) or candidate.format)
    if candidate.format == "warc" and not candidate.member:
        try:
            for offset, is_html in warc_records(candidate.path):
                if is_html:
                    yield Candidate(candidate.path, "warc", member=str(offset))
                else:
                    yield Candidate(candidate.path, None, "not a page", str(offset))
        except ClippingsError as error:
            yield Candidate(candidate.path, "broken", str(error))
    elif candidate.format == "zip" and not candidate.member:
        try:
            names = member_names(candidate.path)
        except ClippingsError as error:
            yield Candidate(candidate.path, "broken", str(error))
            return
        pages = {Path(n).stem for n in names if format_for(n) == "html"}
        for name in names:
            fmt = format_for(name)
            if fmt in ("html", "text", "mhtml"):
                yield Candidate(candidate.path, "zip", member=name)
            elif _in_assets_dir(name, pages):
                continue
            elif fmt in ("warc", "zip"):
                reason = f"a {fmt.upper()} inside a zip: unzip it first"
                yield Candidate(candidate.path, "broken", reason, member=name)
            else:
                yield Candidate(candidate.path, None, _skip_reason(Path(name)), member=name)
    else:
        yield candidate


def _container(path: Path) -> str | None:
    """ "warc" or "zip" when the file's first bytes say it is one, whatever its name (what
    they are: ``extract.sniff``)."""
    try:
        with open(path, "rb") as file:
            head = file.read(16)
            kind = binary_kind(head)
            if kind == "gzip archive":  # a WARC's records are gzipped one by one
                file.seek(0)
                with gzip.open(file) as unzipped:
                    head = unzipped.read(5)
    except (OSError, EOFError, zlib.error):
        return None
    if head.startswith(b"WARC/"):
        return "warc"
    return "zip" if kind == "ZIP archive" else None


def candidate_for(path: Path) -> Candidate:
    """A file named by the user: always tried, its format by name, else by its first bytes."""
    if not _exists(path):
        return Candidate(path, "missing", "no such file or folder")
    return Candidate(path, format_for(path) or "unknown")


def page_candidate(path: Path) -> Candidate:
    """A page file met on its own (a folder watcher's event): with its ``Page_files/`` folder
    when it has one, as a walk of its folder would take it."""
    fmt = format_for(path)
    folder = _files_folder(path) if fmt == "html" else None
    if folder is not None:
        return Candidate(path, fmt, assets=str(folder))
    return Candidate(path, fmt, _skip_reason(path) if fmt is None else "")


def _files_folder(page: Path) -> Path | None:
    """The ``Page_files/`` folder beside a page named on its own, by the walk's rule."""
    name = _files_folder_name(page.stem, lambda name: _is_folder(page.with_name(name)))
    return None if name is None else page.with_name(name)


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a page's name one suffix short of too long: its folder can't be
        return False


def page_of_asset(path: Path) -> Path | None:
    """The page whose ``Page_files/`` folder holds ``path`` (at any depth), if there is one."""
    for folder in path.parents:
        page = page_of_files_folder(folder)
        if page is not None:
            return page
    return None


def page_of_files_folder(folder: Path) -> Path | None:
    """The page whose ``Page_files/`` folder ``folder`` is, if it is one (its page beside it)."""
    stem = _page_of(folder.name)
    if stem:
        for page in folder.parent.glob(glob_escape(stem) + ".*"):
            if page.stem == stem and format_for(page) == "html" and page.is_file():
                return page
    return None


def _walk(root: Path) -> Iterator[Candidate]:
    """The files under ``root``, sorted; symbolic links to folders are not followed (no loops),
    and a folder that cannot be read is one broken candidate."""
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable.append, followlinks=False):
        yield from _unreadable(unreadable)
        here = Path(folder)
        pages = {Path(name).stem for name in files if format_for(Path(name)) == "html"}
        owned = {d for d in dirs if _is_assets_dir(d, pages)}  # not walked: none are pages
        dirs[:] = sorted(d for d in dirs if d not in owned and not d.startswith("."))
        for name in sorted(files):
            path = here / name
            fmt = format_for(path)
            if name.startswith("."):
                continue
            assets = _files_folder_name(path.stem, owned.__contains__) if fmt == "html" else None
            if fmt is None:
                yield Candidate(path, None, _skip_reason(path))
            elif assets is not None:
                yield Candidate(path, fmt, assets=str(here / assets))
            else:
                yield from _opened(Candidate(path, fmt))
    yield from _unreadable(unreadable)


def _unreadable(errors: list[OSError]) -> Iterator[Candidate]:
    for error in errors:
        path = Path(error.filename or "")
        yield Candidate(path, "broken", f"can't read the folder: {error.strerror or error}")
    errors.clear()


def _skip_reason(path: Path) -> str:
    return "not a page" if path.suffix.lower() in ASSET_SUFFIXES else "unknown file type"


def _in_assets_dir(name: str, pages: set[str]) -> bool:
    parts = Path(name).parts
    return any(_is_assets_dir(part, pages) for part in parts[:-1])


_ASSETS_SUFFIXES = ("_files", "-Dateien", "_fichiers", "_archivos", "_file")


def _page_of(assets_dir: str) -> str | None:
    """``Page`` for ``Page_files`` (or ``Page-Dateien`` and other browsers' names)."""
    for suffix in _ASSETS_SUFFIXES:
        if assets_dir.endswith(suffix):
            return assets_dir[: -len(suffix)]
    return None


def _is_assets_dir(name: str, pages: set[str]) -> bool:
    """A page's files folder, beside that page."""
    return _page_of(name) in pages


def _files_folder_name(stem: str, is_folder: Callable[[str], bool]) -> str | None:
    """The one rule that pairs a page with its files folder, whether its folder is walked
    (``is_folder``: among the folders beside it) or it is named alone (``is_folder``: on
    disk): ``Page_files`` for ``Page.html``, or another browser's name for it, the first of
    ``_ASSETS_SUFFIXES`` there when a page has two."""
    for suffix in _ASSETS_SUFFIXES:
        if _page_of(stem + suffix) == stem and is_folder(stem + suffix):
            return stem + suffix
    return None


def read_page(candidate: Candidate) -> RawPage:
    """The bytes of a candidate page; raises :class:`ClippingsError` with the reason."""
    path = candidate.path
    if candidate.format in ("missing", "broken"):
        raise ClippingsError(candidate.reason)
    if candidate.format in ("warc", "zip") and not candidate.member:
        raise ClippingsError(f"a {candidate.format.upper()} holds many pages: import it instead")
    if candidate.format == "warc":
        data, url, saved = read_warc_record(path, int(candidate.member), MAX_PAGE_BYTES)
        return RawPage(data, candidate.source, guess_format(data, ".html"), url, saved)
    if candidate.format == "zip":
        data = read_member(path, candidate.member, MAX_PAGE_BYTES)
        return page_from_bytes(data, candidate.source, Path(candidate.member).suffix)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise too_large(size, MAX_PAGE_BYTES)
        data = path.read_bytes()
    except IsADirectoryError:
        raise ClippingsError("is a folder") from None
    except OSError as error:
        raise ClippingsError(f"can't read it: {error.strerror or error}") from None
    return page_from_bytes(data, candidate.label or shown(path.resolve()), path.suffix)


def page_from_bytes(data: bytes, source: str, suffix: str) -> RawPage:
    """A page from its bytes: MHTML opened, a browser's or SingleFile's header read."""
    if suffix.lower() in MHTML_SUFFIXES or _looks_like_mhtml(data):
        html, url, saved = html_of_mhtml(data)
        return RawPage(html, source, "html", url, saved, original=data)
    fmt = guess_format(data, suffix)
    url, saved = page_origin(data) if fmt == "html" else (None, None)
    return RawPage(data=data, source=source, format=fmt, url=url, saved=saved)


_MIME_START = re.compile(
    rb"(?i)^(from|mime-version|content-type|subject|date|snapshot-content-location|message-id):"
)


def _looks_like_mhtml(data: bytes) -> bool:
    """MIME headers first, and a multipart/related body: an MHTML file whatever its name."""
    head = data[:4096].lstrip()
    return bool(_MIME_START.match(head)) and b"multipart/related" in head.lower()
