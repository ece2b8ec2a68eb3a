"""The user's key remapping: ``keymap.toml`` in the config folder maps binding ids to keys.

    [keymap]
    "search.sort" = "f5"
    "reader.delete" = "ctrl+d,delete"

The binding ids are listed in the help screen (``?``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..location import config_dir


def keymap_path() -> Path:
    return config_dir() / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The remapping, and a one-line problem if the file could not be read (it is then ignored)."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, f"{path}: {error}"
    section = data.get("keymap", {})
    if not isinstance(section, dict):
        return {}, f"{path}: [keymap] must be a table of binding id = keys"
    keymap = {str(k): str(v) for k, v in section.items() if isinstance(v, str)}
    return keymap, None
