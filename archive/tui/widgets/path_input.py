"""A path box that completes file and folder names as you type (right arrow or Tab accepts)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input


class PathSuggester(Suggester):
    """Suggests the first file or folder that completes the typed path."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(suggester=PathSuggester(), select_on_focus=False, **kwargs)

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()
