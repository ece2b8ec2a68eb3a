"""An import in a child process, followed event by event (what the TUI runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.api import Archive
from archive.background import BackgroundImport
from archive.models import ClippingsError

from .conftest import PAGES


def test_a_background_import_reports_each_file_and_the_whole(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    shutil.copytree(PAGES, folder)
    (folder / "empty.html").write_bytes(b"")
    with Archive.open(tmp_path / "archive") as archive:
        job = BackgroundImport(archive.path, [folder])
        events = list(job.events())
        report = job.report()
        assert [e.done for e in events] == list(range(1, 8))
        assert {e.total for e in events} == {7}
        assert len(report.imported) == 6
        [failure] = report.failed
        assert failure.source.endswith("empty.html") and "empty" in failure.reason
        # the parent's archive sees what the child committed
        assert len(archive) == 7
        assert archive.search("wework").hits


def test_a_background_import_that_cannot_start_says_why_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    job = BackgroundImport(blocker / "archive", [PAGES])
    assert list(job.events()) == []
    with pytest.raises(ClippingsError) as caught:
        job.report()
    assert "\n" not in str(caught.value) and "the import stopped" in str(caught.value)
