"""``clippings backup`` and ``restore``: a round trip that loses nothing, a backup taken while the
archive is written, and files that are not backups (damaged, foreign, hostile) refused in one
line with nothing restored."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import backup as backup_module
from archive.api import Archive
from archive.backup import MANIFEST, create_backup, restore_backup
from archive.cli import cli
from archive.crashpoints import ENV as CRASH_ENV
from archive.models import ClippingsError
from archive.uploads import upload_token

from .conftest import FIXTURES, PAGES, ROOT
from .test_versions import save as _save_version  # two versions of one page

QUERIES = [
    "korea",
    '"maximum pressure"',
    "wework OR nasa",
    "europa~",
    "tag:work",
    "note:ministry",
    "has:notes",
    "is:tagged",
    "date:2019",
    "cranes",
    "tide*",
    "water plumes",
    "north korea nuclear program talks",
]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the fixture pages, a "Webpage, complete" save, two versions of one page,
    with tags, notes and a saved search. Tests copy it before changing it."""
    root = tmp_path_factory.mktemp("backup-source")
    saved = root / "saved"
    saved.mkdir()
    older = _save_version(saved, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning.")
    newer = _save_version(saved, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening.")
    folder = root / "archive"
    with Archive.open(folder) as archive:
        archive.import_paths([PAGES, FIXTURES / "formats" / "complete"], jobs=1)
        archive.import_paths([older], jobs=1)
        archive.import_paths([newer], jobs=1)
        ids = [c.id for c in archive.clippings()]
        archive.set_tags(ids[1], ["work", "korea"])
        archive.set_tags(ids[2], ["work"])
        archive.set_note(ids[1], "follow up with the ministry")
        archive.set_note(ids[3], 'a note with <b>markup</b> & "quotes"\nand a second line')
        archive.add_saved_search("work", "tag:work")
    return folder


@pytest.fixture
def archive_copy(source: Path, tmp_path: Path) -> Path:
    """A copy of the source archive this test may change."""
    copy = tmp_path / "live"
    shutil.copytree(source, copy)
    return copy


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result, *parts: str) -> None:
    """The command failed with one line on stderr naming what went wrong, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("clippings: "), result.output
    assert "Traceback" not in result.output
    for part in parts:
        assert part in result.output, result.output


def table(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / "catalog.sqlite3") as db:
        return db.execute(sql).fetchall()


def originals(folder: Path) -> dict[str, str]:
    """Every stored original: its name (the hash it is stored under) → the SHA-256 of its bytes."""
    return {
        path.parent.name + path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (folder / "originals").glob("*/*")
    }


def results(archive: Archive, query: str, **options) -> tuple[int, list[tuple[int, str]]]:
    found = archive.search(query, limit=None, **options)
    return found.total, [(hit.clipping.id, hit.snippet) for hit in found.hits]


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders of an interrupted backup, restore or export."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- the round trip -------------------------------------------------------------------------


def test_backup_then_restore_loses_nothing(archive_copy: Path, tmp_path: Path) -> None:
    file = tmp_path / "backups" / "clippings.zip"
    file.parent.mkdir()
    made = run("--archive", archive_copy, "backup", file)
    assert made.exit_code == 0, made.output
    assert f"to {file}" in made.output and "and 1 older version" in made.output
    assert zipfile.ZipFile(file).testzip() is None
    assert not any(n.startswith("index") for n in zipfile.ZipFile(file).namelist())

    restored = tmp_path / "restored"
    back = run("--archive", restored, "restore", file)
    assert back.exit_code == 0, back.output
    assert f"into {restored}" in back.output and "1 saved search " in back.output

    # the catalog, row for row: metadata, text, tags, notes, versions, saved searches, ...
    for sql in (
        "SELECT * FROM clippings ORDER BY id",
        "SELECT * FROM tags ORDER BY clipping_id, tag",
        "SELECT * FROM saved_searches ORDER BY id",
        "SELECT * FROM signatures ORDER BY clipping_id",
        "SELECT * FROM meta ORDER BY key",
        "SELECT * FROM sqlite_sequence",
    ):
        assert table(restored, sql) == table(archive_copy, sql), sql
    # the originals, byte for byte, each still under its own hash
    stored = originals(archive_copy)
    assert originals(restored) == stored
    assert all(name == digest for name, digest in stored.items())
    assert len(stored) == len(table(archive_copy, "SELECT id FROM clippings")) + 1  # + assets

    with Archive.open(archive_copy) as before, Archive.open(restored) as after:
        every = table(archive_copy, "SELECT id FROM clippings ORDER BY id")
        for (clipping_id,) in every:
            old, new = before.get(clipping_id), after.get(clipping_id)
            assert new == old  # every field: metadata, text, Markdown, tags, note
            assert after.versions(clipping_id) == before.versions(clipping_id)
        assert any(c.note for c in after.clippings()) and any(c.tags for c in after.clippings())
        assert after.saved_searches() == before.saved_searches()

        # the index, rebuilt from the catalog, finds the same clippings in the same order
        for query in QUERIES:
            assert results(after, query) == results(before, query), query
        assert results(after, "work", sort="newest") == results(before, "work", sort="newest")
        assert all(results(after, q)[0] for q in QUERIES)  # every query finds something
        assert after.facets("") == before.facets("")

        # scores too, against the original's index rebuilt the same way (a live index still
        # counts the clippings an update replaced in its statistics, until segments merge)
        before.reindex(reextract=False)
        for query in QUERIES:
            old = [(h.clipping.id, round(h.score, 6)) for h in before.search(query).hits]
            new = [(h.clipping.id, round(h.score, 6)) for h in after.search(query).hits]
            assert new == old, query

        report = after.check()
        assert report.ok and not report.notes, report.to_dict()
    assert leftovers(tmp_path) == [] and leftovers(file.parent) == []


def test_the_library_api_round_trip(archive_copy: Path, tmp_path: Path) -> None:
    with Archive.open(archive_copy) as archive:
        made = archive.backup(tmp_path / "b.zip")
        count = len(archive)
    assert made.clippings == count and made.versions == count + 1 and not made.missing
    assert made.size == (tmp_path / "b.zip").stat().st_size
    report = Archive.restore(tmp_path / "b.zip", tmp_path / "restored")
    assert report.to_dict()["clippings"] == count and report.originals == made.originals
    assert report.saved_searches == 1 and not report.replaced
    with Archive.open(tmp_path / "restored") as archive:
        assert len(archive) == count


def test_backup_into_a_folder_names_a_dated_file(archive_copy: Path, tmp_path: Path) -> None:
    result = run("--archive", archive_copy, "backup", "--json", tmp_path)
    assert result.exit_code == 0, result.output
    path = Path(json.loads(result.output)["path"])
    assert path.parent == tmp_path and path.name.startswith("clippings-backup-")
    assert path.suffix == ".zip" and path.is_file()


def test_backup_into_a_folder_not_there_yet_makes_it(archive_copy: Path, tmp_path: Path) -> None:
    """``backup ~/backups/`` with no such folder wrote a file named "backups", which the next
    backup replaced: the folder is made, and each backup is a new dated file in it, even two
    in the same second."""
    made = []
    for _ in range(2):
        result = run("--archive", archive_copy, "backup", "--json", f"{tmp_path / 'new'}/")
        assert result.exit_code == 0, result.output
        made.append(Path(json.loads(result.output)["path"]))
    # (two in one second were given one name, and the second replaced the first)
    assert (tmp_path / "new").is_dir() and made[0] != made[1]
    assert all(path.parent == tmp_path / "new" and path.is_file() for path in made)
    (tmp_path / "file").write_text("mine")
    one_line_error(
        run("--archive", archive_copy, "backup", f"{tmp_path / 'file'}/"), "is a file, not a folder"
    )
    assert (tmp_path / "file").read_text() == "mine"


# -- while the archive is in use ------------------------------------------------------------


def test_backup_runs_beside_a_writer_and_takes_only_what_is_committed(
    archive_copy: Path, tmp_path: Path
) -> None:
    writer = sqlite3.connect(archive_copy / "catalog.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process, in the middle of a write
    writer.execute("INSERT INTO tags (clipping_id, tag) VALUES (1, 'uncommitted')")
    report = create_backup(archive_copy, tmp_path / "during.zip")  # does not wait for it
    writer.execute("COMMIT")
    writer.close()
    assert report.clippings
    restore_backup(tmp_path / "during.zip", tmp_path / "during")
    assert ("uncommitted",) not in table(tmp_path / "during", "SELECT tag FROM tags")
    create_backup(archive_copy, tmp_path / "after.zip")
    restore_backup(tmp_path / "after.zip", tmp_path / "after")
    assert ("uncommitted",) in table(tmp_path / "after", "SELECT tag FROM tags")


def test_a_clipping_deleted_during_the_backup_starts_it_again(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog is copied first, the originals after: a clipping deleted in between would
    leave the copy pointing at a missing original, so the backup is taken again."""
    copy_catalog = backup_module._copy_catalog
    calls = []

    def copy_then_delete(source: Path, snapshot: Path) -> None:
        copy_catalog(source, snapshot)
        calls.append(snapshot)
        if len(calls) == 1:
            with Archive.open(archive_copy) as archive:
                archive.remove(2)  # its original goes with it

    monkeypatch.setattr(backup_module, "_copy_catalog", copy_then_delete)
    report = create_backup(archive_copy, tmp_path / "b.zip")
    assert len(calls) == 2 and not report.missing
    restore_backup(tmp_path / "b.zip", tmp_path / "restored")
    with Archive.open(tmp_path / "restored") as archive:
        assert 2 not in {c.id for c in archive.clippings()}
        assert archive.check().ok
    assert leftovers(tmp_path) == []


def damage(archive_copy: Path, damaged: int, missing: int) -> None:
    """Flip one bit of clipping ``damaged``'s original, delete clipping ``missing``'s."""
    with Archive.open(archive_copy) as archive:
        path = archive.original_path(damaged)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        os.chmod(path, 0o644)
        path.write_bytes(bytes(data))
        archive.original_path(missing).unlink()


def problems(folder: Path) -> list[str]:
    """What ``clippings check`` says is wrong in the archive in ``folder``."""
    result = run("--archive", folder, "check", "--json")
    return json.loads(result.stdout)["problems"]


def test_a_backup_of_damaged_and_missing_originals_restores_everything_else(
    archive_copy: Path, tmp_path: Path
) -> None:
    """A bit flipped in one original, another deleted: the backup says so for each clipping,
    and its restore gives back the rest, naming those two as ``check`` does (it refused the
    whole file, for an original that did not match its hash)."""
    damage(archive_copy, damaged=2, missing=4)
    made = run("--archive", archive_copy, "backup", tmp_path / "b.zip")
    assert made.exit_code == 1
    assert made.stderr.splitlines() == [
        "problem: clipping 2: its original is damaged (backed up as it is)",
        "problem: clipping 4: its original is missing (not in the backup)",
    ]

    restored = tmp_path / "restored"
    back = run("--archive", restored, "restore", tmp_path / "b.zip")
    assert back.exit_code == 1, back.output
    named = [line.removeprefix("problem: ") for line in back.stderr.splitlines()]
    assert len(named) == 2 and "Traceback" not in back.output
    assert named[0].startswith(f"clipping 2: its original is damaged ({restored}/originals/")
    assert named[1].startswith(f"clipping 4: its original is missing ({restored}/originals/")
    assert f"into {restored}" in back.stdout

    # the restored archive is the source, and fails its check on those two alone, as it did
    assert problems(restored) == named
    assert [p.split(" (")[0] for p in problems(archive_copy)] == [p.split(" (")[0] for p in named]
    assert originals(restored) == originals(archive_copy)
    for sql in ("SELECT * FROM clippings ORDER BY id", "SELECT * FROM tags ORDER BY tag"):
        assert table(restored, sql) == table(archive_copy, sql)
    with Archive.open(restored) as archive:
        report = archive.check()
        assert len(report.problems) == 2 and not report.notes, report.to_dict()
        assert archive.search("europa").total == 1
    assert leftovers(tmp_path) == []


def test_check_repair_from_a_backup_writes_back_the_originals_it_holds(
    archive_copy: Path, tmp_path: Path
) -> None:
    """``check --repair --from BACKUP``: the originals lost since the backup, taken from it
    (each checked against its hash); one it lacks stays a problem, and it says why."""
    before = originals(archive_copy)
    assert run("--archive", archive_copy, "backup", tmp_path / "good.zip").exit_code == 0
    damage(archive_copy, damaged=2, missing=4)
    assert run("--archive", archive_copy, "backup", tmp_path / "poor.zip").exit_code == 1

    alone = run("--archive", archive_copy, "check", "--from", tmp_path / "good.zip")
    one_line_error(alone, "only with --repair")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a backup")
    one_line_error(
        run("--archive", archive_copy, "check", "--repair", "--from", junk),
        f"{junk}: not a Clippings backup",
    )

    partly = run("--archive", archive_copy, "check", "--repair", "--from", tmp_path / "poor.zip")
    assert partly.exit_code == 1
    assert f"{tmp_path / 'poor.zip'} can't give the original of clipping 2: " in partly.stdout
    assert "clipping 4: its original is missing" in partly.stderr

    fixed = run("--archive", archive_copy, "check", "--repair", "--from", tmp_path / "good.zip")
    assert fixed.exit_code == 0, fixed.output
    good = tmp_path / "good.zip"
    assert f"repaired: clipping 2: its original was damaged: written back from {good}" in (
        fixed.stdout
    )
    assert f"repaired: clipping 4: its original was missing: written back from {good}" in (
        fixed.stdout
    )
    assert originals(archive_copy) == before
    assert problems(archive_copy) == []


# -- writing the backup file ----------------------------------------------------------------


def test_an_earlier_backup_is_replaced_but_no_other_file(
    archive_copy: Path, tmp_path: Path
) -> None:
    file = tmp_path / "b.zip"
    assert run("--archive", archive_copy, "backup", file).exit_code == 0
    with Archive.open(archive_copy) as archive:
        archive.set_tags(1, ["later"])
    assert run("--archive", archive_copy, "backup", file).exit_code == 0
    restore_backup(file, tmp_path / "restored")
    assert ("later",) in table(tmp_path / "restored", "SELECT tag FROM tags")

    other = tmp_path / "notes.txt"
    other.write_text("my notes")
    one_line_error(
        run("--archive", archive_copy, "backup", other),
        f"{other} exists and is not a Clippings backup",
    )
    assert other.read_text() == "my notes"
    assert leftovers(tmp_path) == []


def test_a_backup_lacking_originals_keeps_an_earlier_one_that_has_them(
    archive_copy: Path, tmp_path: Path
) -> None:
    """Written to the name of an earlier backup, a backup that lacks originals (damaged or
    missing in the archive) does not take the place of one that holds them intact: it is
    written beside it. An earlier backup that lacks them too is replaced as usual."""
    file = tmp_path / "b.zip"
    assert run("--archive", archive_copy, "backup", file).exit_code == 0
    good = file.read_bytes()
    damage(archive_copy, damaged=2, missing=4)
    worse = run("--archive", archive_copy, "backup", file)
    assert worse.exit_code == 1
    assert (
        f"kept the earlier backup {file}: it holds the originals of clippings 2, 4 intact, "
        "which this one lacks (this one is written beside it)"
    ) in worse.stderr
    assert file.read_bytes() == good
    [beside] = tmp_path.glob("b-*.zip")
    assert f"to {beside} " in worse.stdout
    assert beside.name.startswith("b-") and beside.stat().st_size > 0

    # the earlier backup still gives every original back
    restore_backup(file, tmp_path / "from-earlier")
    assert problems(tmp_path / "from-earlier") == []

    other = tmp_path / "other.zip"
    assert run("--archive", archive_copy, "backup", other).exit_code == 1
    again = run("--archive", archive_copy, "backup", other)  # the earlier lacks them too
    assert again.exit_code == 1 and "kept the earlier" not in again.output
    assert {p.name for p in tmp_path.glob("*.zip")} == {"b.zip", beside.name, "other.zip"}
    assert leftovers(tmp_path) == []


def test_a_failed_backup_leaves_the_earlier_one_whole(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "b.zip"
    assert run("--archive", archive_copy, "backup", file).exit_code == 0
    before = file.read_bytes()
    open_entry = zipfile.ZipFile.open

    def disk_full(self, name, mode="r", *args, **kwargs):
        if mode == "w" and getattr(name, "filename", name).startswith("originals/"):
            raise OSError(28, "No space left on device")
        return open_entry(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", disk_full)
    one_line_error(
        run("--archive", archive_copy, "backup", file),
        f"can't write {file}: No space left on device",
    )
    assert file.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_backup_of_no_archive_and_into_no_folder(tmp_path: Path, archive_copy: Path) -> None:
    one_line_error(
        run("--archive", tmp_path / "nothing", "backup", tmp_path / "b.zip"), "no archive in"
    )
    assert not (tmp_path / "nothing").exists()
    one_line_error(
        run("--archive", archive_copy, "backup", tmp_path / "missing" / "b.zip"),
        f"no folder {tmp_path / 'missing'}",
    )


# -- restoring: where to ----------------------------------------------------------------------


def backup_and_another_archive(archive_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A backup of ``archive_copy``, and another archive (the sample clipping only) where it
    may be restored."""
    file = tmp_path / "b.zip"
    create_backup(archive_copy, file)
    other = tmp_path / "other"
    with Archive.open(other) as archive:
        assert len(archive) == 1
    return file, other


def restored_over(other: Path, file: Path, archive_copy: Path) -> None:
    """``restore --force`` of ``file`` over the archive ``other``: it then holds what
    ``archive_copy`` (the backed-up archive) does, and nothing is left beside it."""
    forced = run("--archive", other, "restore", "--force", file)
    assert forced.exit_code == 0, forced.output
    with Archive.open(other) as archive, Archive.open(archive_copy) as original:
        assert len(archive) == len(original)
    assert leftovers(other.parent) == []


def test_restore_refuses_an_existing_archive_unless_forced(
    archive_copy: Path, tmp_path: Path
) -> None:
    file, other = backup_and_another_archive(archive_copy, tmp_path)
    catalog = (other / "catalog.sqlite3").read_bytes()
    one_line_error(
        run("--archive", other, "restore", file),
        f"{other} already holds an archive (1 clippings)",
        "--force",
    )
    assert (other / "catalog.sqlite3").read_bytes() == catalog

    forced = run("--archive", other, "restore", "--force", "--json", file)
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["replaced"] is True
    with Archive.open(other) as archive, Archive.open(archive_copy) as original:
        assert len(archive) == len(original)
        assert results(archive, "korea") == results(original, "korea")
    assert leftovers(tmp_path) == []


def test_a_forced_restore_takes_an_archive_that_served_uploads_and_keeps_its_token(
    archive_copy: Path, tmp_path: Path
) -> None:
    # the upload token and the uploads' staging folder are the archive's own files
    file, other = backup_and_another_archive(archive_copy, tmp_path)
    token = upload_token(other)
    (other / "incoming").mkdir()
    restored_over(other, file, archive_copy)
    assert upload_token(other) == token  # SingleFile's settings keep working


def test_a_restore_killed_between_its_renames_loses_no_archive(
    archive_copy: Path, tmp_path: Path
) -> None:
    # killed after it moved the archive it replaces aside, before the restored one took its
    # place: the next command finds the archive where it was, not a new empty one
    file, other = backup_and_another_archive(archive_copy, tmp_path)
    with Archive.open(other) as archive:
        [mine] = [c.id for c in archive.clippings()]
        archive.set_note(mine, "my only clipping")
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    env[CRASH_ENV] = "restore.aside"
    command = [sys.executable, "-m", "archive", "--archive", str(other), "restore", "--force"]
    killed = subprocess.run(
        [*command, str(file)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL
    assert not other.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".other.replaced-")]

    with Archive.open(other) as archive:
        assert archive.get(mine).note == "my only clipping"
        assert len(archive) == 1
    assert leftovers(tmp_path) == []

    restored_over(other, file, archive_copy)  # and again, whole


def test_a_killed_backup_s_temporary_files_are_swept_once_a_day_old(
    archive_copy: Path, tmp_path: Path
) -> None:
    into = tmp_path / "backups"
    into.mkdir()
    old = [
        into / ".clippings-backup-20260101-000000.zip.abcd1234.partial",
        into / ".mine.zip.ef567890.partial",
        into / ".mine.zip.1234abcd.scratch",
    ]
    for path in old:
        path.mkdir() if path.suffix == ".scratch" else path.write_bytes(b"half a zip")
    fresh = into / ".mine.zip.99999999.partial"  # a backup under way, maybe
    fresh.write_bytes(b"half a zip")
    yours = into / ".notes.zip.partial.txt"  # not ours
    yours.write_text("keep me")
    day_old = time.time() - 2 * 24 * 3600
    for path in [*old, yours]:
        os.utime(path, (day_old, day_old))

    create_backup(archive_copy, into)
    create_backup(archive_copy, into / "mine.zip")
    assert sorted(leftovers(into)) == sorted([fresh.name, yours.name])


def test_restore_never_replaces_a_folder_that_is_not_an_archive(
    archive_copy: Path, tmp_path: Path
) -> None:
    file = tmp_path / "b.zip"
    create_backup(archive_copy, file)
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    for args in ([], ["--force"]):
        one_line_error(
            run("--archive", folder, "restore", *args, file), "not empty and holds no archive"
        )
    shutil.copy(archive_copy / "catalog.sqlite3", folder)  # an archive, plus other files
    one_line_error(
        run("--archive", folder, "restore", "--force", file), "files that are not the archive's"
    )
    assert (folder / "thesis.txt").read_text() == "years of work"
    one_line_error(
        run("--archive", folder / "thesis.txt" / "archive", "restore", file),
        f"{folder / 'thesis.txt'} is a file, not a folder",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("--archive", empty, "restore", file).exit_code == 0
    assert (empty / "catalog.sqlite3").is_file() and (empty / "index").is_dir()


# -- restoring: what from ---------------------------------------------------------------------


@pytest.fixture
def good_backup(archive_copy: Path, tmp_path: Path) -> Path:
    file = tmp_path / "good.zip"
    create_backup(archive_copy, file)
    return file


def rewrite(good: Path, target: Path, change) -> Path:
    """A copy of the backup ``good`` with ``change(name, data)`` applied to every entry (it
    returns the new (name, data), or None to drop it); the zip itself stays well formed."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            changed = change(name, source.read(name))
            if changed is not None:
                out.writestr(changed[0], changed[1])
    return target


def refused(file: Path, tmp_path: Path, *parts: str) -> None:
    """Restoring ``file`` fails in one line and leaves nothing behind."""
    target = tmp_path / "restored"
    one_line_error(run("--archive", target, "restore", file), *parts)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a backup\n" * 100)
    refused(junk, tmp_path, f"{junk}: not a Clippings backup (not a zip file)")
    refused(tmp_path / "missing.zip", tmp_path, "missing.zip: no such file")


def test_a_cut_off_backup(good_backup: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    data = good_backup.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    refused(cut, tmp_path, f"{cut}: not a Clippings backup")


def test_a_damaged_byte_inside_an_original(good_backup: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good_backup) as archive:
        info = max(
            (i for i in archive.infolist() if i.filename.startswith("originals/")),
            key=lambda i: i.compress_size,
        )
    data = bytearray(good_backup.read_bytes())
    with good_backup.open("rb") as raw:  # where the entry's data starts
        raw.seek(info.header_offset + 26)
        name_length = int.from_bytes(raw.read(2), "little")
        extra_length = int.from_bytes(raw.read(2), "little")
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    sha = info.filename.removeprefix("originals/").replace("/", "")
    restored_around(damaged, tmp_path, {sha: "missing"})


def restored_around(file: Path, tmp_path: Path, lost: dict[str, str]) -> None:
    """Restoring ``file``, damaged inside, gives back everything but the ``lost`` originals
    (hash → what ``check`` calls it), names their clippings as ``check`` does, and says the
    file itself is damaged."""
    target = tmp_path / "restored"
    result = run("--archive", target, "restore", file)
    assert result.exit_code == 1 and "Traceback" not in result.output
    named = [line.removeprefix("problem: ") for line in result.stderr.splitlines()[:-1]]
    assert result.stderr.splitlines()[-1].startswith("note: the backup file itself is damaged")
    owners = table(
        target,
        "SELECT id, sha256 FROM clippings UNION ALL SELECT id, assets_sha256 "
        "FROM clippings WHERE assets_sha256 IS NOT NULL ORDER BY id",
    )
    expected = [
        f"clipping {i}: its original is {lost[sha]} ({target}/originals/{sha[:2]}/{sha[2:]})"
        for i, sha in owners
        if sha in lost
    ]
    assert [line.split(";")[0] for line in named] == expected
    assert problems(target) == named
    intact = {name: digest for name, digest in originals(target).items() if name not in lost}
    assert all(name == digest for name, digest in intact.items())
    assert leftovers(tmp_path) == []


def test_an_original_that_does_not_match_its_name(good_backup: Path, tmp_path: Path) -> None:
    def swap(name: str, data: bytes):
        return (name, data + b"<!-- changed -->") if name.startswith("originals/") else (name, data)

    file = rewrite(good_backup, tmp_path / "swapped.zip", swap)
    with zipfile.ZipFile(file) as archive:
        names = [n for n in archive.namelist() if n.startswith("originals/")]
    restored_around(file, tmp_path, {n[10:12] + n[13:]: "damaged" for n in names})


def test_a_damaged_catalog(good_backup: Path, tmp_path: Path) -> None:
    def garble(name: str, data: bytes):
        return (name, b"not sqlite" * 100) if name == "catalog.sqlite3" else (name, data)

    file = rewrite(good_backup, tmp_path / "garbled.zip", garble)
    refused(file, tmp_path, "damaged (the catalog does not match its hash)")


def test_a_backup_missing_an_original(good_backup: Path, tmp_path: Path) -> None:
    dropped = []

    def drop_one(name: str, data: bytes):
        if name.startswith("originals/") and not dropped:
            dropped.append(name)
            return None
        return name, data

    file = rewrite(good_backup, tmp_path / "short.zip", drop_one)
    restored_around(file, tmp_path, {dropped[0][10:12] + dropped[0][13:]: "missing"})


def test_a_zip_that_is_not_a_backup(tmp_path: Path) -> None:
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8")
    refused(foreign, tmp_path, "not a Clippings backup (no clippings-backup.json in it)")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"kind": "something-else"}))
    refused(other, tmp_path, "not a Clippings backup (clippings-backup.json is foreign)")


def test_a_backup_from_a_newer_clippings(good_backup: Path, tmp_path: Path) -> None:
    def newer(name: str, data: bytes):
        if name == MANIFEST:
            return name, json.dumps({**json.loads(data), "version": 99}).encode()
        return name, data

    file = rewrite(good_backup, tmp_path / "newer.zip", newer)
    refused(file, tmp_path, "made by a newer Clippings (backup format 99)")


@pytest.mark.parametrize(
    "name",
    [
        "../escaped.txt",
        "/tmp/absolute.txt",
        "originals/../../escaped.txt",
        "originals/ab/../../../escaped.txt",
        "index/MAIN_WRITELOCK",
        "originals/zz/" + "0" * 62,
    ],
)
def test_entries_outside_the_layout_are_refused(
    good_backup: Path, tmp_path: Path, name: str
) -> None:
    """Path traversal: nothing is written for a name a backup would not hold."""
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    file = sandbox / "evil.zip"
    shutil.copy(good_backup, file)
    with zipfile.ZipFile(file, "a") as archive:
        archive.writestr(name, b"gotcha")
    target = sandbox / "deep" / "restored"
    one_line_error(run("--archive", target, "restore", file), "unexpected entry")
    assert not target.exists()
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not Path("/tmp/absolute.txt").exists()
    assert not [p for p in sandbox.rglob("*") if p.is_dir() and p.name.startswith(".")]


def test_the_library_raises_one_clippings_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"\0" * 64)
    with pytest.raises(ClippingsError, match="not a Clippings backup"):
        restore_backup(junk, tmp_path / "restored")
