"""The rulebook's versions: what each release added or changed, and how to rebuild an older rulebook from the
current one, so a law firm can say which rules changed a past verdict (`filing check --rulebook VERSION`).

How an older rulebook is rebuilt, honestly and simply: every change a release made is recorded here as data, with
what the rule was before it: its severity or confidence when those changed, and its check when its behaviour changed
(the rule module keeps the older behaviour as the same check function called with the older data, for example the
shorter term list of CN-N42-04). Rebuilding version V starts from the current rules and undoes, newest release first,
every change made after V: added rules are dropped, changed ones get back their earlier severity, confidence and
check. Titles, messages and source wording are always the current ones (a rewording is no change of behaviour), and
an older rule reads the current deal model, ignoring fields it did not know.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, Literal

from filing.rules import guideline, negative_list, notice42
from filing.rules.registry import Check, Confidence, Rule, Severity
from filing.rules.tape import TAPE_RULES


@dataclass(frozen=True)
class Change:
    """One rule added or changed by a release; for a change, what the rule was before it."""

    code: str
    kind: Literal["added", "changed"]
    summary: str
    severity: Severity | None = None
    """The severity before the change, when the change altered it."""
    confidence: Confidence | None = None
    """The confidence before the change, when the change altered it."""
    check: Check | None = None
    """The behaviour before the change, when the change altered which findings the rule makes."""
    overridable: bool | None = None
    """Whether an override could accept the rule's findings before the change, when the change altered that."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "kind": self.kind, "summary": self.summary}
        if self.severity:
            data["severity_before"] = str(self.severity)
        if self.confidence:
            data["confidence_before"] = str(self.confidence)
        if self.overridable is not None:
            data["overridable_before"] = self.overridable
        data["behaviour_changed"] = self.check is not None or self.kind == "added" or self.overridable is not None
        return data


@dataclass(frozen=True)
class Release:
    version: str
    released_on: date
    summary: str
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "released_on": self.released_on.isoformat(), "summary": self.summary,
                "changes": [c.to_dict() for c in self.changes]}


def _confidence(codes: list[str], before: Confidence, summary: str) -> tuple[Change, ...]:
    return tuple(Change(code, "changed", summary, confidence=before) for code in codes)


INTERNAL = "confidence is `internal`: it rests on the deal's own consistency or a data standard, not on a legal text"

RELEASES: tuple[Release, ...] = (
    Release("2026.11.2", date(2026, 11, 20), "The first versioned rulebook: every rule as then released."),
    Release("2026.12.1", date(2026, 12, 4), "Regulatory fidelity, round two (issue 13); one verdict for check, build "
            "and review, in which an override of a hard ban is itself a blocker (OVR-02) and one naming no rule is "
            "OVR-01 (issue 11); third-party tokens on a fork (issue 15).", (
        Change("CN-G-04", "changed", "a refused filing is a blocker",
               check=partial(guideline._filed_before_launch, refused_counts=False)),
        Change("CN-G-05", "changed", "confidence lowered: the official copy breaks off before the document list",
               confidence=Confidence.official_copy),
        Change("CN-G-13", "changed", "a justification no longer clears receivables mixed with toll-road income, "
               "the negative list's own example", check=partial(negative_list._mixing, forbidden=())),
        Change("CN-G-16", "changed", "asks for the ODI filing when the filer controls the offshore issuer",
               check=partial(guideline._approvals_complete, odi=False)),
        Change("CN-G-20", "added", "the filing must be completed (published) before the launch"),
        Change("CN-G-21", "added", "a filer listed as a dishonest entity is flagged"),
        Change("CN-N42-01", "changed", "also covers arrangers and trustees, and the structure's trustee and custodian; "
               "an approval is a document number; a hard ban that no override accepts",
               check=partial(notice42._onshore_services, roles=notice42.ONSHORE_ROLES_2026_11, structure=False,
                             document_number=False), overridable=True),
        Change("CN-N42-02", "changed", "a hard ban that no override accepts", overridable=True),
        Change("CN-N42-03", "changed", "an approval is a document number (free text such as N/A records none); a hard "
               "ban that no override accepts", check=partial(notice42._rmb_stablecoin, document_number=False),
               overridable=True),
        Change("CN-G-02", "changed", "a hard ban that no override accepts", overridable=True),
        Change("DEAL-01", "added", "a REPLACE placeholder left by filing init blocks"),
        Change("ATT-01", "added", "every required accompanying document is provided as a file"),
        Change("CN-N42-04", "changed", "stablecoin and traditional-character terms, full-width folding, every "
               "domestic party", check=partial(notice42._scan_terms, terms=notice42.FORBIDDEN_TERMS_2026_11,
                                                every_party=False)),
        *_confidence(["CN-N42-05", "CN-N42-06"], Confidence.official_copy,
                     "confidence lowered: the link to ABS tokens rests on Notice 42 Art. 14 (secondary)"),
        Change("CN-N42-07", "added", "a CNY or CNH tokenised deposit or fiat settlement is flagged"),
        Change("CN-N42-08", "added", "a mainland risk-retention holder cannot hold the token"),
        Change("CN-FX-01", "changed", "no longer judges the SAFE registration, which is CN-G-16's (the two disagreed)",
               check=partial(notice42._fx, registration=True)),
        Change("HK-03", "changed", "an unlicensed Hong Kong venue or distributor is a blocker (SFO s.114)",
               severity=Severity.warning),
        *_confidence(["CN-ID-01", "CN-ABS-14", *(r.code for r in TAPE_RULES), "CHAIN-05", "CHAIN-06", "CHAIN-07",
                      "CHAIN-08", "CHAIN-09", "CHAIN-10", "CHAIN-16"], Confidence.official_copy, INTERNAL),
        *_confidence(["CN-ID-02", "CHAIN-11", "CHAIN-12", "CHAIN-15", "CHAIN-17"], Confidence.secondary, INTERNAL),
        Change("CHAIN-18", "added", "recovery moves the tokens to a mainland investor's identity"),
        Change("CHAIN-19", "added", "a revoked claim still verifies the investor"),
        Change("CHAIN-20", "added", "an expired claim still verifies the investor"),
        Change("CHAIN-21", "added", "an identity that issues its own claim is verified"),
        Change("CHAIN-22", "added", "the token's compliance has no country module"),
        Change("CHAIN-23", "added", "a holding wallet re-flagged to an excluded country"),
        Change("CHAIN-24", "added", "an ineligible transferFrom spender"),
    )),
    Release("2026.12.2", date(2026, 12, 5), "The expected maturity a deal states is checked against its base case.", (
        Change("CN-ABS-15", "added", "a stated expected maturity other than the base case's repayment date"),
    )),
)
VERSIONS = tuple(r.version for r in RELEASES)


def rules_at(rules: list[Rule], version: str) -> list[Rule]:
    """The rules as they were in `version`, rebuilt from the current `rules` by undoing every later change."""
    if version not in VERSIONS:
        raise KeyError(version)
    by_code = {r.code: r for r in rules}
    for release in reversed(RELEASES[VERSIONS.index(version) + 1:]):
        for change in release.changes:
            if change.kind == "added":
                by_code.pop(change.code, None)
            elif change.code in by_code:
                earlier = by_code[change.code]
                by_code[change.code] = replace(
                    earlier, severity=change.severity or earlier.severity,
                    confidence=change.confidence or earlier.confidence, check=change.check or earlier.check,
                    overridable=earlier.overridable if change.overridable is None else change.overridable)
    return list(by_code.values())


def changelog() -> list[dict[str, Any]]:
    """Every release, newest first."""
    return [r.to_dict() for r in reversed(RELEASES)]
