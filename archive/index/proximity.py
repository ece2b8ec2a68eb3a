"""Re-ranking the best hits: the words of a query close together (a phrase best) above the same
words scattered over a page; equal scores newest first.

BM25 counts words, not where they are. Reading the positions of a query's words is cheap for
the few dozen hits that can be shown, so only those are re-ranked.
"""

from __future__ import annotations

from collections.abc import Sequence

WEIGHT = 0.6  # a hit whose words form a phrase scores this much more (x1.6); scattered: x1
FIELDS = ("title", "body")
NEAR = 4  # words count as near each other within a window of 4 words per query word


def closeness(positions: list[tuple[int, int]], count: int) -> float:
    """How close together the query's ``count`` words are, from 0 (at most one of them near
    another) to 1 (all of them side by side), given ``(position, word number)`` pairs sorted
    by position.

    Over windows of at most ``NEAR * count`` words: (words in it / count)² · (words / width),
    for the best window.
    """
    if count < 2:
        return 0.0
    limit = NEAR * count
    best = 0.0
    seen: dict[int, int] = {}
    start = 0
    for pos, word in positions:
        seen[word] = seen.get(word, 0) + 1
        # drop from the left what is too far, then what the window holds twice
        while pos - positions[start][0] >= limit or seen[positions[start][1]] > 1:
            left = positions[start][1]
            seen[left] -= 1
            if not seen[left]:
                del seen[left]
            start += 1
        distinct = len(seen)
        if distinct >= 2:
            width = pos - positions[start][0] + 1
            best = max(best, (distinct / count) ** 2 * min(1.0, distinct / width))
            if best == 1.0:
                break
    return best


def _positions(
    reader: object, fieldname: str, docnums: list[int], words: Sequence[Sequence[str]]
) -> dict[int, list[tuple[int, int]]]:
    """For each of ``docnums`` (sorted), where each query word (any of its terms) occurs."""
    found: dict[int, list[tuple[int, int]]] = {}
    for number, terms in enumerate(words):
        for term in terms:
            if (fieldname, term) not in reader:
                continue
            postings = reader.postings(fieldname, term)
            for docnum in docnums:
                if not postings.is_active():
                    break
                if postings.id() < docnum:
                    postings.skip_to(docnum)
                    if not postings.is_active():
                        break
                if postings.id() == docnum:
                    found.setdefault(docnum, []).extend(
                        (pos, number) for pos in postings.value_as("positions")
                    )
    return found


def proximity(
    reader: object, docnums: list[int], words: Sequence[Sequence[str]]
) -> dict[int, float]:
    """Each docnum's closeness (best over title and body) of the query ``words`` (each word
    given as the terms it stands for)."""
    if len(words) < 2 or not docnums:
        return {}
    ordered = sorted(set(docnums))
    best: dict[int, float] = {}
    for fieldname in FIELDS:
        for docnum, positions in _positions(reader, fieldname, ordered, words).items():
            value = closeness(sorted(positions), len(words))
            if value > best.get(docnum, 0.0):
                best[docnum] = value
    return best


def boosted(score: float, closeness_value: float) -> float:
    return score * (1.0 + WEIGHT * closeness_value)


# a hit holding every two words of a phrase side by side, in order, scores this much more
# (x3): a phrase remembered with a slip, none holding it as written, puts the page holding
# the rest of it first (Solr's ``pf2``, read here for the first hits alone)
IN_ORDER_WEIGHT = 2.0


def in_order(
    reader: object, docnums: list[int], phrase: Sequence[Sequence[str]]
) -> dict[int, float]:
    """Each docnum's share of the ``phrase``'s pairs of words (each word given as the terms it
    stands for) found side by side, in order, in its title or body."""
    pairs = len(phrase) - 1
    if pairs < 1 or not docnums:
        return {}
    ordered = sorted(set(docnums))
    best: dict[int, float] = {}
    for fieldname in FIELDS:
        for docnum, positions in _positions(reader, fieldname, ordered, phrase).items():
            at = set(positions)
            found = {i for pos, i in at if (pos + 1, i + 1) in at}
            share = len(found) / pairs
            if share > best.get(docnum, 0.0):
                best[docnum] = share
    return best
