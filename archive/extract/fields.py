"""Picks an HTML page's title, author, date, site, section and keywords from what the page says
about itself (``metadata.PageMeta``) and from its headings: the forms each field takes are
weighed against each other, and what is only a template's placeholder is left out.

- Title: the JSON-LD ``headline``, ``og:title``/``twitter:title``, the ``<h1>`` and the
  ``<title>``, each without the site's name around it; the form most of the others agree
  with is the headline, the other distinct forms are kept (people remember any of them).
  Never the description: a form that only repeats it is not a title.
- Author: names, from JSON-LD, then the ``<meta>`` tags, then the byline in the page; not an
  account placeholder ("Username"), a date glued to the name, a URL or "By"; an agency or the
  publication itself only when no writer is named.
- Site: ``og:site_name``, the JSON-LD publisher or website, else the domain; never a copyright
  line, a slogan or a sentence.
- Published: the declared date in order of trust, cross-checked; else htmldate's finding.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from lxml import etree
from lxml.html import HtmlElement

from .clean import clean_line
from .dates import found_date
from .metadata import PageMeta, host_of, iso_date

__all__ = ["Fields", "Site", "norm", "pick_fields", "title_forms"]

_MAX_AUTHOR = 200
_MAX_KEYWORDS = 40
# a heading longer than this (words) is a paragraph set in large type, not a title
_MAX_TITLE_WORDS = 40
# two forms of a title are the same when they are about as long and share this many words
_AGREE = 0.8
_SAME_LENGTH = 1.5
_MAX_H1 = 5  # <h1>s read: a page has one, a few have a logo's too; some use it for every card


@dataclass
class Fields:
    title: str = ""
    titles: list[str] = field(default_factory=list)  # the title's other forms
    author: str = ""
    authors: list[str] = field(default_factory=list)  # the author's names, one by one
    published: str | None = None
    site: str = ""
    section: str = ""
    keywords: list[str] = field(default_factory=list)
    # the site's names as a matcher: its declared names and its host
    site_names: Site | None = field(default=None, repr=False)
    forms: list[str] = field(default_factory=list)  # every title form, as the page gives it


def norm(text: str) -> str:
    """Text reduced to its letters and digits, lower case: what two forms of a name share."""
    return "".join(c for c in text.casefold() if c.isalnum())


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


# what a template writes where it has no value ("section": "nil")
_NO_VALUE = frozenset({"nil", "null", "none", "undefined", "n/a", "-", "false"})


def _first(*values: str | None) -> str:
    """The first of ``values`` that says something (a template's "nil" does not)."""
    for value in values:
        value = clean_line(value)
        if value and value.casefold() not in _NO_VALUE:
            return value
    return ""


# ---------------------------------------------------------------------------- the site


def _host_core(host: str) -> str:
    """``"nytimes"`` for ``"nytimes.com"``, ``"bbc"`` for ``"news.bbc.co.uk"``."""
    labels = host.split(".")
    while len(labels) > 1 and len(labels[-1]) <= 3:
        labels.pop()
    return norm(labels[-1]) if labels else ""


class Site:
    """Recognises a site's name in a title segment: by its declared names or its host."""

    def __init__(self, names: list[str], hosts: list[str]) -> None:
        self.names = {n for n in (norm(x) for x in names) if n}
        self.hosts = {n for h in hosts for n in (norm(h), _host_core(h)) if n}

    def matches(self, segment: str, *, loose: bool = True) -> bool:
        """Whether ``segment`` names the site; ``loose`` also accepts a short segment that
        contains the site's name or is contained in it ("Reuters" / "Thomson Reuters")."""
        key = norm(segment)
        if not key:
            return False
        if key in self.names or key in self.hosts:
            return True
        if not loose or len(segment.split()) > 4:
            return False
        for name in self.names:
            short, long_ = sorted((key, name), key=len)
            if len(short) >= 5 and short in long_:
                return True
        return any(
            len(host) >= 4 and key.startswith(host) and len(key) - len(host) <= 4
            for host in self.hosts
        )


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\u2013\u2014\u00b7\u2022\u00bb\u00ab/:~]|-{1,2}|::)\s+")
# what a site's name never is: a copyright line, a date, a sentence
_NOT_A_SITE = re.compile(r"^(?:copyright\b|\(c\)|©)|\b(?:19|20)\d\d\b|[.!?]$", re.I)
_MAX_SITE_WORDS = 6


def _site_name(value: str | None) -> str:
    """A declared site name without a tagline (``"LinkNaija | Nigeria's news platform"``);
    ``""`` for what is not a name: a copyright line, a year, a sentence or a slogan."""
    value = clean_line(value)
    if value.startswith(("http://", "https://")):
        return host_of(value)
    value = _TITLE_SEPARATOR.split(value)[0].strip()
    if _NOT_A_SITE.search(value) or len(value.split()) > _MAX_SITE_WORDS:
        return ""
    return value


def _site_in_title(title: str, hosts: list[str]) -> str:
    """The site's name as its ``<title>`` writes it around the headline ("... | Comwrap" on
    blog.comwrap.com), when that part of it names the host; else ``""``."""
    segments = _TITLE_SEPARATOR.split(clean_line(title))
    if len(segments) < 2:
        return ""
    by_host = Site([], hosts)
    for segment in (segments[-1], segments[0]):
        if by_host.matches(segment, loose=True) and _site_name(segment):
            return segment.strip()
    return ""


def _site_names(meta: PageMeta) -> list[str]:
    names = [
        _site_name(meta.og.get("og:site_name")),
        _site_name(meta.ld_site),
        _site_name(meta.ld_publisher),
        _site_name(meta.names.get("application-name")),
        _site_name(meta.names.get("apple-mobile-web-app-title")),
    ]
    return [n for n in names if n]


# ---------------------------------------------------------------------------- titles


_BRANDLIKE = re.compile(r"^(?:[A-Z0-9][\w.'&!-]*|[\w.-]+\.[a-z]{2,})$")


def strip_site(title: str, site: Site, section: str = "") -> str:
    """The title without a ``" | Site Name"`` suffix or ``"Site - "`` prefix (nor the
    section's name in the same places: ``"Opinion | ..."``)."""
    section_key = norm(section)
    for _ in range(3):
        segments = _TITLE_SEPARATOR.split(title)
        if len(segments) < 2:
            break
        separators = _TITLE_SEPARATOR.findall(title)
        if site.matches(segments[-1]) or (section_key and norm(segments[-1]) == section_key):
            title = title[: title.rfind(separators[-1])].strip()
        elif site.matches(segments[0]) or (section_key and norm(segments[0]) == section_key):
            title = title[title.find(separators[0]) + len(separators[0]) :].strip()
        else:
            stripped = _strip_unknown_site(title, segments[-1], separators[-1])
            if stripped == title:
                break
            title = stripped
    return title


def _strip_unknown_site(title: str, last: str, separator: str) -> str:
    """Drop a last segment that looks like a brand when the site's name is not known."""
    rest = title[: title.rfind(separator)].strip()
    words = last.split()
    if len(rest) < 15 or len(rest) < 2 * len(last):
        return title
    if separator.strip() == "|" and len(words) <= 5:
        return rest
    if len(words) <= 3 and all(_BRANDLIKE.match(w) for w in words):
        return rest
    return title


def title_forms(meta: PageMeta, tree: HtmlElement) -> list[tuple[str, str]]:
    """Every form of the title the page gives, as (source, text), most trusted first:
    ``"ld"``, ``"og"`` (og:title, then twitter:title), ``"title"``, ``"h1"`` (each of the
    first few)."""
    forms = [
        ("ld", clean_line(meta.ld_title)),
        ("ld", clean_line(meta.ld_name)),
        ("og", clean_line(meta.og.get("og:title"))),
        ("og", clean_line(meta.og.get("twitter:title"))),
        ("title", clean_line(meta.title)),
    ]
    for count, heading in enumerate(tree.iter("h1")):
        if count >= _MAX_H1:
            break
        forms.append(("h1", clean_line(heading.text_content())))
    return [(source, text) for source, text in forms if text]


def _within(words: list[str], other: list[str]) -> bool:
    """Whether ``other`` is the same title as ``words``, or holds it whole with more around
    it (its site's name, a kicker): the same words in a row, or nearly the same words."""
    if not words or not other:
        return False
    if f" {' '.join(words)} " in f" {' '.join(other)} ":
        return True
    if len(other) > _SAME_LENGTH * len(words):
        return False
    found = set(other)
    return sum(w in found for w in words) >= _AGREE * len(words)


def _pick_title(
    forms: list[tuple[str, str]], site: Site, section: str, description: str
) -> tuple[str, list[str]]:
    """(the headline, the other forms), each without the site's name around it.

    The headline is the one the page declares (its JSON-LD ``headline`` or ``name``, else
    its ``og:title`` or ``twitter:title``) when another of its forms bears it out: the same
    words, or the same with more around them. Wikipedia's JSON-LD "headline" is the
    article's description, so one that nothing bears out is not taken; the ``og:title`` is,
    unless it had the site's name in it (a site's own title for every page: "Yahoo News -
    Latest News & Headlines"). Else the form most others bear out, the ``<title>`` before
    the ``<h1>`` (the title a browser shows for the page). A form that names only the site,
    or that is the description rather than a title, does not count; nor does one of several
    ``<h1>``s that nothing else names (a logo, a card). The other forms are kept.
    """
    described = _words(description)
    candidates: list[tuple[str, str, list[str]]] = []  # (source, text, words)
    had_site: set[int] = set()  # the forms the site's name was taken out of
    for source, raw in forms:
        text = strip_site(raw, site, section)
        words = _words(text)
        if not words or site.matches(text, loose=False) or len(words) > _MAX_TITLE_WORDS:
            continue
        if len(words) >= 8 and _within(words, described) and _within(described, words):
            continue  # the description, given as a title
        if text != raw:
            had_site.add(len(candidates))
        candidates.append((source, text, words))
    if not candidates:
        return "", []
    # a JSON-LD headline cut short (to 110 characters, ...): the longer og:title it begins
    first = candidates[0]
    if first[0] == "ld" and (first[1].endswith(("...", "\u2026")) or len(first[1]) >= 100):
        stem = first[1].rstrip(".\u2026 ")
        for source, text, words in candidates[1:]:
            if source == "og" and len(text) > len(first[1]) and text.startswith(stem):
                candidates[0] = ("ld", text, words)
                break
    agree = [
        {j for j, (o_source, _, o_words) in enumerate(candidates)
         if o_source != source and (_within(words, o_words) or _within(o_words, words))}
        for source, _, words in candidates
    ]  # fmt: skip
    borne = [len({candidates[j][0] for j in found}) for found in agree]
    headings = sum(1 for source, _, _ in candidates if source == "h1")
    lone = {
        i for i, (source, _, _) in enumerate(candidates)
        if not borne[i] and (source == "ld" or (source == "h1" and headings > 1))
    }  # fmt: skip
    declared = [i for i, (source, _, _) in enumerate(candidates) if source in ("ld", "og")]
    og = next((i for i in declared if candidates[i][0] == "og"), None)  # og:title itself
    best = next((i for i in declared if candidates[i][0] == "ld" and borne[i]), None)
    if best is None and og is not None and (borne[og] or og not in had_site):
        best = og
    if best is None:
        best = next((i for i in declared if borne[i]), None)
    if best is None:
        pool = [i for i in range(len(candidates)) if i not in lone] or list(range(len(candidates)))
        best = max(pool, key=lambda i: borne[i])  # the first of the most borne out
    title = candidates[best][1]
    others: list[str] = []
    seen = {norm(title)}
    for index, (_, text, _) in enumerate(candidates):
        key = norm(text)
        if key not in seen and index not in lone:
            seen.add(key)
            others.append(text)
    return title, others


# ---------------------------------------------------------------------------- authors


_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af|de|from|written by|posted by)[:\s]+", re.I)
# what content systems put where a name should be
_NOT_NAMES = _NO_VALUE | frozenset(
    {
        "admin", "administrator", "editor", "editors", "user", "username", "guest", "unknown",
        "staff", "author", "anonymous", "webmaster", "root",
        "contributor", "contributors", "redaktion", "redacción", "rédaction", "by",
        # a date's label left where the byline would be ("Last Updated: January 7, 2025")
        "updated", "last updated", "published", "posted", "modified", "last modified",
        "date", "updated on", "published on", "posted on",
    }
)  # fmt: skip
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# a date (or a time) glued after a name by a byline's markup: "Joshua Sokol May 23, 2019";
# a month with a day or a year only: "Laura June Topolsky" and "Mary May" are names
_TRAILING_DATE = re.compile(
    rf"[\s,|\u2022\u00b7-]+(?:(?:updated|published|posted|on)\s+)?"
    rf"(?:(?:{_MONTH_NAMES})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|,?\s+\d{{4}})"
    rf"|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}:\d{{2}}).*$",
    re.I,
)
# an organisation rather than a writer: a news agency, a desk, the publication's staff
_ORGANISATION = re.compile(
    r"\b(?:news|press|agency|agencies|associated|reuters|afp|ap|upi|dpa|ansa|efe|staff|desk"
    r"|team|editorial|editors|newsroom|wire|service|services|media|inc|ltd|llc|corp"
    r"|company|group|magazine|times|post|journal|daily|online|tv|radio)\b",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:;|\||\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*|,\s+(?=\S+\s+\S)")


_PARENTHESES = re.compile(r"\([^)]*\)")
_NAME_WORDS = 5  # "Juan Carlos de la Fuente": longer is a sentence or a headline
# what a person's name holds none of: digits, a colon, a currency, a question
_NOT_IN_NAMES = re.compile(r"[\d:$€£?!#=<>{}\[\]]")


def _clean_name(part: str) -> str:
    name = clean_line(part)
    for _ in range(2):
        name = _BY.sub("", name).strip(" ,:;-|\u2022\u00b7")
    cut = _TRAILING_DATE.sub("", name)
    if cut and len(cut.split()) >= 1:
        name = cut.strip(" ,:;-|")
    return name


def _is_name(name: str) -> bool:
    if not name or not any(c.isalpha() for c in name):
        return False
    if name.startswith(("http://", "https://", "www.")) or "@" in name or "/" in name:
        return False
    outside = _PARENTHESES.sub("", name)  # "A (with B and C)": a credit as the page writes it
    if name.casefold() in _NOT_NAMES or len(name) > 80 or len(outside.split()) > _NAME_WORDS:
        return False
    return not _NOT_IN_NAMES.search(name)


# what follows the writers in a byline: not writers
_NOT_WRITERS = re.compile(
    r"\s+(?:edited|reviewed|fact[- ]checked|photo(?:graph)?s?|illustrations?|graphics|video)"
    r"\s+by\b.*$",
    re.I,
)


def _names(values: list[str], site: Site | None = None) -> list[str]:
    """The writers' names in the values a page gives (several per value: "A and B; C"); one
    that is the ``site``'s name is kept whole ("Mac & i" is a magazine, not "Mac" and "i")."""
    names: list[str] = []
    for value in values:
        value = _NOT_WRITERS.sub("", clean_line(value))
        whole = "(" in value or ("," in value and len(value.split()) <= 3)  # "Doe, J."
        whole = whole or (site is not None and site.matches(value, loose=False))
        parts = [value] if whole else _NAME_SPLIT.split(value)
        for part in parts:
            name = _clean_name(part)
            if _is_name(name) and name.casefold() not in (n.casefold() for n in names):
                names.append(name)
    return names


def _is_organisation(name: str, site: Site) -> bool:
    return bool(_ORGANISATION.search(name)) or site.matches(name, loose=False)


# where pages put the byline, most specific first; each match's text is read as names
# (contains() in a few spellings: translate() to lower case took 2.5 times as long)
_BYLINE_PATH = etree.XPath(
    "//*[@rel='author' or @itemprop='author' or @itemprop='creator'"
    + "".join(
        f" or contains(@{attr}, '{word}')"
        for word in ("byline", "Byline", "author", "Author")
        for attr in ("class", "id")
    )
    + "]"
)


def _byline_rank(element: HtmlElement) -> int:
    """0 for a marked author (rel, itemprop), 1 for a byline, 2 for anything "author"."""
    if element.get("rel") == "author" or element.get("itemprop") in ("author", "creator"):
        return 0
    marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return 1 if "byline" in marks else 2


_MAX_BYLINE = 120  # characters: longer is an author's bio, not a byline
_MAX_BYLINE_TRIES = 30
# a byline's container is none of these (an author's bio or picture, a comment, a card)
_NOT_BYLINE = re.compile(r"bio(?:graphy)?\b|avatar|image|photo|share|widget|follow", re.I)
_NOT_BYLINE_AROUND = re.compile(r"comment|reply|related|recommend|promo|teaser|card", re.I)


def _byline(tree: HtmlElement) -> list[str]:
    """The writers named in the page's byline: the first element marked as one whose text
    reads as names (not a placeholder like "Username", not a bio, not a comment's author)."""
    try:
        marked = _BYLINE_PATH(tree)
    except Exception:  # a tree lxml can't search: no byline
        return []
    # the innermost first (a byline section holds the author's name and the publication's
    # apart), then those around them ("<p class=byline><em>By</em> <a>Jane Doe</a></p>")
    outer = {a for e in marked[: _MAX_BYLINE_TRIES * 4] for a in e.iterancestors()}
    found = sorted(marked, key=lambda e: (e in outer, _byline_rank(e)))  # stable: page order
    tried = 0
    for element in found:
        if element.tag in ("script", "style", "meta", "link", "img", "body", "html"):
            continue
        tried += 1
        if tried > _MAX_BYLINE_TRIES:
            return []
        own = f"{element.get('class', '')} {element.get('id', '')}"
        around = " ".join(
            f"{a.get('class', '')} {a.get('id', '')}"
            for a in itertools.islice(element.iterancestors(), 6)
        )
        if _NOT_BYLINE.search(own) or _NOT_BYLINE_AROUND.search(f"{own} {around}"):
            continue
        text = clean_line(" ".join(element.itertext()))  # <br> and blocks part words
        if not text or len(text) > _MAX_BYLINE:
            continue
        # two words at least, in a byline of the page: "WASHINGTON (Reuters)" names no writer
        names = [name for name in _names([text]) if len(name.split()) >= 2]
        if names:
            return names
    return []


def _pick_author(
    meta: PageMeta, tree: HtmlElement, site: Site, *, search: bool = True
) -> list[str]:
    declared = [
        meta.ld_authors,
        [meta.names.get("author", "")],
        meta.authors,
        [meta.names.get("byl", ""), *meta.creators, meta.names.get("sailthru.author", "")],
    ]
    names: list[str] = []
    for source in declared:
        names = _names(source, site)
        if names:
            break
    if search and (not names or all(_is_organisation(n, site) for n in names)):
        in_page = _byline(tree)
        people = [n for n in in_page if not _is_organisation(n, site)]
        if people or not names:
            names = people or in_page
    people = [n for n in names if not _is_organisation(n, site)]
    return people or names  # an agency credit only when no writer is named


def _joined(names: list[str]) -> str:
    author = ", ".join(names)
    return author if len(author) <= _MAX_AUTHOR else author[:_MAX_AUTHOR].rsplit(",", 1)[0]


# ---------------------------------------------------------------------------- dates


_DATE_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "published_time",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
)
_FIRST_WEB_YEAR = 1991


def _pick_published(meta: PageMeta, tree: HtmlElement | None, url: str = "") -> str | None:
    """The declared publication date, in order of trust: one in the future, or from before
    the web unless htmldate finds the same year in the page, is a placeholder and not taken.
    With none declared, htmldate's own finding."""
    candidates = [meta.ld_published]
    candidates += [meta.og.get(name) or meta.names.get(name) or "" for name in _DATE_NAMES]
    candidates.append(meta.time_published)
    found: str | bool | None = False  # not looked for yet
    for value in candidates:
        iso = iso_date(value)
        if not iso:
            continue
        day = date.fromisoformat(iso[:10])
        if day > datetime.now(UTC).date() + timedelta(days=1):
            continue
        if day.year >= _FIRST_WEB_YEAR:
            return iso
        if found is False:
            found = found_date(tree, url, meta.language())
        if found and found[:4] == iso[:4]:
            return iso
    if found is False:
        found = found_date(tree, url, meta.language())
    return found or None


# ---------------------------------------------------------------------------- the rest


def _pick_keywords(meta: PageMeta) -> list[str]:
    sources: list[list[str]] = [meta.ld_keywords, meta.tags]
    for name in ("keywords", "news_keywords"):
        if meta.names.get(name):
            sources.append(re.split(r"[,;]", meta.names[name]))
    for source in sources:
        words: list[str] = []
        seen: set[str] = set()
        for word in source:
            word = clean_line(word).strip(" \"'")
            if (
                word
                and len(word) <= 80
                and any(c.isalnum() for c in word)
                and word.casefold() not in seen
            ):
                seen.add(word.casefold())
                words.append(word)
        if words:
            return words[:_MAX_KEYWORDS]
    return []


def _pick_section(meta: PageMeta) -> str:
    section = _first(
        meta.ld_section,
        meta.og.get("article:section"),
        meta.names.get("section"),
        meta.names.get("article:section"),
        meta.names.get("category"),
    )
    if _PATH.fullmatch(section) and _PATH_NEEDS.search(section):  # "/world/middle_east"
        parts = [part.replace("_", " ").replace("-", " ") for part in section.split("/") if part]
        section = ", ".join(part.title() if part.islower() else part for part in parts)
    return section if len(section) <= 60 else ""


# a section given as the path of its pages ("/world/middle_east", "news/uk-politics")
_PATH = re.compile(r"/?[\w-]+(?:/[\w-]+)*/?")
_PATH_NEEDS = re.compile(r"[/_]")  # (a word alone, "politics", is a name as it is)


def pick_fields(
    meta: PageMeta,
    tree: HtmlElement,
    urls: list[str],
    description: str,
    *,
    search: bool = True,
) -> Fields:
    """The fields of a page from its metadata and tree (``urls``: its own, then where it was
    saved from).
    ``search``: look in the page's markup and text for a byline and a date it does not
    declare (not on a page too big for trafilatura: htmldate took 17 s on a million tags)."""
    hosts = [host for host in map(host_of, urls) if host]
    url = next((u for u in urls if u), "")
    names = _site_names(meta)
    site = Site(names, hosts)
    section = _pick_section(meta)
    if section and site.matches(section, loose=False):
        section = ""
    forms = title_forms(meta, tree)
    title, others = _pick_title(forms, site, section, description)
    authors = _pick_author(meta, tree, site, search=search)
    return Fields(
        title=title,
        titles=others,
        author=_joined(authors),
        authors=authors,
        published=_pick_published(meta, tree if search else None, url),
        site=names[0] if names else (_site_in_title(meta.title, hosts) or next(iter(hosts), "")),
        section=section,
        keywords=_pick_keywords(meta),
        site_names=site,
        forms=[text for _, text in forms],
    )
