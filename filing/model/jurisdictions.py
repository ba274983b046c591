"""One canonical code (ISO 3166-1 alpha-2) for every way a jurisdiction can be written.

The token must never reach the mainland, and Hong Kong, Macao and Taiwan are outside it for
cross-border purposes, so ``CHN``, ``156``, ``China``, ``中国`` and ``中国大陆`` must all become ``CN``
while ``HK``, ``MO`` and ``TW`` stay distinct. Every rule compares canonical codes only.
Lookup is exact (after case folding and whitespace clean-up): an unrecognised value is an error,
never a guess; a suggestion is offered only for a near-miss (one or two typed characters off), since a distant one
("Republic of Chad" for "Republic of China") misleads.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import pycountry

from filing.errors import Invalid

__all__ = ["MAINLAND", "Language", "jurisdiction_name", "normalise_jurisdiction", "numeric_code"]

MAINLAND = "CN"

Language = Literal["zh", "en"]

# Names that ISO 3166 and its Chinese translations do not spell the way deal documents do.
# These are authoritative: they win over any translated name that happens to collide.
# fmt: off
ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "CN": (
            "中国", "中國", "中国大陆", "中國大陸", "大陆", "内地", "中国内地", "中国境内",
            "中华人民共和国", "中華人民共和國", "PRC", "Mainland China", "Chinese Mainland",
            "China (Mainland)",
        ),
        "HK": (
            "香港", "中国香港", "中國香港", "香港特别行政区", "香港特別行政區",
            "Hong Kong SAR", "HKSAR", "Hong Kong, China", "Hong Kong SAR, China", "Hongkong",
        ),
        "MO": (
            "澳门", "澳門", "中国澳门", "中國澳門", "澳门特别行政区", "澳門特別行政區",
            "Macau", "Macao SAR", "Macau SAR", "Macao, China", "Macau, China",
        ),
        "TW": (
            "台湾", "臺灣", "台灣", "中国台湾", "中國台灣", "台湾省", "臺灣省",
            "Taiwan, China", "Republic of China", "Chinese Taipei", "中华台北", "中華台北", "中华民国",
            "中華民國", "ROC",
        ),
        "SG": ("新加坡",),
        "VG": ("英属维尔京群岛", "英屬維爾京群島", "BVI"),
        "KY": ("开曼群岛", "開曼群島", "开曼", "Cayman"),
        "US": ("美国", "美國"),
        "GB": ("英国", "英國", "UK", "Great Britain", "Britain"),
        "JP": ("日本",),
        "KR": ("韩国", "韓國", "南韩", "南韓", "South Korea"),
        "AE": ("阿联酋", "阿聯酋", "阿拉伯联合酋长国", "UAE"),
    }
)
# fmt: on

# Document names that differ from ISO's. In mainland filings Hong Kong, Macao and Taiwan are
# written as part of China; in English the SAR status is spelled out.
DOCUMENT_NAMES: Mapping[Language, Mapping[str, str]] = MappingProxyType(
    {
        "zh": MappingProxyType(
            {"CN": "中国", "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾", "KR": "韩国"}
        ),
        "en": MappingProxyType(
            {"HK": "Hong Kong SAR", "MO": "Macao SAR", "TW": "Taiwan", "VG": "British Virgin Islands"}
        ),
    }
)

CHINESE_LOCALES = ("zh_CN", "zh_TW", "zh_HK")


def _key(text: str) -> str:
    """Fold case, width and spacing (and drop full stops, so U.S.A. matches USA) for lookups."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace(".", "")
    return " ".join(folded.split())


@functools.cache
def _translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _iso_names(country: pycountry.db.Country) -> list[str]:
    english = [
        getattr(country, field)
        for field in ("name", "official_name", "common_name")
        if hasattr(country, field)
    ]
    chinese = [_translation(locale).gettext(name) for locale in CHINESE_LOCALES for name in english]
    return [country.alpha_2, country.alpha_3, *english, *chinese]


@functools.cache
def _lookup_table() -> Mapping[str, str]:
    """Map every accepted spelling to its alpha-2 code; built once, read-only.

    A translated name shared by two countries is dropped rather than resolved, so it is rejected
    as unknown instead of silently picking one of them.
    """
    candidates: defaultdict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        for name in _iso_names(country):
            candidates[_key(name)].add(country.alpha_2)
    table = {key: codes.pop() for key, codes in candidates.items() if len(codes) == 1}
    table.update({_key(alias): alpha2 for alpha2, aliases in ALIASES.items() for alias in aliases})
    return MappingProxyType(table)


def _from_numeric(digits: str) -> str:
    if (
        digits.isdigit()
        and len(digits) <= 3
        and (country := pycountry.countries.get(numeric=digits.zfill(3)))
    ):
        return country.alpha_2
    raise Invalid("jurisdiction.numeric", digits=digits)


def normalise_jurisdiction(value: str | int) -> str:
    """Return the ISO 3166-1 alpha-2 code for a code (alpha-2, alpha-3, numeric) or an English or Chinese name."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"a jurisdiction must be a code or a name, not {value!r}")
    if isinstance(value, int):
        return _from_numeric(str(value))
    key = _key(value)
    if not key:
        raise ValueError("jurisdiction is empty; give an ISO 3166 code such as HK, or a country name")
    if key.isdigit():
        return _from_numeric(key)
    table = _lookup_table()
    if key in table:
        return table[key]
    close = [c for c in difflib.get_close_matches(key, table.keys(), n=3, cutoff=0.8) if _near_miss(key, c)]
    if close:
        raise Invalid("jurisdiction.unknown_close", name=value.strip(), close=close[0], code=table[close[0]])
    raise Invalid("jurisdiction.unknown", name=value.strip())


def _near_miss(typed: str, known: str) -> bool:
    """A typo, not another name: at most one edit for short names, two from eight characters on."""
    return _edits(typed, known) <= (2 if len(typed) >= 8 else 1)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right)))
        previous = current
    return previous[-1]


def _country(alpha2: str) -> pycountry.db.Country:
    code = alpha2.strip().upper()
    if len(code) == 2 and (country := pycountry.countries.get(alpha_2=code)):
        return country
    raise ValueError(
        f"{alpha2!r} is not an ISO 3166 alpha-2 code; pass the value through normalise_jurisdiction first"
    )


def numeric_code(alpha2: str) -> int:
    """Return the ISO 3166 numeric code, which ERC-3643 identity registries store as uint16 (CN is 156)."""
    return int(_country(alpha2).numeric)


def jurisdiction_name(alpha2: str, lang: Language = "zh") -> str:
    """Return the name to print in filing documents, in mainland usage for zh (香港 reads 中国香港)."""
    if lang not in DOCUMENT_NAMES:
        raise ValueError(f"language must be 'zh' or 'en', not {lang!r}")
    country = _country(alpha2)
    if country.alpha_2 in DOCUMENT_NAMES[lang]:
        return DOCUMENT_NAMES[lang][country.alpha_2]
    if lang == "zh":
        return _translation("zh_CN").gettext(country.name)
    return getattr(country, "common_name", country.name)
