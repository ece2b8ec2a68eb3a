"""A power cut: with ``synchronous=NORMAL`` the catalog (SQLite, WAL) can come back without
its last commits, while the originals (synced before their rows) and the index files written
after them survive. Built exactly: the catalog is copied with SQLite's backup API while an
import is stopped mid-transaction, the import finishes, and the copy is put back (its WAL gone,
as an unsynced WAL is after a cut). The archive opens, ``check`` names what is out of step,
``--repair`` brings it in step, and the same import run again completes it with nothing
duplicated. Real processes, a real stop."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from archive.api import Archive

from .test_crash import SAVES, assert_in_step, check, resume, saved_pages
from .test_locking import start, wait_until_stopped


def _copy_catalog(catalog: Path, into: Path) -> None:
    """The catalog as another process reads it now (its last commit), with the backup API."""
    source = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    target = sqlite3.connect(into)
    with target:
        source.backup(target)
    source.close()
    target.close()


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")
def test_a_catalog_rolled_back_by_a_power_cut_is_brought_in_step(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder):
        pass
    pages = saved_pages(tmp_path / "pages")
    importing = start(folder, "import", "--jobs", "1", str(pages), stop_at="catalog.during:1")
    try:
        wait_until_stopped(importing)  # its first row in its transaction
        _copy_catalog(folder / "catalog.sqlite3", tmp_path / "before-the-cut.sqlite3")
    finally:
        os.kill(importing.pid, signal.SIGCONT)
    importing.communicate(timeout=120)
    assert importing.returncode == 0
    with Archive.open(folder) as archive:
        assert len(archive) == 1 + SAVES - 1  # the sample, five pages (one in two versions)
        assert archive.index.doc_count() == len(archive)

    # the cut: the catalog as it was, its WAL lost; the originals and the index as they are
    for suffix in ("-wal", "-shm"):
        Path(f"{folder / 'catalog.sqlite3'}{suffix}").unlink(missing_ok=True)
    os.replace(tmp_path / "before-the-cut.sqlite3", folder / "catalog.sqlite3")

    status, report = check(folder)  # what is out of step is named
    assert status == 1, report
    # (five entries: the sixth page is an older version, which the index does not hold)
    assert report["problems"] == ["the index has 5 deleted ones (check --repair fixes it)"]
    assert any("6 originals no clipping points to" in n for n in report["notes"]), report
    with Archive.open(folder) as archive:
        # it opens, and answers from the catalog's truth: the index entries of the rows the cut
        # took are dropped as it opens (the originals are kept: never thrown away)
        assert len(archive) == 1
        assert archive.search("").total == 1

    status, repaired = check(folder, "--repair")
    assert status == 0 and repaired["repaired"], repaired
    status, clean = check(folder)
    assert status == 0 and clean["ok"] and not clean["notes"], clean
    assert_in_step(folder)

    result = resume(folder, pages)  # the same import again: it completes, nothing twice
    assert result.exit_code == 0, result.output
    with Archive.open(folder) as archive:
        shas = [c.sha256 for c in archive.catalog.get_many(archive.catalog.ids(every_version=True))]
        assert len(shas) == len(set(shas)) == 1 + SAVES
        assert len(archive) == 1 + SAVES - 1
        assert archive.search("ferry").total == 1
    assert_in_step(folder)
