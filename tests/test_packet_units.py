"""The packet's parts on their own: parity extraction, language choice, the DRAFT mark, PDF/A-3b, blockers that stop
a build, atomic replacement of a packet, and signing keys from a file or the environment."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

import filing
from filing import stages
from filing.errors import InputError
from filing.packet import build as build_module
from filing.packet.build import build_from_data
from filing.packet.data import PacketData
from filing.packet.environment import load_glossary, make_environment
from filing.packet.manifest import MANIFEST, SIGNATURE, read_key, recover_signer
from filing.packet.parity import check_parity, facts
from filing.packet.pdf import PdfJob, render_pdf
from filing.packet.render import RenderOptions, render_documents
from filing.pool import analyse_pool
from filing.resources import templates_dir
from filing.stages import with_cashflows

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
WHEN = datetime(2026, 11, 20, tzinfo=UTC)
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


@pytest.fixture(scope="module")
def data() -> PacketData:
    loaded = filing.load_deal(EXAMPLE / "deal.yaml")
    pool = with_cashflows(analyse_pool(loaded), loaded.deal)
    return stages.packet_data(loaded, pool, None)


def _section(lang: str, body: str) -> str:
    return f'<section class="lang" data-lang="{lang}">{body}</section>'


def test_parity_extracts_figures_in_each_languages_notation() -> None:
    zh = facts("2026年11月20日 前二十大 第一期 金额 1,200,000.00 元 占比 5.20% 代码 91440300AY4CL12T24 "
               "地址 0xF2E246BB76DF876Cef8b38ae84130F4F55De395b")
    en = facts("20 November 2026 twenty largest 20, issue 1, amount 1200000.00, share 5.20%, "
               "code 91440300AY4CL12T24, address 0xf2e246bb76df876cef8b38ae84130f4f55de395b")
    assert zh == en
    assert zh["dates"] == {"2026-11-20"} and zh["identifiers"] == {"91440300AY4CL12T24"}


def test_parity_names_the_document_and_the_differences() -> None:
    html = _section("zh", "本金 120,000,000.00 美元，到期日 2028年12月31日") + \
        _section("en", "principal 12,000,000.00 USD, maturity 31 December 2028")
    [issue] = check_parity("04-token-terms", html)
    assert (issue.document, issue.kind, issue.only_zh, issue.only_en) == (
        "04-token-terms", "numbers", ("120000000.00",), ("12000000.00",))
    assert "04-token-terms" in str(issue)
    assert check_parity("x", _section("zh", "2026年1月2日")) == []  # one language: nothing to compare


def test_parity_reads_a_road_section_and_leaves_out_what_one_language_carries_on_purpose() -> None:
    assert facts("人民南路四段12号") == facts("12 Renmin South Road Section 4")
    assert facts("道路一侧")["numbers"] == set()  # 一 in ordinary words stays a word
    note = '<span class="cite unpaired">Research note: SSE Guideline No. 1 §3.7.1, read 6 Feb 2026</span>'
    html = _section("zh", "规则 TAPE-02 <span class=\"cite\">参照上证发〔2022〕164号</span>") + \
        _section("en", f"Rule TAPE-02 <span class=\"cite\">SSE [2022] No. 164</span>{note}")
    assert check_parity("90-internal-rule-sources", html) == []
    assert check_parity("x", html.replace(" unpaired", ""))  # the same note, not marked, is a difference


def test_the_example_documents_agree_across_languages(data: PacketData) -> None:
    html = render_documents(make_environment(), data, RenderOptions(("zh", "en"), False, WHEN.isoformat(), "t"))
    issues = [issue for slug, page in html.items() for issue in check_parity(slug, page)]
    assert issues == []


def test_languages_are_chinese_first_whatever_the_order_asked() -> None:
    assert build_module._languages(("en", "zh")) == ("zh", "en")
    assert build_module._languages(("en",)) == ("en",)
    with pytest.raises(InputError, match="zh and en"):
        build_module._languages(("fr",))


def test_english_only_renders_no_chinese_section(data: PacketData) -> None:
    html = render_documents(make_environment(), data, RenderOptions(("en",), False, WHEN.isoformat(), "t"))
    page = html["01-filing-report"]
    assert 'data-lang="en"' in page and 'data-lang="zh"' not in page and "备案报告" not in page.split("<body")[1]


def test_draft_marks_every_page(data: PacketData) -> None:
    html = render_documents(make_environment(), data, RenderOptions(("zh", "en"), True, WHEN.isoformat(), "t"))
    result = render_pdf(PdfJob("02-asset-report", html["02-asset-report"], (str(templates_dir()),), WHEN))
    pages = pypdf.PdfReader(io.BytesIO(result.pdf)).pages
    assert len(pages) > 2 and all("DRAFT" in page.extract_text() for page in pages)


def test_pdf_a_3b_embeds_the_deal_json(data: PacketData) -> None:
    html = render_documents(make_environment(), data, RenderOptions(("zh", "en"), False, WHEN.isoformat(), "t"))
    result = render_pdf(PdfJob("11-material-event-report", html["11-material-event-report"],
                               (str(templates_dir()),), WHEN, pdf_a=True, attachment=data.deal_json.encode()))
    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    assert reader.attachments == {"deal.json": [data.deal_json.encode()]}
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "<xmp:CreateDate>2026-11-20T00:00:00+00:00</xmp:CreateDate>" in xmp  # the deal's date, not the clock
    associated = reader.trailer["/Root"]["/AF"]
    assert {a.get_object()["/AFRelationship"] for a in associated} == {"/Source"}


def _blocked(data: PacketData) -> PacketData:
    barred = filing.rulebook().get("CN-G-07").finding("filer.disqualifiers", what="barred", what_zh="禁止")
    return replace(data, verdict=replace(data.verdict, findings=(*data.verdict.findings, barred)))


def test_a_blocker_stops_a_final_build_and_writes_nothing(data: PacketData, tmp_path: Path) -> None:
    result = build_from_data(_blocked(data), tmp_path / "packet")
    assert not result.written and result.exit_code == 1 and not (tmp_path / "packet").exists()
    assert [f.rule for f in result.verdict.blockers] == ["CN-G-07"]


def _fake_render(files: dict[str, bytes]):
    def render(*args, **kwargs):
        return dict(files), 1, [], {}
    return render


def test_a_packet_is_replaced_whole_or_not_at_all(data: PacketData, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "packet"
    monkeypatch.setattr(build_module, "render_packet", _fake_render({"documents/a.pdf": b"first"}))
    build_from_data(data, out)
    assert (out / "documents" / "a.pdf").read_bytes() == b"first"

    def broken(*args, **kwargs):
        raise build_module.PacketError("template exploded")

    monkeypatch.setattr(build_module, "render_packet", broken)
    with pytest.raises(build_module.PacketError):
        build_from_data(data, out)
    assert (out / "documents" / "a.pdf").read_bytes() == b"first"  # the old packet is untouched
    monkeypatch.setattr(build_module, "render_packet", _fake_render({"documents/b.pdf": b"second"}))
    build_from_data(data, out)
    assert not (out / "documents" / "a.pdf").exists() and (out / "documents" / "b.pdf").read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet"]  # no staging or retired folders left


def test_a_folder_that_is_not_a_packet_is_never_replaced(data: PacketData, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "render_packet", _fake_render({"documents/a.pdf": b"x"}))
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.tex").write_text("precious")
    with pytest.raises(InputError, match="not a packet"):
        build_from_data(data, tmp_path / "thesis")
    assert (tmp_path / "thesis" / "chapter1.tex").read_text() == "precious"


def test_signing_key_from_a_file_or_the_environment(data: PacketData, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "render_packet", _fake_render({"documents/a.pdf": b"x"}))
    monkeypatch.delenv("FILING_SIGN_KEY", raising=False)
    assert build_from_data(data, tmp_path / "unsigned").signer is None
    assert not (tmp_path / "unsigned" / SIGNATURE).exists()
    monkeypatch.setenv("FILING_SIGN_KEY", KEY)
    result = build_from_data(data, tmp_path / "env")
    signature = json.loads((tmp_path / "env" / SIGNATURE).read_text())
    assert result.signer == signature["signer"] == ADDRESS
    assert recover_signer((tmp_path / "env" / MANIFEST).read_bytes(), signature["signature"]) == ADDRESS
    assert KEY[2:] not in "".join(p.read_text() for p in (tmp_path / "env").rglob("*.json"))
    key_file = tmp_path / "key.txt"
    key_file.write_text("# a comment\n\n" + KEY + "\n")
    assert read_key(key_file) == KEY
    key_file.write_text("# only a comment\n")
    with pytest.raises(InputError, match="holds no key"):
        read_key(key_file)
    key_file.write_text("not-a-key\n")
    with pytest.raises(InputError, match="not a valid Ethereum private key"):
        build_from_data(data, tmp_path / "bad", sign_key_file=key_file)


def test_cli_stops_on_blockers_and_builds_a_marked_draft(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from filing.cli import app

    deal = str(EXAMPLE.parent / "noncompliant" / "deal.yaml")
    runner = CliRunner()
    stopped = runner.invoke(app, ["build", deal, "-o", str(tmp_path / "final")])
    assert stopped.exit_code == 1 and "no packet written" in stopped.output
    assert not (tmp_path / "final").exists()
    drafted = runner.invoke(app, ["build", deal, "-o", str(tmp_path / "draft"), "--draft", "--doc-lang", "zh",
                                  "--format", "json"])
    assert drafted.exit_code == 1, drafted.output
    report = json.loads(drafted.output)
    assert report["ok"] is False and report["written"] and report["draft"]
    assert report["findings"] and all({"rule", "severity", "path", "message"} <= set(f) for f in report["findings"])
    manifest = json.loads((tmp_path / "draft" / MANIFEST).read_text())
    assert manifest["draft"] is True and manifest["langs"] == ["zh"] and not manifest["verdict"]["ok"]
    reader = pypdf.PdfReader(tmp_path / "draft" / "documents" / "01-filing-report.pdf")
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    assert "Filing report" not in "".join(page.extract_text() for page in reader.pages)


def test_a_rebuild_dates_documents_as_recorded_and_the_manifest_names_template_overrides(
        data: PacketData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from filing.review import review_packet

    overrides = tmp_path / "templates" / "packet"
    overrides.mkdir(parents=True)
    css = (templates_dir() / "packet" / "packet.css").read_bytes()
    (overrides / "packet.css").write_bytes(css)  # the same bytes: documents unchanged, the override still recorded
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    build_from_data(data, tmp_path / "packet", templates=overrides.parent)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")

    manifest = json.loads((tmp_path / "packet" / MANIFEST).read_text())
    assert manifest["created"] == datetime.fromtimestamp(1790000000, UTC).isoformat()
    assert manifest["templates"] == [{"path": "packet/packet.css", "sha256": hashlib.sha256(css).hexdigest()}]
    [rebuild] = [c for c in review_packet(tmp_path / "packet", rebuild=True).to_dict()["checks"]
                 if c["name"] == "rebuild"]
    assert rebuild["status"] == "pass", rebuild["issues"]
    assert any("1 template file(s) of its own" in line for line in rebuild["evidence"])


def test_the_checklist_states_requirements_positively_for_the_asset_class_only() -> None:
    from filing.packet.checklist import self_assessment

    rows = [{"code": code, "title_en": "t", "title_zh": "标题", "severity": "blocker", "verdict": verdict,
             "confidence": "confidence_secondary", "source": "s (regulatory.md 1.2)"}
            for code, verdict in (("CHAIN-01", "verdict_pass"), ("CN-ABS-04", "verdict_pass"),
                                  ("TAPE-12", "verdict_pass"), ("TAPE-30", "verdict_blocker"))]
    receivables = {r["code"]: r for r in self_assessment(rows, "trade_receivables")}
    assert receivables["CHAIN-01"]["requirement_zh"] == "境内（156）钱包无法接收代币"  # not the failure
    assert receivables["CHAIN-01"]["result"] == "result_met"
    assert receivables["CHAIN-01"]["citation_zh"].startswith("《关于进一步防范和处置虚拟货币等相关风险的通知》")
    assert "regulatory.md" not in receivables["CHAIN-01"]["citation_en"]
    assert "CN-ABS-04" in receivables and receivables["TAPE-12–TAPE-12"]["result"] == "result_met"  # TAPE-30: tolls
    tolls = {r["code"]: r for r in self_assessment(rows, "toll_road_income")}
    assert "CN-ABS-04" not in tolls and tolls["TAPE-12–TAPE-30"]["result"] == "result_not_met"


def test_charts_are_drawn_only_from_data() -> None:
    from filing.packet.render import _charts

    glossary = load_glossary(make_environment())
    deal = json.loads(filing.load_deal(EXAMPLE.parent / "toll-road" / "deal.yaml").canonical_json())
    zeros, ones = ["0.00"] * 3, ["1000000.00"] * 3
    monthly = {"balance": zeros, "collections": ones, "tranches": {"A": {"balance": zeros}, "B": {"balance": zeros}}}
    cash = {"periods": ["2027-01-31", "2027-02-28", "2027-03-31"], "currency": "CNY", "monthly": {"base": monthly},
            "rows": [{"name": "base", "label_zh": "基准情景", "label_en": "Base case"}]}
    charts = _charts(glossary["zh"], deal, cash)
    assert "资产池月度回收款" in charts["pool"] and "资产池未偿余额" not in charts["pool"]
    assert "senior_balance" not in charts  # a flat zero line is not a chart


def test_a_revolving_pool_is_charted_level_until_the_period_ends() -> None:
    """Collections wait in the collection account for the quarter's purchase: the chart adds the account to the
    assets, so the replenished pool stays level, and marks where the revolving period ends."""
    from filing.packet.charts import line_chart
    from filing.packet.render import _assets_and_account

    monthly = {"balance": ["700", "400", "1000", "600", "300"], "collections": ["300", "300", "300", "400", "300"],
               "purchases": ["0", "0", "900", "0", "0"], "fees_paid": ["0", "0", "0", "0", "0"],
               "tranche_interest_paid": ["0", "0", "0", "0", "0"], "tranche_principal_paid": ["0"] * 3 + ["400", "0"],
               "residual": ["0"] * 5}
    assert _assets_and_account(monthly) == [1000.0, 1000.0, 1000.0, 600.0, 600.0]
    chart = line_chart({"base": [1.0, 1.0, 0.5]}, ["2027-01", "2027-02", "2027-03"], "t", "u",
                       mark=(1, "循环购买期结束"))
    assert "循环购买期结束" in chart and 'stroke-dasharray="4 3"' in chart
