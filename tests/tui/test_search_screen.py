"""The search screen: start, search as you type, results, errors, facets, sort, paging."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from archive.api import Archive
from archive.models import Clipping, Hit
from archive.tui import create_app
from archive.tui.messages import SearchDone
from archive.tui.screens.reader import ReaderScreen
from archive.tui.screens.search import PAGE, QueryInput, SearchScreen
from archive.tui.widgets.facets import FacetPanel
from archive.tui.widgets.results import SNIPPET_CHARS, ResultList, hit_prompt

from .conftest import search_for, settle, type_text, wait_until


def status(app) -> str:
    return app.screen.status_message.plain


def result_ids(app) -> list[int]:
    return [hit.clipping.id for hit in app.screen.query_one(ResultList).hits]


async def test_a_new_archive_opens_on_the_search_screen_with_the_sample(tmp_path: Path):
    app = create_app(tmp_path / "new")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, QueryInput)
        assert result_ids(app) == [1]
        assert status(app).startswith("1 clipping")


async def test_every_clipping_is_listed_recently_saved_first(app):
    # a page just saved (or arrived) is on top, whatever the date it was published
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert status(app).startswith("8 clippings")
        assert "sorted by recently saved" in status(app)
        listed = app.screen.query_one(ResultList).hits
        saved = [(h.clipping.saved, h.clipping.id) for h in listed]
        assert len(listed) == 8
        assert saved == sorted(saved, reverse=True)


async def test_typing_searches_and_highlights_the_terms(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "maximum pressure")
        assert app.screen.query_one(QueryInput).value == "maximum pressure"
        assert result_ids(app)[0] == 1
        assert status(app).startswith("1 hit")
        prompt = app.screen.query_one(ResultList).get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        marked = {prompt.plain[span.start : span.end].lower() for span in prompt.spans}
        assert {"maximum", "pressure"} <= marked


async def test_each_keystroke_searches_and_only_the_latest_result_shows(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        for char in "garden":  # no waiting: the searches overlap the typing
            await pilot.press(char)
        await settle(pilot)
        shown = result_ids(app)
        with Archive(app.archive_path) as archive:
            expected = [h.clipping.id for h in archive.search("garden", limit=PAGE).hits]
        assert shown == expected
        # a result from an older request is dropped
        stale = SearchDone(screen._latest - 1, archive_result(app, "pressure"))
        screen.on_search_done(stale)
        assert result_ids(app) == expected


def archive_result(app, query: str):
    return app.archive.search(query)


async def test_no_hits_says_so_and_offers_a_spelling_that_enter_accepts(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "presure")
        assert result_ids(app) == []
        assert "No clippings match presure" in status(app)
        assert "Did you mean pressure?" in status(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == "pressure"
        assert 1 in result_ids(app)


async def test_a_word_of_one_or_two_letters_being_typed_keeps_the_list(app):
    # "ch" as a word matches nothing: "No clippings match ch" flashed before "cha" found hits
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "z")
        listed = result_ids(app)
        await type_text(pilot, "q")  # "zq" is a word of no clipping
        await settle(pilot)
        assert result_ids(app) == listed
        assert "No clippings match" not in status(app)
        assert status(app).startswith("zq… (keep typing)")
        await type_text(pilot, "x ")  # a word finished, and found nowhere: said so
        await settle(pilot)
        assert result_ids(app) == []
        assert "No clippings match zqx" in status(app)


async def test_a_letter_a_quote_or_a_date_just_begun_keeps_the_list(app):
    # each was a list cut to one hit ("h": a page's "emscripten.h"), or "No clippings match",
    # or the date's error, at every key of the way to what is meant
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        listed = result_ids(app)
        for typed in ["k", '"']:
            await search_for(pilot, typed)
            assert result_ids(app) == listed, typed
            assert status(app).startswith(f"{typed}… (keep typing)"), status(app)
            await pilot.press("escape")
            await settle(pilot)
        await search_for(pilot, "date:2019")  # a date already: the clippings of 2019
        listed = result_ids(app)
        await type_text(pilot, "-0")  # on its way to a month
        await settle(pilot)
        assert result_ids(app) == listed
        assert status(app).startswith("date:2019-0… (keep typing)"), status(app)
        await pilot.press("escape")
        await search_for(pilot, "date:2019-13")  # no date starts so: said at once
        assert "there is no date '2019-13'" in status(app)


async def test_a_query_that_does_not_parse_is_shown_inline(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "pressure")
        before = result_ids(app)
        await type_text(pilot, " nofield:x")
        await settle(pilot)
        assert "unknown field 'nofield:'" in status(app)
        assert result_ids(app) == before  # the last good results stay
        assert isinstance(app.screen, SearchScreen)


async def test_a_phrase_being_typed_is_searched_not_an_error(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, '"maximum pressure')  # the closing quote not typed yet
        assert "quote" not in status(app)
        assert result_ids(app)[:1] == [1]


async def test_up_down_enter_open_the_chosen_result_and_escape_goes_back(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        await pilot.press("down", "down", "up")
        assert results.highlighted == 1
        chosen = results.hits[1].clipping.id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.clipping.id == chosen
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, QueryInput)


async def test_enter_opens_the_top_result_and_a_click_opens_any(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "garden")
        top = result_ids(app)[0]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.clipping.id == top
        await pilot.press("escape")
        await pilot.press("escape")  # clears the query
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == ""
        second = result_ids(app)[1]
        await pilot.click(ResultList, offset=(5, 5))  # the second hit (three lines and a gap each)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.clipping.id == second


async def open_side_panel(app, pilot) -> FacetPanel:
    """The side panel (Ctrl+F), opened once the app is ready."""
    await settle(pilot)
    await pilot.press("ctrl+f")
    await settle(pilot)
    panel = app.screen.query_one(FacetPanel)
    assert panel.display
    return panel


@pytest.mark.parametrize("width", [60, 100, 160])
async def test_a_long_facet_value_and_its_count_stay_on_one_line(app, width: int):
    """At 100 columns and less, a site's count went onto a line of its own."""
    async with app.run_test(size=(width, 36)) as pilot:
        panel = await open_side_panel(app, pilot)
        long_name = "Como Educar Seus Filhos e Outras Historias"
        panel.show({"site": [(long_name, 2), ("Example", 1_234)], "year": [("2019", 7)]})
        await settle(pilot)
        room = panel.content_region.width - panel.styles.scrollbar_size_vertical
        for i in range(panel.option_count):
            prompt = panel.get_option_at_index(i).prompt
            assert prompt.cell_len <= room, prompt.plain
        sites = [panel.get_option_at_index(i).prompt.plain for i in range(panel.option_count)]
        assert any(label.startswith("Como Educar") and label.endswith(" 2") for label in sites)


async def test_facets_count_the_matches_and_selecting_one_narrows(app):
    async with app.run_test(size=(110, 36)) as pilot:
        panel = await open_side_panel(app, pilot)
        labels = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        sites = [o.id for o in labels if o.id and o.id.startswith("site\x00")]
        assert "site\x00VentureBeat" in sites
        assert any((o.id or "").startswith("language\x00en") for o in labels)
        panel.focus()
        index = next(i for i, o in enumerate(labels) if o.id == "site\x00VentureBeat")
        panel.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(QueryInput).value == "site:VentureBeat"
        assert len(result_ids(app)) == 1
        assert isinstance(app.focused, QueryInput)
        await pilot.press("space", "w", "e")  # typing goes on after the filter
        assert app.screen.query_one(QueryInput).value == "site:VentureBeat we"


async def test_ctrl_f_goes_to_the_panel_and_escape_back_to_the_query(app):
    """The arrows and Enter act in the panel once it opens (they moved through the results
    behind it, and Enter opened a clipping); Escape goes back to typing, the panel open."""
    async with app.run_test(size=(110, 36)) as pilot:
        panel = await open_side_panel(app, pilot)
        assert app.focused is panel
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(QueryInput).value  # a filter went into the query
        assert isinstance(app.focused, QueryInput)
        await pilot.press("ctrl+f")
        assert app.focused is panel and panel.display
        await pilot.press("escape")
        assert isinstance(app.focused, QueryInput) and panel.display
        # a letter typed in the panel goes to the query (it was lost)
        before = app.screen.query_one(QueryInput).value
        await pilot.press("ctrl+f", "k", "o")
        assert isinstance(app.focused, QueryInput)
        assert app.screen.query_one(QueryInput).value == before + "ko"
        await pilot.press("ctrl+f", "ctrl+f")
        assert not panel.display
        assert isinstance(app.focused, QueryInput)


async def test_the_sort_key_cycles_relevance_newest_oldest(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "lang:en")
        screen = app.screen
        assert screen.sort == "relevance"
        assert len(result_ids(app)) > 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.sort == "newest"
        newest = result_ids(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.sort == "oldest"
        assert result_ids(app) == list(reversed(newest))
        assert "sorted by oldest" in status(app)


async def test_a_sort_chosen_for_the_list_is_not_the_one_of_a_query(app):
    # newest chosen with nothing typed: a query typed then is ranked, as queries are
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "sorted by newest" in status(app)
        await search_for(pilot, "korea")
        assert "sorted by relevance" in status(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "sorted by newest" in status(app)


async def test_more_results_load_when_the_cursor_reaches_the_end(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(PAGE + 12):
        (pages / f"note-{number:03}.txt").write_text(
            f"Field note {number}\n\nA note about compost number {number}, written in the "
            "garden while the tomatoes ripened and the bees went about their business.\n",
            encoding="utf-8",
        )
    with Archive.open(tmp_path / "big") as archive:
        archive.import_paths([pages])
    app = create_app(tmp_path / "big")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        results = app.screen.query_one(ResultList)
        assert len(results.hits) == PAGE
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
        await settle(pilot)
        assert len(results.hits) == PAGE + 13  # 62 notes and the sample
        assert len({h.clipping.id for h in results.hits}) == PAGE + 13


async def test_a_missing_archive_folder_that_cannot_be_made_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = create_app(blocker / "archive")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert status(app).startswith("Can't open the archive")
        assert "\n" not in status(app)
        app.start_import([tmp_path])  # says why, not "not open yet" (it never will be)
        await settle(pilot)
        [told] = [n.message for n in app._notifications]
        assert told.startswith("Can't import: the archive can't be opened (")


def test_clippings_with_no_command_opens_the_tui_in_a_terminal(tmp_path: Path):
    """The real command in a real pseudo-terminal: it draws the search screen, ctrl+q quits."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "--archive", str(tmp_path / "a")],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and b"1 clipping" not in seen:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                seen += os.read(main, 65536)
        assert b"earch your clippings" in seen  # the "S" is under the cursor
        assert b"1 clipping" in seen
        os.write(main, b"\x11")  # ctrl+q
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)


async def test_the_word_being_typed_matches_as_a_prefix(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await search_for(pilot, "maximum pres")
        assert result_ids(app) == [1]
        prompt = app.screen.query_one(ResultList).get_option_at_index(0).prompt
        marked = {prompt.plain[span.start : span.end].lower() for span in prompt.spans}
        assert "pressure" in marked
        await type_text(pilot, " ")  # a finished word is a word again: none has both
        await settle(pilot)
        assert app.screen.partial and "No clipping has every word" in status(app)
        app.screen.query_box.value = '"maximum pressure drop"'  # as if pasted
        await settle(pilot)
        assert app.screen.partial and "No clipping has the phrase as written" in status(app)


async def test_every_facet_narrows_to_what_it_counted(app):
    """Year counts the date shown (published, else saved): its filter must find the same."""
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        counted = {
            o.id: int(str(o.prompt).rsplit(" ", 1)[-1].replace(",", ""))
            for o in (panel.get_option_at_index(i) for i in range(panel.option_count))
            if o.id
        }
        for option_id, count in counted.items():
            await pilot.press("escape")
            await settle(pilot)
            panel.focus()
            panel.highlighted = next(
                i for i in range(panel.option_count) if panel.get_option_at_index(i).id == option_id
            )
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.result_total == count, (option_id, status(app))


async def test_with_no_query_the_sort_key_cycles_saved_newest_oldest(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        saved = result_ids(app)
        assert "sorted by recently saved" in status(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "sorted by newest" in status(app)
        newest = result_ids(app)
        dates = [
            (h.clipping.published or h.clipping.saved)
            for h in app.screen.query_one(ResultList).hits
        ]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "sorted by oldest" in status(app)
        assert result_ids(app) == list(reversed(newest))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert result_ids(app) == saved


async def test_an_index_left_behind_catches_up_in_the_background(archive_path: Path, monkeypatch):
    """An index behind the catalog (a new version's) is not caught up while the UI waits: a
    child process does it, the list follows, and a notification says so."""
    monkeypatch.setattr(Archive, "SYNC_ON_OPEN", 0)
    with Archive.open(archive_path, sync=False) as archive:
        count = len(archive)
        archive.index.rebuild([])
    app = create_app(archive_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, timeout=60)

        def said() -> list[str]:
            return [notification.message for notification in app._notifications]

        assert any(f"Indexing {count:,} clippings in the background" in m for m in said())
        # (a child process catches up: under load it may end after the app has settled)
        caught_up = f"The index caught up: {count:,} clippings indexed"
        await wait_until(pilot, lambda: any(caught_up in m for m in said()), timeout=60)
        await settle(pilot)
        await search_for(pilot, "pressure")
        assert 1 in result_ids(app)
        assert "not searchable" not in status(app)


async def test_after_an_upgrade_the_previous_index_answers_while_the_new_is_built(
    archive_path: Path, monkeypatch
):
    """A new version's index is built in the background; meanwhile searches read the previous
    version's, and then the new one."""
    from archive import index as index_module

    monkeypatch.setattr(Archive, "SYNC_ON_OPEN", 0)
    with monkeypatch.context() as patch:
        patch.setattr(index_module, "_INDEX_NAME", "clippings1")  # a version before this one
        with Archive.open(archive_path, sync=False) as archive:
            archive.index.rebuild(archive.catalog.iter_all())
    app = create_app(archive_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, timeout=60)
        said = [notification.message for notification in app._notifications]
        assert any("searches read the previous version's" in m for m in said)
        assert any("The index caught up" in m for m in said)
        await search_for(pilot, "pressure")
        assert 1 in result_ids(app)
        assert "previous version" not in status(app)
    assert not list((archive_path / "index").glob("*clippings1_*"))


async def test_a_long_site_name_is_cut_on_its_one_line_in_the_side_panel(app):
    async with app.run_test(size=(110, 36)) as pilot:
        panel = await open_side_panel(app, pilot)
        long_name = "American Civil Liberties Union of Northern California"
        panel.show({"site": [(long_name, 1234)], "year": [], "tag": [], "language": []})
        await settle(pilot)
        labels = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        [site] = [o for o in labels if o.id == f"site\x00{long_name}"]
        text = str(site.prompt)
        assert text.startswith("American Civil") and text.endswith("… 1,234")
        assert len(text) <= 25


def test_a_result_cuts_its_snippet_between_words_and_quotes_a_tag_of_words():
    words = "harbour " * 60
    clipping = Clipping(id=3, title="T", tags=["africa news", "korea"], source="t", sha256="0")
    prompt = hit_prompt(Hit(clipping, 1.0, words.strip(), [(0, 7)])).plain
    snippet = prompt.splitlines()[-1]
    assert snippet.endswith("harbour…") and len(snippet) <= SNIPPET_CHARS + 1
    assert '#"africa news" #korea' in prompt
