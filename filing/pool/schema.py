"""Tape schemas: the canonical columns each asset class needs, their types, and the headers that map onto them.

Tapes come from originators' systems with Chinese or English headers of many spellings; mapping every known spelling
onto one canonical name here means the rest of the package only ever sees ``design.md``'s canonical columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from filing.model.deal import AssetClass


class Kind(StrEnum):
    """How a column's text is parsed; each kind has one parser in ``parse.py``."""

    text = "text"
    code = "code"  # text compared as a code: stripped and upper-cased
    amount = "amount"  # money, exact Decimal with 2 places
    rate = "rate"  # a fraction; "4.35%" is read as 0.0435
    number = "number"  # a float (traffic counts)
    date = "date"
    month = "month"  # a calendar month, stored as its first day
    flag = "flag"  # yes/no
    frequency = "frequency"  # payment frequency, stored as months between payments


KINDS: dict[str, Kind] = {
    "asset_id": Kind.text, "obligor_id": Kind.text, "obligor_name": Kind.text, "obligor_uscc": Kind.code,
    "region_code": Kind.code, "industry_code": Kind.code, "currency": Kind.code,
    "original_amount": Kind.amount, "outstanding_balance": Kind.amount,
    "origination_date": Kind.date, "maturity_date": Kind.date, "interest_rate": Kind.rate,
    "related_party": Kind.flag, "obligor_group": Kind.text,
    "leased_asset_type": Kind.text, "residual_value": Kind.amount, "installment_amount": Kind.amount,
    "payment_frequency": Kind.frequency,
    "period": Kind.month, "traffic_volume": Kind.number, "toll_revenue": Kind.amount,
}
"""Every canonical column and how it is parsed."""


@dataclass(frozen=True)
class TapeSchema:
    """Columns a tape of one asset class must have, and the ones it may have (in report order)."""

    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_POOL_REQUIRED = ("asset_id", "obligor_id", "obligor_name", "outstanding_balance", "origination_date", "maturity_date")
_POOL_OPTIONAL = ("obligor_uscc", "region_code", "industry_code", "currency", "original_amount", "interest_rate",
                  "related_party", "obligor_group")

SCHEMAS: dict[AssetClass, TapeSchema] = {
    AssetClass.trade_receivables: TapeSchema(_POOL_REQUIRED, _POOL_OPTIONAL),
    AssetClass.equipment_lease: TapeSchema(
        _POOL_REQUIRED + ("installment_amount", "payment_frequency"),
        _POOL_OPTIONAL + ("leased_asset_type", "residual_value"),
    ),
    AssetClass.toll_road_income: TapeSchema(("period", "toll_revenue"), ("traffic_volume",)),
}

INDUSTRY_PATTERN = r"^[A-T]([0-9]{2,4})?$"
"""A GB/T 4754 section letter, or a full industry code (section letter + 2-4 digits) whose letter is its section."""

ND_CODES = ("ND1", "ND2", "ND3", "ND4", "ND5")
"""'No data' codes as in the EU securitisation templates; allowed in optional columns only."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "asset_id": ("应收账款编号", "资产编号", "合同编号", "assetid", "receivableid", "invoiceid", "leaseid", "loanid"),
    "obligor_id": ("债务人编号", "承租人编号", "obligorid", "debtorid", "customerid", "lesseeid"),
    "obligor_name": ("债务人名称", "债务人", "承租人名称", "obligorname", "debtorname", "customername", "lesseename"),
    "obligor_uscc": ("统一社会信用代码", "债务人统一社会信用代码", "承租人统一社会信用代码", "uscc", "obligoruscc",
                     "debtoruscc"),
    "region_code": ("行政区划代码", "地区代码", "债务人地区代码", "regioncode", "region", "areacode"),
    "industry_code": ("行业代码", "行业门类", "债务人行业", "industrycode", "industry", "industrysection"),
    "currency": ("币种", "currency", "ccy"),
    "original_amount": ("初始金额", "合同金额", "原始金额", "originalamount", "originalbalance", "contractamount"),
    "outstanding_balance": ("未偿本金余额", "剩余本金", "未偿余额", "outstandingbalance", "outstanding", "balance",
                            "currentbalance"),
    "origination_date": ("起始日", "发生日", "起租日", "originationdate", "startdate", "invoicedate"),
    "maturity_date": ("到期日", "maturitydate", "duedate", "enddate"),
    "interest_rate": ("利率", "年利率", "租赁利率", "interestrate", "rate"),
    "related_party": ("是否关联方", "关联方", "relatedparty", "isrelatedparty"),
    "obligor_group": ("债务人集团", "所属集团", "obligorgroup", "group"),
    "leased_asset_type": ("租赁物类型", "leasedassettype", "assettype", "equipmenttype"),
    "residual_value": ("残值", "residualvalue"),
    "installment_amount": ("租金", "每期租金", "installmentamount", "installment", "rent"),
    "payment_frequency": ("支付频率", "付款频率", "paymentfrequency", "frequency"),
    "period": ("期间", "月份", "period", "month"),
    "traffic_volume": ("车流量", "trafficvolume", "traffic"),
    "toll_revenue": ("通行费收入", "tollrevenue", "revenue"),
}

_UNIT_SUFFIX = re.compile(r"[(（\[](元|人民币元|cny|rmb|%|辆|辆次)[)）\]]$")
_SEPARATORS = re.compile(r"[\s_\-./]+")


def header_key(header: str) -> str:
    """The form headers are compared in: NFKC (full-width to ASCII), lower case, no spaces/underscores, no unit."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return _SEPARATORS.sub("", _UNIT_SUFFIX.sub("", text))


def header_is_percent(header: str) -> bool:
    """A header such as '利率(%)' says its values are percentages."""
    return bool(re.search(r"[(（\[]\s*[%％]\s*[)）\]]\s*$", header))


ALIASES: dict[str, str] = {header_key(name): column for column in KINDS for name in (column,)} | {
    header_key(alias): column for column, aliases in _ALIASES.items() for alias in aliases
}
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

__all__ = ["Kind", "KINDS", "TapeSchema", "SCHEMAS", "ND_CODES", "ALIASES", "INDUSTRY_SECTIONS", "INDUSTRY_PATTERN",
           "header_key",
           "header_is_percent"]
