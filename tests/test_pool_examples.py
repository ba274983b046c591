"""The example tapes: their totals, their shape (as the brief promises) and the noncompliant tape's defects."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from filing.model.load import load_deal
from filing.pool import analyse_pool

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TOTALS = json.loads((EXAMPLES / "tape_totals.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports() -> dict:
    return {name: analyse_pool(load_deal(EXAMPLES / name / "deal.yaml")) for name in TOTALS}


@pytest.mark.parametrize("name", sorted(TOTALS))
def test_totals_match_the_generator(reports, name):
    report = reports[name]
    assert report.tape.rows == TOTALS[name]["rows"]
    if report.totals is not None:
        assert report.totals.tape_total == Decimal(TOTALS[name]["total"])
    else:
        assert sum((a.revenue for a in report.toll_road.annual), Decimal(0)) == Decimal(TOTALS[name]["total"])


def test_trade_receivables_shape(reports):
    report = reports["trade-receivables"]
    assert report.tape.encoding == "gb18030" and report.totals.matches_stated
    assert len(report.distributions["region"]) >= 10 and len(report.distributions["industry"]) >= 8
    assert report.totals.obligor_count >= 150 and report.concentration.top1_share < 0.15
    assert 0 < report.affiliates.share < 0.10 and not report.important_providers
    assert report.quality.rows_passing == report.tape.rows and not report.blockers
    assert report.dispersion.meets


def test_equipment_lease_reads_from_xlsx(reports):
    report = reports["equipment-lease"]
    assert report.tape.format == "xlsx" and report.totals.matches_stated
    assert 0.04 < report.weighted_averages.interest_rate < 0.08


def test_toll_road_history(reports):
    history = reports["toll-road"].toll_road
    assert (history.months, history.first_period, history.last_period) == (60, "2021-10", "2026-09")
    assert 0.03 < history.cagr < 0.05 and history.concession_covers_notes
    assert all(40e6 < float(t.revenue) / 12 < 60e6 for t in history.trailing_years)


def test_noncompliant_defects_are_found(reports):
    report = reports["noncompliant"]
    found = {f.code: f for f in report.findings}
    assert found["TAPE-12"].rows == (14,) and found["TAPE-13"].rows == (27,)
    assert found["TAPE-15"].count == 1 and found["TAPE-16"].count == 3
    assert report.concentration.top1_share == pytest.approx(0.55, abs=0.01)
    assert not report.dispersion.meets and report.important_providers[0].share > 0.5
