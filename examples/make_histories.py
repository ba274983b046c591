"""Write the example deals' static-pool histories, byte for byte the same on every run: `python
examples/make_histories.py` (also run by make_tapes.py).

Synthetic but shaped like a servicer's static-pool report: one row per monthly vintage and month on book, from the
vintage's origination month to the cut-off. Each month the performing balance first loses defaults (a default rate
that rises over the first months on book and then eases, as seasoning curves do), then pays its scheduled principal,
then prepays a share of what is left; a fixed share of each month's defaults comes back as recoveries a few months
later. Trade receivables: GB18030 CSV with Chinese headers, 42 vintages; leases: XLSX with English headers, 48
vintages; the non-compliant deal: Parquet, 18 vintages (less than the three years the exchanges expect).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import xlsxwriter

HERE = Path(__file__).resolve().parent
CUT_OFF = date(2026, 9, 30)
CENT = Decimal("0.01")
SEED = 20260930


@dataclass(frozen=True)
class Profile:
    vintages: int
    size: tuple[float, float]
    """Range of a vintage's original amount."""
    scheduled: float
    """Share of the performing balance repaid as scheduled each month."""
    cdr: float
    cpr: float
    recovery: float
    lag: int


def money(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _months(start: date, count: int) -> date:
    index = start.year * 12 + start.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def history(rng: random.Random, profile: Profile) -> list[list]:
    """Rows [vintage, period, original, balance, defaults, recoveries, prepayments] for the months up to the cut-off."""
    last = date(CUT_OFF.year, CUT_OFF.month, 1)
    rows = []
    for v in range(profile.vintages):
        vintage = _months(last, -profile.vintages + v)
        original = money(rng.uniform(*profile.size))
        quality = rng.uniform(0.7, 1.3)
        begin, defaults_by_month = original, []
        mob = 0
        while (period := _months(vintage, mob)) <= last and begin > 0:
            hump = min(mob + 1, 6) / 6 * (1.0 if mob < 18 else 0.7)
            mdr = (1 - (1 - profile.cdr * quality * hump * 1.6) ** (1 / 12)) * rng.uniform(0.6, 1.4)
            smm = (1 - (1 - profile.cpr) ** (1 / 12)) * rng.uniform(0.5, 1.5)
            defaults = money(float(begin) * mdr)
            scheduled = money(float(begin - defaults) * profile.scheduled) if mob else Decimal(0)
            prepaid = money(float(begin - defaults - scheduled) * smm)
            end = begin - defaults - scheduled - prepaid
            if end < original * Decimal("0.002"):
                scheduled, end = scheduled + end, Decimal(0)
            defaults_by_month.append(defaults)
            back = mob - profile.lag
            recovered = money(float(defaults_by_month[back]) * profile.recovery * rng.uniform(0.8, 1.2)) \
                if back >= 0 else Decimal(0)
            rows.append([vintage.strftime("%Y-%m"), period.strftime("%Y-%m"), original, end, defaults, recovered,
                         prepaid])
            begin, mob = end, mob + 1
    return rows


HEADER_ZH = ["发放月份", "报告月份", "发放金额(元)", "期末余额(元)", "违约金额(元)", "回收金额(元)", "提前还款金额(元)"]
HEADER_EN = ["vintage", "period", "original_amount", "outstanding_balance", "defaults", "recoveries", "prepayments"]


def main() -> None:
    receivables = history(random.Random(f"{SEED}-history-receivables"),
                          Profile(42, (25e6, 45e6), 0.16, 0.009, 0.05, 0.40, 6))
    text = io.StringIO(newline="")
    text.write(",".join(HEADER_ZH) + "\n")
    text.writelines(",".join(map(str, row)) + "\n" for row in receivables)
    (HERE / "trade-receivables" / "history.csv").write_bytes(text.getvalue().encode("gb18030"))

    leases = history(random.Random(f"{SEED}-history-leases"), Profile(48, (12e6, 20e6), 0.027, 0.014, 0.06, 0.55, 9))
    workbook = xlsxwriter.Workbook(HERE / "equipment-lease" / "history.xlsx")
    workbook.set_properties({"created": datetime(2026, 9, 30), "author": "filing examples"})
    sheet = workbook.add_worksheet("静态池")
    sheet.write_row(0, 0, HEADER_EN)
    for r, row in enumerate(leases, start=1):
        sheet.write_row(r, 0, [*row[:2], *map(float, row[2:])])
    workbook.close()

    short = history(random.Random(f"{SEED}-history-noncompliant"), Profile(18, (4e6, 8e6), 0.2, 0.03, 0.04, 0.2, 4))
    frame = pl.DataFrame([[*row[:2], *map(float, row[2:])] for row in short], schema=HEADER_EN, orient="row")
    frame.write_parquet(HERE / "noncompliant" / "history.parquet", statistics=False)
    for name, rows in (("trade-receivables", receivables), ("equipment-lease", leases), ("noncompliant", short)):
        print(f"{name} history: {len(rows)} vintage-months")


if __name__ == "__main__":
    main()
