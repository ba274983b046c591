"""Fuzzing the pool stage: a tape either analyses (and the report serialises, summarises and checks) or fails with
located InputErrors; well-formed tapes in any accepted format always analyse, whatever their values."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from deal_edits import EXAMPLES, edited
from deal_strategies import dump, valid_deals
from fuzz_support import assert_located, budget
from hypothesis import example, given
from hypothesis import strategies as st
from tape_strategies import Table, broken_tapes, parquet_bytes, valid_tapes

import filing
from filing.errors import InputError
from filing.model.deal import AssetClass, Deal
from filing.pool.summary import pool_summary

EXAMPLE_DEALS: dict[AssetClass, Deal] = {
    AssetClass(loaded.deal.assets.asset_class): loaded.deal
    for loaded in map(filing.load_deal, (EXAMPLES / name / "deal.yaml" for name in
                                         ("trade-receivables", "equipment-lease", "toll-road",
                                                        "supply-chain-payables")))}


def per_class(tapes) -> st.SearchStrategy[tuple[AssetClass, bytes]]:
    return st.sampled_from(AssetClass).flatmap(lambda asset_class: st.tuples(st.just(asset_class), tapes(asset_class)))


UNREADABLE_BINARY = "TAPE-01 the tape is not a readable table"
"""A corrupt workbook or Parquet file: no line or column applies (a CSV's TAPE-01 must still be located)."""


def analyse(loaded: filing.LoadedDeal) -> filing.PoolReport | InputError:
    """What `filing check` and `filing pool` do with the tape: analyse, check, serialise, summarise."""
    try:
        pool = filing.analyse(loaded)
    except InputError as error:
        history = [loaded.source.parent / loaded.deal.assets.history] if loaded.deal.assets.history else []
        assert_located(error, loaded.tape_path, loaded.source, *history, whole_file=(UNREADABLE_BINARY,))
        return error
    report = filing.check_deal(loaded, pool)
    json.dumps(report.to_dict() | {"pool": pool.to_dict()}, ensure_ascii=False, default=str)
    assert all(isinstance(line, str) for line in pool_summary(pool))
    return pool


def analyse_example(asset_class: AssetClass, tape: bytes) -> filing.PoolReport | InputError:
    """The tape under the example deal of its asset class."""
    deal = EXAMPLE_DEALS[asset_class]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "tape.bin").write_bytes(tape)
        assets = deal.assets.model_copy(update={"tape": "tape.bin", "tape_sheet": None, "history": None})
        return analyse(filing.LoadedDeal(deal.model_copy(update={"assets": assets}), Path(folder) / "deal.yaml"))


HEADER = b"asset_id,obligor_id,obligor_name,outstanding_balance,origination_date,maturity_date"


def two_years(first: str, second: str) -> bytes:
    """A toll road's monthly revenue for 2000 and 2001: the projection compounds the growth between them."""
    rows = [f"{2000 + m // 12}-{m % 12 + 1:02d},{first if m < 12 else second}" for m in range(24)]
    return ("period,toll_revenue\n" + "\n".join(rows) + "\n").encode()


def damaged_parquet() -> bytes:
    """Five receivables as Parquet with one byte of the first data page changed, which made polars panic."""
    rows = tuple((f"A{i}", "O1", "N", "1.00", "2026-01-01", "2027-01-01") for i in range(5))
    data = bytearray(parquet_bytes(Table(tuple(HEADER.decode().split(",")), rows)))
    data[94] = 249
    return bytes(data)


@budget(40)
@given(case=per_class(valid_tapes))
@example(case=(AssetClass.toll_road_income, two_years("1.00", "100.00")))  # 10^74: was decimal.InvalidOperation
def test_fuzz_valid_tapes_analyse(case):
    outcome = analyse_example(*case)
    assert not isinstance(outcome, InputError), str(outcome)


@budget(60)
@given(case=per_class(broken_tapes))
@example(case=(AssetClass.toll_road_income, b"period,toll_revenue\n2000-01,0.00\n"))  # was a ValueError
@example(case=(AssetClass.trade_receivables, HEADER + b"\n1,2,3,4,5,6,7\n"))  # was an unlocated TAPE-01
@example(case=(AssetClass.trade_receivables, HEADER + b"\r1,2,3,4,5,6\r"))  # was a csv.Error
@example(case=(AssetClass.toll_road_income, two_years("0.01", "1000000000.00")))  # overflows: was InvalidOperation
@example(case=(AssetClass.trade_receivables, damaged_parquet()))  # was a polars PanicException
@example(case=(AssetClass.trade_receivables, HEADER + b'\nA1,O1,N,"2,444.'))  # unclosed quote: was unlocated
def test_fuzz_broken_tapes_fail_located(case):
    analyse_example(*case)


@budget(15)
@given(case=st.sampled_from(AssetClass).flatmap(lambda asset_class: st.tuples(
    valid_deals(asset_class), valid_tapes(asset_class) | broken_tapes(asset_class))))
def test_fuzz_generated_deal_and_tape(case):
    """Deal parameters the examples never use (cut-off dates, eligibility, tranches, scenarios) against any tape."""
    tree, tape = case
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "tape.bin").write_bytes(tape)
        (Path(folder) / "deal.yaml").write_text(dump(tree, "yaml"), encoding="utf-8")
        analyse(filing.load_deal(Path(folder) / "deal.yaml"))


@pytest.mark.parametrize(("changes", "file", "field"), [
    ({f"token.tranches[{i}].legal_maturity": "2020-12-31" for i in range(3)}, "deal", "token.tranches"),
    ({"cashflow.stress[0].name": "base"}, "deal", "cashflow"),
    ({"assets.tape_sheet": "Sheet9"}, "tape", "assets.tape_sheet"),
])
def test_fuzz_found_deals_name_the_field_at_fault(changes, file, field):
    """Found by fuzzing: valid deals whose notes all mature before the cut-off, or whose scenarios share a name,
    crashed the pool stage with a ValueError; a sheet the tape lacks was an unlocated error."""
    loaded = edited(changes)
    with pytest.raises(InputError) as caught:
        filing.analyse(loaded)
    expected = loaded.source if file == "deal" else loaded.tape_path
    assert [(p.file, p.path) for p in caught.value.problems] == [(str(expected), field)]
