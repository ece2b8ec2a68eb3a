"""Where the archive lives: ``--archive DIR``, else ``$CLIPPINGS_ARCHIVE``, else user data dir;
and the user's settings (``config_dir``): ``config.toml`` names folders to watch.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

ENV_VAR = "CLIPPINGS_ARCHIVE"
CONFIG_ENV_VAR = "CLIPPINGS_CONFIG"

# what an archive folder holds (a new one, or one whose creation a kill cut short, may hold only
# some of them): a folder holding anything else is not made an archive, nor restored over
ARCHIVE_ENTRIES = frozenset(
    {
        "catalog.sqlite3",
        "catalog.sqlite3-wal",
        "catalog.sqlite3-shm",
        "catalog.sqlite3-journal",
        "originals",
        "index",
        "import.lock",
        "incoming",  # uploads staged for import (``archive.uploads``)
        "upload-token",
    }
)


def archive_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder to use, by the order of precedence above (not created here)."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("clippings", appauthor=False))


def bundled_dir() -> Path:
    """The saved pages every new archive starts with (the sample page first).

    An installed wheel carries them inside the package as ``archive/_bundled``; a checkout
    (or an editable install) has them in the top-level ``clippings/`` folder.
    """
    package = Path(__file__).resolve().parent
    installed = package / "_bundled"
    if installed.is_dir():
        return installed
    return package.parent / "clippings"


def config_dir() -> Path:
    """The user's settings folder (``keymap.toml``): ``$CLIPPINGS_CONFIG``, else the platform's."""
    from_env = os.environ.get(CONFIG_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir("clippings", appauthor=False))


def config_file() -> Path:
    """The settings file: ``config.toml`` in ``config_dir()``."""
    return config_dir() / "config.toml"


def watched_folders(path: Path | None = None) -> tuple[list[Path], str | None]:
    """The folders the settings file names to watch (``~`` expanded), and a one-line problem
    when it can't be read (no folders then). No file, or no ``[watch]`` table: none.

        [watch]
        folders = ["~/Downloads", "~/Saved pages"]
    """
    path = path or config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [], f"{path}: {error}"
    section = data.get("watch", {})
    folders = section.get("folders", []) if isinstance(section, dict) else None
    if isinstance(folders, str):  # one folder, not in a list
        folders = [folders]
    if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
        return [], f"{path}: [watch] folders must be a list of folder names"
    return [Path(folder).expanduser() for folder in folders], None
