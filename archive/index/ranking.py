"""How hits are ranked: the BM25 weighting and field weights, and pseudo-relevance feedback
that re-scores the best hits of long queries with the words that set those hits apart.

Measured on the MED and CISI test collections (``bench/relevance.py``), one recipe for both:

- ``weighting()``: BM25 with K1 = 2.0 and B = 0.75 and a Robertson idf,
  ``log(1 + (N - n + 0.5) / (n + 0.5))``, in place of Whoosh's ``log(N / (n + 1)) + 1``, whose
  "+ 1" lets a word found in every document weigh as much as a rare one's third;
- ``FIELD_BOOSTS``: a word in the title weighs 1.25 times one in the body, in the dek 1.1 times
  (Whoosh scores each field on its own and adds them up, so a title word found in the body
  too already counts twice: on both collections 1.0 scored best, 1.25 lost 0.01 of nDCG@10,
  1.5 lost 0.02 and 3.0 fell below the targets);
- ``rerank()``: RM3 pseudo-relevance feedback for queries of ``FEEDBACK_MIN_WORDS`` content
  words or more: the words that weigh most in the best hits' texts score the first hits again
  (the set of matches, and its count, stay the same).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from whoosh import scoring
from whoosh.searching import Searcher

from .analysis import content_terms
from .columns import Column, as_text

# -- the weighting ---------------------------------------------------------------------------

K1 = 2.0  # term-frequency saturation: a word's 2nd, 3rd... occurrence still counts for a lot
B = 0.75  # length normalization: a word in a short text counts more than in a long one


class BM25(scoring.BM25F):
    """Whoosh's BM25F (each field scored with BM25, the fields added up) with the Robertson
    idf of the BM25 literature (always positive, and near 0 for a word in almost every text),
    and each field's score weighed by ``FIELD_BOOSTS`` (at search time: changing a weight needs
    no reindex)."""

    def scorer(
        self, searcher: Searcher, fieldname: str, text: str | bytes, qf: float = 1
    ) -> scoring.BaseScorer:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            _read_norms(scorer, searcher, fieldname)
        boost = FIELD_BOOSTS.get(fieldname, 1.0)
        return scorer if boost == 1.0 else _Weighed(scorer, boost)

    def idf(self, searcher: Searcher, fieldname: str, text: str | bytes) -> float:
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        total = parent.doc_count_all()
        return math.log(1.0 + (total - n + 0.5) / (n + 0.5))


def weighting() -> scoring.WeightingModel:
    """The model that scores hits: ``index.searcher(weighting=weighting())``."""
    return BM25(B=B, K1=K1)


# what a field's score is multiplied by
FIELD_BOOSTS = {"title": 1.25, "description": 1.1, "body": 1.0, "author": 1.5}


# -- norms: a document's length read once per segment (Lucene's norms) ------------------------
#
# Whoosh's BM25 reads a document's field length for every posting it scores: five calls deep,
# down to a one-byte read of the segment's file and a table lookup. A common word's postings
# are tens of thousands: that was half of the time of scoring them ("in the" as you type, 10,000
# clippings). A segment's lengths are one byte per document, read here whole once (kept on the
# segment's reader, which a searcher keeps), and BM25's length part is worked out once per
# field for each of the 256 bytes; a posting's score is then one sum and one division, the same
# float as Whoosh's.

_NORM_TABLES = 64  # (field, average length) pairs kept: an archive has a dozen fields


def _read_norms(scorer: scoring.BM25FScorer, searcher: Searcher, fieldname: str) -> None:
    """Have ``scorer`` score from the segment's lengths read whole, when they can be."""
    lengths = _segment_lengths(searcher.reader(), fieldname)
    if lengths is None:
        return
    table = _norm_table(scorer.K1, scorer.B, scorer.avgfl)
    idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
    size = len(lengths)

    def score(matcher: object) -> float:
        docnum = matcher.id()  # type: ignore[attr-defined]
        tf = matcher.weight()  # type: ignore[attr-defined]
        norm = table[lengths[docnum]] if docnum < size else table[0]
        return idf * ((tf * k1_plus_1) / (tf + norm))

    scorer.score = score  # type: ignore[method-assign]


def _segment_lengths(reader: object, fieldname: str) -> bytes | None:
    """A segment's length bytes of ``fieldname``, one per document (see
    ``whoosh.codec.whoosh3``), read once; None when the reader is not of that kind."""
    cache = getattr(reader, "_clippings_norms", None)
    if cache is None:
        cache = {}
        try:
            reader._clippings_norms = cache  # type: ignore[attr-defined]
        except AttributeError:
            return None
    if fieldname not in cache:
        cache[fieldname] = _read_lengths(reader, fieldname)
    return cache[fieldname]


def _read_lengths(reader: object, fieldname: str) -> bytes | None:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield

    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, W3PerDocReader):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None or getattr(column, "_fixedlen", None) != 1:
        return None
    return bytes(column._dbfile.get(column._basepos, column._count))


_norm_tables: dict[tuple[float, float, float], list[float]] = {}


def _norm_table(k1: float, b: float, avgfl: float) -> list[float]:
    """BM25's length part for each length byte, as Whoosh's ``bm25`` works it out."""
    key = (k1, b, avgfl)
    table = _norm_tables.get(key)
    if table is None:
        from whoosh.util.numeric import byte_to_length

        table = [k1 * ((1 - b) + b * byte_to_length(byte) / avgfl) for byte in range(256)]
        if len(_norm_tables) >= _NORM_TABLES:
            _norm_tables.clear()
        _norm_tables[key] = table
    return table


class _Weighed(scoring.BaseScorer):
    """A field's scorer, its scores (and their bounds, for Whoosh's skipping) multiplied."""

    def __init__(self, scorer: scoring.BaseScorer, boost: float) -> None:
        self.scorer = scorer
        self.boost = boost

    def supports_block_quality(self) -> bool:
        return self.scorer.supports_block_quality()

    def score(self, matcher: object) -> float:
        return self.scorer.score(matcher) * self.boost

    def max_quality(self) -> float:
        return self.scorer.max_quality() * self.boost

    def block_quality(self, matcher: object) -> float:
        return self.scorer.block_quality(matcher) * self.boost


# -- pseudo-relevance feedback (RM3) ---------------------------------------------------------

FEEDBACK_MIN_WORDS = 4  # content words a query needs for feedback: not a few words typed
FEEDBACK_DOCS = 10  # the best hits whose texts are read
FEEDBACK_TERMS = 30  # the words taken from them
FEEDBACK_ORIGINAL = 0.5  # the weight of the query as given; the words taken share the rest
FEEDBACK_DEPTH = 200  # the first hits re-scored (ask the first search for at least as many)
FEEDBACK_CHARS = 10_000  # what is read of each text (its start): bounds the cost on long pages
FEEDBACK_FIELDS = ("title", "description", "body", "note")  # where the words taken are scored
ID_FIELD = "id"  # the stored field holding a document's clipping id
LANGUAGE_FIELD = "language"  # the column holding its language (how its text is stemmed)

Texts = Callable[[list[int]], dict[int, str]]


def wants_feedback(words: int) -> bool:
    """Whether a query of ``words`` distinct content words (stop words and field-only terms
    not counted) gets feedback: a question or a pasted paragraph, not words typed to find a
    page (those stay as fast as they were)."""
    return words >= FEEDBACK_MIN_WORDS


def expansion(
    searcher: Searcher, top: Sequence[tuple[int, float]], texts: Texts
) -> list[tuple[str, float]]:
    """The words (index terms) that set the best hits apart, with weights adding up to 1.

    ``top`` is (docnum, score) of the first hits, best first; the first ``FEEDBACK_DOCS`` are
    read, through ``texts(clipping ids)``, each analyzed as the body field is, in its own
    language. RM3's relevance model, times idf: a word weighs the share of each text it
    makes, times that hit's share of the scores, summed over the hits, times its idf in the
    bodies (words every text has, "study", "use", are not what sets these hits apart).
    Empty when there is no text.
    """
    top = [(docnum, score) for docnum, score in top[:FEEDBACK_DOCS] if score > 0]
    if not top:
        return []
    reader = searcher.reader()
    ids = {docnum: int(searcher.stored_fields(docnum)[ID_FIELD]) for docnum, _ in top}
    bodies = texts(list(ids.values()))
    total = sum(score for docnum, score in top if bodies.get(ids[docnum]))
    if not total:
        return []
    languages = Column(reader, LANGUAGE_FIELD, "") if LANGUAGE_FIELD in searcher.schema else None
    weights: defaultdict[str, float] = defaultdict(float)
    for docnum, score in top:
        text = (bodies.get(ids[docnum]) or "")[:FEEDBACK_CHARS]
        language = as_text(languages[docnum]) if languages is not None else ""
        counts = Counter(content_terms(text, language))
        length = sum(counts.values())
        for word, count in counts.items():
            weights[word] += (score / total) * (count / length)
    documents = reader.doc_count_all()
    for word in weights:
        n = reader.doc_frequency("body", word)
        weights[word] *= math.log(1.0 + (documents - n + 0.5) / (n + 0.5))
    chosen = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:FEEDBACK_TERMS]
    chosen_total = sum(weight for _, weight in chosen)
    return [(word, weight / chosen_total) for word, weight in chosen] if chosen_total else []


def rerank(
    searcher: Searcher, top_n: Sequence[tuple[float, int]], texts: Texts, words: int
) -> list[tuple[float, int]] | None:
    """The hits of a query re-scored by RM3 feedback, best first; None when nothing is added.

    ``top_n`` is Whoosh's ``Results.top_n`` of the query, (score, docnum) best first, scored
    with ``searcher``'s weighting; ``words`` is the query's count of content words. The first
    ``FEEDBACK_DEPTH`` hits score ``FEEDBACK_ORIGINAL / words`` times their score (each word of
    the query weighing what it does in a relevance model) plus ``1 - FEEDBACK_ORIGINAL`` times
    the score of the ``expansion()`` words, weighted, in ``FEEDBACK_FIELDS``; the hits after
    them keep their order, below. The same documents come back: the count and facets of the
    search stay right.

    The first hits are scored from the postings of the words taken, not by a second search:
    on 10,000 clippings, searching the query with those words added took 0.4 to 0.7 s, this
    step takes 10 to 30 ms.
    """
    words_taken = expansion(searcher, [(d, s) for s, d in top_n[:FEEDBACK_DOCS]], texts)
    if not words_taken:
        return None
    head = list(top_n[:FEEDBACK_DEPTH])
    docnums = sorted(docnum for _, docnum in head)
    added: defaultdict[int, float] = defaultdict(float)
    reader = searcher.reader()
    for word, weight in words_taken:
        for fieldname in FEEDBACK_FIELDS:
            if fieldname not in searcher.schema:
                continue
            term = searcher.schema[fieldname].to_bytes(word)
            if (fieldname, term) not in reader:
                continue
            postings = searcher.postings(fieldname, term)
            for docnum in docnums:
                # (a word whose postings are all of deleted clippings has none to read)
                if not postings.is_active():
                    break
                if postings.id() < docnum:
                    postings.skip_to(docnum)
                if not postings.is_active():
                    break
                if postings.id() == docnum:
                    added[docnum] += weight * postings.score()
    original = FEEDBACK_ORIGINAL / max(1, words)
    rescored = [(original * score + (1 - FEEDBACK_ORIGINAL) * added[d], d) for score, d in head]
    rescored.sort(key=lambda hit: -hit[0])  # stable: ties keep the first search's order
    return rescored + [(original * score, docnum) for score, docnum in top_n[FEEDBACK_DEPTH:]]
