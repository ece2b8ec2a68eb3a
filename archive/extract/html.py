"""Turns a saved HTML page into an Article: the body by trafilatura, the metadata by trust.

The page is decoded once and parsed once (lxml); trafilatura runs once on that tree and its
body XML gives both the plain text (for the index) and the Markdown (for the reader). The
declared metadata wins over guesses: JSON-LD, then OpenGraph/article meta tags, then the
page itself and trafilatura's findings.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from ..models import Article, ExtractionError, RawPage
from .clean import MAX_TEXT, clean_block, clean_line, strip_ansi
from .encoding import decode
from .language import detect_language, language_tag
from .metadata import PageMeta, absolute_url, host_of, iso_date, read_meta
from .split_body import other_parts
from .walk import blocks_markdown, blocks_plain, text_blocks

__all__ = ["extract_html", "html_to_article"]

# a body shorter than this (characters of plain text) is worth a second, more lenient try
_SHORT_BODY = 250
_MAX_AUTHOR = 200
# a body this long (characters) names its language more surely than a template's declaration
_LONG_BODY = 600
_MAX_KEYWORDS = 40

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def extract_html(page: RawPage) -> Article:
    """The article in a saved HTML page; ExtractionError when it has no text."""
    return html_to_article(decode(page.data, html=True), page.url)


def html_to_article(html: str, url: str | None = None) -> Article:
    """The article in an HTML document given as text (``url``: where it was saved from)."""
    html = _XML_DECLARATION.sub("", strip_ansi(html), count=1)
    if not html.strip():
        raise ExtractionError("empty file")
    tree = _parse(_EMBEDDED_DATA.sub(r"\1", html))
    try:
        meta = read_meta(tree)
    except Exception:  # a metadata bug must not lose the body
        meta = PageMeta()
    page_url = _page_url(meta, url)
    if _too_big(tree):
        doc, (plain, markdown) = None, _fallback_text(tree)
    else:
        doc, plain, markdown = _body(tree, page_url or url)
    if not plain.strip():
        raise ExtractionError("no text found in the page")
    return _article(meta, doc, plain, markdown, page_url, url)


# ---------------------------------------------------------------------------- parsing


# Hostile pages. libxml2 stops at 256 levels of nesting, and at 10 MB in one go, keeping
# only what it read so far (the rest of the page lost, silently): such a page is parsed
# again without those limits, nested levels past ``MAX_DEPTH`` flattened first (Python's
# recursion, in trafilatura and here, would not go that deep either). trafilatura takes
# time and memory that grow faster than the page on some shapes (a run of 100,000 <b>
# elements: 11 s and 5 GB), so a page of more than ``MAX_ELEMENTS`` elements, or of more than
# ``MAX_PAGE_TEXT`` characters, is read by the plain walk instead (real articles have a few
# thousand elements, and tens of thousands of characters).
MAX_DEPTH = 200
MAX_ELEMENTS = 20_000
MAX_PAGE_TEXT = 5_000_000
# the payload of an embedded data: URL (SingleFile's images and fonts): no text in it, and
# most of a big saved page's bytes
_EMBEDDED_DATA = re.compile(r"(data:[\w.+-]+/[\w.+-]+[^,\"'\s<>]{0,200},)[^\"'\s<>)]{256,}")
_HUGE_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


def _parse(html: str) -> HtmlElement:
    """The page's lxml tree, parsed the way trafilatura would (it reuses it)."""
    try:
        from trafilatura.utils import load_html

        tree = load_html(html)
    except Exception:
        tree = None
    limit = _limit_met()
    if limit:
        return _parse_whole(_flattened(html) if limit == "depth" else html)
    if tree is None or tree.find(".//body") is None:
        # a fragment or an odd page that trafilatura's loader refuses: parse it whole
        try:
            tree = lxml.html.document_fromstring(html)
        except Exception as err:  # lxml refuses the document
            raise ExtractionError(f"cannot parse the HTML ({_reason(err)})") from None
    return tree


def _limit_met() -> str | None:
    """``"depth"`` or ``"size"`` when trafilatura's parse of the page stopped at one of
    libxml2's limits, else None."""
    try:
        from trafilatura.utils import HTML_PARSER

        log = HTML_PARSER.error_log
    except Exception:  # another trafilatura: its own parse stands
        return None
    for entry in log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "XML_PARSE_HUGE" in entry.message:
            return "depth" if "depth" in entry.message.lower() else "size"
    return None


def _parse_whole(html: str) -> HtmlElement:
    """A page too big or too deep for libxml2's default limits, parsed without them."""
    try:
        tree = lxml.html.document_fromstring(html, parser=_HUGE_PARSER)
    except ValueError:  # an encoding declaration in a str: give lxml the bytes
        tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_HUGE_PARSER)
    except Exception as err:
        raise ExtractionError(f"cannot parse the HTML ({_reason(err)})") from None
    if any("depth" in entry.message.lower() for entry in _HUGE_PARSER.error_log):
        raise ExtractionError(f"the page is nested too deeply to read (over {MAX_DEPTH} levels)")
    return tree


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
# elements that never hold others (void), or that libxml2 closes when the next of their kind
# opens (the others are counted: counting too many only flattens more of a page too deep)
_NOT_NESTING = frozenset(
    [
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr", "p", "li",
        "option", "tr", "td", "th", "tbody", "colgroup",
    ]
)  # fmt: skip


def _flattened(html: str, depth_limit: int = MAX_DEPTH) -> str:
    """``html`` with the tags nested deeper than ``depth_limit`` taken out (a space for each,
    so words stay apart), their text kept: one pass over the tags, counting the open ones."""
    pieces: list[str] = []
    depth = dropped = last = 0
    for tag in _TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _NOT_NESTING:
            continue
        if not closing:
            if depth < depth_limit:
                depth += 1
                continue
            dropped += 1
        elif dropped:
            dropped -= 1
        else:
            depth = max(0, depth - 1)
            continue
        pieces.append(html[last : tag.start()])
        pieces.append(" ")
        last = tag.end()
    pieces.append(html[last:])
    return "".join(pieces)


def _too_big(tree: HtmlElement) -> bool:
    """Whether the page is too big for trafilatura: ``MAX_ELEMENTS`` elements, or
    ``MAX_PAGE_TEXT`` characters of text (a book on one page: 50 MB of text in a few
    thousand paragraphs takes trafilatura 25 s and 1.3 GB, the walk 8 s and 0.6 GB)."""
    if sum(1 for _ in itertools.islice(tree.iter(), MAX_ELEMENTS + 1)) > MAX_ELEMENTS:
        return True
    total = 0
    for text in tree.itertext():
        total += len(text)
        if total > MAX_PAGE_TEXT:
            return True
    return False


def _reason(err: BaseException) -> str:
    text = clean_line(str(err))[:80]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


# ---------------------------------------------------------------------------- the body


def _trafilatura(tree: HtmlElement, url: str | None, *, precise: bool, metadata: bool) -> Any:
    from trafilatura import bare_extraction

    try:
        return bare_extraction(
            tree,
            url=url,
            favor_precision=precise,
            include_comments=False,
            include_formatting=True,
            include_links=True,
            include_images=False,
            include_tables=True,
            with_metadata=metadata,
            output_format="python",
        )
    except Exception:  # a trafilatura bug on an odd page: the fallbacks below take over
        return None


def _body(tree: HtmlElement, url: str | None) -> tuple[Any, str, str]:
    """(trafilatura's document or None, plain text, Markdown) of the article body.

    Precision mode first (it leaves out more page furniture); a body that comes back empty
    or very short gets trafilatura's lenient mode with its own fallbacks, then the text of
    the page's ``<article>``/``<main>``/``<body>``.
    """
    _unwrap_embedded_posts(tree)
    doc = _trafilatura(tree, url, precise=True, metadata=True)
    plain, markdown = _render(doc)
    if len(plain) < _SHORT_BODY:
        retry = _trafilatura(tree, url, precise=False, metadata=doc is None)
        retry_plain, retry_markdown = _render(retry)
        if len(retry_plain) > len(plain):
            plain, markdown = retry_plain, retry_markdown
            if doc is None:
                doc = retry
    if not plain.strip():
        plain, markdown = _fallback_text(tree)
    else:
        plain, markdown = _with_other_parts(tree, plain, markdown)
    return doc, plain, markdown


def _with_other_parts(tree: HtmlElement, plain: str, markdown: str) -> tuple[str, str]:
    """The body with the parts the page split off after it (split_body) put back."""
    try:
        after = other_parts(tree, plain)
    except Exception:  # a bug there must not lose the body
        return plain, markdown
    if not after:
        return plain, markdown
    plain = f"{plain}\n{blocks_plain(after, chr(10))}"
    markdown = f"{markdown}\n\n{blocks_markdown(after)}"
    return clean_block(plain), clean_block(markdown)


# posts quoted from social networks, as their embed codes mark them up
_EMBEDDED_POSTS = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'bluesky-embed')"
    " or contains(@class, 'mastodon-embed') or contains(@class, 'threads-embed')]"
)


def _unwrap_embedded_posts(tree: HtmlElement) -> None:
    """Takes the class off the wrappers of quoted social posts (``<div class="social-embed">``):
    trafilatura reads such a class as share buttons and drops the quote, which is part of
    the article. Only wrappers that hold nothing but the post are touched."""
    for post in tree.xpath(_EMBEDDED_POSTS):
        size = len(post.text_content())
        for wrapper in post.iterancestors():
            if (
                wrapper.tag in ("article", "main", "body")
                or len(wrapper.text_content()) > size + 40
            ):
                break
            for name in ("class", "id"):
                wrapper.attrib.pop(name, None)


def _render(doc: Any) -> tuple[str, str]:
    """Plain text and Markdown from trafilatura's body XML (``doc.text``, the Markdown, is
    already rendered from it, so the body is stripped of links in place: no copy)."""
    if doc is None or getattr(doc, "body", None) is None:
        return "", ""
    from trafilatura.xml import xmltotxt

    try:
        markdown = doc.text or ""
        body = doc.body
        etree.strip_tags(body, "ref")  # links: keep their text, not their targets
        etree.strip_elements(body, "graphic", with_tail=False)
        plain = xmltotxt(body, False)
    except Exception:
        return "", ""
    return clean_block(plain), clean_block(markdown)


def _fallback_text(tree: HtmlElement) -> tuple[str, str]:
    """The text of the page's main container, block by block, when trafilatura finds none."""
    candidates = tree.xpath("//article | //main | //*[@role='main']")
    container = max(candidates, key=lambda e: len(e.text_content()), default=None)
    if container is None or len(container.text_content().strip()) < 100:
        container = tree.find(".//body")
    if container is None:
        container = tree
    blocks = text_blocks(container, MAX_TEXT)  # a book on one page: only what is kept
    return clean_block(blocks_plain(blocks)), clean_block(blocks_markdown(blocks))


# ---------------------------------------------------------------------------- metadata


def _norm(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _first(*values: str | None) -> str:
    for value in values:
        value = clean_line(value)
        if value:
            return value
    return ""


def _page_url(meta: PageMeta, url: str | None) -> str:
    base = url or meta.og.get("og:url") or None
    return (
        absolute_url(meta.canonical, base)
        or absolute_url(meta.og.get("og:url", ""), url)
        or absolute_url(meta.ld_url, base)
        or absolute_url(url or "", None)
    )


def _host_core(host: str) -> str:
    """``"nytimes"`` for ``"nytimes.com"``, ``"bbc"`` for ``"news.bbc.co.uk"``."""
    labels = host.split(".")
    while len(labels) > 1 and len(labels[-1]) <= 3:
        labels.pop()
    return _norm(labels[-1]) if labels else ""


class _Site:
    """Recognises a site's name in a title segment: by its declared names or its host."""

    def __init__(self, names: list[str], hosts: list[str]) -> None:
        self.names = {n for n in (_norm(x) for x in names) if n}
        self.hosts = {n for h in hosts for n in (_norm(h), _host_core(h)) if n}

    def matches(self, segment: str, *, loose: bool = True) -> bool:
        """Whether ``segment`` names the site; ``loose`` also accepts a short segment that
        contains the site's name or is contained in it ("Reuters" / "Thomson Reuters")."""
        key = _norm(segment)
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
_BRANDLIKE = re.compile(r"^(?:[A-Z0-9][\w.'&!-]*|[\w.-]+\.[a-z]{2,})$")


def _strip_site(title: str, site: _Site, section: str = "") -> str:
    """The title without a ``" | Site Name"`` suffix or ``"Site - "`` prefix (nor the
    section's name in the same places: ``"Opinion | ..."``)."""
    section_key = _norm(section)
    for _ in range(3):
        segments = _TITLE_SEPARATOR.split(title)
        if len(segments) < 2:
            break
        separators = _TITLE_SEPARATOR.findall(title)
        if site.matches(segments[-1]) or (section_key and _norm(segments[-1]) == section_key):
            title = title[: title.rfind(separators[-1])].strip()
        elif site.matches(segments[0]) or (section_key and _norm(segments[0]) == section_key):
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


def _pick_title(meta: PageMeta, doc: Any, site: _Site, section: str, plain: str) -> str:
    ld = _strip_site(clean_line(meta.ld_title), site, section)
    og = _strip_site(_first(meta.og.get("og:title"), meta.og.get("twitter:title")), site, section)
    truncated = ld.endswith(("...", "\u2026")) or len(ld) >= 100
    if truncated and len(og) > len(ld) and og.startswith(ld.rstrip(".\u2026 ")):
        ld = og  # a JSON-LD headline cut short (to 110 characters, ...)
    candidates = (
        ld,
        og,
        _strip_site(meta.title, site, section),
        _strip_site(clean_line(getattr(doc, "title", None)), site, section),
    )
    for title in candidates:
        if title and not site.matches(title, loose=False):
            return title
    for line in plain.splitlines():
        line = clean_line(line)
        if line:
            return line if len(line) <= 120 else line[:117].rsplit(" ", 1)[0] + "\u2026"
    return ""


_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.I)
# what content systems put where a name should be
_NOT_NAMES = frozenset({"admin", "administrator", "editor", "user", "guest", "unknown", "staff"})


def _author_names(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for part in re.split(r"\s*;\s*|\s*\|\s*", value):
            name = _BY.sub("", clean_line(part)).strip(" ,")
            if (
                name
                and not name.startswith(("http://", "https://", "www."))
                and "@" not in name
                and name.casefold() not in _NOT_NAMES
                and name.casefold() not in (n.casefold() for n in names)
            ):
                names.append(name)
    return names


def _pick_author(meta: PageMeta, doc: Any) -> str:
    for source in (
        meta.ld_authors,
        [meta.names.get("author", "")],
        meta.authors,
        [meta.names.get("byl", ""), meta.names.get("dc.creator", "")],
        [getattr(doc, "author", None) or ""],
    ):
        names = _author_names(source)
        if names:
            author = ", ".join(names)
            return author if len(author) <= _MAX_AUTHOR else author[:_MAX_AUTHOR].rsplit(",", 1)[0]
    return ""


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


def _pick_published(meta: PageMeta, doc: Any) -> str | None:
    """The declared publication date, in order of trust, cross-checked with the date htmldate
    finds in the page (trafilatura runs it): a declared date in the future, or from before
    the web unless htmldate agrees, is a placeholder and not taken. With none declared,
    htmldate's own."""
    found = iso_date(getattr(doc, "date", None) or "")
    candidates = [meta.ld_published]
    candidates += [meta.og.get(name) or meta.names.get(name) or "" for name in _DATE_NAMES]
    candidates.append(meta.time_published)
    for value in candidates:
        iso = iso_date(value)
        if iso and _believable(iso, found):
            return iso
    return found if found and _believable(found, None) else None


_FIRST_WEB_YEAR = 1991


def _believable(iso: str, found: str | None) -> bool:
    day = date.fromisoformat(iso[:10])
    if day > datetime.now(UTC).date() + timedelta(days=1):
        return False
    if day.year < _FIRST_WEB_YEAR:
        return bool(found) and found[:4] == iso[:4]
    return True


def _pick_keywords(meta: PageMeta, doc: Any) -> list[str]:
    sources: list[list[str]] = [meta.ld_keywords, meta.tags]
    for name in ("keywords", "news_keywords"):
        if meta.names.get(name):
            sources.append(re.split(r"[,;]", meta.names[name]))
    sources.append(list(getattr(doc, "tags", None) or []))
    for source in sources:
        words: list[str] = []
        seen: set[str] = set()
        for word in source:
            word = clean_line(word)
            word = word.strip(" \"'")
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


def _pick_section(meta: PageMeta, doc: Any) -> str:
    section = _first(
        meta.ld_section,
        meta.og.get("article:section"),
        meta.names.get("section"),
        meta.names.get("article:section"),
        meta.names.get("category"),
    )
    if not section:
        categories = [clean_line(c) for c in getattr(doc, "categories", None) or []]
        section = next((c for c in categories if c and len(c) <= 40), "")
    return section


def _drop_title_repeat(markdown: str, plain: str, title: str) -> tuple[str, str]:
    """The body without a first line that only repeats the title."""
    key = _norm(title)
    if not key:
        return markdown, plain
    first, _, rest = plain.partition("\n")
    if _norm(first) == key and rest.strip():
        plain = rest.lstrip("\n")
        md_first, _, md_rest = markdown.partition("\n")
        if _norm(md_first) == key:
            markdown = md_rest.lstrip("\n")
    return markdown, plain


def _description(*values: str | None) -> str:
    """The first description given, without the replacement characters of one cut short in
    the middle of a character (a page's own meta tag, truncated by bytes)."""
    return _first(*values).replace("\ufffd", "").strip()


def _site_name(value: str | None) -> str:
    """A declared site name without a tagline (``"LinkNaija | Nigeria's news platform"``)."""
    value = clean_line(value)
    if value.startswith(("http://", "https://")):
        return host_of(value)
    return _TITLE_SEPARATOR.split(value)[0].strip()


def _article(
    meta: PageMeta, doc: Any, plain: str, markdown: str, page_url: str, url: str | None
) -> Article:
    traf_site = clean_line(getattr(doc, "sitename", None))
    names = [
        _site_name(meta.og.get("og:site_name")),
        _site_name(meta.ld_site),
        _site_name(meta.ld_publisher),
        _site_name(meta.names.get("application-name")),
        _site_name(traf_site),
    ]
    hosts = [h for h in (host_of(page_url), host_of(url)) if h]
    site = _Site([n for n in names if n], hosts)
    section = _pick_section(meta, doc)
    if section and site.matches(section, loose=False):
        section = ""
    title = _pick_title(meta, doc, site, section, plain)
    markdown, plain = _drop_title_repeat(markdown, plain, title)
    declared = (
        language_tag(meta.lang)
        or language_tag(meta.ld_language)
        or language_tag(meta.names.get("content-language"))
        or language_tag(meta.names.get("language"))
        or language_tag(meta.og.get("og:locale"))
    )
    # a theme's lang="en" over a German article: a long body's own language wins
    detected = detect_language(plain) if not declared or len(plain) >= _LONG_BODY else ""
    language = detected or declared
    return Article(
        title=title,
        author=_pick_author(meta, doc),
        published=_pick_published(meta, doc),
        site=_first(*names) or (hosts[0] if hosts else ""),
        section=section,
        url=page_url or clean_line(getattr(doc, "url", None)),
        language=language,
        description=_description(
            meta.ld_description,
            meta.og.get("og:description"),
            meta.names.get("description"),
            meta.og.get("twitter:description"),
            getattr(doc, "description", None),
        ),
        keywords=_pick_keywords(meta, doc),
        text=plain,
        markdown=markdown,
        format="html",
    )
