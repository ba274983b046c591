"""Hypothesis strategies for data tapes: valid tables for each asset class, derived from the tape schemas, written as
CSV (UTF-8, UTF-8 with BOM, GB18030; comma, semicolon or tab), XLSX or Parquet; and broken ones, mutated as tables
(random cells, missing, extra and repeated columns, ragged rows) and as bytes (wrong encodings, truncation, garbage).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime

import polars as pl
import xlsxwriter
from deal_strategies import currencies, dates, region_codes, unicode_text, usccs
from hypothesis import strategies as st

from filing.assets import spec
from filing.model.deal import AssetClass
from filing.pool.parse import DATE_FORMATS, FREQUENCY_MONTHS
from filing.pool.schema import ALIASES, KINDS, ND_CODES, SCHEMAS, Kind


@dataclass(frozen=True)
class Table:
    """A tape before it is written: headers as in the file and rows of cell texts (or typed values for XLSX)."""

    headers: tuple[str, ...]
    rows: tuple[tuple, ...]


def _amounts() -> st.SearchStrategy[str]:
    cents = st.integers(-10**6, 10**13)
    return cents.flatmap(lambda c: st.sampled_from([f"{c / 100:.2f}", f"{c / 100:,.2f}", str(c // 100)]))


_rates = st.floats(0, 0.3).flatmap(lambda r: st.sampled_from([f"{r:.4f}", f"{r * 100:.2f}%"]))
_months = dates.flatmap(lambda d: st.sampled_from([f"{d:%Y-%m}", f"{d:%Y/%m}", f"{d:%Y%m}", f"{d.year}年{d.month}月"]))
_industries = st.sampled_from("ABCDEFGHIJKLMNOPQRST").flatmap(
    lambda letter: st.sampled_from([letter, letter + "01", letter.lower()]))
_obligor_ids = st.integers(0, 20).map(lambda n: f"OB{n:04d}")
_COMPANY = "深圳前海华讯供应链管理有限公司上海同创工程技术北京科发展集团股份广州建设投资（）() Ltd."
_names = st.text(_COMPANY, min_size=1, max_size=20) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=20)
"""Company names as Chinese tapes hold them, or any printable text."""

VALID_CELLS: dict[str, st.SearchStrategy] = {
    "asset_id": st.integers(0, 10**6).map(lambda n: f"A{n}"), "obligor_id": _obligor_ids, "obligor_name": _names,
    "obligor_uscc": usccs(), "region_code": region_codes(), "industry_code": _industries, "currency": currencies,
    "original_amount": _amounts(), "outstanding_balance": _amounts(), "residual_value": _amounts(),
    "installment_amount": _amounts(), "toll_revenue": _amounts(),
    "origination_date": dates, "maturity_date": dates, "interest_rate": _rates, "related_party":
        st.sampled_from(["是", "否", "Y", "N", "yes", "no", "true", "false", "1", "0"]),
    "obligor_group": st.none() | _names, "leased_asset_type": _names,
    "payment_frequency": st.sampled_from(sorted(FREQUENCY_MONTHS)), "period": _months,
    "traffic_volume": st.integers(0, 10**8).map(str),
    "creditor_id": st.integers(0, 30).map(lambda n: f"SP{n:04d}"), "creditor_name": _names, "creditor_uscc": usccs(),
    "confirmation_date": dates,
}
"""Canonical column → cells a well-kept tape holds (dates as `date`, written in one of the accepted formats)."""
assert set(VALID_CELLS) == set(KINDS), "a tape column without a cell strategy"


def _cell_text(draw, value) -> str:
    if isinstance(value, date):
        return value.strftime(draw(st.sampled_from(DATE_FORMATS)))
    return "" if value is None else value


def _header(draw, column: str) -> str:
    """One of the spellings a header may take: canonical, an alias (Chinese or English), with a unit or in capitals."""
    name = draw(st.sampled_from((column, *sorted(key for key, canonical in ALIASES.items() if canonical == column))))
    suffix = draw(st.sampled_from(["", " ", "(元)"] if KINDS[column] is Kind.amount else [""]))
    return draw(st.sampled_from([name, name.upper(), name.replace("_", " ")])) + suffix


def _history(draw, length: int) -> list[dict[str, str]]:
    """A toll road's months as its cash-flow projection needs them: consecutive, each once, revenue positive, and
    (up to three years) before the examples' cut-off date, since a later month fails TAPE-21."""
    start = draw(st.dates(date(1995, 1, 1), date(2023, 6, 1)))
    months = [divmod(start.year * 12 + start.month - 1 + k, 12) for k in range(length)]
    spell = st.sampled_from(["{y}-{m:02d}", "{y}/{m:02d}", "{y}{m:02d}", "{y}年{m}月", "{y}-{m:02d}-01"])
    revenue = st.integers(1, 10**11).map(lambda cents: f"{cents / 100:.2f}")
    return [{"period": draw(spell).format(y=year, m=month + 1), "toll_revenue": draw(revenue)}
            for year, month in months]


@st.composite
def valid_tables(draw, asset_class: AssetClass) -> Table:
    """Every required column and some optional ones, in any order, with well-formed cells; a toll road's history is
    at least a year of consecutive months, as its projection requires."""
    schema = SCHEMAS[asset_class]
    optional = draw(st.lists(st.sampled_from(schema.optional), unique=True))
    columns = draw(st.permutations([*schema.required, *optional]))
    headers = tuple(_header(draw, column) for column in columns)
    toll_road = spec(asset_class).tape == "history"
    rows = draw(st.lists(st.fixed_dictionaries({column: VALID_CELLS[column] for column in columns}),
                         min_size=12 if toll_road else 1, max_size=36 if toll_road else 12))
    if toll_road:
        rows = [row | months for row, months in zip(rows, _history(draw, len(rows)), strict=True)]
    rows = [tuple(_cell_text(draw, row[column]) for column in columns) for row in rows]
    non_blank = [row for row in rows if any(cell.strip() for cell in row)]
    return Table(headers, tuple(non_blank) or (tuple("x" for _ in columns),))


JUNK_CELLS = st.one_of(
    unicode_text, st.sampled_from([*ND_CODES, "", " ", "N/A", "-", "NaN", "inf", "-0", "1e999", "9" * 60, "0x1F",
                                   "2026-02-30", "0000-00-00", "20261301", "12/31/2026", "=SUM(A1:A9)", "'", '"',
                                   "1,2,3", "１２３.４５", "٣", "TRUE", "ND6", "nd1", "50%%", "%", "¥1,000"]))
"""Cells that real tapes hold by mistake."""


@st.composite
def mutated_tables(draw, asset_class: AssetClass) -> Table:
    """A valid table with one to three of: random cells, a column dropped, an unknown, aliased or repeated column
    added, a header replaced, a row made ragged, all rows removed."""
    table = draw(valid_tables(asset_class))
    headers, rows = list(table.headers), [list(row) for row in table.rows]
    for _ in range(draw(st.integers(1, 3))):
        width = len(headers)
        kind = draw(st.sampled_from(["cells", "cells", "drop", "add", "repeat", "rename", "ragged", "empty"]))
        column = draw(st.integers(0, max(width - 1, 0)))
        if kind == "cells" and rows and width:
            for row in draw(st.lists(st.sampled_from(rows), min_size=1, max_size=len(rows))):
                if column < len(row):  # a ragged row may be short
                    row[column] = draw(JUNK_CELLS)
        elif kind == "drop" and width:
            del headers[column]
            rows = [row[:column] + row[column + 1:] for row in rows]
        elif kind in ("add", "repeat"):
            header = headers[column] if kind == "repeat" and width else draw(
                unicode_text | st.sampled_from(sorted(KINDS)))
            headers.append(header)
            rows = [row + [draw(JUNK_CELLS)] for row in rows]
        elif kind == "rename" and width:
            headers[column] = draw(unicode_text)
        elif kind == "ragged" and rows:
            index = draw(st.integers(0, len(rows) - 1))
            rows[index] = rows[index] + [draw(JUNK_CELLS)] if draw(st.booleans()) else rows[index][:-1]
        elif kind == "empty":
            rows = []
    return Table(tuple(headers), tuple(tuple(row) for row in rows))


# --- writing tapes ----------------------------------------------------------------------------------------------------


def csv_bytes(table: Table, encoding: str, delimiter: str = ",", newline: str = "\n", header: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    if header:
        writer.writerow(table.headers)
    writer.writerows(table.rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(table: Table, typed: bool = False) -> bytes:
    """An XLSX workbook; `typed` stores numbers and dates as Excel numbers and dates, as spreadsheets usually do."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": typed}) as book:
        sheet = book.add_worksheet("tape")
        dated = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, table.headers)
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row):
                parsed = _as_date(cell) if typed else None
                if parsed is not None:
                    sheet.write_datetime(r, c, parsed, dated)
                elif typed:
                    sheet.write(r, c, cell)
                else:
                    sheet.write_string(r, c, cell)
    return buffer.getvalue()


def _as_date(cell) -> datetime | None:
    try:
        return datetime.strptime(str(cell), "%Y-%m-%d")
    except ValueError:
        return None


def parquet_bytes(table: Table) -> bytes:
    """A Parquet file of text columns (it cannot hold two columns of one name: the last one wins)."""
    buffer = io.BytesIO()
    columns = {header: [row[i] if i < len(row) else None for row in table.rows]
               for i, header in enumerate(table.headers)}
    pl.DataFrame(columns, schema={header: pl.String for header in columns}).write_parquet(buffer)
    return buffer.getvalue()


TEXT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


def _reads_as_gb18030(data: bytes) -> bool:
    """Whether GB18030 bytes are read back as GB18030 under the reader's documented rules: they must not also
    decode as UTF-8 (`outstanding_balance(元)` alone is D4 AA, UTF-8 for U+052A), and their text must keep to GB2312
    as Chinese exports do (rare ideographs are taken for a Latin-1 file). Other tables are written as UTF-8."""
    text = data.decode("gb18030")
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    try:
        return data.decode("utf-8") == text
    except UnicodeDecodeError:
        return True


@st.composite
def valid_tapes(draw, asset_class: AssetClass) -> bytes:
    """A well-formed tape file of the asset class in any format the reader accepts."""
    table = draw(valid_tables(asset_class))
    form = draw(st.sampled_from(["csv", "csv", "xlsx", "xlsx-typed", "parquet"]))
    if form == "csv":
        encoding = draw(st.sampled_from(TEXT_ENCODINGS))
        data = csv_bytes(table, encoding, draw(st.sampled_from(",;\t")), draw(st.sampled_from(["\n", "\r\n"])))
        return data if encoding != "gb18030" or _reads_as_gb18030(data) else data.decode("gb18030").encode("utf-8")
    return xlsx_bytes(table, typed=form == "xlsx-typed") if form.startswith("xlsx") else parquet_bytes(table)


def _byte_damage(draw, data: bytes) -> bytes:
    """Truncated, a run of bytes overwritten with garbage, or garbage appended."""
    cut = draw(st.integers(0, len(data)))
    garbage = draw(st.binary(min_size=1, max_size=64))
    return draw(st.sampled_from([data[:cut], data[:cut] + garbage + data[cut + len(garbage):], data + garbage]))


@st.composite
def broken_tapes(draw, asset_class: AssetClass) -> bytes:
    """Tapes a user should be told how to fix: mutated tables, wrong or mixed encodings, damaged files, garbage."""
    table = draw(mutated_tables(asset_class) | valid_tables(asset_class))
    form = draw(st.sampled_from(["csv", "encoding", "mixed", "xlsx", "parquet", "damaged", "garbage", "magic"]))
    if form == "csv":
        return csv_bytes(table, draw(st.sampled_from(TEXT_ENCODINGS)), draw(st.sampled_from(",;\t|")))
    if form == "encoding":
        return csv_bytes(table, draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252",
                                                      "shift_jis", "big5", "utf-7"])))
    if form == "mixed":
        half = len(table.rows) // 2
        second = draw(st.sampled_from(["gb18030", "latin-1", "utf-16"]))
        return (csv_bytes(replace(table, rows=table.rows[:half]), "utf-8")
                + csv_bytes(replace(table, rows=table.rows[half:]), second, header=False))
    if form == "xlsx":
        return xlsx_bytes(table, typed=draw(st.booleans()))
    if form == "parquet":
        return parquet_bytes(table)
    if form == "damaged":
        return _byte_damage(draw, draw(valid_tapes(asset_class)))
    if form == "magic":
        return draw(st.sampled_from([b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + draw(
            st.binary(max_size=200))
    return draw(st.binary(max_size=2000))
