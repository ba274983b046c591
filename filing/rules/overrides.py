"""Codes the verdict itself emits while it applies the deal's overrides (`Rulebook.verdict`).

An override is a decision someone signs; these rules make sure it decides something real: a code the rulebook has,
and never a hard ban of Notice 42, which no filer can accept on its own authority.
"""

from __future__ import annotations

from collections.abc import Iterator

from filing.rules.registry import Confidence, Context, Hit, Severity, rule

SOURCE = ("the deal's overrides section: a recorded decision to accept a finding, with its reason and approver "
          "(the toolkit's own convention)")


@rule("OVR-01", title="An override names a rule the rulebook does not have", title_zh="豁免事项所指规则不存在",
      severity=Severity.blocker, confidence=Confidence.secondary, source=SOURCE,
      message="no rule {code} in the rulebook: the override accepts nothing (`filing rules list` shows the codes)",
      message_zh="规则库中无 {code} 规则，该豁免不产生任何效力", emitted_by="verdict")
def unknown_rule_overridden(_ctx: Context) -> Iterator[Hit]:
    """What: every override names a rule code of the rulebook in force.
    Why: an override of a mistyped code accepts nothing while looking, in the deal file, as if it did.
    Source: the deal file's own convention; emitted by the verdict, not run as a check."""
    return iter(())


@rule("OVR-02", title="An override of a hard ban", title_zh="对禁止性规定的豁免无效",
      severity=Severity.blocker, confidence=Confidence.secondary, source=SOURCE,
      message="{code} ({title}) is a hard ban of Notice 42 and cannot be overridden; its findings still count",
      message_zh="{code}（{title_zh}）属于《通知》的禁止性规定，不得豁免，相关事项仍予计入", emitted_by="verdict")
def hard_ban_overridden(_ctx: Context) -> Iterator[Hit]:
    """What: no override names a hard ban: mainland investors admitted, an RMB- or CNH-pegged settlement asset without
    a recorded approval, an onshore issuer or venue, onshore tokenisation services without approval.
    Why: Notice 42 bans these outright; an internal approval cannot lift a ban that only the authorities can.
    Source: Notice 42 (secondary reproductions); emitted by the verdict, not run as a check."""
    return iter(())
