"""The pool report's figures against an independent plain-Python reference (csv module + Decimal) on a small tape."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from deal_edits import edited

from filing.model.identifiers import uscc_check_digit
from filing.pool import analyse_pool

CUT_OFF = date(2026, 9, 30)
MONTH = 365.25 / 12
HEADER = ["asset_id", "obligor_id", "obligor_name", "obligor_uscc", "region_code", "industry_code", "currency",
          "original_amount", "outstanding_balance", "origination_date", "maturity_date", "interest_rate",
          "related_party", "obligor_group"]
REGIONS = ["110105", "310115", "440305", "330106", "510107"]
SECTIONS = ["C", "F", "G", "I"]
ELIGIBILITY = {"max_remaining_term_months": 9, "min_seasoning_months": 1, "min_outstanding_balance": "20000",
               "max_interest_rate": 0.07, "excluded_industries": ["F"], "excluded_regions": ["440000"],
               "allow_related_parties": False, "max_obligor_share": 0.2}


def _uscc(index: int) -> str:
    body = f"91{REGIONS[index % len(REGIONS)]}MA{index:07d}"
    return body + uscc_check_digit(body)


def write_tape(path) -> list[dict[str, str]]:
    rng = random.Random(3)
    rows = []
    for i in range(45):
        o = min(int(rng.expovariate(0.25)), 11)  # a few large obligors, a long tail
        start = CUT_OFF - timedelta(days=rng.randint(3, 400))
        rows.append({
            "asset_id": f"A{i:03d}", "obligor_id": f"OB{o:02d}", "obligor_name": f"债务人{o}有限公司",
            "obligor_uscc": _uscc(o), "region_code": REGIONS[o % 5], "industry_code": SECTIONS[o % 4],
            "currency": "CNY", "original_amount": f"{rng.randint(30_000, 3_000_000)}.00",
            "outstanding_balance": f"{Decimal(rng.randint(1_000_000, 200_000_000)) / 100:.2f}",
            "origination_date": start.isoformat(),
            "maturity_date": (start + timedelta(days=rng.choice([200, 365, 500, 720]))).isoformat(),
            "interest_rate": f"{rng.uniform(0.03, 0.09):.4f}", "related_party": "是" if o == 7 else "否",
            "obligor_group": "集团甲" if o in (1, 4) else "",
        })
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def reference(path) -> dict:
    """The figures recomputed from the file with the csv module and Decimal, sharing no code with filing.pool."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        r["bal"] = Decimal(r["outstanding_balance"])
        r["remaining"] = (date.fromisoformat(r["maturity_date"]) - CUT_OFF).days / MONTH
        r["seasoning"] = (CUT_OFF - date.fromisoformat(r["origination_date"])).days / MONTH
        r["rate"] = float(r["interest_rate"])
        r["affiliated"] = r["related_party"] == "是" or r["obligor_id"] == "OB03"
    total = sum(r["bal"] for r in rows)
    by_obligor: dict[str, Decimal] = defaultdict(Decimal)
    by_group: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        by_obligor[r["obligor_id"]] += r["bal"]
        by_group[r["obligor_group"] or r["obligor_id"]] += r["bal"]
    ranked = sorted(by_obligor.items(), key=lambda kv: (-kv[1], kv[0]))
    shares = [float(b / total) for _, b in ranked]

    def wa(key: str) -> float:
        return sum(float(r["bal"]) * r[key] for r in rows) / sum(float(r["bal"]) for r in rows)

    def table(key) -> dict:
        out: dict = defaultdict(lambda: [0, Decimal(0)])
        for r in rows:
            out[key(r)][0] += 1
            out[key(r)][1] += r["bal"]
        return {k: (n, b) for k, (n, b) in out.items()}

    edges = [0, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000]
    obligor_share = {o: float(b / total) for o, b in by_obligor.items()}
    criteria = {
        "max_remaining_term_months": lambda r: r["remaining"] > 9,
        "min_seasoning_months": lambda r: r["seasoning"] < 1,
        "min_outstanding_balance": lambda r: r["bal"] < 20000,
        "max_interest_rate": lambda r: r["rate"] > 0.07,
        "excluded_industries": lambda r: r["industry_code"] == "F",
        "excluded_regions": lambda r: r["region_code"].startswith("44"),
        "allow_related_parties": lambda r: r["affiliated"],
        "max_obligor_share": lambda r: obligor_share[r["obligor_id"]] > 0.2,
    }
    excluded = {name: [r for r in rows if test(r)] for name, test in criteria.items()}
    eligible = [r for r in rows if not any(test(r) for test in criteria.values())]
    affiliated = [r for r in rows if r["affiliated"]]
    return {
        "total": total, "count": len(rows), "obligors": len(by_obligor),
        "wa_rate": wa("rate"), "wa_remaining": wa("remaining"), "wa_seasoning": wa("seasoning"),
        "top1": shares[0], "top5": sum(shares[:5]), "top10": sum(shares[:10]), "hhi": sum(s * s for s in shares),
        "ranked": [o for o, _ in ranked][:10],
        "top_assets": [r["asset_id"] for r in sorted(rows, key=lambda r: (-r["bal"], r["asset_id"]))][:20],
        "alone": sorted(o for o, b in by_obligor.items() if b / total > Decimal("0.15")),
        "groups": sorted(g for g, b in by_group.items() if g.startswith("集团") and b / total > Decimal("0.20")),
        "largest_group": max(float(b / total) for b in by_group.values()),
        "balance_table": table(lambda r: next(i for i in range(len(edges), 0, -1) if float(r["bal"]) >= edges[i - 1])),
        "region_table": table(lambda r: r["region_code"][:2]),
        "industry_table": table(lambda r: r["industry_code"]),
        "excluded": {k: (len(v), sum((r["bal"] for r in v), Decimal(0))) for k, v in excluded.items()},
        "eligible": (len(eligible), sum((r["bal"] for r in eligible), Decimal(0))),
        "affiliates": (len(affiliated), sum((r["bal"] for r in affiliated), Decimal(0))),
        "unrelated": len({r["obligor_group"] or r["obligor_id"] for r in rows if not r["affiliated"]}),
    }


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    path = tmp_path_factory.mktemp("tape") / "tape.csv"
    write_tape(path)
    expected = reference(path)
    loaded = edited({"assets.tape": str(path), "assets.pool_balance": str(expected["total"]),
                     "assets.eligibility": ELIGIBILITY, "assets.originator_affiliates": ["OB03"],
                     "assets.dishonest_obligors": ["OB00"]})
    return analyse_pool(loaded), expected


def test_totals_and_averages(both):
    report, ref = both
    assert report.totals.balance == ref["total"] and report.totals.matches_stated
    assert (report.totals.asset_count, report.totals.obligor_count) == (ref["count"], ref["obligors"])
    averages = report.weighted_averages
    assert averages.interest_rate == pytest.approx(ref["wa_rate"], rel=1e-12)
    assert averages.remaining_term_months == pytest.approx(ref["wa_remaining"], rel=1e-12)
    assert averages.seasoning_months == pytest.approx(ref["wa_seasoning"], rel=1e-12)


def test_distribution_tables(both):
    report, ref = both
    tables = report.distributions
    assert {int(r.key): (r.count, r.balance) for r in tables["balance"]} == ref["balance_table"]
    assert {r.key: (r.count, r.balance) for r in tables["region"]} == ref["region_table"]
    assert {r.key: (r.count, r.balance) for r in tables["industry"]} == ref["industry_table"]
    assert tables["region"][0].label_zh and tables["industry"][0].label_en
    for rows in tables.values():
        assert sum(r.balance for r in rows) == ref["total"]
        assert sum(r.balance_share for r in rows) == pytest.approx(1.0)


def test_concentration_and_top_tables(both):
    report, ref = both
    c = report.concentration
    assert (c.top1_share, c.top5_share, c.top10_share, c.hhi) == pytest.approx(
        (ref["top1"], ref["top5"], ref["top10"], ref["hhi"]), rel=1e-12)
    assert c.largest_group_share == pytest.approx(ref["largest_group"], rel=1e-12)
    assert [o.obligor_id for o in report.top_obligors] == ref["ranked"]
    assert [a.asset_id for a in report.top_assets] == ref["top_assets"]
    assert report.all_assets_at_most_1pct is False


def test_important_providers_affiliates_dispersion(both):
    report, ref = both
    alone = sorted(p.key for p in report.important_providers if p.basis == "alone")
    groups = sorted(p.key for p in report.important_providers if p.basis == "with_affiliates")
    assert (alone, groups) == (ref["alone"], ref["groups"])
    assert report.important_provider_dishonest == ("OB00" in ref["alone"])
    a = report.affiliates
    assert (a.asset_count, a.balance) == ref["affiliates"]
    assert a.share == pytest.approx(float(ref["affiliates"][1] / ref["total"]))
    assert report.dispersion.unrelated_obligors == ref["unrelated"]
    assert report.dispersion.meets == (ref["unrelated"] >= 10 and ref["top1"] <= 0.5)


def test_eligibility_per_criterion(both):
    report, ref = both
    result = report.eligibility
    assert {c.criterion: (c.excluded_count, c.excluded_balance) for c in result.criteria} == ref["excluded"]
    assert (result.eligible_count, result.eligible_balance) == ref["eligible"]
    assert result.eligible_count + result.ineligible_count == ref["count"]
    assert result.eligible_balance + result.ineligible_balance == ref["total"]
    assert report.frame.get_column("eligible").sum() == ref["eligible"][0]


def test_to_dict_is_json_and_deterministic(both, tmp_path):
    report, _ = both
    data = report.to_dict()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    assert "frame" not in data and data["cashflows"] is None
    assert data["totals"]["balance"] == str(report.totals.balance)
    assert isinstance(data["concentration"]["top1_share"], float)
    assert text == json.dumps(report.to_dict(), ensure_ascii=False, sort_keys=True)


def test_progress_is_reported_in_order(tmp_path):
    path = tmp_path / "tape.csv"
    rows = write_tape(path)
    total = sum(Decimal(r["outstanding_balance"]) for r in rows)
    steps = []
    analyse_pool(edited({"assets.tape": str(path), "assets.pool_balance": str(total)}),
                 progress=lambda step, done, of: steps.append((step, done, of)))
    assert steps == [("read", 1, 5), ("validate", 2, 5), ("eligibility", 3, 5), ("statistics", 4, 5),
                     ("concentration", 5, 5)]
