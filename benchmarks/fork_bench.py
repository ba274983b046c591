"""Fork benchmark: `filing contract check --rpc URL --fork` on three real T-REX 4.1.x tokens (one per tranche of the
three-tranche example), deployed from the pinned npm artifacts on a local anvil that stands for the live chain.

Each timed run is the whole check as the CLI runs it: start an anvil forking the node, set the stage as the tokens'
owners (test claim issuer, identities with claims), run the common suite and the T-REX claim, recovery and batch
scenarios, mine the proofs, stop the fork. Printed: the median wall time of N runs, this process's CPU time, the peak
memory of this process (anvil's own is not in it), the load average, and two baselines measured in the same run: the
same `--fork` check on the project's reference token for the same deal (the suite without identities, claims and the
T-REX scenarios), and starting and stopping a bare fork. Target (issue 15): under 10 s.

    .venv/bin/python benchmarks/fork_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the T-REX deployer lives with the tests: the package never loads T-REX

from chain_bench import median_of  # noqa: E402  (this folder: the scripts run from it)
from trex_support import TrexDeployer  # noqa: E402

import filing  # noqa: E402
from filing import stages  # noqa: E402
from filing.chain.deploy import deploy_deal, tranche_terms  # noqa: E402
from filing.chain.node import anvil  # noqa: E402

EXAMPLE = ROOT / "examples" / "trade-receivables" / "deal.yaml"
TARGET = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    loaded = filing.load_deal(EXAMPLE)
    deal = loaded.deal
    load = os.getloadavg()[0]
    with anvil() as (url, web3):
        admin, agent = web3.eth.accounts[:2]
        deployer = TrexDeployer(web3, admin, agent)
        trex = []
        for tranche in deal.token.tranches:
            terms = tranche_terms(deal, tranche)
            trex.append(deployer.token(terms, restricted=[0, *terms.excluded], allowed=list(terms.allowed))
                        .token.address)
        reference = [d.address for d in deploy_deal(web3, deal, admin, agent)]
        report = stages.contract(loaded, rpc=url, addresses=trex, fork=True)  # warms imports and caches
        blockers = sorted({f.rule for f in report.findings if f.severity.value == "blocker"})
        mined = sum(1 for s in report.scenarios if s.tx_hash)
        print(f"fork benchmark: {EXAMPLE.parent.name}, {len(deal.token.tranches)} T-REX tranches, "
              f"{len(report.scenarios)} scenarios ({mined} mined), blockers {', '.join(blockers)}, "
              f"median of {runs} runs")

        def bare_fork() -> None:
            with anvil(fork_url=url):
                pass

        fork = median_of(runs, bare_fork)
        base = median_of(runs, lambda: stages.contract(loaded, rpc=url, addresses=reference, fork=True))
        full = median_of(runs, lambda: stages.contract(loaded, rpc=url, addresses=trex, fork=True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare fork start/stop        {fork[0]:6.3f} s (cpu {fork[1]:5.3f} s)")
    print(f"reference token --fork      {base[0]:6.3f} s (cpu {base[1]:5.3f} s)   baseline")
    print(f"T-REX --fork                {full[0]:6.3f} s (cpu {full[1]:5.3f} s)   ratio {full[0] / base[0]:4.1f}   "
          f"target {TARGET} s   {'OK' if full[0] <= TARGET else 'OVER'}")
    print(f"peak memory of this process {peak:.0f} MB")
    print(f"load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
