"""The same URL saved again: one clipping, the newest save shown, the older ones reachable."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli

from .test_search import saved_page

URL = "https://news.example.org/2019/07/31/harbour"


def save(folder: Path, name: str, date: str, words: str) -> Path:
    """A SingleFile page of URL saved on ``date`` (JavaScript's date format)."""
    page = (
        f"<!--\n Page saved with SingleFile \n url: {URL} \n saved date: {date}\n-->"
        "<html><head><title>Harbour cranes return</title></head><body><article>"
        "<h1>Harbour cranes return</h1>"
        + "".join(f"<p>{words} The cranes are back, sentence {n}.</p>" for n in range(5))
        + "</article></body></html>"
    )
    path = folder / name
    path.write_text(page, encoding="utf-8")
    return path


def test_a_newer_save_becomes_current_and_the_older_stays_reachable(archive: Archive, tmp_path):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    archive.set_tags(old_id, ["ports"])
    report = archive.import_paths([later])
    [new_id] = report.imported
    assert report.versions == [(str(later.resolve()), new_id, new_id)]
    assert len(archive) == 2  # the sample and the harbour page, once
    [hit] = archive.search("cranes").hits
    assert hit.clipping.id == new_id and hit.clipping.tags == ["ports"]  # tags follow
    assert [c.id for c in archive.versions(new_id)] == [new_id, old_id]
    assert "Morning edition" in archive.get(old_id).text  # still readable
    assert archive.search("morning").total == 0  # only the current version is searched


def test_an_older_save_imported_later_stays_an_older_version(archive: Archive, tmp_path):
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    [new_id] = archive.import_paths([later]).imported
    report = archive.import_paths([first])
    [old_id] = report.imported
    assert report.versions == [(str(first.resolve()), old_id, new_id)]
    assert [h.clipping.id for h in archive.search("cranes").hits] == [new_id]
    assert [c.id for c in archive.versions(old_id)] == [new_id, old_id]


def test_the_import_summary_says_which_pages_were_saved_before(archive: Archive, tmp_path):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    runner = CliRunner()
    done = runner.invoke(cli, ["--archive", str(archive.path), "import", str(later)])
    assert done.exit_code == 0, done.output
    new_id = old_id + 1
    assert f"new version: {later.resolve()} (#{new_id}; the earlier save stays" in done.output
    assert f"clippings versions {new_id}" in done.output
    assert "imported 1 (1 of them a page saved before)," in done.output


def test_deleting_the_current_version_brings_back_the_previous(archive: Archive, tmp_path):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    [new_id] = archive.import_paths([later]).imported
    archive.remove(new_id)
    assert [h.clipping.id for h in archive.search("cranes").hits] == [old_id]
    assert archive.check().ok


def test_the_versions_command(tmp_path: Path):
    folder = tmp_path / "archive"
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    runner = CliRunner()
    runner.invoke(cli, ["--archive", str(folder), "import", str(first), str(later)])
    result = runner.invoke(cli, ["--archive", str(folder), "versions", "2", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["current"]) for r in rows] == [(3, True), (2, False)]
    assert rows[0]["saved"].startswith("2019-08-01")


def test_an_older_version_takes_no_tags_or_note_and_says_which_does(archive: Archive, tmp_path):
    # its tags would be searched nowhere: the current version took them when saved again
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    [new_id] = archive.import_paths([later]).imported
    done = CliRunner().invoke(cli, ["--archive", str(archive.path), "tag", str(old_id), "old"])
    assert done.exit_code == 1
    assert f"is an older version of #{new_id}" in done.output
    assert "Traceback" not in done.output
    assert archive.get(old_id).tags == []
    archive.set_tags(new_id, ["kept"])
    assert [h.clipping.id for h in archive.search("tag:kept").hits] == [new_id]


def cut_short(folder: Path, date: str) -> Path:
    """A save of URL on ``date`` in which no article is found (cut short, a paywall page)."""
    cut = folder / "cut.html"
    cut.write_text(
        f"<!--\n Page saved with SingleFile \n url: {URL} \n saved date: {date}\n-->"
        "<html><head><title>Harbour cranes return</title></head><body><nav><ul>"
        "<li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>",
        encoding="utf-8",
    )
    return cut


def test_a_later_save_with_no_article_does_not_hide_the_one_with_it(archive: Archive, tmp_path):
    # saved again cut short (or as an error page): both are kept, the article stays shown
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    cut = cut_short(tmp_path, "Thu Aug 01 2019 10:00:00 GMT+0000")
    [article_id] = archive.import_paths([first]).imported
    report = archive.import_paths([cut])
    [cut_id] = report.imported
    assert archive.get(cut_id).whole_page
    assert report.versions == [(str(cut.resolve()), cut_id, article_id)]
    assert [h.clipping.id for h in archive.search("cranes").hits] == [article_id]
    assert [c.id for c in archive.versions(article_id)] == [article_id, cut_id]  # current first
    listed = CliRunner().invoke(cli, ["--archive", str(archive.path), "versions", str(cut_id)])
    assert [line.split("\t")[:3:2] for line in listed.output.splitlines()] == [
        [f"#{article_id}", "current"],
        [f"#{cut_id}", "newer, no article"],
    ]


def test_more_like_an_older_version_is_more_like_its_page(archive: Archive, tmp_path, html_pages):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    related = tmp_path / "related.html"
    related.write_text(
        saved_page(
            "Cranes for the harbour",
            "Ann Lee",
            "2019-07-30",
            "Port News",
            "The harbour ordered new cranes. The cranes return next week, and the harbour "
            "will be back at work. " * 3,
        )
    )
    archive.import_paths([html_pages])
    [related_id] = archive.import_paths([related]).imported
    [old_id] = archive.import_paths([first]).imported
    [new_id] = archive.import_paths([later]).imported
    like_old = [h.clipping.id for h in archive.similar(old_id)]
    assert like_old[0] == related_id and not {old_id, new_id} & set(like_old)  # not its page
    assert archive.similar(new_id)[0].clipping.id == related_id  # (its words)


def test_show_says_which_save_of_the_page_it_is(archive: Archive, tmp_path):
    """An older save read with ``show`` says it is one, naming the save listed; the current
    one names those before it (the two read the same otherwise)."""
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    [new_id] = archive.import_paths([later]).imported

    def show(*args: str) -> str:
        done = CliRunner().invoke(cli, ["--archive", str(archive.path), "show", *args])
        assert done.exit_code == 0, done.output
        return done.output

    assert f"another save of this page: #{new_id} is the one listed" in show(str(old_id))
    assert f"saved before as #{old_id} (clippings versions {new_id}; v in" in show(str(new_id))
    assert json.loads(show(str(old_id), "--json"))["versions"] == [new_id, old_id]
    assert "Versions:" not in show("1")  # the sample: saved once


def test_removing_the_current_save_says_which_takes_its_place(archive: Archive, tmp_path):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    [old_id] = archive.import_paths([first]).imported
    [new_id] = archive.import_paths([later]).imported
    done = CliRunner().invoke(cli, ["--archive", str(archive.path), "rm", str(new_id)])
    assert f"(#{old_id}, its save of 2019-07-31, is now the one listed)" in done.output
    assert [h.clipping.id for h in archive.search("cranes").hits] == [old_id]


def test_removing_the_shown_save_brings_back_an_article_not_a_later_cut_save(
    archive: Archive, tmp_path
):
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    cut = cut_short(tmp_path, "Fri Aug 02 2019 10:00:00 GMT+0000")
    [first_id] = archive.import_paths([first]).imported
    [later_id] = archive.import_paths([later]).imported
    done = CliRunner().invoke(cli, ["--archive", str(archive.path), "import", str(cut)])
    cut_id = later_id + 1
    assert f"(#{cut_id}; no article found in it: #{later_id} stays the one shown" in done.output
    done = CliRunner().invoke(cli, ["--archive", str(archive.path), "rm", str(later_id)])
    assert f"(#{first_id}, its save of 2019-07-31, is now the one listed)" in done.output
    assert [h.clipping.id for h in archive.search("cranes").hits] == [first_id]
    assert [c.id for c in archive.versions(cut_id)] == [first_id, cut_id]
    assert archive.check().ok


def test_a_save_older_than_the_shown_one_says_so_at_import(archive: Archive, tmp_path):
    later = save(tmp_path, "b.html", "Thu Aug 01 2019 10:00:00 GMT+0000", "Evening update.")
    first = save(tmp_path, "a.html", "Wed Jul 31 2019 10:00:00 GMT+0000", "Morning edition.")
    [later_id] = archive.import_paths([later]).imported
    done = CliRunner().invoke(cli, ["--archive", str(archive.path), "import", str(first)])
    said = f"(#{later_id + 1}; saved before #{later_id}, which stays the one shown"
    assert said in done.output
