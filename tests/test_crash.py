"""Crash safety: an import SIGKILLed before, during and after each of its writes (an original,
the catalog transaction, the index commit) loses nothing. Afterwards the archive opens in step,
``clippings check`` finds it clean (or ``--repair`` makes it so), and the same import run again
finishes with every page archived exactly once.

Real processes, real kills: ``python -m archive import`` with ``$CLIPPINGS_CRASH_AT`` naming the
point (see ``archive.crashpoints``), on a copy of one small archive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.api import Archive
from archive.cli import cli
from archive.crashpoints import ENV
from archive.store import sha256_of

from .conftest import ROOT, assert_pool_ended, pool_processes

SAVES = 6  # files in the import: five pages, one of them saved twice (two versions)


def saved_pages(folder: Path) -> Path:
    """Six small saved pages: four articles, and two saves of a fifth (one URL)."""
    folder.mkdir(parents=True, exist_ok=True)
    topics = ["harbour cranes", "river ferry", "night trains", "city orchards", "tide mills"]
    for number, topic in enumerate(topics):
        body = " ".join(
            f"Sentence {n} about the {topic}, which the town council discussed this week."
            for n in range(25)
        )
        for save in range(2 if number == 4 else 1):
            extra = f"<p>Updated: the {topic} story, save {save}.</p>" if save else ""
            (folder / f"{number}-{save}.html").write_text(
                f"<html><head><title>The {topic}</title>"
                f"<link rel='canonical' href='https://news.example/{number}'></head><body>"
                f"<article><h1>The {topic}</h1><p>{body}</p>{extra}</article></body></html>",
                encoding="utf-8",
            )
    return folder


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive (the sample page), made once and copied by each test."""
    folder = tmp_path_factory.mktemp("template") / "archive"
    with Archive.open(folder):
        pass
    return folder


@pytest.fixture
def setup(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "archive"
    shutil.copytree(template, folder)
    return folder, saved_pages(tmp_path / "pages")


def clippings(*args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    """``clippings ARGS`` in a process of its own, killed at ``crash`` if given."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if crash:
        env[ENV] = crash
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def resume(folder: Path, pages: Path) -> Result:
    """The same import run again (in this process: the importer is loaded once)."""
    return CliRunner().invoke(cli, ["--archive", str(folder), "import", "--json", str(pages)])


def check(folder: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--archive", str(folder), "check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def assert_in_step(folder: Path) -> None:
    """The archive opens with its index holding exactly the current clippings, and every
    clipping's original is whole."""
    with Archive.open(folder) as archive:
        assert archive.index.ids() == set(archive.catalog.ids())
        assert archive.catalog.unindexed() == []
        assert archive.search("").total == len(archive)
        for clipping in archive.catalog.get_many(archive.catalog.ids(every_version=True)):
            assert sha256_of(archive.originals.read(clipping.sha256)) == clipping.sha256


def assert_clean(folder: Path) -> None:
    """``clippings check`` finds it clean, or ``--repair`` makes it so."""
    status, report = check(folder)
    if status != 0:
        assert report["problems"] and all(p.startswith("the index") for p in report["problems"])
        status, repaired = check(folder, "--repair")
        assert status == 0 and repaired["repaired"], repaired
        status, report = check(folder)
    assert status == 0 and report["ok"], report


# Each step's points (in the order an import meets them), at its first pass and at later ones:
# six originals and six rows are written, the catalog commits once, the index commits once.
KILL_POINTS = [
    "original.before:1",
    "original.during:1",
    "original.synced:1",
    "original.after:1",
    "original.during:4",
    "original.after:6",
    "catalog.before:1",
    "catalog.during:3",
    "catalog.during:6",
    "catalog.after:1",
    "index.before:1",
    "index.during:1",
    "index.after:1",
]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_an_import_killed_at_a_write_step_resumes_with_every_page_once(
    setup: tuple[Path, Path], point: str
) -> None:
    folder, pages = setup
    killed = clippings("--archive", str(folder), "import", "--jobs", "1", str(pages), crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the point was reached

    assert_clean(folder)
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        assert archive.get(1).title  # the clipping archived before is intact

    resumed = resume(folder, pages)
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    assert summary["imported"] + summary["already_present"] == SAVES and not summary["failed"]
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        every = archive.catalog.get_many(archive.catalog.ids(every_version=True))
        expected = {sha256_of(p.read_bytes()) for p in pages.iterdir()} | {archive.get(1).sha256}
        assert sorted(c.sha256 for c in every) == sorted(expected)  # each page exactly once
        assert len(archive) == 1 + 5  # the two saves of one URL are versions of one clipping
        assert len(archive.search("tide mills").hits) == 1
    status, report = check(folder)
    assert status == 0 and report["ok"] and not report["notes"], report


def test_an_import_killed_in_a_worker_process_resumes(setup: tuple[Path, Path]) -> None:
    """With worker processes, a kill in one of them (writing an original) kills the import."""
    folder, pages = setup
    before = pool_processes()
    killed = clippings(
        "--archive", str(folder), "import", "--jobs", "2", str(pages), crash="original.synced:2"
    )
    assert killed.returncode == -signal.SIGKILL
    assert_pool_ended(before)
    assert_clean(folder)
    resumed = resume(folder, pages)
    assert resumed.exit_code == 0, resumed.output
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        assert len(archive.catalog.ids(every_version=True)) == 1 + SAVES


@pytest.mark.parametrize("point", ["index.before:1", "index.during:1", "index.after:1"])
def test_a_delete_killed_after_the_catalog_is_finished_on_open(
    setup: tuple[Path, Path], point: str
) -> None:
    """``clippings rm`` killed after its catalog transaction: the next open takes the clipping
    out of the index and deletes its original; nothing brings it back."""
    folder, pages = setup
    with Archive.open(folder) as archive:
        [clipping_id] = archive.import_paths([pages / "0-0.html"]).imported
        original = archive.original_path(clipping_id)
    killed = clippings("--archive", str(folder), "rm", str(clipping_id), crash=point)
    assert killed.returncode == -signal.SIGKILL
    status, report = check(folder)  # before anything opens it to put it right
    assert status == 0, report
    assert "1 original of a deleted clipping is still stored" in report["notes"][0], report
    if point != "index.after:1":  # the journal explains the index: a note, not a problem
        assert "the index has 1 deleted one: an interrupted write" in report["notes"][1]
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        assert len(archive) == 1 and archive.search("harbour").total == 0
        assert not original.exists()
    status, report = check(folder, "--repair")
    assert status == 0 and not report["repaired"] and not report["notes"], report


def test_a_tag_killed_before_the_index_commit_is_searchable_after_open(
    setup: tuple[Path, Path],
) -> None:
    folder, _ = setup
    killed = clippings("--archive", str(folder), "tag", "1", "sample", crash="index.during:1")
    assert killed.returncode == -signal.SIGKILL
    status, report = check(folder)
    assert status == 0 and "has 1 changed since it took them" in report["notes"][0], report
    with Archive.open(folder) as archive:  # the journal names it: the index takes it again
        assert [h.clipping.id for h in archive.search("tag:sample").hits] == [1]
    assert check(folder)[0] == 0


def test_a_new_version_killed_before_the_index_commit_replaces_the_old_on_open(
    setup: tuple[Path, Path],
) -> None:
    """The catalog counts as many current clippings before and after a page's new save: the
    journal, not the count, tells the index to take the new version (and drop the old)."""
    folder, pages = setup
    with Archive.open(folder) as archive:
        [first] = archive.import_paths([pages / "4-0.html"]).imported
    killed = clippings(
        "--archive", str(folder), "import", str(pages / "4-1.html"), crash="index.before:1"
    )
    assert killed.returncode == -signal.SIGKILL
    assert_clean(folder)
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        [hit] = archive.search("tide mills").hits
        assert hit.clipping.id != first and "save 1" in archive.get(hit.clipping.id).text


@pytest.mark.parametrize("point", ["original.synced:1", "original.after:1", "catalog.after:1"])
def test_a_files_folder_added_to_a_page_there_already_survives_a_kill(
    template: Path, tmp_path: Path, point: str
) -> None:
    """The folder's zip is whole on disk before the catalog points at it; killed before the
    catalog commits, the same import run again gives it to the clipping."""
    folder = tmp_path / "archive"
    shutil.copytree(template, folder)
    saves = tmp_path / "saves"
    complete = ROOT / "tests" / "fixtures" / "formats" / "complete"
    saves.mkdir()
    shutil.copy(complete / "Tide tables explained.html", saves)
    with Archive.open(folder) as archive:
        [clipping_id] = archive.import_paths([saves]).imported
    shutil.copytree(complete / "Tide tables explained_files", saves / "Tide tables explained_files")
    killed = clippings("--archive", str(folder), "import", str(saves), crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert_in_step(folder)
    with Archive.open(folder) as archive:
        stored = archive.catalog.page_info(clipping_id)["assets_sha256"]
        assert stored is None or archive.originals.path(stored).exists()
    resumed = resume(folder, saves)
    assert resumed.exit_code == 0, resumed.output
    added = json.loads(resumed.stdout)["files_added"]
    assert [a["id"] for a in added] == ([] if point == "catalog.after:1" else [clipping_id])
    with Archive.open(folder) as archive:
        assert archive.catalog.page_info(clipping_id)["assets_sha256"]
    status, report = check(folder)
    assert status == 0 and report["ok"] and not report["notes"], report
