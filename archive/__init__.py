"""Clippings: a clipping archive with full-text search.

The library API is :class:`Archive` (``archive.api``); the command line (``archive.cli``) and the
terminal UI are thin layers over it. Heavy modules (Whoosh, trafilatura) load on first use, so
``import archive`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Article, Clipping, ClippingsError, Hit, ImportReport, RawPage, SearchResult

if TYPE_CHECKING:
    from .api import Archive

__all__ = [
    "Archive",
    "Article",
    "Clipping",
    "ClippingsError",
    "Hit",
    "ImportReport",
    "RawPage",
    "SearchResult",
]


def __getattr__(name: str) -> Any:
    if name == "Archive":
        from .api import Archive

        return Archive
    raise AttributeError(f"module 'archive' has no attribute {name!r}")
