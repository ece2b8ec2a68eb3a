"""WARC captures (``.warc``, ``.warc.gz``, read with warcio): each HTML response is a page.

The URL is the record's ``WARC-Target-URI``, the save time its ``WARC-Date``. Records are
listed by their offset in the file, so each page is read on its own, when its turn comes.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..models import ClippingsError

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def html_records(path: Path) -> Iterator[tuple[int, bool]]:
    """(offset, is an HTML page) for each response record; raises ``ClippingsError``."""
    count = 0
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                count += 1
                if record.rec_type != "response":
                    continue
                yield records.get_record_offset(), _is_html(record)
        _check_complete(path)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        what = f"after {count} record{'s' * (count != 1)}" if count else "from the start"
        raise ClippingsError(f"the WARC file is unreadable {what}: {_first_line(error)}") from None


def _check_complete(path: Path) -> None:
    """A gzipped WARC cut short reads as if it simply ended: decompress it to its end to
    find out (skipped for very large files, where it would double the time)."""
    if not path.name.lower().endswith(".gz") or path.stat().st_size > 256 * 2**20:
        return
    with gzip.open(path, "rb") as stream:
        while stream.read(2**20):
            pass


def read_record(path: Path, offset: int, limit: int) -> tuple[bytes, str | None, datetime | None]:
    """The HTTP body of the record at ``offset``, its URL and its date."""
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            data = record.content_stream().read(limit + 1)
            url = record.rec_headers.get_header("WARC-Target-URI")
            date = record.rec_headers.get_header("WARC-Date")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, StopIteration) as error:
        raise ClippingsError(f"can't read the WARC record: {_first_line(error)}") from None
    if len(data) > limit:
        raise ClippingsError(f"too large for a saved page (over {limit // 2**20} MB)")
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


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
