"""Signature: the manifest's EIP-191 personal signature, the address it recovers to, and whom that address must be.

Why three comparisons: the recovered address proves only that *some* key signed these manifest bytes. Comparing it
with the address the signature file records catches a signature swapped in from another manifest (it recovers to an
unrelated address); comparing it with an address the reviewer trusts (``--signer``, or the token's admin and agent
roles with ``--rpc``) catches a manifest re-signed by another key that also rewrote the recorded address. Without such
an anchor the review fails: a packet edited and re-signed by any key would otherwise pass (policy in the README).
Trusted signers are pinned with ``--signer``, a trusted-signers file (``--trusted-signers FILE`` or
``$FILING_TRUSTED_SIGNERS``: one address a line, ``#`` comments) or ``--rpc`` (the token's roles).

The signature must also be canonical, exactly as the builder writes it: ``0x`` and 130 lower-case hex digits, v 27
or 28, s in the lower half of the curve order. The other spellings recover the same address (upper-case hex, v 0/1,
s replaced by n − s), so accepting them would let one signed packet exist in several byte forms.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from eth_utils import is_address, to_checksum_address

from filing.errors import InputError, one_line
from filing.packet.data import dump_json, load_json
from filing.packet.manifest import MANIFEST, SIGNATURE, recover_signer
from filing.review.integrity import Manifest, packet_file
from filing.review.report import Check, Issue, check

SCHEME = "eip191-personal-sign"
TRUSTED_ENV = "FILING_TRUSTED_SIGNERS"
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
CANONICAL_HEX = re.compile(r"0x[0-9a-f]{130}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class SignatureNotCanonical(ValueError):
    """A signature that verifies but is not in the one form the builder writes (a malleable variant)."""


def canonical_problem(signature: str) -> str | None:
    """Why `signature` is not in the builder's form, or None when it is."""
    if not CANONICAL_HEX.fullmatch(signature):
        return "it is not '0x' and 130 lower-case hex digits"
    raw = bytes.fromhex(signature[2:])
    r, s, v = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big"), raw[64]
    if v not in (27, 28):
        return f"its v is {v}, not 27 or 28"
    if not 0 < r < SECP256K1_N:
        return "its r is out of range"
    if not 0 < s <= SECP256K1_N // 2:
        return "its s is in the upper half of the curve order (a malleable variant: n - s)"
    return None


def trusted_signers(signer: str | None, file: Path | None) -> frozenset[str]:
    """The addresses the reviewer trusts: `signer` and every address of the trusted-signers `file` (or of the file
    named by $FILING_TRUSTED_SIGNERS). Raises InputError naming the option, or the file and line."""
    trusted = set()
    if signer is not None:
        if not is_address(signer):
            raise InputError.single("--signer", f"not an Ethereum address: {one_line(signer)[:60]!r}")
        trusted.add(to_checksum_address(signer))
    file = file if file is not None else (Path(os.environ[TRUSTED_ENV]) if os.environ.get(TRUSTED_ENV) else None)
    if file is None:
        return frozenset(trusted)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single(file, f"the trusted-signers file cannot be read: "
                                      f"{getattr(error, 'strerror', None) or type(error).__name__}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if entry and not is_address(entry):
            raise InputError.single(file, "not an Ethereum address (one address a line, # starts a comment)",
                                    line=number)
        if entry:
            trusted.add(to_checksum_address(entry))
    return frozenset(trusted)


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
    if not is_address(signed.signer) or signed.signer != to_checksum_address(signed.signer):
        return None, [Issue(SIGNATURE, f"records a signer that is not a checksummed address: "
                                       f"{one_line(signed.signer)[:60]!r}")]
    if not SHA256_HEX.fullmatch(signed.manifest_sha256):
        return None, [Issue(SIGNATURE, "records a manifest SHA-256 that is not 64 lower-case hex digits")]
    problem = canonical_problem(signed.signature)
    if problem is not None:
        return None, [Issue(SIGNATURE, f"SignatureNotCanonical: the signature is not in the form the builder writes: "
                                       f"{problem}")]
    return signed, []


def check_signature(root: Path, manifest: Manifest | None, expected: str | frozenset[str] | None,
                    anchored_on_chain: bool) -> tuple[Check, str | None]:
    """The signature check and the verified signer (None unless the signature verifies against the recorded one).

    `expected` is the address (or addresses) the reviewer trusts; `anchored_on_chain` says the chain check will
    vouch for the signer through the token's roles. With neither, the check fails: nobody vouched for the key.
    """
    trusted = frozenset({expected} if isinstance(expected, str) else expected or ())
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
    if trusted:
        trusted = frozenset(to_checksum_address(address) for address in trusted)
        evidence.append(f"the trusted signer(s): {', '.join(sorted(trusted))}")
        if recovered not in trusted:
            return check("signature", evidence, [Issue(SIGNATURE, f"signed by {recovered}, not by a trusted "
                                                                  f"signer ({', '.join(sorted(trusted))})")]), recovered
    elif not anchored_on_chain:
        return check("signature", evidence, [Issue(SIGNATURE, f"signed by {recovered}, an address nobody vouched "
                                                              "for: give --signer or a trusted-signers file, or --rpc "
                                                              "to match it with the token's admin and agent")]), \
            recovered
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
