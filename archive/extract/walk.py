"""The text blocks of an HTML element, read by walking its tree: paragraphs, headings and
list items in document order, scripts, forms and navigation left out. The fallback when
trafilatura finds no body, and the reader of the parts of a body split around ads."""

from __future__ import annotations

from lxml.html import HtmlElement

from .markdown import md_escape

__all__ = ["Block", "blocks_markdown", "blocks_plain", "text_blocks"]

Block = tuple[str, str]  # (Markdown prefix: "", "#", "-", ...; the block's text on one line)

_SKIP = frozenset(
    [
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
        "button", "select", "svg", "iframe", "object", "head",
    ]
)  # fmt: skip
_BLOCKS = frozenset(
    [
        "p", "div", "section", "article", "main", "li", "dd", "dt", "blockquote", "pre", "tr",
        "td", "th", "table", "ul", "ol", "dl", "figure", "figcaption", "br", "hr", "h1", "h2",
        "h3", "h4", "h5", "h6",
    ]
)  # fmt: skip
_PREFIXES = {
    "h1": "#", "h2": "##", "h3": "###", "h4": "####", "h5": "#####", "h6": "######",
    "li": "-", "blockquote": ">",
}  # fmt: skip


def text_blocks(
    container: HtmlElement, limit: int | None = None, *, skip: frozenset[str] = _SKIP
) -> list[Block]:
    """The blocks of text in ``container``, in document order (those that start within the
    first ``limit`` characters, when given), the elements named in ``skip`` left out (by
    default scripts, forms and navigation: menus, headers, footers, asides)."""
    blocks: list[Block] = []
    parts: list[str] = []
    prefix = ""
    size = 0

    def flush(next_prefix: str = "") -> None:
        nonlocal prefix, size
        text = " ".join("".join(parts).split())
        if text:
            blocks.append((prefix, text))
            size += len(text)
        parts.clear()
        prefix = next_prefix

    def walk(element: HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if "}" in tag:  # an XHTML page read with its namespace: {http://...xhtml}p
            tag = tag.rsplit("}", 1)[1]
        if tag in skip or not tag or (limit is not None and size > limit):
            return
        block = tag in _BLOCKS
        if block:
            flush(_PREFIXES.get(tag, ""))
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            flush()

    walk(container)
    flush()
    return blocks


def blocks_plain(blocks: list[Block], separator: str = "\n\n") -> str:
    return separator.join(text for _, text in blocks)


def blocks_markdown(blocks: list[Block]) -> str:
    return "\n\n".join(
        f"{prefix} {md_escape(text)}" if prefix else md_escape(text) for prefix, text in blocks
    )
