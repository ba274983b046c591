"""Messages in English and Chinese from one catalogue, ``templates/messages.yaml``.

Why a catalogue: a message written once with named placeholders (``{field}``) and translated beside its English keeps
both languages in step, lets a test check that every entry has both with the same placeholders, and leaves the code
that raises an error free of language choices. English is the fallback wherever a text has no Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from filing.placeholders import fill
from filing.resources import templates_dir

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Message id → {en, zh, and optionally hint: the id of the entry that says what to do next}."""
    from ruamel.yaml import YAML  # on first message only: `filing --version` prints none

    return YAML(typ="safe", pure=True).load((templates_dir() / "messages.yaml").read_text(encoding="utf-8"))


def language(value: str | None) -> Lang:
    """``zh``, ``zh_CN.UTF-8`` or ``zh-Hans`` are Chinese; ``en``, ``en_GB`` or nothing is English; else ValueError."""
    code = (value or "en").strip().lower()[:2]
    if code not in LANGS:
        raise ValueError(f"the language is en or zh, not {value!r}")
    return code  # type: ignore[return-value]


def pick(lang: str, en: str, zh: str | None) -> str:
    """The one place that chooses between a text's two languages: Chinese when asked for and present."""
    return zh if lang == "zh" and zh else en


def text(key: str, lang: str = "en", **params: Any) -> str:
    """The catalogue's message ``key`` in ``lang`` with its placeholders filled."""
    entry = catalogue()[key]
    return fill(pick(lang, entry["en"], entry.get("zh")), params)


def hint(key: str, lang: str = "en", **params: Any) -> str:
    """What to do next after the message ``key`` ('' when the entry names no hint)."""
    target = catalogue()[key].get("hint")
    return text(target, lang, **params) if target else ""


__all__ = ["LANGS", "Lang", "catalogue", "hint", "language", "pick", "text"]
