"""Commands import only what they use: each command path runs in a fresh interpreter, and the test asserts which
packages it did not load. Start-up time is what these imports cost (benchmarks/startup_bench.py measures it); a
test that names the modules keeps a stray top-level import from slowing every command again, without timing
anything.

`filing.chain.weakness` (the scenario tags) and `filing.chain.report` (the evidence's dataclasses) are data the
rulebook reads, so `filing.chain` itself may load; its runners (web3, the EVM) may not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEAL = ROOT / "examples" / "trade-receivables" / "deal.yaml"

_RUN = """
import json, runpy, sys
sys.argv = ["filing", *json.loads(sys.argv[1])]
try:
    runpy.run_module("filing", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""
"""Runs `filing ARGS` as `python -m filing` does, then reports the exit code and every module loaded."""

NEVER = ("web3", "eth_tester", "eth_account", "evm", "weasyprint", "jinja2", "docx", "matplotlib", "starlette",
         "uvicorn", "filing.packet", "filing.review", "filing.serve", "filing.chain.connect", "filing.chain.deploy",
         "filing.chain.node", "filing.chain.check", "filing.chain.scenarios")
"""Loaded by no command that neither builds, reviews, serves nor runs a chain."""

UNDRAWN = ("rich.progress", "rich.table", "rich.live")
"""rich's parts for bars and tables: loaded only when there is one to draw (stderr is a pipe here)."""


def loaded(*args: str) -> tuple[object, set[str]]:
    """The exit code of `filing ARGS` and the modules it loaded."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", _RUN, json.dumps([str(a) for a in args])], cwd=ROOT,
                            capture_output=True, text=True, env=environment, timeout=300)
    report = json.loads(result.stderr.rpartition("MODULES ")[2])
    return report["code"], set(report["modules"])


def _present(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def test_version_loads_neither_the_stages_nor_their_libraries() -> None:
    code, modules = loaded("--version")
    assert code in (0, None)
    assert _present(modules, NEVER + UNDRAWN + ("polars", "numpy", "pydantic", "ruamel", "pycountry",
                                                "fastexcel", "filing.pool", "filing.model", "filing.rules",
                                                "filing.stages", "filing.chain")) == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_without_chain_loads_no_chain_runner_packet_or_renderer(fmt: str) -> None:
    code, modules = loaded("check", DEAL, "--no-chain", "--format", fmt)
    assert code == 0
    assert {"polars", "pydantic", "filing.rules", "filing.pool.analyse"} <= modules  # what check does use
    assert _present(modules, NEVER + UNDRAWN + ("fastexcel",)) == []  # the example's tape is CSV


def test_pool_loads_no_chain_runner_packet_or_renderer() -> None:
    code, modules = loaded("pool", DEAL, "--format", "json")
    assert code == 0
    assert _present(modules, NEVER + UNDRAWN) == []
