"""A parsed query's prose words turned into index terms: each word's stem in every language of
the archive (``élections`` → ``elect`` for English and French clippings alike), phrases rebuilt
per language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from whoosh import query as wq
from whoosh.reading import IndexReader

from .analysis import fold, form, forms, is_cjk
from .columns import as_text
from .matches import AnyOf
from .maxscore import TermsOr
from .phrases import ExactPhrase
from .schema import PROSE_FIELDS
from .words import used


def expand(q: wq.Query, languages: tuple[str, ...]) -> wq.Query:
    """``q`` with the words of its prose-field terms and phrases replaced by their terms in
    ``languages`` (alternatives joined with OR)."""

    def visit(node: wq.Query) -> wq.Query:
        fieldname = getattr(node, "fieldname", None)
        if fieldname not in PROSE_FIELDS:
            return node
        if type(node) is wq.Term:
            return _alternatives(
                [wq.Term(fieldname, t, boost=node.boost) for t in forms(node.text, languages)]
            )
        if type(node) is wq.FuzzyTerm:
            # kept as written: its neighbours are words as written (see ``expand_patterns``)
            word = fold(node.text)
            if len(word) >= FUZZY_MIN_LENGTH:
                return wq.FuzzyTerm(fieldname, word, node.boost, node.maxdist, node.prefixlength)
            return _alternatives(
                [wq.Term(fieldname, t, boost=node.boost) for t in forms(word, languages)]
            )
        if type(node) is wq.Phrase:
            return _phrases(node, languages)
        return node

    return q.accept(visit).normalize()


# a word shorter than this is not made fuzzy: "an~" would be "a", "at", "in", "on"... (as in
# Elasticsearch's AUTO fuzziness, where words of one or two letters are matched exactly)
FUZZY_MIN_LENGTH = 3
# a prefix or wildcard written out stands for its most frequent words, this many in each field
# (Lucene's old limit on a query's clauses): as a set of pages (``AnyOf``), they cost little,
# and 32 left out 1 page in 10 of those with a word in "pre" at 10,000 clippings
PATTERN_WORDS = 1024
FUZZY_WORDS = 16  # a misspelling (``word~``) for the closest words (see ``expand_patterns``)
PREFIX_WORDS = 8  # a word still being typed, for its most frequent completions
PRELOAD_TERMS = 512  # an OR of more terms than this is scored at once per segment (see below)


def expand_patterns(
    q: wq.Query,
    reader: IndexReader,
    languages: tuple[str, ...],
    *,
    typed: str | None = None,
    fuzzy_words: Callable[[str, str, int, int], set[str] | None] | None = None,
    written: Callable[[str, int, int], set[str]] | None = None,
) -> wq.Query:
    """``q`` with each prefix (``press*``), wildcard and fuzzy term (``presure~``) replaced by
    the words of the index it stands for: its ``PATTERN_WORDS`` most frequent ones (the prefix
    of the word being typed, ``typed``: its ``PREFIX_WORDS``), OR-ed. The word being typed
    and a fuzzy word are scored as the words they stand for (the closest, the likeliest
    completions); a prefix or wildcard written out matches any of its words for the same
    score (``AnyOf``), as in Lucene.

    Done once per query, segment by segment (each segment finds fuzzy terms with an automaton;
    a reader of several segments would measure every word), so the search, its count and the
    snippets all use the words found here: "presure~" took seconds on 10,000 clippings when
    Whoosh expanded it at each of those steps, and "pre*" stood for hundreds of words.

    A fuzzy word of the prose fields stands for the words as written one edit away from it
    (``FUZZY_WORDS`` of them: the word itself, then those that begin with the same letter, as
    "tree~" is not meant as "free", each group most frequent first), each then looked for as if
    typed: by its stem in each of ``languages``. Not the stems one edit from its stems: a stem
    of "tondir" is "tond" (as French), one edit from "told", "tone" and "bond".
    ``fuzzy_words(fieldname, text, maxdist, prefix)``, when it gives them, are the words a
    fuzzy term may stand for (see ``archive.index.vocabulary``); else each segment is walked.
    ``written(text, maxdist, prefix)`` gives the words as written a fuzzy prose word may stand
    for (see ``archive.index.words``).
    """
    neighbours: dict[tuple[str, int, int], list[str]] = {}

    def walk(node: wq.Query) -> set[bytes | str]:
        found: set[bytes | str] = set()
        for leaf, _ in reader.leaf_readers():
            found.update(term for _, term in node.expanded_terms(leaf))
        return found

    def most_used(node: wq.PatternQuery, limit: int) -> list[str]:
        """The ``limit`` words of the pattern found in the most clippings. A prefix's words
        come with their counts from one walk of each segment's term table (the words "the"
        begins: 500, each looked up again in 10 segments, took half of a search of "the"
        as you type); a wildcard's are looked up."""
        fieldname = node.fieldname
        if type(node) is wq.Prefix:
            used: Counter[str] = Counter()
            for leaf, _ in reader.leaf_readers():
                if fieldname in leaf.schema and leaf.schema[fieldname].indexed:
                    for term, info in leaf.iter_prefix(fieldname, node.text):
                        used[as_text(term)] += info.doc_frequency()
        else:
            words = map(as_text, walk(node))
            used = Counter({word: reader.doc_frequency(fieldname, word) for word in words})
        return sorted(used, key=lambda word: (-used[word], word))[:limit]

    def nearest(fieldname: str, node: wq.FuzzyTerm) -> list[str]:
        """The words of ``fieldname`` a fuzzy term stands for (of a prose field: the words as
        written), the closest first, then the most used."""
        text, maxdist, prefix = node.text, node.maxdist, node.prefixlength
        if fieldname in PROSE_FIELDS:
            found: set = written(text, maxdist, prefix) if written else set()
            uses = lambda word: used(reader, word, languages)  # noqa: E731
        else:
            found = fuzzy_words(fieldname, text, maxdist, prefix) if fuzzy_words else None
            if found is None:
                found = walk(wq.FuzzyTerm(fieldname, text, 1.0, maxdist, prefix))
            uses = lambda word: reader.doc_frequency(fieldname, word)  # noqa: E731
        first = text[:1]
        words = sorted(
            map(as_text, found),
            key=lambda word: (word != text, word[:1] != first, -uses(word), word),
        )
        return words[:FUZZY_WORDS]

    def fuzzy_prose(node: wq.FuzzyTerm) -> list[str]:
        key = (node.text, node.maxdist, node.prefixlength)
        if key not in neighbours:
            terms: list[str] = []
            for word in nearest(node.fieldname, node):
                terms.extend(t for t in forms(word, languages) if t not in terms)
            neighbours[key] = terms
        return [term for term in neighbours[key] if (node.fieldname, term) in reader]

    def visit(node: wq.Query) -> wq.Query:
        if not isinstance(node, (wq.PatternQuery, wq.FuzzyTerm)):
            return node
        fieldname = node.fieldname
        if isinstance(node, wq.FuzzyTerm):
            words = fuzzy_prose(node) if fieldname in PROSE_FIELDS else nearest(fieldname, node)
        else:
            being_typed = isinstance(node, wq.Prefix) and node.text == typed
            words = most_used(node, PREFIX_WORDS if being_typed else PATTERN_WORDS)
            if not being_typed and words:
                # a pattern written out: which of its words a page holds does not rank it
                return AnyOf(_alternatives([wq.Term(fieldname, w) for w in words]), node.boost)
        return _alternatives([wq.Term(fieldname, word, boost=node.boost) for word in words])

    return _preloaded(q.accept(visit).normalize())


def _alternatives(queries: list[wq.Query]) -> wq.Query:
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _preloaded(q: wq.Query) -> wq.Query:
    """``q``, its ORs of terms matched as ``TermsOr`` (see ``archive.index.maxscore``), and
    those of more than ``PRELOAD_TERMS`` terms scored into one array per segment: Whoosh's
    tree of unions, each asked at every tenth match whether a part can be dropped, took
    seconds for a fuzzy word's 150 terms; MaxScore, its children in a heap, takes them in its
    stride (a fuzzy word's p95 at 10,000 clippings: 45 ms as an array, 37 as MaxScore). Other
    ORs are always that tree (Whoosh preloads them too in a segment of less than 5,000
    clippings, which an import leaves several of: 8% slower on a common word at 100,000)."""

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Or:
            return node
        terms = all(isinstance(sub, wq.Term) for sub in node.subqueries)
        if terms and len(node.subqueries) <= PRELOAD_TERMS:
            return TermsOr(node.subqueries, boost=node.boost)
        node.matcher_type = wq.Or.ARRAY_MATCHER if terms else wq.Or.DEFAULT_MATCHER
        return node

    return q.accept(visit)


def _phrases(node: wq.Phrase, languages: tuple[str, ...]) -> wq.Query:
    """One phrase per distinct way the languages read its words."""
    seen: list[tuple[str, ...]] = []
    for language in languages:
        words = tuple(word if is_cjk(word) else form(word, language) for word in node.words)
        if words and words not in seen:
            seen.append(words)
    queries: list[wq.Query] = []
    for words in seen:
        if len(words) == 1:
            queries.append(wq.Term(node.fieldname, words[0], boost=node.boost))
        else:
            queries.append(
                ExactPhrase(node.fieldname, list(words), slop=node.slop, boost=node.boost)
            )
    return _alternatives(queries)
