"""A path box that completes file and folder names as you type (right arrow accepts the
suggestion; Tab completes as a shell does: what the names share, and lists them when they part).

It may be filled with a folder to start from; a path typed after it that stands on its own
(``/home/me/Saved``, ``~/Saved``) replaces it, in the box too as soon as its ``/`` or ``~/``
is typed, and ``~`` is your home folder. A name that holds
control characters (an escape sequence in a file's name) is never shown as it is: never
suggested, and, picked in the tree, shown cleaned while the box keeps the real path.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from ...render import safe


def typed_path(value: str, prefill: str = "") -> Path:
    """The path a box holding ``value`` means, ``~`` expanded. Typed after ``prefill`` (what
    the box was filled with), an absolute or ``~`` path is taken from where it starts:
    ``/cwd//home/me/Saved`` is ``/home/me/Saved``, ``/cwd/~/Saved`` is ``~/Saved``."""
    if prefill and value.startswith(prefill):
        typed = value[len(prefill) :]
        if os.path.isabs(typed) or typed == "~" or typed.startswith("~" + os.sep):
            value = typed
    return Path(value).expanduser()


def _standing_alone(value: str, prefill: str) -> str | None:
    """What was typed after ``prefill``, when it is a path of its own begun (``/``, ``~/``)."""
    if not prefill or not value.startswith(prefill):
        return None
    typed = value[len(prefill) :]
    return typed if typed.startswith((os.sep, "~" + os.sep)) else None


class PathSuggester(Suggester):
    """Suggests the first file or folder that completes the typed path (see ``typed_path``)."""

    def __init__(self, prefill: str = "") -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.prefill = prefill

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(os.sep):
            # a folder typed whole is what Enter imports: a file of it suggested after the
            # separator read as if the box had changed to that file
            return None
        typed = typed_path(value, self.prefill)
        folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(
                entry.name for entry in os.scandir(folder) if entry.name.startswith(stem)
            )
        except OSError:
            return None
        visible = _shown(names, stem)
        if not visible or visible[0] == stem:
            return None
        completion = visible[0][len(stem) :]
        if (folder / visible[0]).is_dir():
            completion += os.sep
        return value + completion


def _shown(names: list[str], stem: str) -> list[str]:
    """The names that may be offered: not hidden (unless a dot was typed), and printable."""
    return [
        name
        for name in names
        if (not name.startswith(".") or stem.startswith(".")) and safe(name) == name
    ]


def _candidates(value: str, prefill: str) -> tuple[Path, str, list[str]]:
    """(folder, the name being typed, the names in the folder that begin with it)."""
    typed = typed_path(value, prefill)
    folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.startswith(stem))
    except OSError:
        return folder, stem, []
    return folder, stem, _shown(names, stem)


class PathInput(Input):
    BINDINGS = [Binding("tab", "complete", "Complete", show=False, id="path.complete")]

    def __init__(self, value: str = "", **kwargs: object) -> None:
        super().__init__(
            value=value, suggester=PathSuggester(value), select_on_focus=False, **kwargs
        )
        self.prefill = value  # (see ``typed_path``)
        self._chosen: tuple[str, Path] | None = None  # (as shown, the path) of a pick

    def on_input_changed(self, event: Input.Changed) -> None:
        # a path of its own typed after the folder the box was filled with: the box shows it
        # alone ("/cwd//tmp/nu-saved" read as broken, and Tab completed it so)
        alone = _standing_alone(self.value, self.prefill)
        if alone is not None and event.input is self:
            self.value = alone
            self.cursor_position = len(alone)

    def choose(self, path: Path) -> None:
        """Fill the box with ``path`` (picked in the tree), shown cleaned if it must be."""
        shown = safe(str(path))
        self._chosen = (shown, path)
        self.value = shown
        self.cursor_position = len(shown)

    @property
    def path(self) -> Path | None:
        """The path typed or picked (None while the box is empty)."""
        if self._chosen is not None and self.value == self._chosen[0]:
            return self._chosen[1]
        value = self.value.strip()
        return typed_path(value, self.prefill) if value else None

    def action_complete(self) -> None:
        """Complete the name being typed as far as the names that begin with it agree (a
        folder's with its separator); where they part, list them and stay. Tab moves on to
        the next control only from a box with nothing left to complete."""
        value = self.value
        folder, stem, names = _candidates(value, self.prefill) if value else (Path(), "", [])
        if not names:
            if value and not (self.path and self.path.exists()):
                self.app.bell()
                return
            self.screen.focus_next()
            return
        shared = os.path.commonprefix(names)  # noqa: RUF071 (letters shared, not folders)
        if len(names) == 1 and (folder / shared).is_dir():
            shared += os.sep
        if shared != stem and len(shared) > len(stem):
            self.value = value + shared[len(stem) :]
            self.cursor_position = len(self.value)
            if len(names) > 1:  # where they part: which they are
                self._list(names)
            return
        if len(names) == 1:  # complete already: on to the Import button
            self.screen.focus_next()
            return
        self.app.bell()
        self._list(names)

    def _list(self, names: list[str]) -> None:
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        self.notify(listed, title="Several names begin so", markup=False, timeout=4)
