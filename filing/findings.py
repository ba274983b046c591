"""One finding type and one verdict for every stage.

Why one: the deal check, the tape checks, the chain scenarios and the review all speak through findings with a
registered code (as Arelle codes every message), so `filing check`, the packet's cover page and checklist, `filing
review` and `filing diff` count the same things. The verdict is computed in one place (`Rulebook.verdict`, which
honours the deal's overrides) and read everywhere through `Verdict`; nothing counts blockers from dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    blocker = "blocker"
    warning = "warning"
    info = "info"


SEVERITY_ORDER = {Severity.blocker: 0, Severity.warning: 1, Severity.info: 2}


class Confidence(StrEnum):
    """How sure we are of the text a rule rests on (the legend of the project's regulatory research)."""

    official = "official"
    """The regulator's own page."""
    official_copy = "official-copy"
    """The official wording, reproduced by a news site or a repository that links the original."""
    secondary = "secondary"
    """A law-firm note, news summary or commentary."""
    not_found = "not-found"
    """No public copy was found; the rule is a placeholder for what counsel must confirm."""
    internal = "internal"
    """Rests on the deal's own consistency or a data standard (check digits, tape quality), not on a legal text."""


@dataclass(frozen=True)
class Waiver:
    """The deal's recorded decision to accept a finding: who approved it and why."""

    reason: str
    approved_by: str


@dataclass(frozen=True)
class Finding:
    """One message of any stage: a registered rule code, where it points (a deal model path, a tape column, a packet
    file), its text in both languages and the parameters the text was made from."""

    rule: str
    severity: Severity
    path: str
    message: str
    message_zh: str
    confidence: Confidence
    source: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    overridden_by: Waiver | None = None

    @property
    def counts_as_blocker(self) -> bool:
        return self.severity is Severity.blocker and self.overridden_by is None

    @property
    def counts(self) -> bool:
        """Whether the finding reaches the verdict's counts (an overridden one stays visible but does not)."""
        return self.overridden_by is None

    def sort_key(self) -> tuple:
        return SEVERITY_ORDER[self.severity], code_key(self.rule), self.path, self.message

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "severity": str(self.severity), "path": self.path,
                                "message": self.message, "message_zh": self.message_zh,
                                "confidence": str(self.confidence), "source": self.source,
                                "params": {key: _plain(value) for key, value in self.params.items()},
                                "overridden": self.overridden_by is not None}
        if self.overridden_by:
            data["override"] = {"reason": self.overridden_by.reason, "approved_by": self.overridden_by.approved_by}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """A finding as a packet's JSON recorded it; KeyError or ValueError when the record is not one (a field
        missing, a value out of its set, or a field `to_dict` never writes)."""
        unknown = set(data) - _RECORD_FIELDS
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        override = data.get("override")
        return cls(str(data["rule"]), Severity(data["severity"]), str(data["path"]), str(data["message"]),
                   str(data["message_zh"]), Confidence(data["confidence"]), str(data["source"]),
                   dict(data.get("params") or {}),
                   Waiver(str(override["reason"]), str(override["approved_by"])) if data.get("overridden") else None)


_RECORD_FIELDS = {"rule", "severity", "path", "message", "message_zh", "confidence", "source", "params", "overridden",
                  "override"}


def _plain(value: Any) -> Any:
    """A parameter as JSON keeps it (numbers and strings as they are, anything else as its text)."""
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


@dataclass(frozen=True)
class Verdict:
    """The findings of a deal (deal rules, tape checks, chain scenarios) with its overrides applied: what every
    command and document states as the answer."""

    findings: tuple[Finding, ...]
    rulebook_version: str
    not_evaluated: tuple[str, ...] = ()
    """Codes of rules whose stage did not run (no tape, no chain check)."""

    @property
    def ok(self) -> bool:
        return not any(f.counts_as_blocker for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity and f.counts)

    @property
    def blockers(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.counts_as_blocker)

    @property
    def overridden(self) -> int:
        return sum(1 for f in self.findings if not f.counts)

    def codes(self, severity: Severity) -> list[str]:
        """The distinct codes of the findings of `severity` that count, sorted."""
        return sorted({f.rule for f in self.findings if f.severity is severity and f.counts}, key=code_key)

    def headline(self) -> dict[str, Any]:
        """The verdict as the cover page, the index and the manifest state it."""
        return {"ok": self.ok, "blockers": self.count(Severity.blocker), "warnings": self.count(Severity.warning),
                "overridden": self.overridden, "rulebook_version": self.rulebook_version}

    def status(self, code: str) -> str:
        """One rule's line in the checklist: 'not_evaluated', the severity of a finding that counts, 'overridden'
        when all its findings are, else 'pass'."""
        if code in self.not_evaluated:
            return "not_evaluated"
        found = [f for f in self.findings if f.rule == code]
        counting = [f for f in found if f.counts]
        if counting:
            return min(counting, key=Finding.sort_key).severity.value
        return "overridden" if found else "pass"

    def summary(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in Severity} | {"overridden": self.overridden}

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rulebook_version": self.rulebook_version, "summary": self.summary(),
                "findings": [f.to_dict() for f in self.findings], "not_evaluated": list(self.not_evaluated)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """The verdict a packet recorded; KeyError, TypeError or ValueError when the record is not one."""
        return cls(tuple(Finding.from_dict(f) for f in data["findings"]), str(data["rulebook_version"]),
                   tuple(str(code) for code in data.get("not_evaluated") or ()))


def ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings sorted by severity, code, path and message, each once: the order every output shows."""
    return tuple(sorted(set(findings), key=Finding.sort_key))


def code_key(code: str) -> tuple:
    """Codes sort by their parts, numbers as numbers: CN-G-2 before CN-G-10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("-"))
