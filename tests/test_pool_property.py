"""Property test: on small random tapes the report's figures are internally consistent and deterministic."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from deal_edits import edited
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filing.pool import analyse_tape, read_tape

DEAL = edited({}).deal
CUT_OFF = date(2026, 9, 30)

row = st.fixed_dictionaries({
    "obligor": st.integers(0, 8),
    "cents": st.integers(-50_000, 10**11),
    "start": st.integers(-30, 900),
    "term": st.integers(-20, 1500),
    "rate": st.one_of(st.none(), st.floats(0, 0.2)),
    "related": st.sampled_from(["是", "否", ""]),
    "region": st.sampled_from(["110105", "440305", "510107", "999999", ""]),
    "industry": st.sampled_from(["C", "F", "K", "Z", "ND1"]),
})


def write(rows: list[dict], folder: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["asset_id", "obligor_id", "obligor_name", "outstanding_balance", "origination_date",
                     "maturity_date", "interest_rate", "related_party", "region_code", "industry_code"])
    for i, r in enumerate(rows):
        start = CUT_OFF - timedelta(days=r["start"])
        writer.writerow([f"A{i}", f"O{r['obligor']}", f"Name{r['obligor']}", f"{Decimal(r['cents']) / 100:.2f}",
                         start.isoformat(), (start + timedelta(days=r["term"])).isoformat(),
                         "" if r["rate"] is None else f"{r['rate']:.6f}", r["related"], r["region"], r["industry"]])
    path = folder / "tape.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=30), max_share=st.sampled_from([None, 0.3]))
def test_report_is_consistent(rows, max_share):
    with tempfile.TemporaryDirectory() as folder:
        tape = read_tape(write(rows, Path(folder)), "trade_receivables")
        assets = DEAL.assets.model_copy(update={
            "pool_balance": Decimal(sum(r["cents"] for r in rows)) / 100,
            "eligibility": DEAL.assets.eligibility.model_copy(update={"max_obligor_share": max_share})})
        report = analyse_tape(tape, assets, DEAL.token.tranches)
        again = analyse_tape(tape, assets, DEAL.token.tranches)
    positive = [Decimal(r["cents"]) / 100 for r in rows if r["cents"] > 0]
    totals = report.totals
    assert totals.matches_stated and not [f for f in report.findings if f.code == "TAPE-20"]
    assert totals.balance == sum(positive, Decimal("0.00")) and totals.asset_count == len(positive)
    assert totals.rows_excluded == len(rows) - len(positive)
    for finding in report.findings:
        assert finding.count >= len(finding.rows) and list(finding.rows) == sorted(set(finding.rows))
        assert all(2 <= line <= len(rows) + 1 for line in finding.rows)
    assert 0 <= report.quality.completeness <= 1 and report.quality.rows_passing <= len(rows)
    assert json.dumps(report.to_dict(), sort_keys=True) == json.dumps(again.to_dict(), sort_keys=True)
    if not positive:
        assert report.concentration is None and report.distributions == {}
        return
    for table in report.distributions.values():
        assert sum(r.count for r in table) == len(positive) and sum(r.balance for r in table) == totals.balance
    c = report.concentration
    assert c.top1_share <= c.top5_share <= c.top10_share <= 1 + 1e-9
    assert 1 / totals.obligor_count - 1e-9 <= c.hhi <= 1 + 1e-9
    e = report.eligibility
    assert e.eligible_count + e.ineligible_count == len(positive)
    assert e.eligible_balance + e.ineligible_balance == totals.balance
    assert all(c.excluded_count <= e.ineligible_count for c in e.criteria)
    shares = [a.share for a in report.top_assets]
    assert shares == sorted(shares, reverse=True) and report.all_assets_at_most_1pct == (shares[0] <= 0.01)
