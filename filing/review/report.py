"""The review report: one entry per check with its evidence and the issues it found, and one overall verdict.

Why a check has three states: a reviewer's CI needs one exit code, but "the signature is valid and made by a key
nobody vouched for" is neither a pass nor a failure; it is a pass with a warning the reviewer should read. The verdict
is the worst state of any check, so the rulebook's blockers and warnings reach it through the ``rules`` check too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from filing.findings import Finding, Severity
from filing.findings import Verdict as DealVerdict
from filing.rules import rulebook


class Status(StrEnum):
    passed = "pass"
    warning = "warn"
    failed = "fail"


class Verdict(StrEnum):
    passed = "PASS"
    warnings = "PASS WITH WARNINGS"
    failed = "FAIL"


_RANK = {Status.passed: 0, Status.warning: 1, Status.failed: 2}


@dataclass(frozen=True)
class Issue:
    """One thing a check found wrong, naming the packet file or deal field it is about."""

    path: str
    message: str


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    evidence: tuple[str, ...]
    """What was compared and what was found, one statement per line, also when the check passed."""
    issues: tuple[Issue, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status is not Status.failed

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "status": str(self.status), "evidence": list(self.evidence),
                "issues": [{"path": i.path, "message": i.message} for i in self.issues]}


def check(name: str, evidence: list[str], issues: list[Issue], *, warn: bool = False) -> Check:
    """A check that fails when it found issues (or only warns, for checks whose issues are advisory)."""
    if not issues:
        return Check(name, Status.passed, tuple(evidence))
    return Check(name, Status.warning if warn else Status.failed, tuple(evidence), tuple(issues))


@dataclass(frozen=True)
class ReviewReport:
    packet: str
    manifest_sha256: str | None
    signer: str | None
    """The address that signed the manifest, when the signature verifies."""
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...] = ()
    """The rulebook's findings on the packet's data under the current rulebook (and the chain check's, with --rpc)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Versions and identifiers the report shows: deal id, tool and rulebook versions, recorded and current."""
    deal_verdict: DealVerdict | None = None
    """The one verdict on the packet's deal, re-judged from its data: what `filing check` and the build state."""

    @property
    def verdict(self) -> Verdict:
        worst = max((_RANK[c.status] for c in self.checks), default=2)
        return (Verdict.passed, Verdict.warnings, Verdict.failed)[worst]

    @property
    def ok(self) -> bool:
        return self.verdict is not Verdict.failed

    def check_findings(self) -> list[Finding]:
        """Each issue of a check that did not pass, as a finding of its registered code (REVIEW-<CHECK>, a warning
        where the check only warns). The `rules` check restates the deal's verdict, whose findings are listed
        themselves, so it adds none."""
        book = rulebook()
        found = []
        for item in self.checks:
            if item.name == "rules":
                continue
            for issue in item.issues:
                finding = book.get(f"REVIEW-{item.name.upper()}").finding(issue.path, message=issue.message)
                found.append(finding if item.status is Status.failed else replace(finding, severity=Severity.warning))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "verdict": str(self.verdict), "packet": self.packet,
                "manifest_sha256": self.manifest_sha256, "signer": self.signer, **self.facts,
                "checks": [c.to_dict() for c in self.checks],
                "deal_verdict": self.deal_verdict.headline() | {
                    "blocker_codes": self.deal_verdict.codes(Severity.blocker),
                    "warning_codes": self.deal_verdict.codes(Severity.warning)} if self.deal_verdict else None,
                "findings": [f.to_dict() for f in (*self.check_findings(), *self.findings)]}
