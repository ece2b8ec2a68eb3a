"""A full disk and a read-only archive: one line saying so, no traceback, and the archive left
consistent (``check`` clean, what was archived before intact); the import finishes once the
disk has room again.

The disk is made full at each write layer in turn (an original, the catalog, the index), by
faking the error where the bytes are written or, for the catalog, with SQLite's own limit on
its size. Where the tests may mount file systems (root, with ``unshare``), a real read-only
archive and a real full disk are used too.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive import store
from archive.api import Archive
from archive.cli import cli
from archive.index.storage import MappedStorage
from archive.models import ArchiveWriteError
from archive.store import sha256_of

from .conftest import ROOT
from .test_crash import saved_pages


def run(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--archive", str(folder), *args])


def one_line_error(result: Result, reason: str) -> None:
    """The command failed with exactly one line, naming ``reason``, and no traceback (a
    progress line before it aside)."""
    assert result.exit_code == 1, result.output
    lines = [x for x in result.stderr.splitlines() if x and not re.match(r"\d+/\d+ files", x)]
    assert len(lines) == 1 and lines[0].startswith("clippings: can't write to the archive: ")
    assert reason in lines[0] and "Traceback" not in result.output


def failing_after(calls: int, code: int):
    """A stand-in for a write that succeeds ``calls`` times, then fails with ``code``."""
    done = []

    def fail(real, *args, **kwargs):
        if len(done) >= calls:
            raise OSError(code, os.strerror(code))
        done.append(1)
        return real(*args, **kwargs)

    return fail


def assert_consistent(folder: Path, before: list[tuple[int, str]]) -> None:
    """``check`` is clean and the clippings archived before are intact."""
    result = run(folder, "check", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["ok"] and not report["notes"], report
    with Archive.open(folder) as archive:
        for clipping_id, sha in before:
            assert archive.get(clipping_id).sha256 == sha
            assert sha256_of(archive.originals.read(sha)) == sha
        assert archive.index.ids() == set(archive.catalog.ids())


def snapshot(folder: Path) -> list[tuple[int, str]]:
    with Archive.open(folder) as archive:
        return [(c.id, c.sha256) for c in archive.clippings()]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "archive"
    pages = saved_pages(tmp_path / "pages")
    with Archive.open(folder) as archive:
        archive.import_paths([pages / "0-0.html"])
    return folder, pages


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only")]
)
def test_an_original_the_disk_refuses_ends_the_import_with_one_line(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    folder, pages = folders
    before = snapshot(folder)
    real = store._write_synced
    fail = failing_after(2, code)
    monkeypatch.setattr(store, "_write_synced", lambda *a: fail(real, *a))
    one_line_error(run(folder, "import", str(pages)), reason)
    assert not any(p.name.startswith(".incoming-") for p in (folder / "originals").rglob("*"))
    assert_consistent(folder, before)
    with Archive.open(folder) as archive:
        assert len(archive) == 2 + 2  # the two pages written before the disk refused kept

    monkeypatch.setattr(store, "_write_synced", real)  # room again: the import finishes
    again = run(folder, "import", "--json", str(pages))
    assert again.exit_code == 0 and json.loads(again.stdout)["already_present"] == 3
    assert_consistent(folder, before)


def test_a_full_catalog_ends_the_import_and_rolls_back(folders: tuple[Path, Path]) -> None:
    """SQLite's real "database or disk is full", from a limit on the catalog's size."""
    folder, pages = folders
    before = snapshot(folder)
    with Archive.open(folder) as archive:
        pages_now = archive.catalog.db.execute("PRAGMA page_count").fetchone()[0]
        archive.catalog.db.execute(f"PRAGMA max_page_count = {pages_now}")
        with pytest.raises(ArchiveWriteError, match="the disk is full"):
            archive.import_paths([pages])
        assert archive.catalog.count() == 2
    result = run(folder, "check", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["ok"], report  # notes: the stored originals
    again = run(folder, "import", "--json", str(pages))  # takes them in
    assert again.exit_code == 0 and json.loads(again.stdout)["imported"] == 5
    assert_consistent(folder, before)


def test_a_full_disk_under_the_index_keeps_the_catalog_and_the_index_follows(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, pages = folders
    before = snapshot(folder)
    real = MappedStorage.create_file
    fail = failing_after(0, errno.ENOSPC)
    monkeypatch.setattr(MappedStorage, "create_file", lambda *a, **k: fail(real, *a, **k))
    one_line_error(run(folder, "import", str(pages)), "the disk is full")
    one_line_error(run(folder, "tag", "2", "ferries"), "the disk is full")
    one_line_error(run(folder, "import", str(pages)), "the disk is full")  # the index first
    monkeypatch.setattr(MappedStorage, "create_file", real)
    with Archive.open(folder) as archive:  # the journal tells the index what it lacks
        assert archive.search("tag:ferries").total == 1
        assert archive.search("tide mills").total == 1
        assert len(archive) == 1 + 5
    assert_consistent(folder, before)


def test_a_folder_that_cannot_be_written_opens_read_only(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes in read-only folders (the mounted variant runs instead)")
    folder, pages = folders
    before = snapshot(folder)
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        one_line_error(run(folder, "import", str(pages)), "read-only")
        assert run(folder, "search", "harbour").exit_code == 0
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert_consistent(folder, before)


# -- real file systems: a read-only mount, a full one (root and ``unshare`` only) ------------


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /tmp"], capture_output=True
    )
    return probe.returncode == 0


mounts = pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount")


def in_own_mounts(script: str, tmp_path: Path) -> list[dict]:
    """Run the shell ``script`` in a mount namespace of its own (its mounts vanish with it);
    ``$CLIPPINGS`` runs the command. Each ``record NAME CMD...`` line records its command's
    status, stdout and stderr; returns the records."""
    log = tmp_path / "records"
    log.mkdir()
    prelude = f"""
set -e
CLIPPINGS="{sys.executable} -m archive"
record() {{
    name=$1; shift
    set +e; "$@" >{log}/$name.out 2>{log}/$name.err; echo $? >{log}/$name.status; set -e
}}
"""
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", prelude + script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {
        path.stem: {
            "status": int((log / f"{path.stem}.status").read_text()),
            "out": (log / f"{path.stem}.out").read_text(),
            "err": (log / f"{path.stem}.err").read_text(),
        }
        for path in log.glob("*.status")
    }


@mounts
def test_a_read_only_mounted_archive_is_searched_and_refuses_writes(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, pages = folders
    before = snapshot(folder)
    records = in_own_mounts(
        f"""
mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}
record import $CLIPPINGS --archive {folder} import {pages}
record tag $CLIPPINGS --archive {folder} tag 2 ferries
record search $CLIPPINGS --archive {folder} search harbour
record check $CLIPPINGS --archive {folder} check
""",
        tmp_path,
    )
    for name in ("import", "tag"):
        assert records[name]["status"] == 1, records[name]
        [line] = records[name]["err"].strip().splitlines()
        assert line == f"clippings: can't write to the archive: it is read-only ({folder})"
    search = records["search"]
    assert search["status"] == 0 and "The harbour cranes" in search["out"], search
    assert records["check"]["status"] == 0, records["check"]
    assert_consistent(folder, before)


@mounts
def test_a_really_full_disk_ends_the_import_with_one_line_and_it_resumes(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """The archive on a small tmpfs that big pages fill; then room again, on the same mount."""
    folder, pages = folders
    big = tmp_path / "big"
    big.mkdir()
    filler = "<!-- " + "x" * 150_000 + " -->"  # bytes to store, nothing to extract
    for page in sorted(pages.iterdir()):
        html = page.read_text(encoding="utf-8")
        (big / page.name).write_text(html.replace("</body>", filler + "</body>"))
    files = [p for p in folder.rglob("*") if p.is_file()]
    used = sum(-(-p.stat().st_size // 4096) * 4096 for p in files) + 4096 * len(files)
    disk = tmp_path / "disk"
    disk.mkdir()
    records = in_own_mounts(
        f"""
mount -t tmpfs -o size={used + 450_000} tmpfs {disk}
cp -a {folder} {disk}/archive
record full $CLIPPINGS --archive {disk}/archive import {big}
record check_full $CLIPPINGS --archive {disk}/archive check --json
mount -o remount,size=20m {disk}
record resumed $CLIPPINGS --archive {disk}/archive import --json {big}
record check_resumed $CLIPPINGS --archive {disk}/archive check --json
""",
        tmp_path,
    )
    full = records["full"]
    assert full["status"] == 1, full
    [line] = full["err"].strip().splitlines()[-1:]
    assert line.startswith("clippings: can't write to the archive: the disk is full")
    assert "Traceback" not in full["err"]
    assert json.loads(records["check_full"]["out"])["ok"], records["check_full"]
    resumed = records["resumed"]
    assert resumed["status"] == 0, resumed
    summary = json.loads(resumed["out"])
    assert summary["imported"] + summary["already_present"] == 6
    assert json.loads(records["check_resumed"]["out"])["ok"]
