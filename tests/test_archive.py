"""The library API end to end on real temp archives: seed, import, dedup, bad input, rm, reindex."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from archive.api import Archive
from archive.models import ClippingsError
from archive.store import NotFound

from .conftest import SAMPLE


def test_new_archive_is_seeded_with_the_sample_as_clipping_1(archive: Archive) -> None:
    first = archive.get(1)
    assert first.title.startswith("The Dire Necessity of Strategic Concessions")
    assert first.author == "Adriana Nazarko"
    stored = archive.original_path(1).read_bytes()
    assert stored == SAMPLE.read_bytes()
    assert first.sha256 == hashlib.sha256(stored).hexdigest()
    assert archive.original_path(1).name == first.sha256[2:]
    assert archive.search("maximum pressure").hits[0].clipping.id == 1


def test_reopening_does_not_seed_again(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        count = len(archive)
    with Archive.open(tmp_path / "a") as archive:
        assert len(archive) == count


def test_no_archive_is_made_in_a_folder_of_other_files_or_on_a_file(tmp_path: Path) -> None:
    # --archive given a folder of saved pages by mistake: left as it was, one line saying so
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "page.html").write_text("<p>mine</p>")
    (saved / "notes.txt").write_text("mine too")
    with pytest.raises(ClippingsError, match=r"holds other files \(notes.txt and 1 more\)"):
        Archive.open(saved)
    assert sorted(p.name for p in saved.iterdir()) == ["notes.txt", "page.html"]
    with pytest.raises(ClippingsError, match="is a file, not an archive folder"):
        Archive.open(saved / "notes.txt")
    # an empty folder, a missing one, and one a killed creation left, are made archives
    partly = tmp_path / "partly"
    (partly / "originals").mkdir(parents=True)
    (partly / ".DS_Store").write_text("")
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "new", partly):
        with Archive.open(folder) as archive:
            assert len(archive) == 1


def test_catalog_is_sqlite_in_wal_mode(archive: Archive) -> None:
    mode = sqlite3.connect(archive.path / "catalog.sqlite3").execute("PRAGMA journal_mode")
    assert mode.fetchone()[0] == "wal"


def test_import_folder_recursively_in_order(archive: Archive, html_pages: Path) -> None:
    nested = html_pages / "deeper" / "still"
    nested.mkdir(parents=True)
    (nested / "note.txt").write_text("A Nested Note\n\nBy Ann Example\n\n" + "Words here. " * 30)
    report = archive.import_paths([html_pages])
    assert report.failed == []
    pages = [*sorted(html_pages.rglob("*.html")), nested / "note.txt"]
    assert len(report.imported) == len(pages)
    assert report.imported == sorted(report.imported)  # ids in import order
    assert report.imported[0] == 2  # after the sample
    for clipping_id in report.imported:
        clipping = archive.get(clipping_id)
        assert clipping.title
        assert clipping.text
        assert Path(clipping.source).exists()
        assert archive.original_path(clipping_id).read_bytes() == Path(clipping.source).read_bytes()


def test_same_file_twice_is_stored_and_indexed_once(archive: Archive, html_pages: Path) -> None:
    page = sorted(html_pages.glob("*.html"))[0]
    copy = html_pages / "copy-of-page.html"
    copy.write_bytes(page.read_bytes())
    first = archive.import_paths([page])
    again = archive.import_paths([page, copy])
    assert len(first.imported) == 1
    assert again.imported == []
    assert len(again.already_present) == 2
    assert len(archive) == 2
    assert archive.index.doc_count() == 2
    stored = [p for p in (archive.path / "originals").rglob("*") if p.is_file()]
    assert len(stored) == 2


def test_bad_input_is_named_and_the_rest_of_the_batch_goes_on(
    archive: Archive, html_pages: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (bad / "no-text.html").write_bytes(b"<html><head></head><body><div></div></body></html>")
    (bad / "unreadable.html").symlink_to(bad / "gone.html")  # a dangling link can't be read
    good = sorted(html_pages.glob("*.html"))[:2]
    before = {c.id: c.sha256 for c in archive.clippings()}

    report = archive.import_paths([*sorted(bad.iterdir()), *good])

    reasons = {Path(f.source).name: f.reason for f in report.failed}
    assert set(reasons) == {
        "empty.html",
        "binary.txt",
        "image.html",
        "no-text.html",
        "unreadable.html",
    }
    assert "empty" in reasons["empty.html"]
    assert "binary" in reasons["binary.txt"]
    assert "PNG" in reasons["image.html"]
    assert "no text" in reasons["no-text.html"]
    assert "read" in reasons["unreadable.html"]
    assert all("\n" not in reason for reason in reasons.values())
    assert len(report.imported) == 2
    after = {c.id: c.sha256 for c in archive.clippings()}
    assert {k: after[k] for k in before} == before  # nothing archived before was touched
    stored = [p for p in (archive.path / "originals").rglob("*") if p.is_file()]
    assert len(stored) == len(after)  # no original of a failure was kept


def test_rm_deletes_row_index_entry_and_original(archive: Archive, html_pages: Path) -> None:
    [clipping_id] = archive.import_paths([sorted(html_pages.glob("*.html"))[0]]).imported
    original = archive.original_path(clipping_id)
    title_word = archive.get(clipping_id).title.split()[0]
    archive.remove(clipping_id)
    with pytest.raises(NotFound):
        archive.get(clipping_id)
    assert not original.exists()
    assert clipping_id not in archive.index.ids()
    assert all(h.clipping.id != clipping_id for h in archive.search(title_word).hits)
    # ids are never reused: the next import gets a new one
    [again] = archive.import_paths([sorted(html_pages.glob("*.html"))[0]]).imported
    assert again > clipping_id


def test_reindex_rebuilds_from_originals_with_the_same_results(
    archive: Archive, html_pages: Path
) -> None:
    archive.import_paths([html_pages])
    queries = ["the", "pressure", "title:korea", "2019", "said OR says", "a*"]
    before = {
        q: [(h.clipping.id, h.snippet) for h in archive.search(q, limit=50).hits] for q in queries
    }
    # throw the derived index away entirely: it must come back from the originals
    archive.index.destroy()
    reopened = Archive.open(archive.path)
    try:
        assert reopened.index.doc_count() == len(reopened)  # brought back in step on open
        assert reopened.reindex() == []
        after = {
            q: [(h.clipping.id, h.snippet) for h in reopened.search(q, limit=50).hits]
            for q in queries
        }
    finally:
        reopened.close()
    assert after == before
    assert any(before.values())


def test_index_catches_up_with_the_catalog_after_a_crash(
    archive: Archive, html_pages: Path
) -> None:
    """A kill between the catalog commit and the index commit: the next open repairs it."""
    archive.import_paths([html_pages])
    count = len(archive)
    with archive.index.writer() as writer:  # lose some index entries, as a crash would
        writer.delete(2)
        writer.delete(3)
    assert archive.index.doc_count() == count - 2
    archive.close()
    with Archive.open(archive.path) as reopened:
        assert reopened.index.doc_count() == count
        assert reopened.index.ids() == set(reopened.catalog.ids())


def test_originals_are_written_read_only_and_atomically(archive: Archive, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("A Title Line\n\n" + "Some text of the body. " * 20)
    [clipping_id] = archive.import_paths([page]).imported
    stored = archive.original_path(clipping_id)
    assert stored.read_bytes() == page.read_bytes()
    assert not os.stat(stored).st_mode & 0o222
    leftovers = [p for p in (archive.path / "originals").rglob(".incoming-*")]
    assert leftovers == []


def test_format_is_told_by_the_bytes_not_only_the_name(archive: Archive, html_pages: Path) -> None:
    page = sorted(html_pages.glob("*.html"))[0]
    no_suffix = html_pages / "saved-page"
    no_suffix.write_bytes(page.read_bytes())
    [clipping_id] = archive.import_paths([no_suffix]).imported
    assert archive.get(clipping_id).format == "html"
    assert "<" not in archive.get(clipping_id).text[:200]
