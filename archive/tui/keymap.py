"""The user's key remapping: ``keymap.toml`` in the config folder maps binding ids to keys.

    [keymap]
    "search.sort" = "f5"
    "reader.delete" = "ctrl+d,delete"

The binding ids are listed in the help screen (``?``).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from pathlib import Path

from textual.binding import Binding

from ..location import config_dir


def keymap_path() -> Path:
    return config_dir() / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """The remapping, and a one-line problem if the file could not be read (it is then ignored)."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, f"{path}: {error}"
    section = data.get("keymap", {})
    if not isinstance(section, dict):
        return {}, f"{path}: [keymap] must be a table of binding id = keys"
    # (a value that is not text, "reader.delete" = 5, is taken as its text: the key 5; what is
    # no key, ``keymap_problems`` tells)
    keymap = {str(k): v if isinstance(v, str) else repr(v) for k, v in section.items()}
    return keymap, None


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _known_key(key: str) -> bool:
    """Whether Textual knows the key ``key`` ("f5", "ctrl+d", "question_mark", "x")."""
    from textual.keys import Keys, _character_to_key

    *modifiers, base = key.split("+")
    if not base or not set(modifiers) <= _MODIFIERS:
        return False
    names = {k.value for k in Keys} | {_character_to_key(chr(c)) for c in range(32, 127)}
    return len(base) == 1 or base in names


# the bindings that act while the query box has the keys (the search screen's and the app's)
_WHILE_TYPING = ("search.", "app.")


def _typed(key: str) -> bool:
    """Whether ``key`` is one a text box takes as text (a letter, a digit, a sign, space)."""
    from textual.keys import _character_to_key

    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if set(modifiers) - {"shift"}:
        return False
    signs = {_character_to_key(chr(c)) for c in range(32, 127)}
    return len(base) == 1 or base in signs


def checked_keymap(
    keymap: dict[str, str], owners: Iterable[type]
) -> tuple[dict[str, str], list[str]]:
    """The entries of ``keymap`` that can be used for the bindings of ``owners`` (the app, its
    screens and widgets), and what is wrong with the others: ids no binding has, keys Textual
    does not know or the query box would take as text, and keys a remapping gives two bindings
    of one screen (the app's own bindings count on every screen). A binding whose entry is left
    out keeps its own keys."""
    bindings: dict[type, list[Binding]] = {
        owner: [b for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding)]
        for owner in owners
    }
    known = {b.id for found in bindings.values() for b in found if b.id}
    problems: list[str] = []
    usable: dict[str, str] = {}
    for name, keys in sorted(keymap.items()):
        if name not in known:
            close = _meant(name, [b for found in bindings.values() for b in found if b.id])
            problems.append(
                f"no binding {name!r}" + (f" (did you mean {close!r}?)" if close else "")
            )
            continue
        wrong = _key_problems(name, keys)
        problems += wrong
        if not wrong:
            usable[name] = keys
    # the app's bindings work on every screen: each screen's keys are checked with them
    app_wide = [b for owner, found in bindings.items() if _is_app(owner) for b in found]
    groups = [app_wide] + [
        app_wide + found for owner, found in bindings.items() if not _is_app(owner)
    ]
    for found in groups:
        taken: dict[str, str] = {}
        for binding in found:
            keys = usable.get(binding.id or "", binding.key)
            for key in (k.strip() for k in keys.split(",")):
                other = taken.setdefault(key, binding.id or binding.action)
                if other != (binding.id or binding.action) and (
                    binding.id in usable or other in usable
                ):
                    problems.append(f"{key!r} is both {other!r} and {binding.id!r}")
                    # (the remapping that clashes: this binding's, else the other's)
                    usable.pop(binding.id if binding.id in usable else other, None)
    return usable, list(dict.fromkeys(problems))  # (an app key's clash: told once)


def _meant(name: str, bindings: list[Binding]) -> str | None:
    """The id a mistyped one meant: a binding named so where the footer shows it ("Filters":
    ``search.facets``), else the closest id."""
    screen, _, label = name.rpartition(".")
    for binding in bindings:
        shown = (binding.description or "").lower().replace(" ", "_")
        if binding.id and binding.id.startswith(f"{screen}.") and shown == label.lower():
            return binding.id
    close = difflib.get_close_matches(name, sorted({b.id for b in bindings if b.id}), n=1)
    return close[0] if close else None


def _is_app(owner: type) -> bool:
    from textual.app import App

    return isinstance(owner, type) and issubclass(owner, App)


def _key_problems(name: str, keys: str) -> list[str]:
    """What is wrong with the keys ``keys`` given to the binding ``name``."""
    problems = []
    for key in (k.strip() for k in keys.split(",")):
        if not _known_key(key):
            problems.append(f"no key {key!r} (for {name!r})")
        elif name.startswith(_WHILE_TYPING) and _typed(key):
            problems.append(
                f"{key!r} (for {name!r}) would be typed into the search box: "
                "give it ctrl+, alt+ or a function key"
            )
    return problems
