"""Integration: a real anvil node (started here on loopback, stopped by its PID), `filing contract deploy` with a key
file, then `filing contract check --rpc` read-only and with `--fork` (the full suite as the tokens' agent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chain_support import ANVIL_ADDRESS_0, ANVIL_KEY_0
from typer.testing import CliRunner

from filing.chain.connect import ChainError
from filing.chain.node import anvil, find_anvil
from filing.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables" / "deal.yaml"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def node():
    try:
        find_anvil()
    except ChainError as error:
        pytest.skip(str(error))
    with anvil() as (url, web3):  # the context manager stops the process by its PID
        yield url, web3


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_deploy_then_check_read_only_and_fork(node, tmp_path: Path) -> None:
    url, web3 = node
    key_file = tmp_path / "deploy.key"
    key_file.write_text(ANVIL_KEY_0 + "\n")
    code, deployed = run("contract", "deploy", str(EXAMPLE), "--rpc", url, "--key-file", str(key_file))
    assert code == 0, deployed
    tranches = deployed["tranches"]
    assert [t["symbol"] for t in tranches] == ["HXSC-A", "HXSC-B", "HXSC-C"]
    assert all(t["admin"] == t["agent"] == ANVIL_ADDRESS_0 for t in tranches)
    assert ANVIL_KEY_0[2:] not in json.dumps(deployed)
    addresses = [arg for t in tranches for arg in ("--address", t["address"])]

    code, report = run("contract", "check", str(EXAMPLE), "--rpc", url, *addresses)
    assert code == 0, [f for f in report["findings"] if f["severity"] == "blocker"]
    assert report["mode"] == "rpc" and report["standard"] == "reference"
    assert {f["rule"] for f in report["findings"]} <= {"CHAIN-11", "CHAIN-16"}  # no manifest; chain 31337 ≠ 1
    assert all(s["passed"] for s in report["scenarios"]) and all(s["action"] == "read" for s in report["scenarios"])

    code, forked = run("contract", "check", str(EXAMPLE), "--rpc", url, *addresses, "--fork")
    assert code == 0, [s for s in forked["scenarios"] if not s["passed"]]
    assert forked["mode"] == "fork"
    actions = {s["action"] for s in forked["scenarios"]}
    assert {"mint", "transfer", "transfer_from", "forced_transfer"} <= actions
    assert all(s["passed"] for s in forked["scenarios"])
    # the fork left the node itself untouched: no investor was registered on it
    assert web3.eth.get_block_number() == sum(1 for _ in tranches)


def test_bad_inputs_exit_2(node, tmp_path: Path) -> None:
    url, _ = node
    code, report = run("contract", "check", str(EXAMPLE), "--rpc", url)  # the deal has no addresses
    assert code == 2 and report["ok"] is False
    code, _ = run("contract", "check", str(EXAMPLE), "--rpc", url, "--address", "0x1234")
    assert code == 2
    code, _ = run("contract", "deploy", str(EXAMPLE), "--rpc", url, "--key-file", str(tmp_path / "none"))
    assert code == 2
