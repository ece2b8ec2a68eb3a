"""Page text never drives the terminal: every command that prints it, on hostile pages.

A saved page carries escape sequences (CSI, OSC titles, OSC 52, OSC 8, DCS, APC, 8-bit C1
controls, bells, backspaces, carriage returns, bidi overrides) and Rich/Textual markup in every
field, and file names carry them too; a second clipping has them written straight into the
catalog, uncleaned, since the display must be safe on its own. Each command's output may hold
text, tab and newline only, the markup shows as the literal text it is, and ``--json`` gives the
very same data with those characters escaped.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from archive import render
from archive.api import Archive
from archive.cli import cli
from archive.models import Clipping, Hit
from archive.sources import shown

from .hostile import (
    ESCAPES,
    MARKUP,
    PAGE_FILE,
    SAVED_NAME,
    SAVED_RUN,
    UNDECODABLE_FILE_NAME,
    assert_inert,
    forbidden,
    hostile,
    hostile_file_name,
    hostile_values,
    write_hostile_values,
    write_saved_pages,
)


@dataclass
class Hostile:
    folder: Path  # the archive, in a folder whose name has markup and escapes
    saved: Path  # the pages imported
    imported: Result  # `clippings import saved/`
    page_id: int  # the hostile page, imported (and cleaned by extraction)
    raw_id: int  # a clipping with hostile values written straight into the catalog


def invoke(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """``clippings --archive FOLDER ARGS`` on a wide terminal-less console."""
    runner = CliRunner(env={"COLUMNS": "2000", **(env or {})})
    return runner.invoke(cli, ["--archive", str(folder), *args], catch_exceptions=False)


def output(result: Result) -> str:
    """Everything a command wrote, stdout and stderr, checked to be inert."""
    text = result.stdout + result.stderr
    assert_inert(text)
    return text


@pytest.fixture(scope="module")
def archive_of_hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    saved = root / "saved"
    write_saved_pages(saved)
    folder = root / hostile_file_name("")
    imported = invoke(folder, "import", str(saved))
    with Archive.open(folder) as archive:
        [page_id] = [c.id for c in archive.clippings() if MARKUP["title"] in c.title][:1]
        write_hostile_values(archive, 1)  # the bundled sample becomes the raw one
    return Hostile(folder, saved, imported, page_id, 1)


@pytest.fixture
def hostile_archive(archive_of_hostile_pages: Hostile) -> Hostile:
    return archive_of_hostile_pages


def named(suffix: str) -> str:
    """The hostile file name as a line about its file shows it: each control written out
    (``\\x1b[2J``), so that the name can be found, never acted on."""
    shown_name = render.safe_name(hostile_file_name(suffix))
    assert not forbidden(shown_name)
    return shown_name


def clipping(folder: Path, clipping_id: int) -> Clipping:
    with Archive.open(folder) as archive:
        return archive.get(clipping_id)


# -- import: the lines about files quote their names -------------------------------------------


def test_import_lines_quote_file_names_inertly(hostile_archive: Hostile) -> None:
    result = hostile_archive.imported
    text = output(result)
    assert result.exit_code == 1  # the PNG and the empty file failed
    failed = [line for line in text.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 2
    assert any(f"{named('.html')}: binary data" in line for line in failed)
    assert any("empty latin1 \\x9b2J \\xe9t\\xe9.html: empty file" in line for line in failed)
    assert f"skipped, unknown type: {hostile_archive.saved}/{named('.xyz')}" in text
    assert re.search(rf"near-duplicate: .*{re.escape(named('.htm'))} \(#\d+\)", text)
    assert "imported 3," in text  # the Latin-1 named page is in (its name's bytes as \\xNN)
    latin1 = [c for c in Archive(hostile_archive.folder).clippings() if "Latin-1" in c.title]
    assert latin1 and latin1[0].source.endswith("latin1 \\x9b2J \\xe9t\\xe9.html")


@pytest.mark.parametrize("flag", ["--json", "--events"])
def test_import_json_escapes_file_names(hostile_archive: Hostile, flag: str) -> None:
    result = invoke(hostile_archive.folder, "import", flag, str(hostile_archive.saved))
    lines = [json.loads(line) for line in output(result).splitlines()]
    summary = lines[-1]
    assert summary["unknown"] == [str(hostile_archive.saved / hostile_file_name(".xyz"))]
    sources = {failure["source"] for failure in summary["failed"]}
    assert str(hostile_archive.saved / hostile_file_name(".html")) in sources  # escapes and all
    assert shown(os.fsencode(hostile_archive.saved) + b"/empty " + UNDECODABLE_FILE_NAME) in (
        sources
    )  # the name's undecodable bytes as \\xNN escapes (which --retry-failed reads back)
    if flag == "--events":
        paths = {line["path"] for line in lines[:-1]}
        assert str(hostile_archive.saved / hostile_file_name(".htm")) in paths


def test_retry_failed_reports_inertly(hostile_archive: Hostile, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(hostile_archive.folder, folder)
    text = output(invoke(folder, "import", "--retry-failed"))
    assert f"{named('.html')}: binary data" in text


# -- every command that prints page text ------------------------------------------------------

RAW = "raw"  # the clipping written straight into the catalog
PAGE = "page"  # the hostile page as imported

# (arguments, which clipping, the markup each must show literally)
COMMANDS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    (("search", "gardens"), RAW, ("title", "author", "site", "section")),
    (("search", "gardens", "-n", "50"), PAGE, ("title", "site")),
    (("search", "compost", "--sort", "newest"), PAGE, ("title",)),
    (("search", "gardens", "--facets"), RAW, ("site", "tag")),
    (("show", "{id}"), RAW, ("title", "author", "site", "section", "url", "tag", "description")),
    (("show", "{id}"), PAGE, ("title", "site", "section", "description", "body")),
    (("show", "--format", "markdown", "{id}"), RAW, ("title", "author", "url", "tag", "body")),
    (("show", "--format", "markdown", "{id}"), PAGE, ("title", "site")),
    (("list",), RAW, ("title", "site")),
    (("list",), PAGE, ("title", "site")),
    (("similar", "{id}"), PAGE, ()),
    (("versions", "{id}"), RAW, ("title",)),
    (("note", "{id}"), RAW, ("note",)),
    (("tag", "{id}"), RAW, ("tag",)),
    (("saved", "list"), RAW, ()),
    (("saved", "run", SAVED_RUN), RAW, ("title", "author", "site")),
    (("check",), RAW, ()),
    (("extract", "{saved}/" + PAGE_FILE), PAGE, ()),
    (("extract", "--format", "markdown", "{saved}/" + PAGE_FILE), PAGE, ("site",)),
]


def _args(hostile_archive: Hostile, args: tuple[str, ...], which: str) -> list[str]:
    clipping_id = hostile_archive.raw_id if which == RAW else hostile_archive.page_id
    return [a.format(id=clipping_id, saved=hostile_archive.saved) for a in args]


@pytest.mark.parametrize(("args", "which", "shown"), COMMANDS, ids=lambda v: str(v))
def test_commands_print_page_text_inertly(
    hostile_archive: Hostile, args: tuple[str, ...], which: str, shown: tuple[str, ...]
) -> None:
    result = invoke(hostile_archive.folder, *_args(hostile_archive, args, which))
    text = output(result)
    assert result.exit_code == 0, text
    for field in shown:
        assert MARKUP[field] in text, field
    if args[0] == "saved" and args[1] == "list":
        assert "[bold]my[/bold] search" in text


@pytest.mark.parametrize(
    "args",
    [
        ("search", "--json", "gardens"),
        ("saved", "run", "--json", SAVED_RUN),
        ("similar", "--json", "{page}"),
        ("list", "--json"),
        ("show", "--json", "{raw}"),
        ("show", "--format", "json", "{page}"),
        ("versions", "--json", "{raw}"),
        ("note", "--json", "{raw}"),
        ("tag", "--json", "{raw}"),
        ("saved", "list", "--json"),
        ("check", "--json"),
        ("extract", "{saved}/" + PAGE_FILE),
    ],
    ids=lambda v: " ".join(v),
)
def test_json_is_the_data_with_every_control_escaped(
    hostile_archive: Hostile, args: tuple[str, ...]
) -> None:
    ids = {"raw": hostile_archive.raw_id, "page": hostile_archive.page_id}
    full = [a.format(**ids, saved=hostile_archive.saved) for a in args]
    text = output(invoke(hostile_archive.folder, *full))
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert objects
    by_id = {o.get("id"): o for o in objects if isinstance(o, dict)}
    if args[0] in ("search", "list", "show", "versions", "note", "tag"):
        raw = clipping(hostile_archive.folder, hostile_archive.raw_id)
        if args[0] == "show" and hostile_archive.page_id in by_id:
            page = clipping(hostile_archive.folder, hostile_archive.page_id)
            expected = {**page.to_dict(full=True), "versions": [page.id], "files": 0}
            assert by_id[page.id] == expected
        else:
            got = by_id[raw.id]
            for name in ("title", "author", "site", "url", "note", "tags", "text"):
                if name in got:
                    assert got[name] == getattr(raw, name), name  # escapes and all, as data
            strings = [v for v in got.values() if isinstance(v, str)] + got.get("tags", [])
            assert any("\x1b" in value for value in strings)  # the data does hold them
    if args[:2] == ("saved", "list"):
        assert SAVED_NAME in {o["name"] for o in objects}


def test_printable_keeps_text_and_drops_what_a_terminal_acts_on() -> None:
    assert render.safe(ESCAPES) == "link"  # the text of the OSC 8 link, nothing else
    assert render.safe(f"a{ESCAPES}b", block=True) == "alink\n\nb"  # CR, FF: line breaks
    assert render.safe("\u202etxt.exe \u2066x\u2069 \u200fy\udc9b") == "txt.exe x y\ufffd"
    assert (
        render.safe("زبان\u200c\u200d👩\u200d🔬 [b]x[/b]") == "زبان\u200c\u200d👩\u200d🔬 [b]x[/b]"
    )
    assert render.safe(None) == "" and render.safe(Path("/a b")) == "/a b"


def test_json_escapes_what_json_itself_would_not() -> None:
    from archive.cli import _json

    text = _json({"t": "a\x1b[31m\x9b2J\x85\u202e\u2028\udc9b b"})
    assert text == '{"t": "a\\u001b[31m\\u009b2J\\u0085\\u202e\\u2028\\udc9b b"}'
    assert json.loads(text) == {"t": "a\x1b[31m\x9b2J\x85\u202e\u2028\udc9b b"}


# -- errors that quote file names ------------------------------------------------------------


def test_extract_errors_quote_file_names_inertly(hostile_archive: Hostile) -> None:
    png = hostile_archive.saved / hostile_file_name(".html")
    latin1 = os.fsdecode(os.fsencode(hostile_archive.saved) + b"/" + UNDECODABLE_FILE_NAME)
    result = invoke(hostile_archive.folder, "extract", "--format", "markdown", str(png), latin1)
    text = output(result)
    assert result.exit_code == 1
    assert f"{named('.html')}: binary data" in text
    assert "Allotments, gardens" in text
    as_json = output(invoke(hostile_archive.folder, "extract", str(png)))
    assert json.loads(as_json.splitlines()[0])["source"] == str(png)


def test_one_line_errors_quote_file_names_inertly(hostile_archive: Hostile, tmp_path: Path) -> None:
    not_a_backup = tmp_path / hostile_file_name(".zip")
    not_a_backup.write_text("no zip")
    result = invoke(tmp_path / "restored", "restore", str(not_a_backup))
    text = output(result)
    assert result.exit_code == 1
    assert text.startswith("clippings: ") and f"{MARKUP['file']} link .zip" in text
    missing = hostile_archive.saved / "gone" / hostile_file_name(".html")
    text = output(invoke(hostile_archive.folder, "import", str(missing)))
    assert f"{named('.html')}: no such file" in text


def test_problems_with_the_archive_path_in_them(hostile_archive: Hostile, tmp_path: Path) -> None:
    """The archive's own folder is named with markup and escapes: check, export and backup
    print it (and each original's path in it)."""
    folder = tmp_path / hostile_file_name("")
    shutil.copytree(hostile_archive.folder, folder)
    for original in (folder / "originals").rglob("*"):
        if original.is_file() and original.name.startswith(clipping(folder, 1).sha256[2:]):
            original.unlink()
    result = invoke(folder, "check")
    text = output(result)
    assert result.exit_code == 1
    assert "problem: clipping 1: its original is missing" in text
    assert f"{MARKUP['file']} link" in text  # the archive's folder, in the path
    dest = tmp_path / hostile_file_name("-export")
    text = output(invoke(folder, "export", str(dest), "--with-originals"))
    assert "problem: clipping 1: its original is missing" in text
    assert f"{MARKUP['file']} link -export" in text
    text = output(invoke(folder, "backup", str(tmp_path / hostile_file_name(".zip"))))
    assert f"{MARKUP['file']} link .zip" in text
    text = output(invoke(folder, "rm", "1"))
    assert f"removed #1: link {MARKUP['title']} link gardens" in text


# -- on a terminal: colours, but no escape from the page --------------------------------------

OUR_STYLES = re.compile(r"\x1b\[[0-9;]*m")  # SGR: the colours and bold Rich writes


def on_a_terminal(renderable: object) -> str:
    """What Rich writes to a colour terminal for ``renderable``, its own SGR codes removed."""
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        width=160,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(renderable)
    written = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" in written  # it is styled
    return OUR_STYLES.sub("", written)


def test_rendered_articles_hits_and_rows_on_a_colour_terminal(hostile_archive: Hostile) -> None:
    raw = clipping(hostile_archive.folder, hostile_archive.raw_id)
    page = clipping(hostile_archive.folder, hostile_archive.page_id)
    for item in (raw, page):
        text = on_a_terminal(render.article(item))
        assert_inert(text)
        assert MARKUP["title"] in text and MARKUP["site"] in text
        assert "\x1b]8" not in text  # links are text, never terminal hyperlinks
    assert "https://evil.example/" in on_a_terminal(render.article(raw))  # the link's address
    snippet = "gardens " + ESCAPES + "\u202e[bold]x[/bold] gardens"
    hit = Hit(raw, 1.0, snippet, [(0, 7), (len(snippet) - 7, len(snippet))])
    text = on_a_terminal(render.hit_text(hit))
    assert_inert(text)
    assert "gardens link [bold]x[/bold] gardens" in text
    styled = render.hit_text(hit)
    highlighted = [styled.plain[span.start : span.end] for span in styled.spans]
    assert highlighted.count("gardens") == 2  # the highlights still on their words
    from rich.table import Table

    table = Table()
    for _ in range(4):
        table.add_column()
    table.add_row(*render.list_row(raw))
    assert_inert(on_a_terminal(table))


@pytest.mark.parametrize(
    "args", [("search", "gardens"), ("list",), ("similar", "{page}"), ("saved", "list")]
)
def test_commands_on_a_colour_terminal(hostile_archive: Hostile, args: tuple[str, ...]) -> None:
    full = [a.format(page=hostile_archive.page_id) for a in args]
    result = invoke(hostile_archive.folder, *full, env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    assert "\x1b[" in result.stdout  # styled for a terminal
    assert_inert(OUR_STYLES.sub("", result.stdout + result.stderr))


def test_tags_and_notes_typed_in_are_kept_clean(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    assert invoke(folder, "tag", "1", hostile("tag"), "plain").exit_code == 0
    text = output(invoke(folder, "note", "1", hostile("note") + "\nsecond line"))
    assert MARKUP["note"] in text and text.endswith("\nsecond line\n")  # (lines kept)
    kept = clipping(folder, 1)
    controls = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # (bidi marks stay, as data)
    assert len(kept.tags) == 2 and "[red]tag[/red]" in kept.tags[0]
    assert not controls.search(kept.tags[0] + kept.note)
    assert MARKUP["note"] in kept.note and kept.note.endswith("\nsecond line")


def test_hostile_catalog_values_are_really_hostile() -> None:
    """The test data holds what it says: every escape, in every field."""
    for name in ("title", "author", "site", "url", "note", "tag", "markdown"):
        value = hostile_values()[name]
        assert "\x1b]52;" in value and "\x9b" in value and "\u202e" in value, name
    assert hostile("title").count(ESCAPES) == 2
