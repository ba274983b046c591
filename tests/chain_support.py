"""Shared helpers of the chain tests: derived deals and the compiled weak variants."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from deal_edits import edited

from filing.model.deal import Deal

REPO = Path(__file__).resolve().parents[1]
WEAK = ("ReceiverOnlyToken", "ForcedSkipToken", "MainlandAllowedToken", "CountryZeroToken")


def one_tranche(deal: Deal) -> Deal:
    """The deal cut to its first tranche: the suite is per tranche, one is enough to prove behaviour, and faster."""
    return deal.model_copy(update={"token": deal.token.model_copy(update={"tranches": deal.token.tranches[:1]})})


def deal_without_allowed_list() -> Deal:
    """Allowed list empty: every country not excluded may hold the token, so MO and TW must be accepted."""
    return one_tranche(edited({"offering.investors.allowed_jurisdictions": []}).deal)


def compile_weak(out: Path) -> Path:
    if not (REPO / "contracts" / "node_modules" / "solc").is_dir() or shutil.which("node") is None:
        pytest.skip("contracts/node_modules is not installed (run `npm ci --prefix contracts`): "
                    "cannot compile tests/contracts")
    proc = subprocess.run(["node", str(REPO / "contracts" / "compile.js"), "tests/contracts", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return out

# anvil's well-known first development account (public test vector, funded only on a local anvil)
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_ADDRESS_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
