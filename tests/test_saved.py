"""Saved searches: the library API, and `clippings saved` checked through the library."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.api import Archive
from archive.cli import cli
from archive.index import QueryError
from archive.models import SavedSearchExists, UnknownSavedSearch


@pytest.fixture
def run(tmp_path: Path):
    """Run ``clippings --archive <tmp> ARGS`` and return the result."""
    folder = tmp_path / "cli-archive"

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--archive", str(folder), *args], catch_exceptions=False)

    invoke.folder = folder  # type: ignore[attr-defined]
    return invoke


def saved_in(folder: Path) -> dict[str, str]:
    with Archive.open(folder) as archive:
        return {s.name: s.query for s in archive.saved_searches()}


def listed(run) -> list[dict]:
    result = run("saved", "list", "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


# -- the library -------------------------------------------------------------------------------


def test_add_list_count_remove(archive: Archive) -> None:
    saved = archive.add_saved_search("  North   Korea ", 'korea OR "north korea"')
    assert (saved.name, saved.query) == ("North Korea", 'korea OR "north korea"')
    assert saved.created.endswith("+00:00")
    archive.add_saved_search("gardens", "garden")
    assert [s.name for s in archive.saved_searches()] == ["gardens", "North Korea"]
    assert archive.saved_search("north korea") == saved  # names compare without case
    assert [(s.name, n) for s, n in archive.saved_search_counts()] == [
        ("gardens", 0),
        ("North Korea", 1),
    ]
    assert archive.count_matches("korea qqzzxx") == 0  # some of the words are no match
    assert archive.remove_saved_search("NORTH KOREA") == saved
    assert [s.name for s in archive.saved_searches()] == ["gardens"]
    assert len(archive) == 1  # forgetting a search leaves the clippings alone


def test_a_bad_query_or_a_taken_name_is_an_error_and_nothing_changes(archive: Archive) -> None:
    with pytest.raises(QueryError, match=r"unclosed '\('"):
        archive.add_saved_search("bad", "title:(korea")
    with pytest.raises(QueryError, match="unknown field"):
        archive.add_saved_search("bad", "colour:red")
    assert archive.saved_searches() == []
    archive.add_saved_search("korea", "korea")
    with pytest.raises(SavedSearchExists, match="a saved search named 'korea' exists: korea"):
        archive.add_saved_search("Korea", "pressure")
    assert archive.saved_search("korea").query == "korea"
    archive.add_saved_search("Korea", "pressure", replace=True)
    assert [(s.name, s.query) for s in archive.saved_searches()] == [("Korea", "pressure")]
    with pytest.raises(UnknownSavedSearch, match="no saved search named 'japan'"):
        archive.remove_saved_search("japan")
    for name, query in (("", "korea"), ("  ", "korea"), ("empty", "  "), ("x" * 61, "korea")):
        with pytest.raises(Exception, match="saved search"):
            archive.add_saved_search(name, query)
    assert len(archive.saved_searches()) == 1


def test_names_and_queries_are_kept_as_one_clean_line(archive: Archive) -> None:
    saved = archive.add_saved_search("[bold]red\x1b[31m\nname", "korea\x07\tpressure")
    assert (saved.name, saved.query) == ("[bold]red name", "korea pressure")


def test_saved_searches_live_in_the_catalog_and_survive_a_lost_index(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    with Archive.open(folder) as archive:
        archive.add_saved_search("korea", "korea")
        archive.reindex(reextract=False)
        assert archive.saved_search_counts()[0][1] == 1
    shutil.rmtree(folder / "index")  # derived: rebuilt on the next open
    with Archive.open(folder) as archive:
        assert [(s.name, n) for s, n in archive.saved_search_counts()] == [("korea", 1)]


def test_an_archive_from_before_saved_searches_gets_the_table(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    with Archive.open(folder):
        pass
    db = sqlite3.connect(folder / "catalog.sqlite3")
    db.execute("DROP TABLE saved_searches")
    db.commit()
    db.close()
    with Archive.open(folder) as archive:
        assert archive.saved_searches() == []
        archive.add_saved_search("korea", "korea")
        assert len(archive) == 1


def test_a_saved_query_that_no_longer_reads_counts_as_none(archive: Archive) -> None:
    archive.add_saved_search("fine", "korea")
    with archive.catalog.transaction():  # as a query saved before the query language changed
        archive.catalog.db.execute(
            "INSERT INTO saved_searches (name, query, created) VALUES ('old', 'title:(x', '')"
        )
    assert [(s.name, n) for s, n in archive.saved_search_counts()] == [("fine", 1), ("old", None)]


def test_counting_can_stop_between_two_searches(archive: Archive) -> None:
    for name in ("a", "b", "c"):
        archive.add_saved_search(name, "korea")
    asked: list[int] = []

    def stop() -> bool:  # as a cancelled worker says
        asked.append(1)
        return len(asked) > 2

    assert [s.name for s, _ in archive.saved_search_counts(stop=stop)] == ["a", "b"]


# -- the command line --------------------------------------------------------------------------


def test_cli_add_list_run_rm(run) -> None:
    added = run("saved", "add", "korea", "korea", "OR", '"north korea"')
    assert added.exit_code == 0, added.output
    assert added.output == """saved 'korea': korea OR "north korea" (1 clipping matches now)\n"""
    assert saved_in(run.folder) == {"korea": 'korea OR "north korea"'}

    # words that look like options are words of the query
    assert run("saved", "add", "quiet", "korea", "-japan").exit_code == 0
    assert saved_in(run.folder)["quiet"] == "korea -japan"

    table = run("saved", "list").output.splitlines()
    assert table[0].split() == ["name", "count", "query"]
    assert table[1].split() == ["korea", "1", "korea", "OR", '"north', 'korea"']
    assert table[2].split() == ["quiet", "1", "korea", "-japan"]
    rows = listed(run)
    assert [(r["name"], r["query"], r["count"]) for r in rows] == [
        ("korea", 'korea OR "north korea"', 1),
        ("quiet", "korea -japan", 1),
    ]
    assert rows[0]["created"]

    ran = run("saved", "run", "KOREA")
    assert ran.exit_code == 0
    assert ran.output == run("search", 'korea OR "north korea"').output
    assert "#1 The Dire Necessity" in ran.output
    as_json = run("saved", "run", "korea", "--json").output.splitlines()
    assert [json.loads(line)["id"] for line in as_json] == [1]

    removed = run("saved", "rm", "quiet")
    assert removed.exit_code == 0
    assert removed.output == "forgot 'quiet': korea -japan\n"
    assert saved_in(run.folder) == {"korea": 'korea OR "north korea"'}
    assert json.loads(run("saved", "rm", "--json", "korea").output)["name"] == "korea"
    assert saved_in(run.folder) == {}
    empty = run("saved", "list")
    assert empty.exit_code == 0 and "no saved searches yet" in empty.output


def test_cli_bad_query_is_one_line_and_not_saved(run) -> None:
    result = run("saved", "add", "bad", "title:(korea")
    assert result.exit_code == 1
    assert result.output == "clippings: unclosed '(' in 'title:(korea': add the closing ')'\n"
    assert saved_in(run.folder) == {}


def test_cli_a_taken_name_needs_replace(run) -> None:
    assert run("saved", "add", "korea", "korea").exit_code == 0
    taken = run("saved", "add", "Korea", "pressure")
    assert taken.exit_code == 1
    assert taken.output == (
        "clippings: a saved search named 'korea' exists: korea (--replace replaces it)\n"
    )
    assert saved_in(run.folder) == {"korea": "korea"}
    replaced = run("saved", "add", "--replace", "--json", "korea", "pressure")
    assert replaced.exit_code == 0
    assert json.loads(replaced.output) | {"created": ""} == {
        "name": "korea",
        "query": "pressure",
        "created": "",
        "count": 1,
    }
    assert saved_in(run.folder) == {"korea": "pressure"}


@pytest.mark.parametrize("command", ["run", "rm"])
def test_cli_unknown_name_is_one_line(run, command: str) -> None:
    result = run("saved", command, "nothing")
    assert result.exit_code == 1
    assert result.output == "clippings: no saved search named 'nothing'\n"


def test_cli_counts_follow_an_import(run, html_pages: Path) -> None:
    run("saved", "add", "english", "lang:en")
    run("saved", "add", "space", "nasa OR europa")
    assert [(r["name"], r["count"]) for r in listed(run)] == [("english", 1), ("space", 0)]
    assert run("import", str(html_pages)).exit_code == 0
    with Archive.open(run.folder) as archive:
        expected = [archive.search(q, limit=None).total for q in ("lang:en", "nasa OR europa")]
    assert [(r["name"], r["count"]) for r in listed(run)] == [
        ("english", expected[0]),
        ("space", expected[1]),
    ]
    assert expected == [4, 1]
    row = run("saved", "list").output.splitlines()[2]
    assert row.split() == ["space", "1", "nasa", "OR", "europa"]


def test_cli_shows_names_and_queries_as_text(run) -> None:
    run("saved", "add", "[bold]loud[/bold]", "korea")
    listing = run("saved", "list").output
    assert "[bold]loud[/bold]" in listing and "\x1b" not in listing


def test_every_saved_command_has_help_with_an_example() -> None:
    group = cli.commands["saved"]
    for name in group.commands:  # type: ignore[attr-defined]
        result = CliRunner().invoke(cli, ["saved", name, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.output and f"clippings saved {name}" in result.output
        assert "--archive" in result.output and "--json" in result.output
