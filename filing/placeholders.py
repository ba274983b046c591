"""Filling ``{name}`` slots in a text that may come from a user (a ``--templates`` glossary) without ``str.format``.

Why not ``str.format``: its field names walk attributes and items (``{x.__class__.__init__.__globals__[os]}``), so a
hostile glossary entry could reach ``os.environ`` and print the signing key into a signed packet. Here a slot is a
plain name, optionally with a conversion (``!r``) and a format spec made of literal characters (``{size:,}``);
anything else is refused.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

_PARSER = string.Formatter()
_CONVERSIONS = (None, "r", "s", "a")


class PlaceholderError(ValueError):
    """A slot that is not a plain name (attribute or item access, a conversion, a nested field) or has no value."""


def fill(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each ``{name}``, ``{name!r}`` or ``{name:spec}`` replaced by the formatted ``values[name]``."""
    pieces = []
    try:
        parsed = list(_PARSER.parse(text))
    except ValueError as error:
        raise PlaceholderError(f"malformed placeholder: {error}") from None
    for literal, name, spec, conversion in parsed:
        pieces.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or conversion not in _CONVERSIONS or "{" in (spec or ""):
            raise PlaceholderError(f"placeholder {{{name}{'!' + conversion if conversion else ''}"
                                   f"{':' + spec if spec else ''}}} is not a plain {{name}}: attribute and item "
                                   "access is not allowed")
        if name not in values:
            raise PlaceholderError(f"placeholder {{{name}}} has no value")
        pieces.append(format(_PARSER.convert_field(values[name], conversion), spec or ""))
    return "".join(pieces)


__all__ = ["PlaceholderError", "fill"]
