"""The rulebook: every rule with its code, severity, source and confidence, run over a deal, its pool report and
what the contract check saw on chain."""

from functools import cache

from filing.rules import attachments, chain, disclosure, guideline, hongkong, identifiers, negative_list, notice42, tape
from filing.rules.registry import CheckReport, Confidence, Context, Finding, Rule, Rulebook, Severity

RULEBOOK_VERSION = "2026.11.2"


@cache
def rulebook() -> Rulebook:
    return Rulebook(RULEBOOK_VERSION, [guideline, notice42, negative_list, disclosure, hongkong, identifiers, tape,
                                      chain, attachments])


__all__ = ["rulebook", "RULEBOOK_VERSION", "CheckReport", "Confidence", "Context", "Finding", "Rule", "Rulebook",
           "Severity"]
