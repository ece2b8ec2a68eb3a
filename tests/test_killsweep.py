"""The crash sweep of ``bench/killsweep.py``, short: a few commands that write, each SIGKILLed
(with its worker processes) at a few moments drawn over its run, and after each kill the
archive checks clean, holds every page once, and is as before the command or as after it
(an import run again finishes it). ``python bench/killsweep.py`` runs 50 kills a command.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
# the first start, an import with worker processes, a delete of a page's current version, a
# tag, an upload to ``clippings serve``: a kill of each kind of write in a minute or so
COMMANDS = ["first-start", "import-jobs", "rm", "tag", "serve"]
KILLS = 2  # per command: the bench's 50 take half an hour
PAGES = 8  # saved pages in the import (the bench's 30, for the time of a CI run)


@pytest.mark.slow
def test_a_short_crash_sweep_finds_no_fault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import killsweep

    lines: list[str] = []
    results = killsweep.sweep(
        COMMANDS, kills=KILLS, seed=19, jobs=2, pages=PAGES, scratch=tmp_path, say=lines.append
    )
    assert [r.command for r in results] == COMMANDS
    assert all(r.kills == KILLS for r in results), lines
    faults = [str(fault) for r in results for fault in r.faults]
    assert not faults, "\n".join(faults)
