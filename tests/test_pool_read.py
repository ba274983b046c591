"""Reading tapes: encodings detected and reported, XLSX and Parquet, Chinese and English header aliases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from filing.assets import ALIASES as COLUMN_ALIASES
from filing.pool import read_tape
from filing.pool.schema import ALIASES, SCHEMAS, header_key

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHINESE = ("应收账款编号,债务人编号,债务人名称,统一社会信用代码,行政区划代码,行业门类,币种,初始金额,未偿本金余额,"
           "发生日,到期日,年利率,是否关联方,债务人集团\n"
           "应收-001,OB1,深圳华瑞电子科技有限公司,91440300MA5G0000X1,440305,C,CNY,\"1,200,000.00\",1000000.50,"
           "2026-01-15,2027-01-15,4.35%,否,华瑞集团\n"
           "应收-002,OB2,上海鼎盛商贸有限公司,ND1,310115,f,cny,800000,750000,2026/02/01,2026年12月31日,0.05,是,\n")


@pytest.fixture
def utf8_frame(tmp_path) -> pl.DataFrame:
    path = tmp_path / "utf8.csv"
    path.write_text(CHINESE, encoding="utf-8")
    return read_tape(path, "trade_receivables").frame


@pytest.mark.parametrize("encoding, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("gb18030", "gb18030")])
def test_encodings_read_alike_and_are_reported(tmp_path, utf8_frame, encoding, reported):
    path = tmp_path / "tape.csv"
    path.write_bytes(CHINESE.encode(encoding))
    tape = read_tape(path, "trade_receivables")
    assert tape.encoding == reported and tape.format == "csv"
    assert tape.frame.equals(utf8_frame)
    assert tape.headers[0] == "应收账款编号"


def test_values_are_parsed_to_canonical_types(utf8_frame):
    first, second = utf8_frame.to_dicts()
    assert first["original_amount"] == Decimal("1200000.00") and first["interest_rate"] == pytest.approx(0.0435)
    assert second["maturity_date"] == date(2026, 12, 31) and second["origination_date"] == date(2026, 2, 1)
    assert (second["industry_code"], second["currency"], second["related_party"]) == ("F", "CNY", True)
    assert second["obligor_uscc"] is None and first["obligor_group"] == "华瑞集团" and second["obligor_group"] is None
    assert first["row"] == 2 and second["row"] == 3


def test_percent_header_reads_percentages(tmp_path):
    path = tmp_path / "tape.csv"
    path.write_text("asset_id,obligor_id,obligor_name,outstanding_balance,origination_date,maturity_date,利率（%）\n"
                    "A,O,x,1,2026-01-01,2027-01-01,4.35\n", encoding="utf-8")
    assert read_tape(path, "trade_receivables").frame.get_column("interest_rate").to_list() == [pytest.approx(0.0435)]


def test_every_alias_maps_to_its_column():
    for column, aliases in COLUMN_ALIASES.items():
        assert all(ALIASES[header_key(alias)] == column for alias in aliases)
    for spelling in ("Outstanding Balance", "outstanding_balance", "OUTSTANDING-BALANCE", "未偿本金余额（元）"):
        assert ALIASES[header_key(spelling)] == "outstanding_balance"


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = xlsxwriter.Workbook(path, {"default_date_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    workbook.close()
    return path


LEASE = [["资产编号", "承租人编号", "承租人名称", "未偿本金余额", "起租日", "到期日", "每期租金", "支付频率",
          "租赁物类型", "残值", "行政区划代码"],
         ["L1", "C1", "甲公司", 500000.25, date(2025, 3, 1), date(2029, 3, 1), 12000, "季", "数控机床", 5000, 320505],
         ["L2", "C2", "乙公司", 300000, date(2025, 6, 1), date(2028, 6, 1), 9000.5, "monthly", "注塑机", "ND2", 330106]]


def test_xlsx_first_and_named_sheet(tmp_path):
    path = _workbook(tmp_path / "tape.xlsx", {"说明": [["本表为说明"]], "租赁": LEASE})
    tape = read_tape(path, "equipment_lease", sheet="租赁")
    assert (tape.format, tape.encoding, tape.sheet, tape.rows) == ("xlsx", None, "租赁", 2)
    rows = tape.frame.to_dicts()
    assert rows[0]["outstanding_balance"] == Decimal("500000.25") and rows[0]["maturity_date"] == date(2029, 3, 1)
    assert (rows[0]["payment_frequency"], rows[1]["payment_frequency"]) == (3, 1)
    assert rows[0]["region_code"] == "320505" and rows[1]["residual_value"] is None
    assert tape.nd_counts == {"residual_value": {"ND2": 1}}
    first = read_tape(_workbook(tmp_path / "one.xlsx", {"Sheet1": LEASE}), "equipment_lease")
    assert first.sheet == "Sheet1" and first.frame.drop("row").equals(tape.frame.drop("row"))


def test_parquet(tmp_path):
    path = tmp_path / "tape.parquet"
    pl.DataFrame({"period": [date(2026, 8, 1), date(2026, 9, 1)], "toll_revenue": [41_000_000.5, 43_500_000.0],
                  "traffic_volume": [1_200_000, 1_250_000]}).write_parquet(path)
    tape = read_tape(path, "toll_road_income")
    assert tape.format == "parquet" and tape.frame.get_column("toll_revenue").to_list() == [
        Decimal("41000000.50"), Decimal("43500000.00")]
    assert tape.frame.get_column("period").to_list() == [date(2026, 8, 1), date(2026, 9, 1)]


@pytest.mark.parametrize("text", ["2026-09", "2026/09", "202609", "2026年9月", "2026-09-15"])
def test_month_spellings(tmp_path, text):
    path = tmp_path / "revenue.csv"
    path.write_text(f"期间,通行费收入\n{text},1\n", encoding="utf-8")
    assert read_tape(path, "toll_road_income").frame.get_column("period").to_list() == [date(2026, 9, 1)]


def test_example_tapes_read():
    receivables = read_tape(EXAMPLES / "trade-receivables" / "tape.csv", "trade_receivables")
    assert receivables.encoding == "gb18030" and receivables.rows > 4_000 and not receivables.findings
    lease = read_tape(EXAMPLES / "equipment-lease" / "tape.xlsx", "equipment_lease")
    assert lease.format == "xlsx" and lease.rows == 800 and not lease.findings
    assert set(lease.columns) == set(SCHEMAS["equipment_lease"].columns) - {"obligor_group"}
