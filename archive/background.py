"""An import in a child process (``clippings import --events``), followed line by line; the
index catching up in one (``clippings reindex --pending``); and the folder watcher in one
(``clippings watch --json``) for as long as the process that started it runs.

The terminal UI imports this way: extraction and index merges are CPU-bound Python, and in the
UI's own process they would take the interpreter lock from the UI thread for seconds at a time.
In a child process they cannot; the archive sees the new clippings as the child commits them.

A child that runs until told to stop (the watcher) is started through this module,
``python -m archive.background ARGS`` (``_tied_main``): it ends when its parent ends, even a
parent killed before it could tell it to.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .importer import ImportProgress
from .models import ClippingsError, ImportFailure, ImportReport

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
# seconds a tied child whose parent is gone has to stop as told (the watcher finishing the
# page in hand) before it ends anyway: what a cut-off write leaves, the next open finishes
ORPHAN_GRACE = 5.0


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
                restored=bool(data.get("restored")),
                files_added=int(data.get("files_added") or 0),
                files_folder=str(data.get("files_folder") or ""),
            )
            self._record(event)
            yield event

    def _record(self, event: ImportProgress) -> None:
        source = str(event.path)
        if event.outcome == "imported" and event.clipping_id is not None:
            self._report.imported.append(int(event.clipping_id))
        elif event.outcome == "present":
            self._report.already_present.append(source)
            if event.restored and event.clipping_id is not None:
                self._report.restored.append((source, int(event.clipping_id)))
        elif event.outcome == "duplicate":
            self._report.duplicates.append(source)
        elif event.outcome == "skipped":
            self._report.skipped.append(source)
        elif event.outcome == "failed":
            self._report.failed.append(ImportFailure(source, event.reason))
        if event.files_added and event.clipping_id is not None:
            added = (source, int(event.clipping_id), event.files_folder, event.files_added)
            self._report.files_added.append(added)

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


@dataclass(frozen=True)
class WatchNews:
    """One line of ``clippings watch --json``: the watch began (``watching``: its folders),
    or a page was taken (``path``; ``outcome``: imported, version, present, files (its files
    folder stored with its clipping) or failed, with its ``reason``; ``clipping_id``)."""

    watching: tuple[str, ...] = ()
    path: str = ""
    outcome: str = ""
    clipping_id: int | None = None
    reason: str = ""


class BackgroundWatch:
    """``clippings watch --json FOLDERS`` in a child process until ``stop()`` (or this process
    ends): iterate ``events()``, which ends when the child does; ``problem()`` then says why
    it ended."""

    def __init__(self, archive_path: Path, folders: list[Path]) -> None:
        self.stopped = False
        self._said = ""  # the last line that was not JSON: its error, if it stopped on one
        args = ["watch", "--json", "--", *map(str, folders)]
        self.process = _child(archive_path, args, tied=True)

    def events(self) -> Iterator[WatchNews]:
        """What the watcher says, line by line, as it says it."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                self._said = line.strip() or self._said
                continue
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("watching"), list):
                yield WatchNews(watching=tuple(map(str, data["watching"])))
            elif "path" in data:
                found = data.get("id")
                yield WatchNews(
                    path=str(data["path"]),
                    outcome=str(data.get("outcome") or ""),
                    clipping_id=found if isinstance(found, int) else None,
                    reason=str(data.get("reason") or ""),
                )

    def problem(self) -> str:
        """Once ``events()`` has ended: why the watcher stopped, in one line ("" when it was
        told to, or ended well)."""
        status = self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.stopped or status == 0:
            return ""
        said = self._said.removeprefix("clippings: ").removeprefix("Error: ")
        return said or f"exit status {status}"

    def stop(self) -> None:
        """Stop the child as Ctrl+C stops ``clippings watch`` (the page in hand is finished)."""
        self.stopped = True
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


def _child(archive_path: Path, args: list[str], *, tied: bool = False) -> subprocess.Popen[str]:
    """``clippings --archive ARCHIVE ARGS`` run by this very package, installed or not.

    ``tied``: through ``_tied_main``, ending with this process; its stderr comes on its stdout
    (a child that runs for hours must not fill a pipe nobody reads until it ends)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    module = "archive.background" if tied else "archive"
    return subprocess.Popen(
        [sys.executable, "-m", module, "--archive", str(archive_path), *args],
        stdin=subprocess.PIPE if tied else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if tied else subprocess.PIPE,
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
    if process.stdin is not None:  # a tied child's lifeline
        process.stdin.close()


def _tied_main() -> None:
    """``python -m archive.background ARGS``: ``clippings ARGS`` in a child that ends with its
    parent. The parent holds the writing end of this process's stdin and never writes to it:
    its end means the parent is gone (or let go), even killed, which no signal tells a child.
    The command is then stopped as the parent would stop it (SIGTERM), and ended if it has
    not stopped within ``ORPHAN_GRACE``. Each line it prints goes out at once, not when a
    pipe's buffer is full."""

    def parent_gone() -> None:
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(ORPHAN_GRACE)
        os._exit(1)

    threading.Thread(target=parent_gone, name="exit-with-parent", daemon=True).start()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    from .cli import main

    main()


if __name__ == "__main__":  # a tied child (see ``_child``)
    _tied_main()
