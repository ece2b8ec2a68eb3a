"""Every way people save pages, each from a fixture: what is imported, from where, and how."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from archive.api import Archive
from archive.sources import candidates

from .conftest import FIXTURES

FORMATS = FIXTURES / "formats"


def by_title(archive: Archive) -> dict[str, object]:
    return {c.title: c for c in archive.clippings()}


def test_singlefile_and_saved_from_comments_give_the_url_and_save_date(archive: Archive):
    report = archive.import_paths([FORMATS / "singlefile.html", FORMATS / "saved-from-url.htm"])
    assert len(report.imported) == 2, report.failed
    found = by_title(archive)
    harbour = found["Harbour cranes return"]
    assert harbour.url == "https://news.example.org/2019/07/31/harbour"
    assert harbour.saved.startswith("2019-07-31T08:12:43")  # the save date, in UTC
    comet = found["Comet lander wakes up"]
    assert comet.url == "https://www.example.com/science/2018/comet-lander.html"


def test_mhtml_gives_its_html_part_and_is_stored_whole(archive: Archive):
    path = FORMATS / "glacier.mhtml"
    [clipping_id] = archive.import_paths([path]).imported
    glacier = archive.get(clipping_id)
    assert glacier.title == "Glacier retreat measured"
    assert glacier.url == "https://mhtml.example.net/world/glacier-retreat"
    assert glacier.saved.startswith("2024-03-12T08:30")
    assert "Surveyors measured the glacier retreat" in glacier.text
    assert archive.original_path(clipping_id).read_bytes() == path.read_bytes()
    assert archive.reextract(clipping_id).text == glacier.text  # from the stored MHTML


def test_each_html_response_of_a_warc_is_a_clipping(archive: Archive):
    report = archive.import_paths([FORMATS / "capture.warc.gz"])
    assert len(report.imported) == 2 and len(report.skipped) == 1  # the PNG response
    found = by_title(archive)
    frost = found["Orchard frost warning"]
    assert frost.url == "https://warc.example.com/a/orchard-frost"
    assert frost.saved.startswith("2023-05-06T07:08:09")
    assert frost.source.startswith(str(FORMATS / "capture.warc.gz") + "#offset=")
    assert "River ferry resumes" in found
    assert archive.reextract(frost.id).title == "Orchard frost warning"


def test_a_truncated_warc_keeps_what_it_can_and_names_the_problem(archive: Archive):
    report = archive.import_paths([FORMATS / "truncated.warc.gz"])
    assert report.failed, "the cut-off part is reported"
    assert all("WARC" in f.reason for f in report.failed)
    assert len(archive) == 1 + len(report.imported)


def test_zip_members_are_pages_assets_are_skipped_nothing_is_unpacked(
    archive: Archive, tmp_path: Path
):
    copy = tmp_path / "in" / "saved-pages.zip"
    copy.parent.mkdir()
    shutil.copy(FORMATS / "saved-pages.zip", copy)
    report = archive.import_paths([copy])
    titles = set(by_title(archive))
    assert {
        "Lighthouse keeper retires",
        "Bakery opens at dawn",
        "Glacier retreat measured",
    } <= titles
    assert "Escaping path" in titles  # read in memory: the ../ name wrote nothing anywhere
    assert (
        not (tmp_path / "escape.html").exists() and not (tmp_path / "in" / "escape.html").exists()
    )
    assert report.unknown == [f"{copy}!/data.xyz"]
    assert f"{copy}!/logo.svg" in report.skipped
    assert not any(
        "_files/" in s for s in report.skipped
    )  # the page's own assets: quietly kept out
    assert len(report.imported) == 4 and not report.failed


def test_a_broken_zip_is_one_failure_with_its_reason(archive: Archive):
    report = archive.import_paths([FORMATS / "broken.zip"])
    [failure] = report.failed
    assert "zip" in failure.reason


def test_a_webpage_complete_is_one_clipping_and_its_files_folder_no_pages(archive: Archive):
    report = archive.import_paths([FORMATS / "complete"])
    assert len(report.imported) == 1 and not report.skipped and not report.failed
    assert "Tide tables explained" in by_title(archive)


def test_formats_are_known_by_content_too(archive: Archive, tmp_path: Path):
    renamed = tmp_path / "glacier.html"  # an MHTML file with the wrong name
    shutil.copy(FORMATS / "glacier.mhtml", renamed)
    [clipping_id] = archive.import_paths([renamed]).imported
    assert archive.get(clipping_id).title == "Glacier retreat measured"


def test_the_files_folder_is_kept_with_the_page_and_opens_beside_it(archive: Archive):
    [clipping_id] = archive.import_paths([FORMATS / "complete"]).imported
    copy = archive.viewable_original(clipping_id)
    assert copy.name == "Tide tables explained.html"
    files = copy.parent / "Tide tables explained_files"
    original = FORMATS / "complete" / "Tide tables explained_files"
    assert sorted(p.name for p in files.iterdir()) == sorted(p.name for p in original.iterdir())
    assert (files / "chart.png").read_bytes() == (original / "chart.png").read_bytes()
    report = archive.check()
    assert report.ok and not report.notes  # the folder's zip is an original of the clipping
    # copies made for a browser a day ago and more go when the next is made
    day_old = time.time() - 25 * 3600
    os.utime(copy.parent, (day_old, day_old))
    again = archive.viewable_original(clipping_id)
    assert again.exists() and not copy.exists()
    archive.remove(clipping_id)
    assert archive.check().notes == []  # and goes with it


def test_a_warc_or_a_zip_named_as_a_page_is_opened_as_what_it_is(
    archive: Archive, tmp_path: Path
) -> None:
    """A capture renamed ``.html`` was refused as "binary data (gzip archive)"."""
    shutil.copy(FORMATS / "capture.warc.gz", tmp_path / "capture.html")
    shutil.copy(FORMATS / "saved-pages.zip", tmp_path / "pages.htm")
    as_named = archive.import_paths([FORMATS / "capture.warc.gz", FORMATS / "saved-pages.zip"])
    renamed = archive.import_paths([tmp_path / "capture.html", tmp_path / "pages.htm"])
    assert renamed.failed == []
    assert len(renamed.already_present) == len(as_named.imported) > 0


def test_a_page_named_alone_takes_its_files_folder_as_a_walk_does(
    archive: Archive, tmp_path: Path
) -> None:
    """``clippings import ~/Saved/*.html`` stored no page's ``Page_files/`` folder: only a
    walk of their folder paired them."""
    page = FORMATS / "complete" / "Tide tables explained.html"
    [named] = archive.import_paths([page]).imported
    with Archive.open(tmp_path / "walked") as other:
        [walked] = other.import_paths([FORMATS / "complete"]).imported
        expected = other.catalog.page_info(walked)["assets_sha256"]
    assert expected and archive.catalog.page_info(named)["assets_sha256"] == expected
    # by the walk's one rule: another browser's name for the folder; "_files" first of two
    saves = tmp_path / "saves"
    shutil.copytree(FORMATS / "complete", saves)
    german = saves / "Tide tables explained-Dateien"
    (saves / "Tide tables explained_files").rename(german)
    for both in (False, True):
        if both:
            shutil.copytree(german, saves / "Tide tables explained_files")
        named = [c.assets for c in candidates([saves / page.name])]
        walked = [c.assets for c in candidates([saves]) if c.path.name == page.name]
        expected = saves / ("Tide tables explained_files" if both else german.name)
        assert named == walked == [str(expected)]
    # a name one suffix short of too long: no folder can be beside it, and it is imported
    long = tmp_path / ("t" * 248 + ".html")
    shutil.copy(page, long)
    assert [c.assets for c in candidates([long])] == [""]


def test_a_page_there_already_takes_its_files_folder_when_it_comes_with_it(
    archive: Archive, tmp_path: Path
) -> None:
    """The page imported first on its own, its folder after: "already present", the folder
    never stored."""
    saves = tmp_path / "saves"
    saves.mkdir()
    page = saves / "Tide tables explained.html"
    shutil.copy(FORMATS / "complete" / page.name, page)
    [clipping_id] = archive.import_paths([page]).imported
    assert archive.catalog.page_info(clipping_id)["assets_sha256"] is None
    folder = saves / "Tide tables explained_files"
    shutil.copytree(FORMATS / "complete" / folder.name, folder)
    report = archive.import_paths([saves])
    assert report.already_present == [str(page)] and not report.imported
    assert report.files_added == [(str(page), clipping_id, str(folder), 3)]
    packed = archive.catalog.page_info(clipping_id)["assets_sha256"]
    assert packed and archive.originals.path(packed).exists()
    opened = archive.viewable_original(clipping_id).parent / folder.name
    assert (opened / "chart.png").read_bytes() == (folder / "chart.png").read_bytes()
    check = archive.check()
    assert check.ok and not check.notes
    # once it has its folder, that is the one it keeps: a changed folder is not taken
    (folder / "extra.css").write_text("p { margin: 0 }")
    again = archive.import_paths([page])
    assert again.files_added == [] and again.already_present == [str(page)]
    assert archive.catalog.page_info(clipping_id)["assets_sha256"] == packed


def test_a_page_there_already_has_its_lost_original_written_back_and_takes_its_folder(
    archive: Archive, tmp_path: Path
) -> None:
    """Both at once: the stored original lost, and the folder come after the page."""
    saves = tmp_path / "saves"
    saves.mkdir()
    page = saves / "Tide tables explained.html"
    shutil.copy(FORMATS / "complete" / page.name, page)
    [clipping_id] = archive.import_paths([page]).imported
    original = archive.original_path(clipping_id)
    original.chmod(0o644)
    original.unlink()
    folder = saves / "Tide tables explained_files"
    shutil.copytree(FORMATS / "complete" / folder.name, folder)
    report = archive.import_paths([saves])
    assert report.restored == [(str(page), clipping_id)]
    assert report.files_added == [(str(page), clipping_id, str(folder), 3)]
    assert original.read_bytes() == page.read_bytes()
    assert archive.check().ok
