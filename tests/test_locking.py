"""One writer at a time across processes, readers never blocked: real processes.

An import is stopped (SIGSTOP, see ``archive.crashpoints``) in the middle of its catalog
transaction, holding every lock it takes: the archive's write lock, SQLite's write lock. Meanwhile
a search in another process completes, and a second import waits, saying so, then finishes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.api import Archive
from archive.crashpoints import ENV
from archive.models import ArchiveBusy

from .conftest import ROOT
from .test_crash import SAVES, clippings, saved_pages


def start(
    folder: Path, *args: str, stop_at: str | None = None, stderr: Path | None = None
) -> subprocess.Popen[str]:
    """``clippings ARGS`` started in a process of its own (stopped at ``stop_at``), its
    stderr written to the file ``stderr``."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if stop_at:
        env[ENV] = f"{stop_at}:stop"
    with stderr.open("w") if stderr else open(os.devnull, "w") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "archive", "--archive", str(folder), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=ROOT,
            env=env,
        )


def wait_until_stopped(process: subprocess.Popen) -> None:
    _, status = os.waitpid(process.pid, os.WUNTRACED)  # returns once it stops (not reaped)
    assert os.WIFSTOPPED(status), status


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")
def test_readers_go_on_and_a_second_writer_waits_while_an_import_writes(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder):
        pass
    pages = saved_pages(tmp_path / "pages")
    first = start(folder, "import", "--jobs", "1", str(pages), stop_at="catalog.during:1")
    try:
        wait_until_stopped(first)  # its first row in its transaction, every lock held

        began = time.monotonic()
        search = clippings("--archive", str(folder), "search", "--json", "korea")
        assert search.returncode == 0, search.stderr
        assert time.monotonic() - began < 10  # not the 30 s of SQLite's busy timeout
        assert [json.loads(line)["id"] for line in search.stdout.splitlines()] == [1]
        with Archive.open(folder) as reader:  # in this process too; and the UI's edits...
            assert len(reader) == 1 and reader.search("").total == 1
            reader.wait_for_writers = False
            with pytest.raises(ArchiveBusy, match="another import is running"):
                reader.set_tags(1, ["later"])  # ...are refused at once, not frozen

        err = tmp_path / "second.err"
        second = start(folder, "import", "--json", str(pages), stderr=err)
        deadline = time.monotonic() + 30
        while "waiting" not in err.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert err.read_text().strip() == (
            "clippings: another import is running in this archive; waiting for it…"
        )
        assert second.poll() is None  # waiting, not failing

        first.send_signal(signal.SIGCONT)
        first.communicate(timeout=60)
        assert first.returncode == 0
        out, _ = second.communicate(timeout=60)
        assert second.returncode == 0
        assert json.loads(out)["already_present"] == SAVES  # the first took them all
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
                process.send_signal(signal.SIGCONT)
                process.wait()
    with Archive.open(folder) as archive:
        assert len(archive.catalog.ids(every_version=True)) == 1 + SAVES
        assert archive.check().ok and not archive.check().notes
