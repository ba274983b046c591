"""Figures and labels that more than one document shows, derived once from the packet's data.

Why one module: the expected maturity of a tranche, its payment frequency, the network its token runs on and the
scenario names appear in the filing report, the token terms, the cash-flow report and the legal opinion; when each
template derived them itself, they disagreed (an expected maturity typed into the deal against the projection's,
the embedded test chain shown as "Ethereum (chain 1)"). Here each is computed from one source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

TEST_CHAIN_MODES = frozenset({"embedded", "fork"})
"""Contract-check modes whose token addresses are on a test chain, not on the deal's network."""
CHECK_FIELDS = ("name", "symbol", "decimals", "cap", "maturity", "excluded_jurisdictions", "allowed_jurisdictions")


def cash_context(pool: dict[str, Any] | None, deal: dict[str, Any]) -> dict[str, Any] | None:
    """The cash-flow tables and the projection's timeline (None until the projection has run)."""
    flows = (pool or {}).get("cashflows")
    if not flows:
        return None
    scenarios = {s["name"]: s for s in [deal["cashflow"]["base"], *deal["cashflow"]["stress"]]}
    order = [*scenarios, *sorted(set(flows["scenarios"]) - set(scenarios))]  # the deal's order, then added ones
    rows, tranches = [], []
    for name in (n for n in order if n in flows["scenarios"]):
        scenario = flows["scenarios"][name]
        summary, stated = scenario["summary"], scenario["assumptions"]
        label = scenarios.get(name, stated)
        row = {"name": name, "label_zh": label.get("label_zh") or stated.get("label_zh"),
               "label_en": label.get("label_en") or stated.get("label_en") or name, **stated}
        rows.append(row | {k: summary["totals"][k] for k in ("collections", "defaults", "recoveries")}
                    | {"purchases": summary["totals"].get("purchases", "0.00"),
                       "senior_min_dscr": summary["senior_min_dscr"]})
        tranches += [{"scenario": name, "label_zh": row["label_zh"], "label_en": row["label_en"], "tranche": tid, **t}
                     for tid, t in summary["tranches"].items()]
    base = flows["scenarios"][deal["cashflow"]["base"]["name"]]["summary"]["tranches"]
    return {"rows": rows, "tranches": tranches, "currency": flows["currency"], "periods": flows["periods"],
            "first_period": flows["periods"][0], "last_period": flows["periods"][-1],
            "closing": flows.get("closing") or flows["cut_off"], "revolving_until": flows.get("revolving_until"),
            "assumptions": [a for a in flows["assumptions"] if isinstance(a, dict)],
            "expected": {tid: t["repaid_on"] for tid, t in base.items()},
            "fx_stress": any(float(r.get("fx_shock") or 0) for r in rows),
            "monthly": {n: flows["scenarios"][n]["monthly"] for n in order if n in flows["scenarios"]}}


def tranche_terms(deal: dict[str, Any], contract: dict[str, Any] | None,
                  cash: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each tranche as the documents show it: on-chain address and checks, the cap in base units, the expected
    maturity from the base-case projection, and whether it pays a coupon at all."""
    onchain = {t["tranche"]: t for t in (contract or {}).get("tranches", [])}
    expected = (cash or {}).get("expected", {})
    out = []
    for t in deal["token"]["tranches"]:
        seen = onchain.get(t["id"], {})
        checks = [c | {"field_key": f"onchain_{c['field']}"} for c in seen.get("checks", [])
                  if c["field"] in CHECK_FIELDS]
        out.append(t | {
            "address": seen.get("address") or t["address"], "checks": checks,
            "cap_base_units": f"{int(Decimal(t['principal']) * 10 ** t['decimals']):,}",
            "expected_maturity": expected.get(t["id"]), "pays_coupon": Decimal(str(t["coupon_rate"])) > 0,
        })
    return out


def chain_context(deal: dict[str, Any], contract: dict[str, Any] | None) -> dict[str, Any]:
    """The network the tokens are to be issued on (the deal's) and the one the shown addresses are on: a test
    chain when the reference token was deployed by the contract check, never labelled as the deal's network."""
    mode = (contract or {}).get("mode")
    return {"name_zh": deal["token"]["chain"].get("name_zh") or deal["token"]["chain"]["name"],
            "name_en": deal["token"]["chain"]["name"], "id": deal["token"]["chain"]["chain_id"],
            "test": mode in TEST_CHAIN_MODES, "test_id": (contract or {}).get("chain_id"), "mode": mode}
