"""The rules that read the pool report, both ways, on the example tapes and small tapes made here."""

from __future__ import annotations

import csv

import pytest
from deal_edits import DELETE, EXAMPLES, edited

from filing import analyse, check_deal, load_deal
from filing.model.load import LoadedDeal

NONCOMPLIANT = EXAMPLES / "noncompliant" / "deal.yaml"


def codes(loaded: LoadedDeal) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in check_deal(loaded, analyse(loaded)).findings:
        found.setdefault(finding.rule, set()).add(finding.path)
    return found


@pytest.fixture(scope="module")
def trade_receivables() -> dict[str, set[str]]:
    return codes(load_deal(EXAMPLES / "trade-receivables" / "deal.yaml"))


@pytest.fixture(scope="module")
def noncompliant() -> dict[str, set[str]]:
    return codes(load_deal(NONCOMPLIANT))


def test_dishonest_important_provider_blocks():
    found = codes(edited({"assets.dishonest_obligors": ["OB0001"]}, NONCOMPLIANT))
    assert found["CN-G-15"] == {"assets.dishonest_obligors"}


def test_dishonest_small_obligor_does_not_block(noncompliant):
    assert "CN-G-15" not in noncompliant
    assert "CN-G-15" not in codes(edited({"assets.dishonest_obligors": ["OB0159"]}))


def test_dispersion_both_ways(noncompliant, trade_receivables):
    assert "CN-ABS-04" in noncompliant and "CN-ABS-04" not in trade_receivables
    supported = edited({"structure.credit_enhancement": [{"kind": "shortfall_support", "provider": "华讯控股"}]},
                       NONCOMPLIANT)
    assert "CN-ABS-04" not in codes(supported)


def test_affiliate_share_above_ten_percent(trade_receivables):
    assert "CN-ABS-05" not in trade_receivables
    affiliates = ["OB0159", "OB0219", "OB0195", "OB0029", "OB0109"]
    assert codes(edited({"assets.originator_affiliates": affiliates}))["CN-ABS-05"] == {"assets.originator_affiliates"}


def test_top_twenty_is_information_when_an_asset_exceeds_one_percent(trade_receivables):
    assert "CN-ABS-03" not in trade_receivables
    assert "CN-ABS-03" in codes(load_deal(EXAMPLES / "equipment-lease" / "deal.yaml"))


def test_base_case_that_does_not_repay_blocks(trade_receivables):
    assert "CN-ABS-10" not in trade_receivables
    harsh = edited({"cashflow.base": {"name": "base", "cdr": 0.95, "recovery_rate": 0}})
    assert "token.tranches[0]" in codes(harsh)["CN-ABS-10"]


def test_a_stated_expected_maturity_is_the_base_case_s(trade_receivables, noncompliant):
    assert "CN-ABS-15" not in trade_receivables  # the example states the base case's 2028-01-31
    assert noncompliant["CN-ABS-15"] == {"token.tranches[0].expected_maturity"}  # 2027-12-31 against 2027-07-31
    assert codes(edited({"token.tranches[0].expected_maturity": "2027-12-31"}))["CN-ABS-15"] == {
        "token.tranches[0].expected_maturity"}
    assert "CN-ABS-15" not in codes(edited({"token.tranches[0].expected_maturity": DELETE}))  # none stated, none judged


def test_tape_without_region_and_industry_cannot_be_distributed(tmp_path):
    tape = tmp_path / "tape.csv"
    rows = [{"asset_id": f"A{i}", "obligor_id": f"O{i}", "obligor_name": f"债务人{i}",
             "outstanding_balance": "1000000.00", "origination_date": "2026-06-01", "maturity_date": "2027-03-31"}
            for i in range(40)]
    with tape.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    found = codes(edited({"assets.tape": str(tape), "assets.pool_balance": "40000000.00"}))
    assert found["CN-ABS-02"] == {"assets.tape"}
    assert "CN-ABS-01" not in found


def test_tape_defects_become_cited_blockers(noncompliant):
    for code in ("TAPE-12", "TAPE-13", "TAPE-15", "TAPE-20"):
        assert code in noncompliant, code
    assert noncompliant["TAPE-12"] == {"assets.tape[outstanding_balance]"}


def test_toll_road_history_is_read_from_the_tape():
    short = edited({"assets.history_years_declared": 1}, EXAMPLES / "toll-road" / "deal.yaml")
    assert "CN-ABS-06" not in codes(short), "the tape's five years of history outweigh the declared figure"
