"""The pool report: every figure the rulebook and the documents read about the tape, in one frozen value.

``to_dict`` gives deterministic JSON-ready data: amounts as Decimal strings, shares and months as floats rounded to
six places, dates as ISO text. The canonical frame stays available through ``frame`` for the cash-flow projection
but is never serialised.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from filing.pool.breakeven import BreakevenReport
from filing.pool.checks import TapeFinding
from filing.pool.concentration import (
    AffiliateShare,
    Concentration,
    Dispersion,
    ImportantProvider,
    ObligorRow,
    TopAsset,
)
from filing.pool.eligibility import EligibilityResult
from filing.pool.stats import DistributionRow, Totals, WeightedAverages
from filing.pool.tollroad import TollRoadHistory
from filing.pool.vintage import HistoryReport


@dataclass(frozen=True)
class TapeInfo:
    file: str
    """File name of the tape (not its full path, so reports are the same on every machine)."""
    format: str
    encoding: str | None
    sheet: str | None
    rows: int
    headers: tuple[str, ...]
    columns: dict[str, str]
    unrecognised: tuple[str, ...]
    nd_counts: dict[str, dict[str, int]]


@dataclass(frozen=True)
class Quality:
    completeness: float
    """Share of schema cells (required + optional columns) that hold a usable value: not blank, not ND, parsable."""
    rows_passing: int
    """Rows with no blocker or warning finding."""
    rows_passing_share: float
    nd_cells: int


@dataclass(frozen=True)
class PoolReport:
    asset_class: str
    cut_off_date: date
    currency: str
    tape: TapeInfo
    findings: tuple[TapeFinding, ...]
    quality: Quality
    totals: Totals | None
    weighted_averages: WeightedAverages | None
    eligibility: EligibilityResult | None
    distributions: dict[str, tuple[DistributionRow, ...]]
    top_assets: tuple[TopAsset, ...]
    all_assets_at_most_1pct: bool | None
    """True when no asset exceeds 1% of the pool, so the top-20 table may be omitted (SSE No. 1 §4.1.2)."""
    top_obligors: tuple[ObligorRow, ...]
    concentration: Concentration | None
    important_providers: tuple[ImportantProvider, ...]
    important_provider_dishonest: bool | None
    """Whether any important cash-flow provider is on ``assets.dishonest_obligors`` (AMAC negative list item 2)."""
    affiliates: AffiliateShare | None
    dispersion: Dispersion | None
    toll_road: TollRoadHistory | None
    cashflows: Any = None
    """Filled by the cash-flow projection; None until then."""
    history: HistoryReport | None = None
    """The static-pool history (``assets.history``): vintage curves, CPR/CDR estimates and the base case."""
    breakeven: BreakevenReport | None = None
    """Filled with the cash flows: each tranche's breakeven default rate under each prepayment scenario."""
    frame: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False, compare=False)
    """Canonical typed tape columns plus ``row`` (file row), ``passes_checks`` and ``eligible``."""
    history_frame: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False, compare=False)
    """The validated static-pool history (``filing.pool.history.History.frame``), stored in the packet."""

    @property
    def blockers(self) -> tuple[TapeFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "blocker")

    def to_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in ("frame", "history_frame")}


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, TapeFinding):
        return {"code": value.code, "severity": value.severity, "title": value.title,
                **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    return value


__all__ = ["PoolReport", "TapeInfo", "Quality"]
