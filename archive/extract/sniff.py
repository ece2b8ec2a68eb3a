"""Tells from a file's first bytes what it holds: an HTML page, a text page, or binary data."""

from __future__ import annotations

import re

__all__ = ["HTML_SUFFIXES", "binary_kind", "guess_format", "utf16_without_bom"]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".xht"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})

# (prefix, offset, what it is); checked in order, the first match wins
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"PK\x07\x08", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"(\xb5/\xfd", 0, "zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"WEBP", 8, "WebP image"),
    (b"WAVE", 8, "WAV audio"),
    (b"AVI ", 8, "AVI video"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"\x00\x00\x01\x00", 0, "icon image"),
    (b"ftypavif", 4, "AVIF image"),
    (b"ftypheic", 4, "HEIC image"),
    (b"ftyp", 4, "MP4 video"),
    (b"OggS", 0, "Ogg media"),
    (b"ID3", 0, "MP3 audio"),
    (b"fLaC", 0, "FLAC audio"),
    (b"\x1aE\xdf\xa3", 0, "Matroska/WebM video"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"MZ", 0, "Windows executable"),
    (b"\xca\xfe\xba\xbe", 0, "Java class or Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O binary"),
    (b"\x00asm", 0, "WebAssembly module"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "Microsoft Office document"),
)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# control bytes that never occur in a text or HTML page (tab, newlines, form feed and ESC do)
_BAD_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SNIFF = 8192


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when BOM-less bytes look like UTF-16 text, else None.

    Mostly-Latin UTF-16 has a NUL in every other byte; binary data has them anywhere.
    """
    head = data[: _SNIFF & ~1]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    half = len(head) // 2
    if odd.count(0) > 0.9 * half and even.count(0) < 0.05 * half:
        return "utf-16-le"
    if even.count(0) > 0.9 * half and odd.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def binary_kind(data: bytes) -> str | None:
    """What the bytes are when they are not a saved page (``"PNG image"``, ``"binary data"``),
    or None when they may be text or HTML."""
    head = data[:_SNIFF]
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        # UTF-32's mark, then text, or bytes no UTF-32 text has (its four bytes were
        # junk's first: the page was its garbage read as UTF-32)
        try:
            head[: len(head) & ~3].decode("utf-32")
        except UnicodeDecodeError:
            return "binary data"
        return None
    if head.startswith(_BOMS):
        return None
    for magic, offset, what in _MAGIC:
        if head.startswith(magic, offset):
            if magic == b"MZ" and b"\x00" not in head[:64]:
                continue  # a text that happens to start with "MZ"
            if magic == b"ftyp" and len(head) < 12:
                continue
            if offset == 8 and not head.startswith(b"RIFF"):
                continue
            return what
    if b"\x00" in head:
        return None if utf16_without_bom(data) else "binary data"
    if head and len(_BAD_CONTROLS.findall(head)) > 0.1 * len(head):
        return "binary data"
    return None


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_HTML_BODY = re.compile(rb"<body[\s>]|<head[\s>]", re.I)


def guess_format(data: bytes, suffix: str = "") -> str:
    """``"html"`` or ``"text"`` for a page with the given file ending (``".html"``)."""
    suffix = suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    head = data[:_SNIFF]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if b"\x00" in head[:200]:  # UTF-16: look at the ASCII letters only
        head = head.replace(b"\x00", b"")
    if _HTML_START.match(head):
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "html" if _HTML_BODY.search(head) else "text"
