"""Page text is shown inertly: markup stays literal, escapes never reach the terminal."""

from __future__ import annotations

from textual.widgets import Static

from archive.tui.widgets.results import ResultList

from .conftest import plain, search_for, settle

CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n"] + [chr(0x7F), chr(0x9B)]


def rendered_lines(widget) -> list[str]:
    """The characters a widget sends to the terminal, line by line."""
    return [
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.content_region.height)
    ]


def assert_inert(text: str) -> None:
    assert not [c for c in CONTROL if c in text], repr(text)


async def test_hostile_titles_and_snippets_are_plain_text_in_the_list(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "gardens compost")
        results = app.screen.query_one(ResultList)
        hit = next(h for h in results.hits if "Markup" in h.clipping.title)
        prompt = results.get_option(str(hit.clipping.id)).prompt
        assert "[bold red]Markup[/bold red] title" in prompt.plain
        assert_inert(prompt.plain)
        screen_text = "\n".join(rendered_lines(results))
        assert "[bold red]Markup[/bold red]" in screen_text
        assert_inert(screen_text)


async def test_hostile_article_is_shown_inertly_in_the_reader(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "gardens compost")
        hit = next(h for h in app.screen.query_one(ResultList).hits if "Markup" in h.clipping.title)
        app.open_reader(hit.clipping.id, "gardens")
        await settle(pilot)
        texts = [plain(static) for static in app.screen.query(Static)]
        joined = "\n".join(texts)
        assert "[bold red]Markup[/bold red] title" in joined
        assert "[bold]bold[/bold]" in joined
        assert "[@click=app.quit]quit[/]" in joined
        assert "[on red]markup[/]" in joined
        assert_inert(joined.replace("\n", " "))
        for static in app.screen.query(Static):
            assert_inert("".join(rendered_lines(static)))
        assert app.is_running  # the [@click=app.quit] was not an action
