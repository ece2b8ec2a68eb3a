"""The container readers fuzzed: MHTML, WARC (gzipped or not), zip archives and saved-page
headers, whole or damaged, give pages or a ``ClippingsError``; never another exception."""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from archive.models import ClippingsError
from archive.sources import page_from_bytes
from archive.sources.mhtml import html_of_mhtml
from archive.sources.saved_from import page_origin
from archive.sources.warc import html_records, read_record
from archive.sources.zipped import member_names, read_member

from .strategies import encoded, html_documents, mime_messages, warc_files


def storable(value: str | None) -> None:
    if value is not None:
        value.encode("utf-8")


@given(st.one_of(mime_messages(), st.binary(max_size=2000)))
def test_mhtml_reader_takes_any_message(data: bytes) -> None:
    try:
        html, url, saved = html_of_mhtml(data)
    except ClippingsError:
        return
    assert isinstance(html, bytes) and html.strip()
    storable(url)
    assert saved is None or isinstance(saved, datetime)


@given(st.one_of(mime_messages(), encoded(html_documents())), st.sampled_from([".mht", ".html"]))
def test_a_page_from_any_bytes(data: bytes, suffix: str) -> None:
    try:
        page = page_from_bytes(data, "fuzz", suffix)
    except ClippingsError:
        return
    assert page.format in ("html", "text")
    storable(page.url)


def read_warc(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"capture{suffix}"
        path.write_bytes(data)
        offsets = []
        with contextlib.suppress(ClippingsError):
            offsets = [offset for offset, _ in html_records(path)]
        for offset in offsets:
            try:
                body, url, _saved = read_record(path, offset, 2**20)
            except ClippingsError:
                continue
            assert isinstance(body, bytes)
            storable(url)


@given(warc_files(), st.sampled_from([".warc", ".warc.gz"]))
def test_warc_reader_takes_any_capture(data: bytes, suffix: str) -> None:
    read_warc(data, suffix)


@given(st.binary(max_size=2000), st.sampled_from([".warc", ".warc.gz"]))
def test_warc_reader_takes_any_bytes(data: bytes, suffix: str) -> None:
    read_warc(data, suffix)


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                   zipfile.ZIP_LZMA]))  # fmt: skip
    names = st.sampled_from(["a.html", "../b.html", "/c.htm", "d/", "é.txt", "x", "e.mht"])
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name in draw(st.lists(names, max_size=3, unique=True)):
            archive.writestr(name, draw(st.binary(max_size=200)))
    data = buffer.getvalue()
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    return data


def _corrupt_deflate() -> bytes:
    """A zip whose member's deflated bytes are damaged (zipfile raises zlib.error)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.html", b"<p>a page</p>" * 20)
    data = buffer.getvalue()
    start = 30 + len("a.html")  # past the local header
    return data[:start] + bytes(b ^ 0xFF for b in data[start : start + 8]) + data[start + 8 :]


# what the fuzzer found: corrupt deflate data (zlib.error), a version zipfile refuses
CORRUPT_DEFLATE = _corrupt_deflate()
UNKNOWN_VERSION = (
    b"PK\x03\x04\x14\x00\x00\x00\x00\x00Bc{]\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    b"\x00\x00\x01\x00\x00\x00xPK\x01\x02\x14\x03\xeb\x00\x00\x00\x00\x00Bc{]\x00\x00"
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    b"\x00\x00\x80\x01\x00\x00\x00\x00xPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00/\x00"
    b"\x00\x00\x1f\x00\x00\x00\x00\x00"
)


@given(zips())
@example(CORRUPT_DEFLATE)
@example(UNKNOWN_VERSION)
def test_zip_reader_takes_any_archive(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pages.zip"
        path.write_bytes(data)
        try:
            names = member_names(path)
        except ClippingsError:
            return
        for name in names:
            with contextlib.suppress(ClippingsError):
                read_member(path, name, 2**20)


@given(st.one_of(st.binary(max_size=1000), encoded(html_documents())))
def test_saved_page_headers_take_any_bytes(data: bytes) -> None:
    for head in (data, b"<!-- Page saved with SingleFile\n url: " + data + b"\n-->",
                 b"<!-- saved from url=(0042)" + data + b" -->"):  # fmt: skip
        url, saved = page_origin(head)
        storable(url)
        assert url is None or url.lower().startswith(("http://", "https://"))
        assert saved is None or isinstance(saved, datetime)
