"""Rules from the mainland exchange ABS conventions (CSRC 2014 rules, SSE Guidelines No. 1 and No. 2) that the
Guideline does not restate but a reviewer of asset authenticity, structure and risk isolation applies."""

from __future__ import annotations

from collections.abc import Iterator

from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

SSE_G1 = "SSE ABS Guideline No. 1 (上证发〔2022〕164号)"
SSE_G2 = "SSE ABS Guideline No. 2 (上证发〔2022〕165号)"
MIRROR = "official text read in a public mirror that links the originals"


@rule("CN-ABS-07", title="Bankruptcy remoteness and risk isolation", title_zh="破产隔离与风险隔离安排",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{SSE_G1} §3.7.2 and {SSE_G2} §2.3.6, {MIRROR}", message="{detail}", message_zh="{detail_zh}")
def risk_isolation(ctx: Context) -> Iterator[Hit]:
    """What: the assets move at a fair price with notice or registration, collections go to the vehicle's or a
    supervised account, and the legal opinion addresses isolation.
    Why: the exchange rules require the assets to be isolated from every party's estate and the lawyer to give a clear
    opinion on it; the seeds name risk isolation as a CSRC review focus.
    Source: SSE Guidelines No. 1 and No. 2, official copy."""
    deal = ctx.deal
    sale, opinion = deal.assets.true_sale, deal.structure.legal_opinion
    if not sale.consideration_fair:
        yield hit("assets.true_sale.consideration_fair", detail="the transfer price is not fair",
                  detail_zh="转让对价不公允")
    if sale.notice_or_registration == "none":
        yield hit("assets.true_sale.notice_or_registration", detail="the transfer is neither notified nor registered",
                  detail_zh="资产转让未通知债务人亦未办理登记")
    if deal.structure.collection_account.kind == "originator":
        yield hit("structure.collection_account.kind", detail="collections go to the originator's own account",
                  detail_zh="回收款进入原始权益人自有账户")
    if opinion is None or not opinion.covers_isolation:
        yield hit("structure.legal_opinion", detail="no legal opinion addresses bankruptcy remoteness",
                  detail_zh="法律意见书未就破产隔离发表意见")


@rule("CN-ABS-08", title="Assets free of encumbrances, or released at transfer", title_zh="基础资产无权利负担或于转让时解除",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{SSE_G2} §2.1.4, {MIRROR}",
      message="the encumbrance '{what}' is not released by the transfer date", message_zh="权利负担“{what}”未在转让日前解除")
def free_of_encumbrances(ctx: Context) -> Iterator[Hit]:
    """What: every recorded encumbrance has a release date no later than the transfer (or the cut-off if no transfer
    date is set).
    Why: the exchange admission standard requires assets free of pledges and other encumbrances.
    Source: SSE Guideline No. 2, official copy."""
    assets = ctx.deal.assets
    transfer = assets.true_sale.transfer_date or assets.cut_off_date
    for index, encumbrance in enumerate(assets.encumbrances):
        if encumbrance.released_on is None or encumbrance.released_on > transfer:
            yield hit(f"assets.encumbrances[{index}]", what=encumbrance.description)


@rule("CN-ABS-09", title="Risk retention disclosed or its absence explained", title_zh="披露风险自留安排或说明未自留原因",
      severity=Severity.warning, confidence=Confidence.official_copy,
      source=f"{SSE_G1} §3.10, {MIRROR}; no fixed percentage was found",
      message="no risk retention is recorded and none is explained", message_zh="未记录风险自留安排，亦未说明原因")
def risk_retention_disclosed(ctx: Context) -> Iterator[Hit]:
    """What: a tranche is held by the originator's group, or a risk-retention holder and share, or an explanation, is
    recorded.
    Why: the offering circular must disclose who retains risk, how much and on what terms, or explain why none is.
    Source: SSE Guideline No. 1 §3.10, official copy (no percentage is prescribed there)."""
    retention = ctx.deal.structure.risk_retention
    retained = any(t.holder_is_originator_affiliate for t in ctx.deal.token.tranches)
    if not retained and not (retention and (retention.share or retention.explanation)):
        yield hit("structure.risk_retention")


@rule("CN-ABS-12", title="Asset life covers the tokens' legal maturity", title_zh="基础资产期限覆盖代币法定到期日",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{SSE_G1} §3.7.1 (matching of asset term and "
      f"security term), {MIRROR}", message="{detail}", message_zh="{detail_zh}")
def asset_term_covers_tokens(ctx: Context) -> Iterator[Hit]:
    """What: a toll-road concession states its end and ends no earlier than the last tranche's legal maturity.
    Why: the offering circular must show the asset term matches the security term; income rights that end first leave
    the last payments without a source.
    Source: SSE Guideline No. 1 §3.7.1, official copy."""
    assets = ctx.deal.assets
    if assets.asset_class != "toll_road_income":
        return
    last = max(t.legal_maturity for t in ctx.deal.token.tranches)
    if assets.concession_end is None:
        yield hit("assets.concession_end", detail="a toll-road income right needs its concession end date",
                  detail_zh="收费公路收益权须注明收费期限届满日")
    elif assets.concession_end < last:
        yield hit("assets.concession_end", detail=f"the concession ends on {assets.concession_end}, before the last "
                  f"legal maturity {last}", detail_zh=f"收费期限于 {assets.concession_end} 届满，早于最后法定到期日 {last}")


@rule("CN-ABS-14", title="Tranche terms are consistent with the pool and the offering",
      title_zh="各档代币条款与资产池及发行安排一致",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{SSE_G1} §3.7.1 and §4.1.2, {MIRROR}",
      message="{detail}", message_zh="{detail_zh}")
def tranches_consistent(ctx: Context) -> Iterator[Hit]:
    """What: tranche maturities fall after the launch and the cut-off, seniorities are distinct, and the tokens, converted at the
    deal's exchange rates, do not exceed the pool balance.
    Why: the circular must match the securities' terms to the assets; a token that promises more than the pool or
    matures before it is sold cannot be filed as described.
    Source: SSE Guideline No. 1, official copy."""
    deal = ctx.deal
    tranches = deal.token.tranches
    for index, tranche in enumerate(tranches):
        for label, label_zh, day in (("launch", "发行启动日", deal.offering.launch_date),
                                     ("cut-off", "基准日", deal.assets.cut_off_date)):
            if tranche.legal_maturity <= day:
                yield hit(f"token.tranches[{index}].legal_maturity",
                          detail=f"tranche {tranche.id} matures on {tranche.legal_maturity}, not after the {label} {day}",
                          detail_zh=f"{tranche.id} 档法定到期日 {tranche.legal_maturity} 不晚于{label_zh} {day}")
    seniorities = [t.seniority for t in tranches]
    if len(set(seniorities)) != len(seniorities):
        yield hit("token.tranches", detail="two tranches share a seniority", detail_zh="两档代币的清偿顺序相同")
    fx = ctx.deal.cashflow.fx_to_pool
    unpriced = sorted({t.currency for t in tranches if t.currency != deal.assets.currency and t.currency not in fx})
    if unpriced:
        yield hit("cashflow.fx_to_pool", detail=f"no exchange rate to {deal.assets.currency} for {', '.join(unpriced)}",
                  detail_zh=f"缺少 {', '.join(unpriced)} 兑 {deal.assets.currency} 的汇率")
        return
    total = sum(t.principal * (fx[t.currency] if t.currency != deal.assets.currency else 1) for t in tranches)
    if total > deal.assets.pool_balance:
        yield hit("token.tranches", detail=f"the tranches total {total:,.2f} {deal.assets.currency}, more than the pool "
                  f"balance {deal.assets.pool_balance:,}",
                  detail_zh=f"各档本金合计 {total:,.2f} {deal.assets.currency}，超过资产池余额 {deal.assets.pool_balance:,}")
