"""The static-pool history: a hand-computed reference for the CPR/CDR, recovery and curve estimates, every format
and header language, and located errors for bad vintages and files over the limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from deal_edits import EXAMPLES

from filing.errors import InputError
from filing.pool import history as history_module
from filing.pool.history import read_history
from filing.pool.vintage import analyse_history

CUT_OFF = date(2024, 12, 31)
HEADER = "vintage,period,original_amount,outstanding_balance,defaults,recoveries,prepayments"
ROWS = [  # two vintages; scheduled principal is what the balance identity leaves (70, 73, 100; 5, 20)
    "2024-01,2024-01,1000,900,10,0,20",
    "2024-01,2024-02,1000,800,9,4,18",
    "2024-01,2024-03,1000,700,0,0,0",
    "2024-02,2024-02,500,480,5,0,10",
    "2024-02,2024-03,500,450,0,2,10",
]


def write(path: Path, rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def test_hand_computed_reference(tmp_path):
    report = analyse_history(read_history(write(tmp_path / "h.csv", ROWS), CUT_OFF))
    found = report.estimates
    # MDR = Σ defaults / Σ starting balances = 24 / (1000 + 900 + 800 + 500 + 480) = 24 / 3680
    assert found.mdr == pytest.approx(0.006521739, abs=1e-9)
    assert found.cdr == pytest.approx(0.075514, abs=1e-6)  # 1 - (1 - 24/3680)^12
    # SMM = Σ prepayments / Σ (end balance + prepayments) = 58 / (920 + 818 + 700 + 490 + 460) = 58 / 3388
    assert found.smm == pytest.approx(0.017119244, abs=1e-9)
    assert found.cpr == pytest.approx(0.187151, abs=1e-6)  # 1 - (1 - 58/3388)^12
    # lag: vintage 1 recovers at mob 1 vs defaults at 9/19, weight 4; vintage 2 at mob 1 vs 0, weight 2:
    # (4 × 10/19 + 2 × 1) / 6 = 0.684 → 1 month; rate: 6 recovered of the 19 + 5 defaulted at least a month before
    # each vintage's last month = 0.25
    assert found.recovery_lag_months == 1 and found.recovery_rate == pytest.approx(0.25)
    assert found.vintage_months == 5
    base = report.base_case
    assert (base.cdr, base.cpr, base.recovery_rate, base.recovery_lag_months) == (0.076, 0.187, 0.25, 1)
    assert "CDR 7.55%" in base.explanation_en and "年化违约率7.55%" in base.explanation_zh
    first = report.curves[0]
    assert first.vintage == date(2024, 1, 1) and first.months == 3
    assert first.cumulative_default == pytest.approx((0.010, 0.019, 0.019))
    assert first.cumulative_loss == pytest.approx((0.010, 0.015, 0.015))
    assert first.cumulative_prepayment == pytest.approx((0.020, 0.038, 0.038))
    assert (report.vintages, report.rows, report.first_vintage, report.last_period) == (
        2, 5, date(2024, 1, 1), date(2024, 3, 1))
    assert report.years_covered == pytest.approx(3 / 12)


def test_chinese_headers_gb18030_xlsx_and_parquet_agree(tmp_path):
    zh = "发放月份,报告月份,发放金额(元),期末余额(元),违约金额(元),回收金额(元),提前还款金额(元)"
    reference = analyse_history(read_history(write(tmp_path / "h.csv", ROWS), CUT_OFF))
    gb = analyse_history(read_history(write(tmp_path / "zh.csv", ROWS, zh, "gb18030"), CUT_OFF))
    frame = pl.read_csv(tmp_path / "h.csv", schema_overrides={"vintage": pl.String, "period": pl.String})
    frame.write_parquet(tmp_path / "h.parquet")
    frame.write_excel(tmp_path / "h.xlsx")
    for other in (gb, *(analyse_history(read_history(tmp_path / f"h.{ext}", CUT_OFF)) for ext in ("parquet", "xlsx"))):
        assert other.estimates == reference.estimates and other.curves == reference.curves


@pytest.mark.parametrize(("rows", "line", "column", "words"), [
    ([*ROWS[:1], "2024-01,2024-13,1000,800,9,4,18", *ROWS[2:]], 3, 2, "is not a month"),
    ([*ROWS[:1], "2024-01,2024-02,1000,x,9,4,18", *ROWS[2:]], 3, 4, "is not an amount"),
    ([*ROWS[:1], "2024-01,2024-02,1000,800,-9,4,18", *ROWS[2:]], 3, 5, "negative"),
    ([*ROWS[:1], "2024-01,2024-02,1000,950,9,4,18", *ROWS[2:]], 3, 4, "the balance rises"),
    ([*ROWS[:2], "2024-01,2024-02,1000,700,0,0,0", *ROWS[3:]], 4, 2, "reports this month twice"),
    ([*ROWS[:2], "2024-01,2024-04,1000,700,0,0,0", *ROWS[3:]], 4, 2, "months are missing"),
    ([*ROWS[:3], "2024-02,2024-03,500,480,5,0,10"], 5, 2, "not its origination month"),
    ([*ROWS[:3], "2024-02,2024-01,500,480,5,0,10", ROWS[4]], 5, 1, "before the vintage's origination"),
    ([*ROWS[:4], "2024-02,2024-03,600,450,0,2,10"], 6, 3, "original amount differs"),
    ([*ROWS, "2025-01,2025-01,500,480,5,0,10"], 7, 2, "after the cut-off"),
])
def test_bad_vintages_are_located(tmp_path, rows, line, column, words):
    path = write(tmp_path / "h.csv", rows)
    with pytest.raises(InputError) as caught:
        read_history(path, CUT_OFF)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.column) == (str(path), line, column), problem
    assert words in problem.message and problem.message_zh


def test_missing_column_and_limits_before_reading(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="missing column.*recoveries") as caught:
        read_history(write(tmp_path / "h.csv", ROWS, HEADER.replace("recoveries", "other")), CUT_OFF)
    assert caught.value.problems[0].path == "assets.history"
    pl.read_csv(write(tmp_path / "h.csv", ROWS)).write_parquet(tmp_path / "h.parquet")
    monkeypatch.setattr(history_module, "MAX_HISTORY_ROWS", 4)
    monkeypatch.setattr(history_module, "read_text_table", lambda *_: pytest.fail("read before the row limit"))
    with pytest.raises(InputError, match="5 rows, more than the 4 allowed"):
        read_history(tmp_path / "h.parquet", CUT_OFF)
    monkeypatch.setattr(history_module, "MAX_HISTORY_BYTES", 100)
    with pytest.raises(InputError, match="more than the 100 allowed"):
        read_history(tmp_path / "h.csv", CUT_OFF)


def test_examples_carry_a_plausible_history():
    for name, years in (("trade-receivables", 3), ("equipment-lease", 4)):
        folder = EXAMPLES / name
        path = next(folder.glob("history.*"))
        report = analyse_history(read_history(path, date(2026, 9, 30)))
        assert report.years_covered >= years
        assert 0.002 < report.estimates.cdr < 0.05 and 0.01 < report.estimates.cpr < 0.2
        assert report.estimates.recovery_rate is not None and 0.2 < report.estimates.recovery_rate < 0.7


def test_three_year_rule_reads_the_history_file():
    """CN-ABS-06 judges a pool by the years its history file covers: 1.6 years in the non-compliant example fails
    at assets.history, 3.6 years in the trade-receivables example passes."""
    from filing import analyse, check_deal, load_deal

    def hits(name: str) -> set[str]:
        loaded = load_deal(EXAMPLES / name / "deal.yaml")
        return {f.path for f in check_deal(loaded, analyse(loaded)).findings if f.rule == "CN-ABS-06"}

    assert hits("noncompliant") == {"assets.history"}
    assert hits("trade-receivables") == set()


@pytest.mark.parametrize("example", ["trade-receivables", "equipment-lease"])
def test_review_recomputes_the_history_from_the_packet_copy(tmp_path, monkeypatch, example):
    """The packet stores the history in canonical columns; the review re-runs the pool stage on it and every figure
    (curves, estimates, breakevens, and the rest of the pool report: a tape without an obligor group column stays
    without groups although the canonical copy carries it empty) comes out the same, while a changed default amount
    is named as a changed figure. The packet is named by a relative path, as `filing review packet` names it."""
    import json

    from filing import analyse, load_deal
    from filing.model.load import LoadedDeal
    from filing.packet.data import DATA_FILES, dump_json, history_parquet, tape_parquet
    from filing.review.packet import open_packet
    from filing.review.revalidate import _check_pool

    loaded = load_deal(EXAMPLES / example / "deal.yaml")
    report = analyse(loaded)
    data = tmp_path / "data"
    data.mkdir()
    (data / "deal.json").write_text(loaded.canonical_json(), encoding="utf-8")
    (data / "tape.parquet").write_bytes(tape_parquet(report))
    (data / "history.parquet").write_bytes(history_parquet(report))
    (data / "pool.json").write_bytes(dump_json(json.loads(json.dumps(report.to_dict(), default=str))))
    packet_deal = LoadedDeal(loaded.deal, data / "deal.json")
    monkeypatch.chdir(tmp_path.parent)
    check, _ = _check_pool(open_packet(Path(tmp_path.name)), packet_deal)
    assert check.passed and not check.issues, check
    stored = pl.read_parquet(data / "history.parquet")
    stored.with_columns(pl.when(pl.col("row") == 40).then(pl.col("defaults") + 1000).otherwise(pl.col("defaults"))
                        .alias("defaults")).write_parquet(tmp_path / DATA_FILES["history"])
    check, _ = _check_pool(open_packet(tmp_path), packet_deal)
    changed = " ".join(issue.message for issue in check.issues)
    assert not check.passed and "pool figure history.curves" in changed
    (data / "history.parquet").unlink()
    check, _ = _check_pool(open_packet(tmp_path), packet_deal)
    assert not check.passed and any("history" in issue.message for issue in check.issues), check
