"""Bulk import: worker processes, the report, retrying failures, one import at a time, kills."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.store import Catalog, exclusive_lock

from .conftest import (
    FIXTURES,
    PAGES,
    ROOT,
    assert_ended,
    assert_pool_ended,
    children_of,
    pool_processes,
)

FORMATS = FIXTURES / "formats"


def many_pages(folder: Path, copies: int) -> Path:
    """``copies`` distinct variants of each fixture page (a paragraph of their own): the same
    URL saved again and again, so each page's copies are versions of one clipping."""
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for page in sorted(PAGES.glob("*.html")):
            html = page.read_bytes().replace(
                b"</body>", f"<p>Copy number {copy} of this page.</p></body>".encode()
            )
            (folder / f"{copy:03}-{page.name}").write_bytes(html)
    return folder


def snapshot(archive: Archive) -> list[tuple[int, str, str, str]]:
    return [(c.id, c.sha256, c.title, c.source) for c in archive.clippings()]


def test_worker_processes_give_the_same_archive_as_one_process(tmp_path: Path) -> None:
    pages = many_pages(tmp_path / "pages", 3)
    results = []
    for jobs in (1, 2):
        with Archive.open(tmp_path / f"archive-{jobs}") as archive:
            report = archive.import_paths([pages], jobs=jobs)
            assert len(report.imported) == 18 and not report.failed
            every = archive.catalog.get_many(archive.catalog.ids(every_version=True))
            results.append([(c.id, c.sha256, c.title) for c in every])
            assert len(report.versions) == 10  # two more saves of the five pages with a URL
            assert archive.search("europa").total == 1
    assert results[0] == results[1]


def test_already_present_and_duplicates_are_told_apart(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    first = archive.import_paths([folder])
    assert len(first.imported) == 6
    twin = tmp_path / "twin.html"
    new = tmp_path / "new.html"
    shutil.copy(next(iter(sorted(PAGES.glob("*.html")))), twin)
    new.write_bytes(
        b"<html><body><article><p>" + b"A page seen for the first time. " * 20 + b"</p>"
    )
    again = archive.import_paths([folder, twin, new, new])
    assert len(again.already_present) == 7  # the six, and the twin of one of them
    assert again.duplicates == [str(new)]  # the same bytes twice in one import
    assert len(again.imported) == 1


def test_a_page_is_said_imported_once_its_row_is_committed(tmp_path: Path) -> None:
    """Each progress event comes when what it tells is committed (another connection, as a
    process killed then started again, sees it): ``watch`` printed "imported #57" for pages
    a kill then took back. A page already there comes with its clipping's id."""
    import sqlite3

    pages = many_pages(tmp_path / "pages", 10)  # 60 pages: more than one commit
    with Archive.open(tmp_path / "archive") as archive:
        seen: list[tuple[str, int | None]] = []

        def progress(event) -> None:
            seen.append((event.outcome, event.clipping_id))
            if event.outcome == "imported":
                other = sqlite3.connect(archive.path / "catalog.sqlite3")
                try:
                    row = other.execute(
                        "SELECT id FROM clippings WHERE id = ?", (event.clipping_id,)
                    )
                    assert row.fetchone() is not None, event
                finally:
                    other.close()

        archive.import_paths([pages], progress=progress)
        assert [outcome for outcome, _ in seen].count("imported") == 60
        again: list[int | None] = []
        archive.import_paths(
            [pages / sorted(p.name for p in pages.iterdir())[0]],
            progress=lambda e: again.append(e.clipping_id),
        )
        assert again and again[0] is not None


def test_files_that_add_no_rows_are_told_as_the_import_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder imported before (every page already there, or failing) adds no rows: its
    files were told only at the very end, so the progress bar stood still for the whole
    import. They are told once they have waited ``TELL_SECONDS`` (here none at all)."""
    from archive import importer

    pages = many_pages(tmp_path / "pages", 2)
    (pages / "broken.html").write_bytes(b"")
    with Archive.open(tmp_path / "archive") as archive:
        archive.import_paths([pages], jobs=1)
        monkeypatch.setattr(importer, "TELL_SECONDS", 0.0)
        asked = 0  # files done so far: ``stop`` is asked after each

        def stop() -> bool:
            nonlocal asked
            asked += 1
            return False

        told: list[tuple[int, int, str]] = []
        archive.import_paths(
            [pages], jobs=1, stop=stop, progress=lambda e: told.append((e.done, asked, e.outcome))
        )
    assert {outcome for _, _, outcome in told} == {"present", "failed"}
    assert len(told) == 13
    assert all(done == asked + 1 for done, asked, _ in told)  # each told before the next file


def test_a_page_imported_again_is_named_and_an_empty_folder_is_told(tmp_path: Path) -> None:
    """Imported again, a page was only counted ("already present 1"), where ``watch`` names
    its clipping; a folder with no files (a mistyped one) looked like a success."""
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    (tmp_path / "empty").mkdir()
    args = ["--archive", str(tmp_path / "archive"), "import"]
    runner = CliRunner()
    assert runner.invoke(cli, [*args, str(folder)]).exit_code == 0
    page = sorted(folder.glob("*.html"))[0]
    again = runner.invoke(cli, [*args, str(page)])
    assert again.exit_code == 0
    with Archive(tmp_path / "archive") as archive:
        [clipping] = [c for c in archive.clippings() if c.source == str(page)]
    assert f"already in the archive: {page} is #{clipping.id} {clipping.title}" in again.stdout
    as_json = json.loads(runner.invoke(cli, [*args, "--json", str(page)]).stdout)
    assert as_json["already_present_ids"] == [{"source": str(page), "id": clipping.id}]
    whole = runner.invoke(cli, [*args, str(folder)])
    assert whole.stdout.count("already in the archive: ") == 6
    many = many_pages(tmp_path / "many", 2)  # twelve: counted, not named one by one
    runner.invoke(cli, [*args, str(many)])
    again = runner.invoke(cli, [*args, str(many)])
    assert "already present 12" in again.stdout and "already in the archive" not in again.stdout
    empty = runner.invoke(cli, [*args, str(tmp_path / "empty")])
    assert empty.exit_code == 0
    assert f"no files found to import in {tmp_path / 'empty'}" in empty.stderr


def test_report_file_exit_status_and_retry_failed(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(PAGES, folder)
    broken = folder / "broken.html"
    broken.write_bytes(b"")
    report_file = tmp_path / "report.json"
    runner = CliRunner()
    args = ["--archive", str(tmp_path / "archive"), "import"]
    result = runner.invoke(cli, [*args, str(folder), "--report", str(report_file)])
    assert result.exit_code == 1
    assert "imported 6, already present 0, duplicates 0, skipped 0, failed 1" in result.stdout
    assert f"failed: {broken}: " in result.stderr and "--retry-failed" in result.stderr
    assert "7/7 files" in result.stderr  # plain progress lines when not on a terminal
    saved = json.loads(report_file.read_text())
    assert saved["imported"] == 6 and saved["failed"][0]["source"] == str(broken)

    broken.write_bytes(b"<html><body><p>" + b"Fixed at last, with words to keep. " * 10 + b"</p>")
    retried = runner.invoke(cli, [*args, "--retry-failed", "--json"])
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)["imported"] == 1
    nothing = runner.invoke(cli, [*args, "--retry-failed"])
    assert nothing.exit_code == 0 and "nothing to retry" in nothing.stderr
    with Archive.open(tmp_path / "archive") as archive:
        assert len(archive) == 8


def test_no_retry_is_offered_for_a_file_that_is_not_there(tmp_path: Path) -> None:
    args = ["--archive", str(tmp_path / "archive"), "import"]
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "mistyped.html")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr and "--retry-failed" not in result.stderr


def test_a_second_import_waits_for_the_first_with_a_message(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        folder = archive.path
    lock = folder / "import.lock"
    released = threading.Event()

    def hold() -> None:
        with exclusive_lock(lock):
            released.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "--archive", str(folder), "import", str(PAGES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    time.sleep(3)
    assert process.poll() is None  # waiting, not failing
    released.set()
    holder.join()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "another import is running in this archive; waiting" in err
    assert "Traceback" not in err and "imported 6" in out


def _killable_import(
    folder: Path, pages: Path, stderr: int = subprocess.DEVNULL
) -> tuple[list[str], subprocess.Popen[str]]:
    """A new archive in ``folder``, and ``clippings import --events --jobs 2 PAGES`` started
    on it (a real process, to kill); with the command, to run it again."""
    with Archive.open(folder):
        pass
    command = [sys.executable, "-m", "archive", "--archive", str(folder), "import", "--events"]
    process = subprocess.Popen(
        [*command, "--jobs", "2", str(pages)],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    return command, process


def test_a_killed_import_leaves_no_python_warning_on_the_terminal(tmp_path: Path) -> None:
    """After a SIGKILL, multiprocessing's resource tracker (a process that outlives the import)
    cleans up its queues' semaphores; it warned of "leaked semaphore objects" on the user's
    terminal."""
    pages = many_pages(tmp_path / "pages", 12)
    _, process = _killable_import(tmp_path / "archive", pages, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    for _ in range(55):  # past the first commit: the index sub-writers' queues are made
        if not process.stdout.readline():
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    err = process.stderr.read()  # (to its end: every process holding it has ended)
    assert "leaked" not in err and "Warning" not in err, err


@pytest.mark.parametrize("after_lines", [1, 25, 60])
def test_an_import_killed_at_any_point_loses_nothing_and_resumes(
    tmp_path: Path, after_lines: int
) -> None:
    """SIGKILL after some files; the archive opens and searches; running it again finishes
    the rest without duplicates, and the result is the same as an import never killed."""
    pages = many_pages(tmp_path / "pages", 12)  # 72 pages
    folder = tmp_path / "archive"
    before = pool_processes()
    command, process = _killable_import(folder, pages)
    for _ in range(after_lines):
        if not process.stdout.readline():
            break
    children = children_of(process.pid)  # extraction workers, index sub-writers (once begun)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_pool_ended(before)  # its workers end with it
    assert_ended(children)

    with Archive.open(folder) as archive:  # opens, brings the index in step, searches
        count = len(archive)
        assert archive.index.doc_count() == count
        assert archive.search("").total == count
    check = CliRunner().invoke(cli, ["--archive", str(folder), "check"])
    assert check.exit_code == 0, check.output  # notes about leftovers at most, no problem
    resumed = subprocess.run(
        [*command, str(pages)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    summary = json.loads(resumed.stdout.splitlines()[-1])
    assert summary["imported"] + summary["already_present"] == 72
    assert not summary["failed"]
    with Archive.open(folder) as archive:
        clippings = archive.catalog.get_many(archive.catalog.ids(every_version=True))
        assert len(clippings) == 73  # the sample and 72 pages, none twice
        assert len({c.sha256 for c in clippings}) == 73
        # the 12 saves of each page with a URL are versions of one clipping (five pages); the
        # page without a URL is 12 clippings; and the sample
        assert len(archive) == 5 + 12 + 1
        assert archive.index.doc_count() == len(archive)
        [hit] = archive.search("europa").hits
        assert len(archive.versions(hit.clipping.id)) == 12
        for clipping in clippings:
            assert archive.originals.path(clipping.sha256).is_file()


def near_twin(path: Path, site: str, furniture: str) -> Path:
    """The same article under another site's menus, ads and links."""
    body = " ".join(
        f"Sentence {n} of the report on the river ferry, which resumed its crossings this week."
        for n in range(40)
    )
    path.write_text(
        f"<html><head><title>River ferry resumes ({site})</title>"
        f"<link rel='canonical' href='https://{site}/ferry'></head><body>"
        f"<nav>{furniture}</nav><article><h1>River ferry resumes</h1><p>{body}</p></article>"
        f"<aside>{furniture} {furniture}</aside></body></html>",
        encoding="utf-8",
    )
    return path


def test_near_duplicates_are_reported_and_both_kept(archive: Archive, tmp_path: Path) -> None:
    first = near_twin(tmp_path / "a.html", "one.example", "Home News Sport Weather")
    second = near_twin(tmp_path / "b.html", "two.example", "Subscribe now! Deals of the day")
    [first_id] = archive.import_paths([first]).imported
    report = archive.import_paths([second])
    [second_id] = report.imported
    assert report.near_duplicates == [(str(second.resolve()), second_id, [first_id])]
    assert len(archive) == 3  # kept, only reported
    unrelated = archive.import_paths([PAGES])
    assert not unrelated.near_duplicates


def test_many_near_duplicates_are_told_in_one_line(tmp_path: Path) -> None:
    # a folder of near-copies printed a line each, each naming every copy before it (314 lines
    # of hundreds of ids, the summary pushed out of sight: a helper's trial)
    from click.testing import CliRunner

    from archive.cli import NAMED_AT_MOST, cli

    pages = tmp_path / "pages"
    pages.mkdir()
    count = NAMED_AT_MOST + 3
    for n in range(count):
        near_twin(pages / f"{n:02}.html", f"site{n}.example", f"Menu {n} Home News")
    folder = tmp_path / "archive"
    result = CliRunner().invoke(cli, ["--archive", str(folder), "import", str(pages)])
    assert result.exit_code == 0, result.output
    assert f"near-duplicates: {count - 1} pages read like clippings already here" in result.stdout
    assert "near-duplicate:" not in result.stdout
    few = tmp_path / "few"
    few.mkdir()
    near_twin(few / "x.html", "x.example", "Another menu entirely")
    result = CliRunner().invoke(cli, ["--archive", str(folder), "import", str(few)])
    line = next(n for n in result.stdout.splitlines() if n.startswith("near-duplicate:"))
    assert line.endswith(f"and {count - NAMED_AT_MOST} more")  # the first ten named


def test_an_import_killed_while_its_index_sub_writers_run_leaves_none(tmp_path: Path) -> None:
    """A big import indexes in sub-writer processes (``archive.index.parallel``): killed while
    they run, they end with it, and the import run again completes the archive."""
    pages = tmp_path / "pages"
    pages.mkdir()
    topics = ["harbour cranes", "river ferries", "night trains", "city orchards", "tide mills"]
    for n in range(150):  # 150 clippings: three job files for the sub-writers
        topic = topics[n % len(topics)]
        body = " ".join(f"Sentence {k} of report {n} on the {topic}." for k in range(40))
        (pages / f"{n:03}.html").write_text(
            f"<html><head><title>Report {n}: the {topic}</title>"
            f"<link rel='canonical' href='https://news.example/{n}'></head><body>"
            f"<article><h1>Report {n}: the {topic}</h1><p>{body}</p></article></body></html>",
            encoding="utf-8",
        )
    folder = tmp_path / "archive"
    command, process = _killable_import(folder, pages)
    children: set[int] = set()
    # the fork server, the pool's two workers and the resource tracker, then the sub-writers:
    # once 50 clippings are in
    while len(children) < 5 and process.stdout.readline():
        children = children_of(process.pid)
    assert len(children) >= 5, "the import ended before its index sub-writers started"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_ended(children)
    resumed = subprocess.run(
        [*command, str(pages)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    summary = json.loads(resumed.stdout.splitlines()[-1])
    assert summary["imported"] + summary["already_present"] == 150 and not summary["failed"]
    with Archive.open(folder) as archive:
        assert archive.index.doc_count() == len(archive) == 150 + 1
        assert archive.search("").total == len(archive)


def lose(archive: Archive, damaged: int, missing: int) -> dict[int, bytes]:
    """Damage clipping ``damaged``'s stored original (a byte changed), delete ``missing``'s;
    returns what they held."""
    held = {}
    for clipping_id in (damaged, missing):
        path = archive.original_path(clipping_id)
        held[clipping_id] = path.read_bytes()
        os.chmod(path, 0o644)
    path = archive.original_path(damaged)
    path.write_bytes(held[damaged][:100] + b"#" + held[damaged][101:])
    archive.original_path(missing).unlink()
    return held


def test_importing_a_page_again_writes_back_its_lost_original(
    archive: Archive, html_pages: Path
) -> None:
    """``check`` says: import the saved page again. The same bytes, whose hash names the
    original, are written back when the stored copy is missing or damaged (they were taken
    for "already present", and the original stayed lost)."""
    archive.import_paths([html_pages])
    held = lose(archive, damaged=2, missing=4)
    before = CliRunner().invoke(cli, ["--archive", str(archive.path), "check"])
    assert before.exit_code == 1 and "import the saved page again" in before.stderr

    again = CliRunner().invoke(cli, ["--archive", str(archive.path), "import", str(html_pages)])
    assert again.exit_code == 0, again.output
    for clipping_id in (2, 4):
        title = archive.get(clipping_id).title
        assert f"original restored: #{clipping_id} {title} (its stored copy was missing or " in (
            again.stdout
        )
    assert "imported 0, already present 6," in again.stdout
    for clipping_id, data in held.items():
        assert archive.original_path(clipping_id).read_bytes() == data
    after = CliRunner().invoke(cli, ["--archive", str(archive.path), "check"])
    assert after.exit_code == 0, after.output

    quiet = archive.import_paths([html_pages])  # nothing lost now: nothing written
    assert quiet.restored == [] and len(quiet.already_present) == 6


def test_worker_processes_write_back_lost_originals_and_files_folders(
    archive: Archive, tmp_path: Path
) -> None:
    """The same in worker processes, and for the zip of a "Webpage, complete" save's files
    folder, packed again from the folder to the same bytes."""
    pages = many_pages(tmp_path / "pages", 2)
    complete = FIXTURES / "formats" / "complete"
    archive.import_paths([pages, complete], jobs=2)
    [(saved, assets_sha)] = archive.catalog.db.execute(
        "SELECT id, assets_sha256 FROM clippings WHERE assets_sha256 IS NOT NULL"
    ).fetchall()
    assets = archive.originals.path(assets_sha)
    packed = assets.read_bytes()
    assets.unlink()
    held = lose(archive, damaged=3, missing=5)
    report = archive.import_paths([pages, complete], jobs=2)
    assert sorted(i for _, i in report.restored) == sorted([3, 5, saved])
    assert assets.read_bytes() == packed
    for clipping_id, data in held.items():
        assert archive.original_path(clipping_id).read_bytes() == data
    assert archive.check().ok


def test_a_page_met_again_is_told_with_its_clipping_whatever_holds_it(
    archive: Archive, tmp_path: Path
) -> None:
    """``watch`` printed "already in the archive #None" for the first record of a cut-off
    copy of a WARC that came with it: a page met twice in one import came without its id
    (and the watcher's fallback hashed the whole WARC file)."""
    warcs = [FORMATS / "capture.warc.gz", FORMATS / "truncated.warc.gz"]
    events: list = []
    archive.import_paths(warcs, progress=events.append)
    told = {event.path.name: (event.outcome, event.clipping_id) for event in events}
    first = told["capture.warc.gz#offset=0"]
    assert first[0] == "imported" and first[1] is not None
    assert told["truncated.warc.gz#offset=0"] == ("duplicate", first[1])
    # and as ``clippings import --events`` prints it, into another archive
    result = CliRunner().invoke(
        cli, ["--archive", str(tmp_path / "other"), "import", "--events", *map(str, warcs)]
    )
    lines = [json.loads(line) for line in result.output.splitlines()]
    ids = {Path(line["path"]).name: line["id"] for line in lines if line["event"] == "file"}
    assert ids["truncated.warc.gz#offset=0"] == ids["capture.warc.gz#offset=0"] is not None


def test_a_page_there_already_takes_its_files_folder_in_worker_processes_too(
    tmp_path: Path,
) -> None:
    """Workers read the catalog themselves: one there without its folder takes it."""
    pages = many_pages(tmp_path / "pages", 2)  # 12 pages: worker processes
    page = pages / "Tide tables explained.html"
    shutil.copy(FORMATS / "complete" / page.name, page)
    with Archive.open(tmp_path / "archive") as archive:
        [clipping_id] = archive.import_paths([page]).imported
        folder = pages / "Tide tables explained_files"
        shutil.copytree(FORMATS / "complete" / folder.name, folder)
        events: list = []
        report = archive.import_paths([pages], jobs=2, progress=events.append)
        assert len(report.imported) == 12 and not report.failed
        assert report.files_added == [(str(page), clipping_id, str(folder), 3)]
        [told] = [e for e in events if e.path == page]
        assert (told.outcome, told.clipping_id, told.files_added) == ("present", clipping_id, 3)
        assert archive.catalog.page_info(clipping_id)["assets_sha256"]
        assert archive.check().ok


def test_signatures_left_half_read_end_quietly(
    archive: Archive, html_pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl+C while an import loaded the archive's signatures left them half read: closed
    after the catalog, they printed "Exception ignored ... Cannot operate on a closed
    database" as the command ended."""
    archive.import_paths([html_pages])
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    catalog = Catalog(archive.path / "catalog.sqlite3")
    rows = catalog.signatures()
    assert next(iter(rows))
    catalog.close()
    del rows
    gc.collect()
    assert not unraisable
