"""The query plan: a typed query read once, and what each part of a search takes from it."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from archive.index.plan import plan, without_words
from archive.index.query import QueryError


def test_words_in_order_with_common_words_and_apostrophes() -> None:
    p = plan("How to Program Your Mind to Stop Buying Crap You Don't Need")
    assert p.words == (
        "how", "to", "program", "your", "mind", "stop", "buying", "crap", "you", "don", "t", "need",
    )  # fmt: skip
    assert p.title == "how to program your mind to stop buying crap you don t need"
    assert p.phrases == (("don", "t"),)  # one word typed, two tokens: they stand together
    assert p.loose is not None and p.typed is None


def test_a_quoted_title_is_a_title_key_and_a_phrase() -> None:
    p = plan('"Sweden\u2019s election"')
    assert p.phrases == (("sweden", "s", "election"),)
    assert p.title == "sweden s election"
    # no clipping with the phrase as written: those with its words, in any order
    assert p.loose is not None
    loose_words = [
        {leaf.text for leaf in part.leaves() if type(leaf) is wq.Term}
        for part in p.loose.subqueries
    ]
    assert loose_words[:3] == [{"sweden"}, {"s"}, {"election"}]


def test_only_a_quoted_phrase_is_loosened_to_its_words() -> None:
    """A word typed with an apostrophe or a hyphen stays one unit in the loose form: only a
    phrase the query quotes was maybe remembered a little wrong."""
    unquoted = plan("sweden's election")
    assert [type(part) for part in unquoted.loose.subqueries] == [wq.Or, wq.Or]
    assert any(type(leaf) is wq.Phrase for leaf in unquoted.loose.leaves())
    assert unquoted.quoted == 0
    quoted = plan('"harbour cranes" arrived')
    assert quoted.quoted == 1 and plan('"a b" "c d"').quoted == 2
    assert not any(type(leaf) is wq.Phrase for leaf in quoted.loose.leaves())
    assert plan('"harbour"').loose is None  # one word: nothing to loosen


def test_fields_negations_and_dates_are_not_a_title() -> None:
    p = plan("korea author:nazarko date:2019-01..2019-06")
    assert p.words == ("korea",)  # not the author's name
    assert p.title == ""
    assert [r[0] for r in p.ranges] == ["date"]
    negated = plan("korea -trump")
    assert negated.words == ("korea",) and negated.title == ""


def test_explicit_operators_are_never_loosened() -> None:
    assert plan("korea japan").loose is not None
    assert plan("korea AND japan").loose is None
    assert plan("korea OR japan").title == ""
    assert plan("+korea japan").loose is None


def test_the_word_being_typed() -> None:
    p = plan("north kor", as_you_type=True)
    assert p.typed == "kor"
    assert p.words == ("north",)  # the re-ranker waits for the word to be finished
    assert p.title == "north kor"
    prefixes = [leaf for leaf in p.parsed.leaves() if isinstance(leaf, wq.Prefix)]
    assert {leaf.text for leaf in prefixes} == {"kor"}
    alone = plan("kor", as_you_type=True)
    assert alone.typed == "kor" and alone.words == ()


def test_dotted_and_hyphenated_words_are_phrases_of_their_parts() -> None:
    assert plan("U.S. army").phrases == (("u", "s"),)
    assert plan("e-mail").phrases == (("e", "mail"),)
    assert plan("1,000").phrases == (("1", "000"),)


def test_an_empty_query_is_every_clipping() -> None:
    p = plan("   ")
    assert p.empty and isinstance(p.parsed, wq.Every)


def test_an_unreadable_query_says_why() -> None:
    with pytest.raises(QueryError, match="unclosed quote"):
        plan('"open')


def test_common_words_can_be_left_out_of_a_long_question() -> None:
    p = plan("what is the effect of the drug on the liver")
    common = {"what", "is", "the", "of", "on"}
    kept = without_words(p.parsed, lambda word: word in common)
    texts = {leaf.text for leaf in kept.leaves()}
    assert texts == {"effect", "drug", "liver"}
    # never everything: a query of common words alone stays as it is
    only = plan("to be or not to be").parsed
    assert without_words(only, lambda word: True) is only


def test_a_group_being_typed_is_searched_as_if_closed_and_errors_quote_the_typed_text() -> None:
    """As you type, ``title:(deck of car`` is ``title:(deck of car*)`` so far, not an error at
    each key; an error quotes what was typed, never the query's completion
    (``unclosed '(' in 'title:((foo OR foo*)'``)."""
    typed = plan("title:(deck of car", as_you_type=True)
    assert {str(leaf) for leaf in typed.parsed.leaves()} >= {"title:deck", "title:car*"}
    with pytest.raises(QueryError) as caught:
        plan("title:(foo")
    assert "'title:(foo'" in str(caught.value)
    with pytest.raises(QueryError) as caught:
        plan("title:(foo) bar) baz", as_you_type=True)
    assert "'title:(foo) bar) baz'" in str(caught.value) and "OR" not in str(caught.value)


def test_a_word_of_one_or_two_letters_alone_is_too_short_as_you_type() -> None:
    assert plan("ch", as_you_type=True).too_short
    assert not plan("deck of c", as_you_type=True).too_short  # "deck of" is searched
    assert not plan("cha", as_you_type=True).too_short  # a prefix now
    assert not plan("ch").too_short  # typed in full at the command line: a word


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [("e-ma", "ema"), ("o'nei", "onei"), ("co-found", "cofound"), ("mail e-ma", "ema")],
)
def test_words_joined_by_a_hyphen_or_an_apostrophe_are_typed_joined(typed: str, prefix: str):
    # "e-ma" was the phrase "e ma", which nothing has: "No clippings match" until "e-mail"
    p = plan(typed, as_you_type=True)
    assert p.typed == prefix
    assert any(type(leaf) is wq.Prefix and leaf.text == prefix for leaf in p.parsed.leaves())
    assert plan("-korea", as_you_type=True).typed == "korea"  # an exclusion, not a compound


@pytest.mark.parametrize("typed", ['"', "(", "date:2", "date:2019-", "date:2019-07-", "saved:1"])
def test_a_quote_bracket_or_date_just_begun_is_still_being_typed(typed: str) -> None:
    p = plan(typed, as_you_type=True)  # not an error at each key
    assert p.too_short and p.unfinished


def test_a_date_being_typed_after_words_keeps_the_list() -> None:
    # the words alone were searched at each key of the date ("korea" at "date:2"): hits
    # that ignore the date, then none, then those again
    p = plan("mugabe date:2019-0", as_you_type=True)
    assert p.unfinished and p.too_short
    with pytest.raises(QueryError, match="there is no date"):
        plan("date:2019-13", as_you_type=True)  # no date can start so: said at once


@pytest.mark.parametrize("typed", ["we're", "we'r", "o'", "o'ne", "don't", "e-", "e-m", '"t'])
def test_an_apostrophes_short_ending_or_a_mark_just_typed_is_still_being_typed(typed: str):
    # "we're" was looked for as "were*" (32 hits where "we're" has 7); "o'n" and "e-" as
    # the letter alone
    p = plan(typed, as_you_type=True)
    assert p.too_short and p.typed is None
    assert not any(type(leaf) is wq.Prefix for leaf in p.parsed.leaves())
    assert plan(f"meth {typed}", as_you_type=True).text == "meth"  # after words: left out


def test_a_field_of_words_is_a_prefix_as_you_type_but_not_a_code() -> None:
    p = plan("site:nytim", as_you_type=True)
    assert any(type(leaf) is wq.Prefix and leaf.fieldname == "site" for leaf in p.parsed.leaves())
    assert plan("site:ny", as_you_type=True).too_short
    assert not plan("lang:fr", as_you_type=True).unfinished  # a language's code, whole
    assert plan("korea lang:fr", as_you_type=True).text == "korea lang:fr"
