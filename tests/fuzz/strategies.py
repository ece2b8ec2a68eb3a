"""Inputs for the fuzzers: arbitrary bytes and text, and inputs shaped like what each reader
expects (HTML, text pages, queries, MIME messages, WARC records) so that the fuzzers get past
the first check and into the parsers."""

from __future__ import annotations

import io
import zlib

from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import Article


def _listed(words: str) -> list[str]:
    return words.split()


# text with what breaks parsers: controls, surrogate-free astral characters, RTL, combining
# marks, NUL, BOM, line and paragraph separators, escapes
ODD = "\x00\x1b\x7f\x85\x9b\xa0\u00ad\u200b\u2028\u2029\u202e\ufeff\ufffd\U0001f600e\u0301"
WORDS = _listed(
    "the river ferry resumed crossings after flood said council week "
    "Élysée 北京大学 مرحبا Привет café naïve"
)

odd_text = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD), st.sampled_from("<>&\"'=/;:")),
    max_size=300,
)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map(" ".join)
prose = st.one_of(words, odd_text)

# -- HTML -----------------------------------------------------------------------------------

TAGS = _listed(
    "html head body title meta article main section div p span b i em strong a h1 h2 li ul "
    "ol table tr td pre code blockquote nav header footer aside form script style noscript "
    "template svg iframe br hr img time figure figcaption font center xmp plaintext frameset "
    "sup sub u"
)
ATTRIBUTES = st.sampled_from(
    [
        "",
        ' charset="utf-8"',
        ' charset="utf-16"',
        ' charset="x-unknown"',
        ' charset="shift_jis"',
        ' charset="utf-7"',
        ' http-equiv="content-type" content="text/html; charset=koi8-r"',
        ' name="author" content="By Jane Doe"',
        ' property="og:title" content="A title | Site"',
        ' property="article:published_time" content="2019-02-30T25:61:00Z"',
        ' name="date" content="99999-01-01"',
        ' lang="zz-Latn"',
        ' class="twitter-tweet"',
        ' role="main"',
        ' href="javascript:alert(1)"',
        ' rel="canonical" href="http://[::1"',
        ' src="data:image/png;base64,' + "A" * 300 + '"',
        ' datetime="yesterday"',
        ' type="application/ld+json"',
    ]
)
JSON_LD = st.sampled_from(
    [
        '{"@type": "NewsArticle", "headline": "Head", "author": {"name": "Jane Doe"}}',
        '{"@graph": [{"@type": "Article", "datePublished": "2019-13-45"}]}',
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        '{"author": [null, 1, {"name": ["a", {"b": 2}]}], "keywords": 7}',
        "{not json",
        '{"headline": "' + "x" * 500 + '"}',
    ]
)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    """HTML-ish text: tags (closed or not, nested or not), attributes, text, comments,
    entities, JSON-LD, declarations."""
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["<!DOCTYPE html>", '<?xml version="1.0"?>', ""])))
    open_tags: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 9))
        if kind <= 2:
            tag = draw(st.sampled_from(TAGS))
            parts.append(f"<{tag}{draw(ATTRIBUTES)}>")
            open_tags.append(tag)
            if tag == "script" and draw(st.booleans()):
                parts.append(draw(JSON_LD))
        elif kind == 3 and open_tags:
            parts.append(f"</{open_tags.pop()}>")
        elif kind == 4:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")  # closing what is not open
        elif kind == 5:
            parts.append(draw(st.sampled_from(["<!--", "-->", "<!-- c -->", "&amp;", "&#0;",
                                               "&#x110000;", "&nbsp;", "<![CDATA[", "]]>", "<",
                                               ">", "&"])))  # fmt: skip
        else:
            parts.append(draw(prose))
    return "".join(parts)


ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "shift_jis", "koi8-r", "utf-7"]


@st.composite
def encoded(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> bytes:
    """``texts`` in some encoding (what it can't encode replaced), now and then with a BOM
    or cut in the middle of a character."""
    data = draw(texts).encode(draw(st.sampled_from(ENCODINGS)), "replace")
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    if data and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


page_bytes = st.one_of(st.binary(max_size=2000), encoded(html_documents()), encoded(prose))

# -- text pages -----------------------------------------------------------------------------

TEXT_LINES = st.sampled_from(
    [
        "",
        "By Jane Doe and John Roe | March 3, 2020",
        "By",
        "Published: 31/02/2019",
        "URL: https://example.com/news/story",
        "URL: http://",
        "World News / Politics > Europe",
        "Related articles",
        "Share this",
        "Comments (12)",
        "- a list item",
        "1. a numbered item",
        "* * *",
        "=====",
        "# A heading",
        "[image: a picture]",
        "© 2024 The Paper",
        "We use cookies to improve your experience on our site.",
        "Read more...",
        "Staff Writer",
        "Advertisement",
    ]
)
text_pages = st.lists(st.one_of(TEXT_LINES, prose), max_size=60).map("\n".join)

# -- queries --------------------------------------------------------------------------------

QUERY_PARTS = st.sampled_from(
    [
        "north", "korea", "élection", "北京大学", '"', '"maximum pressure"', "(", ")", "OR",
        "AND", "NOT", "ANDNOT", "TO", "-", "+", "*", "?", "~", "~2", "^2", "^", ":", "..",
        "title:", "author:", "date:", "date:2019", "date:2019-07", "date:2019-01..2019-06",
        "date:..2019", "date:2020..", "saved:7d", "saved:99999y", "saved:0d", "published:",
        "is:tagged", "is:", "has:notes", "has:note", "tag:", "lang:fr", "url:http://x",
        "unknown:field", "http://example.com", "[", "]", "{", "}", "/", "\\", "'", "<", ">",
        "=", "!", "&&", "||", "\x00", "\t", "\n", "2019-13-45", "9999-99-99..", "a*b*c",
        "*:*", "title:(a b)", "-(", "+-", "^^", "~~", "::", "\u3000", "\u200b",
    ]
)  # fmt: skip
queries = st.one_of(
    st.text(max_size=80),
    odd_text,
    st.lists(st.one_of(QUERY_PARTS, words), max_size=12).map(" ".join),
    st.lists(st.one_of(QUERY_PARTS, words), max_size=12).map("".join),
)

# -- MHTML ----------------------------------------------------------------------------------


@st.composite
def mime_messages(draw: st.DrawFn) -> bytes:
    """A MIME message like a browser's "single file" save, with odd headers and encodings."""
    boundary = draw(st.sampled_from(["B", "----=_NextPart", "", "a b", "--"]))
    header = [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related; boundary="{boundary}"; type="text/html"',
    ]
    if draw(st.booleans()):
        header.append(f"Snapshot-Content-Location: {draw(st.sampled_from(URLS))}")
    if draw(st.booleans()):
        header.append(f"Date: {draw(st.sampled_from(DATES))}")
    lines = [*header, ""]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text/html", "text/html", "image/png", "text/plain", ""]))
        charset = draw(st.sampled_from(["", "; charset=utf-8", "; charset=bogus", '; charset="']))
        encoding = draw(st.sampled_from(["base64", "quoted-printable", "8bit", "7bit", "x-no"]))
        body = draw(encoded(html_documents()))
        if encoding == "base64" and draw(st.booleans()):
            import base64

            body = base64.b64encode(body)
        elif encoding == "quoted-printable" and draw(st.booleans()):
            import quopri

            body = quopri.encodestring(body)
        lines += [
            f"--{boundary}",
            f"Content-Type: {kind}{charset}",
            f"Content-Transfer-Encoding: {encoding}",
            f"Content-Location: {draw(st.sampled_from(URLS))}",
            "",
            body.decode("latin-1"),
        ]
    if draw(st.booleans()):
        lines.append(f"--{boundary}--")
    data = "\r\n".join(lines).encode("latin-1", "replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


URLS = ["https://mhtml.example/a", "cid:x@y", "", "http://[::1", "https://x/\udcff".encode(
    "utf-8", "surrogateescape").decode("latin-1"), "file:///etc/passwd"]  # fmt: skip
DATES = ["Tue, 12 Mar 2024 08:30:00 -0000", "yesterday", "Mon, 99 Foo 2024 99:99:99", ""]

# -- WARC -----------------------------------------------------------------------------------


@st.composite
def warc_files(draw: st.DrawFn) -> bytes:
    """A WARC capture (gzipped or not) of a few records, then damaged: cut short, bytes
    changed, a length that lies."""
    buffer = io.BytesIO()
    gzipped = draw(st.booleans())
    writer = WARCWriter(buffer, gzip=gzipped)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text/html", "text/html; charset=utf-8", "image/png", ""]))
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        url = draw(st.sampled_from(["https://warc.example/a", "", "not a url", "dns:x"]))
        record_type = draw(st.sampled_from(["response", "response", "request", "resource"]))
        payload = io.BytesIO(draw(encoded(html_documents())))
        fixed = {  # the same bytes every time (hypothesis replays its draws)
            "WARC-Record-ID": "<urn:uuid:12345678-1234-5678-1234-567812345678>",
            "WARC-Date": "2024-03-12T08:30:00Z",
        }
        record = writer.create_warc_record(url or "x", record_type, payload=payload,
                                           http_headers=headers if record_type != "resource"
                                           else None, warc_headers_dict=fixed)  # fmt: skip
        writer.write_record(record)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "cut", "flip", "length", "gzip-garbage", "prefix"]))
    if damage == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "length":
        data = data.replace(b"Content-Length: ", b"Content-Length: 9", 1)
    elif damage == "gzip-garbage":
        data += zlib.compress(b"\0" * 1000)[:10] + b"junk"
    elif damage == "prefix":
        data = draw(st.binary(max_size=20)) + data
    return data


def storable(article: Article) -> None:
    """Every string of an article is clean: UTF-8 (so SQLite and a terminal take it), no
    control characters, one-line fields on one line."""
    lines = (article.title, article.author, article.site, article.section, article.url,
             article.language, article.description, article.published or "", article.format,
             *article.keywords)  # fmt: skip
    for value in lines:
        value.encode("utf-8")
        assert "\n" not in value and "\x1b" not in value, value
    for block in (article.text, article.markdown):
        block.encode("utf-8")
        assert not any(ord(c) < 32 and c not in "\n\t" for c in block)
        assert "\x1b" not in block
