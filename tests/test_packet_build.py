"""The example packet end to end: built once per session, then read back as a reviewer would: the PDFs' text in both
languages, the data against the inputs, the manifest and its signature, the zip and DOCX drafts, and a second build
in another process that must give byte-identical files."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from eth_account import Account

import filing
from filing import stages
from filing.chain.report import ContractReport
from filing.packet import DATA_FILES, DOCUMENTS, BuildResult, recover_signer
from filing.packet.attachments import read_attachments
from filing.packet.manifest import MANIFEST, SIGNATURE
from filing.pool import analyse_pool
from filing.stages import with_cashflows
from filing.write import MARKER

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
KEY_FILE = EXAMPLE / "test-key.txt"
TEST_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
"""Address of anvil's account #0, whose well-known key the example signs with."""


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return stages.build(filing.load_deal(EXAMPLE / "deal.yaml"), tmp_path_factory.mktemp("packet") / "packet",
                        sign_key_file=KEY_FILE, zip=True)


@pytest.fixture(scope="session")
def pdf_text(built: BuildResult) -> dict[str, str]:
    """slug → pdftotext of the document (poppler, as a reviewer's tool would read it)."""
    return {spec.slug: subprocess.run(["pdftotext", "-enc", "UTF-8", str(built.out_dir / "documents" /
                                                                          f"{spec.slug}.pdf"), "-"],
                                      capture_output=True, text=True, check=True).stdout for spec in DOCUMENTS}


def test_build_passes_and_writes_every_file(built: BuildResult) -> None:
    assert built.written and built.verdict.ok and built.exit_code == 0
    expected = {f"documents/{s.slug}.{ext}" for s in DOCUMENTS for ext in ("pdf", "html")}
    expected |= {f"documents/{s.slug}.docx" for s in DOCUMENTS if s.docx} | set(DATA_FILES.values())
    expected |= set(read_attachments(filing.load_deal(EXAMPLE / "deal.yaml")))
    assert set(built.files) == expected
    on_disk = {str(p.relative_to(built.out_dir)) for p in built.out_dir.rglob("*") if p.is_file()}
    assert on_disk == expected | {MANIFEST, SIGNATURE, MARKER}
    assert built.pages >= 2 * len(DOCUMENTS)


def test_pdfs_carry_the_key_figures_in_both_languages(built: BuildResult, pdf_text: dict[str, str]) -> None:
    deal = filing.load_deal(EXAMPLE / "deal.yaml").deal

    def flat(slug: str) -> str:
        return "".join(pdf_text[slug].split())  # pdftotext breaks long lines inside names

    report = flat("01-filing-report")
    for figure in (deal.filer.uscc, deal.filer.name_zh, "".join(deal.filer.name_en.split()), deal.deal_id,
                   "1,200,000,000.00", "120,000,000.00", "备案报告", "Filingreport", "2026年11月20日",
                   "20November2026", "募集资金用途及回流安排", "Useandrepatriationofproceeds"):
        assert figure in report, figure
    assert report.index("备案报告") < report.index("Filingreport"), "the Chinese version comes first"
    assets = flat("02-asset-report")
    assert "基础资产报告" in assets and "Underlying-assetreport" in assets
    assert assets.count("1,200,000,000.00") >= 2  # stated in each language
    token = flat("04-token-terms")
    contract = json.loads((built.out_dir / DATA_FILES["contract"]).read_text())
    for tranche in contract["tranches"]:
        assert token.count(tranche["address"]) >= 2, tranche["address"]
    assert "120,000,000,000,000" in token  # class A cap in base units (6 decimals)
    for slug, text in pdf_text.items():
        # one document, numbered through: Chinese pages first, then the English ones
        assert "第 1 页" in text and re.search(r"Page \d+ of \d+", text), slug
    for slug in ("01-filing-report", "02-asset-report", "03-structure"):
        assert re.search(r"目录\n", pdf_text[slug]) and "Contents" in pdf_text[slug], slug  # long ones have a TOC


def test_every_page_has_running_header(built: BuildResult) -> None:
    import pypdf

    reader = pypdf.PdfReader(built.out_dir / "documents" / "01-filing-report.pdf")
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert ("备案报告" in text or "Filing report" in text) and ("页" in text or "Page" in text), number


def test_data_files_match_the_inputs(built: BuildResult) -> None:
    loaded = filing.load_deal(EXAMPLE / "deal.yaml")
    folder = built.out_dir
    assert (folder / DATA_FILES["deal"]).read_text(encoding="utf-8") == loaded.canonical_json()
    pool = with_cashflows(analyse_pool(loaded), loaded.deal)
    assert json.loads((folder / DATA_FILES["pool"]).read_text()) == json.loads(json.dumps(pool.to_dict()))
    findings = json.loads((folder / DATA_FILES["findings"]).read_text())
    evidence = ContractReport.from_dict(json.loads((folder / DATA_FILES["contract"]).read_text())).evidence
    report = filing.check_deal(loaded, pool, evidence).to_dict()
    assert {k: v for k, v in findings.items() if k != "rules"} == json.loads(json.dumps(report))
    assert [r["code"] for r in findings["rules"]] == [r.code for r in filing.rulebook().rules]
    import polars as pl

    tape = pl.read_parquet(folder / DATA_FILES["tape"])
    assert tape.height == pool.tape.rows and tape["row"].to_list() == sorted(tape["row"].to_list())


def test_manifest_lists_every_file_and_its_signature_verifies(built: BuildResult) -> None:
    raw = (built.out_dir / MANIFEST).read_bytes()
    manifest = json.loads(raw)
    assert raw.decode() == json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(built.files)
    for path, entry in listed.items():
        content = (built.out_dir / path).read_bytes()
        assert entry["size"] == len(content) and entry["sha256"] == hashlib.sha256(content).hexdigest()
    loaded = filing.load_deal(EXAMPLE / "deal.yaml")
    assert manifest["deal"] == {"id": loaded.deal.deal_id, "sha256": loaded.sha256()}
    assert manifest["rulebook_version"] == filing.rulebook().version
    assert manifest["tool"] == {"name": "filing", "version": filing.__version__}
    assert manifest["langs"] == ["zh", "en"] and manifest["draft"] is False and manifest["verdict"]["ok"]
    signature = json.loads((built.out_dir / SIGNATURE).read_text())
    assert signature["signer"] == TEST_ADDRESS == built.signer
    assert signature["manifest_sha256"] == hashlib.sha256(raw).hexdigest()
    assert recover_signer(raw, signature["signature"]) == TEST_ADDRESS
    assert recover_signer(raw + b" ", signature["signature"]) != TEST_ADDRESS
    key = KEY_FILE.read_text().splitlines()[-1]
    assert all(key[2:] not in p.read_text(errors="ignore") for p in built.out_dir.rglob("*.json"))
    assert Account.from_key(key).address == TEST_ADDRESS


def test_zip_holds_the_same_files_with_fixed_dates(built: BuildResult) -> None:
    assert built.zip_path == built.out_dir.with_name("packet.zip")
    with zipfile.ZipFile(built.zip_path) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {n.removeprefix("packet/") for n in names} == set(built.files) | {MANIFEST, SIGNATURE}
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 20, 0, 0, 0)}
        assert archive.read("packet/manifest.json") == (built.out_dir / MANIFEST).read_bytes()


def test_docx_drafts_are_editable_bilingual_with_east_asian_fonts(built: BuildResult) -> None:
    for slug, names in (("08-undertakings", ("深圳前海华讯供应链管理有限公司", "Pearl River Capital (HK) Limited")),
                        ("09-legal-opinion", ("深圳前海华讯供应链管理有限公司", "Shenzhen Qianhai Huaxun"))):
        document = Document(str(built.out_dir / "documents" / f"{slug}.docx"))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert all(name in text for name in names), slug
        fonts = document.styles["Normal"].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "SimSun"
    opinion = Document(str(built.out_dir / "documents" / "09-legal-opinion.docx"))
    headings = [p.text for p in opinion.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("境内法律意见书（草稿）") < headings.index("PRC legal opinion (draft)")


def test_docx_drafts_are_a4_chinese_paged_and_carry_the_deal_s_properties(built: BuildResult) -> None:
    opinion_path = built.out_dir / "documents" / "09-legal-opinion.docx"
    opinion = Document(str(opinion_path))
    section = opinion.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    with zipfile.ZipFile(opinion_path) as archive:
        styles, footer = archive.read("word/styles.xml").decode(), archive.read("word/footer1.xml").decode()
        application = archive.read("docProps/app.xml").decode()
    assert 'w:val="zh-CN"' in styles and 'w:val="en-US"' not in styles
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "<Application>filing</Application>" in application and "Microsoft" not in application
    properties = opinion.core_properties
    assert properties.author == "广东前海联合律师事务所" and properties.keywords == "HXSC-TR-2026-01"
    assert properties.language == "zh-CN" and "python-docx" not in (properties.comments or "")
    assert properties.subject == "华讯供应链应收账款资产支持证券代币（2026年第一期）"
    texts = [p.text for p in opinion.paragraphs if p.text.strip()]
    statement = texts.index("第一部分 律师声明")  # numbered in PRC style: no second number added
    assert texts[statement + 1] == "Part 1 Counsel's statement"  # each Chinese block followed by its English pair
    first = next(i for i, t in enumerate(texts) if t.startswith("1. 本所及经办律师"))
    assert texts[first + 1].startswith("1. Under the Securities Law")
    undertakings = Document(str(built.out_dir / "documents" / "08-undertakings.docx"))
    headings = [p.text for p in undertakings.paragraphs if p.style.name.startswith("Heading")]
    assert "1 承诺方" in headings and "1 Parties giving undertakings" in headings  # numbered where the text is not


def test_parity_of_the_example(built: BuildResult) -> None:
    """Every document agrees across languages, except where the rulebook's own titles differ (reported, not hidden)."""
    manifest = json.loads((built.out_dir / MANIFEST).read_text())
    assert manifest["parity"] == [issue.to_dict() for issue in built.parity]
    assert {issue.document for issue in built.parity} <= {"07-compliance-checklist"}


def test_second_build_in_another_process_is_byte_identical(built: BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "packet"  # the zip's entries are named after the folder
    run = subprocess.run([sys.executable, "-m", "filing", "build", str(EXAMPLE / "deal.yaml"), "-o", str(out),
                          "--sign-key-file", str(KEY_FILE), "--zip"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr + run.stdout
    assert str(out) in run.stdout and "PASS" in run.stdout
    for path in [*built.files, MANIFEST, SIGNATURE]:
        assert (out / path).read_bytes() == (built.out_dir / path).read_bytes(), path
    assert (tmp_path / "packet.zip").read_bytes() == built.zip_path.read_bytes()
