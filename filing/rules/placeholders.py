"""Rules on the deal file itself: a deal started with `filing init` marks every value still to be written with
REPLACE, and a filing that still carries one is not finished."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from filing.rules.guideline import GUIDELINE, REPRODUCED
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

MARKER = "REPLACE"
"""What `filing init` writes where the issuer must put a real value (templates/scaffold/deal.yaml.j2)."""


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in the deal with its model path (``token.tranches[0].symbol``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


@rule("DEAL-01", title="No placeholder from `filing init` is left in the deal", title_zh="交易文件中无未替换的占位内容",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}: the filing report states the filer, the assets and the offering; {REPRODUCED}. "
             "The REPLACE marker is the one `filing init` writes",
      message="still holds the placeholder '{value}' from `filing init`: write the real value",
      message_zh="仍为占位内容“{value}”，请填写实际信息")
def no_placeholders(ctx: Context) -> Iterator[Hit]:
    """What: no text in the deal contains REPLACE, the marker `filing init` puts on every value the issuer must fill
    in (names, addresses, identifiers, token symbols, contacts).
    Why: a filing report that names 'REPLACE有限公司' as its filer describes nobody; the documents are rendered from
    the deal, so a placeholder would reach the CSRC in them.
    Source: the Guideline's filing report (official wording reproduced); the marker is this tool's own."""
    for path, text in _strings(ctx.deal.model_dump(mode="json", exclude_defaults=True)):
        if MARKER in text:
            yield hit(path, value=text if len(text) <= 60 else text[:59] + "…")
