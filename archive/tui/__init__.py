"""The terminal UI (Textual): the only package that imports Textual.

``create_app`` is the one factory the command line and the tests share.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import ClippingsApp


def create_app(archive_path: str | os.PathLike[str] | None = None) -> ClippingsApp:
    """The app on the archive at ``archive_path`` (see ``archive.location``)."""
    from .app import ClippingsApp

    return ClippingsApp(archive_path)
