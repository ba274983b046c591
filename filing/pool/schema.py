"""Tape schemas: the canonical columns each asset class needs, their types, and the headers that map onto them.

Tapes come from originators' systems with Chinese or English headers of many spellings; mapping every known spelling
onto one canonical name here means the rest of the package only ever sees ``design.md``'s canonical columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from filing.assets import ALIASES as COLUMN_ALIASES
from filing.assets import KINDS, SPECS, AssetClass, Kind


@dataclass(frozen=True)
class TapeSchema:
    """Columns a tape of one asset class must have, and the ones it may have (in report order)."""

    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SCHEMAS: dict[AssetClass, TapeSchema] = {
    AssetClass(name): TapeSchema(tuple(c.name for c in spec.required), tuple(c.name for c in spec.optional))
    for name, spec in SPECS.items()}
"""Each class's columns, from its module in ``filing/assets``."""

INDUSTRY_PATTERN = r"^[A-T]([0-9]{2,4})?$"
"""A GB/T 4754 section letter, or a full industry code (section letter + 2-4 digits) whose letter is its section."""

ND_CODES = ("ND1", "ND2", "ND3", "ND4", "ND5")
"""'No data' codes as in the EU securitisation templates; allowed in optional columns only."""

_UNIT_SUFFIX = re.compile(r"[(（\[](元|人民币元|cny|rmb|%|辆|辆次)[)）\]]$")
_SEPARATORS = re.compile(r"[\s_\-./]+")


def header_key(header: str) -> str:
    """The form headers are compared in: NFKC (full-width to ASCII), lower case, no spaces/underscores, no unit."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return _SEPARATORS.sub("", _UNIT_SUFFIX.sub("", text))


def header_is_percent(header: str) -> bool:
    """A header such as '利率(%)' says its values are percentages."""
    return bool(re.search(r"[(（\[]\s*[%％]\s*[)）\]]\s*$", header))


def _header_map() -> dict[str, str]:
    """Normalised header → canonical column; two columns claiming one spelling would make it ambiguous, so that
    fails at import."""
    found: dict[str, str] = {}
    for column in KINDS:
        for name in (column, *COLUMN_ALIASES[column]):
            if found.setdefault(header_key(name), column) != column:
                raise ValueError(f"header {name!r} would mean both {found[header_key(name)]} and {column}")
    return found


ALIASES: dict[str, str] = _header_map()
"""Normalised header → canonical column."""

INDUSTRY_SECTIONS: dict[str, tuple[str, str]] = {
    "A": ("农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    "B": ("采矿业", "Mining"),
    "C": ("制造业", "Manufacturing"),
    "D": ("电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water supply"),
    "E": ("建筑业", "Construction"),
    "F": ("批发和零售业", "Wholesale and retail trade"),
    "G": ("交通运输、仓储和邮政业", "Transport, storage and postal services"),
    "H": ("住宿和餐饮业", "Accommodation and catering"),
    "I": ("信息传输、软件和信息技术服务业", "Information transmission, software and IT services"),
    "J": ("金融业", "Finance"),
    "K": ("房地产业", "Real estate"),
    "L": ("租赁和商务服务业", "Leasing and business services"),
    "M": ("科学研究和技术服务业", "Scientific research and technical services"),
    "N": ("水利、环境和公共设施管理业", "Water, environment and public facilities management"),
    "O": ("居民服务、修理和其他服务业", "Resident services, repair and other services"),
    "P": ("教育", "Education"),
    "Q": ("卫生和社会工作", "Health and social work"),
    "R": ("文化、体育和娱乐业", "Culture, sports and entertainment"),
    "S": ("公共管理、社会保障和社会组织", "Public administration, social security and social organisations"),
    "T": ("国际组织", "International organisations"),
}
"""GB/T 4754-2017 sections (门类)."""

def accepted_headers(columns: list[str]) -> str:
    """The columns with the other headers that mean them, for a message asking for missing columns (TAPE-04)."""
    return "; ".join(f"{c} ({', '.join(COLUMN_ALIASES[c])})" if COLUMN_ALIASES[c] else c for c in columns)


__all__ = ["Kind", "KINDS", "TapeSchema", "SCHEMAS", "ND_CODES", "ALIASES", "INDUSTRY_SECTIONS", "INDUSTRY_PATTERN",
           "header_key",
           "header_is_percent", "accepted_headers"]
