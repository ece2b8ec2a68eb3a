"""Recovers the rest of an article whose page splits the body into several containers (to
put ads or newsletter boxes between them): trafilatura keeps the container with the most
text and drops its siblings, which can be half the article.

The container trafilatura read is found from its own output (the elements that hold its
first and last paragraphs); its siblings are the elements near it of the same tag and class.
Those after it that hold prose the output lacks are read block by block and put back in
document order (those before it hold the standfirst or the key points, which the body leaves
out). Teaser cards share a class too, so a sibling counts only when it holds a paragraph of
real prose.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .furniture import SENTENCE_END
from .walk import Block, text_blocks

__all__ = ["other_parts"]

_KEY_CHARS = 60  # a paragraph is recognised by the first characters of its words
_MIN_PARAGRAPH = 80  # characters: paragraphs shorter than this are not used as anchors
# a sibling is more of the article when it holds paragraphs of prose (blocks of this many
# words that end a sentence), at least this many, and they are most of its text: not an
# author's bio under "Share this story", not a list of the most read headlines
_PROSE_WORDS = 25
_PROSE_BLOCKS = 2
_PROSE_SHARE = 0.6

_LEVELS = 3  # how far above the paragraphs' container a repeated container may be
_NEAR = 4  # ... and how far above it the siblings must meet it
_LINKED = 0.35  # a list item with this share of its text in links is a link, not prose
_LINK_LIST = 3
_HEADING_WORDS = 8
_WORD = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))[:_KEY_CHARS]


def _needle(text: str) -> str:
    """The longest word of a paragraph's opening: in its element's text whatever the markup
    around its words."""
    words = _WORD.findall(text[:_KEY_CHARS])
    return max(words, key=len) if words else ""


def other_parts(tree: HtmlElement, plain: str) -> list[Block]:
    """The blocks after the extracted ``plain`` text that belong to the same article, from
    the containers after the one it came from that repeat it; [] for most pages. (Those
    before it hold the standfirst, key points or a summary, which the body leaves out.)"""
    anchors = [p for p in plain.split("\n") if len(p) >= _MIN_PARAGRAPH]
    if not anchors:
        return []
    wanted = {_key(anchors[0]), _key(anchors[-1])}
    # the paragraphs that hold a word of each anchor's opening, found by libxml2 (a walk over
    # every <p> in Python took 2 ms a page), then compared by their keys
    needles = {_needle(anchors[0]), _needle(anchors[-1])} - {""}
    if not needles:
        return []
    candidates = tree.xpath(
        "//p[" + " or ".join(f"contains(., $n{i})" for i in range(len(needles))) + "]",
        **{f"n{i}": needle for i, needle in enumerate(sorted(needles))},
    )
    found = [
        element
        for element, text in ((p, p.text_content()) for p in candidates)
        if len(text) >= _MIN_PARAGRAPH // 2 and _key(text) in wanted
    ]
    if not found:
        return []
    container = _common_ancestor(found[0], found[-1])
    known = {_key(p) for p in plain.split("\n") if p.strip()}
    for _ in range(_LEVELS):
        if container is None:
            break
        siblings = _siblings(container)
        if siblings:
            return _read(siblings, container, known)
        container = container.getparent()
    return []


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement | None:
    above_a = {a, *a.iterancestors()}  # lxml keeps one proxy per node while it is referenced
    for element in [b, *b.iterancestors()]:
        if element in above_a:
            return element if element is not a else a.getparent()
    return None


def _siblings(container: HtmlElement) -> list[HtmlElement]:
    """The elements of the same tag and class as ``container`` that meet it at most
    ``_NEAR`` levels up, neither inside it nor around it."""
    classes = (container.get("class") or "").strip()
    if not classes or container.tag in ("body", "html"):
        return []
    top = container
    for _ in range(_NEAR):
        parent = top.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        top = parent
    around = set(container.iterancestors())
    inside = set(container.iter())
    return [
        element
        for element in top.iter(container.tag)
        if (element.get("class") or "").strip() == classes
        and element not in around
        and element not in inside
    ]


def _read(siblings: list[HtmlElement], container: HtmlElement, known: set[str]) -> list[Block]:
    order = {e: i for i, e in enumerate(container.getroottree().iter())}
    where = order.get(container, 0)
    after: list[Block] = []
    for sibling in siblings:
        if order.get(sibling, 0) < where:
            continue
        skip = known | _link_items(sibling)
        every = text_blocks(sibling)
        blocks = [b for b in every if _key(b[1]) not in skip]
        if blocks and every and blocks[-1] is not every[-1]:
            while blocks and _is_heading(blocks[-1]):
                blocks.pop()  # the heading of the links left out: "More Great Stories"
        if _is_prose(blocks):
            after.extend(blocks)
    return after


def _is_prose(blocks: list[Block]) -> bool:
    prose = [
        text
        for prefix, text in blocks
        if not prefix.startswith("#")
        and len(text.split()) >= _PROSE_WORDS
        and text.rstrip().endswith(SENTENCE_END)
    ]
    total = sum(len(text) for _, text in blocks)
    return len(prose) >= _PROSE_BLOCKS and sum(map(len, prose)) >= _PROSE_SHARE * total


def _is_heading(block: Block) -> bool:
    prefix, text = block
    short = len(text.split()) <= _HEADING_WORDS and text[-1:] not in ".!?"
    return prefix.startswith("#") or short


def _link_items(element: HtmlElement) -> set[str]:
    """The keys of the list items in ``element`` that are links rather than prose: mostly
    link text, or in a list of three or more whose every item links somewhere ("More
    stories")."""
    keys = set()
    for item in element.iter("li"):
        text = item.text_content().strip()
        linked = sum(len(a.text_content()) for a in item.iter("a"))
        if text and linked >= _LINKED * len(text):
            keys.add(_key(text))
    for listing in element.iter("ul", "ol"):
        items = [child for child in listing if child.tag == "li"]
        if len(items) >= _LINK_LIST and all(item.find(".//a") is not None for item in items):
            keys.update(_key(item.text_content()) for item in items)
    return keys
