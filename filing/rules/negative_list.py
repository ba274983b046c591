"""Rules from the AMAC negative list of ABS underlying assets (中基协发〔2024〕3号), which disqualifier (6) of the
Guideline brings in."""

from __future__ import annotations

from collections.abc import Iterator

from filing.assets import spec
from filing.rules.guideline import GUIDELINE
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

NEGATIVE_LIST = ("AMAC Negative List of ABS Underlying Assets (中基协发〔2024〕3号, 29 Mar 2024), via the Guideline's "
                 "disqualifier (6); text read in a public mirror of the official rules")
UNCERTAIN_CASHFLOWS = {"mining_right": "mining rights", "land_sale": "land-sale revenue",
                       "box_office": "box-office revenue", "non_exclusive_ticket": "non-exclusive entry tickets",
                       "disposal_only": "disposal proceeds only"}
NEGATIVE_ITEMS_ZH = {"NL1": "违反地方政府债务管理规定", "NL2": "重要现金流提供方为失信主体", "NL3": "现金流高度不确定",
                     "NL4": "空置或在建不动产", "NL5": "仅依赖处置产生现金流", "NL6": "混合不相关资产类型",
                     "NL7": "违反法律或政策", "NL8": "以上述资产为基础资产或现金流来源"}


@rule("CN-G-12", title="The assets hit no negative-list item", title_zh="基础资产不属于负面清单",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{GUIDELINE}, disqualifier (6); {NEGATIVE_LIST}",
      message="the assets are flagged with negative-list item {item}",
      message_zh="基础资产触及负面清单第{item}项：{item_zh}")
def no_negative_list_flag(ctx: Context) -> Iterator[Hit]:
    """What: none of the negative-list items NL1–NL8 is flagged on the assets.
    Why: an asset on the domestic ABS negative list may not back an ABS token (Guideline disqualifier 6).
    Source: the Guideline (official wording reproduced) and the AMAC list (official copy)."""
    for index, item in enumerate(ctx.deal.assets.negative_list_flags):
        yield hit(f"assets.negative_list_flags[{index}]", item=item, item_zh=NEGATIVE_ITEMS_ZH[item])


FORBIDDEN_MIXES = (frozenset({"receivable", "charge_right"}),)
"""Mixes of legal natures (`AssetSpec.nature`) the negative list itself names as unrelated (item 6: receivables with
toll-road charge rights); no justification clears them."""


@rule("CN-G-13", title="No mixing of unrelated asset types in one pool", title_zh="不得混合不相关的基础资产类型",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{NEGATIVE_LIST}, item 6",
      message="the pool mixes {classes} {why}", message_zh="资产池混合了{classes_zh}，{why_zh}")
def single_asset_class(ctx: Context) -> Iterator[Hit]:
    """What: the pool holds one asset class, or a stated justification explains why the classes are correlated; no
    justification clears a mix the negative list itself names (receivables with toll-road income).
    Why: negative-list item 6 excludes mixed pools of legally and commercially different assets with no correlation,
    and gives receivables plus toll-road rights as its example, so that mix is unrelated by the list's own words.
    Source: AMAC negative list, official copy."""
    yield from _mixing(ctx, FORBIDDEN_MIXES)


def _mixing(ctx: Context, forbidden: tuple[frozenset[str], ...]) -> Iterator[Hit]:
    """CN-G-13; rulebook 2026.11.2 let any justification clear any mix (`forbidden=()`)."""
    assets = ctx.deal.assets
    names = sorted({c.value for c in assets.other_asset_classes} | {assets.asset_class.value})
    if len(names) < 2:
        return
    mixed = [spec(name) for name in names]
    classes, classes_zh = ", ".join(c.label_en.lower() for c in mixed), "、".join(c.label_zh for c in mixed)
    if any(mix <= {c.nature for c in mixed} for mix in forbidden):
        yield hit("assets.other_asset_classes", classes=classes, classes_zh=classes_zh,
                  why="which the negative list names as an unrelated mix (no justification clears it)",
                  why_zh="属于负面清单列举的不相关资产混合，不因说明相关性而免除")
    elif not assets.mixing_justification:
        yield hit("assets.other_asset_classes", classes=classes, classes_zh=classes_zh,
                  why="without a stated correlation", why_zh="且未说明相关性")


@rule("CN-G-14", title="No uncertain, vacant, under-construction or disposal-only cash flows",
      title_zh="现金流不得高度不确定、空置、在建或仅依赖处置",
      severity=Severity.blocker, confidence=Confidence.official_copy, source=f"{NEGATIVE_LIST}, items 3–5",
      message="{detail}", message_zh="{detail_zh}")
def stable_cashflow_basis(ctx: Context) -> Iterator[Hit]:
    """What: the cash flow does not come from mining rights, land sales, box office, non-exclusive tickets or disposal
    alone, and no property is vacant or under construction.
    Why: negative-list items 3 to 5 exclude assets whose cash flow is highly uncertain or not stable.
    Source: AMAC negative list, official copy."""
    assets = ctx.deal.assets
    if assets.cashflow_basis in UNCERTAIN_CASHFLOWS:
        yield hit("assets.cashflow_basis",
                  detail=f"the cash flow comes from {UNCERTAIN_CASHFLOWS[assets.cashflow_basis]}",
                  detail_zh=f"现金流来源于负面清单所列高度不确定的来源（{assets.cashflow_basis}）")
    if assets.vacant_or_under_construction:
        yield hit("assets.vacant_or_under_construction", detail="the property is vacant or under construction",
                  detail_zh="不动产处于空置或在建状态")


@rule("CN-G-15", title="No important cash-flow provider is a dishonest entity",
      title_zh="重要现金流提供方不属于失信主体",
      severity=Severity.blocker, confidence=Confidence.official_copy,
      source=f"{NEGATIVE_LIST}, item 2; important provider as defined in SSE ABS Guideline No. 1 (over 15% alone or "
             "20% with affiliates)",
      message="{name} provides {share:.1%} of the pool's cash flow ({basis}) and is listed as dishonest",
      message_zh="{name} 提供资产池 {share:.1%} 的现金流（{basis}），且被列为失信主体", needs_pool=True)
def no_dishonest_important_provider(ctx: Context) -> Iterator[Hit]:
    """What: no obligor (or obligor group) above 15% of the pool alone, or 20% with its affiliates, is on the deal's
    list of dishonest entities.
    Why: negative-list item 2 excludes assets whose important cash-flow provider is a listed dishonest debtor.
    Source: AMAC negative list, official copy; thresholds from the SSE definition."""
    for provider in ctx.pool.important_providers:
        if provider.dishonest:
            yield hit("assets.dishonest_obligors", name=provider.name, share=provider.share, basis=provider.basis)
