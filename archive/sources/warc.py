"""WARC captures (``.warc``, ``.warc.gz``, read with warcio): each HTML response is a page.

The URL is the record's ``WARC-Target-URI``, the save time its ``WARC-Date``. Records are
listed by their offset in the file, so each page is read on its own, when its turn comes.

Hostile files are bounded: warcio reads through a reader that stops a gzip bomb (more than
``MAX_RATIO`` times the compressed bytes inflated, past the first ``FREE_INFLATE`` bytes),
a line longer than ``MAX_LINE`` or headers longer than ``MAX_HEADERS`` (no WARC record has
them), and corrupt gzip data (which warcio would only print to stderr, reading on); whatever
warcio raises on a malformed record is one line naming the problem.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from ..models import ClippingsError, too_large

_HTML_TYPES = ("text/html", "application/xhtml+xml")

MAX_RATIO = 100  # inflated bytes per compressed byte: gzip of real pages is 3 to 15
FREE_INFLATE = 64 * 2**20  # inflated before the ratio is checked (a page may be 64 MB)
MAX_LINE = 2**20  # a WARC or HTTP header line; a longer "line" is not a WARC
MAX_HEADERS = 4 * 2**20  # the header lines of a record (and blank lines before it)
_CHECK_UP_TO = 256 * 2**20  # gzipped files decompressed again to their end up to this size


class _Bomb(Exception):
    """More inflated than the compressed size can honestly give."""


class _TooLong(Exception):
    """Lines and lines without a record's body: a text file, or worse."""


class _CorruptGzip(Exception):
    """Gzip data that stops decompressing midway."""


class _BoundedReader(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader with limits on what it inflates and on the length of a line."""

    def __init__(self, stream: Any, block_size: int) -> None:
        super().__init__(stream, block_size=block_size)
        self.raw_read = 0
        self.in_lines = 0  # bytes read line by line since the last block read (headers)

    def _process_read(self, data: bytes) -> None:
        self.raw_read += len(data or b"")
        super()._process_read(data)
        _check_ratio(self.num_read, self.raw_read)

    def _decompress(self, data: bytes) -> bytes:
        if self.decompressor and data and self.num_block_read:
            try:  # warcio writes this error to stderr and reads on as if the data ended
                return self.decompressor.decompress(data)
            except zlib.error as error:
                raise _CorruptGzip(str(error)) from None
        return super()._decompress(data)

    def readline(self, length: int | None = None) -> bytes:
        line = super().readline(MAX_LINE if length is None else min(length, MAX_LINE))
        self.in_lines += len(line)
        if self.in_lines > MAX_HEADERS:
            raise _TooLong(f"over {MAX_HEADERS // 2**20} MB of header lines: not a WARC record")
        return line

    def read(self, length: int | None = None) -> bytes:
        self.in_lines = 0
        return super().read(length)


def _check_ratio(inflated: int, compressed: int) -> None:
    if inflated > FREE_INFLATE and inflated > MAX_RATIO * max(compressed, 1):
        raise _Bomb(f"inflates to over {MAX_RATIO} times its size (a gzip bomb?)")


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, reading through the bounded reader, and quiet: a record not followed
    by its blank line is read on as warcio does, without its warning on stderr."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(stream)
        self.reader = _BoundedReader(self.fh, block_size=self.reader.block_size)

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        self.reader.in_lines = 0  # a record starts: its blank lines and headers are counted
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                first_line = False
                continue
            return line, empty_size


def html_records(path: Path) -> Iterator[tuple[int, bool]]:
    """(offset, is an HTML page) for each response record; raises ``ClippingsError``."""
    count = 0
    try:
        with path.open("rb") as stream:
            records = _Records(stream)
            for record in records:
                count += 1
                if record.rec_type != "response":
                    continue
                yield records.get_record_offset(), _is_html(record)
        if not count:
            raise ValueError("no WARC record in it")
        _check_complete(path)
    except Exception as error:  # warcio raises what its parsers meet (AttributeError, ...)
        what = f"after {count} record{'s' * (count != 1)}" if count else "from the start"
        raise ClippingsError(f"the WARC file is unreadable {what}: {_reason(error)}") from None


def _check_complete(path: Path) -> None:
    """A gzipped WARC cut short reads as if it simply ended: decompress it to its end to
    find out (skipped for very large files, where it would double the time; a bomb stops at
    the same ratio as in the reader)."""
    if not path.name.lower().endswith(".gz") or path.stat().st_size > _CHECK_UP_TO:
        return
    inflated = 0
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as stream:
        while chunk := stream.read(2**20):
            inflated += len(chunk)
            _check_ratio(inflated, raw.tell())


def read_record(path: Path, offset: int, limit: int) -> tuple[bytes, str | None, datetime | None]:
    """The HTTP body of the record at ``offset``, its URL and its date."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(_Records(stream)))
            data = record.content_stream().read(limit + 1)
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date")
    except Exception as error:  # as above: whatever warcio meets, in one line
        raise ClippingsError(f"can't read the WARC record: {_reason(error)}") from None
    if len(data) > limit:
        raise too_large(None, limit)
    return data, url, _date(date)


def _is_html(record: object) -> bool:
    headers = getattr(record, "http_headers", None)
    kind = (headers.get_header("Content-Type") or "") if headers else ""
    return kind.split(";")[0].strip().lower() in _HTML_TYPES


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _reason(error: BaseException) -> str:
    if isinstance(error, StopIteration):
        return "no record there"
    message = str(error).strip()
    for known, reason in _WARCIO_ERRORS:
        if message.startswith(known):
            return reason
    if isinstance(error, _CorruptGzip):
        return f"corrupt gzip data ({_first_line(error)})"
    if isinstance(error, (ArithmeticError, AttributeError, TypeError, KeyError, IndexError)):
        return f"a malformed record ({type(error).__name__})"
    return _first_line(error)


# warcio's messages that quote the bytes they met (binary, long): what they mean instead
_WARCIO_ERRORS = (
    ("Unknown archive format", "not a WARC file (unknown archive format)"),
    ("Invalid ARC record", "a malformed record"),
    ("Invalid WARC record", "a malformed record"),
    (
        "ERROR: non-chunked gzip",
        "gzipped whole, not record by record (`warcio recompress` fixes it)",
    ),
)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
