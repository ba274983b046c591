"""The Chinese version of every document governs: no English free text in it, for every example, and the check
itself caught both ways (a Latin sentence fails, identifiers and codes pass, an untranslated deal field is found)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from document_packets import NAMES, packet

from filing.packet import DOCUMENTS
from filing.packet.environment import make_environment
from filing.packet.latin import is_latin_text, latin_leaks
from filing.packet.render import RenderOptions, render_documents
from filing.review.packet import open_packet


@pytest.mark.parametrize("name", NAMES)
def test_no_latin_free_text_in_any_chinese_section(name: str) -> None:
    html = packet(name).html()
    assert set(html) == {spec.slug for spec in DOCUMENTS}
    leaks = [str(leak) for slug, page in html.items() for leak in latin_leaks(slug, page)]
    assert leaks == []


@pytest.mark.parametrize("text", [
    "Harbour Trust Company Limited", "tranche A in USD converted at 7.1 CNY per USD (given)",
    "institutional, corporate", "pending", "csv", "Class A Senior Tokens", "Ethereum",
    "核查：China Judgments Online and CSRC enforcement search report（确认日期：2026年11月10日）"])
def test_latin_free_text_is_caught(text: str) -> None:
    assert is_latin_text(text)


@pytest.mark.parametrize("text", [
    "91440300AY4CL12T24", "0xF2E246BB76DF876Cef8b38ae84130F4F55De395b", "HXSC-A", "USD", "CN, US",
    "li.jing@huaxun-sc.example", "01-offering-memorandum.txt", "3ed86fc2166bfc0bc9388c7c3ffd1e5e56a9b3c3a41d08fc1abf",
    "海港信托有限公司", "1,200,000,000.00", "2026年11月20日", "以太坊（链标识 1）", "UTF-8", "—"])
def test_identifiers_and_chinese_pass(text: str) -> None:
    assert not is_latin_text(text)


def test_an_untranslated_deal_field_is_found_in_the_document_that_shows_it() -> None:
    """Removing one ``_zh`` form makes its English value appear in the Chinese text, and the check names it."""
    source = packet("trade-receivables")
    deal = source.deal
    deal["filer"]["disqualifiers"]["open_investigation"]["evidence_zh"] = None
    data = replace(open_packet(source.root).data(),
                   deal_json=json.dumps(deal, ensure_ascii=False, sort_keys=True, indent=2) + "\n", tape_parquet=None)
    html = render_documents(make_environment(), data, RenderOptions(("zh", "en"), False, "2026-11-20T00:00:00", "t"))
    leaks = {(leak.document, leak.text) for slug, page in html.items() for leak in latin_leaks(slug, page)}
    evidence = deal["filer"]["disqualifiers"]["open_investigation"]["evidence"]
    assert ("01-filing-report", evidence) in leaks
    assert any(document == "09-legal-opinion" and evidence in text for document, text in leaks)
