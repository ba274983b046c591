"""Input errors that name where the problem is and what to do next, so a user can fix the file without reading a
traceback; their texts come from the message catalogue (filing.i18n) in English and Chinese where one is there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filing import i18n


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what to do about it."""

    file: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    message_zh: str = ""
    hint: str = ""
    """What to do next, when the message alone does not say it."""
    hint_zh: str = ""

    @classmethod
    def of(cls, file: str | Path, key: str, *, path: str = "", line: int | None = None, column: int | None = None,
           **params: Any) -> Problem:
        """A problem whose message and hint are the catalogue's entry ``key``, in both languages."""
        return cls(str(file), i18n.text(key, "en", **params), path, line, column, i18n.text(key, "zh", **params),
                   i18n.hint(key, "en", **params), i18n.hint(key, "zh", **params))

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def text(self, lang: str = "en") -> str:
        """``file:line:col: path: message``; the location is the same in every language."""
        field = f" {self.path}:" if self.path else ""
        return f"{self.location()}:{field} {i18n.pick(lang, self.message, self.message_zh)}"

    def advice(self, lang: str = "en") -> str:
        """The hint, or the general one when the message names what to fix itself."""
        return i18n.pick(lang, self.hint, self.hint_zh) or i18n.text("hint.fix_and_rerun", lang)

    def __str__(self) -> str:
        return self.text()

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "path": self.path,
                "message": self.message, "message_zh": self.message_zh or self.message, "hint": self.advice("en"),
                "hint_zh": self.advice("zh")}


class InputError(Exception):
    """The input could not be read or is invalid (exit code 2); carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, file: str | Path, message: str, **where) -> InputError:
        return cls([Problem(str(file), message, **where)])

    @classmethod
    def of(cls, file: str | Path, key: str, **where_and_params: Any) -> InputError:
        """One problem from the catalogue (see ``Problem.of``)."""
        return cls([Problem.of(file, key, **where_and_params)])


def one_line(text: object) -> str:
    """Text from an input file as a message quotes it: line breaks and control characters escaped, so that every
    problem stays one `file:line:column: path: message` line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class Invalid(ValueError):
    """A ValueError whose text is a catalogue entry: a validator raises it, and the loader that catches it (through
    pydantic) can still say it in Chinese. ``str()`` is the English text."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(i18n.text(key, "en", **params))
