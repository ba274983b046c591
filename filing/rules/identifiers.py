"""Rules on the identifiers of onshore parties; check digits are rules (not load errors) so a real code that fails
its check digit can be accepted by a recorded override."""

from __future__ import annotations

from collections.abc import Iterator

from filing.model import identifiers
from filing.model.deal import Deal
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

GB_32100 = ("GB 32100-2015, Coding rule of the unified social credit identifier for legal entities and other "
            "organizations; algorithm as reproduced by public implementations and verified locally on sample codes")


def usccs(deal: Deal) -> Iterator[tuple[str, str]]:
    """Every USCC in the deal with its model path."""
    yield "filer.uscc", deal.filer.uscc
    yield "assets.controlling_entity_uscc", deal.assets.controlling_entity_uscc
    parties = {"filer.controlling_shareholder": deal.filer.controlling_shareholder,
               "filer.actual_controller": deal.filer.actual_controller, "structure.trustee": deal.structure.trustee,
               "structure.servicer": deal.structure.servicer, "structure.custodian": deal.structure.custodian}
    for path, party in parties.items():
        if party.uscc:
            yield f"{path}.uscc", party.uscc


@rule("CN-ID-01", title="Every USCC passes the GB 32100 check digit", title_zh="统一社会信用代码校验码正确",
      severity=Severity.blocker, confidence=Confidence.internal, source=GB_32100,
      message="{code}: check digit is '{got}' but should be '{expected}'",
      message_zh="{code}：校验码为“{got}”，应为“{expected}”")
def uscc_check_digit(ctx: Context) -> Iterator[Hit]:
    """What: each onshore party's Unified Social Credit Code has the right 18th character.
    Why: a wrong code names the wrong company (or none) in a filing; real codes that fail exist, so a recorded
    override with a reason accepts one.
    Source: GB 32100-2015 as reproduced by public implementations, verified locally."""
    for path, code in usccs(ctx.deal):
        expected = identifiers.uscc_check_digit(code[:17])
        if code[17] != expected:
            yield hit(path, code=code, got=code[17], expected=expected)


@rule("CN-ID-02", title="The organisation code inside each USCC passes its own check",
      title_zh="统一社会信用代码内嵌组织机构代码校验正确",
      severity=Severity.warning, confidence=Confidence.internal,
      source="GB 11714 organisation code check on positions 9–17 of the USCC, as reproduced by public implementations",
      message="{code}: the organisation code {inner} fails its GB 11714 check",
      message_zh="{code}：内嵌组织机构代码 {inner} 校验未通过")
def organisation_code_check(ctx: Context) -> Iterator[Hit]:
    """What: positions 9–17 of each USCC pass the GB 11714 organisation-code check.
    Why: a failure often means a mistyped code; many real codes still fail it, so this is only a warning.
    Source: GB 11714 as reproduced by public implementations (secondary)."""
    for path, code in usccs(ctx.deal):
        if not identifiers.organization_code_valid(code[8:17]):
            yield hit(path, code=code, inner=code[8:17])
