"""Sequential note waterfall: who is paid from each month's pool cash, and how well each tranche is covered.

Timeline. Month k (k = 1..N) ends ``k`` months after the pool's cut-off. The notes are issued at the closing date,
in month ``c`` (0 when they are issued at the cut-off): cash the pool collects from the cut-off to the closing waits in
the collection account, nothing accrues or is paid before the closing, and interest of month ``c`` accrues for the
share of it after the closing (``first_fraction``). Distribution dates are the ends of months ``c + g``, ``c + 2g``, …
(``g`` the shortest tranche payment frequency) and the last month of the projection; tranche t's interest falls due
every ``payment_frequency_months`` after the closing (months ``c + f``, ``c + 2f``, …) and in the last month.

Tranches are paid in seniority order (1 first; equal seniority is ordered by id, still sequentially). On a
distribution date:

1. senior fees: ``senior_fees_rate / 12`` × notes outstanding accrues each month; all accrued fees are due;
2. interest, tranche by tranche: ``coupon_rate / 12`` × balance accrues each month (on the balance at the start of
   the month) and is due on the tranche's own payment dates; what cannot be paid is the tranche's interest
   shortfall, due again on its next payment date, without interest on interest;
3. during the revolving period (distribution dates up to ``Revolving.until_month``) all cash left buys new assets
   of the pool's kind (``purchases``), which then pay like the original pool per unit of balance
   (``Revolving.unit``); after it,
4. principal, sequentially: all cash left pays down the most senior outstanding tranche, then the next (turbo);
5. once no note, interest or fee is outstanding, what is left goes to the residual holder.

Coverage ratio (覆盖倍数) of tranche t on a distribution date = cash available (the collection account before any
payment) ÷ the amount due to t and everything senior to it: fees due + Σ over tranches s up to and including t of
(interest due to s + principal due to s). The notes are pass-through, so no principal is scheduled before legal
maturity: a tranche's whole balance falls due on its last distribution date on or before its legal maturity and stays
due until paid. Where nothing is due, or tranche t is repaid, the ratio is undefined (NaN) and left out of the
minimum. A ratio of 1.0 or more
means covered.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from filing.model.deal import Tranche


@dataclass(frozen=True)
class Note:
    """A tranche as the waterfall sees it: principal already converted into the pool currency."""

    id: str
    principal: float
    coupon_rate: float
    frequency: int
    legal_maturity: date


@dataclass(frozen=True)
class TrancheResult:
    """One tranche through one scenario: monthly arrays (index k-1 is month k) and what they add up to."""

    id: str
    interest_paid: np.ndarray
    principal_paid: np.ndarray
    balance: np.ndarray
    """Principal outstanding after the month's distribution."""
    interest_shortfall: np.ndarray
    """Interest that fell due and is still unpaid after the month's distribution."""
    coverage: np.ndarray
    """Coverage ratio on each distribution date (NaN where nothing is due or no distribution happens)."""
    legal_maturity: date
    repaid_on: date | None
    """End of the month whose distribution brought the balance to zero; None if it never reaches zero."""
    repaid_in_full: bool
    """Repaid on or before the legal maturity."""
    loss: float
    """Principal still outstanding at the end of the projection."""
    wal_years: float | None
    """Weighted average life of the principal actually paid, in years of 12 months from the closing month."""
    min_coverage: float | None


@dataclass(frozen=True)
class Waterfall:
    """Where each month's cash went, for one scenario."""

    available: np.ndarray
    """Cash in the collection account on each distribution date before payments (0 on other months)."""
    fees_paid: np.ndarray
    residual: np.ndarray
    tranches: tuple[TrancheResult, ...]
    """In payment order."""
    purchases: np.ndarray
    """Cash spent on new assets during the revolving period, by month."""


@dataclass(frozen=True)
class Revolving:
    """The revolving period: purchases on distribution dates up to month ``until_month``; ``unit[k]`` is what one
    unit of balance bought at a month's end collects ``k + 1`` months later (the original pool's own pattern)."""

    until_month: int
    unit: np.ndarray


def run_waterfall(cash: np.ndarray, notes: Sequence[Note], fees_rate: float, periods: Sequence[date], *,
                  issue_month: int = 0, first_fraction: float = 1.0,
                  revolving: Revolving | None = None) -> Waterfall:
    """Pay ``cash[k-1]`` (pool collections of month k, whose end is ``periods[k-1]``) through ``notes`` in order,
    the notes being issued in month ``issue_month`` (module docstring)."""
    cash = np.array(cash, dtype=np.float64)
    months, count = len(cash), len(notes)
    step = min(note.frequency for note in notes)
    since = np.arange(1, months + 1) - issue_month
    distribution = (since > 0) & (since % step == 0)
    distribution[-1] = True
    principal_due_month = [_principal_due_month(distribution, bisect.bisect_right(periods, n.legal_maturity))
                           for n in notes]
    # the month loop works on Python floats: a numpy call on a three-element array costs more than the sum itself
    coupons = [n.coupon_rate / 12 for n in notes]
    balance = [float(n.principal) for n in notes]
    accruing, unpaid = [0.0] * count, [0.0] * count
    fees_accruing = fees_unpaid = account = 0.0
    available, fees_paid, residual, purchases = (np.zeros(months) for _ in range(4))
    interest_paid, principal_paid, balances, shortfall = (np.zeros((count, months)) for _ in range(4))
    coverage = np.full((count, months), np.nan)
    for i, (month_since, distributes) in enumerate(zip(since.tolist(), distribution.tolist(), strict=True)):
        month, last = i + 1, i == months - 1
        account += float(cash[i])
        share = 0.0 if month < issue_month else first_fraction if month == issue_month else 1.0
        outstanding_notes = 0.0
        for t in range(count):
            outstanding_notes += balance[t]
            accruing[t] += share * coupons[t] * balance[t]
        fees_accruing += share * fees_rate / 12 * outstanding_notes
        if distributes:
            available[i] = account
            due = fees_unpaid + fees_accruing
            fees_paid[i] = paid = min(account, due)
            account, fees_unpaid, fees_accruing = account - paid, due - paid, 0.0
            senior_due = due
            for t, note in enumerate(notes):
                outstanding = balance[t] > 0 or unpaid[t] > 0 or accruing[t] > 0
                if last or month_since % note.frequency == 0:
                    due = unpaid[t] + accruing[t]
                    interest_paid[t, i] = paid = min(account, due)
                    account, unpaid[t], accruing[t] = account - paid, due - paid, 0.0
                    senior_due += due
                if month >= principal_due_month[t]:
                    senior_due += balance[t]
                if senior_due > 0 and outstanding:
                    coverage[t, i] = available[i] / senior_due
            if revolving is not None and month <= revolving.until_month and not last:
                purchases[i], account = account, 0.0
                cash[i + 1:] += purchases[i] * revolving.unit[:months - i - 1]
            for t in range(count):
                principal_paid[t, i] = paid = min(account, balance[t])
                account, balance[t] = account - paid, balance[t] - paid
            if not (any(balance) or any(unpaid) or any(accruing) or fees_unpaid):
                residual[i], account = account, 0.0
        balances[:, i], shortfall[:, i] = balance, unpaid
    results = tuple(
        _result(note, interest_paid[t], principal_paid[t], balances[t], shortfall[t], coverage[t], periods,
                issue_month)
        for t, note in enumerate(notes))
    return Waterfall(available, fees_paid, residual, results, purchases)


def notes_in_pool_currency(tranches: list[Tranche], pool_currency: str | None, fx_to_pool: Mapping[str, Decimal],
                           fx_rate: float | None) -> tuple[str, list[Note], list[dict]]:
    """Tranches in payment order, their principal in the pool currency, and the FX choices made on the way.

    A tranche in another currency is converted at the deal's ``cashflow.fx_to_pool`` rate for it, else at
    ``fx_rate``, else at 1.0 as a stated assumption. Each choice is ``{"key", "params", "text"}``: a glossary key
    and its parameters for the documents, and the English sentence for the JSON reader."""
    ordered = sorted(tranches, key=lambda t: (t.seniority, t.id))
    currency = pool_currency or ordered[0].currency
    assumptions = [] if pool_currency else [assumption(
        "assumption_pool_currency", f"pool currency not stated: taken to be {currency}, the notes' currency",
        currency=currency)]
    notes = []
    for t in ordered:
        rate = 1.0
        if t.currency != currency:
            given = fx_to_pool.get(t.currency, fx_rate)
            rate = 1.0 if given is None else float(given)
            source = "assumed: no rate given" if given is None else "given"
            assumptions.append(assumption(
                "assumption_fx_assumed" if given is None else "assumption_fx_given",
                f"tranche {t.id} in {t.currency} converted at {rate} {currency} per {t.currency} ({source})",
                tranche=t.id, tranche_currency=t.currency, rate=f"{rate:g}", currency=currency))
        notes.append(Note(t.id, float(t.principal) * rate, float(t.coupon_rate), t.payment_frequency_months,
                          t.legal_maturity))
    return currency, notes, assumptions


def assumption(key: str, text: str, **params: str) -> dict:
    """A choice the projection made that the deal did not state, in a form both the JSON and the documents read."""
    return {"key": key, "params": params, "text": text}


def _principal_due_month(distribution: np.ndarray, legal_month: int) -> int:
    """Last distribution month on or before the legal maturity (the first one if the maturity comes earlier)."""
    before = np.flatnonzero(distribution[:legal_month])
    return int((before[-1] if before.size else np.flatnonzero(distribution)[0]) + 1)


def _result(note: Note, interest_paid: np.ndarray, principal_paid: np.ndarray, balance: np.ndarray,
            shortfall: np.ndarray, coverage: np.ndarray, periods: Sequence[date], issue_month: int) -> TrancheResult:
    zero = np.flatnonzero(balance == 0)
    repaid_on = periods[zero[0]] if zero.size else None
    paid = principal_paid.sum()
    since_closing = np.arange(1, len(balance) + 1) - issue_month
    wal = float(principal_paid @ since_closing / 12 / paid) if paid > 0 else None
    covered = coverage[~np.isnan(coverage)]
    return TrancheResult(
        id=note.id, interest_paid=interest_paid, principal_paid=principal_paid, balance=balance,
        interest_shortfall=shortfall, coverage=coverage, legal_maturity=note.legal_maturity, repaid_on=repaid_on,
        repaid_in_full=repaid_on is not None and repaid_on <= note.legal_maturity, loss=float(balance[-1]),
        wal_years=wal, min_coverage=float(covered.min()) if covered.size else None,
    )
