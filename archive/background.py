"""An import in a child process (``clippings import --events``), followed line by line; and
the index catching up in one (``clippings reindex --pending``).

The terminal UI imports this way: extraction and index merges are CPU-bound Python, and in the
UI's own process they would take the interpreter lock from the UI thread for seconds at a time.
In a child process they cannot; the archive sees the new clippings as the child commits them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .importer import ImportProgress
from .models import ClippingsError, ImportFailure, ImportReport

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


class BackgroundImport:
    """Start with the archive folder and the paths; iterate ``events()``; then ``report()``."""

    def __init__(self, archive_path: Path, paths: list[Path]) -> None:
        self._report = ImportReport()
        self._summary: dict[str, object] | None = None
        self.process = _child(archive_path, ["import", "--events", "--", *map(str, paths)])

    def events(self) -> Iterator[ImportProgress]:
        """Each file as the child finishes it (ends when the child does)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if data.get("event") == "done":
                self._summary = data
                continue
            if data.get("event") != "file":  # the index catching up first: not a file
                continue
            event = ImportProgress(
                done=int(data["done"]),
                total=int(data["total"]),
                path=Path(data["path"]),
                outcome=str(data["outcome"]),
                reason=str(data.get("reason") or ""),
                clipping_id=data.get("id"),
            )
            self._record(event)
            yield event

    def _record(self, event: ImportProgress) -> None:
        source = str(event.path)
        if event.outcome == "imported" and event.clipping_id is not None:
            self._report.imported.append(int(event.clipping_id))
        elif event.outcome == "present":
            self._report.already_present.append(source)
        elif event.outcome == "duplicate":
            self._report.duplicates.append(source)
        elif event.outcome == "skipped":
            self._report.skipped.append(source)
        elif event.outcome == "failed":
            self._report.failed.append(ImportFailure(source, event.reason))

    @property
    def so_far(self) -> ImportReport:
        """The report of the files done until now (the whole one once ``report`` returns)."""
        return self._report

    def report(self) -> ImportReport:
        """Waits for the child; raises ``ClippingsError`` (its one-line message) if it failed
        as a whole, rather than reporting failed files."""
        for _ in self.events():  # whatever was not read yet
            pass
        stderr = self.process.stderr.read() if self.process.stderr else ""
        status = self.process.wait()
        if self._summary is None:
            lines = [line for line in stderr.splitlines() if line.strip()]
            message = lines[-1].removeprefix("clippings: ") if lines else f"exit status {status}"
            raise ClippingsError(f"the import stopped: {message}")
        return self._report

    def stop(self) -> None:
        """Stop the child (what it committed stays; running the import again finishes it)."""
        _stop(self.process)


class BackgroundCatchUp:
    """The index of the archive catching up (``Archive.catch_up``) in a child process."""

    def __init__(self, archive_path: Path) -> None:
        self.process = _child(archive_path, ["reindex", "--pending", "--json"])

    def wait(self) -> int:
        """How many clippings it indexed, once it is done (raises ``ClippingsError``)."""
        stdout, stderr = self.process.communicate()
        if self.process.returncode != 0:
            lines = [line for line in stderr.splitlines() if line.strip()]
            message = lines[-1].removeprefix("clippings: ") if lines else "it stopped"
            raise ClippingsError(f"the index could not catch up: {message}")
        try:
            return int(json.loads(stdout)["reindexed"])
        except (ValueError, KeyError, TypeError):
            return 0

    def stop(self) -> None:
        """Stop the child (what it committed stays: the next open or import goes on)."""
        _stop(self.process)


def _child(archive_path: Path, args: list[str]) -> subprocess.Popen[str]:
    """``clippings --archive ARCHIVE ARGS`` run by this very package, installed or not."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "archive", "--archive", str(archive_path), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
