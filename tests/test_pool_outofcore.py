"""The out-of-core scan of a folder tape agrees with the same figures computed in memory, for Parquet and CSV
folders, with the obligor aggregation split into several batches; `filing pool` takes a folder tape through it (text
in both languages, JSON saying what was and was not computed, exit 1 on a blocker, 2 naming a bad file), and
`filing check` and `filing build` refuse one, pointing at `filing pool`."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from filing.cli import app
from filing.errors import InputError
from filing.pool import outofcore
from filing.pool.outofcore import NOT_COMPUTED, analyse_scan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"

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
    assert {(f.code, f.column): f.count for f in report.findings} == {
        ("TAPE-12", "outstanding_balance"): whole.filter(pl.col("outstanding_balance") <= 0).height,
        ("TAPE-13", "maturity_date"): whole.filter(pl.col("maturity_date") <= pl.col("origination_date")).height,
        ("TAPE-22", "maturity_date"): whole.filter((pl.col("maturity_date") <= CUT_OFF)
                                                   & (pl.col("outstanding_balance") > 0)).height,
        ("TAPE-23", "outstanding_balance"): whole.filter(pl.col("outstanding_balance") > 110).height}
    negative = whole.filter(pl.col("outstanding_balance") <= 0).get_column("asset_id")
    assert set(next(f for f in report.findings if f.code == "TAPE-12").asset_ids) <= set(negative)
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
    assert report.rows == 50 and report.weighted_rate is None and "TAPE-23" not in {f.code for f in report.findings}
    frame.drop("到期日").write_parquet(tmp_path / "a.parquet")
    with pytest.raises(InputError, match="missing required column.*maturity_date"):
        analyse_scan(tmp_path, CUT_OFF)


def test_missing_and_unreadable_required_values_are_told_apart(tmp_path):
    """A blank or ND cell is TAPE-10 (required value missing), a value that is not a date TAPE-11, as in memory."""
    frame = tape(0, 20).with_columns(pl.col("maturity_date").cast(pl.String))
    frame = frame.with_columns(pl.when(pl.int_range(20) == 3).then(pl.lit("ND1"))
                               .when(pl.int_range(20) == 4).then(None)
                               .when(pl.int_range(20) == 5).then(pl.lit("soon"))
                               .otherwise(pl.col("maturity_date")).alias("maturity_date"))
    frame.write_csv(tmp_path / "a.csv")
    found = {(f.code, f.column): (f.count, f.asset_ids) for f in analyse_scan(tmp_path, CUT_OFF).findings}
    assert found[("TAPE-10", "maturity_date")] == (2, ("A3", "A4"))
    assert found[("TAPE-11", "maturity_date")] == (1, ("A5",))


# -- the command line --------------------------------------------------------------------------------------------

def folder_deal(tmp_path: Path, kind: str = "parquet") -> Path:
    """The trade-receivables example with its tape split into a folder of two files."""
    deal = Path(shutil.copytree(EXAMPLE, tmp_path / "deal"))
    frame = pl.read_csv(io.BytesIO((deal / "tape.csv").read_bytes().decode("gb18030").encode()), infer_schema=False)
    (deal / "tape.csv").unlink()
    for n, part in enumerate((frame[: frame.height // 2], frame[frame.height // 2:])):
        folder = deal / "tape" / f"part={n}"
        folder.mkdir(parents=True)
        getattr(part, f"write_{kind}")(folder / f"data.{kind}")
    text = (deal / "deal.yaml").read_text(encoding="utf-8").replace("  tape: tape.csv", "  tape: tape")
    (deal / "deal.yaml").write_text(text, encoding="utf-8")
    return deal / "deal.yaml"


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_pool_analyses_a_folder_tape_out_of_core(tmp_path, kind):
    deal = folder_deal(tmp_path, kind)
    result = run("pool", deal, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] and data["out_of_core"] and data["findings"] == []
    pool = data["pool"]
    assert (pool["files"], pool["rows"], pool["obligors"]) == (2, 5006, 220)
    assert pool["balance"] == pytest.approx(1_200_000_000.00)
    assert "TAPE-12" in pool["computed"] and "top_obligors" in pool["computed"]
    assert pool["not_computed"] == list(NOT_COMPUTED)
    assert {"TAPE-14", "TAPE-20", "CN-ABS-04"} <= set(data["not_evaluated"])
    assert "TAPE-12" not in data["not_evaluated"]


def test_pool_text_in_both_languages_and_a_blocker_exits_1(tmp_path):
    deal = folder_deal(tmp_path)
    part = deal.parent / "tape" / "part=1" / "data.parquet"
    pl.read_parquet(part).with_columns(pl.lit("-5.00").alias("未偿本金余额")).write_parquet(part)
    english, chinese = run("pool", deal), run("--lang", "zh", "pool", deal)
    assert english.exit_code == chinese.exit_code == 1, english.output
    assert "analysed out of core" in english.stdout and "not computed out of core: " in english.stdout
    assert "TAPE-12" in english.stdout and "asset_id AR" in english.stdout
    assert "pool (out of core)" in english.stdout
    assert "超内存分析" in chinese.stdout and "超内存分析未计算：" in chinese.stdout
    assert "资产编号AR" in chinese.stdout and "资产池（超内存分析）" in chinese.stdout
    assert "not computed" not in chinese.stdout


@pytest.mark.parametrize("damage", ["header", "bytes"])
def test_a_bad_file_inside_the_folder_is_named(tmp_path, damage):
    deal = folder_deal(tmp_path)
    bad = deal.parent / "tape" / "part=1" / "data.parquet"
    if damage == "header":
        pl.read_parquet(bad).drop("到期日").write_parquet(bad)
    else:
        bad.write_bytes(bad.read_bytes()[: bad.stat().st_size // 2])
    result = run("pool", deal, "--format", "json")
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["errors"][0]
    assert error["file"] == str(bad) and error["message"].startswith("TAPE-01 ")
    assert error["message_zh"].startswith("TAPE-01 ") and error["message_zh"] != error["message"]
    text = run("--lang", "zh", "pool", deal)
    assert text.exit_code == 2 and f"{bad}" in text.output and "该文件" in text.output


@pytest.mark.parametrize("command", [["check", "--no-chain"], ["build", "-o", "out"]])
def test_check_and_build_refuse_a_folder_tape_and_point_at_pool(tmp_path, command):
    deal = folder_deal(tmp_path)
    name, *options = command
    result = run(name, deal, *[str(tmp_path / o) if o == "out" else o for o in options], "--format", "json")
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["errors"][0]["path"] == "assets.tape" and data["errors"][0]["file"] == str(deal.parent / "tape")
    assert "`filing pool`" in data["errors"][0]["message"] and "`filing pool`" in data["errors"][0]["message_zh"]
    assert data["findings"][0]["rule"] == "INPUT-01"
    assert not (tmp_path / "out").exists()


def test_csv_files_that_are_not_utf8_are_named(tmp_path):
    """A GB18030 header would otherwise read as names no alias knows; invalid bytes further down, past the part of
    the file read for its header, are found when the scan reaches them."""
    frame = tape(0, 5).rename({"obligor_id": "债务人编号"})
    (tmp_path / "a.csv").write_bytes(frame.write_csv().encode("gb18030"))
    with pytest.raises(InputError) as refused:
        analyse_scan(tmp_path, CUT_OFF)
    assert refused.value.problems[0].message.startswith("TAPE-02 ") and refused.value.problems[0].line == 1
    body = tape(0, 4000).write_csv().encode() + "A9,债务人,1,1,0,2026-01-01,2027-01-01\n".encode("gb18030")
    (tmp_path / "a.csv").write_bytes(tape(0, 5).write_csv().encode())
    (tmp_path / "b.csv").write_bytes(body)
    with pytest.raises(InputError) as refused:
        analyse_scan(tmp_path, CUT_OFF)
    assert refused.value.problems[0].file == str(tmp_path / "b.csv")
    assert refused.value.problems[0].message.startswith("TAPE-02 ")
