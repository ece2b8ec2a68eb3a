"""``clippings check``: originals against their hashes, clippings against originals, the index
against the catalog; ``--repair`` fixes what it can; exit status 1 names what it can't."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.sources.assets import pack as pack_assets

from .conftest import PAGES


def check(folder: Path, *args: str):
    return CliRunner().invoke(cli, ["--archive", str(folder), "check", *args])


def test_a_new_archive_is_clean(archive: Archive) -> None:
    report = archive.check()
    assert report.ok and report.clippings == 1 and report.originals == 1
    assert not report.notes


def test_the_index_out_of_step_is_found_and_repaired(archive: Archive) -> None:
    archive.import_paths([PAGES])
    with archive.index.writer() as writer:
        writer.delete(2)
        writer.delete(3)
    result = check(archive.path, "--json")
    assert result.exit_code == 1
    assert "the index lacks 2 clippings" in json.loads(result.stdout)["problems"][0]
    repaired = check(archive.path, "--repair")
    assert repaired.exit_code == 0 and "repaired: brought the index in step" in repaired.stdout
    assert check(archive.path).exit_code == 0


def test_a_damaged_original_is_named_and_fails_the_check(archive: Archive) -> None:
    archive.import_paths([PAGES])
    path = archive.original_path(2)
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    path.write_bytes(path.read_bytes() + b"tampered")
    result = check(archive.path, "--repair")
    assert result.exit_code == 1
    assert "clipping 2: its original is damaged" in result.stderr


def test_repair_writes_back_a_bundled_page_s_original_from_its_file(archive: Archive) -> None:
    """The sample's original, damaged or missing: its bytes ship with Clippings."""
    path = archive.original_path(1)
    before = path.read_bytes()
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    path.write_bytes(before + b"tampered")
    assert "clipping 1: its original is damaged" in check(archive.path).stderr
    repaired = check(archive.path, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: clipping 1: its original was damaged: written back from the bundled" in (
        repaired.stdout
    )
    assert path.read_bytes() == before and check(archive.path).exit_code == 0
    path.unlink()
    assert check(archive.path, "--repair").exit_code == 0
    assert path.read_bytes() == before


def test_leftovers_of_an_interrupted_import_are_notes_and_repair_takes_them_in(
    archive: Archive,
) -> None:
    page = sorted(PAGES.glob("*.html"))[0].read_bytes()
    sha = archive.originals.put(page)  # stored, but the catalog row never came
    (archive.originals.path(sha).parent / ".incoming-x1").write_bytes(b"half")
    result = check(archive.path)
    assert result.exit_code == 0
    assert "1 original no clipping points to" in result.stdout
    assert "1 temporary file of an interrupted write (check" in result.stdout
    repaired = check(archive.path, "--repair")
    assert repaired.exit_code == 0, repaired.output
    # the count said is after the repair: the original taken in is a clipping (it said 1)
    assert "2 clippings, 2 originals: ok" in repaired.stdout
    with Archive.open(archive.path) as reopened:
        assert len(reopened) == 2
        assert reopened.check().notes == []


def test_a_files_folder_no_page_points_to_is_kept_not_taken_for_pages(
    archive: Archive, tmp_path: Path
) -> None:
    # an import killed after a page's files folder was stored, before the page's row: the
    # folder's frame is no clipping of its own
    folder = tmp_path / "Page_files"
    folder.mkdir()
    (folder / "frame.html").write_text(
        "<html><head><title>ad frame</title></head><body><p>"
        + "An advertisement frame with enough words in it to be read as a page. " * 5
        + "</p></body></html>",
        encoding="utf-8",
    )
    archive.originals.put(pack_assets(folder))
    before = len(archive)
    result = check(archive.path, "--repair")
    assert result.exit_code == 0, result.output
    assert "1 files folder of a saved page no clipping points to" in result.stdout
    with Archive.open(archive.path) as reopened:
        assert len(reopened) == before
        assert "ad frame" not in [c.title for c in reopened.clippings()]


def test_a_missing_original_is_named_and_not_repaired(archive: Archive) -> None:
    archive.import_paths([PAGES])
    path = archive.original_path(3)
    path.unlink()
    result = check(archive.path, "--repair")
    assert result.exit_code == 1
    assert f"problem: clipping 3: its original is missing ({path})" in result.stderr
    assert (
        "import the saved page again ('clippings import FILE' writes it back), or take it from "
        "a backup that has it ('clippings check --repair --from BACKUP')"
    ) in result.stderr
    # a reindex that extracts again keeps its last extraction, and says why in words
    again = CliRunner().invoke(cli, ["--archive", str(archive.path), "reindex"])
    assert "kept the old extraction of clipping 3: its original is missing" in again.stderr
    assert "Errno" not in again.stderr


def test_index_entries_of_clippings_the_catalog_lacks_are_found_and_removed(
    archive: Archive,
) -> None:
    """Entries no journal explains (a clipping deleted behind the archive's back): a problem."""
    archive.import_paths([PAGES])
    ghost = replace(archive.get(2), id=99)
    with archive.index.writer() as writer:
        writer.add(ghost)
    result = check(archive.path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        "the index has 1 deleted one (check --repair fixes it)"
    ]
    repaired = check(archive.path, "--repair")
    assert repaired.exit_code == 0 and "repaired: brought the index in step" in repaired.stdout
    with Archive.open(archive.path) as reopened:
        assert 99 not in reopened.index.ids()
        assert check(archive.path).exit_code == 0
