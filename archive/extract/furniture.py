"""The words of page furniture, as lines: the headings that end an article ("Related
Articles", "Comments", "Share this") and the labels dropped where they stand
("Advertisement", "Story continues below"). Used on pages saved as text and on the blocks of
an HTML page's body alike."""

from __future__ import annotations

import re

__all__ = ["SENTENCE_END", "is_furniture", "is_noise", "line_key"]

# what a line of prose ends with, and furniture seldom does: a stop, a closing quote or bracket
SENTENCE_END = (".", "!", "?", '"', "'", "\u201d", "\u2019", ")", "\u00bb", "\u3002")
# longer than this (characters), a line is text, whatever it begins with
_SHORT_LINE = 70


def _phrases(text: str) -> frozenset[str]:
    """The phrases of a ";"-separated list, trimmed."""
    return frozenset(phrase.strip() for phrase in text.split(";") if phrase.strip())


# a whole short line like these ends the article...
_CUT_KEYS = _phrases(
    """
    related; related articles; related stories; related posts; related content; related news;
    related links; related coverage; related topics; related reading; related items;
    more related news; more related stories; more related articles; more related;
    more news; more stories; more articles; more on this story; more on this topic;
    read more; read full article; read the full article; read full story;
    read the full story; read next; continue reading; keep reading; view comments;
    show comments; comments; comment; comments closed; comments are closed; leave a comment;
    leave a reply; post a comment; add a comment; add comment; join the discussion;
    join the conversation; reader comments; cancel reply;
    share; share this; share this article; share this story; share this post; share this page;
    share on facebook; share on twitter; share via email; share article; share story;
    follow us; like us on facebook; facebook; twitter; hit like; subscribe; subscribe now;
    subscribe to our newsletter; sign up for our newsletter; sign up to our newsletter;
    newsletter; get our newsletter; sign up; top news; top stories; latest news; latest stories;
    you may also like; you might also like; you may be interested in; you might be interested in;
    we recommend; recommended; recommended for you; recommended stories; recommended articles;
    most popular; most read; most viewed; most shared; popular posts; popular stories;
    popular articles; trending; trending now; trending stories; tags; filed under;
    about the author; about the authors; see also; don't miss; dont miss; more from the author;
    previous article; next article; previous post; next post; also on
    """
)
# ... and so does a short line that starts like these
_CUT_PREFIXES = (
    "top news ",
    "more from ",
    "more news from ",
    "follow us on ",
    "follow us ",
    "share on ",
    "share this ",
    "related articles ",
    "related stories ",
    "more related ",
    "sign up for our ",
    "sign up to our ",
    "subscribe to our ",
    "you may also ",
    "you might also ",
    "don't miss ",
    "leave a comment ",
    "join the discussion ",
    "comments for ",
    "your email address will not be published",
)
# a whole short line like these is dropped where it stands (it also occurs mid-article)
_DROP_KEYS = frozenset(
    {
        "advertisement",
        "advertisements",
        "advertising",
        "advert",
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "story continues below",
        "story continues below advertisement",
        "article continues below",
        "article continues below advertisement",
        "continue reading below",
        "continue reading the main story",
        "scroll to continue with content",
        "skip advertisement",
        "also read",
        "read also",
        "watch",
        "listen",
        "image",
        "photo",
        "video",
        "print",
        "email",
    }
)
_DROP_PREFIXES = ("also read ", "read also ", "advertisement ", "image copyright ")

_KEY_NOISE = re.compile(r"[^\w\s']+|\d+|_")


def line_key(line: str) -> str:
    """A line reduced for matching: lower case, no punctuation or counts."""
    key = _KEY_NOISE.sub(" ", line.casefold().replace("\u2019", "'"))
    return " ".join(key.split())


def is_furniture(line: str) -> bool:
    """Whether a line is a page-furniture heading that ends an article ("Related Articles")."""
    if len(line) > _SHORT_LINE:
        return False
    key = line_key(line)
    if not key:
        return False
    return key in _CUT_KEYS or (key + " ").startswith(_CUT_PREFIXES)


def is_noise(line: str) -> bool:
    """Whether a line is a label dropped where it stands ("Advertisement")."""
    if len(line) > _SHORT_LINE:
        return False
    key = line_key(line)
    return key in _DROP_KEYS or (key + " ").startswith(_DROP_PREFIXES)
