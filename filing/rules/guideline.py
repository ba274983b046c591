"""Rules from the CSRC Guideline (证监会公告〔2026〕1号) on ABS tokens issued overseas using domestic assets."""

from __future__ import annotations

from collections.abc import Iterator

from filing.model.deal import Attestation, Deal
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

GUIDELINE = ("CSRC Announcement [2026] No. 1, Regulatory Guidelines on Tokenized Asset-Backed Securities Issued "
             "Overseas Using Domestic Assets (证监会公告〔2026〕1号), 6 Feb 2026")
REPRODUCED = "official wording reproduced by 财闻 (wap.stockstar.com/detail/IG2026020600040351, 2026-02-06)"
SUMMARISED = "as summarised consistently by law-firm and news reports (secondary)"
PUBLISHED = ("the CSRC publishes the filing information and does not accept, or refuses, filings that do not meet the "
             "Guideline, as reported by gate.ac and bingx.io news of 2026-02-06 (secondary)")
PROHIBITED_OFFENCES = {"corruption", "bribery", "embezzlement", "misappropriation", "market_order"}
FILED = {"filed", "accepted", "published"}
PENDING = {"filed", "accepted"}


@rule("CN-G-01", title="The product is an ABS token backed by domestic asset cash flows",
      title_zh="产品为以境内资产现金流支持偿付的资产支持证券代币",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, definition; {REPRODUCED}",
      message="{field} is {value}; the Guideline covers only ABS tokens repaid from the cash flows of domestic assets",
      message_zh="{field} 为 {value}；《指引》仅适用于以境内资产现金流支持偿付的资产支持证券代币")
def abs_token_backed_by_domestic_assets(ctx: Context) -> Iterator[Hit]:
    """What: the token is an ABS product, its assets are in mainland China and repayment comes from their cash flows.
    Why: the Guideline defines its scope this way; equity or foreign-debt forms go to other regimes (Notice 42 Art. 14).
    Source: the Guideline's definition, official wording reproduced."""
    deal = ctx.deal
    for field, value, wanted in (("token.product_type", deal.token.product_type, "abs"),
                                 ("assets.jurisdiction", deal.assets.jurisdiction, "CN"),
                                 ("token.repayment_source", deal.token.repayment_source, "asset_cashflow")):
        if value != wanted:
            yield hit(field, field=field, value=value)


@rule("CN-G-02", title="Issuer and issuance venue are offshore", title_zh="发行主体与发行场所均位于境外",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, definition ('issued offshore'); {REPRODUCED}; Notice 42 onshore ban (secondary)",
      message="{field} is the mainland (CN); the tokens must be issued offshore",
      message_zh="{field} 为中国境内（CN）；代币须在境外发行", overridable=False)
def issued_offshore(ctx: Context) -> Iterator[Hit]:
    """What: the issuing entity and the venue are outside the mainland (Hong Kong, Macao and Taiwan count as outside).
    Why: the Guideline covers tokens issued offshore; onshore issuance is banned by Notice 42.
    Source: the Guideline's definition, official wording reproduced."""
    for field, jurisdiction in (("issuer.jurisdiction", ctx.deal.issuer.jurisdiction),
                                ("offering.venue.jurisdiction", ctx.deal.offering.venue.jurisdiction)):
        if jurisdiction == "CN":
            yield hit(field, field=field)


@rule("CN-G-03", title="The filer is the domestic entity that actually controls the assets",
      title_zh="备案主体为实际控制基础资产的境内主体",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{GUIDELINE}; {REPRODUCED}",
      message="{detail}", message_zh="{detail_zh}")
def filer_controls_assets(ctx: Context) -> Iterator[Hit]:
    """What: the filer is a mainland entity and is the entity recorded as controlling the underlying assets.
    Why: the Guideline puts the filing duty on the domestic entity that actually controls the assets.
    Source: the Guideline, 'who files', official wording reproduced."""
    filer, assets = ctx.deal.filer, ctx.deal.assets
    if filer.jurisdiction != "CN":
        yield hit("filer.jurisdiction", detail=f"the filer is in {filer.jurisdiction}, not the mainland",
                  detail_zh=f"备案主体位于 {filer.jurisdiction}，而非中国境内")
    if assets.controlling_entity_uscc != filer.uscc:
        yield hit("assets.controlling_entity_uscc",
                  detail=f"the assets are controlled by {assets.controlling_entity_uscc}, not the filer {filer.uscc}",
                  detail_zh=f"基础资产由 {assets.controlling_entity_uscc} 实际控制，而非备案主体 {filer.uscc}")


@rule("CN-G-04", title="The CSRC filing is made before the offering starts", title_zh="在发行启动前向中国证监会备案",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, filing 'before the business starts'; {REPRODUCED}. No N-day deadline was found (not-found)",
      message="{detail}", message_zh="{detail_zh}")
def filed_before_launch(ctx: Context) -> Iterator[Hit]:
    """What: a filed deal has a submission date before the launch; a draft deal has not reached its launch date; a
    refused filing is no filing.
    Why: the Guideline requires filing before the business starts; no working-day deadline was found, so none is
    invented here.
    Source: the Guideline, official wording reproduced up to the filing materials."""
    yield from _filed_before_launch(ctx, refused_counts=True)


def _filed_before_launch(ctx: Context, refused_counts: bool) -> Iterator[Hit]:
    """CN-G-04; rulebook 2026.11.2 did not know the `refused` status (`refused_counts=False`)."""
    filing, launch = ctx.deal.filing, ctx.deal.offering.launch_date
    if refused_counts and filing.status == "refused":
        yield hit("filing.status", detail="the CSRC refused the filing; the tokens may not be issued on it",
                  detail_zh="中国证监会已不予备案，不得据此发行代币")
    if filing.status in FILED and filing.submitted_on is None:
        yield hit("filing.submitted_on", detail=f"the filing is '{filing.status}' but has no submission date",
                  detail_zh=f"备案状态为“{filing.status}”，但缺少提交日期")
    if filing.submitted_on and filing.submitted_on >= launch:
        yield hit("filing.submitted_on",
                  detail=f"submitted on {filing.submitted_on}, not before the launch on {launch}",
                  detail_zh=f"备案提交日 {filing.submitted_on} 不早于发行启动日 {launch}")
    if filing.status == "draft" and launch <= ctx.as_of:
        yield hit("offering.launch_date", detail=f"the launch date {launch} has come but the filing is still a draft",
                  detail_zh=f"发行启动日 {launch} 已到，但备案仍为草稿")


@rule("CN-G-05", title="The packet holds a filing report and the complete offshore offering documents",
      title_zh="备案材料包括备案报告及境外发行全套文件",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{GUIDELINE}; {REPRODUCED} up to '备案报告'; Working Guide No. 1 contents not found",
      message="the offshore offering documents do not include the {document}",
      message_zh="境外发行文件缺少{document_zh}")
def complete_offshore_documents(ctx: Context) -> Iterator[Hit]:
    """What: the deal lists the offering circular and the token terms among its offshore documents (the toolkit
    writes the filing report itself).
    Why: the filing is a filing report plus the complete set of offshore offering documents; the itemised list of
    Working Guide No. 1 was not found, so only the two documents every offering has are required. The reproduced
    official wording breaks off at '备案报告', so the 'complete offshore documents' half rests on secondary reports:
    hence `secondary`; it stays a blocker because the filing report itself is in the official wording and no
    offering is filed without its circular and terms.
    Source: the Guideline, partly official wording, the rest secondary."""
    documents = set(ctx.deal.filing.offshore_documents)
    for document, name_zh in (("offering_circular", "发行说明书"), ("token_terms", "代币条款")):
        if document not in documents:
            yield hit("filing.offshore_documents", document=document.replace("_", " "), document_zh=name_zh)


@rule("CN-G-06", title="Truth undertakings from every responsible party", title_zh="各责任主体出具真实性承诺",
      severity=Severity.warning, confidence=Confidence.secondary, source=f"{GUIDELINE}, duty of truth, {SUMMARISED}",
      message="no truth undertaking from the {role} {name}", message_zh="缺少{role_zh}{name}的真实性承诺")
def truth_undertakings(ctx: Context) -> Iterator[Hit]:
    """What: the filer, its controlling shareholder, actual controller, each director, supervisor and senior manager,
    and each intermediary have given an undertaking that their materials are true, accurate and complete.
    Why: the Guideline puts this duty on each of them.
    Source: the Guideline as summarised consistently by several sources (secondary)."""
    given = {(u.party_role, u.party_name) for u in ctx.deal.filing.undertakings}
    for role, name, role_zh in required_undertakings(ctx.deal):
        if (role, name) not in given:
            yield hit("filing.undertakings", role=role.replace("_", " "), role_zh=role_zh, name=name)


def required_undertakings(deal: Deal) -> list[tuple[str, str, str]]:
    """(role, name, role in Chinese) of every party that owes a truth undertaking, in the order the filing lists
    them; one list shared by rule CN-G-06 and the packet's undertakings document, so the two cannot disagree."""
    required = [("filer", deal.filer.name_zh, "备案主体"),
                ("controlling_shareholder", _name(deal.filer.controlling_shareholder), "控股股东"),
                ("actual_controller", _name(deal.filer.actual_controller), "实际控制人")]
    roles_zh = {"director": "董事", "supervisor": "监事", "senior_manager": "高级管理人员"}
    required += [(o.role, o.name, roles_zh[o.role]) for o in deal.filer.officers]
    seen = set()
    for provider in deal.service_providers:
        if provider.name not in seen:
            seen.add(provider.name)
            required.append(("intermediary", provider.name, "中介机构"))
    return required


def _name(entity) -> str:
    return entity.name_zh or entity.name_en


def _disqualifier(field: str, attestation: Attestation, what: str, what_zh: str) -> Iterator[Hit]:
    if attestation.applies:
        yield hit(f"filer.disqualifiers.{field}.applies", what=what, what_zh=what_zh)


DISQUALIFIER_MESSAGE = "the filer attests that {what}; the Guideline bars the business"
DISQUALIFIER_MESSAGE_ZH = "备案主体声明{what_zh}；根据《指引》不得开展该业务"


@rule("CN-G-07", title="Not barred by law from capital-market financing", title_zh="不存在法律禁止在资本市场融资的情形",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (1); {REPRODUCED}",
      message=DISQUALIFIER_MESSAGE, message_zh=DISQUALIFIER_MESSAGE_ZH)
def not_barred_from_financing(ctx: Context) -> Iterator[Hit]:
    """What: the filer's attestation that no law or regulation forbids it from raising funds in capital markets.
    Why: disqualifier (1) of the Guideline.
    Source: the Guideline, official wording reproduced."""
    yield from _disqualifier("financing_prohibited_by_law", ctx.deal.filer.disqualifiers.financing_prohibited_by_law,
                             "law forbids it from capital-market financing", "存在法律法规禁止其在资本市场融资的情形")


@rule("CN-G-08", title="No national-security finding against the offshore issue", title_zh="不存在危害国家安全的认定",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (2); {REPRODUCED}",
      message=DISQUALIFIER_MESSAGE, message_zh=DISQUALIFIER_MESSAGE_ZH)
def no_national_security_finding(ctx: Context) -> Iterator[Hit]:
    """What: the filer's attestation that no State Council department has found the issue may endanger
    national security.
    Why: disqualifier (2) of the Guideline.
    Source: the Guideline, official wording reproduced."""
    yield from _disqualifier("national_security_finding", ctx.deal.filer.disqualifiers.national_security_finding,
                             "a national-security finding has been made", "经国务院有关主管部门认定可能危害国家安全")


@rule("CN-G-09", title="No specified crimes in the last three years", title_zh="最近三年内不存在特定刑事犯罪",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (3); {REPRODUCED}",
      message="{detail}", message_zh="{detail_zh}")
def no_recent_specified_crimes(ctx: Context) -> Iterator[Hit]:
    """What: no conviction of the filer, its controlling shareholder or actual controller for corruption, bribery,
    embezzlement, misappropriation or undermining the market-economy order within three years of the as-of date.
    Why: disqualifier (3) of the Guideline.
    Source: the Guideline, official wording reproduced."""
    disqualifiers = ctx.deal.filer.disqualifiers
    window_start = ctx.as_of.replace(year=ctx.as_of.year - 3) if not (ctx.as_of.month == 2 and ctx.as_of.day == 29) \
        else ctx.as_of.replace(year=ctx.as_of.year - 3, day=28)
    for index, conviction in enumerate(disqualifiers.convictions):
        if conviction.offence in PROHIBITED_OFFENCES and conviction.judgment_date >= window_start:
            yield hit(f"filer.disqualifiers.convictions[{index}]",
                      detail=f"{conviction.party_role.replace('_', ' ')} convicted of {conviction.offence} on "
                             f"{conviction.judgment_date}, within three years of {ctx.as_of}",
                      detail_zh=f"{conviction.party_role}于 {conviction.judgment_date} 被判 {conviction.offence} 罪，"
                                f"在 {ctx.as_of} 前三年内")
    if disqualifiers.convictions_attestation.applies:
        yield hit("filer.disqualifiers.convictions_attestation.applies",
                  detail="the filer attests a specified crime within the last three years",
                  detail_zh="备案主体声明最近三年内存在特定刑事犯罪")


@rule("CN-G-10", title="No open docketed investigation", title_zh="不存在尚未结案的立案调查",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (4); {REPRODUCED}",
      message=DISQUALIFIER_MESSAGE, message_zh=DISQUALIFIER_MESSAGE_ZH)
def no_open_investigation(ctx: Context) -> Iterator[Hit]:
    """What: the filer's attestation that it is not under a docketed investigation without a conclusion.
    Why: disqualifier (4) of the Guideline.
    Source: the Guideline, official wording reproduced."""
    yield from _disqualifier("open_investigation", ctx.deal.filer.disqualifiers.open_investigation,
                             "it is under an open docketed investigation", "其正被立案调查且尚无明确结论")


@rule("CN-G-11", title="No major ownership dispute; the assets are transferable",
      title_zh="基础资产无重大权属纠纷且可依法转让",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (5); {REPRODUCED}; SSE ABS Guideline No. 2 §2.1 (official-copy)",
      message="{detail}", message_zh="{detail_zh}")
def transferable_without_dispute(ctx: Context) -> Iterator[Hit]:
    """What: the assets are subject to no major ownership dispute and may be transferred by law.
    Why: disqualifier (5) of the Guideline; the exchange ABS admission standard says the same.
    Source: the Guideline, official wording reproduced."""
    if ctx.deal.assets.ownership_dispute:
        yield hit("assets.ownership_dispute", detail="the assets are subject to a major ownership dispute",
                  detail_zh="基础资产存在重大权属纠纷")
    if not ctx.deal.assets.transferable:
        yield hit("assets.transferable", detail="the assets may not be transferred by law",
                  detail_zh="基础资产依法不得转让")


@rule("CN-G-16", title="Cross-border, FX and data-security approvals are complete",
      title_zh="跨境投资、外汇及数据安全审批已完成",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, cross-border investment, foreign exchange, network and data security; {REPRODUCED}. "
             "The outbound-investment (ODI) measures themselves are not among the texts read",
      message="{approval} is {status}", message_zh="{approval_zh}{status_zh}")
def approvals_complete(ctx: Context) -> Iterator[Hit]:
    """What: the security review, the data-export assessment and the SAFE registration are each done, or declared not
    applicable with a reason; so is the outbound-investment (ODI) filing when the filer controls the offshore issuer.
    Why: the Guideline requires the approvals, filings or security reviews of the cross-border investment, foreign
    exchange and network and data security regulators to be complete; cross-border investment comes first, and a
    mainland filer setting up or controlling the offshore issuer is outbound investment. Whether a SAFE registration
    is needed for ABS-token proceeds was not found, so the deal must record it as done or as not applicable with its
    reason: this rule asks for that decision, rule CN-FX-01 only for the repatriation plan.
    Source: the Guideline, official wording reproduced."""
    yield from _approvals_complete(ctx, odi=True)


APPROVALS_ZH = {"security_review": "网络安全审查", "data_export_assessment": "数据出境安全评估",
                "safe_registration": "外汇登记", "odi_filing": "境外投资（ODI）核准或备案"}
STATUS_ZH = {"missing": "未记录", "pending": "尚未完成"}


def _approvals_complete(ctx: Context, odi: bool) -> Iterator[Hit]:
    """CN-G-16; rulebook 2026.11.2 did not ask for the ODI filing (`odi=False`)."""
    approvals = {a.type: (i, a) for i, a in enumerate(ctx.deal.approvals)}
    kinds = ["security_review", "data_export_assessment", "safe_registration"]
    if odi and ctx.deal.issuer.controlled_by_filer:
        kinds.append("odi_filing")
    for kind in kinds:
        found = approvals.get(kind)
        status = "missing" if found is None else found[1].status
        if status in STATUS_ZH:
            yield hit("approvals" if found is None else f"approvals[{found[0]}].status", approval=kind,
                      status=status, approval_zh=APPROVALS_ZH[kind], status_zh=STATUS_ZH[status])


@rule("CN-G-17", title="Completion report to the CSRC after issuance", title_zh="发行完成后向中国证监会报告",
      severity=Severity.warning, confidence=Confidence.secondary,
      source=f"{GUIDELINE}, post-filing duties, {SUMMARISED}; deadline not found",
      message="{detail}", message_zh="{detail_zh}")
def completion_reported(ctx: Context) -> Iterator[Hit]:
    """What: once the offering has closed, a completion report has been submitted, and not before the close.
    Why: the filer must report promptly when the offshore issuance is completed; no deadline was found, so this stays
    a warning until one is confirmed.
    Source: secondary reports of the Guideline."""
    close, report = ctx.deal.offering.close_date, ctx.deal.filing.completion_report
    if close and close <= ctx.as_of and report is None:
        yield hit("filing.completion_report",
                  detail=f"the offering closed on {close} and no completion report is recorded",
                  detail_zh=f"发行已于 {close} 完成，但未记录发行完成报告")
    if report and close and report.submitted_on < close:
        yield hit("filing.completion_report.submitted_on", detail="the completion report predates the close",
                  detail_zh="发行完成报告早于发行完成日")


@rule("CN-G-18", title="Material events are reported to the CSRC", title_zh="重大事项向中国证监会报告",
      severity=Severity.warning, confidence=Confidence.secondary,
      source=f"{GUIDELINE}, post-filing duties, {SUMMARISED}",
      message="the material event of {when} has not been reported to the CSRC",
      message_zh="{when} 发生的重大事项尚未向中国证监会报告")
def material_events_reported(ctx: Context) -> Iterator[Hit]:
    """What: every event marked material has a CSRC report date.
    Why: the filer must report major risks and other major matters promptly.
    Source: secondary reports of the Guideline."""
    for index, event in enumerate(ctx.deal.filing.events):
        if event.material and event.csrc_reported_on is None:
            yield hit(f"filing.events[{index}].csrc_reported_on", when=event.occurred_on)


@rule("CN-G-19", title="Each disqualifier attestation is dated and backed by evidence",
      title_zh="各项负面情形声明注明日期并附证明材料",
      severity=Severity.warning, confidence=Confidence.secondary, source=f"{GUIDELINE}, duty of truth, {SUMMARISED}",
      message="{field} {problem}", message_zh="{field} {problem_zh}")
def attestations_evidenced(ctx: Context) -> Iterator[Hit]:
    """What: each of the filer's disqualifier attestations names its evidence and a date no later than the as-of date.
    Why: materials must be true, accurate and complete; an undated, unsupported statement cannot be verified.
    Source: the duty of truth in secondary reports of the Guideline."""
    disqualifiers = ctx.deal.filer.disqualifiers
    for name in ("financing_prohibited_by_law", "national_security_finding", "convictions_attestation",
                 "open_investigation"):
        attestation: Attestation = getattr(disqualifiers, name)
        field = f"filer.disqualifiers.{name}"
        if not attestation.evidence:
            yield hit(field, field=field, problem="names no evidence", problem_zh="未注明证明材料")
        if attestation.attested_on is None:
            yield hit(field, field=field, problem="is not dated", problem_zh="未注明日期")
        elif attestation.attested_on > ctx.as_of:
            yield hit(field, field=field, problem=f"is dated after the as-of date {ctx.as_of}",
                      problem_zh=f"日期晚于评估基准日 {ctx.as_of}")


@rule("CN-G-20", title="The CSRC has completed the filing before the tokens launch",
      title_zh="代币发行启动前已完成中国证监会备案",
      severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{GUIDELINE}, filing 'before the business starts' ({REPRODUCED}); {PUBLISHED}",
      message="{detail}", message_zh="{detail_zh}")
def filing_completed_before_launch(ctx: Context) -> Iterator[Hit]:
    """What: once the launch date has come, the filing is published (completed); a published filing has a
    publication date, and that date is no later than the launch.
    Why: the filing must precede the business, and the CSRC publishes the filings it completes and refuses those that
    do not conform; a token launched while its filing is pending, or before the CSRC published it, may rest on a
    filing that is then refused. That the launch must wait for publication is read from secondary reports of the
    CSRC's practice, hence `secondary`; it is a blocker because launching on a refused filing cannot be undone.
    Source: the Guideline (official wording reproduced) and secondary reports of the CSRC's publication."""
    filing, launch = ctx.deal.filing, ctx.deal.offering.launch_date
    if filing.status in PENDING and launch <= ctx.as_of:
        yield hit("filing.status",
                  detail=f"the launch date {launch} has come while the filing is still {filing.status}",
                  detail_zh=f"发行启动日 {launch} 已到，但备案仍在办理中，尚未完成")
    if filing.status == "published" and filing.published_on is None:
        yield hit("filing.published_on", detail="the filing is published but its publication date is not recorded",
                  detail_zh="备案已公示，但未记录公示日期")
    if filing.published_on and filing.published_on > launch:
        yield hit("filing.published_on",
                  detail=f"the filing was published on {filing.published_on}, after the launch on {launch}",
                  detail_zh=f"备案于 {filing.published_on} 公示，晚于发行启动日 {launch}")


@rule("CN-G-21", title="The filer is not a listed dishonest entity", title_zh="备案主体不属于失信主体",
      severity=Severity.warning, confidence=Confidence.secondary,
      source="AMAC negative list (中基协发〔2024〕3号) item 2, important cash-flow provider, read onto the filer as "
             "originator and servicer (an inference); Guideline disqualifier (1) for restrictions by law",
      message="the filer {name} is recorded as a listed dishonest entity", message_zh="备案主体{name}被列为失信主体")
def filer_not_dishonest(ctx: Context) -> Iterator[Hit]:
    """What: `filer.dishonest_entity` is false.
    Why: negative-list item 2 excludes assets whose important cash-flow provider is a dishonest entity; for an income
    right (toll-road income) the filer's own operation is the cash-flow source, and for any pool the filer originates
    and services the assets; a listing may also restrict its financing under disqualifier (1). How far the list
    reaches the filer itself is an inference, so this is a warning for counsel, not a blocker.
    Source: the AMAC negative list (official copy) read onto the filer, an inference (secondary)."""
    if ctx.deal.filer.dishonest_entity:
        yield hit("filer.dishonest_entity", name=ctx.deal.filer.name_zh)
