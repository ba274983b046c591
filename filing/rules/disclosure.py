"""Rules from the mainland exchange ABS conventions (CSRC 2014 rules, SSE Guidelines No. 1 and No. 2) that the
Guideline does not restate but a reviewer of asset authenticity, structure and risk isolation applies."""

from __future__ import annotations

from collections.abc import Iterator

from filing.assets import spec
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


@rule("CN-ABS-08", title="Assets free of encumbrances, or released at transfer",
      title_zh="基础资产无权利负担或于转让时解除",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{SSE_G2} §2.1.4, {MIRROR}",
      message="the encumbrance '{what}' is not released by the transfer date",
      message_zh="权利负担“{what}”未在转让日前解除")
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


@rule("CN-ABS-09", title="Risk retention disclosed or its absence explained",
      title_zh="披露风险自留安排或说明未自留原因",
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
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{SSE_G1} §3.7.1 (matching of asset term and security term), {MIRROR}",
      message="{detail}", message_zh="{detail_zh}")
def asset_term_covers_tokens(ctx: Context) -> Iterator[Hit]:
    """What: a toll-road concession states its end and ends no earlier than the last tranche's legal maturity.
    Why: the offering circular must show the asset term matches the security term; income rights that end first leave
    the last payments without a source.
    Source: SSE Guideline No. 1 §3.7.1, official copy."""
    assets = ctx.deal.assets
    if spec(assets.asset_class).term_end != "concession_end":  # the one income-right term the deal records
        return
    last = max(t.legal_maturity for t in ctx.deal.token.tranches)
    if assets.concession_end is None:
        yield hit("assets.concession_end", detail="a toll-road income right needs its concession end date",
                  detail_zh="收费公路收益权须注明收费期限届满日")
    elif assets.concession_end < last:
        yield hit("assets.concession_end",
                  detail=f"the concession ends on {assets.concession_end}, before the last legal maturity {last}",
                  detail_zh=f"收费期限于 {assets.concession_end} 届满，早于最后法定到期日 {last}")


@rule("CN-ABS-15", title="The expected maturity stated is the base case's", title_zh="所载预期到期日与基准情景测算一致",
      severity=Severity.warning, confidence=Confidence.internal, source=f"{SSE_G1} §3.7.1 and §5, {MIRROR}",
      message="tranche {tranche} is stated to be expected to mature on {stated}, but the base case repays it on "
              "{projected}", message_zh="{tranche} 档所载预期到期日为 {stated}，而基准情景测算于 {projected} 偿付完毕",
      needs_pool=True)
def expected_maturity_projected(ctx: Context) -> Iterator[Hit]:
    """What: a tranche's expected maturity, where the deal states one, is the date the base-case projection repays it.
    Why: the filed documents show the projection's date; a term sheet or the deal's data stating another contradicts
    them. The check compares the deal with its own projection, so the confidence is `internal`.
    Source: SSE Guideline No. 1 §3.7.1 (disclosure consistent with the assets) and §5 (cash-flow projection).
    A tranche the base case does not repay in full is CN-ABS-10's."""
    if ctx.pool.cashflows is None:
        return
    base = ctx.pool.cashflows.summary[ctx.deal.cashflow.base.name]
    for index, tranche in enumerate(ctx.deal.token.tranches):
        repaid_on = base["tranches"][tranche.id]["repaid_on"]
        if tranche.expected_maturity is not None and repaid_on and tranche.expected_maturity.isoformat() != repaid_on:
            yield hit(f"token.tranches[{index}].expected_maturity", tranche=tranche.id,
                      stated=tranche.expected_maturity, projected=repaid_on)


@rule("CN-ABS-14", title="Tranche terms are consistent with the pool and the offering",
      title_zh="各档代币条款与资产池及发行安排一致",
      severity=Severity.blocker, confidence=Confidence.internal, source=f"{SSE_G1} §3.7.1 and §4.1.2, {MIRROR}",
      message="{detail}", message_zh="{detail_zh}")
def tranches_consistent(ctx: Context) -> Iterator[Hit]:
    """What: tranche maturities fall after the launch and the cut-off, no expected maturity is later than its legal
    maturity, the offering closes no earlier than it launches, seniorities are distinct, and the tokens, converted at
    the deal's exchange rates, do not exceed the pool balance.
    Why: the circular must match the securities' terms to the assets; a token that promises more than the pool or
    matures before it is sold cannot be filed as described. The checks compare the deal with itself (dates, seniorities,
    totals), so the confidence is `internal`; the exchange rule only asks that the terms match the assets.
    Source: SSE Guideline No. 1, official copy, for the matching duty."""
    deal = ctx.deal
    tranches = deal.token.tranches
    for index, tranche in enumerate(tranches):
        for label, label_zh, day in (("launch", "发行启动日", deal.offering.launch_date),
                                     ("cut-off", "基准日", deal.assets.cut_off_date)):
            if tranche.legal_maturity <= day:
                yield hit(f"token.tranches[{index}].legal_maturity",
                          detail=f"tranche {tranche.id} matures on {tranche.legal_maturity}, "
                                 f"not after the {label} {day}",
                          detail_zh=f"{tranche.id} 档法定到期日 {tranche.legal_maturity} 不晚于{label_zh} {day}")
        if tranche.expected_maturity is not None and tranche.expected_maturity > tranche.legal_maturity:
            yield hit(f"token.tranches[{index}].expected_maturity",
                      detail=f"tranche {tranche.id} is expected to mature on {tranche.expected_maturity}, after its "
                             f"legal maturity {tranche.legal_maturity}",
                      detail_zh=f"{tranche.id} 档预期到期日 {tranche.expected_maturity} 晚于法定到期日 "
                                f"{tranche.legal_maturity}")
    offering = deal.offering
    if offering.close_date is not None and offering.close_date < offering.launch_date:
        yield hit("offering.close_date",
                  detail=f"the offering closes on {offering.close_date}, before it launches on {offering.launch_date}",
                  detail_zh=f"发行截止日 {offering.close_date} 早于发行启动日 {offering.launch_date}")
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
        yield hit("token.tranches",
                  detail=f"the tranches total {total:,.2f} {deal.assets.currency}, more than the pool "
                         f"balance {deal.assets.pool_balance:,}",
                  detail_zh=f"各档本金合计 {total:,.2f} {deal.assets.currency}，"
                            f"超过资产池余额 {deal.assets.pool_balance:,}")


@rule("CN-ABS-01", title="Pool overview figures can be disclosed", title_zh="可披露资产池总体特征",
      severity=Severity.warning, confidence=Confidence.official_copy, source=f"{SSE_G1} §4.1.2, {MIRROR}",
      message="the {figure} cannot be computed from the tape", message_zh="无法根据资产清单计算{figure_zh}",
      needs_pool=True)
def pool_overview_available(ctx: Context) -> Iterator[Hit]:
    """What: the tape yields the weighted-average remaining term and seasoning (and, for leases, rate) that the pool
    overview states; trade receivables usually bear no interest, so their rate is not required.
    Why: the offering circular must give total balance, count, weighted averages, obligors and concentration.
    Source: SSE Guideline No. 1 §4.1.2, official copy."""
    averages, kind = ctx.pool.weighted_averages, spec(ctx.pool.asset_class)
    if kind.tape != "pool" or averages is None:
        return
    figures = [("remaining_term_months", "weighted-average remaining term", "加权平均剩余期限"),
               ("seasoning_months", "weighted-average seasoning", "加权平均账龄")]
    if kind.rate_disclosed:
        figures.append(("interest_rate", "weighted-average interest rate", "加权平均利率"))
    for field, figure, figure_zh in figures:
        if getattr(averages, field) is None:
            yield hit("assets.tape", figure=figure, figure_zh=figure_zh)


@rule("CN-ABS-02", title="Distribution tables can be disclosed", title_zh="可披露资产池分布情况",
      severity=Severity.warning, confidence=Confidence.official_copy, source=f"{SSE_G1} §4.1.2, {MIRROR}",
      message="the distribution by {table} cannot be tabulated: the tape lacks the column or its values",
      message_zh="无法编制按{table}的分布表：资产清单缺少相应列或数据", needs_pool=True)
def distributions_available(ctx: Context) -> Iterator[Hit]:
    """What: the tape gives the distribution of the pool by region, industry and related party.
    Why: the circular must show the distribution by balance, term, seasoning, obligor region and industry, and the
    related-party count and share.
    Source: SSE Guideline No. 1 §4.1.2, official copy."""
    if spec(ctx.pool.asset_class).tape != "pool":
        return
    for table in ("region", "industry", "related_party"):
        rows = ctx.pool.distributions.get(table, ())
        if not rows or all(row.key in {"", "unknown"} for row in rows):
            yield hit("assets.tape", table=table.replace("_", " "))


@rule("CN-ABS-03", title="Top-20 asset table is mandatory when an asset exceeds 1%",
      title_zh="单笔资产占比超过1%时须披露前二十大资产",
      severity=Severity.info, confidence=Confidence.official_copy, source=f"{SSE_G1} §4.1.2(5), {MIRROR}",
      message="asset {asset} is {share:.2%} of the pool, so the top-20 table must be disclosed "
              "(the packet includes it)",
      message_zh="资产 {asset} 占资产池 {share:.2%}，须披露前二十大资产（备案材料已包含）", needs_pool=True)
def top_twenty_required(ctx: Context) -> Iterator[Hit]:
    """What: whether any single asset exceeds 1% of the pool.
    Why: the top-20 table may be omitted only when no asset exceeds 1%; the packet always includes it, so this is
    information for the drafter.
    Source: SSE Guideline No. 1 §4.1.2(5), official copy."""
    if ctx.pool.top_assets and ctx.pool.top_assets[0].share > 0.01:
        yield hit("assets.tape", asset=ctx.pool.top_assets[0].asset_id, share=ctx.pool.top_assets[0].share)


@rule("CN-ABS-04", title="Receivables are dispersed: at least 10 unrelated obligors (supply chain: creditors), "
                         "none above 50%",
      title_zh="应收账款分散度：至少10个无关联债务人（供应链类为债权人）且单一债务人不超过50%",
      severity=Severity.warning, confidence=Confidence.official_copy, source=f"{SSE_G2} §3.2.3, {MIRROR}",
      message="{detail}", message_zh="{detail_zh}", needs_pool=True)
def receivables_dispersed(ctx: Context) -> Iterator[Hit]:
    """What: a receivables pool has at least 10 unrelated obligors and none above 50% of the balance, unless a
    guarantee or shortfall support is in place; a supply-chain pool, whose obligor is the core enterprise, has at
    least 10 creditors instead (the caps on creditor concentration were not found as figures, so none is tested).
    Why: the exchange admission standard requires this dispersion and allows the obligor waiver only with credit
    support.
    Source: SSE Guideline No. 2 §3.2.3, official copy."""
    dispersion, party = ctx.pool.dispersion, spec(ctx.deal.assets.asset_class).dispersion
    supported = any(e.kind in {"guarantee", "shortfall_support"} for e in ctx.deal.structure.credit_enhancement)
    if party is None or dispersion is None or dispersion.meets:
        return
    if party == "creditors":
        yield hit("assets.tape", detail=f"{dispersion.unrelated_obligors} creditors, fewer than "
                                        f"{dispersion.min_unrelated_obligors}",
                  detail_zh=f"债权人 {dispersion.unrelated_obligors} 个，少于 {dispersion.min_unrelated_obligors} 个")
    elif not supported:
        yield hit("assets.tape",
                  detail=f"{dispersion.unrelated_obligors} unrelated obligors and a largest obligor at "
                         f"{dispersion.max_obligor_share:.1%}, with no guarantee or shortfall support",
                  detail_zh=f"无关联债务人 {dispersion.unrelated_obligors} 个，最大单一债务人占比 "
                            f"{dispersion.max_obligor_share:.1%}，且无担保或差额支付安排")


@rule("CN-ABS-05", title="Originator-affiliate cash flow above 10% is specially disclosed",
      title_zh="原始权益人及其关联方现金流占比超过10%须专项披露",
      severity=Severity.warning, confidence=Confidence.official_copy,
      source=f"{SSE_G2} §2.2.3 and {SSE_G1} §3.7.1, {MIRROR}",
      message="the originator's affiliates owe {share:.1%} of the pool (over 10%): disclose the related-party flows",
      message_zh="原始权益人关联方占资产池 {share:.1%}（超过10%），须专项披露关联交易", needs_pool=True)
def affiliate_share_disclosed(ctx: Context) -> Iterator[Hit]:
    """What: the share of the pool owed by the originator and its affiliates.
    Why: above 10% the exchange rules require special disclosure of the related-party cash flows.
    Source: SSE Guidelines No. 1 and No. 2, official copy."""
    affiliates = ctx.pool.affiliates
    if affiliates and affiliates.above_threshold:
        yield hit("assets.originator_affiliates", share=affiliates.share)


@rule("CN-ABS-06", title="Cash-flow projection rests on three years of history and is stress-tested",
      title_zh="现金流预测基于至少三年历史数据并进行压力测试",
      severity=Severity.warning, confidence=Confidence.official_copy,
      source=f"{SSE_G1} §3.7.6 and §5; CSRC ABS disclosure guideline (证监会公告〔2014〕49号), {MIRROR}",
      message="{detail}", message_zh="{detail_zh}")
def projection_history_and_stress(ctx: Context) -> Iterator[Hit]:
    """What: at least three years of performance history (the revenue tape of a toll road, the static-pool history
    file of a pool, else its declared history) and at least one stress scenario.
    Why: the circular's cash-flow projection needs three years of history with volatility explained, stated
    assumptions and stress tests with the coverage in each scenario.
    Source: SSE Guideline No. 1 §3.7.6, official copy."""
    deal = ctx.deal
    toll = ctx.pool.toll_road if ctx.pool else None
    measured = ctx.pool.history if ctx.pool else None  # a static-pool history file counts for what it holds
    years = toll.years_covered if toll else measured.years_covered if measured else deal.assets.history_years_declared
    if years is None or years < 3:
        yield hit("assets.tape" if toll else "assets.history" if measured else "assets.history_years_declared",
                  detail=f"the projection rests on {years or 0:g} year(s) of history, fewer than 3",
                  detail_zh=f"现金流预测所依据的历史数据为 {years or 0:g} 年，少于3年")
    if not deal.cashflow.stress:
        yield hit("cashflow.stress", detail="no stress scenario is declared", detail_zh="未设定压力情景")


@rule("CN-ABS-10", title="The base case repays every tranche by its legal maturity",
      title_zh="基准情景下各档于法定到期日前足额偿付",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{SSE_G1} §5 (coverage multiples), {MIRROR}",
      message="in the base case tranche {tranche} {problem}", message_zh="基准情景下 {tranche} 档{problem_zh}",
      needs_pool=True)
def base_case_repays(ctx: Context) -> Iterator[Hit]:
    """What: under the deal's own base-case assumptions every tranche is repaid in full by its legal maturity and
    its minimum coverage ratio is at least 1.0.
    Why: a deal whose base case already fails cannot be described as supported by the assets' cash flows; the
    rating report must state coverage for each period.
    Source: SSE Guideline No. 1 §5, official copy."""
    if ctx.pool.cashflows is None:
        return
    base = ctx.pool.cashflows.summary[ctx.deal.cashflow.base.name]
    for index, tranche in enumerate(ctx.deal.token.tranches):
        figures = base["tranches"][tranche.id]
        if not figures["repaid_in_full"]:
            yield hit(f"token.tranches[{index}]", tranche=tranche.id,
                      problem=f"is not repaid in full by {figures['legal_maturity']}",
                      problem_zh=f"未能于 {figures['legal_maturity']} 前足额偿付")
        elif figures["min_coverage"] is not None and float(figures["min_coverage"]) < 1.0:
            yield hit(f"token.tranches[{index}]", tranche=tranche.id,
                      problem=f"has a minimum coverage of {figures['min_coverage']}, below 1.0",
                      problem_zh=f"最低覆盖倍数为 {figures['min_coverage']}，低于1.0")
