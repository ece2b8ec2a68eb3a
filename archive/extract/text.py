"""Turns a page saved as plain text into an Article, by the shape such copies have.

The first line is the title. The short lines under it are the header: a byline ("By Jane
Doe", or a line that looks like a person's name), a section ("Security, Asia"), a date, a
URL, a one-sentence standfirst (the dek), a repeat of the title. Then come the paragraphs
of the body, up to the first line of page furniture ("Related Articles", "Comments",
"Share this", "Read full article", ...), where the article ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Article, ExtractionError, RawPage
from .clean import clean_block, clean_line
from .encoding import decode
from .furniture import is_furniture, is_noise
from .furniture import line_key as _key
from .language import detect_language
from .markdown import md_paragraph
from .metadata import host_of, iso_date
from .prose import Paragraph, find_article, paragraphs

__all__ = ["extract_text", "is_furniture", "text_to_article"]

_MAX_TITLE = 150
_MAX_HEADER_LINES = 12
_SHORT_LINE = 70

# ---------------------------------------------------------------------------- header lines


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# words that make a capitalised line a section or a label rather than a person's name
_NOT_NAME_WORDS = _wordset(
    """
    news world politics business opinion opinions sport sports technology tech science health
    culture arts art entertainment travel life lifestyle style economy markets money finance
    security analysis features feature blog blogs review reviews editorial editorials local
    national international asia europe africa america americas middle east west north south
    latin us u.s uk media education environment climate food music film films movies books
    fashion home video videos photos weather crime law justice defense defence military energy
    startups gaming games religion society staff writer reporter correspondent editor editors
    contributor contributors press associated reuters agency team desk report reports updated
    published posted share comments read more related advertisement subscribe follow the a an
    of in on at for with and by from to is are was were this that it its our your my his her
    their breaking latest live today week daily magazine journal times post herald
    tribune guardian independent review issue edition page home menu search login sign
    """
)
_PARTICLES = _wordset("de da del della di du van von der den la le bin al ibn y dos das ter ten")
_ROLE_WORDS = _wordset(
    "writer reporter correspondent editor contributor columnist staff photographer "
    "journalist author analyst producer"
)
_NAME_CHARS = frozenset(".'\u2019-")
_BYLINE = re.compile(r"^(?:written\s+)?(?:by|von|par|por|di|door|av|af)\s*[:\s]\s*(.+)$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_BYLINE_END = re.compile(
    r"\s+(?:[|\u2013\u2014\u00b7\u2022]|-|on|at|updated|published)\s+|\s*\|\s*", re.I
)
_SECTION_SPLIT = re.compile(r"\s*(?:[,/|\u203a\u00bb>\u2022\u00b7:]|\s-\s)\s*")
_DATE_PREFIX = re.compile(
    r"^(?:published|updated|posted|last updated|first published|date|modified)"
    r"\s*(?:on|at)?\s*:?\s*",
    re.I,
)
_URL = re.compile(r"^(?:url\s*:\s*|source\s*:\s*)?(https?://\S+)$", re.I)
_SENTENCE_END = re.compile(r"[.!?\u2026](?:[\"'\u201d\u2019)]*)(?=\s+\S)")
_UNDERLINE = re.compile(r"^[=\-~*#_]{3,}$")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word.casefold() in _PARTICLES


def _name_word(word: str) -> bool:
    return (
        word[:1].isupper()
        and all(c.isalpha() or c in _NAME_CHARS for c in word)
        and word.strip(".").casefold() not in _NOT_NAME_WORDS
    )


def _looks_like_name(text: str) -> bool:
    """Whether a line is a person's name: Jane Doe, J. R. R. Tolkien, Ludwig van Beethoven
    (not World News)."""
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 50:
        return False
    capitals = 0
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word.casefold() in _PARTICLES:
            continue
        if not _name_word(word):
            return False
        capitals += 1
    return capitals >= 2


def _names(text: str) -> list[str]:
    """The people's names in a byline-like line, or [] when it is not one."""
    parts = [p.strip(" .,;") for p in _NAME_SPLIT.split(text)]
    parts = [p for p in parts if p]
    if parts and all(_looks_like_name(p) for p in parts):
        return parts
    return []


def _byline(line: str) -> tuple[list[str], str | None] | None:
    """(names, published) for a line "By Jane Doe and John Roe | March 3, 2020"."""
    match = _BYLINE.match(line)
    if not match or len(line) > 120:
        return None
    rest = match.group(1).strip()
    head, *tail = _BYLINE_END.split(rest, maxsplit=1)
    published = iso_date(tail[0]) if tail else None
    parts = [p.strip(" .,;") for p in _NAME_SPLIT.split(head) if p.strip(" .,;")]
    names = [p for p in parts if _looks_like_name(p)]
    words = head.split()
    if not names and 0 < len(words) <= 5 and all(_capitalised(w) for w in words):
        names = [head.strip(" .,;")]  # "By Staff Reporter", "By AFP"
    return (names, published) if names else None


def _looks_like_section(line: str) -> bool:
    """Whether a line names a section: Security, Asia / World News / Politics > Europe."""
    if len(line) > 60 or line[-1] in ".!?;" or any(c.isdigit() for c in line):
        return False
    parts = [p for p in _SECTION_SPLIT.split(line) if p]
    if not parts or len(line.split()) > 6:
        return False
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 3:
            return False
        if not all(w[:1].isupper() or w in ("&", "and", "of", "the") for w in words):
            return False
    return True


def _date_line(line: str) -> str | None:
    if len(line) > 60 or (line.endswith(".") and not line[-5:-1].isdigit()):
        return None
    words = _DATE_PREFIX.sub("", line)
    if len(words.split()) > 8:
        return None
    return iso_date(words)


def _is_dek(line: str) -> bool:
    """One sentence, short: a standfirst rather than a paragraph of the body."""
    words = line.split()
    return 20 <= len(line) <= 250 and len(words) >= 4 and not _SENTENCE_END.search(line)


# ---------------------------------------------------------------------------- the page


@dataclass
class _Header:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    section: str = ""
    published: str | None = None
    url: str = ""
    dek: str = ""


# a text page is read up to this many bytes (at a line break): its article is cut at two
# million characters anyway, and the rules take seconds per ten megabytes
MAX_TEXT_BYTES = 8 * 2**20


def extract_text(page: RawPage) -> Article:
    """The article in a page saved as text; ExtractionError when it has no text."""
    data = page.data
    if len(data) > MAX_TEXT_BYTES:
        end = data.rfind(b"\n", MAX_TEXT_BYTES // 2, MAX_TEXT_BYTES)
        data = data[: end if end > 0 else MAX_TEXT_BYTES]
    return text_to_article(decode(data), page.url)


def text_to_article(text: str, url: str | None = None) -> Article:
    """The article in a page saved as text, given as a string."""
    lines = [line.strip() for line in clean_block(text).split("\n")]
    if not any(lines):
        raise ExtractionError("empty file")
    header, start = _read_header(lines)
    article = find_article(lines, is_noise, is_furniture)
    if article and _is_dump(lines, start, article[0].start):
        header, paragraphs = _from_dump(lines, article)
    else:
        paragraphs = _body(lines[start:], header.title)
    if not paragraphs:
        paragraphs = [header.dek or header.title]
        if header.dek:
            header.dek = ""
    body = "\n".join(paragraphs)
    page_url = url or header.url
    return Article(
        title=header.title,
        author=", ".join(header.authors),
        published=header.published,
        site=host_of(page_url),
        section=header.section,
        url=page_url or "",
        language=detect_language(body if len(body) >= 200 else f"{header.title}\n{body}"),
        description=header.dek,
        keywords=[],
        text=body,
        markdown="\n\n".join(
            "\n".join(md_paragraph(line) for line in p.split("\n")) for p in paragraphs
        ),
        format="text",
    )


# a header above the article with more lines than this is not a header: the page is a dump
_MAX_GAP_LINES = 3
_TITLE_WORDS = (5, 25)
_TITLE_LOOKBACK = 30


# a web page dumped as text has menus: lines of a few words (a link, a button), this share
# of its lines at least (9% and more in every dump of the dev sets; none in a text of
# paragraphs, whose run of "prose" may then be two lines that happened to read as such)
_MENU_WORDS = 3
_MENU_SHARE = 0.03


def _is_dump(lines: list[str], header_end: int, article_start: int) -> bool:
    """Whether the page is a whole web page dumped as text rather than a copy of an article:
    its first line and header do not lead into the run of prose the article is, and it has
    menus. (A text of 5,000 short paragraphs, not prose by their words, was cut to the two
    that read as prose.)"""
    between = [line for line in lines[header_end:article_start] if line]
    if len(between) <= _MAX_GAP_LINES:
        return False
    shown = [line for line in lines if line]
    menus = sum(1 for line in shown if len(line.split()) <= _MENU_WORDS)
    return menus >= _MENU_SHARE * len(shown)


def _from_dump(lines: list[str], article: list[Paragraph]) -> tuple[_Header, list[str]]:
    """The header (from the headline above the article, when there is one) and the body of
    a page dumped as text."""
    header = _Header()
    article, lead = _trim_dump(article)
    lede = [para.text for para in article[:_LEDE_PARAGRAPHS]]
    title_at = _dump_title(lines, article[0].start, lede)
    if title_at is not None:
        header, _ = _read_header(lines[title_at : article[0].start])
    elif lead:
        header, _ = _read_header(lead)
        title_at = 0
    paragraphs: list[str] = []
    items: list[str] = []
    for para in article:
        if para.bullet:
            items.append(para.text)
            continue
        if items:
            paragraphs.append("\n".join(items))
            items = []
        if not is_furniture(para.text):
            paragraphs.append(para.text)
    if items:
        paragraphs.append("\n".join(items))
    cleaned = ("\n".join(clean_line(line) for line in p.split("\n")) for p in paragraphs)
    return header, [p for p in cleaned if p.strip()]


# a paragraph of the article's own: this many words, ending a sentence
_PROSE_WORDS = 15


def _trim_dump(article: list[Paragraph]) -> tuple[list[Paragraph], list[str]]:
    """The article's paragraphs without the header the run of prose began with (a headline,
    a byline, a date: what ``_read_header`` reads), and the header's lines. (Short lines at
    its end were tried too: Readability's pages keep them, the benchmark's drop them.)"""
    lead: list[str] = []
    start = 0
    while start < len(article) - 1:
        text = article[start].text
        if _is_prose_paragraph(text):
            break
        if not (_byline(text) or _date_line(text) or _is_headline(text)):
            break
        lead.append(text)
        start += 1
    return article[start:], lead


def _is_prose_paragraph(text: str) -> bool:
    return len(text.split()) >= _PROSE_WORDS and bool(_SENTENCE_END.search(text + " x"))


def _is_headline(text: str) -> bool:
    words = len(text.split())
    return (
        _TITLE_WORDS[0] <= words <= _TITLE_WORDS[1]
        and text[-1:] not in ".:;,!?"
        and (text[:1].isupper() or text[:1].isdigit())
    )


def _dump_title(lines: list[str], article_start: int, lede_lines: list[str]) -> int | None:
    """The index of the headline above the article in a dump, or None: of the one-line
    paragraphs above it that read like a headline (words enough, capitalised, no final stop,
    not a byline, date, name or menu item), the one that shares most words with the lede
    (``lede_lines``), else the nearest."""
    above = paragraphs(lines[max(0, article_start - _TITLE_LOOKBACK) : article_start])
    offset = max(0, article_start - _TITLE_LOOKBACK)
    candidates: list[int] = []  # nearest first
    for para in reversed(above):
        line = para.text
        words = len(line.split())
        if (
            para.bullet
            or para.end - para.start > 1
            or not (_TITLE_WORDS[0] <= words <= _TITLE_WORDS[1])
            or len(line) > _MAX_TITLE
            or not (line[:1].isupper() or line[:1].isdigit())
            or line[-1] in ".:;,"
            or "|" in line
            or sum(w.isdigit() for w in line.split()) * 4 > words
            or _key(line).startswith(("share ", "tweet ", "image ", "photo ", "posted "))
            or is_furniture(line)
            or is_noise(line)
            or _URL.match(line)
            or _byline(line)
            or _date_line(line)
            or _names(line)
        ):
            continue
        candidates.append(offset + para.start)
    if not candidates:
        return None
    # the headline shares the lede's words ("Minecraft exploit makes it easy to crash game
    # servers" above "a flaw ... in Minecraft makes it easy ... to crash the server"), where
    # an image's caption or a teaser above it shares fewer: the most shared, else the nearest
    lede = set(_content_words(" ".join(lede_lines)))
    shared = [len(set(_content_words(lines[i])) & lede) for i in candidates]
    best = max(range(len(candidates)), key=lambda k: (shared[k], -k))
    return candidates[best] if shared[best] >= _TITLE_SHARED else candidates[0]


# a headline shares at least this many words (of four letters or more) with the lede
_TITLE_SHARED = 2
_LEDE_PARAGRAPHS = 3


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 4]


def _title(line: str) -> tuple[str, bool]:
    """(title, whether the line is used up) for the first line of the page: a line too long
    to be a heading (or made of several long sentences) gives a title but stays in the body."""
    title = clean_line(line.lstrip("#").strip()) or clean_line(line)
    sentences = len(_SENTENCE_END.findall(title))
    if len(title) <= _MAX_TITLE and (len(title) <= 100 or not sentences):
        return title, True
    first_sentence = _SENTENCE_END.search(title)
    if first_sentence and first_sentence.end() <= 120:
        return title[: first_sentence.end()], False
    return title[:100].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026", False


def _read_header(lines: list[str]) -> tuple[_Header, int]:
    """The header fields and the index of the first line of the body."""
    header = _Header()
    index = next(i for i, line in enumerate(lines) if line)
    header.title, used = _title(lines[index])
    if not used:
        return header, index
    title_key = _key(header.title)
    index += 1
    seen = 0
    while index < len(lines) and seen < _MAX_HEADER_LINES:
        line = lines[index]
        if not line or _UNDERLINE.match(line):
            index += 1
            continue
        seen += 1
        nxt = _next_text(lines, index + 1)
        if _key(line) == title_key:
            index += 1  # the title again, where the body starts: the header ends here
            break
        if is_furniture(line) or is_noise(line):
            index += 1
            continue
        if not _header_line(header, line, nxt, title_key):
            break
        index += 1
    return header, index


def _next_text(lines: list[str], start: int) -> str:
    """The next header candidate: past blank lines, noise and furniture (which the header
    skips)."""
    return next(
        (line for line in lines[start:] if line and not (is_noise(line) or is_furniture(line))),
        "",
    )


def _header_line(header: _Header, line: str, nxt: str, title_key: str) -> bool:
    """Take one header line into ``header``; False when it is the start of the body."""
    match = _URL.match(line)
    if match:
        header.url = header.url or match.group(1)
        return True
    byline = _byline(line)
    if byline and not header.authors:
        header.authors, published = byline
        header.published = header.published or published
        return True
    published = _date_line(line)
    if published:
        header.published = header.published or published
        return True
    if header.authors and len(line) <= 60 and set(_key(line).split()) & _ROLE_WORDS:
        return True  # "Staff Writer" under a byline
    names = _names(line) if len(line) <= 60 else []
    if names and not header.authors:
        header.authors = names
        return True
    if not header.section and not names and _looks_like_section(line):
        header.section = clean_line(line)
        return True
    if not header.dek and _is_dek(line) and _is_header_like(nxt, title_key):
        # a standfirst sits inside the header: more header lines (or the title again) follow
        # it; a short sentence followed by the body is the body's first paragraph
        header.dek = clean_line(line)
        return True
    return False


def _is_header_like(line: str, title_key: str) -> bool:
    if not line or len(line) > 120 or is_furniture(line):
        return False
    return bool(
        _key(line) == title_key
        or _URL.match(line)
        or _byline(line)
        or _date_line(line)
        or (len(line) <= 60 and _names(line))
        or _looks_like_section(line)
    )


_WRAPPED_MIN = 40
_WRAPPED_MAX = 100


def _is_item(line: str) -> bool:
    return md_paragraph(line).startswith("- ") or bool(re.match(r"\d{1,3}\. ", md_paragraph(line)))


def _paragraphs(block: list[str]) -> list[str]:
    """A run of non-blank lines as paragraphs: hard-wrapped lines joined into one, a list
    kept together one item a line, other lines one paragraph each."""
    if len(block) > 1:
        if all(_is_item(line) for line in block):
            return ["\n".join(block)]
        longest = max(len(line) for line in block)
        if (
            longest <= _WRAPPED_MAX
            and all(len(line) >= _WRAPPED_MIN for line in block[:-1])
            and not any(_is_item(line) for line in block[1:])
        ):
            return [" ".join(block)]
    return block


def _body(lines: list[str], title: str) -> list[str]:
    """The paragraphs of the body, up to the first line of page furniture."""
    paragraphs: list[str] = []
    block: list[str] = []
    title_key = _key(title)  # the title repeated where the body begins: left out, once
    for line in lines:
        if not line:
            paragraphs += _paragraphs(block)
            block = []
            continue
        if is_furniture(line):
            if paragraphs or block:
                break
            continue
        if is_noise(line):
            continue
        if not paragraphs and not block and _key(line) == title_key:
            title_key = None  # (lines alike but for a number, "Step 1", "Step 2": all kept)
            continue
        block.append(line)
    paragraphs += _paragraphs(block)
    cleaned = ("\n".join(clean_line(line) for line in p.split("\n")) for p in paragraphs)
    return [p for p in cleaned if p.strip()]
