"""The chain stage's evidence and the contract report made of it.

The chain stage gathers evidence (each token's terms next to the deal's, the scenario outcomes, what could not be set
up); the rulebook's CHAIN rules (`filing.rules.chain`) judge it in the one check of the deal (`filing.stages`), so
that `filing rules explain CHAIN-…`, the packet and the review read one definition of every finding. The evidence
round-trips through the packet's `data/contract.json`, so a reviewer re-judges exactly what the build saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from filing.findings import Finding, Severity, ordered


@dataclass(frozen=True)
class ScenarioResult:
    """One attempted operation and its outcome."""

    tranche: str
    name: str
    action: str
    """mint, transfer, transfer_from, forced_transfer, reflag (the agent records a holder's new country), or read (a
    configuration probe)."""
    jurisdiction: int | None
    expected: str
    """'allowed' or 'refused'."""
    actual: str
    """'allowed', 'refused', or 'error' (the node failed; counts as not passed)."""
    passed: bool
    weakness: str
    reason: str | None = None
    code: int | None = None
    """ERC-1404 restriction code (from the revert, else from `detectTransferRestriction` before the attempt)."""
    error: str | None = None
    """Name of the custom error the refusal carried."""
    detected: int | None = None
    """What `detectTransferRestriction` said before the attempt (None: not asked or not available)."""
    mined: bool = False
    """A transaction was mined, because a later scenario needs its state change; otherwise the operation was proved
    by the very call (same sender, calldata and state) that a transaction would make, without a block."""
    tx_hash: str | None = None
    """The mined transaction. On a fork an operation that should have been refused is mined as well, so that the
    finding names the transaction that proved the weakness."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ConfigCheck:
    """One field of a deployed token compared with the deal."""

    field: str
    expected: Any
    actual: Any
    ok: bool | None
    """None when the token does not expose the field."""

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "expected": self.expected, "actual": self.actual, "ok": self.ok}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConfigCheck:
        return cls(data["field"], data["expected"], data["actual"], data["ok"])


@dataclass(frozen=True)
class TrancheReport:
    tranche: str
    symbol: str
    address: str | None
    standard: str
    checks: list[ConfigCheck] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"tranche": self.tranche, "symbol": self.symbol, "address": self.address,
                "standard": self.standard, "checks": [c.to_dict() for c in self.checks]} | (
            {"details": self.details} if self.details else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrancheReport:
        return cls(data["tranche"], data["symbol"], data["address"], data["standard"],
                   [ConfigCheck.from_dict(c) for c in data["checks"]], dict(data.get("details") or {}))


@dataclass(frozen=True)
class ChainEvidence:
    """What the chain stage saw, for the CHAIN rules to judge (`Context.chain`)."""

    mode: str
    chain_id: int
    tranches: list[TrancheReport]
    scenarios: list[ScenarioResult]
    problems: dict[str, list[str]]
    """Tranche id → why the full suite could not be set up (registration, minting, re-flagging failed)."""
    document_required: bool
    """Whether a token without the `filing.manifest` hash is a finding (not for an embedded copy without a packet)."""

    def to_dict(self) -> dict[str, Any]:
        kinds = sorted({t.standard for t in self.tranches})
        return {"mode": self.mode, "chain_id": self.chain_id,
                "standard": kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none"),
                "document_required": self.document_required, "problems": self.problems,
                "tranches": [t.to_dict() for t in self.tranches], "scenarios": [s.to_dict() for s in self.scenarios]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChainEvidence:
        """The evidence a packet recorded; KeyError, TypeError or ValueError when the record is not one."""
        return cls(str(data["mode"]), int(data["chain_id"]), [TrancheReport.from_dict(t) for t in data["tranches"]],
                   [ScenarioResult(**s) for s in data["scenarios"]],
                   {str(k): list(v) for k, v in (data.get("problems") or {}).items()}, bool(data["document_required"]))


@dataclass(frozen=True)
class ContractReport:
    """The chain check of one deal: the evidence and the CHAIN rules' findings on it (sorted, deterministic)."""

    deal_id: str
    evidence: ChainEvidence
    findings: tuple[Finding, ...]

    @staticmethod
    def of(deal_id: str, evidence: ChainEvidence, findings: list[Finding] | tuple[Finding, ...]) -> ContractReport:
        return ContractReport(deal_id, evidence, ordered(findings))

    @property
    def mode(self) -> str:
        """'embedded' (reference token deployed from the deal), 'rpc' (read-only), or 'fork' (full suite on a fork)."""
        return self.evidence.mode

    @property
    def chain_id(self) -> int:
        return self.evidence.chain_id

    @property
    def tranches(self) -> list[TrancheReport]:
        return self.evidence.tranches

    @property
    def scenarios(self) -> list[ScenarioResult]:
        return self.evidence.scenarios

    @property
    def standard(self) -> str:
        return self.evidence.to_dict()["standard"]

    @property
    def ok(self) -> bool:
        """No CHAIN finding that counts is a blocker; a failed scenario reaches the verdict only through the rule
        of the weakness it reveals (CHAIN-01 to -06, -14), with that rule's severity."""
        return not any(f.counts_as_blocker for f in self.findings)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContractReport:
        """The report a packet recorded (data/contract.json)."""
        return cls(str(data["deal"]), ChainEvidence.from_dict(data),
                   tuple(Finding.from_dict(f) for f in data["findings"]))

    def to_dict(self) -> dict[str, Any]:
        evidence = self.evidence.to_dict()
        return {"ok": self.ok, "deal": self.deal_id} | evidence | {
            "summary": {"scenarios": len(self.scenarios),
                        "scenarios_failed": sum(1 for s in self.scenarios if not s.passed)}
            | {s.value: sum(1 for f in self.findings if f.severity is s and f.counts) for s in Severity},
            "findings": [f.to_dict() for f in self.findings]}
