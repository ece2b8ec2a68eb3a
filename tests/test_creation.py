"""Creating an archive is atomic: either there is none, or it holds the bundled pages with the
sample as clipping 1, whatever moment the first start is killed at, whichever command opens it
next, and however many processes start on it at once. ``check`` knows the bundled pages: a
missing sample is reported and ``--repair`` restores it, a deleted one is the user's choice.
Real processes, real kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import bundled
from archive.api import Archive
from archive.cli import cli
from archive.crashpoints import ENV

ROOT = Path(__file__).resolve().parent.parent


def sample_sha() -> str:
    return next(iter(bundled.hashes()))


def clippings(folder: Path, *args: str, crash: str | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if crash:
        env[ENV] = crash
    command = [sys.executable, "-m", "archive", "--archive", str(folder), *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )


def check(folder: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--archive", str(folder), "check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def assert_created(folder: Path) -> None:
    """The archive holds the sample as clipping 1, once, and checks clean."""
    with Archive.open(folder) as archive:
        assert archive.catalog.created()
        assert archive.catalog.id_for_hash(sample_sha()) == bundled.SAMPLE_ID
        assert len(archive.catalog.ids(every_version=True)) == len(bundled.pages())
        found = archive.search("")
        # every page is found, or told as not searchable yet: opening an archive does not wait
        # for its index to catch up when it can't at once (a full CI run, once), and the
        # next import, check --repair or the TUI's background catches up
        assert found.total + found.unindexed == len(bundled.pages())
        if found.unindexed:
            archive.catch_up()
        assert archive.search("").total == len(bundled.pages())
    status, report = check(folder)
    assert status == 0 and report["ok"], report


@pytest.mark.parametrize(
    "point", ["original.after:1", "catalog.during:1", "catalog.after:1", "index.after:1",
              "create.before_mark:1"]
)  # fmt: skip
def test_a_first_start_killed_at_a_write_step_is_finished_by_the_next(
    tmp_path: Path, point: str
) -> None:
    folder = tmp_path / "archive"
    killed = clippings(folder, "list", crash=point)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    then = clippings(folder, "list")  # any command finishes it
    out, err = then.communicate(timeout=60)
    assert then.returncode == 0, err
    assert out.splitlines()[0].startswith("1\t")
    assert_created(folder)


def test_a_creation_killed_after_its_index_commit_is_searchable_at_the_next_open(
    tmp_path: Path,
) -> None:
    # the open that finished the creation marked it created, but left the journal of its index
    # commit for the open after: the sample was found and told unindexed at once (a CI run)
    folder = tmp_path / "archive"
    killed = clippings(folder, "list", crash="index.after:1")
    killed.communicate(timeout=60)
    with Archive.open(folder) as archive:
        found = archive.search("")
        assert (found.total, found.unindexed) == (1, 0)


def test_a_first_start_killed_at_any_moment_is_finished_by_the_next(tmp_path: Path) -> None:
    """A short sweep of kill times over the first start (``bench/killsweep.py`` runs more)."""
    started = time.monotonic()
    whole = clippings(tmp_path / "timed", "list")
    whole.communicate(timeout=60)
    duration = time.monotonic() - started
    for n, fraction in enumerate((0.2, 0.4, 0.55, 0.7, 0.85, 1.0)):
        folder = tmp_path / f"archive-{n}"
        process = clippings(folder, "list")
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert_created(folder)


def test_a_column_another_start_added_first_is_no_error(tmp_path: Path) -> None:
    # two first starts at once: both saw the column missing, the second's ALTER failed with
    # "duplicate column name: superseded_by" (the test below, on a loaded machine)
    from archive.store import Catalog

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog._add_column("superseded_by INTEGER")  # there already: as if added meanwhile
    catalog.close()


def test_two_first_starts_at_once_make_one_sample(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    processes = [clippings(folder, "list") for _ in range(3)]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    assert_created(folder)


def test_an_index_another_process_is_creating_is_waited_for_not_made_again(
    tmp_path: Path,
) -> None:
    # three first starts at once: the second made the index again, failing on the first's
    # table of contents ("File '_clippings7_0.toc' exists") or deleting what it had written
    import threading

    from archive.index import _INDEX_NAME, SCHEMA, Index
    from archive.index.storage import MappedStorage

    folder = tmp_path / "index"
    folder.mkdir()
    storage = MappedStorage(str(folder))
    lock = storage.lock(f"{_INDEX_NAME}_WRITELOCK")  # as the other process's creation holds it
    assert lock.acquire()
    opened: list[Index] = []
    waiting = threading.Thread(target=lambda: opened.append(Index(folder)))
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive(), "the index was made while another process was making it"
    other = storage.create_index(SCHEMA, indexname=_INDEX_NAME)
    writer = other.writer(_lk=False)
    writer.add_document(id="7")
    writer.commit()
    other.close()
    lock.release()
    waiting.join(timeout=30)
    assert opened and opened[0].doc_count() == 1  # the other's index, kept as it was
    opened[0].close()


def test_check_reports_a_missing_sample_and_repair_restores_it_as_clipping_1(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        # what a killed first start left before this version: the sample lost, not deleted
        with archive.catalog.transaction():
            archive.catalog.db.execute("DELETE FROM clippings WHERE id = 1")
        archive.sync_index()
    status, report = check(folder)
    assert status == 1
    assert any("bundled page" in p and "missing" in p for p in report["problems"]), report
    status, report = check(folder, "--repair")
    assert status == 0 and any("restored the bundled page" in r for r in report["repaired"])
    assert_created(folder)


def test_a_sample_the_user_deleted_stays_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.remove(bundled.SAMPLE_ID)
    status, report = check(folder, "--repair")
    assert status == 0 and report["repaired"] == [], report
    with Archive.open(folder) as archive:
        assert len(archive) == 0


def test_an_archive_from_before_the_mark_is_marked_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.remove(bundled.SAMPLE_ID)
        with archive.catalog.transaction():  # as an archive made before the mark existed
            archive.catalog.db.execute("DELETE FROM meta WHERE key LIKE '%removed_bundled%'")
            archive.catalog.db.execute("DELETE FROM meta WHERE key = 'created'")
        page = tmp_path / "page.html"
        page.write_text("<html><head><title>Mine</title></head><body><p>A page of mine.</p>")
        archive.import_paths([page])
    with Archive.open(folder) as archive:
        assert archive.catalog.created() and len(archive) == 1  # nothing imported again
    status, report = check(folder)
    assert status == 1 and "bundled page" in report["problems"][0]


def test_check_finds_a_clipping_indexed_twice(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive, archive.index.writer() as writer:
        writer.add(archive.get(bundled.SAMPLE_ID), new=True)  # a second entry
    status, report = check(folder)
    assert status == 1 and "twice" in report["problems"][0], report
    status, report = check(folder, "--repair")
    assert status == 0, report
    with Archive.open(folder) as archive:
        assert archive.index.duplicates() == set()
