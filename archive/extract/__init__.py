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
from .clean import MAX_TEXT, clean_block, clean_line
from .sniff import binary_kind

__all__ = ["MAX_TEXT", "ExtractionError", "clean_block", "clean_line", "extract", "extract_file"]


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
    return _bounded(_cleaned(article))


# An article's text beyond ``MAX_TEXT`` characters (a whole book on one page; 50 MB of text)
# is left out: the saved page is kept whole, but the index, the catalog and every snippet
# would pay for the rest at each search.
_CUT_NOTE = (
    "*The page goes on: its text is cut here, at {:,} characters (the saved page is kept whole).*"
)


def _bounded(article: Article) -> Article:
    """The article with its text and Markdown cut at ``MAX_TEXT`` characters, at a line break
    when there is one near, the Markdown ending with a note that says so."""
    if len(article.text) > MAX_TEXT:
        article.text = _cut(article.text, MAX_TEXT)
    if len(article.markdown) > MAX_TEXT:
        article.markdown = f"{_cut(article.markdown, MAX_TEXT)}\n\n{_CUT_NOTE.format(MAX_TEXT)}"
    return article


def _cut(text: str, limit: int) -> str:
    end = text.rfind("\n", 0, limit + 1)
    if end < limit // 2:
        end = text.rfind(" ", 0, limit + 1)
    return text[: end if end > 0 else limit].rstrip()


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
    article.titles = [t for t in (clean_line(t) for t in article.titles) if t]
    article.text = clean_block(article.text)
    article.markdown = clean_block(article.markdown)
    article.format = clean_line(article.format)
    if not article.text:
        raise ExtractionError("no text found in the page")
    return article
