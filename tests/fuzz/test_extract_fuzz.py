"""Extraction fuzzed: any bytes, HTML-ish documents and text pages become an article or an
``ExtractionError`` with a one-line reason; never another exception, never a string that
could not be stored or printed."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from archive.extract import MAX_TEXT, ExtractionError, extract
from archive.extract.encoding import decode
from archive.extract.html import html_to_article
from archive.extract.sniff import binary_kind, guess_format
from archive.extract.text import text_to_article
from archive.models import RawPage

from .strategies import encoded, html_documents, page_bytes, prose, storable, text_pages


def extracted(data: bytes, fmt: str) -> None:
    try:
        article = extract(RawPage(data, "fuzz", fmt))
    except ExtractionError as error:
        reason = str(error)
        assert reason and "\n" not in reason and len(reason) < 200
        return
    storable(article)
    assert article.text.strip() and len(article.text) <= MAX_TEXT


@given(page_bytes, st.sampled_from(["html", "text", "pdf"]))
def test_extract_takes_any_bytes(data: bytes, fmt: str) -> None:
    extracted(data, fmt)


@given(encoded(html_documents()))
def test_extract_takes_any_html(data: bytes) -> None:
    extracted(data, "html")


@given(html_documents(), st.sampled_from([None, "https://example.com/a", "not a url", ""]))
def test_html_to_article_takes_any_document(html: str, url: str | None) -> None:
    with contextlib.suppress(ExtractionError):
        storable(html_to_article(html, url))


@given(text_pages)
def test_the_text_page_rules_take_any_page(text: str) -> None:
    try:
        article = text_to_article(text)
    except ExtractionError:
        return
    storable(article)


@given(encoded(text_pages))
def test_extract_takes_any_text_page(data: bytes) -> None:
    extracted(data, "text")


@given(st.binary(max_size=3000), st.booleans())
def test_decoding_and_sniffing_never_fail(data: bytes, html: bool) -> None:
    assert isinstance(decode(data, html=html), str)
    binary_kind(data)
    assert guess_format(data, ".htm") == "html"
    assert guess_format(data, "") in ("html", "text")


@given(prose)
def test_decoding_utf8_gives_the_text_back(text: str) -> None:
    assert decode(text.encode("utf-8")) == text.removeprefix("\ufeff")
