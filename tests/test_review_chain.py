"""`filing review --rpc` on anvil: tokens deployed by the filer's key, a packet built with their addresses and its
manifest hash recorded on chain passes; changing the recorded hash on chain fails the chain-manifest check; a
manifest signed by a key without a role on the tokens fails the signer-role check."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from typer.testing import CliRunner
from web3 import Web3

import filing
from filing import stages
from filing.chain import deploy_contracts
from filing.chain.artifacts import load_artifact
from filing.chain.deploy import FILING_MANIFEST_DOCUMENT
from filing.chain.node import anvil
from filing.cli import app
from filing.review import ReviewReport, Status, review_packet

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
FILER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Anvil's first default account (unlocked on the node): deploys the tokens and signs the packet."""
STRANGER_KEY = "0x" + "42" * 32
FILER = Account.from_key(FILER_KEY).address


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[str, Web3]]:
    """Anvil on the deal's chain id (1), so the chain check compares like with like."""
    with anvil(extra_args=("--chain-id", "1")) as (url, web3):
        yield url, web3


def _deploy_and_build(url: str, folder: Path, sign_key: str) -> tuple[Path, list[str]]:
    """Deploy the example's tokens, build its packet with their addresses, and record the manifest hash on chain."""
    shutil.copytree(EXAMPLE, folder / "deal")
    deal = folder / "deal" / "deal.yaml"
    deploy_key, packet_key = folder / "deploy-key.txt", folder / "sign-key.txt"
    deploy_key.write_text(FILER_KEY + "\n")
    packet_key.write_text(sign_key + "\n")
    deployed = deploy_contracts(filing.load_deal(deal), url, deploy_key)
    text = deal.read_text(encoding="utf-8")
    for item in deployed:
        text = text.replace(f"symbol: {item.symbol}\n", f"symbol: {item.symbol}\n      address: \"{item.address}\"\n")
    deal.write_text(text, encoding="utf-8")
    result = stages.build(filing.load_deal(deal), folder / "packet", sign_key_file=packet_key)
    assert result.written
    manifest = (folder / "packet" / "manifest.json").read_bytes()
    addresses = [item.address for item in deployed]
    for address in addresses:
        _record(url, address, hashlib.sha256(manifest).digest())
    return folder / "packet", addresses


def _record(url: str, address: str, digest: bytes) -> None:
    """setDocument("filing.manifest", "", digest) as the filer, the tokens' admin and agent."""
    web3 = Web3(Web3.HTTPProvider(url))
    token = web3.eth.contract(address=address, abi=load_artifact().abi_list)
    receipt = web3.eth.wait_for_transaction_receipt(
        token.functions.setDocument(FILING_MANIFEST_DOCUMENT, "", digest).transact({"from": FILER}))
    assert receipt["status"] == 1


def _status(report: ReviewReport) -> dict[str, Status]:
    return {c.name: c.status for c in report.checks}


def test_review_against_the_chain(node: tuple[str, Web3], tmp_path: Path) -> None:
    url, _ = node
    packet, addresses = _deploy_and_build(url, tmp_path, FILER_KEY)

    report = review_packet(packet, rpc=url)
    status = _status(report)
    assert report.ok, [(c.name, c.issues) for c in report.checks if not c.passed]
    assert status["chain-manifest"] is Status.passed and status["signer-role"] is Status.passed
    assert status["chain-contract"] is not Status.failed and status["signature"] is Status.passed
    assert CliRunner().invoke(app, ["review", str(packet), "--rpc", url]).exit_code == 0

    _record(url, addresses[0], b"\x01" * 32)
    changed = review_packet(packet, rpc=url)
    failed = {c.name: c.issues for c in changed.checks if not c.passed}
    assert set(failed) == {"chain-manifest"}, failed
    assert failed["chain-manifest"][0].path == f"A {addresses[0]}"
    assert "0x" + "01" * 32 in failed["chain-manifest"][0].message
    result = CliRunner().invoke(app, ["review", str(packet), "--rpc", url, "--format", "json"])
    assert result.exit_code == 1
    assert any(f["rule"] == "REVIEW-CHAIN-MANIFEST" for f in json.loads(result.stdout)["findings"])


def test_a_signer_without_a_role_on_the_tokens_fails(node: tuple[str, Web3], tmp_path: Path) -> None:
    url, _ = node
    packet, _ = _deploy_and_build(url, tmp_path, STRANGER_KEY)
    report = review_packet(packet, rpc=url)
    failed = {c.name: c.issues for c in report.checks if not c.passed}
    assert set(failed) == {"signer-role"}, failed
    assert Account.from_key(STRANGER_KEY).address in failed["signer-role"][0].message
