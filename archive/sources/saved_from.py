"""What browsers and SingleFile write at the top of a saved page: its URL and when it was saved.

<!-- saved from url=(0047)https://www.example.com/news/2019/07/31/story -->
<!--
 Page saved with SingleFile
 url: https://www.example.com/news/story
 saved date: Wed Jul 31 2019 10:12:43 GMT+0200 (Central European Summer Time)
-->
"""

from __future__ import annotations

import re
from datetime import datetime

_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(rb"<!--\s*Page saved with SingleFile(?P<body>.*?)-->", re.DOTALL)
_FIELD = re.compile(rb"^\s*(url|saved date):\s*(.+?)\s*$", re.MULTILINE)
_PARENTHESES = re.compile(r"\s*\(.*\)\s*$")


def page_origin(data: bytes) -> tuple[str | None, datetime | None]:
    """The URL and save time a saved page's header comment gives, if it has one."""
    head = data[:8192]
    singlefile = _SINGLEFILE.search(head)
    if singlefile:
        fields = {k.decode().lower(): v for k, v in _FIELD.findall(singlefile.group("body"))}
        url = _text(fields.get("url"))
        return (url if _is_web(url) else None), _singlefile_date(_text(fields.get("saved date")))
    saved_from = _SAVED_FROM.search(head)
    if saved_from:
        url = _text(saved_from.group(1))
        return (url if _is_web(url) else None), None
    return None, None


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8", "replace").strip() if value else None


def _is_web(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _singlefile_date(value: str | None) -> datetime | None:
    """``Wed Jul 31 2019 10:12:43 GMT+0200 (Central European Summer Time)``, or ISO 8601."""
    if not value:
        return None
    value = _PARENTHESES.sub("", value)
    for pattern in ("%a %b %d %Y %H:%M:%S GMT%z", "%a %b %d %Y %H:%M:%S %Z%z"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
