"""Chain benchmark: the full scenario suite for the three-tranche example, on the embedded chain and on anvil.

Prints the median of N runs of each, next to a baseline measured in the same run (deploy one token, register one
investor, mint once), so a slow machine shows as a slow baseline rather than as a regression. Anvil is started on
loopback by this script and stopped by its PID. Targets (issue 4): ≤ 5 s embedded, ≤ 1.5 s anvil.

    .venv/bin/python benchmarks/chain_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from web3 import Web3

import filing
from filing.chain.adapters import ReferenceAdapter
from filing.chain.check import check_embedded, embedded_actors
from filing.chain.connect import embedded_chain
from filing.chain.deploy import deploy_deal
from filing.chain.node import anvil

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"


def median_of(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline(web3: Web3, deal: filing.Deal) -> None:
    """Deploy one tranche, register one investor, mint once."""
    admin, agent, actors = embedded_actors(web3)
    one = deal.model_copy(update={"token": deal.token.model_copy(update={"tranches": deal.token.tranches[:1]})})
    (deployed,) = deploy_deal(web3, one, admin, agent)
    token = ReferenceAdapter(web3, deployed.address)
    token.agent = agent
    token.register([(actors.senders[0], 344, 2**63)])
    token.mint(actors.senders[0], 1)


def suite(web3: Web3 | None, deal: filing.Deal) -> None:
    report = check_embedded(deal, web3=web3)
    assert report.ok, [s for s in report.scenarios if not s.passed]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    deal = filing.load_deal(EXAMPLE).deal
    scenarios = len(check_embedded(deal).scenarios)
    print(f"chain benchmark: {EXAMPLE.parent.name}, {len(deal.token.tranches)} tranches, {scenarios} scenarios, "
          f"median of {runs} runs")
    base = median_of(runs, lambda: baseline(embedded_chain(), deal))
    full = median_of(runs, lambda: suite(None, deal))
    print(f"embedded  baseline (deploy+register+mint) {base:6.3f} s   full suite {full:6.3f} s   target 5.0 s   "
          f"{'OK' if full <= 5.0 else 'OVER'}")
    with anvil() as (_url, web3):
        base = median_of(runs, lambda: baseline(web3, deal))
        full = median_of(runs, lambda: suite(web3, deal))
    print(f"anvil     baseline (deploy+register+mint) {base:6.3f} s   full suite {full:6.3f} s   target 1.5 s   "
          f"{'OK' if full <= 1.5 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
