"""Shared helpers of the chain tests: derived deals and the compiled test contracts (weak variants, other standards)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
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


def compile_test_contracts() -> Path:
    """Artifacts of every contract under tests/contracts (and contracts/src), compiled once per content of the
    sources: a compile takes seconds, so the test modules (and xdist workers) that need them share one directory in
    the system temp folder, keyed by the sources' hash and moved into place only when complete."""
    if not (REPO / "contracts" / "node_modules" / "solc").is_dir() or shutil.which("node") is None:
        pytest.skip("contracts/node_modules is not installed (run `npm ci --prefix contracts`): "
                    "cannot compile tests/contracts")
    inputs = sorted([*(REPO / "tests" / "contracts").rglob("*.sol"), *(REPO / "contracts" / "src").rglob("*.sol"),
                     REPO / "contracts" / "compile.js", REPO / "contracts" / "package-lock.json"])
    digest = hashlib.sha256(b"".join(p.relative_to(REPO).as_posix().encode() + p.read_bytes() for p in inputs))
    out = Path(tempfile.gettempdir()) / f"filing-test-contracts-{digest.hexdigest()[:16]}"
    if out.is_dir():
        return out
    staging = Path(tempfile.mkdtemp(prefix="filing-test-contracts-staging-"))
    proc = subprocess.run(["node", str(REPO / "contracts" / "compile.js"), "tests/contracts", "--out", str(staging)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    try:
        staging.rename(out)
    except OSError:  # another worker finished first: its identical output stays
        shutil.rmtree(staging)
    return out

# anvil's well-known first development account (public test vector, funded only on a local anvil)
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_ADDRESS_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
