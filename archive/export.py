"""``clippings export``: every clipping written out as files a person or a program can read.

Layout of an export folder (``DEST``)::

    clippings-export.json          what this folder is: format, time, how many clippings
    index.md | index.html          markdown and html: every clipping, linked, oldest first
    clippings/0012-harbour-cranes-return.md    one file per clipping (id, then a slug of the
                                               title): Markdown with YAML front matter, or a
                                               standalone HTML page
    clippings.jsonl                json: one JSON object per line, per clipping, oldest first
    originals/0012-harbour-cranes-return.html  --with-originals: each saved page byte for byte
    originals/0016-tide-tables/Tide tables.html          a "Webpage, complete" save in a folder
    originals/0016-tide-tables/Tide tables_files/...     of its own, its files beside it

Every clipping is exported, the other saves of a page too (``superseded_by`` names the save
shown: the newest, unless it is one in which no article was found). Page text is untrusted:
HTML output escapes it (the article's Markdown is rendered with raw HTML off and unsafe links
dropped) and each page forbids scripts and remote loads.

The export is written into a temporary folder beside ``DEST`` and moved into place when it is
complete. ``DEST`` may be missing, an empty folder, or an earlier export (which is replaced);
any other folder is left alone.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .models import WHOLE_PAGE, Clipping, ClippingsError, dek, now_iso
from .sources import HTML_SUFFIXES, MHTML_SUFFIXES, TEXT_SUFFIXES
from .sources.assets import unpack as unpack_assets
from .store import sha256_of

if TYPE_CHECKING:
    from .api import Archive

FORMATS = ("markdown", "html", "json")
MANIFEST = "clippings-export.json"
EXPORT_VERSION = 1
SLUG_MAX = 60  # characters of the title kept in a file name

_EXTENSIONS = {"markdown": ".md", "html": ".html"}
_BATCH = 200  # clippings read from the catalog at a time


class ExportError(ClippingsError):
    """The export could not be written (the message names the folder and the reason)."""


@dataclass
class ExportReport:
    """What an export wrote: where, in which format, how many clippings and originals."""

    path: Path
    format: str
    clippings: int = 0
    originals: int = 0
    index: str = ""  # the index file, relative to ``path`` ("" for json)
    replaced: bool = False  # an earlier export was there and was replaced
    problems: list[str] = field(default_factory=list)  # originals missing or damaged

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "clippings": self.clippings,
            "originals": self.originals,
            "index": self.index,
            "replaced": self.replaced,
            "problems": list(self.problems),
        }


@dataclass
class _Entry:
    """One clipping as exported: the clipping, its file names, what the catalog adds."""

    clipping: Clipping
    stem: str  # "0012-harbour-cranes-return"
    superseded_by: int | None
    assets_sha256: str | None
    original: str | None = None  # relative to the export folder, with --with-originals
    assets: str | None = None


def export_archive(
    archive: Archive,
    dest: str | os.PathLike[str],
    fmt: str = "markdown",
    *,
    with_originals: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write every clipping of ``archive`` to the folder ``dest`` as ``fmt`` (``markdown``,
    ``html`` or ``json``); with ``with_originals`` the saved pages too. Raises ``ExportError``
    when ``dest`` can't be written (nothing is left behind then)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    dest = Path(dest).expanduser().absolute()
    replaced = _check_destination(dest)
    report = ExportReport(dest, fmt, replaced=replaced)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = new_folder(dest.parent, f".{dest.name}.export-")
    except OSError as error:
        raise ExportError(f"can't export to {dest}: {_reason(error)}") from None
    try:
        with archive.catalog.snapshot():  # one consistent view, even while an import writes
            entries = _entries(archive)
            total = len(entries)
            clippings = work / "clippings"
            if fmt != "json":
                clippings.mkdir()
            jsonl = (
                (work / "clippings.jsonl").open("w", encoding="utf-8") if fmt == "json" else None
            )
            with jsonl or contextlib.nullcontext():
                for done, entry in enumerate(_with_bodies(archive, entries), 1):
                    if with_originals:
                        _write_original(archive, entry, work, report)
                    if jsonl is not None:
                        jsonl.write(json.dumps(_json(entry), ensure_ascii=False) + "\n")
                    else:
                        name = entry.stem + _EXTENSIONS[fmt]
                        page = _markdown(entry) if fmt == "markdown" else _html(entry)
                        (clippings / name).write_text(page, encoding="utf-8")
                    report.clippings += 1
                    if progress:
                        progress(done, total)
        if fmt == "markdown":
            report.index = "index.md"
            (work / report.index).write_text(_markdown_index(entries), encoding="utf-8")
        elif fmt == "html":
            report.index = "index.html"
            (work / report.index).write_text(_html_index(entries), encoding="utf-8")
        manifest = {
            "kind": "clippings-export",
            "version": EXPORT_VERSION,
            "format": fmt,
            "exported": now_iso(),
            "clippings": report.clippings,
            "with_originals": with_originals,
            "index": report.index or "clippings.jsonl",
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _move_into_place(work, dest)
    except OSError as error:
        raise ExportError(f"can't export to {dest}: {_reason(error)}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


# -- the destination ------------------------------------------------------------------------


def is_export(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier export (its manifest says so)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("kind") == "clippings-export"


def file_in_the_way(path: Path) -> Path | None:
    """The nearest existing parent of ``path`` when it is a file, not a folder."""
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def _check_destination(dest: Path) -> bool:
    """Raise unless ``dest`` may be written; True when it is an earlier export to replace."""
    blocking = file_in_the_way(dest)
    if blocking is not None:
        raise ExportError(f"can't export to {dest}: {blocking} is a file, not a folder")
    try:
        if not dest.exists():
            return False
        if not dest.is_dir():
            raise ExportError(f"can't export to {dest}: it exists and is not a folder")
        if not any(dest.iterdir()):
            return False
    except OSError as error:
        raise ExportError(f"can't export to {dest}: {_reason(error)}") from None
    if is_export(dest):
        return True
    raise ExportError(
        f"can't export to {dest}: the folder is not empty (choose a new or empty folder, "
        "or an earlier export, which is replaced)"
    )


def _move_into_place(work: Path, dest: Path) -> None:
    """Rename the finished export to ``dest``; an earlier export there goes only after."""
    if dest.is_dir() and not any(dest.iterdir()):
        dest.rmdir()
    if not dest.exists():
        os.rename(work, dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
    os.rename(dest, old / dest.name)
    try:
        os.rename(work, dest)
    except OSError:
        os.rename(old / dest.name, dest)  # put the earlier export back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def new_folder(parent: Path, prefix: str) -> Path:
    """A new folder of a unique name in ``parent``, with the usual permissions (the umask's,
    not ``mkdtemp``'s owner-only ones: it becomes the user's folder)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# -- what is exported -----------------------------------------------------------------------


def _entries(archive: Archive) -> list[_Entry]:
    """Every clipping (every version) in id order, with its file stem; bodies not read yet."""
    rows = archive.catalog.db.execute(
        "SELECT id, superseded_by, assets_sha256 FROM clippings ORDER BY id"
    ).fetchall()
    width = max(4, len(str(rows[-1][0]))) if rows else 4
    listed = {c.id: c for c in archive.catalog.get_many([r[0] for r in rows], body=False)}
    entries = []
    for clipping_id, superseded_by, assets in rows:
        clipping = listed[clipping_id]
        stem = f"{clipping_id:0{width}d}-{slug(clipping.title)}"
        entries.append(_Entry(clipping, stem, superseded_by, assets))
    return entries


def _with_bodies(archive: Archive, entries: list[_Entry]) -> Iterator[_Entry]:
    """The entries again, each with its clipping's text and Markdown (read in batches)."""
    for start in range(0, len(entries), _BATCH):
        batch = entries[start : start + _BATCH]
        full = {c.id: c for c in archive.catalog.get_many([e.clipping.id for e in batch])}
        for entry in batch:
            entry.clipping = full[entry.clipping.id]
            yield entry
            entry.clipping = _without_body(entry.clipping)  # memory stays bounded


def _without_body(clipping: Clipping) -> Clipping:
    clipping.text = clipping.markdown = ""
    return clipping


def slug(title: str) -> str:
    """A file-name-safe slug of ``title``: lower case, accents dropped, words joined by
    hyphens, at most ``SLUG_MAX`` characters ("untitled" when nothing is left)."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = unicodedata.normalize(
        "NFC", "".join(c for c in folded if not unicodedata.combining(c))
    )
    words = re.findall(r"[^\W_]+", folded)
    text = "-".join(words)[:SLUG_MAX].strip("-")
    return text or "untitled"


def original_suffix(clipping: Clipping) -> str:
    """The suffix the saved page is written with: its own when it names a page type, else
    from what it holds (a WARC record or a zip member: ``.html`` or ``.txt``)."""
    name = clipping.source.rsplit("!/", 1)[-1].split("#", 1)[0]
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES or suffix in MHTML_SUFFIXES:
        return suffix
    return ".txt" if clipping.format == "text" else ".html"


def _write_original(archive: Archive, entry: _Entry, work: Path, report: ExportReport) -> None:
    """The saved page as ``originals/<stem><suffix>``; a "Webpage, complete" save in a folder
    of its own, ``originals/<stem>/<its name>`` beside its files folder, so that it opens
    with its images as it did when saved."""
    clipping = entry.clipping
    folder = work / "originals"
    name = entry.stem + original_suffix(clipping)
    if entry.assets_sha256:
        folder = folder / entry.stem
        own = Path(clipping.source.rsplit("!/", 1)[-1]).name
        name = own if own not in ("", ".", "..") else name
    folder.mkdir(parents=True, exist_ok=True)
    try:
        data = archive.originals.read(clipping.sha256)
    except FileNotFoundError:
        report.problems.append(f"clipping {clipping.id}: its original is missing")
        return
    if sha256_of(data) != clipping.sha256:
        report.problems.append(f"clipping {clipping.id}: its original is damaged (written as is)")
    (folder / name).write_bytes(data)
    entry.original = (folder / name).relative_to(work).as_posix()
    report.originals += 1
    if entry.assets_sha256:
        try:
            packed = archive.originals.read(entry.assets_sha256)
        except FileNotFoundError:
            report.problems.append(f"clipping {clipping.id}: its files folder is missing")
            return
        files = folder / f"{Path(name).stem}_files"  # where the page looks for them
        unpack_assets(packed, files)
        entry.assets = files.relative_to(work).as_posix()


def _fields(entry: _Entry) -> dict[str, Any]:
    """The clipping's metadata, tags and note, in a stable order (no body)."""
    c = entry.clipping
    data: dict[str, Any] = {
        "id": c.id,
        "title": c.title,
        "titles": list(c.titles),
        "author": c.author,
        "site": c.site,
        "section": c.section,
        "url": c.url,
        "published": c.published,
        "saved": c.saved,
        "language": c.language,
        "description": c.description,
        "keywords": list(c.keywords),
        "tags": list(c.tags),
        "note": c.note,
        "source": c.source,
        "format": c.format,
        "whole_page": c.whole_page,
        "sha256": c.sha256,
        "superseded_by": entry.superseded_by,
    }
    if entry.original:
        data["original"] = entry.original
    if entry.assets:
        data["original_files"] = entry.assets
    return data


# -- json -----------------------------------------------------------------------------------


def _json(entry: _Entry) -> dict[str, Any]:
    return {**_fields(entry), "text": entry.clipping.text, "markdown": entry.clipping.markdown}


# -- markdown -------------------------------------------------------------------------------


def _yaml_value(value: object) -> str:
    """A YAML 1.2 value written as JSON (a subset of YAML): strings double-quoted."""
    text = json.dumps(value, ensure_ascii=False)
    # characters some YAML readers take for line breaks, escaped as JSON allows
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def _markdown(entry: _Entry) -> str:
    c = entry.clipping
    fields = _fields(entry)
    if entry.original:
        fields["original"] = f"../{entry.original}"
    if entry.assets:
        fields["original_files"] = f"../{entry.assets}"
    lines = ["---", *(f"{key}: {_yaml_value(value)}" for key, value in fields.items()), "---"]
    lines += ["", f"# {_md_escape(c.title) or '(untitled)'}", ""]
    if description := dek(c):
        lines += [f"> {_md_escape(description)}", ""]
    lines.append((c.markdown or c.text).strip())
    return "\n".join(lines).rstrip() + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#!])")


def _md_escape(text: str) -> str:
    """One line of text as Markdown that reads as that text (no links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _markdown_index(entries: list[_Entry]) -> str:
    lines = ["# Clippings", "", f"{len(entries)} clippings, exported {now_iso()}.", ""]
    for entry in entries:
        c = entry.clipping
        title = _md_escape(c.title) or "(untitled)"
        about = [_md_escape(part) for part in (c.site, _when(c)) if part]
        if c.tags:
            about.append("tags: " + ", ".join(_md_escape(t) for t in c.tags))
        if entry.superseded_by:
            about.append(f"another save of #{entry.superseded_by}, the one shown")
        line = f"- #{c.id} [{title}]({quote(f'clippings/{entry.stem}.md')})"
        if about:
            line += " · " + " · ".join(about)
        if entry.original:
            line += f" · [saved page]({quote(entry.original)})"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _when(clipping: Clipping) -> str:
    return (clipping.published or clipping.saved or "")[:10]


# -- html -----------------------------------------------------------------------------------

# nothing runs and nothing is fetched: no scripts, no remote images, fonts or frames
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body { max-width: 42em; margin: 2em auto; padding: 0 1em; font: 17px/1.55 Georgia, serif;
       color: #222; background: #fdfdfb; }
h1 { line-height: 1.2; }
.dek { font-style: italic; color: #555; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em;
          font: 14px/1.4 system-ui, sans-serif; color: #555; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 0 .5em; margin-right: .3em; border-radius: .6em;
       background: #eee; }
.note { border-left: 3px solid #c90; padding: .2em 1em; background: #fff8e6;
        white-space: pre-wrap; }
nav, table { font: 14px/1.4 system-ui, sans-serif; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; color: #444; }
pre { overflow-x: auto; }
"""

_SAFE_LINK = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _href(path: str) -> str:
    """A relative link to an exported file, percent-encoded and escaped."""
    return _e(quote(path))


def _page(title: str, body: str, *, lang: str = "") -> str:
    lang_attr = f' lang="{_e(lang)}"' if lang else ""
    return (
        f'<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def _article_html(markdown: str) -> str:
    """The article's Markdown as HTML, with any HTML in it shown as text and links only to
    the web (``javascript:`` and the like dropped by the parser)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    return parser.render(markdown)


def _link(url: str) -> str:
    if _SAFE_LINK.match(url):
        return f'<a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>'
    return _e(url)


def _html(entry: _Entry) -> str:
    c = entry.clipping
    meta: list[tuple[str, str]] = [
        ("Author", _e(c.author)),
        ("Site", _e(c.site)),
        ("Section", _e(c.section)),
        ("Published", _e(c.published)),
        ("Saved", _e(c.saved)),
        ("URL", _link(c.url) if c.url else ""),
        ("Language", _e(c.language)),
        ("Tags", "".join(f'<span class="tag">{_e(t)}</span>' for t in c.tags)),
        ("Keywords", _e(", ".join(c.keywords))),
        ("Source", _e(c.source)),
        ("SHA-256", f"<code>{_e(c.sha256)}</code>"),
    ]
    if entry.original:
        link = f'<a href="{_href("../" + entry.original)}">{_e(entry.original)}</a>'
        meta.append(("Saved page", link))
    if entry.superseded_by:
        meta.append(("Version shown", f"#{entry.superseded_by}"))
    if c.whole_page:
        meta.append(("Kept", _e(WHOLE_PAGE)))
    parts = ['<nav><a href="../index.html">All clippings</a></nav>\n<article>\n<header>\n']
    parts.append(f'<h1 id="clipping-{c.id}">{_e(c.title) or "(untitled)"}</h1>\n')
    if description := dek(c):
        parts.append(f'<p class="dek">{_e(description)}</p>\n')
    parts.append('<dl class="meta">\n')
    parts += [f"<dt>{name}</dt><dd>{value}</dd>\n" for name, value in meta if value]
    parts.append("</dl>\n")
    if c.note:
        parts.append(f'<aside class="note"><strong>Note</strong>\n{_e(c.note)}</aside>\n')
    parts.append("</header>\n")
    parts.append(_article_html(c.markdown or c.text))
    parts.append("</article>\n")
    return _page(c.title or "(untitled)", "".join(parts), lang=c.language)


def _html_index(entries: list[_Entry]) -> str:
    rows = []
    for entry in entries:
        c = entry.clipping
        page = _href(f"clippings/{entry.stem}.html")
        title = f'<a href="{page}">{_e(c.title) or "(untitled)"}</a>'
        if entry.superseded_by:
            title += f" <small>(another save of #{entry.superseded_by})</small>"
        if entry.original:
            title += f' <small><a href="{_href(entry.original)}">saved page</a></small>'
        tags = "".join(f'<span class="tag">{_e(t)}</span>' for t in c.tags)
        rows.append(
            f"<tr><td>{c.id}</td><td>{title}</td><td>{_e(c.site)}</td>"
            f"<td>{_e(_when(c))}</td><td>{tags}</td></tr>\n"
        )
    body = (
        f"<h1>Clippings</h1>\n<p>{len(entries)} clippings, exported {_e(now_iso())}.</p>\n"
        "<table>\n<thead><tr><th>#</th><th>title</th><th>site</th><th>date</th><th>tags</th>"
        "</tr></thead>\n<tbody>\n" + "".join(rows) + "</tbody>\n</table>\n"
    )
    return _page("Clippings", body)
