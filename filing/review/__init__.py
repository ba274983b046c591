"""The reviewer's stage: verify a packet (integrity, signature, re-validation, optional rebuild and chain checks) and
compare two versions of it. ``review_packet`` returns a ``ReviewReport``; the CLI only prints it."""

from __future__ import annotations

from pathlib import Path

from filing.findings import Verdict as DealVerdict
from filing.progress import Progress, advance, within
from filing.review.diff import Change, PacketDiff, changes, diff_packets
from filing.review.integrity import Manifest, check_integrity
from filing.review.packet import open_packet
from filing.review.rebuild import check_rebuild
from filing.review.report import Check, Issue, ReviewReport, Status, Verdict
from filing.review.revalidate import revalidate
from filing.review.safezip import DEFAULT_LIMITS, ZipLimits, opened_packet
from filing.review.signature import check_signature, trusted_signers
from filing.version import tool_version


def review_packet(packet: str | Path, *, rpc: str | None = None, rebuild: bool = False,
                  signer: str | None = None, trusted_signers_file: Path | None = None,
                  limits: ZipLimits = DEFAULT_LIMITS,
                  progress: Progress | None = None) -> ReviewReport:
    """Review a packet folder or zip. Raises InputError (exit 2) when the packet cannot be opened (not a folder or
    zip, a refused zip entry, no manifest), `signer` or the trusted-signers file is not usable, or the node at `rpc`
    cannot be used; every problem found inside the packet is a failed check of the report instead. `progress` hears
    of each check, and of each document rebuilt."""
    expected = trusted_signers(signer, trusted_signers_file)
    steps = ["integrity", "signature", "revalidation"] + ["rebuild"] * rebuild + ["chain"] * (rpc is not None)

    def starting(name: str) -> None:
        advance(progress, name, steps.index(name), len(steps))

    with opened_packet(Path(packet), limits) as root:
        starting("integrity")
        opened = open_packet(root)
        manifest = opened.manifest
        checks = [check_integrity(root, manifest, opened.manifest_issues)]
        starting("signature")
        signature, recovered = check_signature(root, manifest, expected, anchored_on_chain=rpc is not None)
        checks.append(signature)
        starting("revalidation")
        revalidated = revalidate(opened)
        checks += revalidated.checks
        findings = list(revalidated.report.findings) if revalidated.report else []
        if rebuild:
            starting("rebuild")
            checks.append(check_rebuild(opened, tool_version(), within(progress, "rebuild")))
        if rpc is not None:
            from filing.review.chain import review_chain  # web3 and the chain stage load only when asked for

            starting("chain")
            chain = review_chain(revalidated.loaded, manifest, recovered, rpc)
            checks += chain.checks
            findings += chain.findings
    return ReviewReport(str(packet), manifest.sha256 if manifest else None, recovered, tuple(checks),
                        tuple(findings), _facts(manifest, revalidated.report), revalidated.report)


def _facts(manifest: Manifest | None, report: DealVerdict | None) -> dict:
    recorded = manifest.data if manifest else {}
    return {"deal": (recorded.get("deal") or {}).get("id"),
            "tool_version": {"packet": (recorded.get("tool") or {}).get("version"), "review": tool_version()},
            "rulebook_version": {"packet": recorded.get("rulebook_version"),
                                 "review": report.rulebook_version if report else None}}


__all__ = ["Change", "Check", "Issue", "PacketDiff", "ReviewReport", "Status", "Verdict", "ZipLimits", "changes",
           "diff_packets", "review_packet"]
