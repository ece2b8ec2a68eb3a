"""Finds the publication date a page does not declare, in its URL, markup and text: htmldate,
whose parser of dates written in words (dateparser) is told the page's declared language.

dateparser, told no language, tries each of its 205 locales in turn on a string none of them
reads ("Tom Davies Associated Press Published 11:34"), building each one's word tables as it
goes: 1.6 s of CPU, once in every process, which an import paid in each of its workers. Told
the page's language and English, it builds two. A page that declares no language, or one
dateparser does not know, is read as before, in every locale.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from .metadata import iso_date

__all__ = ["found_date"]

# htmldate's own settings for dateparser (``htmldate.extractors.get_external_parser``)
_SETTINGS = {
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}
# English besides the page's language: bylines and datelines in English on pages in others
_ALSO = "en"

_languages: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "date_languages", default=None
)


def found_date(tree: HtmlElement | None, url: str, language: str = "") -> str | None:
    """The publication date htmldate finds in the page (its URL, markup, text), or None;
    ``language``: the one the page declares (``"de"``), ``""`` for none. A 1st of January is a
    year alone (htmldate's reading of "© 2024" in a footer): not a date."""
    if tree is None:
        return None
    try:
        from htmldate import find_date

        with _told(language):
            found = iso_date(
                find_date(
                    tree,
                    url=url or None,
                    original_date=True,
                    extensive_search=True,
                    max_date=datetime.now(UTC).strftime("%Y-%m-%d"),
                )
                or ""
            )
    except Exception:  # its failure only costs the date
        return None
    return None if found and found[5:10] == "01-01" else found


@contextlib.contextmanager
def _told(language: str) -> Iterator[None]:
    """Within this, htmldate's dateparser reads dates in ``language`` and English alone."""
    known = _known_languages()
    if not language or language not in known or not _hooked():
        yield
        return
    token = _languages.set(tuple(dict.fromkeys((language, _ALSO))))
    try:
        yield
    finally:
        _languages.reset(token)


@lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    from dateparser.data.languages_info import language_order

    return frozenset(language_order)


@lru_cache(maxsize=1)
def _hooked() -> bool:
    """htmldate asks ``get_external_parser()`` for its dateparser at each use: the answer is
    the one for the languages in force. False (every locale, as before) if a release of
    htmldate no longer has it."""
    from htmldate import extractors

    everyone = getattr(extractors, "get_external_parser", None)
    if everyone is None:
        return False

    def for_the_page() -> Any:
        languages = _languages.get()
        return everyone() if languages is None else _parser(languages)

    extractors.get_external_parser = for_the_page
    return True


@lru_cache(maxsize=32)
def _parser(languages: tuple[str, ...]) -> Any:
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages), settings=_SETTINGS)
