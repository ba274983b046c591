"""Rules as small functions that yield hits, the findings they become, and the one verdict over them.

A rule knows its code, severity, how sure we are of its source, and its message in both languages with named
parameters; a finding points at the model path it is about. Every message of every stage has a rule: the deal and
pool rules run over the deal, the chain rules over the chain stage's evidence, and a few codes are emitted by the
verdict itself (overrides) or by the review. Overrides recorded in the deal turn a finding into an overridden one,
never into nothing, and never for a hard ban.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from types import ModuleType
from typing import TYPE_CHECKING, Any

from filing.findings import Confidence, Finding, Severity, Verdict, Waiver, code_key, ordered
from filing.model.deal import Deal, Override

if TYPE_CHECKING:
    from filing.chain.report import ChainEvidence
    from filing.pool.report import PoolReport


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
    """Judged on what the chain stage saw (`Context.chain`); without it the rule was not evaluated."""
    overridable: bool = True
    """False for a hard ban: an override naming the rule is itself a blocker and the findings keep counting."""
    emitted_by: str | None = None
    """'verdict' or 'review' for codes those stages emit themselves; such a rule's check is never run."""

    def finding(self, path: str, **params: Any) -> Finding:
        """This rule's finding at `path`, its messages filled from `params`."""
        return Finding(self.code, self.severity, path, self.message.format(**params),
                       self.message_zh.format(**params), self.confidence, self.source, params)

    def explain(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "title_zh": self.title_zh, "severity": str(self.severity),
                "confidence": str(self.confidence), "source": self.source, "needs_pool": self.needs_pool,
                "needs_chain": self.needs_chain, "overridable": self.overridable, "emitted_by": self.emitted_by,
                "text": self.doc}


def rule(code: str, *, title: str, title_zh: str, severity: Severity, confidence: Confidence, source: str,
         message: str, message_zh: str, needs_pool: bool = False, needs_chain: bool = False,
         overridable: bool = True, emitted_by: str | None = None) -> Callable[[Check], Rule]:
    """Declare a rule; the function's docstring says what it checks, why, and the source."""

    def declare(check: Check) -> Rule:
        doc = inspect.cleandoc(check.__doc__ or "")
        if not doc:
            raise TypeError(f"rule {code} needs a docstring")
        return Rule(code, title, title_zh, severity, confidence, source, message, message_zh, check, doc, needs_pool,
                    needs_chain, overridable, emitted_by)

    return declare


CheckReport = Verdict
"""The name the rulebook's result had before the one verdict; kept for callers of the 2026.11 API."""

UNKNOWN_OVERRIDE = "OVR-01"
HARD_BAN_OVERRIDE = "OVR-02"


class Rulebook:
    """The rules of some modules, in code order; built from modules so that no registry is global state."""

    def __init__(self, version: str, modules: Iterable[ModuleType]):
        rules = [found for module in modules for value in vars(module).values() for found in _rules_in(value)]
        codes = [r.code for r in rules]
        repeated = {c for c in codes if codes.count(c) > 1}
        if repeated:
            raise ValueError(f"rule codes declared twice: {sorted(repeated)}")
        self.version = version
        self.rules = sorted(rules, key=lambda r: code_key(r.code))
        self._by_code = {r.code: r for r in self.rules}

    def get(self, code: str) -> Rule:
        return self._by_code[code.upper()]

    def facts(self) -> list[dict[str, Any]]:
        """Every rule's facts without its long text: the listing a packet records and its checklist prints."""
        return [{key: value for key, value in rule.explain().items() if key != "text"} for rule in self.rules]

    def run(self, context: Context, select: Callable[[Rule], bool] = lambda _: True) -> Verdict:
        """Every (selected) rule over what the context holds, then the verdict. A pool or chain rule whose stage
        did not run (no pool report, no chain evidence) is listed as not evaluated."""
        findings: list[Finding] = []
        not_evaluated = []
        for candidate in filter(select, self.rules):
            if candidate.emitted_by:
                continue
            if (candidate.needs_pool and context.pool is None) or (candidate.needs_chain and context.chain is None):
                not_evaluated.append(candidate.code)
                continue
            findings.extend(_findings_of(candidate, context))
        return self.verdict(findings, context.deal.overrides, not_evaluated, select)

    def verdict(self, findings: Iterable[Finding], overrides: list[Override], not_evaluated: Iterable[str] = (),
                select: Callable[[Rule], bool] = lambda _: True) -> Verdict:
        """The one verdict: overrides applied to the findings they match, except a hard ban's; an override naming
        no rule of this rulebook, or a hard ban, is a blocker of its own (OVR-01, OVR-02)."""
        waivers: list[tuple[Override, Waiver]] = []
        problems: list[Finding] = []
        for index, override in enumerate(overrides):
            target = self._by_code.get(override.rule)
            path = f"overrides[{index}].rule"
            if target is None:
                problems.append(self.get(UNKNOWN_OVERRIDE).finding(path, code=override.rule))
            elif not target.overridable:
                problems.append(self.get(HARD_BAN_OVERRIDE).finding(path, code=override.rule, title=target.title,
                                                                    title_zh=target.title_zh))
            else:
                waivers.append((override, Waiver(override.reason, override.approved_by)))

        def waived(finding: Finding) -> Finding:
            for override, waiver in waivers:
                if override.rule == finding.rule and finding.path.startswith(override.path):
                    return replace(finding, overridden_by=waiver)
            return finding

        emitted = [p for p in problems if select(self.get(p.rule))]
        return Verdict(ordered([waived(f) for f in findings] + emitted), self.version, tuple(not_evaluated))


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
                      f"规则无法评估：{detail}", candidate.confidence, candidate.source, {"error": detail})
        return
    for found in hits:
        yield candidate.finding(found.path, **found.params)
