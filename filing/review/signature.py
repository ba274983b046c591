"""Signature: the manifest's EIP-191 personal signature, the address it recovers to, and whom that address must be.

Why three comparisons: the recovered address proves only that *some* key signed these manifest bytes. Comparing it
with the address the signature file records catches a signature swapped in from another manifest (it recovers to an
unrelated address); comparing it with an address the reviewer trusts (``--signer``, or the token's admin and agent
roles with ``--rpc``) catches a manifest re-signed by another key that also rewrote the recorded address. Without such
an anchor the check can only warn that the signer is unvouched for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_address, to_checksum_address

from filing.review.integrity import SIGNATURE, Manifest
from filing.review.report import Check, Issue, Status, check


@dataclass(frozen=True)
class SignatureFile:
    signer: str
    signature: str


def read_signature(root: Path) -> tuple[SignatureFile | None, list[Issue]]:
    path = root / SIGNATURE
    if path.is_symlink() or not path.is_file():
        return None, [Issue(SIGNATURE, "the packet is not signed (no manifest signature)")]
    try:
        data = json.loads(path.read_bytes())
        signer, signature = str(data["signer"]), str(data["signature"])
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
        return None, [Issue(SIGNATURE, f"cannot be read as a manifest signature: {type(error).__name__}: {error}")]
    if not is_address(signer):
        return None, [Issue(SIGNATURE, f"records a signer that is not an address: {signer[:60]!r}")]
    return SignatureFile(to_checksum_address(signer), signature), []


def recover_signer(manifest_bytes: bytes, signature: str) -> str:
    """The address whose key made `signature` over the EIP-191 personal message of the manifest's exact bytes."""
    return Account.recover_message(encode_defunct(primitive=manifest_bytes), signature=signature)


def check_signature(root: Path, manifest: Manifest | None, expected: str | None,
                    anchored_on_chain: bool) -> tuple[Check, str | None]:
    """The signature check and the verified signer (None unless the signature verifies against the recorded one).

    `expected` is the address the reviewer trusts; `anchored_on_chain` says the chain check will vouch for the
    signer through the token's roles, so the lack of `expected` is not worth a warning then.
    """
    signed, issues = read_signature(root)
    if signed is None:
        return check("signature", ["no signature could be verified"], issues), None
    if manifest is None:
        return check("signature", [f"the signature file names {signed.signer}"],
                     [Issue(SIGNATURE, "the manifest it signs could not be read")]), None
    try:
        recovered = recover_signer(manifest.raw, signed.signature)
    except Exception as error:  # noqa: BLE001 - eth_account raises several types for malformed signatures
        return check("signature", [f"the signature file names {signed.signer}"],
                     [Issue(SIGNATURE, f"the signature is malformed: {type(error).__name__}: {error}")]), None
    evidence = [f"EIP-191 signature over manifest.json (SHA-256 {manifest.sha256}) recovers to {recovered}",
                f"the signature file names {signed.signer}"]
    if recovered != signed.signer:
        return check("signature", evidence, [Issue(SIGNATURE, f"the signature was made by {recovered}, not by the "
                                                              f"recorded signer {signed.signer}: the manifest or the "
                                                              "signature was replaced")]), None
    if expected is not None:
        expected = to_checksum_address(expected)
        evidence.append(f"the expected signer is {expected}")
        if recovered != expected:
            return check("signature", evidence, [Issue(SIGNATURE, f"signed by {recovered}, not by the expected "
                                                                  f"signer {expected}")]), recovered
    elif not anchored_on_chain:
        return Check("signature", Status.warning, tuple(evidence),
                     (Issue(SIGNATURE, f"signed by {recovered}, an address nobody vouched for: give --signer, or "
                                       "--rpc to match it with the token's admin and agent"),)), recovered
    return check("signature", evidence, []), recovered
