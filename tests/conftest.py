"""Shared fixtures: every test runs against real archives in temp folders, never the user's."""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from archive.api import Archive
from archive.index import Index
from archive.models import Clipping

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = FIXTURES / "pages"
SAMPLE = ROOT / "clippings" / "000_409f49da4b6764bf.txt"

# The fuzzers (tests/fuzz): a bounded run by default, as CI runs it, and a long one for
# developers: HYPOTHESIS_PROFILE=long pytest tests/fuzz (its failures are kept in .hypothesis/
# and tried first on the next run).
_FUZZ = {"deadline": None, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=40, database=None, **_FUZZ)
settings.register_profile("long", max_examples=5_000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _isolated_archive(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point the default archive at a temp folder, so no test can touch a real one."""
    home = tmp_path_factory.mktemp("default-archive")
    monkeypatch.setenv("CLIPPINGS_ARCHIVE", str(home / "archive"))
    monkeypatch.setenv("CLIPPINGS_CONFIG", str(home / "config"))  # no user keymap in tests
    monkeypatch.delenv("CLIPPINGS_DEBUG", raising=False)
    return home / "archive"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A new archive (seeded with the bundled sample page) in a temp folder."""
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def html_pages(tmp_path: Path) -> Path:
    """A folder holding copies of the real-world fixture pages."""
    folder = tmp_path / "saved"
    shutil.copytree(PAGES, folder)
    return folder


def pool_processes() -> set[int]:
    """The process pools' workers and helpers that this test started, running now (Linux's
    /proc; elsewhere none). This test's: their environment holds the test's name (pytest's
    ``PYTEST_CURRENT_TEST``, which processes inherit), not those of whatever else runs on
    the machine."""
    mark = f"PYTEST_CURRENT_TEST={os.environ.get('PYTEST_CURRENT_TEST', '')}\0".encode()
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if b"multiprocessing" in (entry / "cmdline").read_bytes() and mark in (
                (entry / "environ").read_bytes() + b"\0"
            ):
                found.add(int(entry.name))
        except OSError:  # ended meanwhile
            continue
    return found


def children_of(pid: int) -> set[int]:
    """The processes ``pid`` started, and those they started, that run now (Linux's /proc;
    elsewhere none): an import's fork server, the extraction workers and index sub-writers
    forked from it, the pool's resource tracker."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if after_name[0] != "Z":
            parents[int(entry.name)] = int(after_name[1])
    found: set[int] = set()
    level = {pid}
    while level:
        level = {child for child, parent in parents.items() if parent in level} - found
        found |= level
    return found


def assert_ended(pids: set[int], wait: float = 10.0) -> None:
    """Each of ``pids`` (the children of a killed process) ends soon, not waiting forever."""

    def running() -> set[int]:
        alive = set()
        for pid in pids:
            try:
                state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if state[0] != "Z":
                alive.add(pid)
        return alive

    deadline = time.monotonic() + wait
    while (left := running()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes of the killed one still running: {sorted(left)}"


def assert_pool_ended(before: set[int], wait: float = 10.0) -> None:
    """The workers (and the pool's helper) of an import killed since ``before`` have ended
    with it, rather than waiting forever."""
    deadline = time.monotonic() + wait
    while (left := pool_processes() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes of the killed import still running: {sorted(left)}"


def segmented_index(
    path: Path,
    fields: Callable[[random.Random], dict[str, str]],
    *,
    sizes: tuple[int, ...],
    deleted: int,
    seed: int,
) -> Index:
    """A real index of ``sizes`` segments (one commit each) of clippings whose fields
    ``fields(rng)`` makes, ``deleted`` of the earlier ones deleted at each commit after the
    first: what the matchers are checked on against Whoosh's own."""
    rng = random.Random(seed)
    opened = Index(path)
    ids = iter(range(1, 100_000))
    clipping_id = 0
    for size in sizes:
        with opened.writer() as writer:
            for _ in range(size):
                clipping_id = next(ids)
                writer.add(Clipping(id=clipping_id, language="en", **fields(rng)))
            if clipping_id > size:
                for gone in rng.sample(range(1, clipping_id - size), deleted):
                    writer.delete(gone)
    return opened
