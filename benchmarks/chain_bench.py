"""Chain benchmark: the full scenario suite for the three-tranche example, on the embedded chain and on anvil.

Prints the median wall time of N runs of each, the CPU time this process spent in them, the load average, and a
baseline measured in the same run: a fixed amount of chain work done through plain web3 (deploy the reference token
with a fixed gas limit, then 20 `eth_call`s), independent of the chain stage's own call and send paths, so a slow or
busy machine shows as a slow baseline rather than as a regression. Anvil is started on loopback by this script and
stopped by its PID. Targets (issue 4): ≤ 5 s embedded, ≤ 1.5 s anvil.

    .venv/bin/python benchmarks/chain_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from web3 import Web3

import filing
from filing import stages
from filing.chain.artifacts import load_artifact
from filing.chain.check import probe_embedded
from filing.chain.connect import embedded_chain
from filing.chain.deploy import tranche_terms
from filing.chain.node import anvil

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
TARGETS = {"embedded": 5.0, "anvil": 1.5}


def median_of(runs: int, job: Callable[[], object]) -> tuple[float, float]:
    """Median wall and median CPU seconds (this process only; anvil's own work is not in it)."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        job()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def baseline(web3: Web3, deal: filing.Deal) -> None:
    """Plain web3: deploy one tranche's reference token with a fixed gas limit, then call `name()` 20 times."""
    artifact, terms = load_artifact(), tranche_terms(deal, deal.token.tranches[0])
    admin = web3.eth.accounts[0]
    factory = web3.eth.contract(abi=artifact.abi_list, bytecode=artifact.bytecode)
    tx_hash = factory.constructor(terms.name, terms.symbol, terms.decimals, terms.cap, terms.maturity, admin, admin,
                                  list(terms.excluded), list(terms.allowed)).transact({"from": admin, "gas": 8_000_000})
    token = web3.eth.contract(address=web3.eth.wait_for_transaction_receipt(tx_hash)["contractAddress"],
                              abi=artifact.abi_list)
    for _ in range(20):
        token.functions.name().call()


def suite(web3: Web3 | None, deal: filing.Deal) -> None:
    report = stages.judge_chain(deal, probe_embedded(deal, web3=web3))
    assert report.ok, [s for s in report.scenarios if not s.passed]


def line(chain: str, base: tuple[float, float], full: tuple[float, float]) -> str:
    target = TARGETS[chain]
    return (f"{chain:9} baseline {base[0]:6.3f} s   full suite {full[0]:6.3f} s (cpu {full[1]:5.3f} s)   "
            f"ratio {full[0] / base[0]:5.1f}   target {target} s   {'OK' if full[0] <= target else 'OVER'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    deal = filing.load_deal(EXAMPLE).deal
    scenarios = probe_embedded(deal).scenarios  # also warms imports and caches before timing
    mined = sum(getattr(s, "mined", False) for s in scenarios)
    load = os.getloadavg()[0]
    print(f"chain benchmark: {EXAMPLE.parent.name}, {len(deal.token.tranches)} tranches, {len(scenarios)} scenarios "
          f"({mined} proved by a mined transaction), median of {runs} runs")
    print(line("embedded", median_of(runs, lambda: baseline(embedded_chain(), deal)),
               median_of(runs, lambda: suite(None, deal))))
    with anvil() as (_url, web3):
        print(line("anvil", median_of(runs, lambda: baseline(web3, deal)), median_of(runs, lambda: suite(web3, deal))))
    print(f"load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
