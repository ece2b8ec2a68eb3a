"""The query parser fuzzed: any text is a query or a ``QueryError`` (a ``ClippingsError``)
with a one-line message; nothing else escapes from ``parse``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import strategies as st

from archive.index.query import QueryError, as_you_type, parse, typed_word
from archive.models import ClippingsError

from .strategies import queries

TODAY = datetime(2026, 11, 27, tzinfo=UTC)


def parsed(text: str) -> None:
    try:
        parse(text, today=TODAY)
    except QueryError as error:
        assert "\n" not in str(error).replace("\\n", "")
    except ClippingsError:
        pass


@given(queries)
@example("NOT OR ")  # an IndexError from inside Whoosh's parser
@example("SAVED:2030Y")  # an OverflowError: before the year 1
@example("x" * 5000)  # too long
def test_parse_takes_any_text(text: str) -> None:
    parsed(text)


def test_relative_dates_far_back_are_read_as_dates() -> None:
    assert "saved:[0 TO ]" in str(parse("saved:2030y", today=TODAY))
    far = parse("saved:1500y", today=TODAY)  # since 0526-12-...: written with four digits
    assert str(far).startswith("saved:[") and "title:" not in str(far)


@given(queries)
@example("A00\n")  # "$" matched before the newline: the query was mangled
def test_as_you_type_takes_any_text(text: str) -> None:
    parsed(as_you_type(text))
    word = typed_word(text)
    # (words joined by a hyphen or an apostrophe, "e-ma": their joined form, "ema")
    assert word is None or re.sub(r"['\u2019-]", "", text).endswith(word)


@given(st.text(alphabet=st.sampled_from('()"-+ :*~^.aA1'), max_size=40))
def test_parse_takes_any_punctuation(text: str) -> None:
    parsed(text)
