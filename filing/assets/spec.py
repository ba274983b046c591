"""What an asset class module declares: its tape columns and the facts about the class that the pool, the rules and
the scaffold act on. Declarative on purpose, so the class modules stay below every stage that reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl


class Kind(StrEnum):
    """How a column's text is parsed; each kind has one parser in ``filing/pool/parse.py``."""

    text = "text"
    code = "code"  # text compared as a code: stripped and upper-cased
    amount = "amount"  # money, exact Decimal with 2 places
    rate = "rate"  # a fraction; "4.35%" is read as 0.0435
    number = "number"  # a float (traffic counts)
    date = "date"
    month = "month"  # a calendar month, stored as its first day
    flag = "flag"  # yes/no
    frequency = "frequency"  # payment frequency, stored as months between payments


@dataclass(frozen=True)
class Column:
    """A canonical tape column: its name, how it is parsed, and the other headers (Chinese first) that mean it."""

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowCheckSpec:
    """A class's own row check: rows where ``failing`` holds get finding ``code`` on ``column``."""

    code: str
    column: str
    failing: pl.Expr
    detail: str = ""
    detail_zh: str = ""


@dataclass(frozen=True)
class AssetSpec:
    """One asset class.

    ``tape`` says what a row is: an asset of a pool (obligors, balances, maturities: pool analytics, concentration,
    eligibility) or a month of an income right's revenue history (revenue analytics). ``cashflow`` picks the
    projection: ``bullet`` pays each balance at maturity with monthly interest, ``instalments`` amortises by the
    instalment and payment frequency, ``revenue`` grows the revenue history (``filing/pool/cashflow.py``).
    """

    name: str
    label_zh: str
    label_en: str
    """What documents and findings call the class; the glossary's ``asset_class_<name>`` entries come from these."""
    required: tuple[Column, ...]
    optional: tuple[Column, ...]
    tape: Literal["pool", "history"]
    cashflow: Literal["bullet", "instalments", "revenue"]
    cashflow_basis: str
    """The deal's ``assets.cashflow_basis`` that ``filing init`` writes."""
    nature: Literal["receivable", "lease", "charge_right"]
    """The asset's legal nature, as the ABS negative list reasons about mixes (item 6 names receivables with toll-road
    charge rights as an unrelated mix)."""
    rate_disclosed: bool = False
    """The pool overview must state a weighted-average rate (CN-ABS-01): interest-bearing assets."""
    dispersion: Literal["obligors", "creditors"] | None = None
    """Whose dispersion the exchange admission standard tests (CN-ABS-04; SSE Guideline No. 2 §3.2.3)."""
    term_end: str | None = None
    """The ``assets`` field stating when the income right ends, which must cover the notes (CN-ABS-12)."""
    row_checks: Callable[[date], list[RowCheckSpec]] = lambda cut_off: []
    """Checks only this class's columns need, given the cut-off date."""
    scaffold_assets: tuple[str, ...] = ()
    """Extra lines under ``assets:`` in the deal ``filing init`` writes (with their REPLACE comments)."""
    scaffold_stress: str = ""
    """Extra assumptions of the scaffold's stress scenario, as YAML flow-mapping entries."""

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.required + self.optional

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


__all__ = ["AssetSpec", "Column", "Kind", "RowCheckSpec"]
