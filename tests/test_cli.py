"""The command line through click's CliRunner, each result checked again through the library."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from archive import render
from archive.api import Archive
from archive.cli import cli

from .conftest import FIXTURES, SAMPLE


@pytest.fixture
def run(tmp_path: Path):
    """Run ``clippings --archive <tmp> ARGS`` and return the result."""
    folder = tmp_path / "cli-archive"

    def invoke(*args: str, archive: bool = True):
        runner = CliRunner()
        full = (["--archive", str(folder)] if archive else []) + list(args)
        return runner.invoke(cli, full, catch_exceptions=False)

    invoke.folder = folder  # type: ignore[attr-defined]
    return invoke


def all_commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("name", all_commands())
def test_every_command_has_help_text(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "--archive" in result.output


def test_no_command_lists_the_new_archive_with_the_sample(run) -> None:
    result = run()
    assert result.exit_code == 0
    assert "The Dire Necessity of Strategic" in result.output
    assert result.output.splitlines()[0].split("\t")[0] == "1"  # (no header in a pipe)


def test_archive_from_environment_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLIPPINGS_ARCHIVE", str(tmp_path / "from-env"))
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output.splitlines()[0])["id"] == 1
    assert (tmp_path / "from-env" / "catalog.sqlite3").exists()


def test_list_in_a_pipe_is_a_line_per_clipping(run, html_pages: Path) -> None:
    assert run("import", str(html_pages)).exit_code == 0
    lines = run("list").output.splitlines()
    assert len(lines) == 7  # the sample and six pages, however long their titles
    for number, line in enumerate(lines, 1):
        clipping_id, date, _site, title = line.split("\t")
        assert int(clipping_id) == number and date[:2] in ("19", "20") and title


def test_show_in_a_pipe_keeps_a_block_of_code_together(run, tmp_path: Path) -> None:
    prose = "<p>To find the anomaly we first need the mean of the series, as below.</p>" * 4
    code = "SELECT avg(n)\nFROM unnest(array[2, 3, 12]) AS n;"
    page = tmp_path / "code.html"
    page.write_text(
        f"<html><body><article><h1>Anomalies</h1>{prose}<pre><code>{code}</code></pre>"
        f"{prose}</article></body></html>",
        encoding="utf-8",
    )
    assert run("import", str(page)).exit_code == 0
    shown = run("show", "2").output
    assert f"\n\n{code}\n\n" in shown  # one block, apart from the prose around it


def test_archive_option_after_the_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--archive", str(tmp_path / "after")])
    assert result.exit_code == 0
    assert (tmp_path / "after" / "catalog.sqlite3").exists()


def test_import_then_search_show_list_rm(run, html_pages: Path) -> None:
    result = run("import", str(html_pages))
    assert result.exit_code == 0, result.output
    with Archive.open(run.folder) as archive:
        count = len(archive)
        assert count == 1 + len(list(html_pages.glob("*.html")))
        newest = archive.get(count)
    assert f"imported {count - 1}, already present 0" in result.output

    again = run("import", "--json", str(html_pages))
    summary = json.loads(again.output)
    assert summary["imported"] == 0 and summary["already_present"] == count - 1

    listed = [json.loads(line) for line in run("list", "--json").output.splitlines()]
    assert [c["id"] for c in listed] == list(range(1, count + 1))
    assert set(listed[0]) >= {
        "id", "title", "author", "site", "section", "url", "published", "saved", "language",
        "tags", "source",
    }  # fmt: skip

    hits = run("search", "--json", '"maximum pressure"', "author:nazarko").output.splitlines()
    first = json.loads(hits[0])
    assert first["id"] == 1 and "snippet" in first and first["highlights"]

    shown = json.loads(run("show", "1", "--format", "json").output)
    assert shown["sha256"] and shown["text"] and shown["markdown"]
    assert shown["author"] == "Adriana Nazarko"
    text = run("show", "1").output
    assert text.startswith("The Dire Necessity")
    assert "Looking back at U.S. responses" in text
    assert "More Related News" not in text
    markdown = run("show", str(newest.id), "--format", "markdown").output
    assert markdown.startswith("# ")

    removed = run("rm", str(newest.id))
    assert removed.exit_code == 0
    with Archive.open(run.folder) as archive:
        assert len(archive) == count - 1


def test_search_output_for_people(run) -> None:
    result = run("search", "maximum", "pressure")
    assert result.exit_code == 0
    assert "#1 The Dire Necessity" in result.output
    assert "1 hit" in result.output


def test_bad_query_is_one_line_not_a_traceback(run) -> None:
    result = run("search", "title:(korea")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("clippings: unclosed '('")
    assert "Traceback" not in result.output


def test_show_unknown_id(run) -> None:
    result = run("show", "999")
    assert result.exit_code == 1
    assert result.output == "clippings: no clipping 999\n"


def test_import_failures_are_listed_and_exit_1(run, tmp_path: Path, html_pages: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    good = sorted(html_pages.glob("*.html"))[0]
    result = run("import", str(empty), str(good), str(tmp_path / "missing.html"))
    assert result.exit_code == 1
    assert f"failed: {empty}: empty file" in result.output
    assert "missing.html: no such file or folder" in result.output
    assert "imported 1, already present 0, duplicates 0, skipped 0, failed 2" in result.output
    with Archive.open(run.folder) as archive:
        assert len(archive) == 2


def test_reindex_keeps_results(run, html_pages: Path) -> None:
    run("import", str(html_pages))
    before = run("search", "--json", "the").output
    result = run("reindex")
    assert result.exit_code == 0 and "reindexed" in result.output
    assert run("search", "--json", "the").output == before


def test_extract_prints_one_json_object_per_file_in_order(run, html_pages: Path) -> None:
    pages = sorted(html_pages.glob("*.html"))[:3]
    result = run("extract", "--json", str(SAMPLE), *map(str, pages), archive=False)
    assert result.exit_code == 0
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [o["source"] for o in objects] == [str(SAMPLE), *map(str, pages)]
    assert objects[0]["title"].startswith("The Dire Necessity")
    for obj in objects:
        assert set(obj) >= {"title", "text", "markdown", "sha256", "url", "published"}
    assert not (run.folder).exists()  # touched no archive


def test_extract_markdown(run) -> None:
    result = run("extract", "--format", "markdown", str(SAMPLE), archive=False)
    assert result.output.startswith("# The Dire Necessity")


@pytest.mark.parametrize("name", sorted(set(cli.commands) - {"extract", "tui", "help"}))
def test_every_command_that_prints_data_has_json(name: str) -> None:
    assert "--json" in CliRunner().invoke(cli, [name, "--help"]).output


def test_json_of_rm_and_reindex(run) -> None:
    assert json.loads(run("reindex", "--json").output) == {"reindexed": 1, "kept_old": []}
    assert json.loads(run("show", "1", "--json").output)["id"] == 1
    assert json.loads(run("rm", "--json", "1").output)["id"] == 1


def test_plain_show_separates_paragraphs(run) -> None:
    text = run("show", "1").output
    assert "will.\n\nLooking back" in text
    assert "from here?\n\nOn the surface level" in text


def test_group_help_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("import", "search", "show", "list", "rm", "reindex", "extract"):
        assert name in result.output
    assert isinstance(cli, click.Group)


def test_page_text_never_reaches_the_terminal_as_escapes_or_markup(run, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><head><title>Evil \x1b[31mred\x1b]0;pwned\x07 [bold]title[/bold]</title></head>"
        "<body><article><h1>Evil [bold]title[/bold]</h1>"
        + "<p>Paragraph \x1b[2J with [link=http://x]markup[/link] and \x07 bells, words words.</p>"
        * 8
        + "</article></body></html>",
        encoding="utf-8",
    )
    assert run("import", str(page)).exit_code == 0
    outputs = [
        run("list").output,
        run("search", "paragraph").output,
        run("show", "2").output,
        run("show", "2", "--format", "markdown").output,
        run("show", "2", "--format", "json").output,
    ]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output
    assert "[bold]" in run("show", "2").output  # shown literally, not as markup


DEK_PAGE = """<html><head><title>{title}</title>
<meta name="description" content="{dek}"></head><body><article><h1>{title}</h1>
<p>{first}</p>
<p>The second paragraph goes on about the harbour at some length, so that the article is long
enough to be taken for one: the boats, the tides, the fishermen and their nets at dawn.</p>
</article></body></html>"""
OPENING = (
    "Every spring the herring come back to the old harbour, and the town turns out to meet "
    "them with nets, baskets and a great deal of noise."
)


@pytest.mark.parametrize(
    ("dek", "shown_once"),
    [
        (OPENING, True),  # the description is the first paragraph: shown once, as the body
        (OPENING[:60] + "…", True),  # the same, cut short in the middle of a word
        ("A town and its fish, in pictures and words.", False),  # a dek of its own: above
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown", "terminal"])
def test_show_prints_a_description_the_body_opens_with_once(
    run, tmp_path: Path, dek: str, shown_once: bool, fmt: str
) -> None:
    page = tmp_path / "herring.html"
    page.write_text(DEK_PAGE.format(title="The herring return", dek=dek, first=OPENING))
    assert run("import", str(page)).exit_code == 0
    clipping = Archive.open(run.folder).get(2)
    assert clipping.description == dek
    if fmt == "terminal":  # what ``show`` prints on a terminal, and the TUI's reader shows
        console = Console(record=True, width=200)
        console.print(render.article(clipping))
        output = console.export_text()
    else:
        result = run("show", "2", "--format", fmt)
        assert result.exit_code == 0
        output = result.output
    flat = " ".join(output.split())
    assert flat.count(OPENING[:50]) == 1
    assert (dek in flat) is (not shown_once or dek == OPENING)


def test_a_link_shows_as_its_text_on_a_terminal_as_in_the_reader() -> None:
    # rich writes a link's address after its text: "Use MAD (#use-mad)" meant nothing, and a
    # Wikipedia page's footnotes and tables were full of addresses
    from archive.models import Clipping

    page = "https://en.wikipedia.org/wiki/Time_loop"
    markdown = (
        "See [Use MAD](#use-mad) and [the study](https://example.org/study), which repeats"
        f"[\\[1\\]]({page}#cite_note-1) and [loops](<{page}_(film)>)."
    )
    clipping = Clipping(
        id=9, title="T", text="", markdown=markdown, source="t", sha256="0", url=page
    )
    console = Console(record=True, width=200)
    console.print(render.article(clipping))
    output = console.export_text()
    assert "See Use MAD and" in output and "#use-mad" not in output
    assert "and the study, which repeats[1] and loops." in output
    assert "https://" not in output.replace(f"{page}\n", "")  # (the page's own, in the header)


def test_the_tui_without_a_terminal_says_so_in_one_line(run) -> None:
    # (Textual would wait for a terminal's answers that never come, spinning a core)
    result = run("tui")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "clippings: the terminal UI needs a terminal: run it in one, or use the commands "
        "(clippings --help)"
    ]


def test_show_prints_the_note_every_way(run) -> None:
    """A note written with ``clippings note`` is read where the article is read."""
    assert run("note", "1", "Check the 1994 framework.\nThen the 2018 summit.").exit_code == 0
    plain = run("show", "1").output
    assert "Note: Check the 1994 framework.\n      Then the 2018 summit." in plain
    assert "Then the 2018 summit." in run("show", "1", "--format", "markdown").output
    with Archive(run.folder) as archive:
        assert archive.get(1).note == "Check the 1994 framework.\nThen the 2018 summit."


def test_a_pipe_closed_early_ends_the_command_without_a_word(run, tmp_path: Path) -> None:
    """``clippings list --json | head -c 1``: no "Broken pipe" error when ``head`` leaves
    before the output (more than a pipe holds) is written."""
    import subprocess
    import sys

    folder = tmp_path / "notes"
    folder.mkdir()
    words = ["harbour", "crane", "river", "budget", "ferry", "tunnel", "bridge", "canal", "dock"]
    for n in range(600):
        a, b, c = words[n % 9], words[n // 9 % 9], words[n // 81 % 9]
        (folder / f"{n}.txt").write_text(
            f"Notes on the {a} {n}\n\n"
            + f"The {a} and the {b} met the {c} at {n} o'clock, by the {b} and the {c}. " * 3
            + "\n",
            encoding="utf-8",
        )
    assert run("import", str(folder)).exit_code == 0
    # (search prints through rich, whose own way out said status 1, as if it had failed)
    for args in ["list --json", "search the --limit 600"]:
        command = f"{sys.executable} -m archive --archive {run.folder} {args}"
        printed = subprocess.run(["bash", "-c", command], capture_output=True).stdout
        assert len(printed) > 1 << 16  # more than a pipe holds (64 KiB)
        done = subprocess.run(
            ["bash", "-c", f"{command} | head -c 1; exit ${{PIPESTATUS[0]}}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stdout
        assert done.stderr == ""
        assert done.returncode == 141, args  # as ``cat`` in the same place


def test_facets_of_the_whole_archive_need_no_query(run) -> None:
    result = run("search", "--facets", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output.splitlines()[0])["total"] == 1  # the sample
    refused = run("search")
    assert refused.exit_code == 2 and "give a query" in refused.output


def test_show_says_the_files_folder_kept_with_a_page(run, tmp_path: Path) -> None:
    # nothing told that a "Webpage, complete" save's Page_files/ folder was kept
    complete = FIXTURES / "formats" / "complete"
    assert run("import", str(complete)).exit_code == 0
    with Archive.open(run.folder) as archive:
        assert archive.files_kept(2) == 3 and archive.files_kept(1) == 0
    shown = run("show", "2")
    assert "Files: saved with its files folder (3 files)" in shown.output.splitlines()
    assert json.loads(run("show", "2", "--json").output)["files"] == 3
    assert "Files:" not in run("show", "1").output  # the sample: a page alone
    assert json.loads(run("show", "1", "--json").output)["files"] == 0


def test_import_takes_a_named_pages_files_folder_and_says_when_one_is_added(
    run, tmp_path: Path
) -> None:
    """``clippings import ~/Saved/*.html`` left each page's ``Page_files/`` folder out, and
    importing their folder after that said "imported 0, already present 1", storing none."""
    complete = FIXTURES / "formats" / "complete"
    saves = tmp_path / "saves"
    saves.mkdir()
    page, folder = saves / "Tide tables explained.html", saves / "Tide tables explained_files"
    shutil.copy(complete / page.name, page)
    assert run("import", str(page)).exit_code == 0  # the page alone: no folder beside it
    shutil.copytree(complete / folder.name, folder)
    result = run("import", str(saves))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [  # (after the progress line)
        f"files added: #2 Tide tables explained  ({folder}/, 3 files)",
        "imported 0, already present 1, duplicates 0, skipped 0, failed 0",
    ]
    assert json.loads(run("import", str(saves), "--json").output)["files_added"] == []
    # named with its folder beside it: stored with it at once, as when the folder is walked
    named = CliRunner().invoke(cli, ["--archive", str(tmp_path / "other"), "import", str(page)])
    assert named.exit_code == 0, named.output
    with Archive.open(run.folder) as walked, Archive.open(tmp_path / "other") as other:
        assert (
            other.catalog.page_info(2)["assets_sha256"]
            == (walked.catalog.page_info(2)["assets_sha256"])
        )
        assert walked.catalog.page_info(2)["assets_sha256"]


def test_the_progress_bar_in_a_terminal_tells_a_rate_that_can_be(tmp_path: Path) -> None:
    # rich's rate over its last updates read "572383 files/s" after a burst of results from the
    # workers; in a real terminal (a pseudo-terminal), the rate is the run's, and sane
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in sorted((FIXTURES / "pages").iterdir()):
        shutil.copy(page, pages / page.name)
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "LINES": "20", "TERM": "xterm-256color"}
    command = [sys.executable, "-m", "archive", "--archive", str(tmp_path / "a"), "import"]
    process = subprocess.Popen(
        [*command, str(pages)], stdin=child, stdout=child, stderr=child, env=env
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=120) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "imported" in shown and "Traceback" not in shown
    rates = [int(r.replace(",", "")) for r in re.findall(r"([\d,]+) files/s", shown)]
    assert all(rate < 1000 for rate in rates), rates


def test_a_dek_that_opens_with_the_bodys_first_sentence_is_not_shown_again() -> None:
    # "We pushed out the first version … in January. Here's what we've learned about
    # student journali…": the body's first sentence and a cut, shown above the body
    from archive.models import shown_description

    body = (
        "We pushed out the first version of the Open Journalism site in January. Our goal is "
        "for the site to be a place to teach students what they should know."
    )
    cut = (
        "We pushed out the first version of the Open Journalism site in January. Here's "
        "what we've learned about student journali\u2026"
    )
    assert shown_description(cut, body) == ""
    other = "What a year of teaching journalism on the web taught us. Lessons for editors."
    assert shown_description(other, body) == other
    short = "Hello there. We pushed out the first version of the site."  # (a short greeting)
    assert shown_description(short, body) == short
