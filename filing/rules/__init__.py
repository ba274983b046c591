"""The rulebook: every rule with its code, severity, source and confidence, run over a deal and its pool report."""

from functools import cache

from filing.rules import disclosure, guideline, hongkong, identifiers, negative_list, notice42, tape
from filing.rules.registry import CheckReport, Confidence, Context, Finding, Rule, Rulebook, Severity

RULEBOOK_VERSION = "2026.11.1"


@cache
def rulebook() -> Rulebook:
    return Rulebook(RULEBOOK_VERSION, [guideline, notice42, negative_list, disclosure, hongkong, identifiers, tape])


__all__ = ["rulebook", "RULEBOOK_VERSION", "CheckReport", "Confidence", "Context", "Finding", "Rule", "Rulebook",
           "Severity"]
