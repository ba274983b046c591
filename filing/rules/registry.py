"""Rules as small functions that yield hits, and the findings they become.

A rule knows its code, severity, how sure we are of its source, and its message in both languages with named
parameters; a finding points at the model path it is about. Overrides recorded in the deal turn a finding into an
overridden one, never into nothing.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from filing.model.deal import Deal, Override

if TYPE_CHECKING:
    from filing.chain.report import ChainEvidence
    from filing.pool.report import PoolReport


class Severity(StrEnum):
    blocker = "blocker"
    warning = "warning"
    info = "info"


class Confidence(StrEnum):
    """How sure we are of the text a rule rests on (regulatory.md legend)."""

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
class Hit:
    """One place a rule is broken, with the values its message needs."""

    path: str
    params: dict[str, Any] = field(default_factory=dict)


def hit(path: str, **params: Any) -> Hit:
    return Hit(path, params)


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the deal, the pool report when the tape was analysed, what the contract check saw on
    chain when it ran, and the date of judgement."""

    deal: Deal
    pool: PoolReport | None = None
    chain: ChainEvidence | None = None

    @property
    def as_of(self) -> date:
        return self.deal.filing.as_of


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    title_zh: str
    severity: Severity
    confidence: Confidence
    source: str
    message: str
    message_zh: str
    check: Check
    doc: str
    needs_pool: bool = False
    needs_chain: bool = False
    """Judged by the contract check on what it saw on chain (`Context.chain`), not by the deal check."""

    def explain(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "title_zh": self.title_zh, "severity": str(self.severity),
                "confidence": str(self.confidence), "source": self.source, "needs_pool": self.needs_pool,
                "needs_chain": self.needs_chain, "text": self.doc}


def rule(code: str, *, title: str, title_zh: str, severity: Severity, confidence: Confidence, source: str,
         message: str, message_zh: str, needs_pool: bool = False, needs_chain: bool = False
         ) -> Callable[[Check], Rule]:
    """Declare a rule; the function's docstring says what it checks, why, and the source."""

    def declare(check: Check) -> Rule:
        doc = inspect.cleandoc(check.__doc__ or "")
        if not doc:
            raise TypeError(f"rule {code} needs a docstring")
        return Rule(code, title, title_zh, severity, confidence, source, message, message_zh, check, doc, needs_pool,
                    needs_chain)

    return declare


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    message: str
    message_zh: str
    confidence: Confidence
    source: str
    overridden_by: Override | None = None

    @property
    def counts_as_blocker(self) -> bool:
        return self.severity is Severity.blocker and self.overridden_by is None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "severity": str(self.severity), "path": self.path,
                                "message": self.message, "message_zh": self.message_zh,
                                "confidence": str(self.confidence), "source": self.source,
                                "overridden": self.overridden_by is not None}
        if self.overridden_by:
            data["override"] = {"reason": self.overridden_by.reason, "approved_by": self.overridden_by.approved_by}
        return data


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding]
    not_evaluated: list[str]
    """Codes of rules that need the pool report when none was given."""
    rulebook_version: str

    @property
    def ok(self) -> bool:
        return not any(f.counts_as_blocker for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity and f.overridden_by is None)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rulebook_version": self.rulebook_version,
                "summary": {s.value: self.count(s) for s in Severity} | {
                    "overridden": sum(1 for f in self.findings if f.overridden_by)},
                "findings": [f.to_dict() for f in self.findings], "not_evaluated": self.not_evaluated}


class Rulebook:
    """The rules of some modules, in code order; built from modules so that no registry is global state."""

    def __init__(self, version: str, modules: Iterable[ModuleType]):
        rules = [found for module in modules for value in vars(module).values() for found in _rules_in(value)]
        codes = [r.code for r in rules]
        repeated = {c for c in codes if codes.count(c) > 1}
        if repeated:
            raise ValueError(f"rule codes declared twice: {sorted(repeated)}")
        self.version = version
        self.rules = sorted(rules, key=lambda r: _code_key(r.code))

    def get(self, code: str) -> Rule:
        for candidate in self.rules:
            if candidate.code == code.upper():
                return candidate
        raise KeyError(code)

    def run(self, context: Context, select: Callable[[Rule], bool] = lambda _: True) -> CheckReport:
        """Run every (selected) rule; pool rules without a pool report are listed as not evaluated. Chain rules run
        only on the contract check's evidence: without it they are another command's (`filing contract check`)."""
        findings: list[Finding] = []
        not_evaluated = []
        for candidate in filter(select, self.rules):
            if candidate.needs_chain and context.chain is None:
                continue
            if candidate.needs_pool and context.pool is None:
                not_evaluated.append(candidate.code)
                continue
            findings.extend(_findings_of(candidate, context))
        findings = _apply_overrides(findings, context.deal.overrides)
        order = {Severity.blocker: 0, Severity.warning: 1, Severity.info: 2}
        findings.sort(key=lambda f: (order[f.severity], _code_key(f.rule), f.path))
        return CheckReport(findings, not_evaluated, self.version)


def _rules_in(value: Any) -> list[Rule]:
    """A module declares rules one by one, or as a tuple when one check serves a family of codes."""
    if isinstance(value, Rule):
        return [value]
    if isinstance(value, tuple) and value and all(isinstance(item, Rule) for item in value):
        return list(value)
    return []


def _findings_of(candidate: Rule, context: Context) -> Iterator[Finding]:
    """A rule that fails to evaluate is a blocker about the rule, so a bug can never pass a deal silently."""
    try:
        hits = list(candidate.check(context))
    except Exception as error:  # noqa: BLE001 - reported as a finding, fail closed
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        yield Finding(candidate.code, Severity.blocker, "", f"the rule could not be evaluated: {detail}",
                      f"规则无法评估：{detail}", candidate.confidence, candidate.source)
        return
    for found in hits:
        yield Finding(candidate.code, candidate.severity, found.path, candidate.message.format(**found.params),
                      candidate.message_zh.format(**found.params), candidate.confidence, candidate.source)


def _apply_overrides(findings: list[Finding], overrides: list[Override]) -> list[Finding]:
    def matching(finding: Finding) -> Override | None:
        for override in overrides:
            if override.rule == finding.rule and finding.path.startswith(override.path):
                return override
        return None

    return [replace(f, overridden_by=matching(f)) for f in findings]


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("-"))
