"""Where the archive lives: ``--archive DIR``, else ``$CLIPPINGS_ARCHIVE``, else user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "CLIPPINGS_ARCHIVE"
CONFIG_ENV_VAR = "CLIPPINGS_CONFIG"


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
