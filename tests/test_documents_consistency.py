"""One source for every figure: all documents of every example, read as a reviewer reads them (the PDFs' text through
pdftotext, and the HTML), contradict neither each other nor the packet's data: base dates, obligor caps, expected and
legal maturities, the network the token addresses are on, undertaking dates, the transfer's state in the opinion,
coupon-less tranches, the role of a smart-contract auditor, and every labelled figure shown in more than one place."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from document_packets import NAMES, Packet, packet

from filing.packet.environment import pct
from filing.packet.htmltree import Element, language_sections, parse

ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
DOCUMENT_WIDE = ("基准日（封包日）", "发行开始日", "发行结束日", "资产池未偿本金余额", "交易文件载明的资产池余额",
                 "统一社会信用代码", "境外发行人",
                 "区块链网络", "备案主体", "法定代表人", "交易平台", "本期入池标准：单一债务人占比上限",
                 "交易所分散度标准：单一债务人占比上限", "资金归集账户", "受托人", "托管人")
"""Labels of facts about the whole deal: wherever a document shows one, it shows the same value."""


def zh_date(text: str) -> str:
    year, month, day = ZH_DATE.fullmatch(text.strip()).groups()
    return date(int(year), int(month), int(day)).isoformat()


def zh(html: str) -> Element:
    return language_sections(parse(html))["zh"]


def fields(section: Element) -> list[tuple[str, str]]:
    """(label, value) of every row of the section's label/value tables."""
    return [(row.find_all(lambda e: e.tag == "th")[0].text(), row.find_all(lambda e: e.tag == "td")[0].text())
            for table in section.find_all(lambda e: e.tag == "table" and "fields" in e.classes)
            for row in table.find_all(lambda e: e.tag == "tr")]


@pytest.fixture(scope="module", params=NAMES)
def built(request: pytest.FixtureRequest) -> Packet:
    return packet(request.param)


def test_base_date_means_the_cut_off_date_only(built: Packet) -> None:
    cut_off = built.deal["assets"]["cut_off_date"]
    for slug, text in built.pdf_text().items():
        flat = " ".join(text.split())
        for match in re.finditer(r"基准日[^。；\d]{0,12}?(\d{4}年\d{1,2}月\d{1,2}日)", flat):
            assert zh_date(match[1]) == cut_off, (slug, match[0])


def test_document_wide_facts_agree_across_documents(built: Packet) -> None:
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for slug, html in built.html().items():
        rows = fields(zh(html))
        for label in DOCUMENT_WIDE:
            values = {value for key, value in rows if key == label}
            if len(values) == 1:
                seen[label][slug] = values.pop()
    for label, by_document in seen.items():
        assert len(set(by_document.values())) == 1, (label, by_document)
    cap = built.deal["assets"]["eligibility"].get("max_obligor_share")
    if cap is not None and "本期入池标准：单一债务人占比上限" in seen:
        assert set(seen["本期入池标准：单一债务人占比上限"].values()) == {pct(cap)}


def test_expected_maturity_is_the_projection_s_and_never_after_the_legal_one(built: Packet) -> None:
    base = built.pool["cashflows"]["scenarios"][built.deal["cashflow"]["base"]["name"]]["summary"]["tranches"]
    flat = zh(built.html()["05-cashflow"]).text()  # the PDF's text interleaves the DRAFT mark of a draft
    terms = zh(built.html()["04-token-terms"]).text()
    for tranche in built.deal["token"]["tranches"]:
        tid, legal, repaid = tranche["id"], tranche["legal_maturity"], base[tranche["id"]]["repaid_on"]
        match = re.search(rf"{tid}档：[^；]*；基准情景下预期到期日为([^，]+)，法定到期日为(\d{{4}}年\d+月\d+日)", flat)
        assert match, (tid, flat[:400])
        assert zh_date(match[2]) == legal
        if repaid is None:
            assert match[1] == "预测期内未能足额偿付"
            continue
        assert zh_date(match[1]) == repaid
        assert f"{ZH(repaid)}（基准情景测算）" in terms
        if built.name != "noncompliant":
            assert repaid <= legal, tid


def ZH(day: str) -> str:  # noqa: N802 - the date as the Chinese text writes it
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def test_on_chain_maturity_is_the_legal_one_and_explained(built: Packet) -> None:
    contract = built.contract
    assert contract is not None
    for tranche in contract["tranches"]:
        legal = next(t for t in built.deal["token"]["tranches"] if t["id"] == tranche["tranche"])["legal_maturity"]
        [maturity] = [c["expected"] for c in tranche["checks"] if c["field"] == "maturity"]
        assert maturity == f"{date.fromisoformat(legal) + timedelta(days=1)}T00:00:00Z"
    assert "链上到期时间为法定到期日次日零时" in zh(built.html()["04-token-terms"]).text()


def test_test_chain_addresses_are_never_labelled_as_the_deal_s_network(built: Packet) -> None:
    contract = built.contract
    embedded = contract is not None and contract["mode"] in ("embedded", "fork")
    for slug, html in built.html().items():
        for section in language_sections(parse(html)).values():
            for label, value in fields(section):
                if ADDRESS.search(value) and embedded:
                    assert "测试链" in label or "test chain" in label, (slug, label, value)
            for row in section.find_all(lambda e: e.tag == "tr"):
                if embedded and ADDRESS.search(row.text()):
                    assert not re.search(r"chain (?:id )?1\)|链标识 1）", row.text()), (slug, row.text())
    if embedded:
        note = zh(built.html()["04-token-terms"]).text()
        assert f"内置测试链（链标识 {contract['chain_id']}）" in note


def test_undertaking_letters_carry_the_dates_of_the_list(built: Packet) -> None:
    section = zh(built.html()["08-undertakings"])
    listed = sorted((cells[1].text(), cells[2].text()) for row in section.find_all(lambda e: e.tag == "tr")
                    if len(cells := row.find_all(lambda e: e.tag == "td")) == 3
                    and not row.find_all(lambda e: e.tag == "th"))
    letters = section.find_all(lambda e: "undertaking" in e.classes)
    signed = []
    for letter in letters:
        name = letter.find_all(lambda e: "letter-meta" in e.classes)[0].text().split(" · ")[0]
        signed += [(name, value) for label, value in _rows(letter) if label == "签署日期"]
        if "承诺人（签字）" in letter.text():  # a natural person speaks as 本人, never as a company
            assert "本人" in letter.text() and "本公司" not in letter.text(), name
    assert sorted(signed) == listed and listed


def _rows(element: Element) -> list[tuple[str, str]]:
    return [(row.find_all(lambda e: e.tag == "th")[0].text(), row.find_all(lambda e: e.tag == "td")[0].text())
            for row in element.find_all(lambda e: e.tag == "tr")
            if row.find_all(lambda e: e.tag == "th") and row.find_all(lambda e: e.tag == "td")]


def test_the_opinion_states_the_transfer_as_it_stands_on_its_date(built: Packet) -> None:
    deal = built.deal
    opinion = zh(built.html()["09-legal-opinion"]).text()
    signed = (deal["structure"]["legal_opinion"] or {}).get("signed_on") or deal["filing"]["as_of"]
    transfer = deal["assets"]["true_sale"]["transfer_date"]
    if transfer and transfer > signed:
        assert "尚未完成转让" in opinion and "基础资产已于" not in opinion
    else:
        assert "基础资产已于" in opinion
    assert opinion.index("八、结论意见") < opinion.index("经办律师（签字）")  # the signatures close the opinion
    assert ZH(signed) in opinion.split("经办律师（签字）")[-1]


def test_coupon_less_tranches_show_no_payment_frequency(built: Packet) -> None:
    terms = zh(built.html()["04-token-terms"])
    headings = [h.text() for h in terms.find_all(lambda e: e.tag == "h3")]
    tables = [t for t in terms.find_all(lambda e: e.tag == "table" and "fields" in e.classes)
              if any(label == "付息频率" for label, _ in fields_of(t))]
    for tranche, table in zip(built.deal["token"]["tranches"], tables, strict=True):
        assert headings[built.deal["token"]["tranches"].index(tranche)].startswith(f"档次 {tranche['id']}")
        frequency = dict(fields_of(table))["付息频率"]
        if Decimal(str(tranche["coupon_rate"])) == 0:
            assert frequency == "不适用（不设票面利息）", tranche["id"]
        else:
            assert frequency == f"每{tranche['payment_frequency_months']}个月", tranche["id"]


def fields_of(table: Element) -> list[tuple[str, str]]:
    return _rows(table)


def test_roles_and_pool_figures_are_the_deal_s(built: Packet) -> None:
    deal = built.deal
    report = zh(built.html()["01-filing-report"])
    for provider in deal["service_providers"]:
        if provider["role"] == "smart_contract_auditor":
            rows = [row.text() for row in report.find_all(lambda e: e.tag == "tr")]
            assert any(row.startswith("智能合约审计机构") for row in rows)
            assert not any(row.startswith("审计机构") and "链" in row for row in rows)
    balance = f"{Decimal(deal['assets']['pool_balance']):,.2f}"
    text = {slug: " ".join(t.split()) for slug, t in built.pdf_text().items()}
    for slug in ("01-filing-report", "09-legal-opinion", "00-index"):
        assert balance in text[slug], slug


def test_coverage_is_defined_where_shown_and_the_checklist_holds_no_tool_jargon(built: Packet) -> None:
    cashflow = zh(built.html()["05-cashflow"]).text()
    assert "最低覆盖倍数" in cashflow and "覆盖倍数定义" in cashflow
    checklist = zh(built.html()["07-compliance-checklist"]).text()
    for jargon in ("official-copy", "secondary", "二手资料", "依据可信度", "regulatory.md", "inference", ".com"):
        assert jargon not in checklist, jargon
    assert "符合" in checklist
