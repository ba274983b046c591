"""Language parity: the Chinese and English versions of a document must state the same figures.

Why: law firms translate by hand and the commonest error in a bilingual filing is a number, date or identifier that
changed in one language only. Both versions come from one template, so a difference points at the deal's paired
texts (``*_zh``/``*_en``) or at a glossary entry that carries a number in one language only.

What is compared, as sets per kind: hex strings (addresses, hashes), identifiers (runs of capitals and digits with
both, such as USCC, LEI, ISIN and the deal id), dates (``2026年11月20日``, ``20 November 2026`` and ISO dates all become
ISO) and the remaining numbers (thousands separators dropped, ``第一期`` read as 1, ``前二十大`` as 20).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from filing.packet.environment import MONTHS_EN
from filing.packet.htmltree import Element, language_sections, parse

_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z_])", r"(?![0-9A-Za-z_])"
HEX = re.compile(rf"{_EDGE_L}0x[0-9a-fA-F]{{8,}}{_EDGE_R}")
IDENTIFIER = re.compile(rf"{_EDGE_L}(?=[0-9A-Z.-]*[0-9])(?=[0-9A-Z.-]*[A-Z])[0-9A-Z][0-9A-Z.-]*[0-9A-Z]{_EDGE_R}")
DATE_ZH = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATE_EN = re.compile(rf"{_EDGE_L}(\d{{1,2}}) ({'|'.join(MONTHS_EN)}) (\d{{4}}){_EDGE_R}")
DATE_ISO = re.compile(rf"{_EDGE_L}(\d{{4}})-(\d{{2}})-(\d{{2}}){_EDGE_R}")
NUMBER = re.compile(r"(?<![0-9A-Za-z.])\d[\d,]*(?:\.\d+)?%?")
COUNTED_ZH = re.compile(r"(前|第)([一二三四五六七八九十]{1,3})")
"""A Chinese number after 前 (top n) or 第 (n-th): 第一期, 前二十大, 前十大."""
ROAD_SECTION_ZH = re.compile(r"(?<=[路街])([一二三四五六七八九十]{1,3})(?=段)")
"""A road's section in an address: 人民南路四段 is "Renmin South Road Section 4" in English."""
ENUMERATED_ZH = re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九十]{1,3})(?=、)"
                           r"|（([一二三四五六七八九十]{1,3})）")
"""A numbered heading or item in PRC style: 一、 and （一）, read as 1 (the English version numbers them 1. and (1))."""
CHINESE_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
UNPAIRED = "unpaired"
"""Class of text that one language carries on purpose without a counterpart (the internal annex's research notes,
kept in the English they were written in): left out of the comparison."""


@dataclass(frozen=True)
class ParityIssue:
    """Values of one kind found in one language's version of a document but not in the other's."""

    document: str
    kind: str
    only_zh: tuple[str, ...]
    only_en: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"document": self.document, "kind": self.kind, "only_zh": list(self.only_zh),
                "only_en": list(self.only_en)}

    def __str__(self) -> str:
        return (f"{self.document}: {self.kind} differ between the zh and en versions "
                f"(only zh: {', '.join(self.only_zh) or '-'}; only en: {', '.join(self.only_en) or '-'})")


def facts(text: str) -> dict[str, set[str]]:
    """The comparable values of one version, each kind removed from the text before the next is looked for."""
    found: dict[str, set[str]] = {"hex": set(), "identifiers": set(), "dates": set(), "numbers": set()}

    def take(pattern: re.Pattern[str], kind: str, value) -> None:
        nonlocal text
        found[kind].update(value(m) for m in pattern.finditer(text))
        text = pattern.sub(" ", text)

    take(HEX, "hex", lambda m: m[0].lower())
    take(DATE_ZH, "dates", lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
    take(DATE_EN, "dates", lambda m: f"{m[3]}-{MONTHS_EN.index(m[2]) + 1:02d}-{int(m[1]):02d}")
    take(DATE_ISO, "dates", lambda m: m[0])
    take(IDENTIFIER, "identifiers", lambda m: m[0])
    text = COUNTED_ZH.sub(lambda m: f"{m[1]}{chinese_number(m[2])}", text)
    text = ROAD_SECTION_ZH.sub(lambda m: f" {chinese_number(m[1])}", text)
    text = ENUMERATED_ZH.sub(lambda m: f" {chinese_number(m[1] or m[2])} ", text)
    take(NUMBER, "numbers", lambda m: m[0].replace(",", ""))
    return found


def chinese_number(text: str) -> int:
    """一 … 九十九: 十 is ten, a digit before it multiplies, a digit after it adds."""
    if "十" not in text:
        return CHINESE_DIGITS[text[-1]]
    tens, _, units = text.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)


def check_parity(document: str, html: str) -> list[ParityIssue]:
    """Compare the zh and en sections of one rendered document; nothing to compare when only one language is built."""
    sections = language_sections(parse(html))
    if not {"zh", "en"} <= sections.keys():
        return []
    zh, en = facts(_paired(sections["zh"]).text()), facts(_paired(sections["en"]).text())
    return [ParityIssue(document, kind, tuple(sorted(zh[kind] - en[kind])), tuple(sorted(en[kind] - zh[kind])))
            for kind in zh if zh[kind] != en[kind]]


def _paired(element: Element) -> Element:
    """The element without its ``unpaired`` descendants."""
    return Element(element.tag, element.attrs, [child if isinstance(child, str) else _paired(child)
                                                for child in element.children
                                                if isinstance(child, str) or UNPAIRED not in child.classes])
