"""Segments merged in the background (``archive.index.merging``): tiny ones in the commit,
segments of like size by a merger process after it; what was deleted while a merge ran stays
deleted, a merge whose sources are gone is dropped, and a merger killed at any moment leaves
the index whole. Real indexes, real processes, a real SIGKILL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.index import TOC

from archive.crashpoints import ENV
from archive.index import _INDEX_NAME, Index, merging
from archive.index.storage import MappedStorage

from .conftest import ROOT
from .test_parallel_index import clippings


@pytest.fixture(autouse=True)
def ten_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests merge ten segments of 50 clippings or more at once (whatever the defaults)."""
    monkeypatch.setattr(merging, "FACTOR", 10)
    monkeypatch.setattr(merging, "SMALL", 50)


def segments(index: Index) -> list[object]:
    return TOC.read(MappedStorage(str(index.path)), _INDEX_NAME).segments


def sizes(index: Index) -> list[int]:
    return sorted(s.doc_count() for s in segments(index))


def on_disk(folder: Path) -> set[str]:
    """The segments whose files are in ``folder``."""
    return {n.split(".")[0] for n in os.listdir(folder) if n.startswith(f"{_INDEX_NAME}_")} - {
        f"{_INDEX_NAME}_WRITELOCK",
        f"{_INDEX_NAME}_MERGELOCK",
    }


def commit(index: Index, count: int, start: int) -> None:
    with index.writer() as writer:
        for clipping in clippings(count, start):
            writer.add(clipping, new=True)


def test_ten_segments_of_like_size_are_chosen_the_smallest_first() -> None:
    def made(*counts: int) -> list[W3Segment]:
        return [W3Segment(W3Codec(), "x", doccount=n) for n in counts]

    assert merging.choose(made(*[60] * 9, 5000)) == []  # no ten alike
    # an import's segments on two cores: 450 and 550, alike (fixed tiers split them at 500)
    halves = made(*[450, 550] * 5)
    assert sorted(merging.choose(halves), key=id) == sorted(halves, key=id)
    tier0 = made(*[60 + n for n in range(12)])
    assert merging.choose(tier0) == tier0[:10]  # the ten smallest of it
    big = made(*[600] * 10)
    assert merging.choose(big + tier0[:10]) == tier0[:10]  # the smaller tier first
    assert merging.choose(big) == big


def assert_same_answers(index: Index, whole: Index) -> None:
    """``index`` (merged) answers as ``whole`` (the same clippings written at once), scores
    included: a merged segment's field-length totals are its sources', exact, not summed from
    each clipping's length kept to a byte."""
    for query in ["harbour", '"night trains"', "orchard*", "milz~", "clipping 7"]:
        found, expected = index.search(query, limit=None), whole.search(query, limit=None)
        assert found.total == expected.total, query
        scores = [sorted((h.id, round(h.score, 9)) for h in r.hits) for r in (found, expected)]
        assert scores[0] == scores[1], query


def test_tiny_segments_are_merged_in_the_commit(tmp_path: Path) -> None:
    # a watched folder commits a page at a time: not a segment per page
    index, whole = Index(tmp_path / "index"), Index(tmp_path / "whole")
    try:
        for n in range(1, 8):
            commit(index, 1, n)
            assert len(segments(index)) <= 2
        assert index.doc_count() == 7 and not index.merging()
        whole.rebuild(clippings(7))
        assert_same_answers(index, whole)
    finally:
        index.close()
        whole.close()


def test_a_tier_of_ten_is_merged_in_the_background_and_finds_the_same(tmp_path: Path) -> None:
    index, whole = Index(tmp_path / "index"), Index(tmp_path / "whole")
    try:
        whole.rebuild(clippings(600))
        for n in range(10):
            commit(index, 60, 1 + 60 * n)
        assert index.wait_for_merges(timeout=120)
        assert sizes(index) == [600]
        assert not (index.path / merging.FOLDER).exists()
        assert_same_answers(index, whole)
    finally:
        index.close()
        whole.close()


def ten_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Index:
    """An index of ten segments of 60 clippings, left unmerged (the merger not started)."""
    index = Index(tmp_path / "index")
    monkeypatch.setattr(merging, "FACTOR", 100)
    for n in range(10):
        commit(index, 60, 1 + 60 * n)
    monkeypatch.setattr(merging, "FACTOR", 10)
    assert sizes(index) == [60] * 10
    return index


def merge_in_a_thread(index: Index) -> tuple[threading.Thread, list[bool]]:
    """``merging.merge`` of the ten segments, started; returns once it has written the merged
    segment and waits for the write lock (which the caller holds)."""
    storage = MappedStorage(str(index.path))
    sources = merging.choose(segments(index))
    result: list[bool] = []

    def merge() -> None:
        lock = storage.lock(f"{_INDEX_NAME}_MERGELOCK")  # as the merger takes it
        assert lock.acquire()
        try:
            result.append(merging.merge(storage, index.path, _INDEX_NAME, sources))
        finally:
            lock.release()

    thread = threading.Thread(target=merge)
    thread.start()
    written = index.path / merging.FOLDER / f"_{_INDEX_NAME}_1.toc"
    deadline = time.monotonic() + 60
    while not written.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert written.exists()
    return thread, result


def test_what_is_deleted_while_a_merge_runs_stays_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = ten_segments(tmp_path, monkeypatch)
    try:
        with index.writer() as writer:  # an import's writer, holding the lock
            thread, result = merge_in_a_thread(index)
            writer.delete(5)  # from the first source
            writer.delete(590)  # from the last
            writer.add(clippings(1, 601)[0], new=True)
        thread.join(60)
        assert result == [True]
        assert sizes(index) == [1, 598]
        assert index.ids() == set(range(1, 602)) - {5, 590}
        assert 590 not in {hit.id for hit in index.search("clipping 590", limit=None).hits}
    finally:
        index.close()


def test_a_merge_whose_sources_are_gone_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = ten_segments(tmp_path, monkeypatch)
    try:
        with index.writer(clear=True) as writer:  # a rebuild meanwhile
            thread, result = merge_in_a_thread(index)
            for clipping in clippings(30):
                writer.add(clipping, new=True)
        thread.join(60)
        assert result == [False]
        assert index.ids() == set(range(1, 31)) and sizes(index) == [30]
    finally:
        index.close()


BUILD = """
import sys
from pathlib import Path
from archive.index import Index
from archive.index import merging
from tests.test_merging import commit
merging.FACTOR, merging.SMALL = 10, 50
index = Index(Path(sys.argv[1]))
for n in range(10):
    commit(index, 60, 1 + 60 * n)
index.wait_for_merges(timeout=120)
index.close()
"""


def test_a_merger_killed_before_its_table_of_contents_leaves_the_index_whole(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "index"
    env = {**os.environ, ENV: "merge.before_toc"}
    subprocess.run(
        [sys.executable, "-c", BUILD, str(folder)], cwd=ROOT, env=env, timeout=180, check=False
    )
    index = Index(folder)
    try:
        assert sizes(index) == [60] * 10  # the merge was never listed
        assert index.ids() == set(range(1, 601))
        listed = {s.segment_id() for s in segments(index)}
        assert on_disk(folder) - listed  # its files were moved in, unlisted
        commit(index, 1, 601)  # the next commit: the merger starts again
        assert index.wait_for_merges(timeout=120)
        assert sizes(index) == [60, 541] and index.ids() == set(range(1, 602))
        listed = {s.segment_id() for s in segments(index)}
        assert on_disk(folder) == listed  # the orphans deleted
    finally:
        index.close()


def test_an_import_waits_for_the_merge_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a merge under way when the import ends: the command says so and waits (closing the
    # archive would end it, its work done again after a later write)
    from click.testing import CliRunner

    from archive.cli import cli

    from .conftest import FIXTURES

    monkeypatch.setattr(merging, "SMALL", 1)  # every segment merged by the merger,
    monkeypatch.setattr(merging, "FACTOR", 2)  # two at a time
    folder = tmp_path / "archive"
    for page in sorted((FIXTURES / "pages").iterdir())[:3]:
        result = CliRunner().invoke(cli, ["--archive", str(folder), "import", str(page)])
        assert result.exit_code == 0, result.output
        index = Index(folder / "index")
        try:
            assert merging.choose(segments(index)) == []  # nothing left to merge
        finally:
            index.close()


def test_a_merger_ended_by_its_archive_closing_leaves_no_work_behind(tmp_path: Path) -> None:
    index = Index(tmp_path / "index")
    for n in range(9):
        commit(index, 60, 1 + 60 * n)
    commit(index, 60, 541)  # the tenth: the merger starts
    deadline = time.monotonic() + 60
    while not (index.path / merging.FOLDER).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    index.close()  # mid-merge
    assert not (index.path / merging.FOLDER).exists()
    index = Index(tmp_path / "index")
    try:
        assert index.ids() == set(range(1, 601))
    finally:
        index.close()


def test_segments_a_closed_command_left_due_are_merged_by_a_process_that_stays_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (the TUI, watch and serve ask for it when they start: a Ctrl+C'd merge is done there)
    index = ten_segments(tmp_path, monkeypatch)
    try:
        index.start_merges()
        assert index.wait_for_merges(timeout=120)
        assert sizes(index) == [600]
    finally:
        index.close()
