"""Malformed tapes: each gives the right located error (file, line, column) or finding (code, column, rows).

Row numbers are the file's: header row 1, first data row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from deal_edits import edited

from filing.errors import InputError
from filing.model.deal import AssetClass
from filing.model.identifiers import uscc_check_digit
from filing.pool import analyse_tape, read_tape

DATA = Path(__file__).resolve().parent / "data" / "tapes"
DEAL = edited({}).deal
HEADER = ["asset_id", "obligor_id", "obligor_name", "obligor_uscc", "region_code", "industry_code", "currency",
          "original_amount", "outstanding_balance", "origination_date", "maturity_date", "interest_rate",
          "related_party"]


def _uscc(n: int) -> str:
    body = f"91310115MA{n:07d}"
    return body + uscc_check_digit(body)


def base_rows() -> list[dict[str, str]]:
    return [{"asset_id": f"A{i}", "obligor_id": f"O{i % 3}", "obligor_name": f"债务人{i % 3}",
             "obligor_uscc": _uscc(i % 3),
             "region_code": "310115", "industry_code": "C", "currency": "CNY", "original_amount": "1000.00",
             "outstanding_balance": "900.00", "origination_date": "2026-03-01", "maturity_date": "2027-03-01",
             "interest_rate": "0.05", "related_party": "否"} for i in range(6)]


def write(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def analyse(path: Path, asset_class: str = "trade_receivables", pool_balance: str | None = None, **assets):
    tape = read_tape(path, asset_class)
    total = tape.frame.get_column(
        "outstanding_balance" if asset_class != "toll_road_income" else "toll_revenue").sum()
    stated = Decimal(pool_balance) if pool_balance else total
    update = {"asset_class": AssetClass(asset_class), "pool_balance": stated, **assets}
    return analyse_tape(tape, DEAL.assets.model_copy(update=update), DEAL.token.tranches)


def edit(index: int, **cells):
    def change(rows):
        rows[index].update(cells)
    return change


FINDINGS = [  # (id, change to the base rows, code, column, rows)
    ("blank required", edit(2, obligor_name=""), "TAPE-10", "obligor_name", (4,)),
    ("ND in required", edit(0, maturity_date="ND2"), "TAPE-10", "maturity_date", (2,)),
    ("unparsable amount", edit(3, outstanding_balance="12O.00"), "TAPE-11", "outstanding_balance", (5,)),
    ("unparsable date", edit(1, maturity_date="2027-02-30"), "TAPE-11", "maturity_date", (3,)),
    ("unparsable flag", edit(5, related_party="maybe"), "TAPE-11", "related_party", (7,)),
    ("unparsable rate", edit(4, interest_rate="five"), "TAPE-11", "interest_rate", (6,)),
    ("negative balance", edit(1, outstanding_balance="-5.00"), "TAPE-12", "outstanding_balance", (3,)),
    ("zero balance", edit(2, outstanding_balance="0"), "TAPE-12", "outstanding_balance", (4,)),
    ("maturity before origination", edit(3, maturity_date="2026-01-01"), "TAPE-13", "maturity_date", (5,)),
    ("duplicate asset id", edit(4, asset_id="A1"), "TAPE-14", "asset_id", (3, 6)),
    ("malformed USCC", edit(0, obligor_uscc="91310115MA00000O0X"), "TAPE-15", "obligor_uscc", (2,)),
    ("short USCC", edit(3, obligor_uscc="9131011"), "TAPE-15", "obligor_uscc", (5,)),
    ("USCC check digit", edit(1, obligor_uscc=_uscc(1)[:17] + ("0" if _uscc(1)[17] != "0" else "1")),
     "TAPE-16", "obligor_uscc", (3,)),
    ("unknown province", edit(2, region_code="990101"), "TAPE-17", "region_code", (4,)),
    ("region not six digits", edit(5, region_code="3101"), "TAPE-17", "region_code", (7,)),
    ("unknown industry", edit(1, industry_code="Z"), "TAPE-18", "industry_code", (3,)),
    ("currency mismatch", edit(0, currency="USD"), "TAPE-19", "currency", (2,)),
    ("originated after cut-off", edit(2, origination_date="2026-10-02"), "TAPE-21", "origination_date", (4,)),
    ("matured before cut-off", edit(4, maturity_date="2026-09-01"), "TAPE-22", "maturity_date", (6,)),
    ("balance above original", edit(5, outstanding_balance="1500.00"), "TAPE-23", "outstanding_balance", (7,)),
    ("rate as a percentage number", edit(3, interest_rate="4.35"), "TAPE-24", "interest_rate", (5,)),
    ("obligor id with two names", edit(3, obligor_name="别的公司"), "TAPE-25", "obligor_id", (2, 5)),
    ("ND in optional", edit(2, interest_rate="ND3"), "TAPE-27", "interest_rate", (4,)),
    ("negative original amount", edit(1, original_amount="-1.00"), "TAPE-29", "original_amount", (3,)),
]


@pytest.mark.parametrize("name, change, code, column, rows", FINDINGS, ids=[f[0] for f in FINDINGS])
def test_finding_is_located(tmp_path, name, change, code, column, rows):
    tape = base_rows()
    change(tape)
    report = analyse(write(tmp_path / "tape.csv", tape))
    found = [f for f in report.findings if f.code == code and f.column == column]
    assert found, [f.message() for f in report.findings]
    assert found[0].rows == rows and found[0].count == len(rows)
    assert report.quality.rows_passing < len(tape) or found[0].severity == "info"


def test_blank_lines_keep_row_numbers(tmp_path):
    path = write(tmp_path / "tape.csv", base_rows())
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("900.00", "-1.00")  # row 5 of the file
    path.write_text("\n".join(lines[:3] + [""] + lines[3:]) + "\n", encoding="utf-8")
    report = analyse(path)
    assert [f.rows for f in report.findings if f.code == "TAPE-12"] == [(6,)]
    assert report.tape.rows == 6


def test_tape_total_against_stated_balance(tmp_path):
    path = write(tmp_path / "tape.csv", base_rows())
    assert not [f for f in analyse(path, pool_balance="5400.01").findings if f.code == "TAPE-20"]
    off = [f for f in analyse(path, pool_balance="5400.02").findings if f.code == "TAPE-20"]
    assert off and "difference -0.02" in off[0].detail


def test_unrecognised_columns_and_nd_counts(tmp_path):
    rows = base_rows()
    rows[0]["interest_rate"] = "ND1"
    rows[1]["interest_rate"] = "ND1"
    rows[2]["region_code"] = "ND5"
    path = write(tmp_path / "tape.csv", [{**r, "备注": "x"} for r in rows], HEADER + ["备注"])
    report = analyse(path)
    assert report.tape.unrecognised == ("备注",)
    assert report.tape.nd_counts == {"region_code": {"ND5": 1}, "interest_rate": {"ND1": 2}}
    assert report.quality.nd_cells == 3 and report.quality.completeness < 1


def test_many_bad_rows_summarised(tmp_path):
    rows = base_rows() * 10_000
    for i, row in enumerate(rows):
        row = rows[i] = {**row, "asset_id": f"A{i}"}
        if i % 5 == 0:
            row["outstanding_balance"] = "-1"
    report = analyse(write(tmp_path / "tape.csv", rows))
    [finding] = [f for f in report.findings if f.code == "TAPE-12"]
    assert finding.count == 12_000 and finding.rows == tuple(range(2, 52, 5))
    assert finding.asset_ids == tuple(f"A{i}" for i in range(0, 50, 5))
    assert "in 12,000 row(s): 2, 7, 12, 17, 22, 27, 32, 37, 42, 47 … (asset_id A0, A5," in finding.message()
    assert "共12,000行：第2、7、12、17、22、27、32、37、42、47行等（资产编号A0、A5、" in finding.message_zh()


def lease_rows() -> list[dict[str, str]]:
    return [{**r, "installment_amount": "100.00", "payment_frequency": "月", "residual_value": "10.00"}
            for r in base_rows()]


LEASE_HEADER = HEADER + ["installment_amount", "payment_frequency", "residual_value"]
LEASE_FINDINGS = [
    ("zero instalment", edit(1, installment_amount="0"), "TAPE-12", "installment_amount", (3,)),
    ("bad frequency", edit(2, payment_frequency="fortnightly"), "TAPE-11", "payment_frequency", (4,)),
    ("residual above amount", edit(3, residual_value="5000"), "TAPE-32", "residual_value", (5,)),
]


@pytest.mark.parametrize("name, change, code, column, rows", LEASE_FINDINGS, ids=[f[0] for f in LEASE_FINDINGS])
def test_lease_finding_is_located(tmp_path, name, change, code, column, rows):
    tape = lease_rows()
    change(tape)
    report = analyse(write(tmp_path / "tape.csv", tape, LEASE_HEADER), "equipment_lease")
    assert [f.rows for f in report.findings if f.code == code and f.column == column] == [rows]


def toll_csv(path: Path, months: list[tuple[str, str]]) -> Path:
    path.write_text("period,traffic_volume,toll_revenue\n" + "".join(f"{m},1000,{r}\n" for m, r in months),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("months, code, rows", [
    ([("2026-01", "10"), ("2026-02", "11"), ("2026-02", "12")], "TAPE-30", (3, 4)),
    ([("2026-01", "10"), ("2026-02", "-1")], "TAPE-29", (3,)),
    ([("2026-09", "10"), ("2026-10", "11")], "TAPE-21", (3,)),
    ([("2026-01", "10"), ("2026-04", "11")], "TAPE-31", ()),
], ids=["duplicate month", "negative revenue", "month after cut-off", "missing months"])
def test_toll_history_findings(tmp_path, months, code, rows):
    report = analyse(toll_csv(tmp_path / "revenue.csv", months), "toll_road_income")
    [finding] = [f for f in report.findings if f.code == code]
    assert finding.rows == rows
    if code == "TAPE-31":
        assert finding.count == 2 and finding.examples == ("2026-02", "2026-03")


def _xlsx(path: Path, sheet: str = "Sheet1", header: list[str] = HEADER) -> Path:
    workbook = xlsxwriter.Workbook(path)
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_row(0, 0, header)
    for r, row in enumerate(base_rows(), start=1):
        worksheet.write_row(r, 0, list(row.values()))
    workbook.close()
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


def _csv_text(text: str, encoding: str = "utf-8"):
    return lambda path: (path.write_bytes(text.encode(encoding) if isinstance(text, str) else text), path)[1]


GOOD = "asset_id,obligor_id,obligor_name,outstanding_balance,origination_date,maturity_date\n"
ROW = "A1,O1,甲,100,2026-01-01,2027-01-01\n"
INPUT_ERRORS = [  # (id, builder(path) -> path, sheet, code, line, column)
    ("missing file", lambda p: p.with_name("absent.csv"), None, "TAPE-01", None, None),
    ("empty file", _csv_text(""), None, "TAPE-03", 1, None),
    ("header only", _csv_text(GOOD), None, "TAPE-03", 2, None),
    ("blank rows only", _csv_text(GOOD + "\n\n,,,,,\n"), None, "TAPE-03", 2, None),
    ("missing required column", _csv_text("asset_id,obligor_name,outstanding_balance\nA1,x,1\n"), None,
     "TAPE-04", 1, None),
    ("not UTF-8 nor GB18030", lambda p: (p.write_bytes((GOOD + ROW).encode() + b"A2,O2,\x80\xff,1,2026-01-01,"
                                                       b"2027-01-01\n"), p)[1], None, "TAPE-02", 3, 7),
    ("UTF-16", _csv_text(GOOD + ROW, "utf-16"), None, "TAPE-02", 1, 1),
    ("BOM then invalid UTF-8", lambda p: (p.write_bytes(codecs.BOM_UTF8 + (GOOD + ROW).encode() + b"\xc3\x28,x\n"),
                                          p)[1], None, "TAPE-02", 3, 1),
    ("binary file", lambda p: (p.write_bytes(bytes(range(256)) * 4), p)[1], None, "TAPE-02", 2, 118),
    ("repeated header", _csv_text("asset_id,asset_id,obligor_name\nA,B,C\n"), None, "TAPE-05", 1, 2),
    ("two headers for one column", _csv_text(GOOD.rstrip() + ",资产编号\n" + ROW.rstrip() + ",A9\n"), None,
     "TAPE-05", 1, 7),
    ("row with extra fields", _csv_text(GOOD + ROW + ROW.rstrip() + ",extra\n"), None, "TAPE-06", 3, None),
    ("repeated header in a workbook", lambda p: _xlsx(p.with_suffix(".xlsx"), header=HEADER + ["obligor_id"]), None,
     "TAPE-05", 1, 14),
    ("unknown sheet", lambda p: _xlsx(p.with_suffix(".xlsx")), "资产清单", "TAPE-01", None, None),
    ("zip that is not a workbook", lambda p: _zip(p.with_suffix(".xlsx")), None, "TAPE-01", None, None),
    ("sheet for a CSV", _csv_text(GOOD + ROW), "Sheet1", "TAPE-01", None, None),
]


@pytest.mark.parametrize("name, build, sheet, code, line, column", INPUT_ERRORS, ids=[e[0] for e in INPUT_ERRORS])
def test_unreadable_tape_is_a_located_input_error(tmp_path, name, build, sheet, code, line, column):
    path = build(tmp_path / "tape.csv")
    with pytest.raises(InputError) as caught:
        read_tape(path, "trade_receivables", sheet=sheet)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.message.startswith(code), problem
    assert (problem.line, problem.column) == (line, column), problem


def test_workbook_header_like_a_renamed_repeat_is_read(tmp_path):
    """fastexcel names a repeated 'x' 'x_1'; a header really written 'x_1' is not a repeat."""
    tape = read_tape(_xlsx(tmp_path / "tape.xlsx", header=HEADER + ["asset_id_1"]), "trade_receivables")
    assert tape.rows == 6 and tape.unrecognised == ("asset_id_1",)


def test_missing_columns_message_lists_what_was_found(tmp_path):
    path = _csv_text("asset_id,债务人名称,balance\nA1,x,1\n")(tmp_path / "tape.csv")
    with pytest.raises(InputError) as caught:
        read_tape(path, "trade_receivables")
    message = caught.value.problems[0].message
    assert ("obligor_id (债务人编号, 承租人编号, obligorid, debtorid, customerid, lesseeid); origination_date "
            "(起始日, 发生日, 起租日, originationdate, startdate, invoicedate); maturity_date (") in message
    assert "headers found: asset_id, 债务人名称, balance" in message
    assert "（括号内为该列可用的其他表头）：obligor_id (债务人编号" in caught.value.problems[0].text("zh")


@pytest.mark.parametrize("fixture", sorted(p.name for p in DATA.glob("*")))
def test_committed_fixtures(fixture):
    """Small files kept under tests/data/tapes: each name says the code it must raise."""
    code = fixture.split("_")[0]
    with pytest.raises(InputError) as caught:
        read_tape(DATA / fixture, "trade_receivables")
    assert caught.value.problems[0].message.startswith(code)


def test_parquet_with_wrong_columns_is_missing_columns(tmp_path):
    path = tmp_path / "tape.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(path)
    with pytest.raises(InputError, match="TAPE-04"):
        read_tape(path, "trade_receivables")
