"""The internal annex (documents/90-internal-rule-sources): every rule the self-assessment applied, with its source
and confidence, Chinese first; built, hashed and rebuilt with the packet but not filed, and saying so on every page.
The confidence tags it shows appear in no filed document, for every example."""

from __future__ import annotations

import json

import pytest
from document_packets import NAMES, Packet, packet

from filing.packet import DOCUMENTS
from filing.packet.checklist import applies
from filing.packet.environment import load_glossary, make_environment
from filing.packet.htmltree import language_sections, parse
from filing.packet.latin import latin_leaks
from filing.review import Status, review_packet

ANNEX = "90-internal-rule-sources"
GLOSSARY = load_glossary(make_environment())
TAGS = sorted(key for key in GLOSSARY["zh"].words if key.startswith("confidence_") and not key.endswith("_meaning"))
FILED = [spec.slug for spec in DOCUMENTS if spec.filed]


@pytest.fixture(scope="module", params=NAMES)
def built(request: pytest.FixtureRequest) -> Packet:
    return packet(request.param)


def test_the_annex_is_the_packet_s_one_internal_document() -> None:
    assert [spec.slug for spec in DOCUMENTS if not spec.filed] == [ANNEX]


def test_every_page_says_internal_not_for_filing(built: Packet) -> None:
    text = built.pdf_text()[ANNEX]
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert GLOSSARY["zh"]("internal_mark") in flat and GLOSSARY["en"]("internal_mark") in flat, number


def test_every_applied_rule_is_listed_with_its_confidence_in_both_languages(built: Packet) -> None:
    findings = json.loads((built.root / "data" / "findings.json").read_text(encoding="utf-8"))
    asset_class = built.deal["assets"]["asset_class"]
    applied = {rule["code"]: rule["confidence"] for rule in findings["rules"]
               if rule.get("emitted_by") not in ("review", "input") and applies(rule["code"], asset_class)}
    sections = language_sections(parse(built.html()[ANNEX]))
    for lang, section in sections.items():
        rows = {row.find_all(lambda e: e.tag == "td")[0].text(): row.find_all(lambda e: e.tag == "td")[2].text()
                for table in section.find_all(lambda e: e.tag == "table" and "rule-sources" in e.classes)
                for row in table.find_all(lambda e: e.tag == "tr") if row.find_all(lambda e: e.tag == "td")}
        assert rows == {code: GLOSSARY[lang](f"confidence_{tag}") for code, tag in applied.items()}, lang
    assert list(sections) == ["zh", "en"]
    english = sections["en"].text()
    assert all(rule["source"] in english for rule in findings["rules"] if rule["code"] in applied)
    assert latin_leaks(ANNEX, built.html()[ANNEX]) == []


def test_the_filed_documents_carry_no_confidence_jargon(built: Packet) -> None:
    jargon = [GLOSSARY["zh"]("confidence"), *(GLOSSARY["zh"](tag) for tag in TAGS), "official copy", "official-copy",
              "secondary", GLOSSARY["en"]("rs_research")]
    text = built.pdf_text()
    for slug in FILED:
        flat = " ".join(text[slug].split())
        assert [word for word in jargon if word in flat] == [], slug
    assert GLOSSARY["zh"]("internal_mark") not in " ".join(text["01-filing-report"].split())
    annex = " ".join(text[ANNEX].split())
    assert all(word in annex for word in jargon[:3])


def test_the_index_lists_the_annex_apart_and_the_manifest_hashes_it(built: Packet) -> None:
    index = language_sections(parse(built.html()["00-index"]))["zh"]
    tables = [table for table in index.find_all(lambda e: e.tag == "table" and "index" in e.classes)]
    filed, internal = (table.text() for table in tables)
    assert f"{ANNEX}.pdf" in internal and ANNEX not in filed
    assert all(f"{slug}.pdf" in filed for slug in FILED)
    assert GLOSSARY["zh"]("packet_internal") in index.text()
    manifest = json.loads((built.root / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest["files"]}
    assert {f"documents/{ANNEX}.html", f"documents/{ANNEX}.pdf"} <= listed


def test_review_rebuilds_the_annex_identically() -> None:
    report = review_packet(packet("supply-chain-payables").root, rebuild=True)
    rebuild = next(check for check in report.checks if check.name == "rebuild")
    assert rebuild.status is Status.passed, rebuild.issues
