"""Loaded by the fork server that an import's workers and index sub-writers are forked from
(``archive.children``): it imports and warms up, once, what each of them would before its
first page (py3langid's model, jusText's stoplists, trafilatura, htmldate, the index
writer), so that a new child starts warm.

Warming never fails: a page it can't read costs only the warmth.
"""

from __future__ import annotations

import contextlib

from . import importer  # noqa: F401  (what a worker runs)
from .extract import extract
from .index import parallel  # noqa: F401  (what a sub-writer runs)
from .models import RawPage
from .neardup import signature

# short (trafilatura reads it again with its fallbacks, jusText's stoplists loaded), and
# declaring no language (py3langid's model loaded)
_PAGE = (
    "<html><head><title>The ferry terminal</title></head><body><article><h1>The ferry "
    "terminal</h1><p>By Ann Lee, November 20, 2019</p><p>The harbour authority said on "
    "Monday that the new ferry terminal will open in the spring, two years later than "
    "planned, after a long dispute over its costs. The old pier will close.</p></article>"
    "</body></html>"
)


def _warm() -> None:
    with contextlib.suppress(Exception):
        article = extract(RawPage(data=_PAGE.encode(), source="warm.html", format="html"))
        signature(article.text * 3)


_warm()
