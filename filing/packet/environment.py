"""The Jinja environment every document is rendered in: sandboxed, autoescaped, strict, locale-free.

Why a sandbox for our own templates too: law firms point ``--templates DIR`` at overrides, and one code path for
packaged and overriding templates means the packaged ones are tested under the same restrictions. Why StrictUndefined:
a missing figure must stop the build with the template and field named, never print an empty cell in a filing.
Why hand-written number and date formats: ``locale`` would make the same deal render differently on two machines.
"""

from __future__ import annotations

import base64
import mimetypes
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from ruamel.yaml import YAML

from filing.assets import ASSET_CLASS_LABELS
from filing.model.jurisdictions import jurisdiction_name
from filing.placeholders import PlaceholderError, fill
from filing.resources import templates_dir

LANGS = ("zh", "en")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


class TemplateProblem(Exception):
    """A template could not be rendered; the message names the template, its line and the missing field."""


@dataclass(frozen=True)
class Lang:
    """One language of a document: its glossary words, date format and choice among ``*_zh``/``*_en`` fields.

    Templates get one of these as ``L`` inside the per-language loop, so the same source renders both versions.
    """

    code: str
    words: Mapping[str, str]
    names: Mapping[str, str] = field(default_factory=dict)
    """The deal's ``names_zh``: English party name → Chinese name, used by ``name`` in Chinese."""

    def __call__(self, key: str) -> str:
        try:
            return self.words[key]
        except KeyError:
            raise UndefinedError(f"glossary.yaml has no '{key}' in {self.code}") from None

    def fill(self, key: str, **values: Any) -> str:
        """A glossary sentence with named slots (``{name}``): word order and punctuation stay each language's own.
        Slots are plain names only (``filing.placeholders``): an overriding glossary is user text."""
        try:
            return fill(self(key), values)
        except PlaceholderError as error:
            raise UndefinedError(f"glossary entry '{key}' ({self.code}): {error}") from None

    def date(self, value: str | date | None) -> str:
        if value is None or value == "":
            return self("not_given")
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        if self.code == "zh":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    def pick(self, record: Mapping[str, Any], key: str) -> str:
        """``record[key_zh]`` in Chinese, ``record[key_en]`` in English; then the bare ``record[key]`` (a deal's free
        text is English, with a ``_zh`` form beside it) and last the other language."""
        other = "en" if self.code == "zh" else "zh"
        value = record.get(f"{key}_{self.code}") or record.get(key) or record.get(f"{key}_{other}")
        if value is None:
            raise UndefinedError(f"neither {key}_zh nor {key}_en is given")
        return self.name(str(value)) if key in ("name", "party_name") else str(value)

    def opt(self, record: Mapping[str, Any] | None, key: str) -> str:
        """Like ``pick``, but "not given" where the record or every form of the field is missing."""
        if not record or not any(record.get(k) for k in (key, f"{key}_zh", f"{key}_en")):
            return self("not_given")
        return self.pick(record, key)

    def name(self, value: str | None) -> str:
        """A party named in English, in Chinese through the deal's ``names_zh`` (unchanged in English)."""
        if not value:
            return self("not_given")
        return self.names.get(value, value) if self.code == "zh" else value

    def names_of(self, values: list[str]) -> str:
        """Several parties' names, each through ``name``, joined the language's way."""
        return ("、" if self.code == "zh" else ", ").join(self.name(v) for v in values)

    def place(self, code: str) -> str:
        """A jurisdiction by name, in mainland usage in Chinese (香港 reads 中国香港); an unknown code as given."""
        if code == "CN":
            return self("mainland_china")
        try:
            return jurisdiction_name(code, self.code)  # type: ignore[arg-type]
        except (KeyError, LookupError, ValueError):
            return code

    def places(self, codes: list[str] | None, empty: str = "any_not_excluded") -> str:
        if not codes:
            return self(empty)
        return ("、" if self.code == "zh" else ", ").join(self.place(c) for c in codes)

    def list(self, prefix: str, values: list[str] | None) -> str:
        """Enum values through the glossary (``prefix + value``), joined the language's way."""
        if not values:
            return self("not_given")
        return ("、" if self.code == "zh" else ", ").join(self(f"{prefix}{v}") for v in values)

    def yes(self, flag: bool) -> str:
        return self("yes") if flag else self("no")


def money(value: Any, places: int = 2) -> str:
    """1234567.5 → '1,234,567.50' (half-up), the same in both languages so parity can compare them."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def pct(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)) * 100:,.{places}f}%"


def number(value: Any, places: int = 0) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.{places}f}"


@cache
def _glossary_text(path: Path) -> dict[str, dict[str, str]]:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def load_glossary(env: SandboxedEnvironment) -> dict[str, Lang]:
    """The zh/en glossary; an override folder may replace ``glossary.yaml`` like any template. The asset classes'
    names come from their modules (``asset_class_<name>``), unless the glossary file gives them."""
    _, filename, _ = env.loader.get_source(env, "glossary.yaml")
    entries = ASSET_CLASS_LABELS | _glossary_text(Path(filename))
    missing = sorted(key for key, words in entries.items() if set(words) != set(LANGS))
    if missing:
        raise TemplateProblem(f"{filename}: entries without both zh and en: {', '.join(missing)}")
    return {code: Lang(code, {key: words[code] for key, words in entries.items()}) for code in LANGS}


def make_environment(overrides: Path | None = None) -> SandboxedEnvironment:
    """Templates from ``overrides`` first (any file there replaces the packaged one of the same name)."""
    roots = [templates_dir()]
    if overrides is not None:
        if not overrides.is_dir():
            raise TemplateProblem(f"{overrides}: the templates folder does not exist")
        roots.insert(0, overrides)
    env = SandboxedEnvironment(loader=ChoiceLoader([FileSystemLoader(r) for r in roots]), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    env.filters.update(money=money, pct=pct, number=number)
    env.globals["asset"] = lambda name: asset_data_uri(roots, name)
    return env


def asset_data_uri(roots: list[Path], name: str) -> Markup:
    """A packaged asset (logo, seal image) as a data: URI, so HTML stays self-contained and PDF fetches nothing."""
    for root in roots:
        path = (root / "assets" / name).resolve()
        if path.is_relative_to((root / "assets").resolve()) and path.is_file():
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return Markup(f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}")
    raise UndefinedError(f"no asset '{name}' under assets/ of {', '.join(map(str, roots))}")


def render_template(env: SandboxedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render one template; any error becomes a TemplateProblem naming template, line and what was missing."""
    try:
        return env.get_template(name).render(context)
    except TemplateError as error:
        raise TemplateProblem(f"{_where(error, name)}: {error}") from None


def _where(error: BaseException, name: str) -> str:
    """The innermost template frame of the traceback: Jinja rewrites frames to point at template lines."""
    place = name
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".j2", ".html", ".svg")):
            place = f"{frame.filename}:{frame.lineno}"
    lineno = getattr(error, "lineno", None)
    filename = getattr(error, "filename", None)
    return f"{filename}:{lineno}" if filename and lineno else place
