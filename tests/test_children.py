"""How an import's child processes start (``archive.children``): warm, and nothing of the
process that asks for them inherited."""

from __future__ import annotations

import sqlite3
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archive import children


def _warmth() -> tuple[bool, bool]:
    import py3langid.langid

    return "trafilatura" in sys.modules, py3langid.langid.IDENTIFIER is not None


def test_a_new_worker_starts_with_the_extractor_and_its_models_loaded() -> None:
    # each spawned worker imported the extractor and loaded py3langid's model and jusText's
    # stoplists before its first page (1.5 s of CPU): they are loaded once, in the fork server
    with ProcessPoolExecutor(2, mp_context=children.context()) as pool:
        assert [pool.submit(_warmth).result() for _ in range(2)] == [(True, True)] * 2


def _open_files() -> set[str]:
    import os

    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found


def test_a_worker_inherits_no_open_file_of_the_process_that_asks(tmp_path: Path) -> None:
    # a fork of the importing process would hold its catalog (and its index lock) open
    catalog = tmp_path / "catalog.sqlite3"
    db = sqlite3.connect(catalog)
    db.execute("CREATE TABLE t (x)")
    try:
        with ProcessPoolExecutor(1, mp_context=children.context()) as pool:
            held = pool.submit(_open_files).result()
    finally:
        db.close()
    assert str(catalog) not in held
