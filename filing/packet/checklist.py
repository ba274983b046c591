"""The compliance checklist as a filer's self-assessment: each requirement stated positively, in Chinese first, with a
Chinese citation, and only the requirements that apply to the deal's asset class.

Why a layer over the rulebook: a rule's title names what it looks for, often the failure (CHAIN-01 "a mainland
wallet can receive the token"); a filing states what the deal meets ("境内钱包无法接收代币"), and answers 符合 or
不符合 against it. The rule's full source (with the news sites it was read on), its confidence tag and the tool's own
notes stay in ``data/findings.json`` and the internal annex (``rule_sources``); the filed text cites the instrument by
name, the same one in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from filing.assets import AssetSpec, spec


def _pools(kind: AssetSpec) -> bool:
    return kind.tape == "pool"


def _histories(kind: AssetSpec) -> bool:
    return kind.tape == "history"


APPLIES: dict[str, Callable[[AssetSpec], bool]] = {
    "CN-ABS-03": _pools, "CN-ABS-04": lambda kind: kind.dispersion is not None, "CN-ABS-05": _pools,
    **dict.fromkeys(("TAPE-13", "TAPE-14", "TAPE-15", "TAPE-16", "TAPE-17", "TAPE-18", "TAPE-22", "TAPE-23",
                     "TAPE-24", "TAPE-25"), _pools),
    "TAPE-32": lambda kind: "residual_value" in kind.column_names,
    **dict.fromkeys(("TAPE-29", "TAPE-30", "TAPE-31"), _histories),
}
"""Rules that concern one kind of pool only, by the asset class's spec; every other rule applies to every class."""

REQUIREMENT_ZH_EN: dict[str, tuple[str, str]] = {
    "CHAIN-01": ("境内（156）钱包无法接收代币", "A mainland (156) wallet cannot receive the token"),
    "CHAIN-02": ("持有人被认定为境内后亦无法转出代币", "A holder later marked as mainland cannot send the token on"),
    "CHAIN-03": ("强制转让同样经过合规检查", "Forced transfers pass the same compliance check"),
    "CHAIN-04": ("未登记司法辖区（代码0）的钱包被拒绝", "Wallets with no jurisdiction (code 0) are refused"),
    "CHAIN-05": ("不合格钱包（未登记、已过期、被排除）均被拒绝",
                 "Ineligible wallets (unregistered, expired, excluded) are refused"),
    "CHAIN-06": ("交易文件允许的投资者均可接收代币", "Investors the documents allow can receive the token"),
    "CHAIN-07": ("代币的代码、小数位、上限及到期日与交易文件一致",
                 "The token's symbol, decimals, cap and maturity match the documents"),
    "CHAIN-08": ("代币名称与分档英文名称一致", "The token's name matches the tranche's English name"),
    "CHAIN-09": ("交易文件排除的司法辖区在链上均被阻止",
                 "Every jurisdiction the documents exclude is blocked on chain"),
    "CHAIN-10": ("交易文件允许的司法辖区在链上均未被阻止", "No jurisdiction the documents allow is blocked on chain"),
    "CHAIN-11": ("链上记录了备案材料清单的哈希值", "The packet manifest's hash is recorded on chain"),
    "CHAIN-12": ("链上文件哈希值与备案材料清单一致", "The on-chain document hash matches the packet manifest"),
    "CHAIN-13": ("所查地址为受许可的代币合约", "The address holds a permissioned token contract"),
    "CHAIN-14": ("情景测试证明境外限制有效执行", "The scenario tests prove the offshore-only restriction"),
    "CHAIN-15": ("链上配置均可读取", "The on-chain configuration can be read"),
    "CHAIN-16": ("节点链标识与交易文件一致", "The node's chain id matches the documents"),
    "CHAIN-17": ("转让限制查询结果与实际执行一致", "The restriction query agrees with what transfers do"),
    "CN-ABS-03": ("单笔资产占比超过1%时披露前二十大资产", "The top 20 assets are disclosed where one exceeds 1%"),
    "CN-ABS-05": ("原始权益人及其关联方现金流占比超过10%时作专项披露",
                  "Cash flows from the originator's affiliates above 10% are disclosed separately"),
    "CN-N42-01": ("境内未经批准不开展代币化业务、不提供相关服务",
                  "No tokenisation business or service is provided onshore without approval"),
    "CN-N42-04": ("境内主体名称及经营范围不含虚拟资产相关用语",
                  "Mainland parties' names and business scopes hold no virtual-asset terms"),
    "ATT-01": ("备案所需附件均已提供", "Every required attachment is provided"),
}
"""Positive statements for the rules whose titles name the failure or a condition (the others' titles already state
the requirement)."""

NEGATIVE_LIST = ("《资产证券化业务基础资产负面清单指引》（中基协发〔2024〕3号）",
                 "Negative List of ABS Underlying Assets (AMAC [2024] No. 3)")
GUIDELINE = ("《关于境内资产境外发行资产支持证券代币的监管指引》（证监会公告〔2026〕1号）",
             "Regulatory Guidelines on Tokenized Asset-Backed Securities Issued Overseas Using Domestic Assets "
             "(CSRC Announcement [2026] No. 1)")
NOTICE_42 = ("《关于进一步防范和处置虚拟货币等相关风险的通知》（银发〔2026〕42号）",
             "Notice on Further Preventing and Handling Risks of Virtual Currencies and Related Activities "
             "(Yinfa [2026] No. 42)")
DEAL_TERMS = ("本期交易文件（代币条款、投资者限制）", "The transaction documents (token terms, investor restrictions)")
CITATIONS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("CN-G-13", NEGATIVE_LIST), ("CN-G-14", NEGATIVE_LIST), ("CN-G-15", NEGATIVE_LIST), ("CN-G-", GUIDELINE),
    ("CN-N42-05", ("《企业中长期外债审核登记管理办法》（国家发展和改革委员会令第56号）第二条",
                   "Measures for the Review and Registration of Medium- and Long-term Foreign Debt "
                   "(NDRC Order No. 56), Article 2")),
    ("CN-N42-06", ("《境内企业境外发行证券和上市管理试行办法》（证监会公告〔2023〕43号）第二条",
                   "Trial Measures for Overseas Securities Offering and Listing (CSRC Announcement [2023] No. 43), "
                   "Article 2")),
    ("CN-N42-", NOTICE_42),
    ("CN-FX-", ("《外债登记管理办法》（汇发〔2013〕19号）；参照银发〔2025〕252号",
                "Measures for Foreign Debt Registration (Huifa [2013] No. 19); by analogy Yinfa [2025] No. 252")),
    ("CN-ID-01", ("《法人和其他组织统一社会信用代码编码规则》（GB 32100-2015）",
                  "Coding rule of the unified social credit identifier (GB 32100-2015)")),
    ("CN-ID-02", ("《全国组织机构代码编制规则》（GB 11714）", "Rules of coding for the organisation code (GB 11714)")),
    ("CN-ABS-", ("上海证券交易所资产支持证券业务指引（上证发〔2022〕164号、上证发〔2022〕165号）（参照）",
                 "Shanghai Stock Exchange ABS guidelines (SSE [2022] No. 164 and No. 165), by analogy")),
    ("HK-04", ("香港《稳定币条例》（第656章）", "Stablecoins Ordinance (Cap. 656), Hong Kong")),
    ("HK-02", ("香港《证券及期货（专业投资者）规则》（第571D章）",
               "Securities and Futures (Professional Investor) Rules (Cap. 571D), Hong Kong")),
    ("HK-", ("香港证券及期货事务监察委员会关于代币化证券相关活动的通函及牌照制度",
             "The Securities and Futures Commission's circular on tokenised securities and its licensing regime")),
    ("CHAIN-05", DEAL_TERMS), ("CHAIN-06", DEAL_TERMS), ("CHAIN-07", DEAL_TERMS), ("CHAIN-08", DEAL_TERMS),
    ("CHAIN-09", DEAL_TERMS), ("CHAIN-10", DEAL_TERMS), ("CHAIN-16", DEAL_TERMS),
    ("CHAIN-11", ("以太坊 ERC-1643 文件标准", "The ERC-1643 document standard")),
    ("CHAIN-12", ("以太坊 ERC-1643 文件标准", "The ERC-1643 document standard")),
    ("CHAIN-15", ("以太坊 ERC-3643 许可代币标准", "The ERC-3643 permissioned token standard")),
    ("CHAIN-17", ("以太坊 ERC-1404 限制转让代币标准", "The ERC-1404 restricted token standard")),
    ("CHAIN-", NOTICE_42),
    ("TAPE-", ("基础资产信息真实、准确、完整的要求（参照上证发〔2022〕164号）",
               "The requirement of true, accurate and complete asset information (by analogy SSE [2022] No. 164)")),
    ("DEAL-", (GUIDELINE[0] + "关于备案材料真实、准确、完整的规定",
               GUIDELINE[1] + ", on filing materials being true, accurate and complete")),
    ("OVR-", ("本次发行交易文件所载豁免事项及其审批记录", "The waivers recorded in the deal and their approvals")),
    ("ATT-", (GUIDELINE[0] + "；参照证监会公告〔2023〕43号配套指引第2号",
              GUIDELINE[1] + "; by analogy the filing-materials guideline No. 2 of CSRC Announcement [2023] No. 43")),
)
"""The citation of each rule in Chinese and English, by code or code prefix (first match wins)."""

RESULT = {"verdict_pass": "result_met", "verdict_blocker": "result_not_met",
          "verdict_warning": "result_not_met_warning", "verdict_info": "result_note",
          "verdict_overridden": "result_waived", "verdict_not_evaluated": "result_not_evaluated"}
GROUP_OF = (("CN-G-", "group_guideline"), ("ATT-", "group_guideline"), ("DEAL-", "group_guideline"),
            ("OVR-", "group_guideline"), ("CN-N42-", "group_notice42"),
            ("CN-FX-", "group_notice42"), ("CN-ABS-", "group_abs"), ("CN-ID-", "group_identifiers"),
            ("HK-", "group_hongkong"), ("CHAIN-", "group_chain"), ("TAPE-", "group_tape"))


def citation(code: str) -> tuple[str, str]:
    return next(pair for prefix, pair in CITATIONS if code.startswith(prefix))


def applies(code: str, asset_class: str) -> bool:
    return code not in APPLIES or APPLIES[code](spec(asset_class))


def self_assessment(rows: list[dict[str, Any]], asset_class: str) -> list[dict[str, Any]]:
    """The checklist rows (``render._checklist``) that apply to the asset class, as requirement, citation and
    result, grouped by source in the rulebook's order; the tape's data checks as one row."""
    return _grouped(_one_tape_row(_applied(rows, asset_class)))


def rule_sources(rows: list[dict[str, Any]], asset_class: str) -> list[dict[str, Any]]:
    """Every rule the self-assessment applied, one row each, for the internal annex: its citation, the rulebook's
    research note on where the text was read (``source``) and its confidence tag, which no filed document shows."""
    return _grouped(_applied(rows, asset_class))


def _applied(rows: list[dict[str, Any]], asset_class: str) -> list[dict[str, Any]]:
    """The rows of the rules that apply to the asset class, each as requirement, citation, result and confidence."""
    out = []
    for row in rows:
        if not applies(row["code"], asset_class):
            continue
        zh, en = REQUIREMENT_ZH_EN.get(row["code"], (row["title_zh"], row["title_en"]))
        cite_zh, cite_en = citation(row["code"])
        out.append({"code": row["code"], "requirement_zh": zh, "requirement_en": en,
                    "citation_zh": cite_zh, "citation_en": cite_en,
                    "result": RESULT[row["verdict"]], "group": _group(row["code"]),
                    "confidence": row["confidence"], "source": row["source"]})
    return out


def _grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by source group in the rulebook's order (stable within a group)."""
    order = [key for _, key in GROUP_OF]
    return sorted(rows, key=lambda r: order.index(r["group"]))


SEVERITY_ORDER = ("result_not_met", "result_not_met_warning", "result_not_evaluated", "result_waived", "result_note",
                  "result_met")


def _one_tape_row(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tape's data checks as one requirement (their titles name each defect), with the worst result among them;
    each check's result stays in the asset report and the JSON."""
    tape = [r for r in rows if r["group"] == "group_tape"]
    if not tape:
        return rows
    worst = min((r["result"] for r in tape), key=SEVERITY_ORDER.index)
    codes = f"{tape[0]['code']}–{tape[-1]['code']}"
    merged = {"code": codes,
              "requirement_zh": f"资产清单可读取、字段完整有效且与披露信息一致（共{len(tape)}项数据检查）",
              "requirement_en": f"The tape reads, its fields are complete and valid, and it agrees with the disclosure "
                                f"({len(tape)} data checks)", "citation_zh": tape[0]["citation_zh"],
              "citation_en": tape[0]["citation_en"], "result": worst, "group": "group_tape",
              "confidence": tape[0]["confidence"]}
    return [r for r in rows if r["group"] != "group_tape"] + [merged]


def _group(code: str) -> str:
    return next(key for prefix, key in GROUP_OF if code.startswith(prefix))
