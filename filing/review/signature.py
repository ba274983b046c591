"""Signature: the manifest's EIP-191 personal signature, the address it recovers to, and whom that address must be.

Why three comparisons: the recovered address proves only that *some* key signed these manifest bytes. Comparing it
with the address the signature file records catches a signature swapped in from another manifest (it recovers to an
unrelated address); comparing it with an address the reviewer trusts (``--signer``, or the token's admin and agent
roles with ``--rpc``) catches a manifest re-signed by another key that also rewrote the recorded address. Without such
an anchor the check can only warn that the signer is unvouched for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_utils import is_address, to_checksum_address

from filing.packet.data import dump_json, load_json
from filing.packet.manifest import MANIFEST, SIGNATURE, recover_signer
from filing.review.integrity import Manifest, packet_file
from filing.review.report import Check, Issue, Status, check

SCHEME = "eip191-personal-sign"


@dataclass(frozen=True)
class SignatureFile:
    signer: str
    signature: str
    manifest_sha256: str


def read_signature(root: Path) -> tuple[SignatureFile | None, list[Issue]]:
    """The signature file, which must be exactly as the builder writes it: every byte of it is then accounted for,
    and a change anywhere in it is reported, not only a change to the signature itself."""
    path = packet_file(root, SIGNATURE)
    if path is None:
        return None, [Issue(SIGNATURE, "the packet is not signed (no manifest signature)")]
    raw = path.read_bytes()
    try:
        data = load_json(raw)
        signed = SignatureFile(str(data["signer"]), str(data["signature"]), str(data["manifest_sha256"]))
        scheme, file = data["scheme"], data["file"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
        return None, [Issue(SIGNATURE, f"cannot be read as a manifest signature: {type(error).__name__}: {error}")]
    if (scheme, file) != (SCHEME, MANIFEST) or set(data) != {"scheme", "file", "signer", "manifest_sha256",
                                                             "signature"}:
        return None, [Issue(SIGNATURE, f"is not a {SCHEME} signature of {MANIFEST} (scheme {scheme!r}, file "
                                       f"{file!r}, fields {sorted(data)})")]
    if dump_json(data) != raw:
        return None, [Issue(SIGNATURE, "is not in the form the builder writes (sorted keys, two-space indent): it "
                                       "was edited")]
    if not is_address(signed.signer):
        return None, [Issue(SIGNATURE, f"records a signer that is not an address: {signed.signer[:60]!r}")]
    return SignatureFile(to_checksum_address(signed.signer), signed.signature, signed.manifest_sha256), []


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
                f"the signature file names {signed.signer} and manifest SHA-256 {signed.manifest_sha256}"]
    mismatch = _mismatch(manifest, signed, recovered)
    if mismatch is not None:
        return check("signature", evidence, [mismatch]), None
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


def _mismatch(manifest: Manifest, signed: SignatureFile, recovered: str) -> Issue | None:
    """Which file changed after signing. The recorded manifest hash tells a manifest edited after signing (name
    manifest.json) from a signature swapped in or re-made with another key (name the signature file)."""
    if recovered == signed.signer:
        if signed.manifest_sha256 == manifest.sha256:
            return None
        return Issue(SIGNATURE, f"records the manifest SHA-256 {signed.manifest_sha256}, but the signature is over "
                                f"{MANIFEST} whose SHA-256 is {manifest.sha256}")
    if signed.manifest_sha256 != manifest.sha256:
        return Issue(MANIFEST, f"changed after it was signed: its SHA-256 is {manifest.sha256}, the signature file "
                               f"records {signed.manifest_sha256}")
    return Issue(SIGNATURE, f"the signature was made by {recovered}, not by the recorded signer {signed.signer}: "
                            "it was swapped in or made with another key")
