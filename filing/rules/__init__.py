"""The rulebook: every rule with its code, severity, source and confidence, run over a deal, its pool report and
what the contract check saw on chain. Versioned: `rulebook(version)` rebuilds an older release (`history`)."""

from functools import cache
from types import ModuleType

from filing.findings import Confidence, Finding, Severity, Verdict
from filing.rules import (
    attachments,
    chain,
    disclosure,
    guideline,
    holders,
    hongkong,
    identifiers,
    inputs,
    negative_list,
    notice42,
    overrides,
    placeholders,
    review,
    tape,
)
from filing.rules.history import VERSIONS, changelog, rules_at
from filing.rules.registry import CheckReport, Context, Rule, Rulebook
from filing.version import RULEBOOK_VERSION

MODULES = (guideline, notice42, holders, negative_list, disclosure, hongkong, identifiers, tape, chain, placeholders,
           attachments, overrides, review, inputs)


def rulebook(version: str | None = None) -> Rulebook:
    """The current rulebook, or an older release rebuilt from it (KeyError for a version never released)."""
    return _release(version or RULEBOOK_VERSION)


@cache
def _release(version: str) -> Rulebook:
    if version == RULEBOOK_VERSION:
        return Rulebook(RULEBOOK_VERSION, MODULES)
    older = ModuleType(f"rulebook {version}")
    older.rules = tuple(rules_at(_release(RULEBOOK_VERSION).rules, version))
    return Rulebook(version, [older])


__all__ = ["rulebook", "changelog", "RULEBOOK_VERSION", "VERSIONS", "CheckReport", "Confidence", "Context", "Finding",
           "Rule", "Rulebook", "Severity", "Verdict"]
