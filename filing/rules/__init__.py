"""The rulebook: every rule with its code, severity, source and confidence, run over a deal, its pool report and
what the contract check saw on chain."""

from functools import cache

from filing.findings import Confidence, Finding, Severity, Verdict
from filing.rules import (
    chain,
    disclosure,
    guideline,
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
from filing.rules.registry import CheckReport, Context, Rule, Rulebook

RULEBOOK_VERSION = "2026.12.1"


@cache
def rulebook() -> Rulebook:
    return Rulebook(RULEBOOK_VERSION, [guideline, notice42, negative_list, disclosure, hongkong, identifiers, tape,
                                      chain, placeholders, overrides, review, inputs])


__all__ = ["rulebook", "RULEBOOK_VERSION", "CheckReport", "Confidence", "Context", "Finding", "Rule", "Rulebook",
           "Severity", "Verdict"]
