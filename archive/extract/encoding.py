"""Turns a saved page's bytes into text with the right character encoding, never mojibake.

Order: a byte order mark; for HTML the charset the page declares in its first bytes; strict
UTF-8; charset-normalizer's guess. Bytes that are valid UTF-8 with non-ASCII characters are
read as UTF-8 even when the page declares a legacy charset (a common lie). Undecodable bytes
become U+FFFD instead of an error.
"""

from __future__ import annotations

import codecs

from .sniff import utf16_without_bom

__all__ = ["declared_charset", "decode"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

_DECLARED_SCAN = 4096

# what browsers do (WHATWG Encoding): these labels mean windows-1252
_AS_WINDOWS_1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252", "windows-1252"})
# 7-bit encodings that use escape sequences: pure ASCII bytes do not prove UTF-8
_SEVEN_BIT = frozenset({"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf-7", "hz"})


def _codec(label: str) -> str | None:
    """The Python codec name for an encoding label, or None if Python does not know it."""
    label = label.strip().lower()
    if label in ("x-user-defined", "none", "unicode"):
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _AS_WINDOWS_1252:
        return "cp1252"
    if name in ("iso8859-9", "latin-5"):
        return "cp1254"
    return name


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML page declares in its first 4 KB (``<meta charset>``, http-equiv,
    ``<?xml encoding?>``), or None."""
    from bs4.dammit import EncodingDetector  # bs4's reader of <meta charset> and <?xml?>

    label = EncodingDetector.find_declared_encoding(data[:_DECLARED_SCAN], is_html=True)
    return _codec(label) if label else None


def _guess(data: bytes) -> str:
    """charset-normalizer's guess for bytes that are not UTF-8; windows-1252 when that is as
    good a fit as the best guess (the detector cannot tell Latin encodings apart on short
    texts, and windows-1252 is by far the most common of them), or when nothing fits."""
    try:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(data[:262144]))
    except Exception:  # a detection bug must not lose the page
        matches = []
    if not matches:
        return "cp1252"
    best_chaos = matches[0].chaos
    for match in matches:
        if match.chaos > best_chaos + 0.01:
            break
        if "cp1252" in (match.encoding, *match.could_be_from_charset):
            return "cp1252"
    codec = _codec(matches[0].encoding)
    if codec and not codec.startswith(("utf-16", "utf-32")):
        return codec
    return "cp1252"


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode(data: bytes, *, html: bool = False) -> str:
    """The text of a page's bytes. ``html`` also honours the charset the page declares."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    utf16 = utf16_without_bom(data) if b"\x00" in data[:4096] else None
    if utf16:
        return data.decode(utf16, "replace")

    declared = declared_charset(data) if html else None
    if declared and declared.startswith(("utf-16", "utf-32")):
        declared = "utf-8"  # ASCII-compatible bytes: the declaration cannot be right
    ascii_only = data.isascii()
    if ascii_only:
        if declared in _SEVEN_BIT and (b"\x1b" in data or b"+" in data or b"~{" in data):
            return data.decode(declared, "replace")
        return data.decode("ascii")
    as_utf8 = _utf8(data)
    if as_utf8 is not None:
        # valid UTF-8 with non-ASCII bytes: whatever the page claims, it is UTF-8
        return as_utf8
    if declared and declared != "utf-8":
        return data.decode(declared, "replace")
    # not valid UTF-8, declared UTF-8 or nothing: mostly UTF-8 with a few bad bytes, or a
    # legacy encoding (with or without a wrong declaration)
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for c in lenient if c > "\x7f") - bad
    if good and bad <= good:  # legacy text has almost no valid multi-byte sequences
        return lenient
    return data.decode(_guess(data), "replace")
