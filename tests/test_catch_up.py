"""An index that is behind the catalog (a new schema version, a long interrupted import): a
read never waits on the catch-up. It answers from the index as it is and says how many
clippings it can't find yet; ``reindex --pending`` (or ``check --repair``, or the next import)
catches up with a progress bar; ``reindex --from-catalog`` rebuilds without extracting, and
searches see the old index until the new one is complete. Real archives, real indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import api, recovery
from archive.api import Archive
from archive.cli import cli

from .test_search import CORPUS, saved_page


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An archive of the sample and the search corpus (5 clippings)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, fields in CORPUS.items():
        (pages / name).write_text(saved_page(*fields), encoding="utf-8")
    with Archive.open(tmp_path / "archive") as archive:
        assert not archive.import_paths([pages]).failed
    return tmp_path / "archive"


def _index_emptied(folder: Path) -> None:
    """The index as a new schema version leaves it: empty, the catalog whole."""
    with Archive.open(folder, sync=False) as archive:
        archive.index.rebuild([])
        assert archive.unindexed() == len(archive)


def run(folder: Path, *args: str):
    return CliRunner().invoke(cli, ["--archive", str(folder), *args], catch_exceptions=False)


def test_a_search_does_not_wait_for_a_long_catch_up(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)  # a gap "too long" to wait on
    _index_emptied(folder)
    with Archive.open(folder) as archive:
        result = archive.search("harbour")
        assert (result.total, result.unindexed) == (0, len(archive))
    cli_result = run(folder, "search", "harbour")
    assert "5 clippings not searchable yet" in cli_result.stderr
    assert "clippings reindex --pending" in cli_result.stderr


def test_a_short_catch_up_is_done_when_the_archive_opens(folder: Path) -> None:
    _index_emptied(folder)  # 5 clippings: fewer than SYNC_ON_OPEN
    with Archive.open(folder) as archive:
        result = archive.search("harbour")
        assert result.total == 2 and result.unindexed == 0


def test_reindex_pending_catches_up_in_batches(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)
    monkeypatch.setattr(recovery, "SYNC_BATCH", 2)
    _index_emptied(folder)
    seen: list[tuple[int, int]] = []
    with Archive.open(folder) as archive:
        assert archive.catch_up(lambda p: seen.append((p.done, p.total))) == 5
        assert seen == [(2, 5), (4, 5), (5, 5)]  # a commit each: a kill keeps what was done
        assert archive.unindexed() == 0
        assert archive.search("harbour").total == 2
    _index_emptied(folder)
    result = run(folder, "reindex", "--pending")
    assert result.exit_code == 0 and "indexed 5 clippings" in result.output
    assert "not searchable" not in run(folder, "search", "harbour").stderr


def test_check_repair_and_the_next_import_catch_up_too(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)
    _index_emptied(folder)
    assert run(folder, "check", "--repair").exit_code == 0
    with Archive.open(folder) as archive:
        assert archive.unindexed() == 0
    _index_emptied(folder)
    with Archive.open(folder) as archive:
        archive.import_paths([])
        assert archive.unindexed() == 0


def test_reindex_from_the_catalog_extracts_nothing(folder: Path, monkeypatch) -> None:
    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("extracted again")

    monkeypatch.setattr(api, "extract", no_extraction)
    result = run(folder, "reindex", "--from-catalog", "--json")
    assert json.loads(result.output) == {"reindexed": 5, "kept_old": []}
    with Archive.open(folder) as archive:
        assert archive.search("harbour").total == 2


def test_searches_see_the_old_index_until_the_rebuild_is_complete(folder: Path) -> None:
    counts: list[int] = []
    with Archive.open(folder) as writer, Archive.open(folder) as reader:

        def progress(event: recovery.SyncProgress) -> None:
            counts.append(reader.search("harbour").total)

        writer.reindex(reextract=False, progress=progress)
        assert counts and set(counts) == {2}
        assert reader.search("harbour").total == 2


def test_an_empty_index_is_rebuilt_on_every_core(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api, "PARALLEL_REBUILD", 3)
    monkeypatch.setattr(api, "cores", lambda: 2)
    _index_emptied(folder)
    seen: list[tuple[int, int]] = []
    with Archive.open(folder, sync=False) as archive:
        rebuild, procs = archive.index.rebuild, []

        def spy(*args, **kwargs):
            procs.append(kwargs.get("procs"))
            return rebuild(*args, **kwargs)

        monkeypatch.setattr(archive.index, "rebuild", spy)
        assert archive.catch_up(lambda p: seen.append((p.done, p.total))) == 5
        assert procs == [2] and seen[-1] == (5, 5)
        assert archive.unindexed() == 0
        assert archive.search("harbour").total == 2
        assert archive.suggest("harbuor") == "harbour"


def test_the_count_a_search_compares_follows_every_change(folder: Path, tmp_path: Path) -> None:
    """``unindexed`` compares the catalog's count with the index's, the count kept between
    changes: a change by this connection or another is counted again."""
    with Archive.open(folder) as reader, Archive.open(folder) as writer:
        assert len(reader) == len(writer) == 5
        page = tmp_path / "new.html"
        page.write_text(saved_page("Lock Keepers", "Ana Lima", "2021-02-03", "River News", "x"))
        [new] = writer.import_paths([page]).imported
        assert len(reader) == len(writer) == 6
        reader.remove(new)
        assert len(writer) == len(reader) == 5
        assert reader.search("harbour").unindexed == 0


def _as_previous_version(folder: Path) -> str:
    """The index as an upgrade finds it: made by the schema version before this one, this
    version's not there yet. Returns the previous version's name."""
    from archive import index as index_module

    current = index_module._INDEX_NAME
    previous = f"clippings{int(current.removeprefix('clippings')) - 1}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_INDEX_NAME", previous)
        with Archive.open(folder, sync=False) as archive:  # (deletes this version's files)
            archive.index.rebuild(archive.catalog.iter_all())
    assert not [f for f in (folder / "index").iterdir() if current in f.name]
    return previous


def test_after_an_upgrade_searches_read_the_previous_index_until_the_new_is_built(
    folder: Path, monkeypatch
) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)  # too many to build when it opens
    previous = _as_previous_version(folder)
    with Archive.open(folder) as archive:
        result = archive.search("harbour")
        assert (result.total, result.unindexed, result.outdated) == (2, 0, True)
        assert archive.index.doc_count() == 0  # this version's index: not built yet
    cli_result = run(folder, "search", "harbour", "--json")
    assert len(cli_result.stdout.splitlines()) == 2  # two hits
    assert "index of the previous version" in cli_result.stderr
    assert "reindex --pending" in cli_result.stderr

    with Archive.open(folder) as reader, Archive.open(folder) as writer:
        assert reader.search("harbour").total == 2
        assert writer.catch_up() == 5
        # the other process switches to the new index at its next search
        result = reader.search("harbour")
        assert (result.total, result.outdated) == (2, False)
    assert not [f for f in (folder / "index").iterdir() if previous in f.name]
    assert "previous version" not in run(folder, "search", "harbour").stderr


def test_a_short_upgrade_is_built_when_the_archive_opens(folder: Path) -> None:
    previous = _as_previous_version(folder)  # 5 clippings: fewer than SYNC_ON_OPEN
    with Archive.open(folder) as archive:
        result = archive.search("harbour")
        assert (result.total, result.outdated) == (2, False)
    assert not [f for f in (folder / "index").iterdir() if previous in f.name]


def test_a_previous_index_this_version_cannot_read_is_deleted(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)
    previous = _as_previous_version(folder)
    for toc in (folder / "index").glob(f"_{previous}_*.toc"):
        toc.write_bytes(b"not a table of contents")
    with Archive.open(folder) as archive:
        result = archive.search("harbour")
        assert (result.total, result.unindexed, result.outdated) == (0, 5, False)
    assert not [f for f in (folder / "index").iterdir() if previous in f.name]


def test_an_import_after_an_upgrade_builds_the_new_index_first(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(api.Archive, "SYNC_ON_OPEN", 2)
    _as_previous_version(folder)
    with Archive.open(folder) as archive:
        archive.import_paths([])
        result = archive.search("harbour")
        assert (result.total, result.unindexed, result.outdated) == (2, 0, False)
