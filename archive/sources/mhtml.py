"""MHTML (``.mht``/``.mhtml``, "Webpage, single file"): the HTML part of a MIME message.

Read with the standard library's ``email`` parser; the URL comes from the part's
``Content-Location`` (or Chrome's ``Snapshot-Content-Location``), the save time from ``Date``.
"""

from __future__ import annotations

import email.policy
import email.utils
from datetime import datetime
from email import errors
from email.parser import BytesParser

from ..models import ClippingsError

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# base64 with characters outside its alphabet, or of an impossible length (missing padding
# alone is read: it is only cut short)
_CORRUPT_BASE64 = (errors.InvalidBase64CharactersDefect, errors.InvalidBase64LengthDefect)


def html_of_mhtml(data: bytes) -> tuple[bytes, str | None, datetime | None]:
    """The page's HTML (as UTF-8), its URL and its save time; raises ``ClippingsError``."""
    try:
        message = BytesParser(policy=email.policy.compat32).parsebytes(data)
    except Exception as error:  # the parser is lenient; this is a last resort
        raise ClippingsError(f"not a readable MHTML file ({type(error).__name__})") from None
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.get_content_type() not in _HTML_TYPES:
            continue
        payload = part.get_payload(decode=True)
        if any(isinstance(d, _CORRUPT_BASE64) for d in part.defects):  # decoded into junk
            raise ClippingsError("the MHTML file's HTML part is not valid base64")
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        charset = part.get_content_charset()
        if charset:  # the MIME header may be the only place the charset is declared
            try:
                text = payload.decode(charset, "replace")
            except LookupError:
                text = None
            if text is not None:
                payload = b'<meta charset="utf-8">' + text.encode("utf-8")
        url = part.get("Content-Location") or message.get("Snapshot-Content-Location")
        return payload, _web_url(url), _date(message.get("Date"))
    raise ClippingsError("an MHTML file without an HTML part")


def _web_url(url: object) -> str | None:
    # the parser keeps a header's non-ASCII bytes as lone surrogates: back to UTF-8 text
    text = str(url).encode("utf-8", "surrogateescape").decode("utf-8", "replace") if url else ""
    text = text.strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
