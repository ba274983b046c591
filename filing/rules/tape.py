"""Tape checks as rules: the pool analysis finds them (vectorised, per column), the rulebook cites and reports them.

One rule per TAPE code, all served by one check that passes on the pool report's findings of that code; each hit
carries the rows and asset ids the finding lists, in both languages' messages. Their confidence is `internal`: they
judge the tape's own integrity against data standards, not a legal text.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from filing.pool.checks import TAPE_CHECKS
from filing.rules.registry import Confidence, Context, Hit, Rule, Severity, hit

SOURCE = ("Tape integrity and data quality, as the exchange ABS rules require true, accurate and complete asset "
          "disclosure (SSE ABS Guideline No. 1 §3.7.1, §4.1.2) and as loan-level templates tier their checks "
          "(ESMA securitisation templates, ND codes)")


def _tape_findings(code: str, ctx: Context) -> Iterator[Hit]:
    for finding in ctx.pool.findings:
        if finding.code == code:
            yield hit(f"assets.tape[{finding.column}]", message=finding.message(), message_zh=finding.message_zh())


def _tape_rule(code: str, title: str, title_zh: str, severity: str, why: str) -> Rule:
    check = partial(_tape_findings, code)
    doc = (f"What: {title.lower()} on the data tape.\nWhy: {why}\n"
           "Source: tape integrity conventions of the exchange ABS rules.")
    return Rule(code, title, title_zh, Severity(severity), Confidence.internal, SOURCE, "{message}",
                "{message_zh}", check, doc, needs_pool=True)


TAPE_RULES = tuple(_tape_rule(code, *spec) for code, spec in TAPE_CHECKS.items())
