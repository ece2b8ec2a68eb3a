"""Reads what an HTML page says about itself: JSON-LD, OpenGraph and other meta tags, the
canonical link, the declared language, and turns dates into ISO 8601.

Works on an lxml tree that is already parsed, so a page is parsed once for everything.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from .clean import clean_line
from .language import language_tag

__all__ = ["PageMeta", "absolute_url", "host_of", "iso_date", "read_meta"]

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "liveblogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "scholarlyarticle",
        "techarticle",
        "socialmediaposting",
        "report",
        "review",
    }
)
_SITE_TYPES = frozenset({"website"})
# pages that stand for the article when there is no Article object (Yoast's @graph)
_PAGE_TYPES = frozenset({"webpage", "itempage", "medicalwebpage"})


@dataclass
class PageMeta:
    """The metadata a page declares, each field ``""``/empty when it does not."""

    ld_title: str = ""
    ld_name: str = ""  # the article's "name", when it is not its "headline"
    ld_authors: list[str] = field(default_factory=list)
    ld_published: str = ""
    ld_publisher: str = ""
    ld_site: str = ""  # the name of a WebSite object
    ld_section: str = ""
    ld_keywords: list[str] = field(default_factory=list)
    ld_language: str = ""
    ld_description: str = ""
    ld_url: str = ""
    og: dict[str, str] = field(default_factory=dict)  # og:*, article:*, twitter:*
    names: dict[str, str] = field(default_factory=dict)  # <meta name|itemprop|http-equiv>
    tags: list[str] = field(default_factory=list)  # article:tag, all of them
    authors: list[str] = field(default_factory=list)  # article:author, all of them
    creators: list[str] = field(default_factory=list)  # dc.creator, all of them
    canonical: str = ""
    lang: str = ""
    title: str = ""  # <title>
    time_published: str = ""  # <time itemprop=datePublished datetime=...>

    def language(self) -> str:
        """The primary subtag of the language the page declares (``"de"``), ``""`` for none."""
        return (
            language_tag(self.lang)
            or language_tag(self.ld_language)
            or language_tag(self.names.get("content-language"))
            or language_tag(self.names.get("language"))
            or language_tag(self.og.get("og:locale"))
        )


# ---------------------------------------------------------------------------- dates

_ISO_PREFIX = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_SLASHED = re.compile(r"\b(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_FIRST = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+" + _MONTH + r",?\s+(\d{4})\b", re.I)
_EPOCH = date(1970, 1, 1)


def _plausible(day: date) -> bool:
    return 1800 <= day.year <= 2100 and day != _EPOCH


def _format(moment: datetime, has_time: bool) -> str | None:
    if not _plausible(moment.date()):
        return None
    if not has_time or (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat()


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date (``2019-07-23``) or datetime (``2019-07-23T10:00:00+00:00``) for a
    date as pages write it, or None when it is not a plausible date (``0001-01-01``, epoch)."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 80:
        return None
    match = _ISO_PREFIX.search(s)
    if match:
        year, month, day, hour, minute, second, tz = match.groups()
        try:
            moment = datetime(int(year), int(month), int(day))
            if hour is not None:
                text = f"{moment.date().isoformat()}T{int(hour):02d}:{minute}:{second or '00'}"
                moment = datetime.fromisoformat(text + (tz or ""))
        except ValueError:
            return None
        return _format(moment, hour is not None)
    try:
        return _format(parsedate_to_datetime(s), True)  # RFC 2822, as in RSS
    except (TypeError, ValueError, IndexError):
        pass
    match = _SLASHED.search(s)
    if match:
        try:
            return _format(datetime(*(int(g) for g in match.groups())), False)
        except ValueError:
            return None
    for pattern, order in ((_MONTH_FIRST, (2, 0, 1)), (_DAY_FIRST, (2, 1, 0))):
        match = pattern.search(s)
        if match:
            groups = match.groups()
            year, month, day = (groups[i] for i in order)
            try:
                moment = datetime(int(year), _MONTHS[month[:3].lower()], int(day))
            except (KeyError, ValueError):
                return None
            return _format(moment, False)
    return None


# ---------------------------------------------------------------------------- JSON-LD

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_JSON_WRAPPERS = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$"
)


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", _JSON_WRAPPERS.sub("", text)).strip().rstrip(";")
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        return None


def _walk(node: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Every JSON-LD object in ``node``: top-level lists, @graph, and nested mainEntity."""
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            _walk(item, out, depth + 1)
    elif isinstance(node, dict):
        out.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(node.get(key), list | dict):
                _walk(node[key], out, depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _text(value: Any) -> str:
    """A JSON-LD value as one string: strings as they are, ``{"name"|"@value": ...}``."""
    if isinstance(value, str):
        return clean_line(html.unescape(value))
    if isinstance(value, dict):
        for key in ("name", "@value", "headline", "text"):
            if isinstance(value.get(key), str):
                return clean_line(html.unescape(value[key]))
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """The names in a JSON-LD author/publisher value: strings, objects, lists, @id refs."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = ids.get(item["@id"], item)
        name = _text(item) if isinstance(item, str | dict) else ""
        if name and not name.startswith(("http://", "https://")) and name not in names:
            names.append(name)
    return names


def _split_keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        words = [_text(v) for v in value]
    elif isinstance(value, str):
        words = re.split(r"[,;]", html.unescape(value))
    else:
        return []
    return [w for w in (clean_line(w) for w in words) if w]


def _read_json_ld(meta: PageMeta, scripts: list[str]) -> None:
    objects: list[dict[str, Any]] = []
    for script in scripts:
        data = _load_json(script)
        if data is not None:
            _walk(data, objects)
    if not objects:
        return
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and len(o) > 1}
    article = next((o for o in objects if _types(o) & _ARTICLE_TYPES), None)
    site = next((o for o in objects if _types(o) & _SITE_TYPES), None)
    if site is not None:
        meta.ld_site = _text(site.get("name"))
        meta.ld_language = meta.ld_language or _text(site.get("inLanguage"))
    if article is None:
        page = next((o for o in objects if _types(o) & _PAGE_TYPES), None)
        if page is not None:  # no headline from it: its name is the <title>, suffix and all
            meta.ld_authors = _names(page.get("author") or page.get("creator"), ids)
            meta.ld_published = _text(page.get("datePublished"))
            meta.ld_language = _text(page.get("inLanguage")) or meta.ld_language
        return
    meta.ld_title = _text(article.get("headline")) or _text(article.get("name"))
    name = _text(article.get("name"))
    meta.ld_name = name if name != meta.ld_title else ""
    meta.ld_authors = _names(article.get("author") or article.get("creator"), ids)
    meta.ld_published = _text(article.get("datePublished")) or _text(article.get("dateCreated"))
    publishers = _names(article.get("publisher"), ids)
    meta.ld_publisher = publishers[0] if publishers else ""
    meta.ld_section = _text(article.get("articleSection"))
    meta.ld_keywords = _split_keywords(article.get("keywords"))
    meta.ld_language = _text(article.get("inLanguage")) or meta.ld_language
    meta.ld_description = _text(article.get("description"))
    url = article.get("url") or article.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    meta.ld_url = url if isinstance(url, str) else ""


# ---------------------------------------------------------------------------- the tree

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_meta(tree: HtmlElement) -> PageMeta:
    """All the metadata the page declares, read from its parsed tree in one pass."""
    meta = PageMeta()
    root = tree.getroottree().getroot()
    meta.lang = root.get("lang") or root.get("xml:lang") or root.get(_XML_LANG) or ""
    scripts: list[str] = []
    for element in root.iter("meta", "link", "script", "title", "time"):
        tag = element.tag
        if tag == "meta":
            content = element.get("content")
            if content is None:
                continue
            content = html.unescape(content.strip()) if "&" in content else content.strip()
            prop = (element.get("property") or "").strip().lower()
            if prop.startswith(("og:", "article:", "twitter:")):
                if prop == "article:tag":
                    meta.tags.append(content)
                elif prop in ("article:author", "og:article:author"):
                    meta.authors.append(content)
                meta.og.setdefault(prop, content)
            for attr in ("name", "itemprop", "http-equiv"):
                key = (element.get(attr) or "").strip().lower()
                if key:
                    if key.startswith(("og:", "article:", "twitter:")):
                        meta.og.setdefault(key, content)
                    meta.names.setdefault(key, content)
                    if key in ("dc.creator", "dcterms.creator"):
                        meta.creators.append(content)
        elif tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if "canonical" in rel and not meta.canonical:
                meta.canonical = (element.get("href") or "").strip()
        elif tag == "script":
            kind = (element.get("type") or "").lower()
            if "ld+json" in kind and element.text:
                scripts.append(element.text)
        elif tag == "title":
            if not meta.title:
                meta.title = clean_line(element.text_content())
        elif (
            tag == "time"
            and not meta.time_published
            and (element.get("itemprop") or "").lower() == "datepublished"
        ):
            meta.time_published = element.get("datetime") or ""
    _read_json_ld(meta, scripts)
    return meta


def absolute_url(url: str, base: str | None) -> str:
    """``url`` as an absolute http(s) URL (resolved against ``base``), or ``""``."""
    url = (url or "").strip()
    if not url:
        return ""
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    if url.startswith("//"):
        url = "https:" + url
    return url if url.startswith(("http://", "https://")) and " " not in url else ""


def host_of(url: str | None) -> str:
    """The host of a URL without ``www.``: ``"example.com"``; ``""`` if there is none."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")
