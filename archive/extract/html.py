"""Turns a saved HTML page into an Article: the body by trafilatura, the fields by the page's
own declarations (``fields``).

The page is decoded once and parsed once (lxml); trafilatura runs once on that tree and its
body XML gives both the plain text (for the index) and the Markdown (for the reader). A page
whose article can't be found is still a clipping: its whole visible text, marked as such.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from ..models import Article, ExtractionError, RawPage
from .clean import MAX_TEXT, clean_block, clean_line, strip_ansi
from .encoding import decode
from .fields import Site, norm, pick_fields
from .furniture import SENTENCE_END, is_furniture, is_noise
from .language import detect_language
from .mathml import LOWERED, RAISED, linear_math
from .metadata import PageMeta, absolute_url, iso_date, read_meta
from .split_body import other_parts
from .walk import blocks_markdown, blocks_plain, text_blocks

__all__ = ["extract_html", "html_to_article"]

# a body this long (characters) names its language more surely than a template's declaration
_LONG_BODY = 600

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_MATH = re.compile(r"<(?:\w+:)?math\b", re.I)  # (a prefixed <m:math> too)


def extract_html(page: RawPage) -> Article:
    """The article in a saved HTML page; ExtractionError when it has no text at all."""
    return html_to_article(decode(page.data, html=True), page.url)


def html_to_article(html: str, url: str | None = None) -> Article:
    """The article in an HTML document given as text (``url``: where it was saved from)."""
    html = _XML_DECLARATION.sub("", strip_ansi(html), count=1)
    if not html.strip():
        raise ExtractionError("empty file")
    html = _EMBEDDED_DATA.sub(r"\1", html)
    tree = _parse(html)
    if _MATH.search(html):
        linear_math(tree)
    try:
        meta = read_meta(tree)
    except Exception:  # a metadata bug must not lose the body
        meta = PageMeta()
    page_url = _page_url(meta, url)
    description = _description(meta)
    too_big = _too_big(tree, html)
    fields = pick_fields(meta, tree, [page_url, url or ""], description, search=not too_big)
    lead = _Lead(
        titles=fields.forms,
        description=description,
        authors=fields.authors,
        site=fields.site_names,
    )
    if too_big:
        plain, markdown, whole = _fallback_text(tree)
    else:
        plain, markdown, whole = _body(tree, lead)
    title = fields.title or _first_heading(plain)
    if not plain.strip():  # no text but its title and description: what there is to find
        plain = markdown = "\n\n".join(t for t in (title, description) if t)
        whole = True
    if not plain.strip():
        raise ExtractionError("no text found in the page")
    markdown, plain = _drop_title_repeat(markdown, plain, title)
    return Article(
        title=title,
        titles=fields.titles,
        author=fields.author,
        published=fields.published,
        site=fields.site,
        section=fields.section,
        url=page_url,
        language=_language(meta, plain),
        description=description,
        keywords=fields.keywords,
        text=plain,
        markdown=markdown,
        format="html",
        whole_page=whole,
    )


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
# characters XML can't hold: trafilatura fails on a tree that has them (its loader drops them)
_NOT_IN_XML = [chr(c) for c in (*range(0x9), 0xB, 0xC, *range(0xE, 0x20), 0xFFFE, 0xFFFF)]
_NOT_IN_XML_RE = re.compile("[" + "".join(_NOT_IN_XML) + "]")
# trafilatura's own parser settings; the second parser reads past libxml2's limits
_PARSER_SETTINGS = {
    "collect_ids": False,
    "default_doctype": False,
    "encoding": "utf-8",
    "remove_comments": True,
    "remove_pis": True,
}
_PARSER = lxml.html.HTMLParser(**_PARSER_SETTINGS)
_HUGE_PARSER = lxml.html.HTMLParser(**_PARSER_SETTINGS, huge_tree=True)
# each element an HtmlElement, chosen in C: lxml.html's own lookup (a FormElement for a
# <form>, which nothing here uses) is a Python call each time an element is touched, by this
# module or trafilatura: 2,800 calls a page, about 3% of an extraction
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
for _parser in (_PARSER, _HUGE_PARSER):
    _parser.set_element_class_lookup(_ELEMENT_CLASSES)


def _parse(html: str) -> HtmlElement:
    """The page's lxml tree, parsed as trafilatura's loader would (trafilatura reuses it),
    from UTF-8 bytes: lxml reads them faster than a str."""
    if any(c in html for c in _NOT_IN_XML):  # one fast scan each; a regex pass costs 1 ms
        html = _NOT_IN_XML_RE.sub("", html)
    try:
        tree = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except Exception:
        tree = None
    limit = _limit_met()
    if limit:
        return _parse_whole(_flattened(html) if limit == "depth" else html)
    if tree is None or tree.find(".//body") is None:
        # a fragment, or an odd page: parsed as a whole document
        try:
            tree = lxml.html.document_fromstring(html)
        except Exception as err:  # lxml refuses the document
            raise ExtractionError(f"cannot parse the HTML ({_reason(err)})") from None
    return tree


def _limit_met() -> str | None:
    """``"depth"`` or ``"size"`` when the parse of the page stopped at one of libxml2's
    limits, else None."""
    for entry in _PARSER.error_log:
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


def _too_big(tree: HtmlElement, html: str) -> bool:
    """Whether the page is too big for trafilatura: ``MAX_ELEMENTS`` elements, or
    ``MAX_PAGE_TEXT`` characters of text (a book on one page: 50 MB of text in a few
    thousand paragraphs takes trafilatura 25 s and 1.3 GB, the walk 8 s and 0.6 GB). Most
    pages are told at once from their source: fewer tags than that, and less text."""
    if html.count("<") <= MAX_ELEMENTS and len(html) <= MAX_PAGE_TEXT:
        return False
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


# a body shorter than this (characters), read by trafilatura's own extractor alone, is read
# again with its comparison against readability and jusText: that is where they rescue an
# article it missed (1 in 40 pages); on a longer body they cost a third of the time and chose
# worse as often as better (the same figures at 300, 500 and 1,500)
_SHORT_BODY = 1000


def _trafilatura(tree: HtmlElement, fast: bool) -> Any:
    """trafilatura's document for the page (its body XML in ``.body``), or None.

    Its balanced mode, ``fast`` without its fallback extractors: precision mode dropped real
    article text on sites never seen (recall 0.940 -> 0.908 on Readability's pages). Its own
    metadata is not asked for: the page's declarations are read in ``fields``, and its guesses
    (a site name taken from the title, a byline from anywhere) did more harm than good. Nor is
    the page's address: it only makes the links absolute, and the body keeps links' text alone.
    """
    from trafilatura import bare_extraction

    try:
        return bare_extraction(
            tree,
            fast=fast,
            include_comments=False,
            include_formatting=True,
            include_links=True,
            include_images=False,
            include_tables=True,
            with_metadata=False,
            output_format="python",
        )
    except Exception:  # a trafilatura bug on an odd page: the fallback below takes over
        return None


def _body(tree: HtmlElement, lead: _Lead) -> tuple[str, str, bool]:
    """(plain text, Markdown, whole page) of the article body.

    trafilatura's body (read again with its fallback extractors when short or without
    prose), without the title, standfirst and byline it repeats at its start, with the parts
    a page split off after it put back. When it finds none, or only the whole
    page's text without a paragraph of prose in it (its last resort is the page's text as it
    is: menus and all), the text of the page's ``<article>`` or ``<main>``; else the whole
    visible text of the page (menus, scripts and forms left out), and ``whole page`` is True.
    """
    _unwrap_embedded_posts(tree)
    _captions_before_tables(tree)
    plain, markdown = _trafilatura_body(tree, lead, fast=True)
    prose = _has_prose(plain)
    if len(plain) < _SHORT_BODY or not prose:  # its fallbacks may find the article
        full = _trafilatura_body(tree, lead, fast=False)
        if full[0].strip():
            (plain, markdown), prose = full, _has_prose(full[0])
    if not plain.strip():
        return _fallback_text(tree)
    kept = "article" if prose else _what_is_kept(tree, plain)
    if kept == "article":
        plain, markdown = _with_other_parts(tree, plain, markdown)
        return plain, markdown, False
    if kept == "page":  # trafilatura's text is what the page shows, cleaner than a walk's
        return plain, markdown, True
    return _fallback_text(tree)  # it holds the menus: the page's text without them


def _captions_before_tables(tree: HtmlElement) -> None:
    """Each table's ``<caption>`` as a paragraph before it: trafilatura made it a head row of
    one cell, above the real head row ("| Films with time loops |  |  |")."""
    for caption in tree.xpath("//table/caption"):
        table = caption.getparent()
        text = " ".join(caption.text_content().split())
        table.remove(caption)
        if text and table.getparent() is not None:
            paragraph = lxml.html.Element("p")
            paragraph.text = text
            table.addprevious(paragraph)


def _trafilatura_body(tree: HtmlElement, lead: _Lead, fast: bool) -> tuple[str, str]:
    """(plain text, Markdown) of trafilatura's body, its lead and furniture taken off."""
    preformatted = _preformatted(tree)
    body = getattr(_trafilatura(tree, fast), "body", None)
    if body is None:
        return "", ""
    _keep_preformatted(body, preformatted)
    _loose_text_as_paragraphs(body)
    _tidy(body)
    _unwrap_layout_tables(body)
    _drop_lead(body, lead)
    _drop_furniture(body)
    return _render(body)


# prose: this many sentences: a mark that ends one, after a run of words (linear: a regex
# that matched the words first backtracked quadratically on a long text without a stop)
_SENTENCES = 3
# (Chinese and Japanese: a full stop after a run of characters, no spaces between words)
_SENTENCE_STOP = re.compile(r"[.!?](?=[\s\"\u201d]|$)|[\u3002\uff01\uff1f]")
_WORDS_BEFORE = re.compile(
    r"(?:\w{2,}[\s,;:'\u2019()-]+\w{2,}[\s,;:'\u2019()-]+\w+|\w{10,})\W{0,2}$"
)
_LOOK_BACK = 40
# a body without prose that holds this share of the page's visible text (menus left out),
# or of the text of its menus, is the page as it is (trafilatura's last resort), not an article
_MOST_OF_PAGE = 0.8
_MOST_OF_MENUS = 0.5
_MENU_TEXT = 20  # characters of menus, at least, for them to tell
_BLOCKS_READ = 500  # (the first blocks or menus: enough to tell, and bounded on a hostile page)


def _has_prose(plain: str) -> bool:
    found = 0
    for stop in _SENTENCE_STOP.finditer(plain):
        if _WORDS_BEFORE.search(plain, max(0, stop.start() - _LOOK_BACK), stop.start()):
            found += 1
            if found >= _SENTENCES:
                return True
    return False


def _what_is_kept(tree: HtmlElement, plain: str) -> str:
    """What a body without prose is: ``"menus"`` when it holds the page's menus too
    (trafilatura's last resort: the page as it is), ``"page"`` when it holds most of what
    the page shows (a list of links, a list post), else ``"article"``."""
    flat = " ".join(plain.split())
    # (not footers: trafilatura leaves a footer out even of the page as it is)
    found = tree.xpath("//*[local-name()='nav' or local-name()='header' or local-name()='form']")
    menus = [" ".join(element.text_content().split()) for element in found[:_BLOCKS_READ]]
    total = sum(len(text) for text in menus)
    if total >= _MENU_TEXT and sum(len(t) for t in menus if t and t in flat) >= (
        _MOST_OF_MENUS * total
    ):
        return "menus"
    page = next(iter(tree.xpath("//*[local-name()='body']")), tree)
    shown = [text for _, text in text_blocks(page, MAX_TEXT)[:_BLOCKS_READ]]
    total = sum(len(text) for text in shown)
    if not total or sum(len(t) for t in shown if t in flat) >= _MOST_OF_PAGE * total:
        return "page"
    return "article"


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


_RUN_OF_SPACE = re.compile(r"\s+")


def _preformatted(tree: HtmlElement) -> set[str]:
    """The texts of the page's ``<pre>`` blocks, their white space run together (as a key)."""
    return {
        " ".join(text.split())
        for pre in itertools.islice(tree.iter("pre"), _PRE_BLOCKS)
        if (text := pre.text_content()).count("\n") >= 1
    }


_PRE_BLOCKS = 1000  # (a page of a million <pre>: the first are enough)
_INLINE = ("ref", "hi", "lb")


def _keep_preformatted(body: Any, preformatted: set[str]) -> None:
    """A ``<pre>`` block trafilatura made a quote (a table of contents, a transcript, a
    listing) becomes code again, so its lines stay lines: it ran them into one paragraph."""
    if not preformatted:
        return
    for quote in list(body.iter("quote")):
        if any(child.tag not in _INLINE for child in quote):
            continue
        if " ".join("".join(quote.itertext()).split()) in preformatted:
            etree.strip_tags(quote, *_INLINE)  # (a link's text stays; code holds no links)
            quote.tag = "code"


_STARTS_A_LINE = frozenset({"p", "head", "item", "cell"})


def _tidy(body: Any) -> None:
    """Each run of white space in the body's text one space, as a browser shows it (pages
    indent their source: a paragraph came out as lines of 60 spaces), but in code; and the
    space trafilatura lost after a link put back."""
    for element in body.iter():
        if element.tag == "code" or (element.tag == "hi" and element.get("rend") == "#t"):
            if element.tail:
                element.tail = _RUN_OF_SPACE.sub(" ", element.tail)
            continue
        if any(a.tag == "code" for a in element.iterancestors()):
            continue
        if element.text:
            element.text = _RUN_OF_SPACE.sub(" ", element.text)
            if element.tag in _STARTS_A_LINE:  # (a heading indented in the source)
                element.text = element.text.lstrip()
        if element.tail:
            element.tail = _RUN_OF_SPACE.sub(" ", element.tail)
            if (
                element.tag in ("ref", "hi")
                and element.tail[0].isalnum()
                and element.get("rend") not in _SHIFTED  # (H<sub>2</sub>O is one word)
            ):
                # trafilatura trims the tail of a link (or its bold) that starts a block of
                # loose text: "<ref>MacBook Pro</ref>was released" read "Prowas"
                words = "".join(element.itertext())
                if words[-1:].isalnum():
                    element.tail = " " + element.tail


def _loose_text_as_paragraphs(body: Any) -> None:
    """Text written between the blocks of a container (a page's text straight in its
    ``<body>`` or a ``<div>``, beside its headings) as paragraphs of their own: the next
    heading was written into it ("… (2 a) . ## The Lorenz Equations")."""
    for container in [body, *body.iter("div")]:
        if not any(child.tag in _BLOCK_TAGS for child in container):
            continue
        run = None  # the paragraph the loose text and inline elements go into, when open
        if container.text and container.text.strip():
            run = etree.Element("p")
            run.text, container.text = container.text.lstrip(), None
            container.insert(0, run)
        for child in list(container):
            if child is run:
                continue
            if child.tag in _BLOCK_TAGS or child.tag == "div":
                run = None
                if child.tail and child.tail.strip():
                    run = etree.Element("p")
                    run.text, child.tail = child.tail.lstrip(), None
                    child.addnext(run)
            elif run is not None or "".join(child.itertext()).strip() or (child.tail or "").strip():
                if run is None:
                    run = etree.Element("p")
                    child.addprevious(run)
                run.append(child)  # (its tail with it)


# a table cell holding paragraphs, headings or lists and this many words lays the page out
# (LWN's pages, old sites): it is no table of data, and its blocks are the article, which a
# table's cell would flatten into one line of pipes
_LAYOUT_CELL_WORDS = 100
_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "table", "code"})


def _unwrap_layout_tables(body: Any) -> None:
    """Each layout table of the body (a cell of paragraphs, see ``_LAYOUT_CELL_WORDS``)
    replaced by the blocks of its cells, in order; loose text and links in a cell become a
    paragraph of their own."""
    for table in list(body.iter("table")):
        parent = table.getparent()
        cells = [cell for row in table.findall("row") for cell in row.findall("cell")]
        if parent is None or not any(_lays_out(cell) for cell in cells):
            continue
        blocks = [block for cell in cells for block in _cell_blocks(cell)]
        at = parent.index(table)
        if blocks and table.tail and table.tail.strip():
            blocks[-1].tail = (blocks[-1].tail or "") + table.tail
        parent.remove(table)
        for offset, block in enumerate(blocks):
            parent.insert(at + offset, block)


def _lays_out(cell: Any) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in cell) and (
        len(" ".join(cell.itertext()).split()) >= _LAYOUT_CELL_WORDS
    )


def _cell_blocks(cell: Any) -> list[Any]:
    """A cell's content as blocks: its blocks as they are, each run of loose text and inline
    elements (links, emphasis, line breaks) between them as a paragraph."""
    blocks: list[Any] = []
    loose: Any = None

    def paragraph() -> Any:
        nonlocal loose
        if loose is None:
            loose = etree.Element("p")
            blocks.append(loose)
        return loose

    if cell.text and cell.text.strip():
        paragraph().text = cell.text
    for child in list(cell):
        tail, child.tail = child.tail, None
        if child.tag in _BLOCK_TAGS:
            blocks.append(child)
            loose = None
        else:
            paragraph().append(child)
        if tail and tail.strip():
            holder = paragraph()
            if len(holder):
                holder[-1].tail = (holder[-1].tail or "") + tail
            else:
                holder.text = (holder.text or "") + tail
    return [b for b in blocks if b.tag != "p" or "".join(b.itertext()).strip()]


# a block at the start of the body that shares this much of its words with a title of the
# page, or a heading that shares it with its description, repeats them: not the article
_LEAD_OVERLAP = 0.8
# ... until the first paragraph of prose that does not: the article has begun
_PROSE_WORDS = 15
# a line this short at the start that names the author or gives a date is the byline
_BYLINE_WORDS = 20
_WORDS = re.compile(r"\w+")
_BY = re.compile(r"^(?:by|von|par|por|door|av|af)\s+\w", re.I)  # "By Jane Doe"
_READING_TIME = re.compile(r"\b\d+\s*(?:min(?:ute)?s?|mins?)\.?\s+read\b", re.I)


@dataclass
class _Lead:
    """What a page says of itself that its body may repeat at its start."""

    titles: list[str] = field(default_factory=list)
    description: str = ""
    authors: list[str] = field(default_factory=list)
    site: Site | None = None


def _drop_lead(body: Any, lead: _Lead) -> None:
    """Takes out the blocks at the start of the body that repeat the page's title (or one of
    its titles), headings there that repeat its description (the standfirst as a heading),
    and the byline (a short line that names the author, or gives the date or the reading
    time): the reader shows them already, and the body is the article's text."""
    titles = [w for w in (_word_set(t) for t in lead.titles) if w]
    forms = [*titles, _word_set(lead.description)]
    authors = [w for w in (_word_set(a) for a in lead.authors) if w]
    above: list[Any] = []  # short blocks kept so far: above the title, they are not the article
    for block in list(body):
        text = " ".join(" ".join(block.itertext()).split())
        words = _word_set(text)
        if not words:
            if block.tag in ("p", "head"):
                body.remove(block)
            continue
        same_title = any(_overlap(words, t) and _overlap(t, words) for t in titles)
        heading = block.tag == "head" and (
            any(_overlap(words, f) for f in forms if f) or _names_site(text, lead.site)
        )
        if same_title:
            for banner in above:  # a kicker, a breadcrumb, the site's banner
                _remove_keeping_tail(banner)
            above.clear()
        if same_title or heading or _is_byline(text, words, authors):
            _remove_keeping_tail(block)
            continue
        if len(text.split()) >= _PROSE_WORDS or block.tag not in ("head", "p", "list"):
            break
        above.append(block)


def _names_site(text: str, site: Site | None) -> bool:
    """Whether a short heading is the site's banner ("Entermedia top news", "CNN Business")."""
    if site is None or len(text.split()) > _BANNER_WORDS:
        return False
    return any(site.matches(word, loose=False) for word in text.split())


def _is_byline(text: str, words: set[str], authors: list[set[str]]) -> bool:
    if len(text.split()) > _BYLINE_WORDS or text.endswith((".", "!", "?")):
        return False
    if any(author <= words for author in authors) or _BY.match(text):
        return True
    return bool(_READING_TIME.search(text)) or (
        len(text.split()) <= _DATE_LINE_WORDS and iso_date(text) is not None
    )


# a heading this short at the start that names the site is its banner, not the article's
_BANNER_WORDS = 4
# a line of a date and little else ("08.04.2015 12:46", "Updated March 3, 2020")
_DATE_LINE_WORDS = 6


# a block in capitals, most of it a link, is a promotion ("CLICK HERE TO GET THE APP")
_LINKED = 0.8
_SHOUT_WORDS = 3


def _drop_furniture(body: Any) -> None:
    """Takes out of the body the page furniture trafilatura let through, by the same words as
    in pages saved as text (``furniture``): a label where it stands ("Advertisement"), a
    furniture heading ("Don't miss", "Comments", "Share this story") with the links and
    short lines under it, up to the next paragraph of prose, and links shouted in capitals."""
    in_furniture = False
    for block in list(body):
        text = " ".join(" ".join(block.itertext()).split())
        if in_furniture:
            if _is_prose(block, text):
                in_furniture = False
            else:
                _remove_keeping_tail(block)
                continue
        if block.tag not in ("p", "head"):
            continue
        if is_furniture(text):
            in_furniture = True
            _remove_keeping_tail(block)
        elif is_noise(text) or _shouted_link(block, text):
            _remove_keeping_tail(block)


def _is_prose(block: Any, text: str) -> bool:
    """A paragraph of the article: sentences, not a link."""
    if block.tag not in ("p", "quote", "list") or len(text.split()) < _PROSE_WORDS:
        return False
    linked = sum(len(" ".join(r.itertext())) for r in block.iter("ref") if r.get("target"))
    return text.endswith(SENTENCE_END) and linked < _LINKED * len(text)


def _shouted_link(block: Any, text: str) -> bool:
    if not text.isupper() or len(text.split()) < _SHOUT_WORDS:
        return False
    linked = sum(len(" ".join(r.itertext())) for r in block.iter("ref") if r.get("target"))
    return linked >= _LINKED * len(text)


def _word_set(text: str) -> set[str]:
    return set(_WORDS.findall(text.casefold()))


def _overlap(words: set[str], other: set[str]) -> bool:
    return bool(words) and len(words & other) >= _LEAD_OVERLAP * len(words)


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _render(body: Any) -> tuple[str, str]:
    """Plain text and Markdown of trafilatura's body XML (the Markdown first: the plain text
    is made by taking the links and images out of the body in place)."""
    from trafilatura.xml import xmltotxt

    _plain_formatting(body)
    _ampersands_escaped(body)
    try:
        markdown = xmltotxt(body, True)
        etree.strip_tags(body, "ref")  # links: keep their text, not their targets
        etree.strip_elements(body, "graphic", with_tail=False)
        plain = xmltotxt(body, False)
    except Exception:
        return "", ""
    return clean_block(_TABLE_RULE.sub("", plain)), clean_block(markdown)


def _ampersands_escaped(body: Any) -> None:
    """Each ``&`` of the body's text and links written ``&amp;``: trafilatura unescapes its
    whole output once more, which read a link's ``?a=1&section=2`` as ``?a=1§ion=2`` (and
    ``&copy=``, ``&times=``, "AT&amp;T" in a page's text, the same)."""
    for element in body.iter():
        if element.text and "&" in element.text:
            element.text = element.text.replace("&", "&amp;")
        if element.tail and "&" in element.tail:
            element.tail = element.tail.replace("&", "&amp;")
        for name in ("target", "src"):
            value = element.get(name)
            if value and "&" in value:
                element.set(name, value.replace("&", "&amp;"))


# the line under a table's head row: Markdown's, no text (in snippets: "|---|---|")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+[ \t]*(?:\n|$)", re.M)


# formatting trafilatura writes into its Markdown as HTML tags (<u>, <sup>, <sub>), which a
# Markdown reader shows as they are: underline is dropped, a raised or lowered number or sign
# written with Unicode's own (x², H₂O, a footnote's ³), other text left as it is
_SHIFTED = {"#sup": RAISED, "#sub": LOWERED}
_HTML_RENDS = frozenset({"#u", "#sup", "#sub"})


def _plain_formatting(body: Any) -> None:
    """The body's underline, superscript and subscript as plain text (see ``mathml.RAISED``)."""
    shown = [hi for hi in body.iter("hi") if hi.get("rend") in _HTML_RENDS]
    for hi in shown:
        table = _SHIFTED.get(hi.get("rend"))
        text = "".join(hi.itertext())
        if table and len(hi) == 0 and text and text.translate(table) != text:
            shifted = text.translate(table)
            if all(c != o or c.isspace() for c, o in zip(shifted, text, strict=True)):
                hi.text = shifted
        hi.tag = "span"  # (stripped below, its text and tail kept)
    if shown:
        etree.strip_tags(body, "span")


def _fallback_text(tree: HtmlElement) -> tuple[str, str, bool]:
    """(plain, Markdown, whole page) when trafilatura finds no body: the text of the page's
    main container (``<article>``, ``<main>``), block by block; else the whole page's visible
    text, menus, headers, forms and scripts left out; else, when all its text is in those,
    all of it but scripts and styles. ``whole page`` is False only for the container."""
    candidates = tree.xpath(
        "//*[local-name()='article' or local-name()='main' or @role='main']"
    )  # local-name(): an XHTML page read with its namespace too
    container = max(candidates, key=lambda e: len(e.text_content()), default=None)
    if container is not None and len(container.text_content().strip()) >= _CONTAINER_TEXT:
        blocks = text_blocks(container, MAX_TEXT)  # a book on one page: only what is kept
        if blocks:
            return clean_block(blocks_plain(blocks)), clean_block(blocks_markdown(blocks)), False
    page = next(iter(tree.xpath("//*[local-name()='body']")), tree)
    blocks = text_blocks(page, MAX_TEXT) or text_blocks(page, MAX_TEXT, skip=_INVISIBLE)
    return clean_block(blocks_plain(blocks)), clean_block(blocks_markdown(blocks)), True


# a main container with less text than this (characters) is not the article
_CONTAINER_TEXT = 100
# what is never text a reader sees
_INVISIBLE = frozenset(["script", "style", "noscript", "template", "svg", "head", "object"])


# ---------------------------------------------------------------------------- the article


def _page_url(meta: PageMeta, url: str | None) -> str:
    base = url or meta.og.get("og:url") or None
    return (
        absolute_url(meta.canonical, base)
        or absolute_url(meta.og.get("og:url", ""), url)
        or absolute_url(meta.ld_url, base)
        or absolute_url(url or "", None)
    )


# a description that ends in a word, a comma or an ellipsis was cut short (one that ends a
# sentence, or a bracket, is whole: a longer one may only add a sentence)
_CUT_SHORT = re.compile(r"(?:[\w,;:]|\.\.\.|\u2026)$")


def _goes_on(value: str, cut: str) -> bool:
    """Whether ``value`` is ``cut`` and more."""
    return len(value) > len(cut) and value.startswith(cut.rstrip(" .,;:\u2026"))


def _description(meta: PageMeta) -> str:
    """The first description given, without the replacement characters of one cut short in
    the middle of a character (a page's own meta tag, truncated by bytes); a later one that
    goes on where it stops is the whole of it (a meta description cut at 160 characters, its
    ``twitter:description`` whole)."""
    chosen = ""
    for value in (
        meta.ld_description,
        meta.og.get("og:description"),
        meta.names.get("description"),
        meta.og.get("twitter:description"),
    ):
        value = clean_line(value).replace("\ufffd", "").strip()
        if not chosen or (_CUT_SHORT.search(chosen) and _goes_on(value, chosen)):
            chosen = value
    return chosen


def _drop_title_repeat(markdown: str, plain: str, title: str) -> tuple[str, str]:
    """The body without a first line that only repeats the title."""
    key = norm(title)
    if not key:
        return markdown, plain
    first, _, rest = plain.partition("\n")
    if norm(first) == key and rest.strip():
        plain = rest.lstrip("\n")
        md_first, _, md_rest = markdown.partition("\n")
        if norm(md_first.lstrip("#> ")) == key:
            markdown = md_rest.lstrip("\n")
    return markdown, plain


# a whole page's first line stands for a title only when it is as short as a heading
_HEADING_WORDS = 15


def _first_heading(plain: str) -> str:
    """The first line of a page with no title anywhere, when it reads as a heading."""
    for line in plain.splitlines():
        line = clean_line(line)
        if line:
            short = len(line.split()) <= _HEADING_WORDS and line[-1:] not in ".,;:"
            return line if short else ""
    return ""


def _language(meta: PageMeta, plain: str) -> str:
    declared = meta.language()
    # a theme's lang="en" over a German article: a long body's own language wins
    detected = detect_language(plain) if not declared or len(plain) >= _LONG_BODY else ""
    return detected or declared
