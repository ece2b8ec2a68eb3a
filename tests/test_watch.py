"""The folder watcher (``clippings watch``): real folders, real inotify events, a real archive.

A page is imported once, whole, when it is complete; downloads in progress wait for their
rename; a "Webpage, complete" save comes with its files folder; what arrived while the watcher
was not running is imported when it starts, what it saw before is known by content; it waits
for another writer; it never touches the watched files; hostile files fail as they do in an
import, and it goes on watching; SIGINT and SIGTERM stop it cleanly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.api import Archive
from archive.sources import real_path
from archive.watch import CaughtUp, Watcher, WatchEvent

from .test_hostile import FAILURES, IMPORTED, make_folder

ARCHIVE_COMMAND = [sys.executable, "-m", "archive", "--archive"]
SETTLE = 0.5  # a quicker watcher than the default, for the tests
WAIT = 30.0  # seconds a test waits for what it expects before failing


def page(title: str, words: str = "The harbour cranes returned to the old port") -> str:
    body = "".join(f"<p>{words}, and the workers watched them from quay {n}.</p>" for n in range(8))
    return f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"


def wait_for(
    condition: Callable[[], object], timeout: float = WAIT, what: Callable[[], object] = str
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out {what()}"
        time.sleep(0.05)


class Running:
    """A watcher running on its own thread, its events kept."""

    def __init__(self, archive: Archive, folders: list[Path]) -> None:
        self.events: list[WatchEvent] = []
        self.present: int | None = None  # what the first import found in the archive
        self.failed_before = 0  # ... and the files that failed before, unchanged
        self.stop = threading.Event()
        self.watcher = Watcher(archive, folders, self.events.append, settle=SETTLE)
        self.thread = threading.Thread(
            target=self.watcher.run, args=(self.stop,), kwargs={"on_caught_up": self._ready}
        )

    def _ready(self, found: CaughtUp) -> None:
        self.failed_before = found.failed_before
        self.present = found.present

    def outcomes(self, name: str) -> list[str]:
        return [e.outcome for e in self.events if Path(e.path).name == name]

    def __enter__(self) -> Running:
        self.thread.start()
        wait_for(lambda: self.present is not None)  # the first import of what was there
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


def test_a_saved_page_is_imported_once(archive: Archive, saved: Path) -> None:
    with Running(archive, [saved]) as running:
        (saved / "cranes.html").write_text(page("Harbour cranes"))
        wait_for(lambda: running.outcomes("cranes.html"))
        time.sleep(SETTLE * 3)  # no second import of the same page
        assert running.outcomes("cranes.html") == ["imported"]
        [event] = running.events
        assert archive.get(event.id).title == "Harbour cranes"
        assert archive.search("cranes").total == 1


def test_a_page_written_in_two_bursts_seconds_apart_is_imported_whole_once(
    archive: Archive, saved: Path
) -> None:
    text = page("Two bursts", "The ferry timetable changed for the winter")
    half = len(text) // 2
    with Running(archive, [saved]) as running:
        with open(saved / "bursts.html", "w") as file:  # kept open between the bursts
            file.write(text[:half])
            file.flush()
            time.sleep(SETTLE * 5)
            file.write(text[half:])
        # closed between the bursts, the second a moment later
        with open(saved / "reopened.html", "w") as file:
            file.write(text[:half].replace("Two bursts", "Reopened"))
        time.sleep(SETTLE * 1.5)
        with open(saved / "reopened.html", "a") as file:
            file.write(text[half:])
        wait_for(lambda: running.outcomes("bursts.html") and running.outcomes("reopened.html"))
        time.sleep(SETTLE * 3)
        assert running.outcomes("bursts.html") == running.outcomes("reopened.html") == ["imported"]
    for event in running.events:
        clipping = archive.get(event.id)
        assert "from quay 7" in clipping.text  # the whole page
    assert len(archive) == 3  # the sample and the two pages


def test_a_download_in_progress_waits_for_its_rename(archive: Archive, saved: Path) -> None:
    with Running(archive, [saved]) as running:
        for partial in ("a.html.crdownload", "b.html.part", "c.html.download"):
            (saved / partial).write_text(page(f"Partial {partial[0]}"))
        time.sleep(SETTLE * 4)
        assert running.events == []
        for partial in ("a.html.crdownload", "b.html.part", "c.html.download"):
            (saved / partial).rename(saved / partial.rsplit(".", 1)[0])
        wait_for(lambda: len(running.events) == 3)
    assert sorted(e.outcome for e in running.events) == ["imported"] * 3


def test_a_complete_webpage_is_imported_with_its_files_folder(
    archive: Archive, saved: Path
) -> None:
    with Running(archive, [saved]) as running:
        (saved / "Story.html").write_text(page("Story with pictures"))
        assets = saved / "Story_files"
        assets.mkdir()
        (assets / "style.css").write_text("body { color: black }")
        (assets / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(5000))
        wait_for(lambda: running.events)
        time.sleep(SETTLE * 3)
        [event] = running.events
        assert event.outcome == "imported" and Path(event.path).name == "Story.html"
    assert archive.catalog.page_info(event.id)["assets_sha256"]  # its files kept with it


def test_what_arrived_meanwhile_is_imported_at_start_and_what_was_seen_is_known(
    archive: Archive, saved: Path
) -> None:
    (saved / "before.html").write_text(page("Saved while it was off"))
    with Running(archive, [saved]) as running:
        assert running.present == 0
        assert running.outcomes("before.html") == ["imported"]
    (saved / "later.html").write_text(page("Saved later", "A different story of lighthouses"))
    (saved / "copy of before.html").write_bytes((saved / "before.html").read_bytes())
    with Running(archive, [saved]) as again:
        # by content: the page seen before is known under any name
        assert again.present == 2
        assert [e.outcome for e in again.events] == ["imported"]
        assert again.outcomes("later.html") == ["imported"]
    assert len(archive) == 3


def test_a_file_that_failed_is_told_of_once_until_it_changes(archive: Archive, saved: Path) -> None:
    broken = saved / "broken.html"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    with Running(archive, [saved]) as first:
        assert first.outcomes("broken.html") == ["failed"]
        (saved / "bad.html").write_bytes(b"\x00\x01" * 400)  # one that fails while it watches
        wait_for(lambda: first.outcomes("bad.html"))
        assert first.outcomes("bad.html") == ["failed"]
    with Running(archive, [saved]) as second:  # as they were: not tried again
        assert second.events == []
        assert second.failed_before == 2
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(400))  # changed: tried again
    (saved / "bad.html").unlink()  # gone: forgotten
    with Running(archive, [saved]) as third:
        assert third.outcomes("broken.html") == ["failed"]
        assert third.failed_before == 0
        broken.write_text(page("Mended at last"))  # now a page: imported
        wait_for(lambda: len(third.outcomes("broken.html")) == 2)
        assert third.outcomes("broken.html") == ["failed", "imported"]
    assert archive.watch_failures() == {}
    with Running(archive, [saved]) as fourth:
        assert fourth.events == [] and fourth.present == 1 and fourth.failed_before == 0


def test_a_page_saved_again_is_a_new_version_and_a_copy_is_already_there(
    archive: Archive, saved: Path
) -> None:
    url = '<link rel="canonical" href="https://news.example/cranes">'
    first = page("Cranes").replace("<head>", f"<head>{url}")
    with Running(archive, [saved]) as running:
        (saved / "cranes.html").write_text(first)
        wait_for(lambda: running.events)
        (saved / "cranes (1).html").write_text(first.replace("workers", "crowds"))
        wait_for(lambda: len(running.events) == 2)
        (saved / "cranes copy.html").write_text(first)
        wait_for(lambda: len(running.events) == 3)
    outcomes = [(Path(e.path).name, e.outcome) for e in running.events]
    assert outcomes == [
        ("cranes.html", "imported"),
        ("cranes (1).html", "version"),
        ("cranes copy.html", "present"),
    ]
    assert running.events[2].id == running.events[0].id


@contextmanager
def another_writer(folder: Path) -> Iterator[None]:
    """Another process's write (an import) holding the archive's write lock meanwhile."""
    released = threading.Event()
    with Archive.open(folder) as other:

        def hold() -> None:
            with other.writing():
                released.wait(WAIT)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            yield
        finally:
            released.set()
            holder.join()


def test_it_waits_its_turn_for_the_write_lock(archive: Archive, saved: Path) -> None:
    with Running(archive, [saved]) as running:
        with another_writer(archive.path):
            (saved / "queued.html").write_text(page("Queued behind a writer"))
            time.sleep(SETTLE * 4)
            assert running.events == []  # waiting for the lock
        wait_for(lambda: running.events)
        assert running.events[0].outcome == "imported"


def test_the_watched_files_are_never_touched(archive: Archive, saved: Path) -> None:
    (saved / "kept.html").write_text(page("Kept as it is"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in saved.rglob("*")}
    with Running(archive, [saved]) as running:
        (saved / "new.html").write_text(page("New", "Another story about bridges"))
        wait_for(lambda: running.outcomes("new.html"))
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in saved.rglob("*")}
    assert {p: after[p] for p in before} == before
    assert set(after) == set(before) | {saved / "new.html"}


def test_hostile_files_fail_as_in_an_import_and_it_goes_on_watching(
    archive: Archive, saved: Path, tmp_path: Path
) -> None:
    with Running(archive, [saved]) as running:
        make_folder(saved / "hostile")  # written while it watches
        # (as a path: a zip member named "/absolute/..." is reported with one slash); an empty
        # file is a download's placeholder: no line (at a start neither)
        folder = saved / "hostile"
        empty = {name for name in FAILURES if _size(real_path(f"{folder}/{name}")) == 0}
        expected = {str(Path(name)) for name in (*FAILURES, *IMPORTED) if name not in empty}
        prefix = f"{saved / 'hostile'}/"
        by_name: dict[str, WatchEvent] = {}

        def all_seen() -> bool:
            by_name.update({e.path.removeprefix(prefix): e for e in running.events})
            return expected <= set(by_name)

        wait_for(all_seen, timeout=120, what=lambda: sorted(expected - set(by_name)))
        for name, reason in FAILURES.items():
            if name in empty:
                assert str(Path(name)) not in by_name
                continue
            event = by_name[str(Path(name))]
            assert event.outcome == "failed" and event.reason.startswith(reason), event
        for name in IMPORTED:
            assert by_name[str(Path(name))].outcome == "imported", name
        (saved / "after.html").write_text(page("After the storm"))
        wait_for(lambda: running.outcomes("after.html") == ["imported"])


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


_STARTED: list[subprocess.Popen[str]] = []  # watcher processes, ended after each test


@pytest.fixture(autouse=True)
def _no_watcher_left() -> Iterator[None]:
    """A test that fails midway leaves no ``clippings watch`` running."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def _watch_process(folder: Path, archive: Path, *extra: str) -> subprocess.Popen[str]:
    """``clippings watch FOLDER`` in a process group of its own (as a terminal starts it)."""
    return _cli_process(archive, "watch", str(folder), "--settle", str(SETTLE), *extra)


def _hearing_ctrl_c() -> None:
    """In the child, before it runs the command: Ctrl+C and SIGTERM heard, as a shell starts
    a command, whatever this process (the test run, its earlier tests' threads and handlers)
    ignored or held: a child inherits both, and an import given Ctrl+C in a full CI run went
    on to the end, status 0."""
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _cli_process(archive: Path, *args: str) -> subprocess.Popen[str]:
    """``clippings ARGS`` in a process group of its own (as a terminal starts it)."""
    process = subprocess.Popen(
        [*ARCHIVE_COMMAND, str(archive), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
        start_new_session=True,
        preexec_fn=_hearing_ctrl_c,  # (signal calls only: no lock to deadlock on)
    )
    _STARTED.append(process)
    return process


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_clippings_watch_prints_a_line_per_page_and_stops_cleanly(
    saved: Path, tmp_path: Path, stop_with: int
) -> None:
    (saved / "first.html").write_text(page("First page"))
    process = _watch_process(saved, tmp_path / "archive", "--json")
    assert process.stdout is not None
    lines = [json.loads(process.stdout.readline()) for _ in range(3)]
    assert lines[0] == {"watching": [str(saved)]}
    assert lines[1]["outcome"] == "imported" and lines[1]["path"].endswith("first.html")
    assert lines[2] == {"caught_up": True, "already_present": 0, "failed_before": 0}
    (saved / "second.html").write_text(page("Second page", "Words about the night train"))
    second = json.loads(process.stdout.readline())
    assert second["outcome"] == "imported" and second["path"].endswith("second.html")
    (saved / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    broken = json.loads(process.stdout.readline())
    assert broken["outcome"] == "failed" and "PNG image" in broken["reason"]
    process.send_signal(stop_with)
    _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    with Archive.open(tmp_path / "archive") as archive:
        assert archive.search("night train").total == 1


def test_clippings_watch_in_words(saved: Path, tmp_path: Path) -> None:
    process = _watch_process(saved, tmp_path / "archive")
    assert process.stderr is not None and process.stdout is not None
    assert process.stderr.readline() == f"watching {saved}; Ctrl+C stops\n"
    assert process.stderr.readline().startswith("caught up: 0 of the pages there")
    (saved / "words.html").write_text(page("A page in words"))
    line = process.stdout.readline()
    assert line.startswith("imported #2 A page in words") and "words.html" in line
    os.kill(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0 and err.strip() == "stopped"


def test_clippings_watch_refuses_a_missing_folder_or_the_archive(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archive.cli import cli

    archive = tmp_path / "archive"
    result = CliRunner().invoke(cli, ["--archive", str(archive), "watch", str(tmp_path / "no")])
    assert result.exit_code == 1 and "no such folder" in result.stderr
    result = CliRunner().invoke(cli, ["--archive", str(archive), "watch", str(tmp_path)])
    assert result.exit_code == 1 and "can't hold the archive" in result.stderr


MANY = 60  # pages of a first import long enough to be stopped in the middle


def _many_pages(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"page-{n:03}.html").write_text(page(f"Page {n}", f"Story number {n} of many"))


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_during_an_import_ends_after_the_page_under_way(
    saved: Path, tmp_path: Path, stop_with: int
) -> None:
    """Ctrl+C (the terminal signals every process of the group) or a service manager's
    SIGTERM to the group: it stops soon, exit 0, no traceback, no page reported as crashed;
    the next start imports the rest."""
    _many_pages(saved / "many", MANY)
    process = _watch_process(saved, tmp_path / "archive", "--json")
    assert process.stdout is not None
    assert "watching" in json.loads(process.stdout.readline())
    assert json.loads(process.stdout.readline())["outcome"] == "imported"
    os.killpg(process.pid, stop_with)
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "crashed" not in out + err
    assert '"failed"' not in out
    with Archive.open(tmp_path / "archive") as archive:
        done = len(archive) - 1
    assert 1 <= done < MANY  # stopped before the end
    with Archive.open(tmp_path / "archive") as archive, Running(archive, [saved]) as again:
        assert again.present == done
        assert len(archive) == 1 + MANY


def test_a_stop_while_waiting_for_another_writer_ends_at_once(saved: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder):
        pass
    with another_writer(folder):
        process = _watch_process(saved, folder)
        assert process.stderr is not None
        assert "watching" in process.stderr.readline()
        assert "waiting for it" in process.stderr.readline()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)  # not waiting for the other writer
        assert process.returncode == 0 and err.strip() == "stopped", err


def test_an_empty_file_found_at_the_start_is_left_alone_as_while_watching(
    archive: Archive, saved: Path
) -> None:
    """A placeholder there when the watcher starts: no failure told (it was, at a start, but
    not while watching), nothing remembered; filled, it is imported."""
    (saved / "story.html").write_bytes(b"")
    with Running(archive, [saved]) as running:
        time.sleep(SETTLE * 3)
        assert not running.outcomes("story.html")
        assert archive.watch_failures() == {}
        (saved / "story.html").write_text(page("Arrived at last"))
        wait_for(lambda: running.outcomes("story.html") == ["imported"])


def test_a_browsers_empty_placeholder_is_no_failure(archive: Archive, saved: Path) -> None:
    """Firefox leaves an empty ``X.html`` beside ``X.html.part`` until the download ends."""
    with Running(archive, [saved]) as running:
        (saved / "story.html").write_bytes(b"")
        (saved / "story.html.part").write_text(page("Downloading"))
        time.sleep(SETTLE * 4)
        (saved / "story.html.part").rename(saved / "story.html")
        wait_for(lambda: running.events)
        time.sleep(SETTLE * 3)
    assert [e.outcome for e in running.events] == ["imported"]


def _import_interrupted(folder: Path, archive: Path, pages: int) -> tuple[int, str] | None:
    """An import of ``pages`` pages given Ctrl+C at the first page it tells of: (its status,
    what it said); None when it was over before the signal could go (this process, starved of
    the cores by the import's own, read its first line late: it tells of pages only once
    committed, and a loaded CI machine signalled an import already done)."""
    _many_pages(folder, pages)
    process = _cli_process(archive, "import", str(folder), "--events", "--jobs", "2")
    assert process.stdout is not None
    while json.loads(process.stdout.readline()).get("event") != "file":
        pass  # (the index catching up first, if it must)
    if process.poll() is not None:
        process.communicate(timeout=WAIT)
        return None
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=WAIT)
    return process.returncode, err


def test_a_ctrl_c_during_an_import_ends_it_at_once_and_says_what_was_kept(
    saved: Path, tmp_path: Path
) -> None:
    """Ctrl+C to ``clippings import`` (the terminal signals the whole group): it ends at once
    with status 130 and says how to finish. The index's writing processes waited on their
    queue for good, and the import with them, joining them as it exited."""
    for pages in (300, 1200):  # (more pages when the import was over before the signal)
        folder, archive = saved / f"many-{pages}", tmp_path / f"archive-{pages}"
        interrupted = _import_interrupted(folder, archive, pages)
        if interrupted is not None:
            break
    else:
        pytest.fail("each import was over before Ctrl+C could be sent")
    status, err = interrupted
    assert status == 130, err
    assert "Traceback" not in err
    assert re.search(r"interrupted: \d+ pages? stored before the stop", err)
    assert "the same import again finishes it" in err
    command = [*ARCHIVE_COMMAND, str(archive), "import", str(folder)]
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    with Archive.open(archive) as opened:
        assert len(opened) == 1 + pages


def test_a_ctrl_c_while_the_workers_fork_server_loads_prints_no_traceback(
    saved: Path, tmp_path: Path
) -> None:
    """The fork server of an import's workers loads the extractor for a second or more after
    the import starts: a Ctrl+C then printed its traceback over the terminal (it is of the
    terminal's process group, and only ignores Ctrl+C once loaded)."""
    folder, archive = saved / "many", tmp_path / "archive"
    _many_pages(folder, 40)
    with Archive.open(archive):
        pass
    process = _cli_process(archive, "import", str(folder), "--jobs", "2")
    deadline = time.monotonic() + WAIT
    while not _fork_server_of(process.pid) and process.poll() is None:
        assert time.monotonic() < deadline, "no fork server started"
        time.sleep(0.01)
    time.sleep(0.3)  # its interpreter started, its loading under way
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=WAIT)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert process.returncode in (0, 130), err


def _fork_server_of(pid: int) -> bool:
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
            command = (child / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == pid and b"forkserver" in command:
            return True
    return False


def test_a_watchers_failures_leave_the_last_imports_for_retry_failed(
    archive: Archive, saved: Path, tmp_path: Path
) -> None:
    """``import --retry-failed`` retries what the user's last import failed; the watcher
    keeps its own list (it took the watcher's last failures)."""
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    archive.import_paths([broken])
    assert [f.source for f in archive.last_failures()] == [str(broken)]
    with Running(archive, [saved]) as running:
        (saved / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
        wait_for(lambda: running.outcomes("photo.html") == ["failed"])
    assert [f.source for f in archive.last_failures()] == [str(broken)]


FORMATS = Path(__file__).parent / "fixtures" / "formats"


@pytest.mark.parametrize("arrives", ["made in place", "moved in whole"])
def test_a_files_folder_that_arrives_after_its_page_is_stored_with_it(
    archive: Archive, saved: Path, tmp_path: Path, arrives: str
) -> None:
    """The folder came seconds after its page was imported: it was never stored (moved in
    whole, not even looked at), and the page was told "already in the archive" again."""
    with Running(archive, [saved]) as running:
        (saved / "Story.html").write_text(page("Story with late pictures"))
        wait_for(lambda: running.events)
        [imported] = running.events
        assert imported.outcome == "imported"
        time.sleep(SETTLE * 4)  # long after the page settled
        made = saved / "Story_files" if arrives == "made in place" else tmp_path / "Story_files"
        made.mkdir()
        (made / "style.css").write_text("body { color: black }")
        (made / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(5000))
        if arrives == "moved in whole":
            made.rename(saved / "Story_files")
        wait_for(lambda: len(running.events) == 2, what=lambda: running.events)
        time.sleep(SETTLE * 3)  # once
        assert running.events[1:] == [
            WatchEvent(
                str(saved / "Story.html"),
                "files",
                imported.id,
                folder=str(saved / "Story_files"),
                files=2,
            )
        ]
    assert archive.catalog.page_info(imported.id)["assets_sha256"]
    assert archive.check().ok


def test_a_record_already_in_the_archive_is_told_with_its_clipping(
    archive: Archive, saved: Path
) -> None:
    """A WARC and a cut-off copy of it: "already in the archive #None" for the copy's
    record, its id never found (the watcher hashed the whole WARC file for it)."""
    with Running(archive, [saved]) as running:
        for name in ("capture.warc.gz", "truncated.warc.gz"):
            (saved / name).write_bytes((FORMATS / name).read_bytes())
        wait_for(lambda: running.outcomes("truncated.warc.gz#offset=0"))
        told = {Path(e.path).name: (e.outcome, e.id) for e in running.events}
    first = told["capture.warc.gz#offset=0"]
    assert first[0] == "imported" and first[1] is not None
    assert told["truncated.warc.gz#offset=0"] == ("present", first[1])


def test_clippings_watch_says_when_a_pages_files_folder_is_added(
    saved: Path, tmp_path: Path
) -> None:
    process = _watch_process(saved, tmp_path / "archive")
    assert process.stderr is not None and process.stdout is not None
    assert process.stderr.readline().startswith("watching")
    assert process.stderr.readline().startswith("caught up")
    (saved / "Late.html").write_text(page("Late pictures"))
    assert process.stdout.readline().startswith("imported #2 Late pictures")
    time.sleep(SETTLE * 4)
    shutil.copytree(FORMATS / "complete" / "Tide tables explained_files", saved / "Late_files")
    line = process.stdout.readline()
    assert line == f"files added: #2 Late pictures  ({saved / 'Late_files'}/, 3 files)\n"
    os.kill(process.pid, signal.SIGTERM)
    _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0 and err.strip() == "stopped"
