"""A rebuild written by several processes (``archive.index.parallel``): the same index as one
writer makes, and a kill that leaves the old index whole and no process behind. Real indexes,
real processes, a real SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive.index import Index
from archive.models import Clipping, ClippingsError

from .conftest import ROOT, assert_ended, children_of

TOPICS = ["harbour cranes", "river ferries", "night trains", "city orchards", "tide mills"]
QUERIES = ["harbour", "ferries", '"night trains"', "orchard*", "milz~", "clipping 7", "the"]


def clippings(count: int, start: int = 1) -> list[Clipping]:
    found = []
    for n in range(start, start + count):
        topic = TOPICS[n % len(TOPICS)]
        text = " ".join(
            f"Sentence {k} of clipping {n}, about the {topic}, which the council met on."
            for k in range(30)
        )
        found.append(
            Clipping(id=n, title=f"The {topic}, part {n}", text=text, language="en", site="News")
        )
    return found


def _answers(index: Index) -> list[tuple[str, int, list[int], list[int]]]:
    """Each query's total, every hit, and the hits of the best score (the order of equal
    scores, and so which of them the re-ranker sees, follows where a clipping was written)."""
    answers = []
    for query in QUERIES:
        result = index.search(query, limit=None)
        best = max((hit.score for hit in result.hits), default=0.0)
        top = sorted(hit.id for hit in result.hits if hit.score == best)
        answers.append((query, result.total, sorted(hit.id for hit in result.hits), top))
    return answers


def test_a_rebuild_on_two_processes_is_the_rebuild_of_one(tmp_path: Path) -> None:
    one, two = Index(tmp_path / "one"), Index(tmp_path / "two")
    try:
        assert one.rebuild(clippings(120), procs=1) == 120
        assert two.rebuild(clippings(120), procs=2) == 120
        assert len(two.searcher().reader().leaf_readers()) == 2  # a segment per process
        assert two.doc_count() == 120 and two.ids() == one.ids()
        assert _answers(two) == _answers(one)
        assert two._words.sorted() == one._words.sorted()
    finally:
        one.close()
        two.close()


KILLED_REBUILD = """
import sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from tests.test_parallel_index import clippings
from archive.index import Index

def slowly():
    for clipping in clippings(100000, start=1000):
        if clipping.id == 1400:
            print("writing", flush=True)  # the sub-writers have their first documents
        yield clipping

Index(Path(sys.argv[1])).rebuild(slowly(), procs=2)
"""


def test_a_killed_parallel_rebuild_leaves_the_old_index_and_no_process(tmp_path: Path) -> None:
    path = tmp_path / "index"
    index = Index(path)
    index.rebuild(clippings(30))
    before = _answers(index)
    index.close()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_REBUILD, str(path), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stdout.readline() == "writing\n"
    writers = children_of(child.pid)
    assert len(writers) >= 2  # the sub-writers (and multiprocessing's resource tracker)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert_ended(writers)
    reopened = Index(path)
    try:
        assert _answers(reopened) == before  # the old index, whole
        reopened.rebuild(clippings(40), procs=2)  # the lock went with the killed process
        assert reopened.doc_count() == 40
    finally:
        reopened.close()


def test_a_failed_sub_writer_fails_the_commit_rather_than_lose_its_documents(
    tmp_path: Path,
) -> None:
    index = Index(tmp_path / "index")
    try:
        index.rebuild(clippings(30))
        before = _answers(index)
        failed = pytest.raises(ClippingsError, match="an index writing process failed")
        with failed, index.writer(clear=True, procs=2) as writer:
            for clipping in clippings(200, start=100):
                writer.add(clipping, new=True)
                if clipping.id == 160:  # the first job files are handed over
                    os.kill(writer.raw.tasks[0].pid, signal.SIGKILL)
        assert _answers(index) == before  # nothing committed: the old index, whole
    finally:
        index.close()
