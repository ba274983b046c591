"""The docstring written under a field or a type alias of the deal model, read from the source when asked for.

The deal reference (docs/generate.py) and the JSON schema describe each field with it. Pydantic's
`use_attribute_docstrings` would attach them to every model at import, re-reading the source of each class on every
command; that was a third of the model's import time, spent on text only those two ever show.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Sequence
from functools import cache

from pydantic import BaseModel


def notes_under(statements: Sequence[ast.stmt]) -> dict[str, str]:
    """Name → the string literal that directly follows its assignment, for the assignments among `statements`."""
    notes = {}
    for statement, following in zip(statements, statements[1:], strict=False):
        target = statement.target if isinstance(statement, ast.AnnAssign) else \
            statement.targets[0] if isinstance(statement, ast.Assign) else None
        if (isinstance(target, ast.Name) and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str)):
            notes[target.id] = inspect.cleandoc(following.value.value)
    return notes


@cache
def field_notes(model: type[BaseModel]) -> dict[str, str]:
    """Each field of `model` that has a docstring → that docstring, inherited fields included."""
    notes: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, BaseModel) and cls.__module__.startswith("filing."):
            notes |= notes_under(ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body)
    return {name: note for name, note in notes.items() if name in model.model_fields}


__all__ = ["notes_under", "field_notes"]
