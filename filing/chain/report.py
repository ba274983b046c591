"""The contract report: what the chain stage hands to the CLI, the packet and the reviewer.

The chain stage gathers evidence (each token's terms next to the deal's, the scenario outcomes, what could not be set
up) and the rulebook's CHAIN rules (`filing.rules.chain`) judge it, so that `filing rules explain CHAIN-…`, the packet
and the review read one definition of every finding, and one printer and one JSON contract (design.md) serve both the
deal check and the chain check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from filing.chain.scenarios import ScenarioResult
from filing.model.deal import Deal
from filing.rules import rulebook
from filing.rules.registry import Context, Finding, Severity


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


_ORDER = {Severity.blocker: 0, Severity.warning: 1, Severity.info: 2}


@dataclass(frozen=True)
class ContractReport:
    """The chain check of one deal: per-tranche configuration, scenarios, and findings (sorted, deterministic)."""

    mode: str
    """'embedded' (reference token deployed from the deal), 'rpc' (read-only), or 'fork' (full suite on a fork)."""
    chain_id: int
    deal_id: str
    tranches: list[TrancheReport]
    scenarios: list[ScenarioResult]
    findings: list[Finding]

    @staticmethod
    def judge(deal: Deal, evidence: ChainEvidence) -> ContractReport:
        """The report on `evidence`, with the findings of the rulebook's CHAIN rules (and the deal's overrides)."""
        judged = rulebook().run(Context(deal, chain=evidence), select=lambda rule: rule.needs_chain)
        return ContractReport.build(evidence.mode, evidence.chain_id, deal.deal_id, evidence.tranches,
                                    evidence.scenarios, judged.findings)

    @staticmethod
    def build(mode: str, chain_id: int, deal_id: str, tranches: list[TrancheReport],
              scenarios: list[ScenarioResult], findings: list[Finding]) -> ContractReport:
        unique = {(f.rule, f.path, f.message): f for f in findings}
        ordered = sorted(unique.values(), key=lambda f: (_ORDER[f.severity], f.rule, f.path, f.message))
        return ContractReport(mode, chain_id, deal_id, tranches, scenarios, ordered)

    @property
    def standard(self) -> str:
        kinds = sorted({t.standard for t in self.tranches})
        return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")

    @property
    def ok(self) -> bool:
        return not any(f.counts_as_blocker for f in self.findings) and all(s.passed for s in self.scenarios)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "mode": self.mode, "standard": self.standard, "chain_id": self.chain_id,
                "deal": self.deal_id,
                "summary": {"scenarios": len(self.scenarios),
                            "scenarios_failed": sum(1 for s in self.scenarios if not s.passed)}
                | {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity},
                "tranches": [t.to_dict() for t in self.tranches],
                "scenarios": [s.to_dict() for s in self.scenarios],
                "findings": [f.to_dict() for f in self.findings]}
