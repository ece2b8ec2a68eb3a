"""Writes the relevance corpus (``pages/``), its manifest (``corpus.json``) and ``queries.json``.

Run by hand, once, from the project root: ``python tests/relevance/make_corpus.py`` (or
``--shared PATH`` when the shared folder is elsewhere). Its output is committed; the tests read
only that output, never ``../shared``. Running it again writes the same files, as long as the
project's extractor reads the same metadata from the 88 original news pages.

Where the text comes from (all real; only sites and dates of the abstracts are invented):

- ``news-*``: the 88 real news and blog pages of ``../shared/extraction/dev``. The body is the
  benchmark's true article body (``ground-truth.json``) cut at a paragraph end after about
  3,600 characters; title, author, date, site, dek (meta description) and language are what
  the project's own extractor reads from the original page (the benchmark has no metadata).
  Nine of them are not in English (pt, id, ko, it, ru, de).
- ``wire-*``: four of those news stories (agency copy) as a second site ran them days later:
  the same title, dek, author and body, another site, URL and date. Equal scores: the newer
  should come first. (Their names sort after ``news-``: the newer copy is imported last, and
  Whoosh puts equal scores in import order, so the rule is not passed by chance.)
- ``digest-*``: "Morning Briefing" newsletter pages listing five real headlines, each with its
  real dek: a body that holds the exact titles of other pages (the near miss for title queries).
- ``cisi-<id>``: abstracts of the CISI collection (``../shared/relevance/cisi``: real titles,
  authors and abstracts of library and information science papers): the documents judged
  relevant to five of its queries, some that share their words but were not judged relevant,
  and two pairs with identical abstracts (the collection's own duplicates, dated apart, the
  newer imported last, like the ``wire-`` copies).
- ``med-<id>``: MEDLINE abstracts (``../shared/relevance/med``: no titles or authors in the
  source; the title is the abstract's first sentence), the relevant documents of five queries
  plus distractors that share their words.

Every page has the structure of a saved article page: ``<title>``, ``<meta name="author">``,
OpenGraph (site name, description, URL), ``article:published_time``, JSON-LD, a dek as
``<meta name="description">``, ``<article><h1>…</h1><p>…</p></article>`` inside navigation,
a "most read" list (news pages: the titles of three other pages, furniture the extractor must
leave out) and a footer. Files are imported in name order (``cisi-1440`` before ``cisi-234``).

``queries.json`` is made from the query list at the end of this file: each query has an id, a
kind, the text typed, and its expected results as ``{file name: grade}`` (grade 2 above grade
1; for most kinds every expected page has grade 1). Topical queries take their expected pages
from the collections' relevance judgments (the relevant documents that are in the corpus).
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BODY_LIMIT = 3600  # characters of a news body kept (cut at the end of a paragraph)

# CISI queries whose judged-relevant documents are in the corpus, and words whose other
# documents come in as distractors (same words, not judged relevant)
CISI_QUERIES = (41, 52, 55, 62, 65)
CISI_DISTRACTOR_WORDS = {"medlars": 3, "alphabetic": 6, "cluster": 5, "boolean": 4}
CISI_DUPLICATES = ((234, 1440), (1084, 1447), (1162, 1164))
MED_QUERIES = (6, 12, 16, 18, 30)
MED_DISTRACTOR_WORDS = {
    "lupus": 4,
    "selenium": 4,
    "hemophilia": 4,
    "regurgitation": 3,
    "anxiety": 3,
}

CISI_SITES = [
    ("Shelfmark", "shelfmark.example.org"),
    ("The Reading Room", "readingroom.example.org"),
    ("Periodica", "periodica.example.net"),
    ("Bibliotheca Notes", "bibliothecanotes.example.com"),
]
MED_SITES = [
    ("Pulse Review", "pulsereview.example.org"),
    ("Bedside Abstracts", "bedsideabstracts.example.com"),
    ("Medscan Weekly", "medscanweekly.example.net"),
]
# agency stories run again by another site: news page slug -> (site, domain, days later)
WIRE_COPIES = {
    "nadal-keeps-spain-alive-against-russia": ("Lakeside Gazette", "lakesidegazette.com", 3),
    "zach-parise-heating-up-scores-twice": ("Valley Herald", "valleyherald.com", 2),
    "new-suvs-and-electric-vehicles-highlight": ("Motor City Daily", "motorcitydaily.com", 4),
    "the-latest-man-stabbed-to-death": ("Coastline Wire", "coastlinewire.com", 1),
}


@dataclass
class Page:
    """One page of the corpus: what is written into it, and where its text came from."""

    file: str
    title: str
    author: str
    site: str
    url: str
    published: str
    language: str
    description: str
    body: list[str]  # paragraphs
    origin: str  # news | wire | digest | cisi | med
    origin_id: str = ""
    related: list[str] = field(default_factory=list)  # titles in the "most read" list


def slug(text: str, words: int) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded)[:words])


def trim(body: str, limit: int = BODY_LIMIT) -> list[str]:
    """The body's paragraphs up to the first paragraph end after ``limit`` characters."""
    kept: list[str] = []
    size = 0
    for paragraph in (" ".join(p.split()) for p in body.split("\n")):
        if not paragraph:
            continue
        kept.append(paragraph)
        size += len(paragraph)
        if size >= limit:
            break
    return kept


def host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")


def news_pages(shared: Path) -> list[Page]:
    sys.path.insert(0, str(ROOT))
    from archive.extract import extract_file

    truth = json.loads((shared / "extraction/dev/ground-truth.json").read_text("utf-8"))
    pages: list[Page] = []
    taken: set[str] = set()
    for key in sorted(truth):
        article = extract_file(shared / f"extraction/dev/html/{key}.html")
        url = truth[key]["url"]
        name = slug(article.title, 6) or f"{article.language}-{slug(host(url), 3)}"
        if name in taken:  # two stories under one headline: the second is told by its site
            name += "-" + slug(article.site or host(url), 2)
        taken.add(name)
        pages.append(
            Page(
                file=f"news-{name}.html",
                title=article.title,
                author=article.author,
                site=article.site or host(url),
                url=url,
                published=article.published or "",
                language=article.language,
                description=article.description,
                body=trim(truth[key]["articleBody"]),
                origin="news",
                origin_id=key,
            )
        )
    return pages


def wire_copies(news: list[Page]) -> list[Page]:
    from datetime import date, timedelta

    copies = []
    for page in news:
        name = page.file.removeprefix("news-").removesuffix(".html")
        if name not in WIRE_COPIES:
            continue
        site, domain, days = WIRE_COPIES[name]
        day = date.fromisoformat(page.published[:10]) + timedelta(days=days)
        copies.append(
            Page(
                file=f"wire-{name}.html",
                title=page.title,
                author=page.author,
                site=site,
                url=f"https://www.{domain}/news/{day:%Y/%m/%d}/{name}",
                published=f"{day.isoformat()}T08:00:00+00:00",
                language=page.language,
                description=page.description,
                body=list(page.body),
                origin="wire",
                origin_id=page.origin_id,
            )
        )
    missing = set(WIRE_COPIES) - {c.file[5:-5] for c in copies}
    assert not missing, missing
    return copies


# newsletter issues: (date, the news pages it lists, by file name without ".html")
DIGESTS = [
    (
        "2019-11-19",
        [
            "news-new-york-man-pleads-guilty-to",
            "news-taylor-swift-s-ama-row-seems",
            "news-home-depot-sales-miss-shares-plunge",
            "news-is-football-violence-a-crime",
            "news-opening-bell-11-18-19",
        ],
    ),
    (
        "2019-11-20",
        [
            "news-the-future-of-apple-innovation-is",
            "news-best-tech-gadgets-of-2019",
            "news-13-inch-macbook-pro-with-scissor",
            "news-16-inch-macbook-pro-review-the",
            "news-the-future-of-banking-is-you",
        ],
    ),
    (
        "2019-11-21",
        [
            "news-the-weird-plumes-of-jupiter-s",
            "news-nasa-just-confirmed-there-are-water",
            "news-physicists-just-created-the-most-detailed",
            "news-the-first-map-of-saturn-s",
            "news-chinese-hunter-catches-bubonic-plague-after",
        ],
    ),
    (
        "2019-11-22",
        [
            "news-the-guardian-view-on-hong-kong",
            "news-hong-kong-chaos-china-deploys-troops",
            "news-trumps-made-for-tv-trade-war",
            "news-beijing-tariff-demands-may-expand-us",
            "news-alibaba-to-raise-up-to-12",
        ],
    ),
    (
        "2019-11-23",
        [
            "news-new-york-state-attorney-general-investigating",
            "news-new-york-state-attorney-general-reportedly",
            "news-the-early-reviews-for-google-s",
            "news-star-wars-jedi-fallen-order-review",
            "news-disney-glitches-blamed-on-heavy-demand",
        ],
    ),
    (
        "2019-11-24",
        [
            "news-south-dakota-governor-doubles-down-on",
            "news-meth-we-re-on-it-south",
            "news-cannabis-use-disorder-is-rising-in",
            "news-a-man-developed-feather-duvet-lung",
            "news-house-hitler-was-born-in-will",
        ],
    ),
]


def digests(news: list[Page]) -> list[Page]:
    from datetime import date

    by_prefix = {}
    for _, prefixes in DIGESTS:
        for prefix in prefixes:
            [page] = [p for p in news if p.file == f"{prefix}.html"]
            by_prefix[prefix] = page
    pages = []
    for number, (day, prefixes) in enumerate(DIGESTS, 1):
        listed = [by_prefix[p] for p in prefixes]
        weekday = date.fromisoformat(day).strftime("%A, %B %-d")
        body = [f"Good morning. Here is what our readers clicked on most, {weekday}."]
        for page in listed:
            dek = page.description or page.body[0]
            body.append(f"{page.title} ({page.site}). {dek}")
        body.append("That's all for today. Forward this briefing to a friend who needs it.")
        pages.append(
            Page(
                file=f"digest-{number}.html",
                title=f"Morning Briefing: {weekday}",
                author="The Briefing Desk",
                site="The Morning Briefing",
                url=f"https://morningbriefing.example.com/{day}",
                published=f"{day}T06:00:00+00:00",
                language="en",
                description="The five stories everyone was reading, in two minutes.",
                body=body,
                origin="digest",
                origin_id=day,
            )
        )
    return pages


def _qrels(path: Path) -> dict[int, set[int]]:
    judged: dict[int, set[int]] = collections.defaultdict(set)
    for line in path.read_text("utf-8").splitlines():
        qid, docid, _ = line.split("\t")
        judged[int(qid)].add(int(docid))
    return judged


def _docs(path: Path) -> dict[int, dict[str, str]]:
    return {d["id"]: d for d in map(json.loads, path.read_text("utf-8").splitlines())}


def _author(names: str) -> str:
    """``Comaromi, J.P.; Satija, M.P.`` → ``J.P. Comaromi, M.P. Satija``."""
    people = []
    for name in filter(None, (n.strip() for n in names.split(";"))):
        last, _, first = name.partition(",")
        people.append(f"{first.strip()} {last.strip()}".strip())
    return ", ".join(people)


def _day(rng: random.Random) -> str:
    return f"{rng.randint(2020, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def abstract_pages(shared: Path, collection: str) -> list[Page]:
    """The chosen documents of one collection (``cisi`` or ``med``) as pages."""
    docs = _docs(shared / f"relevance/{collection}/docs.jsonl")
    judged = _qrels(shared / f"relevance/{collection}/qrels.tsv")
    queries = CISI_QUERIES if collection == "cisi" else MED_QUERIES
    words = CISI_DISTRACTOR_WORDS if collection == "cisi" else MED_DISTRACTOR_WORDS
    sites = CISI_SITES if collection == "cisi" else MED_SITES
    chosen = set().union(*(judged[q] for q in queries))
    for word, count in words.items():
        others = sorted(
            i
            for i, d in docs.items()
            if word in (d["title"] + " " + d["text"]).lower() and i not in chosen
        )
        chosen.update(others[:count])
    dates: dict[int, str] = {}
    if collection == "cisi":
        for pair in CISI_DUPLICATES:
            chosen.update(pair)
            # the page imported last (files are imported in name order) is the newer one
            first, second = sorted(pair, key=lambda docid: f"cisi-{docid}.html")
            dates[first], dates[second] = "2021-03-09", "2022-10-17"
    pages = []
    for docid in sorted(chosen):
        doc = docs[docid]
        rng = random.Random(f"{collection}-{docid}")
        site, domain = sites[rng.randrange(len(sites))]
        if docid in dates:  # a duplicate pair: one site, so that only the date differs
            site, domain = sites[0]
        day = dates.get(docid) or _day(rng)
        pages.append(
            Page(
                file=f"{collection}-{docid}.html",
                title=doc["title"],
                author=_author(doc["author"]),
                site=site,
                url=f"https://{domain}/abstracts/{day[:4]}/{collection}-{docid}",
                published=day,
                language="en",
                description="",
                body=[doc["text"]],
                origin=collection,
                origin_id=str(docid),
            )
        )
    return pages


def render(page: Page) -> str:
    """The saved page: real article structure around the text."""
    e = html.escape
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": page.published,
        "publisher": {"@type": "Organization", "name": page.site},
        "mainEntityOfPage": page.url,
    }
    if page.author:
        ld["author"] = {"@type": "Person", "name": page.author}
    head = [
        '<meta charset="utf-8">',
        f"<title>{e(page.title)} | {e(page.site)}</title>",
        f'<link rel="canonical" href="{e(page.url)}">',
        f'<meta property="og:title" content="{e(page.title)}">',
        f'<meta property="og:site_name" content="{e(page.site)}">',
        f'<meta property="og:url" content="{e(page.url)}">',
        '<meta property="og:type" content="article">',
    ]
    if page.author:
        head.append(f'<meta name="author" content="{e(page.author)}">')
    if page.published:
        head.append(f'<meta property="article:published_time" content="{e(page.published)}">')
    if page.description:
        head.append(f'<meta name="description" content="{e(page.description)}">')
        head.append(f'<meta property="og:description" content="{e(page.description)}">')
    head.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    byline = f'<p class="byline">By {e(page.author)}</p>' if page.author else ""
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in page.body)
    related = "".join(
        f'<li><a href="/related/{i}">{e(t)}</a></li>' for i, t in enumerate(page.related)
    )
    aside = (
        f'<aside class="most-read"><h2>Most read</h2><ul>{related}</ul></aside>' if related else ""
    )
    nl = "\n"
    return f"""<!doctype html>
<html lang="{e(page.language or "en")}"><head>
{nl.join(head)}
</head>
<body>
<header><a href="/" class="logo">{e(page.site)}</a>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/opinion">Opinion</a>
<a href="/about">About us</a> <a href="/subscribe">Subscribe</a></nav></header>
<main>
<article>
<h1>{e(page.title)}</h1>
{byline}
<time datetime="{e(page.published)}">{e(page.published[:10])}</time>
{paragraphs}
</article>
{aside}
</main>
<footer><p>Copyright {e(page.site)}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> <a href="/terms">Terms of use</a></p></footer>
</body></html>
"""


# -- queries ---------------------------------------------------------------------------------

Expected = dict[str, int]  # file name -> grade


def _tokens(text: str) -> list[str]:
    """Words as the index sees them, near enough: lower-cased, accents folded, stemmed."""
    from whoosh.lang.porter import stem

    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [stem(word) for word in re.findall(r"\w+", folded)]


class Corpus:
    """The pages, and the questions the expected results of the queries are computed from."""

    def __init__(self, pages: list[Page], shared: Path) -> None:
        self.pages = pages
        self.shared = shared
        self.fields = {
            p.file: [_tokens(p.title), _tokens(p.description), _tokens(" ".join(p.body))]
            for p in pages
        }

    def file(self, name: str) -> Expected:
        """One page, grade 1 (checked to exist)."""
        assert any(p.file == name for p in self.pages), name
        return {name: 1}

    def where(self, test: Callable[[Page], bool]) -> Expected:
        return {p.file: 1 for p in self.pages if test(p)}

    def has(self, page: Page, *words: str, title_only: bool = False) -> bool:
        """Whether the page has every word (stemmed) in its title, or in any of its fields."""
        fields = self.fields[page.file][:1] if title_only else self.fields[page.file]
        found = {token for tokens in fields for token in tokens}
        return all(_tokens(word)[0] in found for word in words)

    def containing(self, *words: str, title_only: bool = False) -> Expected:
        return self.where(lambda p: self.has(p, *words, title_only=title_only))

    def nearness(self, text: str, window: int = 6) -> Expected:
        """Grade 2 where the words stand together in that order (in one field), grade 1 where
        they all fall within ``window`` words of each other, none where they are scattered."""
        words = _tokens(text)
        graded: Expected = {}
        for name, fields in self.fields.items():
            grade = 0
            for tokens in fields:
                at = [[i for i, t in enumerate(tokens) if t == w] for w in words]
                if not all(at):
                    continue
                if any(all(start + k in at[k] for k in range(len(words))) for start in at[0]):
                    grade = 2
                    break
                for start in at[0]:
                    if all(any(abs(i - start) <= window for i in spots) for spots in at[1:]):
                        grade = max(grade, 1)
            if grade:
                graded[name] = grade
        return graded

    def judged(self, collection: str, qid: int) -> Expected:
        """The documents judged relevant to a query of the collection that are in the corpus."""
        relevant = _qrels(self.shared / f"relevance/{collection}/qrels.tsv")[qid]
        names = {f"{collection}-{docid}.html" for docid in relevant}
        return {p.file: 1 for p in self.pages if p.file in names}


def queries(c: Corpus) -> list[tuple[str, str, Expected, str]]:
    """Every query: (kind, text, expected results, what it checks)."""
    news = "news-{}.html".format

    def newer_first(one: str, other: str) -> Expected:
        """Two pages that score the same: the newer (grade 2) above the older (grade 1)."""
        published = {p.file: p.published for p in c.pages if p.file in (one, other)}
        older, newer = sorted(published, key=published.__getitem__)
        assert published[older] < published[newer]
        return {newer: 2, older: 1}

    def dated(test: Callable[[str], bool], *words: str) -> Expected:
        return c.where(lambda p: test(p.published[:10]) and c.has(p, *words))

    return [
        # the whole title, as typed: that page first, above digests quoting it and look-alikes
        (
            "exact-title",
            "New York man pleads guilty to threatening to kill Omar",
            c.file(news("new-york-man-pleads-guilty-to")),
            "another site's title holds every word, and a digest quotes it",
        ),
        (
            "exact-title",
            "New York man pleads guilty to threatening to kill Rep. Ilhan Omar",
            c.file(news("new-york-man-pleads-guilty-to-nbc-news")),
            "the longer of two near-identical headlines",
        ),
        ("exact-title", "Best tech gadgets of 2019", c.file(news("best-tech-gadgets-of-2019")), ""),
        (
            "exact-title",
            "The Future of Apple Innovation Is Backwards",
            c.file(news("the-future-of-apple-innovation-is")),
            "common words; a digest quotes it",
        ),
        (
            "exact-title",
            "Home Depot sales miss, shares plunge",
            c.file(news("home-depot-sales-miss-shares-plunge")),
            "",
        ),
        (
            "exact-title",
            "New York State Attorney General reportedly investigating WeWork",
            c.file(news("new-york-state-attorney-general-reportedly")),
            "another site's headline on the same story",
        ),
        ("exact-title", "Opening Bell 11.18.19", c.file(news("opening-bell-11-18-19")), ""),
        ("exact-title", "Classificação NASCAR", c.file(news("classificacao-nascar")), "Portuguese"),
        (
            "exact-title",
            "Fuzzy Sets",
            c.file("cisi-455.html"),
            "short title of common words; the same author's other fuzzy-set papers",
        ),
        (
            "exact-title",
            "Situational Relevance",
            c.file("cisi-449.html"),
            "other titles on relevance",
        ),
        (
            "exact-title",
            "Progress in Documentation",
            {**c.file("cisi-795.html"), "cisi-797.html": 1},
            "two papers under that title; a third title starts with it",
        ),
        (
            "exact-title",
            "On basic features of information retrieval language for information retrieval by "
            "title.",
            c.file("cisi-1164.html"),
            "the same title with 'Part 1' after it is another page",
        ),
        ("exact-title", "selenium as a trace element", c.file("med-45.html"), "lower-case title"),
        ("exact-title", "Information Networks", c.file("cisi-119.html"), ""),
        # the whole title in quotes
        (
            "quoted-title",
            '"Taylor Swift\'s AMA row seems to be over"',
            c.file(news("taylor-swift-s-ama-row-seems")),
            "a digest quotes it",
        ),
        (
            "quoted-title",
            '"Is Football Violence a Crime?"',
            c.file(news("is-football-violence-a-crime")),
            "a digest quotes it",
        ),
        (
            "quoted-title",
            '"The Guardian view on Hong Kong: a city on the brink"',
            c.file(news("the-guardian-view-on-hong-kong")),
            "",
        ),
        ("quoted-title", '"Computer Assisted Indexing"', c.file("cisi-446.html"), ""),
        (
            "quoted-title",
            '"ventricular septal defect with aortic regurgitation"',
            c.file("med-321.html"),
            "other abstracts hold the phrase in their text",
        ),
        # some words of a title: the pages with them in the title above body mentions
        (
            "title-words",
            "macbook pro keyboard",
            c.containing("macbook", "pro", "keyboard", title_only=True),
            "",
        ),
        ("title-words", "hong kong", c.containing("hong", "kong", title_only=True), ""),
        ("title-words", "feather duvet lung", c.containing("duvet", title_only=True), ""),
        ("title-words", "saturn titan map", c.containing("titan", title_only=True), ""),
        (
            "title-words",
            "medlars evaluation",
            c.containing("medlars", "evaluation", title_only=True),
            "",
        ),
        # words of a dek (the description) above the same words in other pages' bodies
        (
            "dek",
            "prosecutor assault",
            c.file(news("is-football-violence-a-crime")),
            "in the dek of one page, the bodies of others",
        ),
        (
            "dek",
            "violent spiral",
            c.file(news("hong-kong-chaos-china-deploys-troops")),
            "in the dek of one page, the bodies of others",
        ),
        # field prefixes
        (
            "author",
            "author:needleman",
            c.file(news("google-stadia-microsoft-xcloud-apple-arcade")),
            "",
        ),
        ("author", "author:davies", c.where(lambda p: "Davies" in p.author), "two authors"),
        (
            "author",
            "author:carter workshop",
            c.file(news("clymer-workshop-manual-review")),
            "",
        ),
        ("author", "author:lancaster", c.where(lambda p: "lancaster" in p.author.lower()), ""),
        (
            "author",
            "author:zaden fuzzy",
            c.where(lambda p: "Zaden" in p.author and c.has(p, "fuzzy")),
            "Zadeh, one letter away, is another author",
        ),
        ("site", "site:slashgear", c.where(lambda p: p.site == "SlashGear"), ""),
        ("site", "site:thehill omar", c.file(news("new-york-man-pleads-guilty-to")), ""),
        ("site", "site:morebikes", c.where(lambda p: p.site == "MoreBikes"), ""),
        ("site", "site:sciencealert", c.where(lambda p: p.site == "ScienceAlert"), ""),
        (
            "site",
            "site:periodica medlars",
            c.where(lambda p: p.site == "Periodica" and c.has(p, "medlars")),
            "",
        ),
        ("date-range", "date:2014", dated(lambda d: d.startswith("2014")), ""),
        ("date-range", "date:2018-09", dated(lambda d: d.startswith("2018-09")), ""),
        ("date-range", "date:2015..2017", dated(lambda d: "2015" <= d[:4] <= "2017"), ""),
        (
            "date-range",
            "selenium date:2021",
            dated(lambda d: d.startswith("2021"), "selenium"),
            "",
        ),
        (
            "date-range",
            "hemophilia date:2023-06..2023-12",
            dated(lambda d: "2023-06" <= d[:7] <= "2023-12", "hemophilia"),
            "",
        ),
        # accents folded both ways
        ("accent", "pokémon", c.containing("pokemon"), "the page writes Pokemon"),
        ("accent", "café", c.containing("cafe"), "the page writes cafe"),
        ("accent", "méxico deportees", c.containing("mexico", "deportees"), "written Mexico"),
        ("accent", "sauteed zoodles", c.containing("sauteed", "zoodles"), "written sautéed"),
        ("accent", "faberge egg", c.containing("faberge", "egg"), "written Fabergé"),
        ("accent", "alfabetizacao", c.containing("alfabetizacao"), "Portuguese: alfabetização"),
        ("accent", "eugenio tadeu", c.containing("eugenio", "tadeu"), "Portuguese: Eugênio"),
        # one edit away
        ("fuzzy", "steenburgan~", c.containing("steenburgen"), ""),
        ("fuzzy", "volkswagon~", c.containing("volkswagen"), ""),
        ("fuzzy", "hemophelia~", c.containing("hemophilia"), ""),
        ("fuzzy", "selenum~ toxicity", c.containing("selenium", "toxicity"), ""),
        # equal scores (the same story on two sites, the same abstract twice): newer first
        (
            "newer-tie",
            "nadal spain davis cup",
            newer_first(
                "wire-nadal-keeps-spain-alive-against-russia.html",
                news("nadal-keeps-spain-alive-against-russia"),
            ),
            "",
        ),
        (
            "newer-tie",
            "zach parise sabres",
            newer_first(
                "wire-zach-parise-heating-up-scores-twice.html",
                news("zach-parise-heating-up-scores-twice"),
            ),
            "",
        ),
        (
            "newer-tie",
            "auto show electric suvs",
            newer_first(
                "wire-new-suvs-and-electric-vehicles-highlight.html",
                news("new-suvs-and-electric-vehicles-highlight"),
            ),
            "",
        ),
        (
            "newer-tie",
            "san francisco train stabbing",
            newer_first(
                "wire-the-latest-man-stabbed-to-death.html",
                news("the-latest-man-stabbed-to-death"),
            ),
            "",
        ),
        (
            "newer-tie",
            "book availability library user",
            newer_first("cisi-1440.html", "cisi-234.html"),
            "",
        ),
        (
            "newer-tie",
            "information communication knowledge",
            newer_first("cisi-1084.html", "cisi-1447.html"),
            "",
        ),
        # pages in other languages
        ("non-english", "кулинарные блоги", c.file(news("wday-ru")), "Russian"),
        ("non-english", "류화영", c.file(news("ko-entermedia-co-kr")), "Korean"),
        (
            "non-english",
            "sunni syiah",
            c.file(news("sejarah-pecahnya-islam-jadi-sunni-dan")),
            "Indonesian",
        ),
        (
            "non-english",
            "occasioni nostalgici",
            c.file(news("black-friday-per-nostalgici-le-occasioni")),
            "Italian",
        ),
        (
            "non-english",
            "elektronische patientenakte",
            c.file(news("die-elektronische-patientenakte-epa-der-lange")),
            "German",
        ),
        ("non-english", "lang:pt", c.where(lambda p: p.language == "pt"), ""),
        # topics: the collections' own relevance judgments
        ("topic", "ventricular septal defect aortic regurgitation", c.judged("med", 6), "MED 6"),
        ("topic", "azathioprine lupus", c.judged("med", 12), "MED 12"),
        ("topic", "separation anxiety children", c.judged("med", 16), "MED 16"),
        ("topic", "selenium toxicity", c.judged("med", 18), "MED 18"),
        ("topic", "hemophilia pseudotumor", c.judged("med", 30), "MED 30"),
        ("topic", "alphabetical ordering", c.judged("cisi", 41), "CISI 41"),
        ("topic", "MEDLARS", c.judged("cisi", 52), "CISI 52"),
        (
            "topic",
            "medical literature analysis and retrieval system",
            c.judged("cisi", 55),
            "CISI 55",
        ),
        ("topic", "boolean request index term weights", c.judged("cisi", 62), "CISI 62"),
        ("topic", "document clusters retrieval", c.judged("cisi", 65), "CISI 65"),
        # words together (grade 2) and near (grade 1) above the same words scattered
        ("phrase", "index terms", c.nearness("index terms"), ""),
        ("phrase", "search terms", c.nearness("search terms"), ""),
        ("phrase", "document retrieval", c.nearness("document retrieval"), ""),
        ("phrase", "police station", c.nearness("police station"), ""),
        ("phrase", "subject indexing", c.nearness("subject indexing"), ""),
        ("phrase", "user needs", c.nearness("user needs"), ""),
        (
            "quoted-phrase",
            '"document retrieval"',
            {f: 1 for f, g in c.nearness("document retrieval").items() if g == 2},
            "",
        ),
        (
            "quoted-phrase",
            '"air pollution"',
            {f: 1 for f, g in c.nearness("air pollution").items() if g == 2},
            "",
        ),
        ("proximity", "space center", c.nearness("space center"), ""),
        ("proximity", "technology company", c.nearness("technology company"), ""),
        ("proximity", "cardiac aortic", c.nearness("cardiac aortic"), ""),
        ("proximity", "wheel standard", c.nearness("wheel standard"), ""),
    ]


def query_file(corpus: Corpus) -> list[dict[str, object]]:
    made = []
    counts: collections.Counter[str] = collections.Counter()
    for kind, text, expected, note in queries(corpus):
        assert expected, (kind, text)
        counts[kind] += 1
        ordered = dict(sorted(expected.items(), key=lambda item: (-item[1], item[0])))
        entry: dict[str, object] = {"id": f"{kind}-{counts[kind]}", "kind": kind, "query": text}
        if note:
            entry["note"] = note
        entry["expected"] = ordered
        made.append(entry)
    return made


# -- writing ---------------------------------------------------------------------------------


def build(shared: Path) -> list[Page]:
    news = news_pages(shared)
    for number, page in enumerate(news):  # the "most read" list: three other stories
        page.related = [news[(number + step) % len(news)].title for step in (7, 19, 31)]
    pages = news + wire_copies(news) + digests(news)
    pages += abstract_pages(shared, "cisi") + abstract_pages(shared, "med")
    assert len({p.file for p in pages}) == len(pages)
    return pages


def write(pages: list[Page], made: list[dict[str, object]]) -> None:
    folder = HERE / "pages"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.html"):
        old.unlink()
    for page in pages:
        (folder / page.file).write_text(render(page), encoding="utf-8")
    manifest = {
        p.file: {k: v for k, v in asdict(p).items() if k not in ("file", "body", "related")}
        for p in pages
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    (HERE / "corpus.json").write_text(text + "\n", encoding="utf-8")
    text = json.dumps(made, ensure_ascii=False, indent=1)
    (HERE / "queries.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    pages = build(args.shared)
    made = query_file(Corpus(pages, args.shared))
    write(pages, made)
    kinds = collections.Counter(str(q["kind"]) for q in made)
    print(f"{len(pages)} pages", dict(collections.Counter(p.origin for p in pages)))
    print(f"{len(made)} queries", dict(kinds))


if __name__ == "__main__":
    main()
