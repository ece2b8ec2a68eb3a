"""Search on a real Whoosh index built by the real import: query language, ranking, snippets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.api import Archive
from archive.index import QueryError


def saved_page(title: str, author: str, published: str, site: str, body: str) -> str:
    """A small but real-shaped saved article page, metadata in OpenGraph, meta and JSON-LD."""
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": title,
            "author": {"@type": "Person", "name": author},
            "datePublished": published,
            "publisher": {"@type": "Organization", "name": site},
        }
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">{ld}</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}</p>{paragraphs}</article>
<footer>Copyright {site}. All rights reserved.</footer></body></html>"""


FILLER = (
    "The committee met on Tuesday to review the figures from the last quarter, and its members "
    "agreed that the next report would follow the usual schedule without further changes."
)

CORPUS = {
    "harbour.html": (
        "Harbour Cranes Return to the Old Port",
        "Maria Keller",
        "2018-03-04",
        "Coastal Times",
        "Three new cranes arrived at the old port this week. "
        + FILLER
        + "\n\nDock workers said the cranes would double the capacity of the harbour. "
        + FILLER,
    ),
    "elysee.html": (
        "Talks at the Élysée Palace",
        "Jean Dupont",
        "2020-06-15",
        "Paris Daily",
        "Leaders met at the Élysée for talks on energy prices. "
        + FILLER
        + "\n\nThe talks ended without an agreement on pressure valves. "
        + FILLER,
    ),
    "pressure.html": (
        "Pressure Builds on Energy Markets",
        "Sam Okafor",
        "2021-11-02",
        "Market Wire",
        "Energy markets faced mounting pressures as winter approached. "
        + FILLER
        + "\n\nTraders expected prices to rise. Analysts watched the harbour terminals. "
        + FILLER,
    ),
    "gardens.html": (
        "A Quiet Season for Community Gardens",
        "Ann Lee",
        "2019-05-20",
        "Green Weekly",
        "Volunteers planted tomatoes and beans in the community gardens. "
        + FILLER
        + "\n\nThe maximum harvest is expected in late summer, with little pressure on water. "
        + FILLER,
    ),
}


@pytest.fixture
def corpus(archive: Archive, tmp_path: Path) -> Archive:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, fields in CORPUS.items():
        (folder / name).write_text(saved_page(*fields), encoding="utf-8")
    report = archive.import_paths([folder])
    assert report.failed == [] and len(report.imported) == len(CORPUS)
    return archive


def titles(archive: Archive, query: str, **options: object) -> list[str]:
    return [hit.clipping.title for hit in archive.search(query, **options).hits]


def test_the_issue_example_finds_the_sample_first(corpus: Archive) -> None:
    result = corpus.search('"maximum pressure" author:nazarko')
    assert [h.clipping.id for h in result.hits] == [1]
    assert result.total == 1


def test_phrase_only_matches_words_together(corpus: Archive) -> None:
    assert "A Quiet Season for Community Gardens" in titles(corpus, "maximum pressure")
    assert "A Quiet Season for Community Gardens" not in titles(corpus, '"maximum pressure"')


def test_a_phrase_remembered_a_little_wrong_finds_its_words(corpus: Archive) -> None:
    """No clipping has the phrase as written ("three cranes arrived" for "three new cranes
    arrived"): those with its words, the one with them close together first, and said so."""
    found = corpus.search('"three cranes arrived at the old port"')
    assert found.partial
    assert found.hits[0].clipping.title == "Harbour Cranes Return to the Old Port"
    exact = corpus.search('"three new cranes arrived"')
    assert not exact.partial and exact.total == 1
    # a word remembered wrong: the page holding the rest of it in order comes first, above
    # pages that have its words apart
    wrong = corpus.search('"dock workers said the cranes would triple the capacity"')
    assert wrong.partial
    assert wrong.hits[0].clipping.title == "Harbour Cranes Return to the Old Port"


def test_a_phrase_with_a_slip_finds_the_page_holding_the_rest_of_it_in_order(
    archive: Archive, tmp_path: Path
) -> None:
    """ "sold the company the right to use the name We" for a page that says "…the word
    'We'": the page holding the rest of the phrase in order comes first, above one that
    holds its words apart, and more often."""
    pages = {
        "wework.html": (
            "Attorney General investigating WeWork",
            "An entity Neumann controlled also sold the company the right to use the word "
            "We for millions, though he later returned the money. " + FILLER,
        ),
        "yahoo.html": (
            "Yahoo sale leaves shareholders with little say",
            "Shareholders sold shares. A company spokesman said its name stays. "
            + FILLER
            + " Its right of veto, we hear, goes to a use of its brand name.",
        ),
    }
    for name, (title, body) in pages.items():
        (tmp_path / name).write_text(saved_page(title, "Ann Lee", "2019-11-18", "Example", body))
    archive.import_paths([tmp_path / name for name in pages])
    found = archive.search('"sold the company the right to use the name We"')
    assert found.partial
    assert found.hits[0].clipping.title == "Attorney General investigating WeWork"


def test_fields(corpus: Archive) -> None:
    assert titles(corpus, "author:keller") == ["Harbour Cranes Return to the Old Port"]
    assert titles(corpus, "site:paris") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "title:harbour") == ["Harbour Cranes Return to the Old Port"]
    assert [h.clipping.id for h in corpus.search("section:asia").hits] == [1]


def saved_from(archive: Archive, path: Path, title: str, site: str, date: str, url: str) -> None:
    """A page saved from ``url`` (its canonical link), written to ``path`` and imported."""
    page = saved_page(title, "Jo Park", date, site, FILLER)
    path.write_text(page.replace("</head>", f'<link rel="canonical" href="{url}"></head>'))
    archive.import_paths([path])


def test_a_part_of_a_domain_finds_its_site_and_url(corpus: Archive, tmp_path: Path) -> None:
    # dots part words in names and URLs as in prose: nytimes.com = nytimes com
    saved_from(
        corpus,
        tmp_path / "debt.html",
        "Debt Costs Rise",
        "nytimes.com",
        "2018-09-25",
        "https://www.nytimes.com/2018/09/25/debt.html",
    )
    for query in (
        "site:nytimes",
        "site:nytimes.com",
        "url:nytimes",
        "url:nytimes.com",
        "url:www.nytimes.com",
        "url:https://www.nytimes.com/2018/09/25/debt.html",
        "nytimes",
    ):
        assert titles(corpus, query) == ["Debt Costs Rise"], query
    assert titles(corpus, "url:nytimes.org") == []
    # a host is its words in order: not any .com address that has "times" somewhere
    other = saved_page("Times Tables", "Jo Park", "2018-09-26", "maths.com", FILLER)
    other = other.replace(
        "</head>", '<link rel="canonical" href="https://maths.com/times-nytimes-tables"></head>'
    )
    (tmp_path / "tables.html").write_text(other, encoding="utf-8")
    corpus.import_paths([tmp_path / "tables.html"])
    assert titles(corpus, "url:nytimes.com") == ["Debt Costs Rise"]
    assert titles(corpus, "site:maths.com") == ["Times Tables"]


def test_an_address_pasted_finds_the_page_saved_from_it(corpus: Archive, tmp_path: Path) -> None:
    """ "Have I saved this page?": its address pasted as it is, with a link's tracking query
    or without "www.", finds the clipping (before: no hits, unless typed as ``url:``)."""
    saved_from(
        corpus,
        tmp_path / "neon.html",
        "Neon Signs",
        "CityLab",
        "2019-04-30",
        "https://www.citylab.com/design/2019/04/neon-signage/58/",
    )
    for query in (
        "https://www.citylab.com/design/2019/04/neon-signage/58/",
        "http://citylab.com/design/2019/04/neon-signage/58?utm_source=feed&utm_medium=x#top",
        "citylab.com/design/2019/04/neon-signage",
        "www.citylab.com",
        "neon www.citylab.com",
    ):
        assert titles(corpus, query) == ["Neon Signs"], query
        assert titles(corpus, query, as_you_type=True) == ["Neon Signs"], query
    assert titles(corpus, "https://www.citylab.com/design/2020/") == []


def test_title_match_ranks_above_body_mentions(corpus: Archive) -> None:
    # "harbour" is in one title and in another page's body
    assert titles(corpus, "harbour")[0] == "Harbour Cranes Return to the Old Port"
    assert titles(corpus, "pressure")[0] == "Pressure Builds on Energy Markets"


def test_boolean_operators_prefix_fuzzy_and_stemming(corpus: Archive) -> None:
    assert set(titles(corpus, "cranes OR tomatoes")) == {
        "Harbour Cranes Return to the Old Port",
        "A Quiet Season for Community Gardens",
    }
    assert titles(corpus, "energy NOT traders") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "energy -traders") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "tomat*") == ["A Quiet Season for Community Gardens"]
    assert titles(corpus, "tomatos~") == ["A Quiet Season for Community Gardens"]
    assert "Pressure Builds on Energy Markets" in titles(corpus, "pressured")  # stems


def test_a_written_prefix_matches_without_ranking_by_how_many_of_its_words(
    corpus: Archive, tmp_path: Path
) -> None:
    """``harbour cr*``: the page with "harbour" and "cranes" in its title comes first, not
    one that mentions the harbour once among many words in "cr" (as Lucene scores a prefix:
    each page that has one of its words, the same); every such page still matches."""
    folder = tmp_path / "crowd"
    folder.mkdir()
    body = (
        "The crowd of critics, the crew and the crime writers crossed the crowded crossing. "
        "Credit crunch, crisis, crude oil, cryptic cricket and crafty crocodiles, cried the "
        "crier. The harbour was mentioned once."
    )
    page = saved_page("Critics Cross the Crowd", "Ann Lee", "2022-01-01", "Crier", body)
    (folder / "crowd.html").write_text(page, encoding="utf-8")
    assert corpus.import_paths([folder]).failed == []
    found = titles(corpus, "harbour cr*")
    assert found[0] == "Harbour Cranes Return to the Old Port"
    assert "Critics Cross the Crowd" in found
    hits = corpus.search("cr*").hits
    assert len({round(hit.score, 6) for hit in hits if hit.clipping.title.startswith("Crit")}) == 1
    assert corpus.search("cr*").total == len(hits) >= 2


def test_accents_fold_both_ways(corpus: Archive) -> None:
    assert titles(corpus, "elysee") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "élysée") == ["Talks at the Élysée Palace"]


def test_dates_and_sorting(corpus: Archive) -> None:
    assert titles(corpus, "date:2019") == ["A Quiet Season for Community Gardens"]
    assert titles(corpus, "date:2020-06") == ["Talks at the Élysée Palace"]
    # a month or a day of one digit is that month or day, not the whole year
    assert titles(corpus, "date:2020-6") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "date:2020-6-15") == ["Talks at the Élysée Palace"]
    assert titles(corpus, "date:2020-7") == []
    assert set(titles(corpus, "date:2018-3..2019-5-20")) == {
        "A Quiet Season for Community Gardens",
        "Harbour Cranes Return to the Old Port",
    }
    assert set(titles(corpus, "date:2019..2020")) == {
        "A Quiet Season for Community Gardens",
        "Talks at the Élysée Palace",
    }
    newest = titles(corpus, "committee", sort="newest")
    assert newest == [
        "Pressure Builds on Energy Markets",
        "Talks at the Élysée Palace",
        "A Quiet Season for Community Gardens",
        "Harbour Cranes Return to the Old Port",
    ]
    assert titles(corpus, "committee", sort="oldest") == newest[::-1]


def test_recently_saved_first_whatever_the_date_published(archive: Archive, tmp_path) -> None:
    for name, published in (("first.html", "2021-03-03"), ("second.html", "2011-03-03")):
        page = tmp_path / name
        body = "The sluice gates were opened at dawn. " + FILLER
        page.write_text(saved_page(name, "Ana Lima", published, "Canal News", body), "utf-8")
        assert archive.import_paths([page]).failed == []  # one import after the other
    assert titles(archive, "sluice", sort="newest") == ["first.html", "second.html"]
    assert titles(archive, "sluice", sort="saved") == ["second.html", "first.html"]


def test_limit_and_total(corpus: Archive) -> None:
    result = corpus.search("committee", limit=2)
    assert len(result.hits) == 2
    assert result.total == 4


def test_empty_query_lists_everything(corpus: Archive) -> None:
    assert corpus.search("", limit=None).total == len(corpus)


def test_snippets_highlight_the_matched_words(corpus: Archive) -> None:
    [hit] = corpus.search("tomatoes").hits
    assert hit.highlights
    for start, end in hit.highlights:
        assert hit.snippet[start:end].lower() == "tomatoes"
    assert len(hit.snippet) <= 400
    # a stemmed match is highlighted too
    [hit] = corpus.search("title:pressure pressures").hits
    assert any(hit.snippet[s:e].lower() == "pressures" for s, e in hit.highlights)


def test_a_hit_without_a_body_match_still_has_a_snippet(corpus: Archive) -> None:
    [hit] = corpus.search("author:okafor").hits
    assert hit.snippet.startswith("Energy markets faced")
    assert hit.highlights == []


def test_a_hit_found_by_its_dek_shows_the_dek_in_its_snippet(
    archive: Archive, tmp_path: Path
) -> None:
    # the sample was first for "dont" by its description alone, and its snippet, cut from the
    # body, showed no word of the query: nothing told why it was there
    body = "The council voted on Tuesday to close the old quarry road for the winter. " * 5
    page = saved_page("Quarry road closes", "Ann Lee", "2020-01-29", "Example", body)
    dek = '<meta name="description" content="Walkers and cyclists objected, in vain.">'
    (tmp_path / "quarry.html").write_text(page.replace("</head>", f"{dek}</head>"))
    archive.import_paths([tmp_path / "quarry.html"])
    [hit] = archive.search("cyclists").hits
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["cyclists"]
    assert hit.snippet.startswith("Walkers and cyclists objected, in vain.")
    [hit] = archive.search("quarry council").hits  # the body's own words, as ever
    assert {hit.snippet[start:end] for start, end in hit.highlights} >= {"quarry", "council"}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("title:(harbour", "unclosed '('"),
        ('"maximum pressure', "unclosed quote"),
        ("harbour)", "')' without"),
        ("colour:red", "unknown field 'colour:'"),
        ("date:yesterdayish", "can't read the date 'yesterdayish'"),
        ("date:2019-13", "there is no date '2019-13'"),
        ("date:2019-02-30", "there is no date '2019-02-30'"),
        ("date:2019-11-18T10:00", "can't read the date '2019-11-18T10:00'"),
        ("date:2020..2019", "ends before it starts"),
        ("published:2019-11-18..2019-11-1", "ends before it starts"),
        ("harbour^x", "weighs a word by a number"),
        ('"old port"~x', "says how far apart its words may be"),
    ],
)
def test_queries_that_do_not_parse_give_one_line_errors(
    corpus: Archive, query: str, says: str
) -> None:
    with pytest.raises(QueryError) as error:
        corpus.search(query)
    assert says in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("query", ["harbour", "the", "a", "https://example.com/x", "C++", "AT&T"])
def test_plain_words_never_error(corpus: Archive, query: str) -> None:
    corpus.search(query)


@pytest.mark.parametrize(
    ("typed", "run"),
    [
        ("pres", "(pres OR pres*)"),
        ("north kor", "north (kor OR kor*)"),
        ("-pres", "-(pres OR pres*)"),
        ("north korea ", "north korea "),  # a space: the word is finished
        ("no", "no"),  # too short to be worth a prefix
        ('"maximum pres', '"maximum pres'),  # inside a phrase
        ("title:pres", "title:(pres OR pres*)"),  # a field of words
        ("lang:fre", "lang:fre"),  # a field of codes
        ("korea OR", "korea OR"),
    ],
)
def test_as_you_type_completes_only_the_bare_last_word(typed: str, run: str) -> None:
    from archive.index.query import as_you_type

    assert as_you_type(typed) == run


def test_date_is_the_date_shown_published_else_saved(archive: Archive) -> None:
    sample = archive.get(1)  # a text page: no published date
    assert not sample.published
    year = sample.saved[:4]
    assert [h.clipping.id for h in archive.search(f"date:{year}").hits] == [1]
    assert archive.search(f"published:{year}").total == 0


def test_the_word_being_typed_is_a_prefix_of_what_was_typed_not_of_its_stem(
    archive: Archive, tmp_path: Path
) -> None:
    pages = tmp_path / "notes"
    pages.mkdir()
    (pages / "a.txt").write_text("The president spoke\n\nThe president spoke at length today.\n")
    (pages / "b.txt").write_text("A previous era\n\nIn a previous era nobody spoke at all.\n")
    archive.import_paths([pages])
    found = archive.search("pres", as_you_type=True)
    titles = {h.clipping.title for h in found.hits}
    assert "The president spoke" in titles and "A previous era" not in titles
    assert archive.search("pres").total == 0  # without: a word like any other
    text = archive.get(found.hits[0].clipping.id).text
    assert "president" in archive.words_matching("pres", text, as_you_type=True)


def test_the_total_counts_every_match_however_many_segments(tmp_path: Path) -> None:
    """Whoosh's top-N collector may drop parts of a query that cannot reach the top: the
    total must still count the clippings that match only through them."""
    folder = tmp_path / "pages"
    folder.mkdir()
    with Archive.open(tmp_path / "archive") as archive:
        for batch in range(3):  # three imports: three segments
            for n in range(8):
                body = ("harbour " * (8 - n) + FILLER + "\n\n") * 2
                (folder / f"{batch}-{n}.html").write_text(
                    saved_page(f"Page {batch} {n}", "Ann Lee", "2020-01-01", "Wire", body)
                )
            archive.import_paths([folder])
        # and one whose only match is its author's name, far below the others
        (folder / "author.html").write_text(
            saved_page("Quiet", "Harbour Smith", "2020-01-01", "Wire", FILLER)
        )
        archive.import_paths([folder])
        result = archive.search("harbour", limit=2)
        assert result.total == 25 == len(archive.search("harbour", limit=None).hits)


def test_a_commit_during_a_search_does_not_close_its_searcher(tmp_path: Path) -> None:
    """Another process commits while a search is under way (here: while the search reads the
    texts of its first hits for feedback): the search ends on the commit it started on."""
    from archive.index import Index
    from archive.models import Clipping

    text = "river harbour bridge council budget water rights court farmer city"
    reader, other = Index(tmp_path / "index"), Index(tmp_path / "index")
    with other.writer() as writer:
        for n in range(1, 6):
            writer.add(Clipping(id=n, title=f"Page {n}", text=text, language="en"))
    reader.search("river")  # its searcher open
    added = iter(range(100, 200))

    def texts(ids: list[int]) -> dict[int, str]:
        with other.writer() as writer:  # a commit the search's searcher does not see
            writer.add(Clipping(id=next(added), title="New", text=text, language="en"))
        return {n: text for n in ids}

    result = reader.search("river harbour bridge council", texts=texts)
    assert result.total == 5 and len(result.hits) == 5
    assert reader.search("river").total == 5 + next(added) - 100  # the next one sees them
    reader.close()
    other.close()


def test_equal_scores_and_dates_keep_one_order_whatever_the_segments(
    archive: Archive, tmp_path: Path
) -> None:
    """Whoosh breaks ties by document number, which an update (a tag) changes: the order of
    equal hits is by id instead, the same before and after."""
    folder = tmp_path / "same-day"
    folder.mkdir()
    for n in range(6):
        page = saved_page(
            f"Tide mill {n}", "Ann Lee", "2021-05-04", "Coast News", f"The tide mill {n}. {FILLER}"
        )
        (folder / f"{n}.html").write_text(page, encoding="utf-8")
    ids = archive.import_paths([folder]).imported

    def orders() -> list[list[int]]:
        asked = [("", "newest", 3), ("", "oldest", 4), ("mill", "relevance", 6)]
        return [
            [hit.clipping.id for hit in archive.search(query, sort=sort, limit=limit).hits]
            for query, sort, limit in asked
        ]

    before = orders()
    for listed, newest in zip(before, [True, False, False], strict=True):  # the equal ones by id
        same_day = [i for i in listed if i in ids]
        assert same_day == sorted(same_day, reverse=newest) and len(same_day) >= 2
    for clipping_id in ids[:3]:
        archive.set_tags(clipping_id, ["mills"])  # each update moves it to a newer segment
    assert orders() == before


def test_similar_goes_by_words_not_by_the_figures_of_a_page_of_tables(
    archive: Archive, tmp_path: Path
) -> None:
    # a page of numbers with a few words on its subject: like the page on that subject, not
    # like another page of figures
    rows = " ".join(f"2020-01-{d:02} 08:{d:02} {d * 17 % 500} {d * 3} 0.{d}" for d in range(1, 29))
    pages = {
        "sql.html": (
            "Anomaly detection in plain SQL",
            f"Detecting anomalies in server response codes with a z-score. {rows} "
            f"Alerts fire when an anomaly deviates from the mean. {rows}",
        ),
        "alerts.html": (
            "Alerting on anomalies",
            "Monitoring alerts should fire on real anomalies: a deviation from the mean "
            "response, measured as a z-score over a sliding window, detects them. " * 4,
        ),
        "hockey.html": (
            "Wild beat Sabres",
            f"The Wild won again in a game of many goals and saves. {rows} {rows}",
        ),
    }
    for name, (title, body) in pages.items():
        page = saved_page(title, "Ann Lee", "2020-01-29", "Example", body)
        (tmp_path / name).write_text(page, encoding="utf-8")
    archive.import_paths([tmp_path / name for name in pages])
    [sql] = [c for c in archive.clippings() if c.title == "Anomaly detection in plain SQL"]
    assert archive.similar(sql.id)[0].clipping.title == "Alerting on anomalies"


def _imported(archive: Archive, tmp_path: Path, pages: dict[str, tuple[str, str]]) -> dict:
    """``pages`` (file name: (title, body)) saved and imported: the clippings' ids by title."""
    for name, (title, body) in pages.items():
        (tmp_path / name).write_text(saved_page(title, "Ann Lee", "2020-01-29", "Example", body))
    archive.import_paths([tmp_path / name for name in pages])
    return {c.title: c.id for c in archive.clippings()}


def test_similar_leaves_out_a_page_alike_only_in_a_few_passing_words(
    archive: Archive, tmp_path: Path
) -> None:
    # in a small archive, five of a coup story's telling words ("robert", "military", "former",
    # "told", "finished") were in a page on diplomacy, which was listed as like it
    coup = (
        "Mugabe and his wife Grace were held in their Harare compound as the military took "
        "control of Zimbabwe in a bloodless coup; a priest mediated, sources told Reuters. "
    )
    pages = {
        "coup.html": ("Zimbabwe's military takes control", coup * 4),
        "talks.html": (
            "Mugabe refuses to step down in talks",
            "In Harare, Mugabe met the military commanders and a Catholic priest mediated; "
            "Zimbabwe waits as Grace Mugabe stays in the compound, sources told Reuters. " * 3,
        ),
        "relations.html": (
            "Where do relations go after the election?",
            "The prime minister held talks with his wife at his side and told sources close to "
            "Reuters that military aid stays under his control. "
            + "Diplomats in Jerusalem and Washington weighed the next steps of an alliance "
            "strained by the settlements, the vote, and the talks on a deal with Iran. " * 12,
        ),
    }
    by_title = _imported(archive, tmp_path, pages)
    alike = archive.similar(by_title["Zimbabwe's military takes control"])
    assert [hit.clipping.title for hit in alike] == ["Mugabe refuses to step down in talks"]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_hits_with_some_of_the_words_whatever_the_sort(corpus: Archive, sort: str) -> None:
    """No clipping has every word: those with some of them, sorted by date too (newest and
    oldest found nothing); and a query none of whose words match is not "partial"."""
    found = corpus.search("tomatoes zeppelin", sort=sort)
    assert found.partial and [h.clipping.title for h in found.hits] == [
        "A Quiet Season for Community Gardens"
    ]
    nothing = corpus.search("zeppelin blimp", sort=sort)
    assert nothing.total == 0 and not nothing.partial


def test_similar_lists_only_pages_that_share_its_subject(archive: Archive, tmp_path: Path) -> None:
    """A page that shares one or two of a clipping's telling words (and common words, which
    every page has) is not like it: with nothing on its subject, nothing is listed."""
    pages = {
        "cranes.html": (
            "Harbour cranes return to the old port",
            "Three new cranes arrived at the old port. The cranes will double the capacity "
            "of the harbour terminals, and dock workers trained on the cranes all winter. " * 3,
        ),
        "terminal.html": (
            "Port terminal expands its harbour",
            "The harbour terminal ordered new cranes; dock capacity at the port will double "
            "once the cranes arrive, the terminal's workers said. " * 3,
        ),
        "gardens.html": (
            "A quiet season for community gardens",
            "Volunteers planted tomatoes and beans in the community gardens; the harvest of "
            "the old gardens is expected in late summer. " * 3,
        ),
        "skiing.html": (
            "Snow arrives early in the mountains",
            "Ski resorts opened their slopes a month early after heavy snowfall, and the "
            "mountain villages expect a long season of visitors. " * 3,
        ),
    }
    by_title = _imported(archive, tmp_path, pages)
    cranes = archive.similar(by_title["Harbour cranes return to the old port"])
    assert [hit.clipping.title for hit in cranes] == ["Port terminal expands its harbour"]
    assert archive.similar(by_title["Snow arrives early in the mountains"]) == []
