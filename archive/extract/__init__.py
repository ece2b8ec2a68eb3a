"""Turns one saved page (HTML or text) into an Article: its body as text and Markdown, and
its metadata. Pure functions: no I/O but ``extract_file``'s read, no global state, so they
run as well in worker processes (an Article pickles).

Errors are ExtractionError with a one-line reason ("empty file", "binary data, not a saved
page (PNG image)", "no text found in the page"); nothing from a parser escapes otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..models import Article, ExtractionError, RawPage
from .clean import clean_block, clean_line
from .sniff import binary_kind

__all__ = ["ExtractionError", "clean_block", "clean_line", "extract", "extract_file"]


def extract(page: RawPage) -> Article:
    """The article in a saved page, by ``page.format`` (``"html"`` or ``"text"``)."""
    data = page.data
    if not data or not data.strip():
        raise ExtractionError("empty file")
    kind = binary_kind(data)
    if kind:
        what = "" if kind == "binary data" else f" ({kind})"
        raise ExtractionError(f"binary data, not a saved page{what}")
    if page.format not in ("html", "text"):
        raise ExtractionError(f"unknown page format: {clean_line(str(page.format))[:40]}")
    try:
        if page.format == "html":
            from .html import extract_html

            article = extract_html(page)
        else:
            from .text import extract_text

            article = extract_text(page)
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("the page is nested too deeply to read") from None
    except MemoryError:
        raise ExtractionError("the page is too large to read") from None
    except Exception as err:  # a bug in a parser: one line, no traceback
        reason = clean_line(str(err))[:100]
        raise ExtractionError(
            f"cannot read the page ({type(err).__name__}{': ' + reason if reason else ''})"
        ) from None
    return _cleaned(article)


def extract_file(path: str | os.PathLike[str]) -> Article:
    """The article in a saved page file, read the way an import reads it (``archive.sources``)."""
    from ..sources import candidate_for, read_page

    return extract(read_page(candidate_for(Path(path))))


def _cleaned(article: Article) -> Article:
    """The article with every string clean: one-line fields on one line, no control
    characters or terminal escapes anywhere."""
    article.title = clean_line(article.title)
    article.author = clean_line(article.author)
    article.site = clean_line(article.site)
    article.section = clean_line(article.section)
    article.url = clean_line(article.url)
    article.language = clean_line(article.language)
    article.description = clean_line(article.description)
    article.published = clean_line(article.published) or None
    article.keywords = [k for k in (clean_line(k) for k in article.keywords) if k]
    article.text = clean_block(article.text)
    article.markdown = clean_block(article.markdown)
    article.format = clean_line(article.format)
    if not article.text:
        raise ExtractionError("no text found in the page")
    return article
