"""A packet opened once: its manifest and data files read into the typed models the build wrote them from.

Why once: the review's checks and `filing diff` read the same files; reading each through one object means one set
of rules for links, special files, nesting limits and malformed records, and no check that parses a file its own way.
A file that cannot be read as its model is kept as the issue that says why, for the check that needs it to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filing.chain.report import ContractReport
from filing.findings import Verdict
from filing.packet.attachments import read_packet_attachments
from filing.packet.data import DATA_FILES, PacketData
from filing.review.integrity import Manifest, packet_file, read_json, read_manifest
from filing.review.report import Issue


@dataclass(frozen=True)
class OpenedPacket:
    root: Path
    manifest: Manifest | None
    manifest_issues: list[Issue]
    deal: Path | None
    """data/deal.json, which the review loads through the deal loader itself (so its errors are located)."""
    tape: Path | None
    history: Path | None = None
    """data/history.parquet, when the deal names a static-pool history."""
    deal_json: Any = None
    """data/deal.json as JSON, for comparisons (None when unreadable)."""
    pool: dict[str, Any] | None = None
    findings: Verdict | None = None
    findings_json: dict[str, Any] | None = None
    """data/findings.json as recorded, which the re-check compares field by field."""
    contract: ContractReport | None = None
    issues: dict[str, Issue] = field(default_factory=dict)
    """Data key → why its file could not be read as its model."""


    def data(self) -> PacketData:
        """The packet's data as the renderer takes it, to rebuild the documents; ValueError when a file the
        documents need is missing or unreadable."""
        unreadable = [issue.message for key, issue in self.issues.items() if key in ("findings", "contract", "pool")]
        if self.deal is None or self.findings is None or unreadable:
            raise ValueError("; ".join(unreadable) or "the deal or the findings are missing")
        return PacketData(self.deal.read_text(encoding="utf-8"), self.findings,
                          tuple((self.findings_json or {}).get("rules") or ()), self.pool, self.contract,
                          self.tape.read_bytes() if self.tape else None,
                          self.history.read_bytes() if self.history else None, read_packet_attachments(self.root))


def open_packet(root: Path) -> OpenedPacket:
    """Read the manifest and every data file of the packet folder `root` once."""
    manifest, manifest_issues = read_manifest(root)
    issues: dict[str, Issue] = {}
    raw: dict[str, Any] = {}
    for key in ("deal", "pool", "findings", "contract"):
        raw[key], unreadable = read_json(root, DATA_FILES[key])
        if unreadable is not None:
            issues[key] = unreadable
    findings = _typed(raw["findings"], Verdict.from_dict, "findings", issues)
    contract = _typed(raw["contract"], ContractReport.from_dict, "contract", issues)
    pool = raw["pool"] if isinstance(raw["pool"], dict) else None
    if raw["pool"] is not None and pool is None:
        issues["pool"] = Issue(DATA_FILES["pool"], "is not a pool report")
    return OpenedPacket(root, manifest, manifest_issues, packet_file(root, DATA_FILES["deal"]),
                        packet_file(root, DATA_FILES["tape"]), packet_file(root, DATA_FILES["history"]), raw["deal"],
                        pool, findings, raw["findings"] if isinstance(raw["findings"], dict) else None, contract,
                        issues)


def _typed(value: Any, parse: Any, key: str, issues: dict[str, Issue]) -> Any:
    if value is None:
        return None
    try:
        return parse(value)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        issues[key] = Issue(DATA_FILES[key], f"is not a {key} record as the build writes it: "
                                             f"{type(error).__name__}: {error}")
        return None
