"""The query language beyond words: is:/has:, relative dates, pasted titles, snippets of phrase
and fuzzy matches, facets, did-you-mean and the help page, through the library and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from archive import query_help
from archive.api import Archive
from archive.cli import cli
from archive.index import QueryError
from archive.index.query import parse

from .test_search import corpus, titles  # noqa: F401 - the fixture is used by name


def test_is_tagged_and_has_notes(corpus: Archive) -> None:  # noqa: F811
    assert corpus.search("is:tagged").total == 0
    harbour = next(c for c in corpus.clippings() if c.title.startswith("Harbour"))
    corpus.set_tags(harbour.id, ["ports"])
    garden = next(c for c in corpus.clippings() if "Gardens" in c.title)
    corpus.set_note(garden.id, "Ask the volunteers about irrigation")
    assert titles(corpus, "is:tagged") == [harbour.title]
    assert titles(corpus, "has:tags") == [harbour.title]
    assert titles(corpus, "has:notes") == [garden.title]
    assert titles(corpus, "has:note") == [garden.title]
    assert titles(corpus, "irrigation") == [garden.title]  # a note's words are searched
    assert titles(corpus, "note:volunteer") == [garden.title]
    assert garden.title not in titles(corpus, "committee -has:notes")
    corpus.set_note(garden.id, "")
    assert titles(corpus, "has:notes") == []


@pytest.mark.parametrize("query", ["is:everything", "has:wings", "is:tag*"])
def test_unknown_flags_are_one_line_errors(query: str) -> None:
    with pytest.raises(QueryError, match="is: takes tagged; has: takes notes, tags"):
        parse(query)


def test_relative_dates_count_back_from_today() -> None:
    today = datetime(2026, 11, 27, 12, tzinfo=UTC)
    week = str(parse("saved:7d", today=today))
    assert week == str(parse("saved:2026-11-21..", today=today))
    assert str(parse("saved:2w", today=today)) == str(parse("saved:2026-11-14..", today=today))
    assert str(parse("date:1y", today=today)) == str(parse("date:2025-11-28..", today=today))


def test_saved_today_finds_what_was_just_imported(corpus: Archive) -> None:  # noqa: F811
    assert corpus.search("saved:1d").total == len(corpus)
    assert corpus.search("saved:..2001").total == 0


@pytest.mark.parametrize(
    "query",
    [
        "Talks at the Élysée Palace",
        "Harbour Cranes: Return to the Old Port",  # a colon pasted with a title
        "Pressure Builds \N{EN DASH} on Energy Markets …",  # dashes and ellipses
        "A Quiet Season for Community Gardens?",
    ],
)
def test_pasted_titles_find_their_page_first(corpus: Archive, query: str) -> None:  # noqa: F811
    first = titles(corpus, query)[0]
    assert first.split()[0] == query.split()[0]


def test_an_unknown_field_still_errors_but_a_loose_colon_is_punctuation() -> None:
    with pytest.raises(QueryError, match="unknown field 'colour:'"):
        parse("colour:red")
    assert "colour" in str(parse("colour: red"))


def test_phrase_and_fuzzy_matches_are_highlighted_in_snippets(corpus: Archive) -> None:  # noqa: F811
    [hit] = corpus.search('"community gardens"').hits
    marked = {hit.snippet[s:e].lower() for s, e in hit.highlights}
    assert marked == {"community", "gardens"}
    [hit] = corpus.search("tomatos~").hits
    assert {hit.snippet[s:e].lower() for s, e in hit.highlights} == {"tomatoes"}


def test_search_json_has_snippet_and_highlight_offsets(corpus: Archive) -> None:  # noqa: F811
    result = CliRunner().invoke(
        cli, ["--archive", str(corpus.path), "search", "--json", "cranes harbour"]
    )
    [hit] = [json.loads(line) for line in result.output.splitlines()]
    assert hit["highlights"]
    for start, end in hit["highlights"]:
        assert hit["snippet"][start:end].lower() in {"cranes", "harbour"}


def test_facets_from_the_cli(corpus: Archive) -> None:  # noqa: F811
    result = CliRunner().invoke(
        cli, ["--archive", str(corpus.path), "search", "committee", "--facets", "--json"]
    )
    data = json.loads(result.output)
    assert data["total"] == 4
    assert dict(data["facets"]["year"]) == {"2018": 1, "2019": 1, "2020": 1, "2021": 1}
    assert sum(count for _, count in data["facets"]["site"]) == 4
    people = CliRunner().invoke(cli, ["--archive", str(corpus.path), "search", "x", "--facets"])
    assert people.exit_code == 0


def test_did_you_mean_from_the_cli(corpus: Archive) -> None:  # noqa: F811
    result = CliRunner().invoke(cli, ["--archive", str(corpus.path), "search", "tomatoez"])
    assert "did you mean: tomatoes" in result.output
    # a query whose every word matched, however few its hits, is what was meant
    found = corpus.search("tomatoes")
    assert found.total > 0 and not found.partial
    matched = CliRunner().invoke(cli, ["--archive", str(corpus.path), "search", "tomatoes"])
    assert "did you mean" not in matched.output


def test_similar_and_note_and_tag_from_the_cli(corpus: Archive) -> None:  # noqa: F811
    run = lambda *args: CliRunner().invoke(cli, ["--archive", str(corpus.path), *args])  # noqa: E731
    similar = [json.loads(line) for line in run("similar", "2", "--json").output.splitlines()]
    assert similar and all(hit["id"] != 2 for hit in similar)
    assert run("note", "2", "call back").exit_code == 0
    assert run("note", "2").output.strip() == "call back"
    assert json.loads(run("tag", "2", "Ports", "to-read", "--json").output)["tags"] == [
        "ports",
        "to-read",
    ]
    assert run("tag", "2", "--remove", "ports").output.strip() == "to-read"
    # a tag of two words printed as it would be typed back
    assert run("tag", "2", "two words").output.strip() == "to-read 'two words'"
    assert run("tag", "2", "--remove", "two words").output.strip() == "to-read"
    with Archive.open(corpus.path) as again:
        assert again.get(2).note == "call back" and list(again.get(2).tags) == ["to-read"]
        assert [h.clipping.id for h in again.search("has:notes is:tagged").hits] == [2]


def test_help_query_documents_every_prefix() -> None:
    result = CliRunner().invoke(cli, ["help", "query"])
    assert result.exit_code == 0
    for prefix in ("title:", "author:", "site:", "url:", "tag:", "section:", "lang:", "date:"):
        assert prefix in result.output
    for example in ("saved:7d", "is:tagged", "has:notes", "2019-01..2019-06", '"~3', "press*"):
        assert example.strip('"') in result.output
    # every example in the help parses
    for example, _ in query_help.examples():
        for part in example.split("  "):
            parse(part)


@pytest.mark.parametrize("query", ["lang:fr", "lang:french", "lang:Français", "language:FR"])
def test_a_language_by_its_code_or_its_name(query: str) -> None:
    assert str(parse(query)) == "language:fr"


def test_a_language_it_does_not_know_is_a_one_line_error() -> None:
    with pytest.raises(QueryError, match=r"unknown language 'klingon'.*lang:french"):
        parse("lang:klingon")


def test_a_quoted_phrase_with_a_comma_is_a_phrase(corpus: Archive) -> None:  # noqa: F811
    # its comma made it a phrase of tags too, which have no positions: an error escaped
    hits = corpus.search('"cranes, the"').hits
    assert all("cranes" in hit.clipping.title.lower() or hit.snippet for hit in hits)


def test_help_names_its_topics_and_takes_a_command() -> None:
    listed = CliRunner().invoke(cli, ["help"])
    assert listed.exit_code == 0 and "clippings help query" in listed.output
    search = CliRunner().invoke(cli, ["help", "search"])
    assert search.exit_code == 0 and " search [OPTIONS] [QUERY]" in search.output
    unknown = CliRunner().invoke(cli, ["help", "foo"])
    assert unknown.exit_code == 1
    assert "no help on 'foo': the topics are query and backup," in unknown.stderr
    assert "Traceback" not in unknown.output


def test_when_no_clipping_has_every_word_those_with_some_come_back(corpus: Archive) -> None:  # noqa: F811
    result = corpus.search("tomatoes cranes")
    assert result.partial
    assert {hit.clipping.title.split()[0] for hit in result.hits} == {"A", "Harbour"}
    # a field, a date or a flag is still required
    restricted = corpus.search("tomatoes cranes date:2018")
    assert restricted.partial and [h.clipping.title for h in restricted.hits] == [
        "Harbour Cranes Return to the Old Port"
    ]
    assert not corpus.search("tomatoes beans").partial  # every word found: not partial
    assert corpus.search("tomatoes AND cranes").total == 0  # an explicit AND stays strict
    assert corpus.search("+tomatoes +cranes").total == 0
    assert corpus.search("zzzz qqqq").total == 0
    cli_run = CliRunner().invoke(cli, ["--archive", str(corpus.path), "search", "tomatoes cranes"])
    assert "no clipping has every word" in cli_run.output
    quoted = ["--archive", str(corpus.path), "search", '"tomatoes and cranes"']
    cli_run = CliRunner().invoke(cli, quoted)
    assert "no clipping has the phrase as written: these have some of its words" in cli_run.output
    as_json = CliRunner().invoke(cli, [*quoted, "--json"])
    hits = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert hits and all(hit["partial"] is True for hit in hits)
    whole = CliRunner().invoke(cli, ["--archive", str(corpus.path), "search", "tomatoes", "--json"])
    assert all("partial" not in json.loads(line) for line in whole.stdout.splitlines())


@pytest.mark.parametrize("end", [".", ",", "!", "...", ";"])
def test_a_pasted_sentence_with_a_quote_before_its_stop_finds_its_page(
    corpus: Archive,  # noqa: F811
    end: str,
) -> None:
    # the stop after the closing quote is punctuation, not a word every clipping lacks
    found = corpus.search(f'Volunteers planted "tomatoes and beans"{end}')
    assert [h.clipping.title for h in found.hits] == ["A Quiet Season for Community Gardens"]
    assert not found.partial


def test_a_query_of_exclusions_alone_is_every_clipping_but_those(
    corpus: Archive,  # noqa: F811
) -> None:
    everything = {c.id for c in corpus.clippings()}
    korea = {h.clipping.id for h in corpus.search("korea", limit=None).hits}
    assert korea and korea < everything
    for query in ("-korea", "NOT korea"):
        assert {h.clipping.id for h in corpus.search(query, limit=None).hits} == (
            everything - korea
        ), query
    gardens = {h.clipping.id for h in corpus.search('"community gardens"', limit=None).hits}
    assert {
        h.clipping.id for h in corpus.search('-korea -"community gardens"', limit=None).hits
    } == (everything - korea - gardens)


def test_a_phrase_being_typed_is_no_error(corpus: Archive) -> None:  # noqa: F811
    # as you type, the phrase is closed before the word being typed (which matches as a prefix)
    # or at the end; typed in full, an unclosed quote is an error
    for typed in ('"community gardens', '"community gard', '"community gardens '):
        typing = corpus.search(typed, as_you_type=True)
        titles = [h.clipping.title for h in typing.hits]
        assert titles == ["A Quiet Season for Community Gardens"], typed
    with pytest.raises(QueryError, match="unclosed quote"):
        corpus.search('"community gardens')


def test_a_query_may_start_with_an_exclusion_on_the_command_line(
    corpus: Archive,  # noqa: F811
) -> None:
    def search(*words: str):
        args = ["--archive", str(corpus.path), "search", "--json", "--limit", "50", *words]
        return CliRunner().invoke(cli, args)

    excluded, negated = search("-korea"), search("NOT", "korea")
    assert excluded.exit_code == 0, excluded.output
    assert excluded.output == negated.output and excluded.output.strip()
    mistyped = search("--limt", "5", "korea")  # an option mistyped is still an error
    assert mistyped.exit_code == 2 and "no such option: --limt" in mistyped.output


def test_a_short_word_still_being_typed_is_no_sign_that_none_has_every_word(
    corpus: Archive,  # noqa: F811
) -> None:
    # "re" is too short to be looked for as a prefix: the page with the other words comes
    # first, and the app does not say that no clipping has every word
    for typed in ("harbour cranes re", "harbour cranes r"):  # (left out until longer)
        typing = corpus.search(typed, as_you_type=True)
        assert typing.hits[0].clipping.title == "Harbour Cranes Return to the Old Port"
        assert not typing.partial
    assert corpus.search("harbour cranes re").partial  # typed in full: it has not
    assert corpus.search("harbour cranes ret", as_you_type=True).total == 1  # a prefix


def test_date_ranges_as_filters_agree_with_the_query(corpus: Archive) -> None:  # noqa: F811
    assert corpus.search("date:2030..").total == 0  # nothing in range: no hits, not every hit
    assert corpus.search("committee date:2030..").total == 0
    assert corpus.search("committee date:2019..2020").total == 2
    assert corpus.search("committee -date:2019..2020").total == 2  # a NOT stays in the query
    assert corpus.search("date:2019..2020 OR date:2021").total == 3  # an OR too
    assert corpus.search("committee date:..2019 date:2019..").total == 1  # both required
    assert corpus.search("committee date:2019", sort="newest").total == 1


def test_facets_count_what_the_search_lists_when_no_clipping_has_every_word(
    corpus: Archive,  # noqa: F811
) -> None:
    result = corpus.search("tomatoes zebrafoo")
    assert result.partial and result.total == 1
    sites = corpus.facets("tomatoes zebrafoo")["site"]
    assert sites == [(result.hits[0].clipping.site, 1)]
