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


CELL = st.one_of(st.sampled_from(["ND1", "ND5", "nd2", " ND3", ""]),
                 st.text(alphabet=" \t\u3000\rabcXYZ中1", max_size=4))
TEXT_COLUMNS = {"obligor_name": False, "region_code": True, "currency": True}
"""Text columns of the generated tape → whether they are codes (upper-cased)."""


def cleaned(cells: list[str], code: bool, required: bool) -> tuple[list[str | None], int]:
    """The plain rules, cell by cell: a column holding a cell that starts or ends with a space or tab, or is an
    empty string, has every cell stripped; empty and ND cells are blank; codes are upper-cased. Returns the values
    and the count of blank (required) or ND (optional) cells."""
    raw = [None if c == "" else c for c in cells]  # an empty CSV field is read as missing
    dirty = any(c is not None and (c == "" or c[0] in " \t" or c[-1] in " \t") for c in raw)
    text = [None if c is None else (c.strip() if dirty else c) or None for c in raw]
    values = [None if c is None or c in ("ND1", "ND2", "ND3", "ND4", "ND5") else c.upper() if code else c
              for c in text]
    counted = sum(v is None for v in values) if required else sum(t is not None and v is None
                                                                 for t, v in zip(text, values, strict=True))
    return values, counted


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns=st.fixed_dictionaries({c: st.lists(CELL, min_size=3, max_size=3) for c in TEXT_COLUMNS}))
def test_text_cells_are_cleaned_like_the_plain_rules(columns):
    """The reader decides which columns to strip and which to upper-case from cheap whole-column tests; the result
    must be what the per-cell rules give."""
    header = ["asset_id", "obligor_id", "outstanding_balance", "origination_date", "maturity_date", *TEXT_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes a cell holding \r, which "\n" rows would end as CRLF
    writer.writerow(header)
    for i in range(3):
        writer.writerow([f"A{i}", "O1", "1.00", "2026-01-01", "2027-01-01", *(columns[c][i] for c in TEXT_COLUMNS)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tape.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        tape = read_tape(path, "trade_receivables")
    counts = {(f.code, f.column): f.count for f in tape.findings}
    for column, code in TEXT_COLUMNS.items():
        required = column == "obligor_name"
        values, counted = cleaned(columns[column], code, required)
        assert tape.frame.get_column(column).to_list() == values, column
        assert counts.get(("TAPE-10" if required else "TAPE-27", column), 0) == counted, column


PADDED = st.tuples(st.sampled_from(["", " ", "\t"]), st.sampled_from(["", " ", "\t"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dates=st.lists(st.tuples(PADDED, st.sampled_from(["2027-01-05", "2027-13-45", "x", "ND1", ""])),
                      min_size=3, max_size=3),
       amounts=st.lists(st.tuples(PADDED, st.sampled_from(["5.00", "12.5", "abc", "ND2", ""])), min_size=3,
                        max_size=3))
def test_parsed_cells_are_read_like_the_plain_rules(dates, amounts):
    """A column whose every cell parses skips the whitespace and ND tests; padded, blank, ND and bad cells must still
    give what stripping, blanking and parsing cell by cell give."""
    def cells(drawn):
        return [(a + value + b) if value or a or b else "" for (a, b), value in drawn]

    def expected(raw, parse, required):
        values, _ = cleaned(raw, False, required)
        blanks = sum(v is None for v in values)
        parsed = [None if v is None else parse(v) for v in values]
        return parsed, blanks, sum(p is None for p in parsed) - blanks

    columns = {"maturity_date": cells(dates), "original_amount": cells(amounts)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["asset_id", "obligor_id", "obligor_name", "outstanding_balance", "origination_date", *columns])
    for i in range(3):
        writer.writerow([f"A{i}", "O1", "N", "1.00", "2026-01-01", *(columns[c][i] for c in columns)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tape.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        tape = read_tape(path, "trade_receivables")
    counts = {(f.code, f.column): f.count for f in tape.findings}
    for column, parse, required in (("maturity_date", _iso, True), ("original_amount", _amount, False)):
        values, blanks, unparsable = expected(columns[column], parse, required)
        assert tape.frame.get_column(column).to_list() == values, column
        assert counts.get(("TAPE-11", column), 0) == unparsable, column
        if required:
            assert counts.get(("TAPE-10", column), 0) == blanks, column


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.01")) if text.replace(".", "", 1).isdigit() else None
