"""Each rule's source as a filed Chinese document cites it: the instrument's Chinese title and number, the article or
section, and nothing else (no confidence tags, no project files, no English). The English `Rule.source` says how the
text was read and how sure we are; this is only the citation."""

from __future__ import annotations

GUIDELINE = "《关于境内资产境外发行资产支持证券代币的监管指引》（证监会公告〔2026〕1号）"
NOTICE_42 = "《关于进一步防范和处置虚拟货币等相关风险的通知》（银发〔2026〕42号）"
NEGATIVE_LIST = "中国证券投资基金业协会资产支持证券基础资产负面清单（中基协发〔2024〕3号）"
SSE_G1 = "上海证券交易所上证发〔2022〕164号文"
SSE_G2 = "上海证券交易所上证发〔2022〕165号文"
SFC_CIRCULAR = "香港证券及期货事务监察委员会关于中介人从事代币化证券相关活动的通函（23EC52，2023年11月2日）"
DEAL_TERMS = "本次发行文件所载代币条款及投资者范围"
TOKEN_STANDARDS = "ERC-3643、ERC-1404及ERC-1643代币标准"
TAPE = f"资产池逐笔数据的完整性与质量要求（参照{SSE_G1}第3.7.1节、第4.1.2节关于真实、准确、完整披露的规定）"
ONSHORE_SERVICES = f"{NOTICE_42}关于境内禁止开展现实世界资产代币化活动及相关服务的规定"
OVERSEAS_ONLY = f"{NOTICE_42}关于不得向境内主体提供现实世界资产代币化相关服务的规定"

SOURCE_ZH: dict[str, str] = {
    "CN-G-01": f"{GUIDELINE}关于适用范围的规定",
    "CN-G-02": f"{GUIDELINE}关于适用范围（境外发行）的规定；{ONSHORE_SERVICES}",
    "CN-G-03": f"{GUIDELINE}关于境内备案主体的规定",
    "CN-G-04": f"{GUIDELINE}关于开展业务前备案的规定",
    "CN-G-05": f"{GUIDELINE}关于备案材料（备案报告及境外发行全套文件）的规定",
    "CN-G-06": f"{GUIDELINE}关于备案材料真实、准确、完整的规定",
    "CN-G-07": f"{GUIDELINE}关于不得开展业务情形的规定（第一项）",
    "CN-G-08": f"{GUIDELINE}关于不得开展业务情形的规定（第二项）",
    "CN-G-09": f"{GUIDELINE}关于不得开展业务情形的规定（第三项）",
    "CN-G-10": f"{GUIDELINE}关于不得开展业务情形的规定（第四项）",
    "CN-G-11": f"{GUIDELINE}关于不得开展业务情形的规定（第五项）；{SSE_G2}第2.1节",
    "CN-G-12": f"{GUIDELINE}关于不得开展业务情形的规定（第六项）；{NEGATIVE_LIST}",
    "CN-G-13": f"{NEGATIVE_LIST}第六项",
    "CN-G-14": f"{NEGATIVE_LIST}第三项至第五项",
    "CN-G-15": f"{NEGATIVE_LIST}第二项",
    "CN-G-16": f"{GUIDELINE}关于跨境投资、外汇管理、网络和数据安全的规定",
    "CN-G-17": f"{GUIDELINE}关于发行完成后报告的规定",
    "CN-G-18": f"{GUIDELINE}关于重大事项报告的规定",
    "CN-G-19": f"{GUIDELINE}关于备案材料真实、准确、完整的规定",
    "CN-G-20": f"{GUIDELINE}关于开展业务前备案及备案信息公示的规定",
    "CN-G-21": f"{NEGATIVE_LIST}第二项；{GUIDELINE}关于不得开展业务情形的规定（第一项）",
    "CN-N42-01": ONSHORE_SERVICES,
    "CN-N42-02": OVERSEAS_ONLY,
    "CN-N42-03": f"{NOTICE_42}关于未经同意不得在境外发行挂钩人民币的稳定币的规定",
    "CN-N42-04": f"{NOTICE_42}关于企业注册名称和经营范围不得含有虚拟货币等字样的规定",
    "CN-N42-05": "《企业中长期外债审核登记管理办法》（国家发展改革委令第56号）第二条；"
                 f"{NOTICE_42}关于外债形式现实世界资产代币化的规定",
    "CN-N42-06": "《境内企业境外发行证券和上市管理试行办法》（证监会公告〔2023〕43号）第二条、第十六条；"
                 f"{NOTICE_42}关于境外现实世界资产代币化分类监管的规定",
    "CN-N42-07": f"{NOTICE_42}关于未经同意不得在境外发行挂钩人民币的稳定币的规定（参照）",
    "CN-N42-08": f"{OVERSEAS_ONLY}；{SSE_G1}第3.10节",
    "CN-FX-01": "《外债登记管理办法》（汇发〔2013〕19号）；《关于境内企业境外上市资金管理有关问题的通知》"
                "（银发〔2025〕252号，参照）",
    "CN-ABS-01": f"{SSE_G1}第4.1.2节",
    "CN-ABS-02": f"{SSE_G1}第4.1.2节",
    "CN-ABS-03": f"{SSE_G1}第4.1.2节",
    "CN-ABS-04": f"{SSE_G2}第3.2.3节",
    "CN-ABS-05": f"{SSE_G2}第2.2.3节；{SSE_G1}第3.7.1节",
    "CN-ABS-06": f"{SSE_G1}第3.7.6节、第5节；证监会公告〔2014〕49号",
    "CN-ABS-07": f"{SSE_G1}第3.7.2节；{SSE_G2}第2.3.6节",
    "CN-ABS-08": f"{SSE_G2}第2.1.4节",
    "CN-ABS-09": f"{SSE_G1}第3.10节",
    "CN-ABS-10": f"{SSE_G1}第5节",
    "CN-ABS-12": f"{SSE_G1}第3.7.1节",
    "CN-ABS-14": f"{SSE_G1}第3.7.1节、第4.1.2节",
    "CN-ABS-15": f"{SSE_G1}第3.7.1节、第5节",
    "CN-ID-01": "《法人和其他组织统一社会信用代码编码规则》（GB 32100-2015）",
    "CN-ID-02": "《全国组织机构代码编制规则》（GB 11714）",
    "HK-01": SFC_CIRCULAR,
    "HK-02": "香港《证券及期货（专业投资者）规则》（第571D章）",
    "HK-03": "香港《证券及期货条例》（第571章）第114条",
    "HK-04": "香港《稳定币条例》（第656章）",
    "HK-05": SFC_CIRCULAR,
    "DEAL-01": f"{GUIDELINE}关于备案材料真实、准确、完整的规定",
    "ATT-01": f"{GUIDELINE}关于备案材料（备案报告及境外发行全套文件）的规定",
    "OVR-01": "本次发行交易文件所载豁免事项及其审批记录",
    "OVR-02": f"本次发行交易文件所载豁免事项及其审批记录；{NOTICE_42}的禁止性规定",
}
PACKET = "备案材料包的文件清单、哈希值与电子签名"
INPUT = "备案材料所依据数据文件的格式要求"
CHAIN_ZH = {"CHAIN-05": DEAL_TERMS, "CHAIN-06": DEAL_TERMS, "CHAIN-07": DEAL_TERMS, "CHAIN-08": DEAL_TERMS,
            "CHAIN-09": DEAL_TERMS, "CHAIN-10": DEAL_TERMS, "CHAIN-16": DEAL_TERMS, "CHAIN-11": TOKEN_STANDARDS,
            "CHAIN-12": TOKEN_STANDARDS, "CHAIN-15": TOKEN_STANDARDS, "CHAIN-17": TOKEN_STANDARDS,
            "CHAIN-19": TOKEN_STANDARDS, "CHAIN-20": TOKEN_STANDARDS, "CHAIN-21": TOKEN_STANDARDS}


def source_zh(code: str) -> str:
    """The Chinese citation of rule `code` for filed documents (KeyError for a code the rulebook does not know)."""
    if code in SOURCE_ZH:
        return SOURCE_ZH[code]
    if code.startswith("TAPE-"):
        return TAPE
    if code.startswith("CHAIN-"):
        return CHAIN_ZH.get(code, OVERSEAS_ONLY)
    if code.startswith("REVIEW-"):
        return PACKET
    if code.startswith("INPUT-"):
        return INPUT
    raise KeyError(code)
