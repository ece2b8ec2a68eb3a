"""A path box that completes file and folder names as you type (right arrow or Tab accepts).

It may be filled with a folder to start from; a path typed after it that stands on its own
(``/home/me/Saved``, ``~/Saved``) replaces it, and ``~`` is your home folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input


def typed_path(value: str, prefill: str = "") -> Path:
    """The path a box holding ``value`` means, ``~`` expanded. Typed after ``prefill`` (what
    the box was filled with), an absolute or ``~`` path is taken from where it starts:
    ``/cwd//home/me/Saved`` is ``/home/me/Saved``, ``/cwd/~/Saved`` is ``~/Saved``."""
    if prefill and value.startswith(prefill):
        typed = value[len(prefill) :]
        if os.path.isabs(typed) or typed == "~" or typed.startswith("~" + os.sep):
            value = typed
    return Path(value).expanduser()


class PathSuggester(Suggester):
    """Suggests the first file or folder that completes the typed path (see ``typed_path``)."""

    def __init__(self, prefill: str = "") -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.prefill = prefill

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = typed_path(value, self.prefill)
        folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(
                entry.name for entry in os.scandir(folder) if entry.name.startswith(stem)
            )
        except OSError:
            return None
        visible = [n for n in names if not n.startswith(".") or stem.startswith(".")]
        if not visible or visible[0] == stem:
            return None
        completion = visible[0][len(stem) :]
        if (folder / visible[0]).is_dir():
            completion += os.sep
        return value + completion


class PathInput(Input):
    BINDINGS = [Binding("tab", "complete", "Complete", show=False, id="path.complete")]

    def __init__(self, value: str = "", **kwargs: object) -> None:
        super().__init__(
            value=value, suggester=PathSuggester(value), select_on_focus=False, **kwargs
        )
        self.prefill = value  # (see ``typed_path``)

    @property
    def path(self) -> Path | None:
        """The path typed (None while the box is empty)."""
        value = self.value.strip()
        return typed_path(value, self.prefill) if value else None

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()
