"""The actions a screen offers, for the help screen and the command palette.

Our bindings all have ids (``search.sort``, ``reader.delete``...), which is what a keymap file
remaps. A focused text box can hide a screen's binding (Enter), so the screen's own are added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


class Action(NamedTuple):
    key: str  # as shown to people: "^s", "enter", "/"
    binding: Binding
    node: DOMNode  # where the action runs


def actions(screen: Screen[object]) -> Iterator[Action]:
    """Each of our bindings active on ``screen`` once, with the key it has now."""
    app = screen.app
    seen: set[str] = set()
    active = [(key, a.binding, a.node) for key, a in screen.active_bindings.items()]
    own = [(key, b, screen) for key, bs in screen._bindings.key_to_bindings.items() for b in bs]
    for key, binding, node in active + own:
        if not binding.id or not binding.description or binding.id in seen:
            continue
        seen.add(binding.id)
        yield Action(binding.key_display or app.get_key_display(binding) or key, binding, node)
