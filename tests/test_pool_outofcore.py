"""The out-of-core scan of a folder tape agrees with the same figures computed in memory, for Parquet and CSV
folders, with the obligor aggregation split into several batches."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from filing.errors import InputError
from filing.pool import outofcore
from filing.pool.outofcore import analyse_scan

CUT_OFF = date(2026, 9, 30)


def tape(start: int, rows: int) -> pl.DataFrame:
    return pl.DataFrame({
        "asset_id": [f"A{i}" for i in range(start, start + rows)],
        "obligor_id": [f"O{i % 7}" for i in range(start, start + rows)],
        "outstanding_balance": [float(100 + i % 13) if i % 11 else -5.0 for i in range(start, start + rows)],
        "original_amount": [110.0] * rows,
        "interest_rate": [0.01 * (i % 5) for i in range(start, start + rows)],
        "origination_date": [date(2026, 1, 1)] * rows,
        "maturity_date": [date(2027, 1, 1) if i % 17 else date(2025, 1, 1) for i in range(start, start + rows)],
    })


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_scan_matches_in_memory(tmp_path, monkeypatch, kind):
    parts = [tape(0, 300), tape(300, 300), tape(600, 150)]
    for n, part in enumerate(parts):
        folder = tmp_path / f"region={n}"
        folder.mkdir()
        getattr(part, f"write_{kind}")(folder / f"part.{kind}")
    monkeypatch.setattr(outofcore, "BATCH_ROWS", 1)  # one file per batch: three partial aggregations merged
    report = analyse_scan(tmp_path, CUT_OFF)
    whole = pl.concat(parts)
    positive = whole.filter(pl.col("outstanding_balance") > 0)
    assert (report.files, report.rows) == (3, 750)
    assert report.balance == pytest.approx(positive.get_column("outstanding_balance").sum())
    assert report.obligors == 7
    rate = (positive.get_column("outstanding_balance") * positive.get_column("interest_rate")).sum()
    assert report.weighted_rate == pytest.approx(rate / report.balance)
    assert report.failing == {"TAPE-12": whole.filter(pl.col("outstanding_balance") <= 0).height,
                              "TAPE-13": whole.filter(pl.col("maturity_date") <= pl.col("origination_date")).height,
                              "TAPE-23": whole.filter(pl.col("outstanding_balance") > 110).height}
    largest = positive.group_by("obligor_id").agg(pl.col("outstanding_balance").sum()).sort(
        "outstanding_balance", descending=True).row(0)
    assert report.top_obligors[0] == (largest[0], pytest.approx(largest[1] / report.balance))


def test_empty_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no .parquet or .csv file"):
        analyse_scan(tmp_path, CUT_OFF)


def test_chinese_headers_optional_columns_and_missing_required(tmp_path):
    """Headers map through the tape's aliases; an optional column the files lack is empty; a missing required one is
    an input error naming it."""
    frame = tape(0, 50).drop("original_amount", "interest_rate").rename(
        {"obligor_id": "债务人编号", "outstanding_balance": "未偿本金余额(元)", "origination_date": "起始日",
         "maturity_date": "到期日"})
    frame.write_parquet(tmp_path / "a.parquet")
    report = analyse_scan(tmp_path, CUT_OFF)
    assert report.rows == 50 and report.weighted_rate is None and "TAPE-23" not in report.failing
    frame.drop("到期日").write_parquet(tmp_path / "a.parquet")
    with pytest.raises(InputError, match="missing required column.*maturity_date"):
        analyse_scan(tmp_path, CUT_OFF)
