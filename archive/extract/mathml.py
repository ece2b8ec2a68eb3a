"""Formulas written in MathML (``<math>``) as a line of text: trafilatura drops the element
whole, so a page of mathematics (MathJax, arXiv's HTML, Wikipedia's accessible math) read
with gaps where its formulas stood ("there are two solutions to and they are").

The presentation elements are read in order, their tokens apart by spaces (``a x² + b x + c
= 0``); a script of digits or signs is raised or lowered with Unicode's own characters, as
the body's ``<sup>``/``<sub>`` are, else written after ``^`` or ``_``; annotations (the TeX
source a page may carry beside the formula) are left out.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["LOWERED", "RAISED", "linear_math", "math_text"]

RAISED = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
LOWERED = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")

# elements whose first child is the formula and the rest its other encodings or a caption
_FIRST_ONLY = frozenset({"semantics"})
_LEFT_OUT = frozenset({"annotation", "annotation-xml", "none", "mprescripts", "mphantom"})
_ACCENTED = frozenset({"mover", "munder"})
_LIMITS = {"munder": "msub", "mover": "msup"}
_NO_LINE = frozenset({"0", "0px", "0pt", "0em"})
_SCRIPTS = {"msup": ("^", RAISED), "msub": ("_", LOWERED)}
_MATHJAX = "mjx-container"  # (MathJax 3, the library most pages of formulas are drawn with)
# a page of formulas is still a page: past this many characters one formula is cut short
_MAX_FORMULA = 2_000


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or a processing instruction
        return ""
    return etree.QName(tag).localname.lower()


def _shifted(text: str, mark: str, table: dict[int, str]) -> str:
    """A script after its base: Unicode's raised or lowered characters when it has them all."""
    squeezed = text.replace(" ", "")
    shifted = squeezed.translate(table)
    if squeezed and all(c != o for c, o in zip(shifted, squeezed, strict=True)):
        return shifted
    return f"{mark}{squeezed}" if len(text.split()) <= 1 else f"{mark}({text})"


def math_text(element: Any) -> str:
    """The formula in a MathML element as one line of text."""
    name = _local(element)
    if not name or name in _LEFT_OUT:
        return ""
    children = [child for child in element if _local(child)]
    if not children:  # a token: mi, mn, mo, mtext, ms
        return " ".join((element.text or "").split())
    if name in _FIRST_ONLY:
        return math_text(children[0])
    parts = [math_text(child) for child in children]
    if name in _SCRIPTS and len(parts) == 2:
        mark, table = _SCRIPTS[name]
        return parts[0] + _shifted(parts[1], mark, table)
    if name == "msubsup" and len(parts) == 3:
        return parts[0] + _shifted(parts[1], "_", LOWERED) + _shifted(parts[2], "^", RAISED)
    if name == "mfrac" and len(parts) == 2 and element.get("linethickness") in _NO_LINE:
        return f"{parts[0]} over {parts[1]}"  # a binomial coefficient, not a fraction
    if name == "mfrac" and len(parts) == 2:
        return " / ".join(p if len(p.split()) <= 1 or _enclosed(p) else f"({p})" for p in parts)
    if name == "msqrt":
        return f"√({' '.join(parts)})"
    if name in _ACCENTED and len(parts) == 2 and len(parts[1]) == 1 and not parts[1].isalnum():
        return parts[0] + parts[1]  # ẋ, a vector's arrow
    if name in _LIMITS and len(parts) == 2:  # a sum's limit: written as a script
        mark, table = _SCRIPTS[_LIMITS[name]]
        return parts[0] + _shifted(parts[1], mark, table)
    if name == "munderover" and len(parts) == 3:  # ∑_(k = 1)^n
        return parts[0] + _shifted(parts[1], "_", LOWERED) + _shifted(parts[2], "^", RAISED)
    if name == "mtable":
        return "; ".join(p for p in parts if p)
    return " ".join(p for p in parts if p)


def _enclosed(text: str) -> bool:
    """Whether ``text`` is one pair of brackets and what they hold: ``(1 - q)``, not ``(a) (b)``."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def linear_math(tree: Any) -> None:
    """Each ``<math>`` in ``tree`` replaced, in place, by a ``<span>`` of its text."""
    for element in list(tree.iter("{*}math", "math")):
        text = math_text(element)[:_MAX_FORMULA]
        span = element.makeelement("span", {})
        span.text = f" {text} " if text else " "
        shown = _rendering(element)
        span.tail = shown.tail
        parent = shown.getparent()
        if parent is None:
            continue
        parent.replace(shown, span)


def _rendering(element: Any) -> Any:
    """The element the page shows the formula as: MathJax's container, which holds its drawing
    (no text) beside the MathML it was made from, else the ``<math>`` itself."""
    for ancestor in element.iterancestors():
        if ancestor.tag == _MATHJAX:
            return ancestor
    return element
