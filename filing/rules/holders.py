"""Rules on who may hold the token and what it settles in, beyond the investor lists of rule CN-N42-02: the
risk-retention holder and a renminbi settlement asset that is not a stablecoin.

The risk-retention holder is judged by the same test the token applies to every holder (mainland never, an excluded
jurisdiction never, and only an allowed one when the deal lists any), so the rule, the token's holder rules and the
documents (`retention_view`) say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from filing.model.deal import Deal
from filing.model.jurisdictions import MAINLAND, jurisdiction_name
from filing.rules.notice42 import NOTICE_42, RMB_CODES
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

SSE_G1_RETENTION = "SSE ABS Guideline No. 1 (上证发〔2022〕164号) §3.10, risk retention by the originator or affiliates"


def token_admits(deal: Deal, jurisdiction: str) -> bool:
    """Whether the deal's token would admit a holder of `jurisdiction` (alpha-2): never the mainland, never an
    excluded one, and only a listed one when the deal lists allowed jurisdictions (as the reference token does)."""
    investors = deal.offering.investors
    if jurisdiction == MAINLAND or jurisdiction in investors.excluded_jurisdictions:
        return False
    return not investors.allowed_jurisdictions or jurisdiction in investors.allowed_jurisdictions


@dataclass(frozen=True)
class RetentionView:
    """What the documents need to state the risk retention the same way the rules judge it."""

    holder: str | None
    holder_jurisdiction: str | None
    share: float | None
    form: str
    """`token` or `untokenised`."""
    tranches: tuple[str, ...]
    """Ids of the tranches the originator's group holds."""
    admitted_by_token: bool | None
    """Whether the token's holder rules admit the holder (None: untokenised, or no jurisdiction recorded)."""


def retention_view(deal: Deal) -> RetentionView | None:
    """The deal's risk retention, or None when neither a retention nor an affiliate-held tranche is recorded."""
    retention = deal.structure.risk_retention
    tranches = tuple(t.id for t in deal.token.tranches if t.holder_is_originator_affiliate)
    if not tranches and not (retention and retention.holder):
        return None
    jurisdiction = retention.holder_jurisdiction if retention else None
    form = retention.form if retention else "token"
    admitted = token_admits(deal, jurisdiction) if (jurisdiction and form == "token") else None
    return RetentionView(retention.holder if retention else None, jurisdiction, retention.share if retention else None,
                         form, tranches, admitted)


@rule("CN-N42-08", title="The risk-retention holder can lawfully hold what it retains",
      title_zh="风险自留持有人可依规持有所自留的权益",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, ban on serving domestic entities, read as in rule CN-N42-02 (an inference); "
             f"{SSE_G1_RETENTION}",
      message="{detail}", message_zh="{detail_zh}")
def retention_holder_admitted(ctx: Context) -> Iterator[Hit]:
    """What: when the originator's group retains risk in tokens (a tranche held by an affiliate, or a retention
    holder), the holder's jurisdiction is recorded and the token admits it; a mainland holder may retain only an
    untokenised interest on the issuer's own register.
    Why: the offering excludes mainland investors (rule CN-N42-02) and the token refuses mainland wallets, so a
    filing that says the filer's mainland affiliate holds the subordinated tokens contradicts itself: either the
    affiliate is offshore and admitted, or the retained interest is not a token. Which one is the recorded
    exemption path (`structure.risk_retention.holder_jurisdiction` and `form`).
    Source: Notice 42 as rule CN-N42-02 reads it (secondary); SSE Guideline No. 1 §3.10 on retention."""
    view = retention_view(ctx.deal)
    if view is None or view.form == "untokenised":
        return
    who = view.holder or f"the holder of tranche(s) {', '.join(view.tranches)}"
    who_zh = view.holder or f"{'、'.join(view.tranches)}档代币持有人"
    if view.holder_jurisdiction is None:
        yield hit("structure.risk_retention.holder_jurisdiction",
                  detail=f"{who} retains risk in tokens but its jurisdiction is not recorded",
                  detail_zh=f"{who_zh}以代币形式自留风险，但未记录其所在司法辖区")
    elif view.holder_jurisdiction == MAINLAND:
        yield hit("structure.risk_retention.holder_jurisdiction",
                  detail=f"{who} is in the mainland and would hold tokens that exclude mainland investors; retain "
                         "through an offshore affiliate or as an untokenised interest",
                  detail_zh=f"{who_zh}位于中国境内，却将持有不向境内投资者发行的代币；应通过境外关联方持有，或以非代币化权益自留")
    elif not view.admitted_by_token:
        yield hit("structure.risk_retention.holder_jurisdiction",
                  detail=f"{who} is in {view.holder_jurisdiction}, which the token's investor lists do not admit",
                  detail_zh=f"{who_zh}位于{jurisdiction_name(view.holder_jurisdiction)}，不属于代币允许的投资者所在地")


@rule("CN-N42-07", title="A renminbi settlement asset that is not a stablecoin is confirmed by counsel",
      title_zh="以人民币计价的非稳定币结算资产须经律师确认",
      severity=Severity.warning, confidence=Confidence.secondary,
      source=f"{NOTICE_42}, RMB-pegged stablecoins offshore need approval (Xinhua report reproduced, 2026-02-06), "
             "by analogy; no rule on tokenised RMB deposits or RMB fiat settlement of RWA tokens was found",
      message="the settlement asset {name} is a {kind} in {currency}",
      message_zh="结算资产 {name} 为以 {currency} 计价的{kind_zh}")
def rmb_settlement_reviewed(ctx: Context) -> Iterator[Hit]:
    """What: a tokenised deposit or fiat settlement in CNY or CNH is flagged for review.
    Why: it is not a stablecoin, so rule CN-N42-03 does not catch it, but renminbi settlement of an offshore RWA token
    touches the same policy (no RMB-pegged token offshore without approval) and the cross-border RMB rules; no text
    on it was found, so counsel must confirm.
    Source: Notice 42 by analogy (secondary)."""
    settlement = ctx.deal.token.settlement_asset
    if settlement.type != "stablecoin" and settlement.peg_currency in RMB_CODES:
        kind_zh = {"tokenised_deposit": "代币化存款", "fiat": "法定货币"}[settlement.type]
        yield hit("token.settlement_asset.type", name=settlement.name, kind=settlement.type.replace("_", " "),
                  currency=settlement.peg_currency, kind_zh=kind_zh)
