"""GB/T 2260 administrative-division codes, checked at province level.

No maintained package ships the full, historical GB/T 2260 county list (the ones on the registry are
single-author snapshots of the current list), and a current-only list would wrongly reject codes of
divisions merged or renamed since an entity registered. So a code is checked for what can be known
without that list: six digits, a real province-level prefix, and the layout rule that county digits
never stand directly under a province. A well-formed code of a county that does not exist passes.

Do not use this to reject a USCC on positions 3-8: a USCC keeps the division it was issued in, and
codes of central-government bodies may carry a national-level 100000, which is not a province.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from filing.model.jurisdictions import Language

__all__ = ["PROVINCES", "province_name", "province_of", "province_prefixes", "validate_region_code"]

# The 34 province-level divisions: two-digit prefix -> (Chinese name as in GB/T 2260, English name).
PROVINCES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "11": ("北京市", "Beijing"),
        "12": ("天津市", "Tianjin"),
        "13": ("河北省", "Hebei"),
        "14": ("山西省", "Shanxi"),
        "15": ("内蒙古自治区", "Inner Mongolia"),
        "21": ("辽宁省", "Liaoning"),
        "22": ("吉林省", "Jilin"),
        "23": ("黑龙江省", "Heilongjiang"),
        "31": ("上海市", "Shanghai"),
        "32": ("江苏省", "Jiangsu"),
        "33": ("浙江省", "Zhejiang"),
        "34": ("安徽省", "Anhui"),
        "35": ("福建省", "Fujian"),
        "36": ("江西省", "Jiangxi"),
        "37": ("山东省", "Shandong"),
        "41": ("河南省", "Henan"),
        "42": ("湖北省", "Hubei"),
        "43": ("湖南省", "Hunan"),
        "44": ("广东省", "Guangdong"),
        "45": ("广西壮族自治区", "Guangxi"),
        "46": ("海南省", "Hainan"),
        "50": ("重庆市", "Chongqing"),
        "51": ("四川省", "Sichuan"),
        "52": ("贵州省", "Guizhou"),
        "53": ("云南省", "Yunnan"),
        "54": ("西藏自治区", "Xizang"),
        "61": ("陕西省", "Shaanxi"),
        "62": ("甘肃省", "Gansu"),
        "63": ("青海省", "Qinghai"),
        "64": ("宁夏回族自治区", "Ningxia"),
        "65": ("新疆维吾尔自治区", "Xinjiang"),
        "71": ("台湾省", "Taiwan"),
        "81": ("香港特别行政区", "Hong Kong SAR"),
        "82": ("澳门特别行政区", "Macao SAR"),
    }
)

# GB/T 2260 lists these only as a whole, with no prefecture or county beneath them.
UNDIVIDED_PREFIXES = frozenset({"71", "81", "82"})

_SIX_DIGITS = re.compile(r"[0-9]{6}")


@functools.cache
def province_prefixes() -> frozenset[str]:
    """The valid two-digit prefixes, for checking a whole column at once (e.g. polars ``is_in``)."""
    return frozenset(PROVINCES)


def validate_region_code(code: str) -> str:
    """Return the six-digit code if its province exists and its layout is possible, else raise ValueError."""
    normalised = unicodedata.normalize("NFKC", code).strip()
    if not _SIX_DIGITS.fullmatch(normalised):
        raise ValueError(f"region code {normalised!r} must be exactly 6 digits (GB/T 2260), e.g. 350100")
    province, prefecture, county = normalised[:2], normalised[2:4], normalised[4:]
    if province not in PROVINCES:
        raise ValueError(
            f"region code {normalised!r} starts with {province!r}, which is not a GB/T 2260 province-level code"
        )
    if province in UNDIVIDED_PREFIXES and normalised != province + "0000":
        raise ValueError(
            f"region code {normalised!r}: GB/T 2260 lists {PROVINCES[province][1]} only as a whole, "
            f"so its code is {province}0000"
        )
    if prefecture == "00" and county != "00":
        raise ValueError(
            f"region code {normalised!r} puts county digits {county!r} directly under the province; "
            "a county code needs its prefecture digits (positions 3-4)"
        )
    return normalised


def province_of(code: str) -> str:
    """Return the province-level code (two digits + 0000) that a region code belongs to."""
    return validate_region_code(code)[:2] + "0000"


def province_name(code: str, lang: Language = "zh") -> str:
    """Return the Chinese (GB/T 2260) or English name of the province a region code belongs to."""
    if lang not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', not {lang!r}")
    chinese, english = PROVINCES[validate_region_code(code)[:2]]
    return chinese if lang == "zh" else english
