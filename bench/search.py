"""Search speed on synthetic news archives, per query kind, beside plain Whoosh in the same run.

    python bench/search.py [--size 10000] [--size 100000] [--queries 30] [--rounds 2]
                           [--kinds rare,common,...] [--budget 120] [--profile] [--no-cli]
                           [--cache DIR] [--build-only clippings|baseline|both]

The corpus is generated, deterministic (seeded) news: a Zipf vocabulary whose head is the real
English of ``tests/fixtures`` and whose tail is tens of thousands of generated English-looking
words (with -s/-ed/-ing forms, so stems merge them), per-article topic words and names that
repeat (words are bursty, as in news), recurring collocations, titles of 6-12 words, a dek of
~25 words, bodies of ~1,000 words in paragraphs, 50 sites, 500 authors, sections, dates over
2005-2026, ~10% tagged, ~92% English (the rest with their language's function words).

Two indexes of the same articles are built once and cached (``--cache``, default
``bench/.cache/search/``, gitignored), keyed by size and corpus (and, for Clippings, by
``archive.index.schema.SCHEMA_VERSION``: an archive folder opened by code of another schema
version has its index emptied and rebuilt, so a new version gets new folders and the old ones
stay until deleted); a build is resumable (run the same command again) and reports progress:

- Clippings: a real archive folder (catalog + index) made with the library's own pieces: rows
  through ``Catalog.add``/``set_tags`` and the index through ``Index.writer().add`` (that is
  ``archive.index.schema.document``), committed every 1,000 clippings as an import does, so its
  segments are what an import makes. Extraction and originals are skipped.
- baseline: Whoosh used plainly: title/body ``TEXT(StemmingAnalyzer(), stored=True)``, a dek,
  site/author/section/tags, ``date`` DATETIME, site/year/language columns for facets; one
  writer, one commit, so one segment (not resumable: it starts again if stopped).

Query kinds (``--queries`` each, drawn deterministically from the vocabulary by document
frequency band, or from the text itself):

    rare      one word found in 0.03-0.3% of the articles
    common    one word found in 20-90% of them (not a stop word)
    two       two words, each in 2-25%
    phrase    "two or three adjacent words" taken from a random article
    fuzzy     a word of 1-20% with one letter dropped or changed, then ~
    prefix    the first 4 letters of a word of 1-50%, then *
    field     site:WORD date:2019-01..2019-06, or title:WORD date:2015..2018
              (baseline: date:[2019-01 TO 2019-06])
    facets    counts by site, year, tag and language for the common-word queries

Clippings is measured through ``Archive.search(q, limit=20)`` (hits, total count, catalog rows
and snippets) and ``Archive.facets(q)``; the baseline through ``searcher.search(q, limit=20)``,
without and with ``hit.highlights("body", top=2)`` for each hit (its parser:
``MultifieldParser(["title", "body"])`` plus ``FuzzyTermPlugin`` for ``word~``). Each query is
run once to warm up, then ``--rounds`` times, the three interleaved; a kind that takes longer
than ``--budget`` seconds is cut short (the ``n`` column: queries x runs). The ratio is
Clippings' time over the baseline's with snippets (facets: without); targets are the p95 of the
issue (100,000: 100 ms for words, two words and field + dates, 150 for phrases, 300 for prefix
and fuzzy; 10,000: 50 ms, prefix aside). ``--profile`` adds where Clippings' time goes per
kind (stages timed by wrapping them, and a cProfile per kind in the cache), and where the
build's time and bytes go per field and stage, beside plain Whoosh (``index_profile.py``). Unless
``--no-cli``, ``clippings search WORD --archive DIR`` is also timed as a new process
(``python -m archive``, wall time, ten words; target: under 0.5 s).

Sizes: ``--size`` may be given more than once; the default is 10,000 only (100,000 takes an
hour or more to build on two cores, once). Timings on a shared machine are noisy: compare the
ratios, and rerun. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import hashlib
import importlib
import io
import json
import math
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import archive.index as clippings_index  # noqa: E402
from archive.api import Archive  # noqa: E402
from archive.index.schema import SCHEMA_VERSION  # noqa: E402
from archive.models import Article  # noqa: E402
from archive.store import Catalog  # noqa: E402

# the module (``archive.index.plan``, the attribute, is its function ``plan``)
clippings_plan = importlib.import_module("archive.index.plan")

CORPUS_VERSION = 1  # bump when the generator changes: cached archives are rebuilt
SEED = 2024
LIMIT = 20
PROFILE_ARTICLES = 500  # the build profile's sample (``bench/index_profile.py``)
COMMIT_EVERY = 1000  # as archive.importer.INDEX_EVERY: an import commits the index so often
KINDS = ("rare", "common", "two", "phrase", "fuzzy", "prefix", "field", "facets")
# p95 targets with snippets, ms, for Clippings: {size: {kind: ms}}
TARGETS = {
    100_000: {
        "rare": 100,
        "common": 100,
        "two": 100,
        "field": 100,
        "phrase": 150,
        "prefix": 300,
        "fuzzy": 300,
    },
    10_000: {kind: 50 for kind in KINDS if kind != "prefix"},
}
# document frequency bands, as fractions of the articles
BANDS = {
    "rare": (0.0003, 0.003),
    "common": (0.2, 0.9),
    "two": (0.02, 0.25),
    "fuzzy": (0.01, 0.2),
    "prefix": (0.01, 0.5),
}

# -- the corpus ------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "have",
        "if",
        "in",
        "is",
        "it",
        "may",
        "not",
        "of",
        "on",
        "or",
        "tbd",
        "that",
        "the",
        "this",
        "to",
        "us",
        "we",
        "when",
        "will",
        "with",
        "yet",
        "you",
        "your",
    ]
)  # Whoosh's STOP_WORDS (both analyzers drop them)
FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tomas",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
    "Aaron",
    "Bianca",
    "Chen",
    "Dmitri",
    "Esther",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kenji",
    "Lucia",
    "Mateo",
    "Nora",
    "Oscar",
    "Paula",
    "Rafael",
    "Sofia",
    "Theo",
    "Valeria",
    "Will",
    "Ximena",
    "Yara",
    "Amir",
    "Beatriz",
    "Colin",
    "Daria",
    "Emil",
    "Fatima",
    "Gabriel",
    "Helena",
    "Isaac",
    "Jana",
    "Karim",
    "Leila",
]
LAST = [
    "Nazarko",
    "Okafor",
    "Ruiz",
    "Park",
    "Lee",
    "Smith",
    "Garcia",
    "Muller",
    "Rossi",
    "Dubois",
    "Novak",
    "Kowalski",
    "Tanaka",
    "Silva",
    "Haddad",
    "Jensen",
    "Larsen",
    "Moreau",
    "Petrov",
    "Santos",
    "Weber",
    "Fischer",
    "Romano",
    "Costa",
    "Bauer",
    "Kaur",
    "Singh",
    "Nguyen",
    "Kim",
    "Ahmed",
    "Hassan",
    "Ibrahim",
    "Cohen",
    "Levi",
    "Murphy",
    "Kelly",
    "Walsh",
    "Byrne",
    "Olsen",
    "Berg",
    "Lindqvist",
    "Horvat",
    "Varga",
    "Popescu",
    "Ionescu",
    "Yilmaz",
    "Demir",
    "Sato",
    "Suzuki",
    "Wang",
    "Zhang",
    "Liu",
    "Chen",
    "Huang",
    "Adeyemi",
    "Mensah",
    "Banda",
    "Mwangi",
    "Otieno",
    "Alvarez",
    "Romero",
    "Castro",
    "Ortiz",
    "Morales",
    "Herrera",
    "Medina",
    "Vargas",
    "Jimenez",
    "Moreno",
    "Navarro",
    "Delgado",
    "Rojas",
    "Fuentes",
    "Campos",
    "Vega",
]
PLACES = [
    "Valley",
    "Harbor",
    "Capital",
    "Northern",
    "Coastal",
    "Metro",
    "Global",
    "Evening",
    "Daily",
    "Pacific",
    "Atlantic",
    "Prairie",
    "Summit",
    "River",
    "Lakeside",
    "Highland",
    "Central",
    "Western",
    "Eastern",
    "Southern",
    "Continental",
    "Citizen",
    "National",
    "Island",
    "Mountain",
]
PAPERS = [
    "News",
    "Post",
    "Times",
    "Herald",
    "Tribune",
    "Gazette",
    "Journal",
    "Chronicle",
    "Review",
    "Observer",
]
SECTIONS = [
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sports",
    "Culture",
    "Opinion",
    "Climate",
    "Asia",
    "Europe",
    "Economy",
    "Books",
    "Travel",
]
TAGS = [
    "work",
    "read later",
    "research",
    "climate",
    "asia",
    "election",
    "economy",
    "health",
    "tech",
    "science",
    "books",
    "travel",
    "reference",
    "quotes",
    "history",
    "energy",
    "europe",
    "africa",
    "courts",
    "media",
    "housing",
    "education",
    "food",
    "sport",
    "security",
    "trade",
    "labour",
    "cities",
    "water",
    "space",
]
LANGUAGES = [("en", 92), ("de", 3), ("fr", 2), ("es", 2), ("it", 1)]
FUNCTION_WORDS = {  # the head of each other language: its commonest words
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
    "auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über "
    "so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei",
    "fr": "de la le et les des en un du une que est pour qui dans par plus pas au sur ne se "
    "ce il sont ou avec son aux mais comme elle été tout nous sa ses leur cette fait était "
    "ont être très deux",
    "es": "de la que el en y a los del se las por un para con no una su al lo como más pero "
    "sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde "
    "quien desde todo nos durante",
    "it": "di e il la che in a per un è del non una con i le si da al dei come delle più ma "
    "alla anche nel ha lo sono della gli se sul questo ci quando nella tra essere stato",
}
ONSETS = [
    "b",
    "bl",
    "br",
    "c",
    "ch",
    "cl",
    "cr",
    "d",
    "dr",
    "f",
    "fl",
    "fr",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "r",
    "s",
    "sh",
    "sl",
    "sp",
    "st",
    "str",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
]
INNER = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "ch",
    "st",
    "nd",
    "nt",
    "rr",
    "ll",
    "ss",
]
NUCLEI = [
    "a",
    "e",
    "i",
    "o",
    "u",
    "a",
    "e",
    "i",
    "o",
    "u",
    "a",
    "e",
    "i",
    "o",
    "ai",
    "ea",
    "ee",
    "ou",
    "oo",
]
CODAS = ["", "", "", "", "", "d", "l", "m", "n", "n", "r", "r", "s", "t", "t", "ck"]
CODAS += ["ft", "ld", "lt", "mp", "nd", "ng", "nk", "nt", "rd", "rk", "rm", "rn", "rt", "sh"]
VOCABULARY = 64_000  # distinct surface words
HEAD_ZIPF = 8000  # ranks up to here: p ~ 1/(r + 2.7); beyond: a steeper tail, as in English
TAIL_EXPONENT = 1.9


def _fixture_prose() -> list[str]:
    """Paragraphs of real prose from the test fixtures (no archive code: lxml only)."""
    import lxml.html

    fixtures = ROOT / "tests" / "fixtures"
    paragraphs: list[str] = []
    for page in sorted((fixtures / "pages").glob("*.html")) + sorted(
        (fixtures / "extraction").glob("*.html")
    ):
        tree = lxml.html.fromstring(page.read_bytes())
        for element in tree.iter("p"):
            paragraphs.append(" ".join(element.text_content().split()))
    for dump in sorted((fixtures / "dumps").glob("*.txt")):
        paragraphs += dump.read_text("utf-8", "replace").split("\n\n")
    # prose only: long lines of words, no cookie banners, curly apostrophes made straight
    junk = ("cookie", "privacy", "subscribe", "newsletter", "sign up", "log in")
    return [
        " ".join(p.replace("\u2019", "'").split())
        for p in paragraphs
        if len(p.split()) >= 12 and not any(word in p.lower() for word in junk)
    ]


def _make_word(rng: random.Random) -> str:
    syllables = rng.choices([1, 2, 3], weights=[3, 6, 2])[0]
    word = rng.choice(ONSETS) + rng.choice(NUCLEI)
    for _ in range(syllables - 1):
        word += rng.choice(INNER) + rng.choice(NUCLEI)
    word += rng.choice(CODAS)
    return word if len(word) >= 4 else word + rng.choice(["n", "st", "rk", "l"])


def _forms(lemma: str, rng: random.Random) -> list[str]:
    """The surface forms of a generated lemma: noun, verb or adjective endings."""
    kind = rng.choices(["noun", "verb", "adjective", "plain"], weights=[4, 3, 2, 1])[0]
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    if kind == "noun":
        return [lemma, lemma + "s"]
    if kind == "verb":
        return [lemma, lemma + "s", stem + "ed", stem + "ing"]
    if kind == "adjective":
        return [lemma, lemma + "ly", stem + "ness"]
    return [lemma]


class Corpus:
    """The generated news archive: article ``n`` is the same on every run and every machine."""

    def __init__(self, size: int) -> None:
        self.size = size
        rng = random.Random(f"{SEED}-vocabulary")
        prose = _fixture_prose()
        english = [p for p in prose if not _is_german(p)]
        counts = Counter(
            w.lower()
            for p in english
            for w in _WORD.findall(p)
            if len(w) > 1 or w.lower() in ("a", "i")
        )
        head = [w for w, n in sorted(counts.items(), key=lambda i: (-i[1], i[0])) if n >= 2]
        seen = set(head)
        tail = sorted(w for w in counts if w not in seen)  # real words seen once
        seen |= set(tail)
        generated: list[str] = []
        while len(seen) < VOCABULARY:
            for form in _forms(_make_word(rng), rng):
                if form not in seen:
                    seen.add(form)
                    generated.append(form)
        rng.shuffle(generated)
        # the real words seen once go among the next 15,000 ranks, the generated ones around
        middle = generated[:15_000] + tail
        rng.shuffle(middle)
        self.words: list[str] = head + middle + generated[15_000:]
        weights = [self._weight(rank) for rank in range(1, len(self.words) + 1)]
        total = sum(weights)
        self.p = [w / total for w in weights]
        self.cum = list(_accumulate(weights))
        # collocations: real adjacent content words of the fixtures, then generated pairs
        pairs = Counter(
            (a.lower(), b.lower())
            for p in english
            for a, b in zip(_WORD.findall(p), _WORD.findall(p)[1:], strict=False)
            if a.lower() not in STOP_WORDS and b.lower() not in STOP_WORDS
        )
        phrases = [f"{a} {b}" for (a, b), _ in pairs.most_common(800)]
        middle = self.words[300:20_000]
        while len(phrases) < 4000:
            a, b = rng.choice(middle), rng.choice(middle)
            joint = rng.choice(["", "", "of ", "and ", "the "])
            phrases.append(f"{a} {joint}{b}")
        self.phrases = phrases
        self.phrase_cum = list(_accumulate(1 / (r + 2) for r in range(len(phrases))))
        # topics: what an article is about, words repeated through it
        self.topic_cum = list(
            _accumulate(0 if r < 200 else 1 / (r + 50) ** 0.9 for r in range(len(self.words)))
        )
        people = {f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(4000)}
        self.people = sorted(people)
        authors = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(700)})
        self.authors = rng.sample(authors, 500)
        sites = [(place, paper) for place in PLACES for paper in PAPERS]
        self.sites = [
            (f"The {place} {paper}", f"{place.lower()}{paper.lower()}.com")
            for place, paper in rng.sample(sites, 50)
        ]
        self.site_cum = list(_accumulate(1 / (r + 3) for r in range(len(self.sites))))
        self.author_cum = list(_accumulate(1 / (r + 10) for r in range(len(self.authors))))
        self.years = list(range(2005, 2027))
        self.year_cum = list(_accumulate(1 + (y - 2005) / 4 for y in self.years))

    @staticmethod
    def _weight(rank: int) -> float:
        if rank <= HEAD_ZIPF:
            return 1 / (rank + 2.7)
        return (HEAD_ZIPF + 2.7) ** (TAIL_EXPONENT - 1) / (rank + 2.7) ** TAIL_EXPONENT

    @cached_property
    def fingerprint(self) -> str:
        """What the articles depend on: the generator's version and its vocabulary."""
        digest = hashlib.sha256(f"{CORPUS_VERSION}\n".encode())
        digest.update("\n".join(self.words + self.phrases).encode())
        return digest.hexdigest()[:10]

    # -- one article -------------------------------------------------------------------------

    def article(self, n: int) -> Generated:
        rng = random.Random(f"{SEED}-article-{n}")
        language = rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        topics = self._pick(rng, self.words, self.topic_cum, rng.randint(6, 14))
        people = rng.sample(self.people, rng.randint(1, 4))
        phrases = self._pick(rng, self.phrases, self.phrase_cum, rng.randint(2, 6))
        ctx = _Context(rng, language, topics, people, phrases)
        length = max(300, int(rng.gauss(1000, 200)))
        paragraphs: list[str] = []
        words = 0
        while words < length:
            sentences = [self._sentence(ctx, rng.randint(8, 30)) for _ in range(rng.randint(2, 6))]
            paragraphs.append(" ".join(sentences))
            words += sum(len(s.split()) for s in sentences)
        title_words = self._tokens(ctx, rng.randint(6, 12), topic=0.35, names=0.05)
        title = " ".join(w[:1].upper() + w[1:] if i == 0 else w for i, w in enumerate(title_words))
        dek = self._sentence(ctx, rng.randint(18, 32))
        site, domain = self.sites[bisect.bisect(self.site_cum, rng.random() * self.site_cum[-1])]
        author_index = bisect.bisect(self.author_cum, rng.random() * self.author_cum[-1])
        year = self.years[bisect.bisect(self.year_cum, rng.random() * self.year_cum[-1])]
        published = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        saved = datetime(published.year, published.month, published.day, rng.randrange(24))
        saved += timedelta(days=int(rng.expovariate(1 / 60)), minutes=rng.randrange(60))
        saved = min(saved, datetime(2026, 11, 27, 9))
        slug = "-".join(title_words[:6]).lower()
        text = "\n\n".join(paragraphs)
        return Generated(
            article=Article(
                title=title,
                author="" if rng.random() < 0.08 else self.authors[author_index],
                published=None if rng.random() < 0.05 else published.isoformat(),
                site=site,
                section="" if rng.random() < 0.2 else rng.choice(SECTIONS),
                url=f"https://www.{domain}/{year}/{rng.choice(SECTIONS).lower()}/{slug}-{n}",
                language=language,
                description=dek,
                keywords=[],
                text=text,
                markdown=text,
                format="html",
            ),
            saved=saved.isoformat() + "+00:00",
            tags=sorted(set(rng.sample(TAGS, rng.randint(1, 3)))) if rng.random() < 0.1 else [],
            words=[w.lower() for w in _WORD.findall(text)],
        )

    def _pick(self, rng: random.Random, items: list[str], cum: list[float], k: int) -> list[str]:
        return [items[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(k)]

    def _tokens(self, ctx: _Context, count: int, topic: float, names: float) -> list[str]:
        rng = ctx.rng
        out = rng.choices(self.words, cum_weights=self.cum, k=count)
        if ctx.language != "en":  # the head of another language, its function words
            heads = ctx.function_words
            out = [heads[self.index[w] % len(heads)] if self.index[w] < 150 else w for w in out]
        for i in range(count):
            roll = rng.random()
            if roll < topic:
                out[i] = ctx.topics[min(int(rng.expovariate(0.35)), len(ctx.topics) - 1)]
            elif roll < topic + names:
                out[i] = rng.choice(ctx.people).split()[rng.random() < 0.7]
            elif roll < topic + names + 0.03:
                out[i] = rng.choice(ctx.phrases)
        return out

    def _sentence(self, ctx: _Context, count: int) -> str:
        words = self._tokens(ctx, count, topic=0.07, names=0.012)
        if len(words) > 12 and ctx.rng.random() < 0.5:
            cut = ctx.rng.randrange(4, len(words) - 4)
            words[cut] += ","
        first = words[0]
        words[0] = first[:1].upper() + first[1:]
        return " ".join(words) + ctx.rng.choice([".", ".", ".", ".", "?", '."'])

    @cached_property
    def index(self) -> dict[str, int]:
        return {w: r for r, w in enumerate(self.words)}

    # -- queries -----------------------------------------------------------------------------

    def df(self, word: str) -> float:
        """Expected fraction of the articles with ``word`` (background words; topics add)."""
        rank = self.index[word]
        p = self.p[rank]
        topic = self.topic_cum[rank] - (self.topic_cum[rank - 1] if rank else 0)
        return 1 - math.exp(-1000 * p) + 10 * topic / self.topic_cum[-1]

    def band(self, name: str) -> list[str]:
        low, high = BANDS[name]
        return [
            w
            for w in self.words
            if w not in STOP_WORDS and len(w) >= 3 and w.isalpha() and low <= self.df(w) <= high
        ]

    def queries(self, kind: str, count: int) -> list[str]:
        rng = random.Random(f"{SEED}-queries-{kind}-{self.size}")
        if kind in ("rare", "common"):
            return rng.sample(self.band(kind), count)
        if kind == "facets":
            return self.queries("common", count)
        if kind == "two":
            band = self.band("two")
            return [" ".join(rng.sample(band, 2)) for _ in range(count)]
        if kind == "fuzzy":
            band = [w for w in self.band("fuzzy") if len(w) >= 5]
            return [_typo(w, rng) + "~" for w in rng.sample(band, count)]
        if kind == "prefix":
            band = [w for w in self.band("prefix") if len(w) >= 5]
            prefixes = sorted({w[:4] for w in band})
            return [p + "*" for p in rng.sample(prefixes, count)]
        if kind == "phrase":
            return [self._phrase(rng) for _ in range(count)]
        if kind == "field":
            found = []
            for i in range(count):
                if i % 2 == 0:  # a site (the big ones more often) and half a year
                    index = bisect.bisect(self.site_cum, rng.random() * self.site_cum[-1])
                    site = self.sites[index][0].split()[1].lower()
                    year, month = rng.randint(2008, 2025), rng.choice([1, 7])
                    found.append(f"site:{site} date:{year}-{month:02}..{year}-{month + 5:02}")
                else:  # a word of a real title, and four years
                    title = self.article(rng.randrange(self.size)).article.title
                    word = rng.choice(
                        [w for w in _WORD.findall(title.lower()) if w not in STOP_WORDS] or ["news"]
                    )
                    year = rng.randint(2006, 2022)
                    found.append(f"title:{word} date:{year}..{year + 3}")
            return found
        raise ValueError(kind)

    def _phrase(self, rng: random.Random) -> str:
        while True:
            words = self.article(rng.randrange(self.size)).words
            start = rng.randrange(len(words) - 3)
            length = 3 if rng.random() < 0.25 else 2
            chosen = words[start : start + length]
            content = [w for w in chosen if w not in STOP_WORDS]
            if (
                len(content) >= 2
                and chosen[0] not in STOP_WORDS
                and chosen[-1] not in STOP_WORDS
                and all(len(w) >= 3 and w.isalpha() for w in content)
            ):
                return '"' + " ".join(chosen) + '"'


@dataclass
class _Context:
    rng: random.Random
    language: str
    topics: list[str]
    people: list[str]
    phrases: list[str]
    function_words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.language != "en":
            self.function_words = FUNCTION_WORDS[self.language].split()


@dataclass
class Generated:
    article: Article
    saved: str
    tags: list[str]
    words: list[str]


def _accumulate(values: Iterator[float] | list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _is_german(paragraph: str) -> bool:
    words = paragraph.lower().split()
    return sum(w in ("der", "die", "und", "das", "nicht", "ist") for w in words) > len(words) / 20


def _typo(word: str, rng: random.Random) -> str:
    """``word`` one edit away: a letter dropped or changed (not the first: it anchors)."""
    i = rng.randrange(1, len(word))
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    letter = rng.choice([c for c in "aeioustrnl" if c != word[i]])
    return word[:i] + letter + word[i + 1 :]


# -- building, cached ------------------------------------------------------------------------


def _progress(label: str, done: int, total: int, started: float, first: int) -> None:
    elapsed = time.perf_counter() - started
    rate = (done - first) / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate / 60 if rate else 0.0
    end = "\r" if sys.stdout.isatty() else "\n"
    print(f"  {label}: {done:,}/{total:,} ({rate:.0f}/s, {eta:.0f} min left)", end=end, flush=True)


def _schema_digest() -> str:
    source = (ROOT / "archive" / "index" / "schema.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:10]


def build_clippings(folder: Path, corpus: Corpus) -> dict[str, object]:
    """The archive of ``corpus`` in ``folder``, made (or finished) as an import makes it."""
    marker = folder / "build.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("schema_digest") != _schema_digest():
            print(f"  note: archive/index/schema.py changed since {folder.name} was built")
        _clear_journal(folder)  # (builds of older versions of this script left it full)
        return info
    folder.mkdir(parents=True, exist_ok=True)
    digest = _schema_digest()  # the schema this process runs (the file may change meanwhile)
    spent_file = folder / "build-seconds"
    spent = float(spent_file.read_text()) if spent_file.exists() else 0.0
    started = time.perf_counter()
    with Archive(folder) as archive:
        if archive.index.doc_count() != archive.catalog.count():
            archive.sync_index()  # a build killed between the catalog and the index commit
        first = done = archive.catalog.count()
        if done:
            print(f"  resuming at {done:,}")
        while done < corpus.size:
            chunk = range(done, min(corpus.size, done + COMMIT_EVERY))
            ids = []
            with archive.catalog.transaction():
                for n in chunk:
                    made = corpus.article(n)
                    clipping_id = archive.catalog.add(
                        sha256=hashlib.sha256(f"search-bench-{n}".encode()).hexdigest(),
                        source=f"bench/search/{n}.html",
                        saved=made.saved,
                        article=made.article,
                    )
                    if made.tags:
                        archive.catalog.set_tags(clipping_id, made.tags)
                    ids.append(clipping_id)
            with archive.index.writer() as writer:
                for clipping in archive.catalog.get_many(ids):
                    writer.add(clipping)
            with archive.catalog.transaction():  # as an import does after its index commit
                archive.catalog.mark_indexed(ids)
            done = chunk.stop
            spent_file.write_text(str(spent + time.perf_counter() - started))
            _progress("clippings", done, corpus.size, started, first)
        segments = len(archive.index.searcher().reader().leaf_readers())
    info = {
        "size": corpus.size,
        "corpus": corpus.fingerprint,
        "schema_version": SCHEMA_VERSION,
        "schema_digest": digest,
        "build_seconds": round(spent + time.perf_counter() - started),
        "segments": segments,
        "megabytes": _megabytes(folder),
        "index_megabytes": _megabytes(folder / "index"),
    }
    marker.write_text(json.dumps(info, indent=1))
    return info


def rebuild_line(folder: Path) -> str:
    """Time ``reindex --from-catalog`` on the archive in ``folder`` (no extraction: the
    catalog's text, on every core), as the line to print."""
    from archive.children import cores

    with Archive(folder) as archive:
        count = len(archive)
        started = time.perf_counter()

        def progress(event: object) -> None:
            if event.done % 10_000 == 0 or event.done == event.total:
                _progress("rebuilt", event.done, event.total, started, 0)

        archive.reindex(reextract=False, progress=progress)
        seconds = time.perf_counter() - started
        segments = len(archive.index.searcher().reader().leaf_readers())
    return (
        f"  rebuilt from the catalog in {seconds:.0f} s ({count / seconds:.0f} clippings/s, "
        f"{cores()} processes, load {os.getloadavg()[0]:.1f}), {_megabytes(folder / 'index')} MB, "
        f"{segments} segments"
    )


def _clear_journal(folder: Path) -> None:
    """The journal of a finished build emptied: its index holds every clipping."""
    with Archive(folder) as archive:
        if archive.catalog.count_unindexed() and archive.index.doc_count() == len(archive):
            with archive.catalog.transaction():
                archive.catalog.mark_indexed()


def baseline_schema():
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        description=fields.TEXT(analyzer=StemmingAnalyzer()),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        author=fields.TEXT(stored=True),
        site=fields.TEXT(stored=True),
        section=fields.KEYWORD(lowercase=True),
        tags=fields.KEYWORD(commas=True, lowercase=True),
        language=fields.ID(stored=True, sortable=True),
        date=fields.DATETIME(stored=True, sortable=True),
        site_name=fields.ID(sortable=True),
        year=fields.ID(sortable=True),
    )


def baseline_document(n: int, made: Generated) -> dict[str, object]:
    article = made.article
    when = datetime.fromisoformat(article.published or made.saved[:19])
    domain = article.url.split("/")[2].removeprefix("www.")
    return {
        "id": str(n + 1),
        "title": article.title,
        "description": article.description,
        "body": article.text,
        "author": article.author,
        "site": f"{article.site} {domain}",
        "section": article.section,
        "tags": ",".join(made.tags),
        "language": article.language,
        "date": when,
        "site_name": article.site,
        "year": str(when.year),
    }


def build_baseline(folder: Path, corpus: Corpus) -> dict[str, object]:
    """Plain Whoosh on the same articles: one writer, one commit, so one segment (not
    resumable: a build that was stopped starts again; it reports its progress)."""
    from whoosh import index

    marker = folder / "build.json"
    if marker.exists():
        return json.loads(marker.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    ix = index.create_in(folder, baseline_schema())
    writer = ix.writer(limitmb=256)
    for n in range(corpus.size):
        writer.add_document(**baseline_document(n, corpus.article(n)))
        if (n + 1) % COMMIT_EVERY == 0:
            _progress("baseline", n + 1, corpus.size, started, 0)
    print("  baseline: committing ...", flush=True)
    writer.commit()
    info = {
        "size": corpus.size,
        "corpus": corpus.fingerprint,
        "build_seconds": round(time.perf_counter() - started),
        "segments": len(ix.reader().leaf_readers()),
        "megabytes": _megabytes(folder),
    }
    ix.close()
    marker.write_text(json.dumps(info, indent=1))
    return info


def code_state() -> str:
    """The commit measured, and a digest of archive/ (which may hold uncommitted changes)."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "archive"], capture_output=True)
    digest = hashlib.sha256()
    for source in sorted((ROOT / "archive").rglob("*.py")):
        digest.update(source.read_bytes())
    changes = " + uncommitted changes" if dirty.stdout.strip() else ""
    commit = head.stdout.strip() or "?"
    return f"code: {commit}{changes} (archive/*.py digest {digest.hexdigest()[:10]})"


def _megabytes(folder: Path) -> int:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6)


# -- measuring -------------------------------------------------------------------------------


class Baseline:
    """Whoosh used plainly on the baseline index."""

    def __init__(self, folder: Path) -> None:
        from whoosh import index, sorting
        from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

        self.ix = index.open_dir(folder)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)
        self.parser.add_plugin(FuzzyTermPlugin())
        self.facets = {
            "site": sorting.FieldFacet("site_name", maptype=sorting.Count),
            "year": sorting.FieldFacet("year", maptype=sorting.Count),
            "tag": sorting.FieldFacet("tags", allow_overlap=True, maptype=sorting.Count),
            "language": sorting.FieldFacet("language", maptype=sorting.Count),
        }

    @staticmethod
    def translate(query: str) -> str:
        """Clippings' ``date:2019-01..2019-06`` in Whoosh's own syntax."""
        return re.sub(r"date:(\S*)\.\.(\S*)", r"date:[\1 TO \2]", query)

    def search(self, query: str, snippets: bool) -> int:
        results = self.searcher.search(self.parser.parse(self.translate(query)), limit=LIMIT)
        for hit in results:
            if snippets:
                hit.highlights("body", top=2)
            else:
                hit["id"]  # the stored fields of a hit, as a listing reads them
        return results.scored_length()

    def facet_counts(self, query: str) -> dict[str, int]:
        q = self.parser.parse(self.translate(query))
        results = self.searcher.search(q, limit=1, groupedby=self.facets)
        return {name: len(results.groups(name)) for name in self.facets}

    def total(self, query: str) -> int:
        return len(self.searcher.search(self.parser.parse(self.translate(query)), limit=LIMIT))

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


@dataclass
class Figures:
    ours: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    plain_snippets: list[float] = field(default_factory=list)
    totals: list[tuple[int, int]] = field(default_factory=list)  # (ours, baseline) per query
    queries: int = 0  # how many were measured (``--budget`` may cut a slow kind short)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(
    archive: Archive,
    baseline: Baseline,
    queries: dict[str, list[str]],
    rounds: int,
    budget: float,
) -> dict[str, Figures]:
    """Each kind's queries timed ``rounds`` times, Clippings and the baseline interleaved; a
    kind whose warm-up passes a third of ``budget`` seconds keeps the queries warmed so far
    (three at least), and its rounds stop once ``budget`` is spent (after the first)."""
    figures: dict[str, Figures] = {}
    for kind, texts in queries.items():
        found = figures[kind] = Figures()
        if kind == "facets":
            calls = [archive.facets, baseline.facet_counts, None]
        else:
            calls = [
                lambda q: archive.search(q, limit=LIMIT),
                lambda q: baseline.search(q, snippets=False),
                lambda q: baseline.search(q, snippets=True),
            ]
        started = time.perf_counter()
        warmed = []
        for text in texts:  # warm up (and the result counts, as a sanity check)
            ours = calls[0](text)
            for call in calls[1:]:
                if call:
                    call(text)
            if kind != "facets":
                found.totals.append((ours.total, baseline.total(text)))
            warmed.append(text)
            if len(warmed) >= 3 and time.perf_counter() - started > budget / 3:
                break
        for round_number in range(rounds):
            if round_number and time.perf_counter() - started > budget:
                break
            for i, text in enumerate(warmed):
                order = [0, 1, 2] if (i + round_number) % 2 else [2, 1, 0]
                for which in order:
                    call = calls[which]
                    if call is None:
                        continue
                    elapsed = timed(lambda call=call, text=text: call(text))
                    [found.ours, found.plain, found.plain_snippets][which].append(elapsed)
        found.queries = len(warmed)
    return figures


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def report(size: int, figures: dict[str, Figures]) -> list[str]:
    lines = [
        f"{'kind':<8} {'Clippings':>17} {'plain Whoosh':>17} {'+ snippets':>17} "
        f"{'ratio':>11} {'target':>13} {'n':>7}  {'hits: ours / plain (median)':<28}",
        f"{'':<8} {'median    p95':>17} {'median    p95':>17} {'median    p95':>17} "
        f"{'med   p95':>11} {'p95':>13}",
    ]
    for kind, found in figures.items():
        base = found.plain_snippets or found.plain
        ratio_median = statistics.median(found.ours) / statistics.median(base)
        ratio_p95 = p95(found.ours) / p95(base)
        target = TARGETS.get(size, {}).get(kind)
        verdict = (
            ""
            if target is None
            else f"<{target} " + ("met" if p95(found.ours) < target else "MISSED")
        )
        snip = (
            f"{statistics.median(found.plain_snippets):7.1f} {p95(found.plain_snippets):7.1f}"
            if found.plain_snippets
            else f"{'-':>7} {'-':>7}"
        )
        runs = len(found.ours) // max(1, found.queries)
        totals = ""
        if found.totals:
            totals = (
                f"{statistics.median(t[0] for t in found.totals):,.0f} / "
                f"{statistics.median(t[1] for t in found.totals):,.0f}"
            )
        lines.append(
            f"{kind:<8} {statistics.median(found.ours):7.1f} {p95(found.ours):7.1f}   "
            f"{statistics.median(found.plain):7.1f} {p95(found.plain):7.1f}   {snip}   "
            f"{ratio_median:5.2f}x {ratio_p95:5.2f}x {verdict:>13} {found.queries:3}x{runs:<3}  "
            f"{totals}"
        )
    return lines


# -- where Clippings' time goes ---------------------------------------------------------------


class Breakdown:
    """Times the stages of ``Archive.search``/``facets`` by wrapping them (in this process);
    a stage's time excludes the stages it calls (``rerank`` parses the query again)."""

    STAGES = (
        ("parse", clippings_plan, "parse"),
        ("expand", clippings_index, "expand"),
        ("expand", clippings_index, "expand_patterns"),
        ("snippet terms", clippings_index, "_prose_terms"),
        ("whoosh search", None, "Searcher.search_with_collector"),
        ("rerank", clippings_index.Index, "_reranked"),
        ("total count", clippings_index, "count"),
        ("total count", clippings_index, "matching"),
        ("snippets", clippings_index, "snippet"),
        ("catalog bodies", Catalog, "texts"),
        ("catalog rows", Catalog, "get_many"),
    )

    @classmethod
    def labels(cls) -> list[str]:
        """The stages' names, once each (a stage may wrap several functions)."""
        return list(dict.fromkeys(label for label, _, _ in cls.STAGES))

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self._saved: list[tuple[object, str, object]] = []
        self._stack: list[float] = []  # time spent in the stages called by each open stage

    def __enter__(self) -> Breakdown:
        from whoosh.searching import Results, Searcher

        owners = {"Searcher": Searcher, "Results": Results}
        for label, owner, name in self.STAGES:
            if owner is None:
                owner_name, name = name.split(".")
                owner = owners[owner_name]
            original = owner.__dict__.get(name) if isinstance(owner, type) else None
            original = original or getattr(owner, name, None)
            if original is None:  # renamed since: that stage counts as "other"
                print(f"  (no {name} to time: it is counted in 'other')")
                continue
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(label, original))
        return self

    def _wrap(self, label: str, original: Callable[..., object]) -> Callable[..., object]:
        spent, stack = self.spent, self._stack

        def wrapper(*args: object, **kwargs: object) -> object:
            stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                spent[label] += elapsed - stack.pop()
                if stack:
                    stack[-1] += elapsed

        return wrapper

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)


def profile(
    archive: Archive, queries: dict[str, list[str]], figures: dict[str, Figures], dump: Path
) -> list[str]:
    """The stages' share of each kind's time (on its first five measured, so warm, queries;
    three for a kind slower than a second), and a cProfile of the same queries written to
    ``dump`` (not for a kind whose queries took more than 20 s in all)."""
    lines = [
        f"{'kind':<8} {'total':>7} "
        + " ".join(f"{label:>{max(7, len(label))}}" for label in Breakdown.labels())
        + f" {'other':>7}   (ms per query, mean)"
    ]
    dump.mkdir(parents=True, exist_ok=True)
    for kind, texts in queries.items():
        slow = statistics.median(figures[kind].ours) > 1000
        texts = texts[: min(3 if slow else 5, figures[kind].queries)]

        def run(texts: list[str] = texts, kind: str = kind) -> None:
            for text in texts:
                if kind == "facets":
                    archive.facets(text)
                else:
                    archive.search(text, limit=LIMIT)

        with Breakdown() as breakdown:
            started = time.perf_counter()
            run()
            total = time.perf_counter() - started
        if total < 20:
            profiler = cProfile.Profile()
            profiler.runcall(run)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            (dump / f"{kind}.txt").write_text(out.getvalue())
        parts = [breakdown.spent[label] for label in Breakdown.labels()]
        per = 1000 / len(texts)
        lines.append(
            f"{kind:<8} {total * per:7.1f} "
            + " ".join(
                f"{part * per:{max(7, len(label))}.1f}"
                for part, label in zip(parts, Breakdown.labels(), strict=True)
            )
            + f" {(total - sum(parts)) * per:7.1f}"
        )
    lines.append(f"(cProfile of each kind: {dump}/KIND.txt)")
    return lines


# -- a new process ---------------------------------------------------------------------------


def _python_env() -> dict[str, str]:
    """A child process that imports this checkout's ``archive`` (the code measured here)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def same_schema_on_disk() -> bool:
    """Whether a new process would run the schema version this one measured (the code may
    have changed meanwhile: a new process of another version would empty the archive's index)."""
    done = subprocess.run(
        [sys.executable, "-c", "import archive.index.schema as s; print(s.SCHEMA_VERSION)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_python_env(),
    )
    return done.stdout.strip() == str(SCHEMA_VERSION)


def cli_times(folder: Path, words: list[str]) -> tuple[float, list[float]]:
    """Wall time of ``clippings search WORD --archive DIR``, each a new process (as
    ``python -m archive``: the ``clippings`` script runs the same ``archive.cli:main``, but
    from wherever the package is installed): the first call (cold page cache; and whatever
    opening the archive does first, such as an index catching up), then one per word."""
    command = [sys.executable, "-m", "archive"]
    times = []
    first = 0.0
    for i, word in enumerate([words[0], *words]):
        started = time.perf_counter()
        subprocess.run(
            [*command, "search", word, "--archive", str(folder)],
            capture_output=True,
            check=True,
            cwd=ROOT,
            env=_python_env(),
        )
        if i:
            times.append((time.perf_counter() - started) * 1000)
        else:
            first = (time.perf_counter() - started) * 1000
    return first, times


def cli_stages(folder: Path, word: str) -> str:
    """The stages of that process, timed inside one: start, imports, open, search."""
    code = (
        "import time,sys;t0=time.perf_counter();import archive.cli;"
        "from archive.api import Archive;t1=time.perf_counter();"
        "a=Archive.open(sys.argv[1]);t2=time.perf_counter();"
        "r=a.search(sys.argv[2],limit=20);t3=time.perf_counter();"
        "print(f'{(t1-t0)*1000:.0f} {(t2-t1)*1000:.0f} {(t3-t2)*1000:.0f}')"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), word],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=_python_env(),
    )
    wall = (time.perf_counter() - started) * 1000
    imports, opening, search = done.stdout.split()
    bare = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
    return (
        f"  inside: interpreter {bare:.0f} ms, imports (archive.cli, archive.api) {imports} ms, "
        f"Archive.open {opening} ms, "
        f"first search {search} ms (wall {wall:.0f} ms)"
    )


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, action="append", help="10000 (default), 100000")
    parser.add_argument("--queries", type=int, default=30, help="queries per kind")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each query")
    parser.add_argument(
        "--budget", type=float, default=120, help="seconds per kind before it is cut short"
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache" / "search")
    parser.add_argument("--profile", action="store_true", help="where Clippings' time goes")
    parser.add_argument("--no-cli", action="store_true", help="skip the new-process timing")
    parser.add_argument("--build-only", choices=["clippings", "baseline", "both"], default=None)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="time a rebuild of the archive's index from its catalog (reindex --from-catalog)",
    )
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))} (kinds: {', '.join(KINDS)})")

    for size in args.size or [10_000]:
        corpus = Corpus(size)
        ours_dir = args.cache / f"clippings-{size}-{corpus.fingerprint}-schema{SCHEMA_VERSION}"
        base_dir = args.cache / f"whoosh-{size}-{corpus.fingerprint}"
        print(f"\n== {size:,} clippings (corpus {corpus.fingerprint}, {len(corpus.words):,} words)")
        if args.build_only in (None, "baseline", "both"):
            print(f"baseline index: {base_dir}")
            base_info = build_baseline(base_dir, corpus)
            print(f"  built in {base_info['build_seconds']} s, {base_info['megabytes']} MB")
        if args.build_only in (None, "clippings", "both"):
            print(f"clippings archive: {ours_dir}")
            info = build_clippings(ours_dir, corpus)
            index_mb = info.get("index_megabytes", "?")
            print(
                f"  built in {info['build_seconds']} s, {info['megabytes']} MB "
                f"(the index {index_mb} MB; the rest is the catalog, with every text), "
                f"{info['segments']} index segments, schema {info['schema_version']}"
            )
        if args.rebuild:
            print(rebuild_line(ours_dir))
        if args.profile:
            from index_profile import profile_lines

            print("\n".join(profile_lines(corpus, PROFILE_ARTICLES)))
        if args.build_only:
            continue

        queries = {kind: corpus.queries(kind, args.queries) for kind in kinds}
        print(code_state())
        with Archive(ours_dir) as archive:
            baseline = Baseline(base_dir)
            try:
                figures = measure(archive, baseline, queries, args.rounds, args.budget)
                print(
                    f"\nsearch at {size:,}: ms per query, {args.queries} queries x {args.rounds} "
                    f"rounds, top {LIMIT} (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
                )
                print("\n".join(report(size, figures)))
                print("ratio = Clippings / plain Whoosh with snippets (facets: without)")
                if args.profile:
                    print(f"\nwhere Clippings' time goes at {size:,}")
                    dump = args.cache / f"profiles-{size}"
                    print("\n".join(profile(archive, queries, figures, dump)))
            finally:
                baseline.close()
        if not args.no_cli and not same_schema_on_disk():
            print("\n(the code's schema version changed during the run: no new-process timing)")
        elif not args.no_cli:
            words = corpus.queries("common", 5) + corpus.queries("rare", 5)
            first, times = cli_times(ours_dir, words)
            verdict = "met" if max(times) < 500 else "MISSED"
            print(
                f"\n`clippings search WORD --archive DIR`, a new process, {len(times)} words: "
                f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
                f"(target < 500 ms: {verdict}); the first call {first:.0f} ms"
            )
            print(cli_stages(ours_dir, words[0]))
    if args.cache.is_dir():
        print(f"\ncache: {args.cache} ({_megabytes(args.cache):,} MB); delete it to rebuild")


if __name__ == "__main__":
    main()
